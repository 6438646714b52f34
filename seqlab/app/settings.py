"""Model and training widgets shared by the pages, and the runs they describe."""

from __future__ import annotations

import streamlit as st

from seqlab.app.datasets import pick_steps
from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig, bounds
from seqlab.data import Task
from seqlab.models.recurrent import LABELS, count_params, equalise
from seqlab.presets import MAX_SEEDS, comparison_runs

# Seeds a page opens with: as many as keep its default comparison within its time budget on 2 cores
# (benchmarks/bench_demos.py and bench_parallel.py measure them; the README gives the figures).
DEFAULT_SEEDS = {"lab": 3, "grad": 2, "text": 1}
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
    """Which architectures to train (default: all three), in a fixed order."""
    picked = st.pills("Architectures", ARCHS, selection_mode="multi", default=list(ARCHS), key=f"{key}_archs",
                      format_func=LABELS.get, help="Each one trains on the same data and seed, epoch by epoch "
                                                   "in turn, so their curves grow together.")
    return [a for a in ARCHS if a in (picked or [])]


def pick_model(key: str = "lab") -> tuple[ModelConfig, bool]:
    """Size of the networks; True when every architecture should get about the same number of parameters."""
    hidden = pick_steps("Hidden units per layer", HIDDEN, ModelConfig.hidden_size, f"{key}_hidden")
    layers = st.slider("Layers", *bounds(ModelConfig, "num_layers"), ModelConfig.num_layers, key=f"{key}_layers")
    dropout = st.slider("Dropout between layers", *bounds(ModelConfig, "dropout"), 0.0, 0.05, key=f"{key}_dropout",
                        disabled=layers == 1, help="Only acts between stacked layers: needs 2 or more layers.")
    forget = st.toggle(f"LSTM forget-gate bias {FORGET_BIAS:g} at the start", key=f"{key}_forget", help=FORGET_HELP)
    equal = st.toggle("Equal parameter budget", key=f"{key}_equal",
                      help="Resize each architecture's hidden layer so all have about as many parameters as a "
                           "GRU of the chosen size: the fair comparison of Chung et al. (2014).")
    return ModelConfig(hidden_size=hidden, num_layers=layers, dropout=dropout if layers > 1 else 0.0,
                       forget_bias=FORGET_BIAS if forget else None), equal


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


def seeds_from(first: int, count: int) -> list[int]:
    """`count` seeds from `first` upwards (downwards where the top of the seed range is near)."""
    top = bounds(TrainConfig, "seed")[1]
    start = min(first, top - count + 1)
    return list(range(start, start + count))


def comparison(data: DataConfig, model: ModelConfig, train: TrainConfig, archs: list[str], task: Task,
               equal: bool, seeds: int = 1) -> list[RunConfig]:
    """One run per architecture and seed, resized to an equal parameter budget if asked."""
    runs = comparison_runs(RunConfig(data=data, model=model, train=train), archs, seeds_from(train.seed, seeds))
    return equalise(runs, task) if equal and runs else runs


def show_sizes(runs: list[RunConfig], task: Task) -> None:
    """Each architecture's parameter count (and hidden size) before any training: once, whatever its seeds."""
    runs = list({run.model.arch: run for run in reversed(runs)}.values())[::-1]  # each architecture's first run
    columns = st.columns(max(len(runs), 1))
    for column, run in zip(columns, runs, strict=False):
        column.metric(f"{LABELS[run.model.arch]} · {run.model.hidden_size} units × {run.model.num_layers}",
                      f"{count_params(run.model, task):,} parameters")
