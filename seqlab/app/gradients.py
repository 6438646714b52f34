"""The Gradient-flow page's widgets and views: the adding-problem demo, gradients through time, per-layer norms."""

from __future__ import annotations

import dataclasses
import time

import pandas as pd
import streamlit as st

from seqlab import resources
from seqlab.analysis.diagnostics import (
    INPUT_GRAD,
    PROBE_SIZE,
    forget_bias_effect,
    grad_through_time_history,
    layer_grad_norm_history,
)
from seqlab.analysis.report import Report
from seqlab.app import limits
from seqlab.app.datasets import LENGTHS, SAMPLES, cached_task, pick_steps
from seqlab.app.settings import (
    BATCHES,
    CLIPS,
    DEFAULT_SEEDS,
    EPOCHS,
    FORGET_BIAS,
    FORGET_HELP,
    HIDDEN,
    RATES,
    pick_archs,
    pick_beyond,
    pick_seeds,
    seeds_from,
)
from seqlab.charts import diagnostics as dcharts
from seqlab.charts.training import loss_chart
from seqlab.config import RunConfig, bounds
from seqlab.data import DataError, Task
from seqlab.presets import GRADIENT_DEMO

PLAY_SECONDS = 0.35  # per epoch when the decay is played back


def pick_demo(key: str = "grad") -> tuple[RunConfig, list[str], list[int]]:
    """Sidebar widgets for the demo, opening on the preset; returns the template run, the architectures and the
    seeds."""
    demo = GRADIENT_DEMO
    length = pick_steps("Sequence length T", LENGTHS, demo.data.length, f"{key}_length",
                        help="How far apart the two marked numbers can be: the memory the task needs.")
    archs = pick_archs(key)
    hidden = pick_steps("Hidden units", HIDDEN, demo.model.hidden_size, f"{key}_hidden")
    beyond = pick_beyond(key, archs)
    samples = pick_steps("Sequences to generate", SAMPLES, demo.data.n_samples, f"{key}_samples",
                         help="More sequences teach more per epoch, and take longer.")
    forget = st.toggle(f"LSTM forget-gate bias {FORGET_BIAS:g} at the start", key=f"{key}_forget", help=FORGET_HELP)
    batch = pick_steps("Batch size", BATCHES, demo.train.batch_size, f"{key}_batch")
    lr = pick_steps("Learning rate", RATES, demo.train.lr, f"{key}_lr")
    clip = pick_steps("Clip gradient norm at", CLIPS, demo.train.clip, f"{key}_clip",
                      help="0 turns clipping off: try it with a learning rate of 0.3 to see gradients explode.")
    epochs = pick_steps("Epochs", EPOCHS, demo.train.epochs, f"{key}_epochs")
    seed = st.number_input("Seed", *bounds(type(demo.train), "seed"), demo.train.seed, key=f"{key}_seed")
    seeds = seeds_from(int(seed), pick_seeds(key, DEFAULT_SEEDS[key]))
    run = demo.replace(
        data=dataclasses.replace(demo.data, length=length, n_samples=samples, seed=int(seed)),
        model=dataclasses.replace(demo.model, hidden_size=hidden, forget_bias=FORGET_BIAS if forget else None,
                                  **beyond),
        train=dataclasses.replace(demo.train, batch_size=batch, lr=lr, clip=clip, epochs=epochs, seed=int(seed)),
    )
    return run, archs, seeds


def demo_task(run: RunConfig) -> Task | None:
    """The demo's sequences; None, with a message naming what to lower, when they do not fit this server."""
    try:
        return cached_task(run.data, spinner="Preparing the sequences…")
    except DataError as error:
        st.error(f"**These sequences cannot be used:** {error}")
        return None


def live_decay(history: list[dict]):
    """The latest input-gradient curve of each run (every architecture has one), for the live view beside the loss
    chart."""
    frame = grad_through_time_history(history, INPUT_GRAD)
    if frame.empty:
        return None
    reached = frame.groupby(["label", "seed"])["epoch"].transform("max")  # each seed's latest epoch
    latest = frame[frame["epoch"] == reached.groupby(frame["label"]).transform("min")]  # the latest all have
    return dcharts.grad_through_time_chart(latest, title="How far back into the input the gradient reaches, now",
                                           quantity="||dL/dx_t||")


def decay_summary(frame: pd.DataFrame) -> str:
    """One sentence per architecture from the measured curves (their mean over seeds): how much of the gradient
    survives to the first step."""
    parts, frame = [], dcharts.seed_band(frame)
    for label, curve in frame.sort_values("steps_back").groupby("label", sort=False):
        first, last = curve.iloc[0], curve.iloc[-1]
        if last["below_floor"]:
            parts.append(f"**{label}**: below 1e-300 of it (nothing arrives)")
        else:
            parts.append(f"**{label}**: 10^{last['log10_norm'] - first['log10_norm']:.1f} of it")
    steps = int(frame["steps_back"].max())
    return f"Of the gradient at the loss, what reaches the first step, {steps} steps back: " + "; ".join(parts) + "."


def receptive_fields(runs) -> dict[str, int]:
    """label -> steps it sees, for the runs that see a bounded past (TCNs)."""
    return {r.label: r.run.model.receptive_field for r in runs if r.run.model.receptive_field is not None}


