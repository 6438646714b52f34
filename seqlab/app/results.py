"""The results of a comparison: verdict, loss and prediction charts, metrics table, downloads."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seqlab.analysis import backtest
from seqlab.analysis.evaluate import SCALED_LOSS, metrics_long
from seqlab.analysis.report import ERROR, INFO, SUCCESS, WARNING, Report, problem_tone, verdict_tone
from seqlab.app.runs import number_column
from seqlab.charts import classification as charts_text
from seqlab.charts import forecast as forecast_charts
from seqlab.charts import training as charts

CONFUSION_SIZE = 230  # pixels: three confusion matrices fit side by side on a laptop screen


def show_verdict(report: Report, stopped_by_user: bool) -> None:
    if stopped_by_user:
        st.info("Stopped by you: the results below are those of the epochs trained so far.", icon="⏹️")
    show_problems(report)
    if report.verdict:
        alert(verdict_tone(report.table), report.verdict)


# Each tone's box and icon: green with a tick only for good news (seqlab.analysis.report.verdict_tone).
ALERTS = {SUCCESS: (st.success, ":material/check_circle:"), INFO: (st.info, ":material/info:"),
          WARNING: (st.warning, ":material/warning:"), ERROR: (st.error, ":material/error:")}


def alert(tone: str, text: str, icon: str | None = None) -> None:
    """`text` in the box of its tone (success, info, warning, error), with that tone's icon unless `icon` says."""
    box, default = ALERTS[tone]
    box(text, icon=icon or default)


def show_problems(report: Report) -> None:
    for problem in report.problems:
        alert(problem_tone(problem), problem)


def several_seeds(report: Report) -> bool:
    return report.summary is not None and not report.summary.empty and report.summary["seeds"].max() > 1


def show_charts(report: Report, log_scale: bool, unit: str = "", key: str = "results") -> None:
    baseline = report.loss_baseline or (None, "")
    every = several_seeds(report) and st.toggle("Every seed's curve", key=f"{key}_every_seed",
                                                help="Each seed's own training and validation loss, thin, behind "
                                                     "the mean of its architecture.")
    chart = charts.loss_chart(report.history, log_scale, *baseline, every_seed=every, units=report.loss_units)
    st.altair_chart(chart, width="stretch")
    if several_seeds(report):
        st.caption("Each line is the mean over the seeds of one architecture; the shaded band runs from its lowest "
                   "to its highest seed's validation loss.")
    st.caption("Solid lines: training loss; dashed with points: validation loss. The grey dashed rule is the "
               "validation loss of the simple baseline named beside it (persistence for a forecast, a counted "
               "n-gram for a text, a model that sees the whole input at once for a classifier): the bar to "
               "measure the networks against, and the same number as that baseline's validation loss in the "
               "table below." + units_note(report))
    if report.predictions_kind == "forecast":
        st.altair_chart(charts.predictions_chart(report.predictions, unit=unit), width="stretch")
        st.caption("Top: each forecast one step ahead from the true past. Bottom: the models feed their own "
                   "forecasts back in; persistence repeats the last known value." +
                   (f" {report.predicts}" if report.predicts else ""))
        show_backtest(report, unit, key)
    elif report.predictions_kind == "scatter":
        st.altair_chart(charts.truth_scatter(report.predictions, unit=unit), width="stretch")
    if report.shown_seeds and (report.predictions_kind or report.confusion):
        st.caption(f"Predictions and mistakes: {report.shown_seeds}")
    if report.confusion:
        show_classes(report)


def units_note(report: Report) -> str:
    """For a scaled forecast: why the loss chart's numbers are not the table's test metrics."""
    if report.loss_units != SCALED_LOSS:
        return ""
    return (" The losses are MSEs of the series scaled to mean 0 and standard deviation 1 on the training part "
            "(what the networks train on); the test metrics below are in the data's own units.")


