"""The results of a comparison: verdict, loss and prediction charts, metrics table, downloads."""

from __future__ import annotations

import streamlit as st

from seqlab import charts, charts_text, criteria
from seqlab.evaluate import metrics_long
from seqlab.metrics import METRIC_NAMES
from seqlab.report import Report

NUMBER = "%.4g"
CONFUSION_SIZE = 230  # pixels: three confusion matrices fit side by side on a laptop screen


def show_verdict(report: Report, stopped_by_user: bool) -> None:
    if stopped_by_user:
        st.info("Stopped by you: the results below are those of the epochs trained so far.", icon="⏹️")
    show_problems(report)
    if report.verdict:
        levels = report.table.get("level")
        learned = levels is not None and levels.isin([criteria.SOLVED, criteria.LEARNED]).any()
        (st.success if learned else st.info)(report.verdict)


def show_problems(report: Report) -> None:
    for problem in report.problems:
        st.warning(problem, icon="⚠️")


def show_charts(report: Report, log_scale: bool, unit: str = "") -> None:
    baseline = report.loss_baseline or (None, "")
    st.altair_chart(charts.loss_chart(report.history, log_scale, *baseline), width="stretch")
    st.caption("Solid lines: training loss; dashed with points: validation loss. The grey dashed rule is the "
               "validation loss of the simple baseline named beside it (persistence for a forecast, a counted "
               "n-gram for a text, a model that sees the whole input at once for a classifier): the bar to "
               "measure the networks against.")
    if report.predictions_kind == "forecast":
        st.altair_chart(charts.predictions_chart(report.predictions, unit=unit), width="content")
        st.caption("Top: each forecast one step ahead from the true past. Bottom: the models feed their own "
                   "forecasts back in; persistence repeats the last known value.")
    elif report.predictions_kind == "scatter":
        st.altair_chart(charts.truth_scatter(report.predictions, unit=unit), width="stretch")
    if report.confusion:
        show_classes(report)


def show_classes(report: Report) -> None:
    """Each classifier's confusion matrix side by side, then its most confident mistakes."""
    columns = st.columns(max(len(report.confusion), 2))
    for column, (label, confusion) in zip(columns, report.confusion.items(), strict=False):
        chart = charts_text.confusion_chart(confusion, title=f"{label} · confusion matrix (test)")
        # "pad": Streamlit's default autosize ("fit") would squeeze the axes and legend into the given size
        column.altair_chart(chart.properties(width=CONFUSION_SIZE, height=CONFUSION_SIZE, autosize="pad")
                            .configure_legend(orient="bottom"), width="content")
    st.caption("Rows are the true classes, columns what the model said: a perfect classifier fills the diagonal. "
               "Colour is the share of each true class, the number how many test sequences.")
    tabs = st.tabs([f"{label}: its mistakes" for label in report.mistakes])
    for tab, (label, wrong) in zip(tabs, report.mistakes.items(), strict=True):
        with tab:
            show_mistakes(label, wrong)


def show_mistakes(label: str, wrong) -> None:
    if wrong.empty:
        st.write(f"{label} classified every test sequence correctly.")
    elif "image" in wrong:
        st.altair_chart(charts_text.digit_gallery_chart(wrong, title=f"{label}: misclassified test digits, "
                                                                     "most confident first"), width="content")
    else:
        columns = [c for c in ("text", "true", "predicted", "confidence") if c in wrong]
        st.dataframe(wrong[columns], hide_index=True, width="stretch", column_config={
            "confidence": st.column_config.ProgressColumn("confidence", format="percent", min_value=0,
                                                          max_value=1)})


def show_table(report: Report) -> None:
    table = report.table.rename(columns={"beats_baseline": f"beats {report.table.attrs['baseline']}"})
    config = {name: st.column_config.NumberColumn(METRIC_NAMES[name], format=NUMBER)
              for name in METRIC_NAMES if name in table}
    config |= {
        "label": st.column_config.TextColumn("run"), "params": st.column_config.NumberColumn("parameters"),
        "hidden_size": st.column_config.NumberColumn("hidden"),
        "sec_per_epoch": st.column_config.NumberColumn("s / epoch", format="%.3f"),
        "train_loss": st.column_config.NumberColumn("train loss", format=NUMBER),
        "val_loss": st.column_config.NumberColumn("validation loss", format=NUMBER),
    }
    verdict = f"beats {report.table.attrs['baseline']}"
    first = ["label", "kind", "level", *[m for m in METRIC_NAMES if m in table], verdict]
    order = first + [c for c in table.columns if c not in first and c != "arch"]
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, column_order=order, placeholder="")
    st.caption("Test metrics are in the data's own units. Baseline rows have no parameters: they are the "
               "honest guesses a model must beat. Level: solved, learned something, or no better than the "
               "baseline, as the verdict above defines them.")
    named = metrics_long(report.table).replace({"metric": METRIC_NAMES})  # "bits per character", not "bits_per_char"
    st.altair_chart(charts.metrics_chart(named), width="content")


def show_downloads(report: Report, name: str) -> None:
    left, right = st.columns(2)
    left.download_button("Download the history (CSV)", report.history_csv, f"{name}-history.csv", "text/csv",
                         icon=":material/download:", width="stretch")
    right.download_button("Download results and configs (JSON)", report.results_json, f"{name}-results.json",
                          "application/json", icon=":material/download:", width="stretch")


def show_report(report: Report, stopped_by_user: bool, log_scale: bool, unit: str = "", name: str = "seqlab") -> None:
    """Everything a finished or stopped comparison has to show, read from its report (no retraining)."""
    st.subheader(f"Results · {report.task_title}")
    show_verdict(report, stopped_by_user)
    show_charts(report, log_scale, unit)
    show_table(report)
    show_downloads(report, name)
