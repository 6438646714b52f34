"""The Inside-the-cell page's helpers: which trained models the session holds, one sequence, its gate traces."""

from __future__ import annotations

import streamlit as st

from seqlab.analysis.diagnostics import cell_traces
from seqlab.analysis.evaluate import predict, to_units
from seqlab.app import live
from seqlab.app.home import TITLES
from seqlab.charts.diagnostics import MAX_UNITS, cell_heatmap_chart, steps_that_fit
from seqlab.charts.training import sequences_chart
from seqlab.data import Task
from seqlab.data.preview import example_sequences, key_steps
from seqlab.training.loop import TrainingRun

SOURCES = {"lab": TITLES["lab"], "grad": TITLES["grad"], "cell": "this page"}  # session keys of comparisons
SIGNALS = {"rnn": ["h"], "lstm": ["h", "c", "f", "i", "o"], "gru": ["h", "z", "r"]}
MAX_SEQUENCES = 300  # test sequences offered for a look
PREFERRED = ["lstm", "gru", "rnn"]  # the gated cells first: they have the most to show


def trained_models() -> dict[str, tuple[TrainingRun, Task]]:
    """Every trained run in this session, gated cells first: "GRU · Gradient flow · ..." -> (run, task)."""
    found = {}
    for key, page in SOURCES.items():
        comparison = live.current(key)
        if comparison is None or comparison.report is None:
            continue
        for run in sorted(comparison.training.runs, key=lambda r: PREFERRED.index(r.run.model.arch)):
            if run.epoch > 1 and run.status != "diverged":
                found[f"{run.label} · {page} · {comparison.task.title}"] = (run, comparison.task)
    return found


def show_sequence(task: Task, index: int) -> None:
    """The chosen test sequence with the steps that matter marked."""
    st.altair_chart(sequences_chart(example_sequences(task, 1, "test", start=index),
                                    title=f"Test sequence {index}: the input, with the key steps marked"),
                    width="content")


def prediction_sentence(run: TrainingRun, task: Task, index: int) -> str:
    x, y = task.x_test[index:index + 1], task.y_test[index:index + 1]
    out = predict(run.model, x)
    if task.kind == "regression":
        truth, guess = to_units(task, y[0, 0]), to_units(task, out[0, 0])
        return f"The target is {float(truth):.3f}; the {run.label} predicts {float(guess):.3f}."
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


def show_cell(run: TrainingRun, task: Task, index: int) -> None:
    """Heatmaps over time of the hidden state and, for gated cells, the cell state and gates."""
    x = task.x_test[index]
    marks = [int(s) for s in key_steps(task, x.unsqueeze(0))[0].nonzero().flatten()]
    traces = heatmap_traces(run.model, x, run.run.model.arch, marks)
    st.altair_chart(cell_heatmap_chart(traces, SIGNALS[run.run.model.arch], marks=marks,
                                       title=f"Inside the {run.label}, step by step"), width="content")
