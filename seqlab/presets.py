"""Named starting points: the configurations that pages, demos, tests and benchmarks open with."""

from __future__ import annotations

import dataclasses

from seqlab.config import DEFAULT_ARCHS as ARCHS
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig, bounds

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


# Dates in 7 languages -> ISO (seqlab.data.dates), a GRU encoder-decoder with and without attention: 2,000 pairs,
# hidden 64, batch 64, Adam 1e-2, 10 epochs. With attention it gets nearly every test date exactly right; without,
# the one final state loses the day and month of the longest inputs (tests/science/test_translation_science.py).
TRANSLATION_DEMO = RunConfig(
    data=DataConfig(task="dates", n_samples=2000),
    model=ModelConfig(arch="gru", hidden_size=64, embedding_dim=16),
    train=TrainConfig(epochs=10, batch_size=64, lr=1e-2, clip=1.0),  # 6 epochs held in 8 of the seeds 0-9, 10 in 9
)


MAX_SEEDS = 10  # seeds in one comparison: enough to count "solved in 7 of 10", few enough to train live
SEED_RANGE = bounds(TrainConfig, "seed")


def comparison_runs(template: RunConfig, archs=ARCHS, seeds=None) -> list[RunConfig]:
    """The template once per architecture and seed, architecture by architecture (default: the template's seed).

    A seed sets the weights, the shuffling and the dropout (TrainConfig.seed). The data stay the template's
    (DataConfig.seed; the CLI sets it to the first seed): every run of a comparison trains and is scored on the
    same sequences, so the spread across seeds is the training's alone, the verdict compares like with like, and
    one task serves the whole comparison. A single seed keeps today's meaning: it seeds the data too.
    """
    seeds = (template.train.seed,) if seeds is None else tuple(seeds)
    return [template.replace(model=dataclasses.replace(template.model, arch=a),
                             train=dataclasses.replace(template.train, seed=s)) for a in archs for s in seeds]


def parse_seeds(text: str, name: str = "seeds") -> tuple[int, ...]:
    """Seeds from text: a count N (1 to MAX_SEEDS) means 0..N-1; a comma-separated list (3,7,11) means those.
    Anything else raises ValueError with a sentence that says what is allowed (`name` is the option or field)."""
    text = str(text).strip()
    items = [item.strip() for item in text.split(",")]
    if "," in text:
        seeds = tuple(_whole(item, name, text) for item in items if item)
        if not seeds:
            raise ValueError(f"{name} lists no seeds; write a count such as 3, or seeds such as 3,7,11")
        lo, hi = SEED_RANGE
        for seed in seeds:
            if not lo <= seed <= hi:
                raise ValueError(f"{name}: each seed must be between {lo} and {hi}, got {_short(str(seed))}")
        repeated = sorted({seed for seed in seeds if seeds.count(seed) > 1})
        if repeated:
            raise ValueError(f"{name} repeats {', '.join(map(str, repeated))}: each seed may appear once "
                             "(a repeated seed trains the same run twice)")
        count = len(seeds)
    else:
        count = _whole(text, name, text)
        seeds = tuple(range(count)) if 0 < count <= MAX_SEEDS else ()
    if not 1 <= count <= MAX_SEEDS:
        raise ValueError(f"{name} must count 1 to {MAX_SEEDS} seeds, got {_short(str(count))}; write a count "
                         "such as 3 (seeds 0, 1, 2) or seeds such as 3,7,11")
    return seeds


def seeds_text(seeds) -> str:
    """What `parse_seeds` reads back as these seeds: "3" for 0, 1, 2, else "3,7,11"."""
    seeds = tuple(seeds)
    return str(len(seeds)) if seeds == tuple(range(len(seeds))) else ",".join(map(str, seeds))


def _whole(item: str, name: str, text: str) -> int:
    if not (item.isascii() and item.isdigit()):
        raise ValueError(f"{name} must be a count such as 3 (seeds 0, 1, 2) or whole-number seeds such as "
                         f"3,7,11; got {_short(text)!r}")
    if len(item) > 12:  # no seed or count is this long; int() of thousands of digits would be slow
        raise ValueError(f"{name}: {_short(item)} is far too large (a count of seeds goes up to {MAX_SEEDS}, "
                         f"a seed up to {SEED_RANGE[1]})")
    return int(item)


def _short(text: str) -> str:
    return text if len(text) <= 24 else text[:21] + "..."
