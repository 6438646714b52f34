"""The Inside-the-cell page's helpers: which trained models the session holds, one sequence, its gate traces."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from seqlab import resources
from seqlab.analysis.diagnostics import attention_table, cell_traces
from seqlab.analysis.evaluate import predict, to_units
from seqlab.app import limits, live
from seqlab.app import runs as saved_runs
from seqlab.charts.diagnostics import MAX_UNITS, attention_chart, cell_heatmap_chart, steps_that_fit
from seqlab.charts.training import sequences_chart
from seqlab.data import Task
from seqlab.data.preview import example_sequences, key_steps
from seqlab.training.loop import TrainingRun

PAGES = ("lab", "grad", "cell", "text", "music")  # the session keys of every page's comparison; the demos' follow
SIGNALS = {"rnn": ["h"], "lstm": ["h", "c", "f", "i", "o"], "gru": ["h", "z", "r"]}
MAX_SEQUENCES = 300  # test sequences offered for a look
PREFERRED = ["lstm", "gru", "rnn", "transformer", "tcn"]  # the gated cells first: they have the most to show


def comparison_keys() -> list[str]:
    """Where a session's comparisons live: every page, then every guided demo of the home page."""
    from seqlab.demos import DEMOS  # imported late, as the Runs page does: the demos' module is only needed here

    return [*PAGES, *(f"demo_{demo.key}" for demo in DEMOS)]


def _order(run: TrainingRun) -> int:
    arch = run.run.model.arch
    return PREFERRED.index(arch) if arch in PREFERRED else len(PREFERRED)


def trained_models() -> dict[str, tuple[TrainingRun, Task]]:
    """Every trained run in this session, from every page and guided demo, gated cells first within each:
    "GRU · seed 1 · Gradient flow · Adding problem (T=50)" -> (run, task). The TCN and the Transformer are
    offered too: the page says what it shows for them (attention maps for the Transformer)."""
    found = {}
    for key in comparison_keys():
        comparison = live.current(key)
        if comparison is None or comparison.report is None:
            continue
        page = "this page" if key == "cell" else saved_runs.source_of(key)
        for run in sorted(comparison.training.runs, key=_order):
            if run.epoch > 1 and run.status != "diverged":
                found[f"{run.name} · {page} · {comparison.task.title}"] = (run, comparison.task)
    return found


def has_key_steps(task: Task, index: int) -> bool:
    """Whether the test sequence has steps that matter to mark (the adding problem's two numbers, copy's symbols)."""
    return bool(key_steps(task, task.x_test[index:index + 1]).any())


def input_sequence(task: Task, index: int) -> pd.DataFrame:
    """The test sequence's input as `example_sequences` gives it, a forecast's in the data's own units (what the
    target and the prediction are said in), not the scaled values the network reads."""
    frame = example_sequences(task, 1, "test", start=index)
    if task.series is not None and task.scaler is not None:
        frame = frame.assign(value=to_units(task, frame["value"].to_numpy()), channel=task.title.split(": ")[-1])
    return frame


def show_sequence(task: Task, index: int) -> None:
    """The chosen test sequence, with the steps that matter marked where the task has them."""
    if has_key_steps(task, index):
        title = f"Test sequence {index}: the input, with the key steps marked"
    elif task.series is not None:
        unit = f" ({task.unit})" if task.unit else ""
        title = f"Test sequence {index}: the last {task.x_test.shape[1]} values{unit} before the one to forecast"
    else:
        title = f"Test sequence {index}: the input"
    st.altair_chart(sequences_chart(input_sequence(task, index), title=title), width="stretch")


def what_to_look_for(task: Task, index: int) -> str:
    """The hint beside the heatmaps: about the marked steps only when the sequence has some."""
    keep = ("What to look for: a forget gate (LSTM) that stays near 1, or an update gate (GRU) near 1, keeps the "
            "cell's memory from step to step")
    if has_key_steps(task, index):
        return keep + "; watch the units that change at the marked steps and then hold their value until the end."
    if task.series is not None:
        return keep + ("; watch which units follow the latest values and which change slowly, carrying the level "
                       "or the season over many steps.")
    return keep + "; watch which units change at every step and which hold their value over many."


