"""Named starting points: the configurations that pages, demos, tests and benchmarks open with."""

from __future__ import annotations

import dataclasses

from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig

# The adding problem at T=50 (Hochreiter & Schmidhuber 1997): hidden 64, batch 64, Adam 1e-2, clip 1.0.
# On 2 cores the LSTM and the GRU solve it within 20 epochs; the vanilla RNN stays at the 0.167 baseline.
GRADIENT_DEMO = RunConfig(
    data=DataConfig(task="adding", length=50, n_samples=4000),
    model=ModelConfig(hidden_size=64),
    train=TrainConfig(epochs=20, batch_size=64, lr=1e-2, clip=1.0, record_gradients=True),
)


# A quick set for the Inside-the-cell page: the adding problem at T=20, trained in a few seconds.
CELL_DEMO = RunConfig(
    data=DataConfig(task="adding", length=20, n_samples=2000),
    model=ModelConfig(hidden_size=32),
    train=TrainConfig(epochs=10, batch_size=64, lr=1e-2, clip=1.0),
)


def comparison_runs(template: RunConfig, archs=ARCHS) -> list[RunConfig]:
    """The template once per architecture (same data, size, training and seed)."""
    return [template.replace(model=dataclasses.replace(template.model, arch=a)) for a in archs]
