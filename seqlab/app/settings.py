"""Model and training widgets shared by the pages, and the runs they describe."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from seqlab.app.datasets import pick_steps
from seqlab.config import (
    ARCHS,
    DEFAULT_ARCHS,
    DataConfig,
    ModelConfig,
    RunConfig,
    TrainConfig,
    bounds,
    receptive_field_notice,
)
from seqlab.data import Task
from seqlab.models.recurrent import LABELS, count_params, equalise
from seqlab.presets import MAX_SEEDS, comparison_runs

# Seeds a page opens with: as many as keep its default comparison within its time budget on 2 cores
# (benchmarks/bench_demos.py and bench_parallel.py measure them; the README gives the figures).
DEFAULT_SEEDS = {"lab": 3, "grad": 2, "text": 1, "music": 2}
SEEDS_HELP = ("Train every architecture this many times, from the seed above upwards: each seed sets the weights, "
              "the order of the batches and the dropout. The data stay those of the first seed, so the seeds differ "
              "in training alone. The charts show the mean with a band from the lowest to the highest seed, and the "
              "verdict counts seeds: one run can mislead.")

HIDDEN = (4, 8, 16, 32, 48, 64, 96, 128, 192, 256, 384, 512)
EPOCHS = (1, 2, 3, 5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500)
BATCHES = (8, 16, 32, 64, 128, 256, 512)
RATES = (1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1, 0.3, 1.0, 3.0)
CLIPS = (0.0, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0)
FORGET_BIAS = 1.0  # the LSTM forget-gate bias the toggle sets: Gers et al. (2000); Jozefowicz et al. (2015)
FORGET_HELP = ("Start every LSTM forget gate near sigmoid(1) = 0.73 instead of 0.5, so the cell state keeps more of "
               "itself from step to step. The other cells have no forget gate.")


def pick_archs(key: str = "lab") -> list[str]:
    """Which architectures to train (default: the three recurrent ones), in a fixed order."""
    picked = st.pills("Architectures", ARCHS, selection_mode="multi", default=list(DEFAULT_ARCHS), key=f"{key}_archs",
                      format_func=LABELS.get, help="Each one trains on the same data and seed, side by side, so "
                                                   "their curves grow together. TCN: a temporal convolutional "
                                                   "network (Bai et al. 2018); Transformer: a small causal "
                                                   "encoder.")
    return [a for a in ARCHS if a in (picked or [])]


def pick_model(key: str = "lab", archs: list[str] | None = None) -> tuple[ModelConfig, bool]:
    """Size of the networks; True when every architecture should get about the same number of parameters. The
    TCN's and Transformer's own settings appear when `archs` holds them."""
    hidden = pick_steps("Hidden units per layer", HIDDEN, ModelConfig.hidden_size, f"{key}_hidden",
                        help="Recurrent units per layer; the TCN's channels; the Transformer's d_model.")
    layers = st.slider("Layers", *bounds(ModelConfig, "num_layers"), ModelConfig.num_layers, key=f"{key}_layers")
    dropout = st.slider("Dropout between layers", *bounds(ModelConfig, "dropout"), 0.0, 0.05, key=f"{key}_dropout",
                        disabled=layers == 1, help="Only acts between stacked layers: needs 2 or more layers.")
    shape = pick_beyond(key, archs or [])
    forget = st.toggle(f"LSTM forget-gate bias {FORGET_BIAS:g} at the start", key=f"{key}_forget", help=FORGET_HELP)
    equal = st.toggle("Equal parameter budget", key=f"{key}_equal",
                      help="Resize each architecture's hidden layer (TCN channels, Transformer d_model) so all have "
                           "about as many parameters as a GRU of the chosen size: the fair comparison of Chung et "
                           "al. (2014).")
    return ModelConfig(hidden_size=hidden, num_layers=layers, dropout=dropout if layers > 1 else 0.0,
                       forget_bias=FORGET_BIAS if forget else None, **shape), equal


def pick_beyond(key: str, archs: list[str]) -> dict:
    """The TCN's kernel and levels and the Transformer's heads, when those are picked (else their defaults)."""
    shape = {}
    if "tcn" in archs:
        kernel = st.slider("TCN kernel size", *bounds(ModelConfig, "kernel_size"), ModelConfig.kernel_size,
                           key=f"{key}_kernel", help="Taps of each causal convolution.")
        levels = st.slider("TCN levels", *bounds(ModelConfig, "levels"), ModelConfig.levels, key=f"{key}_levels",
                           help="Residual blocks; the dilation doubles with each (1, 2, 4, ...).")
        shape.update(kernel_size=kernel, levels=levels)
        seen = ModelConfig(arch="tcn", kernel_size=kernel, levels=levels).receptive_field
        st.caption(f"The TCN sees the last {seen} steps.")
    if "transformer" in archs:
        shape["heads"] = st.select_slider("Transformer heads", (1, 2, 4, 8), ModelConfig.heads, key=f"{key}_heads",
                                          help="Attention heads; each reads d_model / heads dimensions, so they "
                                               "must divide the hidden size.")
    return shape


def pick_training(key: str = "lab") -> TrainConfig:
    """Optimiser settings: epochs, batch, learning rate, clipping, seed."""
    epochs = pick_steps("Epochs", EPOCHS, TrainConfig.epochs, f"{key}_epochs")
    batch = pick_steps("Batch size", BATCHES, TrainConfig.batch_size, f"{key}_batch")
    lr = pick_steps("Learning rate", RATES, TrainConfig.lr, f"{key}_lr")
    optimizer = st.radio("Optimiser", ["adam", "sgd"], horizontal=True, key=f"{key}_optimizer",
                         format_func={"adam": "Adam", "sgd": "SGD"}.get)
    clip = pick_steps("Clip gradient norm at", CLIPS, TrainConfig.clip, f"{key}_clip",
                      help="Rescale the gradient when its norm exceeds this; 0 turns clipping off.")
    seed = st.number_input("Seed", *bounds(TrainConfig, "seed"), TrainConfig.seed, key=f"{key}_seed",
                           help="The same seed and settings give the same curves.")
    return TrainConfig(epochs=epochs, batch_size=batch, lr=lr, optimizer=optimizer, clip=clip, seed=int(seed))


def pick_seeds(key: str, default: int) -> int:
    """How many seeds each architecture trains with (1 to MAX_SEEDS)."""
    return int(st.slider("Seeds", 1, MAX_SEEDS, default, key=f"{key}_seeds", help=SEEDS_HELP))


@dataclass(frozen=True)
class Picked:
    """What a page's Models and Training widgets chose."""

    archs: list[str]
    model: ModelConfig
    equal: bool  # every architecture resized to about the same number of parameters
    train: TrainConfig
    seeds: int  # how many, from train.seed upwards