def show_backtest(report: Report, unit: str, key: str) -> None:
    """The rolling-origin backtest (folds chosen here, re-cut from the stored errors) and the error against horizon."""
    if report.window_errors is None:
        return
    if not st.toggle("Rolling-origin backtest and error against horizon", key=f"{key}_backtest",
                     help="Score every model and baseline over consecutive folds of forecast origins across the test "
                          "years, with the spread; and, with a horizon above 1, at each step ahead."):
        return
    folds = st.slider("Folds across the test years", 2, backtest.MAX_FOLDS, backtest.DEFAULT_FOLDS,
                      key=f"{key}_folds", help="Every test window is a forecast origin; the origins are cut "
                                               "into this many consecutive folds, each scored on its own.")
    try:
        per_fold = backtest.folds(report.window_errors, folds)
    except ValueError as error:
        st.info(str(error))
    else:
        st.altair_chart(forecast_charts.backtest_chart(per_fold, unit=unit), width="stretch")
        st.dataframe(backtest.summary(per_fold), hide_index=True, width="stretch")
        st.caption("Models trained once on the training years and baselines fitted once likewise, scored fold by "
                   "fold across the test years: a score that holds in every fold can be trusted more than one "
                   "split's number.")
    if report.horizon_errors is not None and report.horizon_errors["horizon"].max() > 1:
        st.altair_chart(forecast_charts.horizon_chart(report.horizon_errors, unit=unit), width="stretch")
        st.caption("Solid: the network's direct head, all steps predicted at once. Dashed: its first output fed "
                   "back in, step by step (recursive). Dotted: the baselines' forecasts of the same steps.")
    else:
        st.caption("Set a forecast horizon above 1 (the direct head) to see the error against horizon.")


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


def bars_table(report: Report) -> pd.DataFrame:
    """What a metrics bar chart draws: a bar per run, or per architecture (the mean over its seeds) with several."""
    table = report.table
    if not several_seeds(report):
        return table
    return pd.concat([report.summary.assign(kind="model"), table[table["kind"] == "baseline"]], ignore_index=True)


def show_seed_summary(report: Report) -> None:
    """Per architecture over its seeds: mean ± sd of each test metric, and in how many seeds it solved the task
    and beat the baseline."""
    summary = report.summary
    said = report.metric_names
    names = [m for m in said if m in summary]
    config = {"label": st.column_config.TextColumn("architecture"), "seeds": st.column_config.NumberColumn("n")}
    for name in names:
        config[name] = number_column(summary, name, f"{said[name]} (mean)")
        config[f"{name} sd"] = number_column(summary, f"{name} sd", "± sd")
    order = ["label", "seeds", "solved", "beats baseline", *[c for m in names for c in (m, f"{m} sd")]]
    st.dataframe(summary, hide_index=True, width="stretch", column_config=config, column_order=order)
    st.caption(f"Over the seeds of each architecture: the mean and standard deviation of each test metric, and in "
               f"how many seeds it solved the task or beat {report.table.attrs['baseline']}. Every seed's own row "
               "follows.")


def show_table(report: Report) -> None:
    if several_seeds(report):
        show_seed_summary(report)
    table = report.table.rename(columns={"beats_baseline": f"beats {report.table.attrs['baseline']}"})
    said = report.metric_names
    config = {name: number_column(table, name, said[name]) for name in said if name in table}
    config |= {
        "label": st.column_config.TextColumn("run"), "params": st.column_config.NumberColumn("parameters"),
        "hidden_size": st.column_config.NumberColumn("hidden"),
        "sec_per_epoch": st.column_config.NumberColumn("s / epoch", format="%.3f"),
        "train_loss": number_column(table, "train_loss", "train loss"),
        "val_loss": number_column(table, "val_loss", "validation loss"),
    }
    verdict = f"beats {report.table.attrs['baseline']}"
    first = ["label", "seed", "kind", "level", *[m for m in said if m in table], verdict]
    order = first + [c for c in table.columns if c not in first and c not in ("arch", "name")]
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, column_order=order, placeholder="")
    st.caption("Test metrics are in the data's own units; the training and validation losses in the loss "
               f"chart's ({report.loss_units or 'the training loss'}), a baseline's validation loss being the "
               "chart's grey rule. Baseline rows have no parameters: they are the honest guesses a model must beat. "
               "Level: solved, learned something, or no better than the baseline, as the verdict above defines them.")
    named = metrics_long(bars_table(report)).replace({"metric": said})  # "bits per character", "bits per note"
    st.altair_chart(charts.metrics_chart(named), width="stretch")


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