def _views(history: pd.DataFrame, edges: dict[str, int]) -> list[tuple[pd.DataFrame, callable]]:
    """(table, chart of one epoch of it) for the input gradient (every architecture) and, when some model is
    recurrent, the hidden-state gradient."""
    records = history.to_dict("records")
    inputs, hidden = grad_through_time_history(records, INPUT_GRAD), grad_through_time_history(records)
    views = []
    if not inputs.empty:
        views.append((inputs, lambda f, e: dcharts.grad_through_time_chart(
            f, title=f"How far back into the input the gradient reaches · epoch {e}", quantity="||dL/dx_t||",
            edges=edges)))
    if not hidden.empty:
        views.append((hidden, lambda f, e: dcharts.grad_through_time_chart(
            f, title=f"Through the hidden state (recurrent models) · epoch {e}")))
    return views


def show_decay(history: pd.DataFrame, key: str = "grad", edges: dict[str, int] | None = None) -> None:
    """The decay curves for a chosen epoch, ||dL/dx_t|| for every model and ||dL/dh_t|| for the recurrent ones,
    with one slider and a Play button that steps both through the epochs."""
    views = _views(history, edges or {})
    if not views:
        return
    last = int(max(frame["epoch"].max() for frame, _ in views))
    slider, play = st.columns([4, 1], vertical_alignment="bottom")
    epoch = slider.slider("Epoch (0 = before training)", 0, last, last, key=f"{key}_epoch")
    charts = [st.empty() for _ in views]
    if play.button("Play", icon=":material/play_arrow:", key=f"{key}_play", width="stretch"):
        for e in range(last + 1):
            for chart, (frame, draw) in zip(charts, views, strict=True):
                chart.altair_chart(draw(frame[frame["epoch"] == e], e), width="stretch")
            time.sleep(PLAY_SECONDS)
    for index, (chart, (frame, draw)) in enumerate(zip(charts, views, strict=True)):
        shown = frame[frame["epoch"] == epoch]
        chart.altair_chart(draw(shown, epoch), width="stretch")
        if index == 0:
            st.markdown(input_decay_summary(shown, edges or {}))
        else:
            st.markdown(decay_summary(shown))


def input_decay_summary(frame: pd.DataFrame, edges: dict[str, int]) -> str:
    """One sentence per architecture, from the measured input-gradient curves (mean over seeds): why it reaches as
    far back as it does."""
    frame = dcharts.seed_band(frame)
    lines = []
    for label, curve in frame.sort_values("steps_back").groupby("label", sort=False):
        arch, steps = curve["arch"].iloc[0], len(curve)
        near, far = curve.iloc[1:max(2, steps // 4)], curve.iloc[-max(1, steps // 4):]
        if label in edges:
            seen = edges[label]
            beyond = curve[curve["steps_back"] >= seen]
            if beyond.empty:
                lines.append(f"**{label}**: sees the last {seen} steps, all {steps} of these: every input reaches "
                             "the loss through its stacked causal convolutions.")
            else:
                zero = int(beyond["below_floor"].sum())
                lines.append(f"**{label}**: its convolutions reach back {seen} steps and no further, so the gradient "
                             f"is exactly zero for {zero} of the {len(beyond)} older steps: it cannot use them.")
        elif arch == "transformer":
            change = far["log10_norm"].mean() - near["log10_norm"].mean()
            lines.append(f"**{label}**: attention joins the loss to every step in one hop, so the gradient does not "
                         f"fade with distance (the farthest quarter gets 10^{change:+.1f} of the nearest's).")
        else:
            measured = curve[~curve["below_floor"].astype(bool)]
            drop = measured["log10_norm"].iloc[-1] - measured["log10_norm"].iloc[0] if len(measured) > 1 else 0.0
            per_step = drop / max(int(measured["steps_back"].iloc[-1]), 1) if len(measured) > 1 else 0.0
            lines.append(f"**{label}**: every step back multiplies the gradient by the recurrent Jacobian, so it "
                         f"decays geometrically: about 10^{per_step:.2f} a step, 10^{drop:.1f} over "
                         f"{int(measured['steps_back'].iloc[-1]) if len(measured) else 0} steps.")
    return "\n".join(f"- {line}" for line in lines)


def show_layer_norms(history: pd.DataFrame, clip: float) -> None:
    frame = layer_grad_norm_history(history.to_dict("records"))
    if frame.empty:
        return
    st.altair_chart(dcharts.layer_grad_norms_chart(frame, clip=clip or None), width="stretch")


@st.cache_data(max_entries=8, show_spinner="Measuring two fresh LSTMs…")
def _forget_bias_frame(run: RunConfig) -> pd.DataFrame:
    return forget_bias_effect(run.model, demo_task(run), run.train.seed, FORGET_BIAS)


def forget_bias_chart(run: RunConfig):
    """Gradient through time of two untrained LSTMs that differ only in the forget-gate bias; None (and a message
    naming what to lower) when measuring them would not fit this server's memory."""
    lstm = dataclasses.replace(run.model, arch="lstm")
    need = 2 * resources.gradient_bytes(lstm, resources.Shape.of(demo_task(run)), PROBE_SIZE)
    allowed = limits.current().budget().training_bytes
    if need > allowed:
        st.info(f"Measuring two LSTMs of {lstm.hidden_size} units over {run.data.length} steps needs about "
                f"{resources.size_text(need)} here; this server allows {resources.size_text(allowed)}: lower the "
                "hidden units or the sequence length to see this chart.", icon=":material/memory:")
        return None
    return dcharts.grad_through_time_chart(_forget_bias_frame(run), title="Two LSTMs before any training")


def show_loss(report: Report, log_scale: bool) -> None:
    baseline = report.loss_baseline or (None, "")
    st.altair_chart(loss_chart(report.history, log_scale, *baseline, units=report.loss_units), width="stretch")