def prediction_sentence(run: TrainingRun, task: Task, index: int) -> str:
    x, y = task.x_test[index:index + 1], task.y_test[index:index + 1]
    out = predict(run.model, x)
    if task.kind == "regression":
        truth, guess = to_units(task, y[0, 0]), to_units(task, out[0, 0])
        unit = f" {task.unit}" if task.unit else ""
        return f"The target is {float(truth):.3f}{unit}; the {run.label} predicts {float(guess):.3f}{unit}."
    if task.kind == "classification":
        names = task.classes or tuple(map(str, range(task.output_size)))
        return f"The class is {names[int(y[0])]}; the {run.label} says {names[int(out[0].argmax())]}."
    right = float((out.argmax(-1) == y).double().mean())
    return f"The {run.label} predicts {right:.0%} of this sequence's next symbols correctly."


def heatmap_traces(model, x, arch: str, marks: list[int]):
    """The traces the heatmaps draw, and no more: the signals shown, the MAX_UNITS most active units per layer and
    the steps that fit a panel, chosen before the table is built (see `seqlab.analysis.diagnostics.cell_traces`)."""
    units = min(MAX_UNITS, model.cfg.hidden_size)
    return cell_traces(model, x, SIGNALS[arch], max_units=units, max_steps=steps_that_fit(units), keep_steps=marks)


NOT_RECURRENT = {
    "tcn": "A TCN has no cell: no hidden state carried from step to step and no gates. Each output is a stack of "
           "causal convolutions over the last {field} inputs, computed for every step at once; what it can use "
           "is shown on **Gradient flow** (how much the loss feels each input step, zero beyond {field} steps).",
    "transformer": "A Transformer has no cell: no hidden state carried from step to step and no gates. Every "
                   "step looks straight back at every earlier step through attention; the maps below show, for "
                   "each layer and head, how much each step attends to each earlier one.",
}


def show_cell(run: TrainingRun, task: Task, index: int) -> None:
    """Heatmaps over time of the hidden state and, for gated cells, the cell state and gates; for a TCN or a
    Transformer, a plain statement that there is no cell (and the attention maps: `show_attention`)."""
    arch = run.run.model.arch
    if arch in NOT_RECURRENT:
        st.info(NOT_RECURRENT[arch].format(field=run.run.model.receptive_field), icon=":material/info:")
        if arch == "transformer":
            show_attention(run, task, index)
        return
    x = task.x_test[index]
    marks = [int(s) for s in key_steps(task, x.unsqueeze(0))[0].nonzero().flatten()]
    traces = heatmap_traces(run.model, x, run.run.model.arch, marks)
    st.altair_chart(cell_heatmap_chart(traces, SIGNALS[run.run.model.arch], marks=marks,
                                       title=f"Inside the {run.label}, step by step"), width="stretch")


def show_attention(run: TrainingRun, task: Task, index: int) -> None:
    """Attention weights per layer and head over one test sequence, the task's key steps outlined."""
    need = resources.attention_map_bytes(run.run.model, resources.Shape.of(task))
    allowed = limits.current().budget().training_bytes
    if need > allowed:
        st.info(f"The attention maps of this model over {task.x_test.shape[1]} steps need about "
                f"{resources.size_text(need)}; this server allows {resources.size_text(allowed)}: train one with "
                "fewer layers or heads, or on shorter sequences, to see them.", icon=":material/memory:")
        return
    x = task.x_test[index]
    marks = [int(s) for s in key_steps(task, x.unsqueeze(0))[0].nonzero().flatten()]
    table = attention_table(run.model, x, keep_steps=marks)
    st.altair_chart(attention_chart(table, marks, title=f"Where each step of the {run.label} looks"),
                    width="stretch")
    st.caption("Each row is a step reading the sequence; its colours say how much of its attention goes to each "
               "step (a row sums to 1). Above the diagonal is the future, masked out where the task predicts "
               "forward. Orange outlines the steps that matter for the task: in a trained model the last row "
               "should light up there.")
