"""The Runs page's view of a sweep (`seqlab sweep`): its results file opened from the sidebar, the grid's table,
mean curves with bands per architecture, and the final loss against any swept setting."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seqlab.charts import sweeps as charts_sweeps
from seqlab.charts.training import loss_chart
from seqlab.sweep.reading import MAX_SWEEP_BYTES, point_table, read_history, read_results, swept_settings

KEY = "sweep_open"  # per session: the opened sweep's checked tables
NAMES = {"data.task": "task", "model.arch": "architecture", "model.hidden_size": "hidden size",
         "model.num_layers": "layers", "train.lr": "learning rate", "train.seed": "seed",
         "train.batch_size": "batch size", "data.length": "length T", "train.epochs": "epochs"}


def _name(setting: str) -> str:
    return NAMES.get(setting, setting.split(".")[1].replace("_", " "))


def open_sweep() -> None:
    """The sidebar's uploaders: a sweep's results.csv, and its history.csv for the curves; read as plain CSV."""
    st.header("Open a sweep")
    help_text = (f"A file `seqlab sweep` wrote in its folder, at most {MAX_SWEEP_BYTES // 2**20} MB. It is read as "
                 "plain CSV and checked part by part.")
    results_file = st.file_uploader("Sweep results (results.csv)", type=["csv"], key="sweep_results", help=help_text)
    history_file = st.file_uploader("Its history (history.csv), for the curves", type=["csv"], key="sweep_history",
                                    help=help_text)
    if results_file is None:
        st.session_state.pop(KEY, None)
        return
    ids = (results_file.file_id, history_file.file_id if history_file is not None else None)
    kept = st.session_state.get(KEY)
    if kept is not None and kept["ids"] == ids:
        return
    try:
        results = read_results(results_file.getvalue())
    except ValueError as error:
        st.session_state.pop(KEY, None)
        st.error(f"**{results_file.name} cannot be opened:** {error}.")
        return
    history, problem = None, ""
    if history_file is not None:
        try:
            history = read_history(history_file.getvalue(), results)
        except ValueError as error:
            problem = f"**{history_file.name} cannot be opened:** {error}."
    st.session_state[KEY] = {"ids": ids, "name": results_file.name, "results": results, "history": history,
                             "problem": problem}


def show_sweep() -> bool:
    """The opened sweep, if any (True when one is shown)."""
    kept = st.session_state.get(KEY)
    if kept is None:
        return False
    results, history = kept["results"], kept["history"]
    swept = swept_settings(results)
    failed = int((results["status"] == "failed").sum())
    st.subheader(f"Sweep: {kept['name']}")
    st.write(f"{len(results)} runs, {failed} failed; swept: "
             f"{', '.join(_name(s) for s in swept) or 'nothing (every run shares its settings)'}.")
    if kept["problem"]:
        st.error(kept["problem"])
    show_points(results)
    if history is not None:
        show_curves(history, swept)
    else:
        st.info("Open the sweep's history.csv in the sidebar too to see its loss curves.", icon=":material/info:")
    show_setting(results, swept)
    if failed:
        with st.expander(f"The {failed} failed run{'s' * (failed > 1)}"):
            st.dataframe(results.loc[results["status"] == "failed", ["key", "label", *swept, "reason"]],
                         hide_index=True, width="stretch")
    return True


def show_points(results: pd.DataFrame) -> None:
    """The grid's table, one row per point over its seeds; click a header to sort."""
    table = point_table(results)
    st.dataframe(table, hide_index=True, width="stretch", column_config={
        **{s: st.column_config.Column(_name(s)) for s in table.columns if "." in s},
        "mean": st.column_config.NumberColumn("test metric (mean)", format="%.4g"),
        "sd": st.column_config.NumberColumn("± sd", format="%.2g"),
        "solved": st.column_config.NumberColumn("solved (seeds)"),
        "val_loss": st.column_config.NumberColumn("validation loss (mean)", format="%.4g"),
        "val_loss_sd": st.column_config.NumberColumn("± sd ", format="%.2g")})
    st.caption("One row per grid point: the mean and standard deviation over its seeds of the test metric and of the "
               "final validation loss, and in how many seeds it was solved (seqlab/analysis/criteria.py). Click a "
               "column's header to sort by it.")


def show_curves(history: pd.DataFrame, swept: list[str]) -> None:
    """Mean loss curves with a band from the lowest to the highest seed, per architecture, at one grid point."""
    held = [s for s in swept if s not in ("model.arch", "train.seed")]
    frame = history
    if held:
        columns = st.columns(min(len(held), 4))
        for i, setting in enumerate(held):
            values = list(dict.fromkeys(frame[setting]))
            chosen = columns[i % len(columns)].selectbox(_name(setting), values, key=f"sweep_at_{setting}")
            frame = frame[frame[setting] == chosen]
    log_scale = st.toggle("Log scale", True, key="sweep_log_scale")
    chart = loss_chart(frame.rename(columns={"train.seed": "seed"}), log_scale, band=True,
                       title="Loss per epoch: mean over seeds, band from the lowest to the highest")
    st.altair_chart(chart, width="stretch")


def show_setting(results: pd.DataFrame, swept: list[str]) -> None:
    """The final validation loss (or the test metric) against one swept setting, per architecture."""
    options = [s for s in swept if s != "model.arch"] or ["train.seed"]
    left, right = st.columns(2)
    setting = left.selectbox("Setting", options, format_func=_name, key="sweep_setting")
    values = {"val_loss": "final validation loss"}
    headlines = {h for h in results.get("headline", []) if isinstance(h, str) and h}
    if len(headlines) == 1:  # one kind of task: its test metric is comparable across runs
        headline = headlines.pop()
        values[headline] = f"test {headline.removeprefix('test_')}"
    value = right.radio("Up", list(values), format_func=values.get, horizontal=True, key="sweep_value")
    ended = results[results["status"] != "failed"]
    st.altair_chart(charts_sweeps.setting_chart(ended, setting, value, _name(setting), values[value]),
                    width="stretch")