def pick_comparison(key: str, training_open: bool = False) -> Picked:
    """The Models and Training widget groups of a page that compares architectures, to be called in the sidebar."""
    st.header("Models")
    archs = pick_archs(key)
    model, equal = pick_model(key, archs)
    with st.expander("Training", expanded=training_open):
        train = pick_training(key)
        seeds = pick_seeds(key, DEFAULT_SEEDS[key])
    return Picked(archs, model, equal, train, seeds)


def seeds_from(first: int, count: int) -> list[int]:
    """`count` seeds from `first` upwards (downwards where the top of the seed range is near)."""
    top = bounds(TrainConfig, "seed")[1]
    start = min(first, top - count + 1)
    return list(range(start, start + count))


def comparison(data: DataConfig, model: ModelConfig, train: TrainConfig, archs: list[str], task: Task,
               equal: bool, seeds: int = 1) -> list[RunConfig]:
    """One run per architecture and seed, resized to an equal parameter budget if asked; none, with a message naming
    the setting and what would fit, when a setting does not fit an architecture or the task (a TCN that cannot
    see far enough back, heads that do not divide d_model)."""
    try:
        runs = comparison_runs(RunConfig(data=data, model=model, train=train), archs, seeds_from(train.seed, seeds))
        return equalise(runs, task) if equal and runs else runs
    except ValueError as error:
        st.error(f"**These settings do not fit:** {error}", icon=":material/tune:")
        return []


def show_sizes(runs: list[RunConfig], task: Task) -> None:
    """Each architecture's parameter count (and hidden size) before any training: once, whatever its seeds."""
    runs = list({run.model.arch: run for run in reversed(runs)}.values())[::-1]  # each architecture's first run
    columns = st.columns(max(len(runs), 1))
    for column, run in zip(columns, runs, strict=False):
        column.metric(size_label(run.model), f"{count_params(run.model, task):,} parameters",
                      help=sees(run.model), delta=sees(run.model), delta_color="off")
    show_notices(runs)


def show_notices(runs: list[RunConfig]) -> None:
    """A warning for each setting that cannot work for the task (a TCN that does not see far enough back)."""
    for notice in dict.fromkeys(filter(None, (receptive_field_notice(r.model, r.data) for r in runs))):
        st.warning(notice, icon=":material/visibility_off:")


def size_label(model: ModelConfig) -> str:
    """"LSTM · 64 units × 1", "TCN · 64 channels × 4 levels", "Transformer · d 64 × 1, 2 heads"."""
    if model.arch == "tcn":
        return f"TCN · {model.hidden_size} channels × {model.levels} levels"
    if model.arch == "transformer":
        return f"Transformer · d {model.hidden_size} × {model.num_layers}, {model.heads} heads"
    return f"{LABELS[model.arch]} · {model.hidden_size} units × {model.num_layers}"


def sees(model: ModelConfig) -> str | None:
    """What one output can see: "sees the last 61 steps" for a TCN, None for the others (the whole past)."""
    field_ = model.receptive_field
    return None if field_ is None else f"sees the last {field_} steps"
