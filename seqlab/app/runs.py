"""The Runs page's Streamlit side: the session's saved runs, compared, exported, reproduced and imported."""

from __future__ import annotations

import json
import math

import pandas as pd
import streamlit as st

from seqlab.analysis.metrics import METRIC_NAMES
from seqlab.app import limits
from seqlab.app.home import TITLES
from seqlab.charts import runs as charts_runs
from seqlab.command import comparison_command
from seqlab.export import MAX_RESULTS_BYTES, read_results_json
from seqlab.training import runlog

LOG = "runs_log"
SOURCES = TITLES  # every page that trains names its runs by its title
LOSSES = {"val_loss": "validation loss", "train_loss": "training loss"}


def session_log() -> runlog.RunLog:
    log = st.session_state.get(LOG)
    if log is None:
        bound = limits.current()
        log = st.session_state[LOG] = runlog.RunLog(bound.max_runs, int(bound.max_weights_mb * 2**20))
    return log


def dropped_notice(log: runlog.RunLog) -> str:
    """What the session let go to stay within its limits, and what it kept; "" when nothing was dropped."""
    said = []
    if log.dropped:
        said.append(f"This session keeps the newest {log.limit} runs: the {log.dropped} oldest were dropped.")
    if log.weights_dropped:
        n = log.weights_dropped
        said.append(f"The weights of the {n} oldest run{'s' * (n > 1)} were dropped to keep this session under "
                    f"{_size(log.max_weight_bytes)} of weights; {'their' if n > 1 else 'its'} history, "
                    "results and reproduce command are kept.")
    return " ".join(said + ["Download what you want to keep."]) if said else ""


def _size(n: int) -> str:
    return f"{n / 2**20:.0f} MB" if n >= 2**20 else f"{max(n / 2**10, 1):.0f} KB"


def source_of(key: str) -> str:
    """Where a comparison was trained, by its page key ("lab", "demo_memory")."""
    if key.startswith("demo_"):
        from seqlab.demos import BY_KEY  # the demos' titles; imported late to keep page start-up light

        demo = BY_KEY.get(key.removeprefix("demo_"))
        return f"Demo: {demo.title}" if demo else "Demo"
    return SOURCES.get(key, key)


def save(runs, task, table: pd.DataFrame, key: str) -> None:
    """Keep a finished or stopped comparison's runs for the Runs page."""
    session_log().add(runlog.from_training(runs, task, table, source_of(key)))


NEWEST = 12  # runs of the newest comparison picked at first: 4 seeds of 3 architectures still read as curves
PICKED, KEPT = "runs_picked", "runs_kept"  # the multiselect's key; the picks kept while another page is open


def pick_runs(log: runlog.RunLog) -> list[runlog.SavedRun]:
    """A multiselect of the saved runs. At first the newest comparison (every seed of it, up to NEWEST runs) is
    picked; after that the person's picks are kept across visits to other pages (Streamlit forgets a widget's
    state when its page is left), with the runs saved since the last visit added."""
    names = {r.name: r for r in reversed(log.runs)}
    state = st.session_state
    if PICKED not in state:
        kept = state.get(KEPT)
        state[PICKED] = newest_names(log) if kept is None else \
            [n for n in kept["names"] if n in names] + [r.name for r in reversed(log.runs) if r.id > kept["seen"]]
    state[PICKED] = list(dict.fromkeys(n for n in state[PICKED] if n in names))  # runs dropped since go
    chosen = st.multiselect("Runs to compare", list(names), key=PICKED, placeholder="Pick saved runs")
    state[KEPT] = {"names": list(chosen), "seen": max((r.id for r in log.runs), default=0)}
    return [names[n] for n in chosen if n in names]


def newest_names(log: runlog.RunLog) -> list[str]:
    """The newest comparison's runs (every seed, up to NEWEST), newest first: what is picked at first."""
    newest = [r for r in log.runs if log.runs and r.saved_at == log.runs[-1].saved_at] or log.runs[-3:]
    return [r.name for r in reversed(newest[-NEWEST:])]


# Streamlit sizes a table's columns by the rows it first shows, and cuts a longer number further down from the left
# ("0.0004547" read "004547"): number columns get the width of their longest value, written as the table writes it.
DIGIT_PX, CELL_PAD_PX = 8, 20  # a character of the table's font, at most; the cell's padding


