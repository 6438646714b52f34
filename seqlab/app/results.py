"""The results of a comparison: verdict, loss and prediction charts, metrics table, downloads."""

from __future__ import annotations

import streamlit as st

from seqlab import charts
from seqlab.evaluate import metrics_long
from seqlab.metrics import METRIC_NAMES
from seqlab.report import Report

NUMBER = "%.4g"


def show_verdict(report: Report, stopped_by_user: bool) -> None:
    if stopped_by_user:
        st.info("Stopped by you: the results below are those of the epochs trained so far.", icon="⏹️")
    for problem in report.problems:
        st.warning(problem, icon="⚠️")
    if report.verdict:
        beaten = "beat" in report.verdict and not report.verdict.startswith("No model")
        (st.success if beaten else st.info)(report.verdict)


def show_charts(report: Report, log_scale: bool, unit: str = "") -> None:
    baseline = report.loss_baseline or (None, "")
    st.altair_chart(charts.loss_chart(report.history, log_scale, *baseline), width="stretch")
    st.caption("Solid lines: training loss; dashed with points: validation loss. The grey dashed rule is the "
               "loss of the trivial strategy: a model below it has learned something.")
    if report.predictions_kind == "forecast":
        st.altair_chart(charts.predictions_chart(report.predictions, unit=unit), width="content")
        st.caption("Top: each forecast one step ahead from the true past. Bottom: the models feed their own "
                   "forecasts back in; persistence repeats the last known value.")
    elif report.predictions_kind == "scatter":
        st.altair_chart(charts.truth_scatter(report.predictions, unit=unit), width="stretch")


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
    first = ["label", "kind", *[m for m in METRIC_NAMES if m in table], verdict]
    order = first + [c for c in table.columns if c not in first and c != "arch"]
    st.dataframe(table, hide_index=True, width="stretch", column_config=config, column_order=order, placeholder="")
    st.caption("Test metrics are in the data's own units. Baseline rows have no parameters: they are the "
               "honest guesses a model must beat.")
    st.altair_chart(charts.metrics_chart(metrics_long(report.table)), width="content")


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