def number_text(value) -> str:
    """A number as the table writes it ("%.4g"): "0.0004547", "1.235e+05"; "" for a missing one."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return ""
    return "" if math.isnan(number) else f"{number + 0.0:.4g}"


def number_width(values, label: str) -> int:
    """Pixels a number column needs for its label and every value to read whole."""
    longest = max([len(number_text(v)) for v in values] + [len(label)])
    return CELL_PAD_PX + DIGIT_PX * longest


def number_column(table: pd.DataFrame, column: str, label: str, fmt: str = "%.4g"):
    values = table[column] if column in table else []
    return st.column_config.NumberColumn(label, format=fmt, width=number_width(values, label))


def show_seeds(table: pd.DataFrame) -> None:
    """The picked runs that differ only in their seed, one row per setting: the spread a single run hides."""
    over = runlog.seeds_table(table)
    if over.empty:
        return
    st.dataframe(over, hide_index=True, width="stretch", column_order=[
        "arch", "source", "task", "seeds", "headline", "test metric", "± sd", "solved", "validation loss"],
        column_config={"arch": st.column_config.TextColumn("architecture"),
                       "headline": st.column_config.TextColumn("metric"),
                       "test metric": number_column(over, "test metric", "mean"),
                       "± sd": number_column(over, "± sd", "± sd", "%.2g"),
                       "validation loss": number_column(over, "validation loss", "validation loss (mean)")})
    st.caption("Runs that share every setting but the seed, taken together: the mean and standard deviation of "
               "the test metric over their seeds, and in how many seeds the task was solved. Each run follows.")


def show_table(picked: list[runlog.SavedRun]) -> pd.DataFrame:
    table = runlog.summary_table(picked)
    show_seeds(table)
    sortable = {"val_loss": "validation loss", "train_loss": "training loss", "headline_value": "test metric",
                "params": "parameters", "id": "order saved", **{k: v[0] for k, v in runlog.HYPERPARAMETERS.items()}}
    left, right = st.columns([3, 1])
    by = left.selectbox("Sort by", list(sortable), format_func=sortable.get, key="runs_sort")
    ascending = right.toggle("Ascending", True, key="runs_ascending")
    table = table.sort_values(by, ascending=ascending, na_position="last", kind="stable")
    st.dataframe(table, hide_index=True, width="stretch", column_order=[
        "run", "curve", "source", "status", "epochs_trained", "val_loss", "train_loss", "headline",
        "headline_value", "level", "beats_baseline", "params", "hidden_size", "num_layers", "lr", "batch_size",
        "dropout",
        "clip", "optimizer", "seed", "length", "saved_at"], column_config={
        "curve": st.column_config.LineChartColumn("validation loss", width="small"),
        "run": st.column_config.TextColumn("run", width="medium"),
        "epochs_trained": st.column_config.NumberColumn("epochs"),
        "val_loss": number_column(table, "val_loss", "validation loss"),
        "train_loss": number_column(table, "train_loss", "training loss"),
        "headline": st.column_config.TextColumn("test metric"),
        "headline_value": number_column(table, "headline_value", "value"),
        "level": st.column_config.TextColumn("level", help="solved, learned something, or no better than the "
                                                           "baseline (seqlab/analysis/criteria.py)"),
        "beats_baseline": st.column_config.CheckboxColumn("beats baseline"),
        "lr": number_column(table, "lr", "learning rate", "%g"),
        "hidden_size": st.column_config.NumberColumn("hidden"),
        "saved_at": st.column_config.TextColumn("saved at"),
    })
    st.caption("Final values after each run's last epoch. Test metrics: " + ", ".join(
        sorted({METRIC_NAMES.get(h, h) for h in table["headline"] if h})) + ".")
    return table


def show_curves(picked: list[runlog.SavedRun]) -> None:
    left, middle, right = st.columns([2, 2, 1], vertical_alignment="bottom")
    metric = left.radio("Curve", list(LOSSES), format_func=LOSSES.get, horizontal=True, key="runs_metric")
    weight = middle.slider("Smoothing", 0.0, 0.99, 0.6, 0.01, key="runs_smoothing",
                           help="As in TensorBoard: an exponential moving average of the curve, corrected at the "
                                "start; 0 shows it as recorded.")
    log_scale = right.toggle("Log scale", True, key="runs_log_scale")
    frame = runlog.overlay_frame(picked, metric, weight)
    st.altair_chart(charts_runs.overlay_chart(frame, LOSSES[metric], log_scale, smoothed=weight > 0),
                    width="stretch")


def show_setting(table: pd.DataFrame) -> None:
    varied = [k for k in runlog.HYPERPARAMETERS if table[k].nunique(dropna=True) > 1]
    options = varied or list(runlog.HYPERPARAMETERS)
    setting = st.selectbox("Setting", options, format_func=lambda k: runlog.HYPERPARAMETERS[k][0],
                           key="runs_setting", help="The settings that differ between the picked runs come first.")
    shown, log_x = runlog.HYPERPARAMETERS[setting]
    st.altair_chart(charts_runs.setting_chart(table, setting, shown, log_x), width="stretch")
    if not varied:
        st.caption("The picked runs share every setting: train with another hidden size, learning rate or seed "
                   "to see its effect here.")


def show_exports(picked: list[runlog.SavedRun]) -> None:
    """Downloads of the picked runs together, then each run's weights and the way to train it again.

    Each file is written when its button is pressed (Streamlit calls the function then), not on every rerun: a
    rerun that moves a slider copies no history, JSON or weights."""
    both = st.columns(2)
    both[0].download_button("History of the picked runs (CSV)",
                            lambda: runlog.history_frame(picked).to_csv(index=False), "seqlab-runs-history.csv",
                            "text/csv", icon=":material/download:", width="stretch", on_click="ignore")
    both[1].download_button("Results and configs of the picked runs (JSON)",
                            lambda: json.dumps(runlog.results_payload(picked), indent=2), "seqlab-runs-results.json",
                            "application/json", icon=":material/download:", width="stretch", on_click="ignore")
    if len({r.config.train.seed for r in picked}) > 1 or len(picked) > 1:
        st.markdown("**All the picked runs again, every architecture and seed**, from a terminal:")
        in_order = sorted(picked, key=lambda r: r.id)  # as they were trained: "--archs rnn,gru --seeds 0,1"
        st.code(comparison_command([r.reproducible() for r in in_order]), language="bash", wrap_lines=True)
    for run in picked:
        with st.expander(f"{run.name}: weights and how to train it again"):
            show_one(run)


def show_one(run: runlog.SavedRun) -> None:
    if run.weights is not None:
        weights = run.weights
        st.download_button("Weights (state dict, .pt)", lambda: weights,
                           f"seqlab-run{run.id}-{run.config.model.arch}.pt", "application/octet-stream",
                           key=f"runs_weights_{run.id}", on_click="ignore", icon=":material/download:")
        st.caption("Load with `model = seqlab.models.recurrent.build_model(config.model, task)` and "
                   "`model.load_state_dict(torch.load(file, weights_only=True))`.")
    elif run.weights_dropped:
        st.caption("Its weights were dropped to keep this session's memory bounded: train it again below to get "
                   "them.")
    again = runlog.reproduce(run)
    st.markdown("**From a terminal**, the same numbers:")
    st.code(again.command, language="bash", wrap_lines=True)
    st.markdown("**From Python:**")
    st.code(again.python, language="python")
    if again.note:
        st.caption(again.note)


def import_results() -> None:
    """A results JSON (from the Lab, this page or the command line) back into the session, as plain JSON."""
    file = st.file_uploader("Open a results JSON", type=["json"], key="runs_import",
                            help=f"A file seqlab wrote, at most {MAX_RESULTS_BYTES // 2**20} MB. It is read as "
                                 "plain JSON; weights are never imported.")
    if file is None:
        return
    done = st.session_state.setdefault("runs_imported", set())
    if file.file_id in done:
        return
    try:
        payload = read_results_json(file.getvalue())
    except ValueError as error:
        st.error(f"**{file.name} cannot be opened:** {error}.")
        return
    runs = runlog.from_results(payload, f"imported from {file.name}")
    added = session_log().add(runs)  # the ones kept: a file may hold more runs than the session keeps
    done.add(file.file_id)
    st.session_state[PICKED] = [r.name for r in added]
    st.success(f"Opened {len(runs)} run{'s' if len(runs) > 1 else ''} from {file.name}.")
