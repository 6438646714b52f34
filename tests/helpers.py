"""Helpers shared by test modules (a test module never imports another): tiny configs, finished and half-finished
comparisons, a walk over chart specs. Fixtures live in conftest.py."""

from pathlib import Path

from seqlab.analysis.evaluate import results_table
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.presets import comparison_runs
from seqlab.training import runlog
from seqlab.training.loop import train_interleaved

ROOT = Path(__file__).parents[1]


def tiny_run(task="sine", arch="lstm", **train) -> RunConfig:
    data = DataConfig(task=task, length=12, n_samples=300)
    return RunConfig(data=data, model=ModelConfig(arch=arch, hidden_size=8),
                     train=TrainConfig(**{"epochs": 2, "batch_size": 32, **train}))


def half_trained(epochs: int, records: int):
    """A Lab comparison of LSTM and GRU on sine, `records` records into its training."""
    from seqlab.app.live import Comparison  # streamlit, imported only by the tests that need it

    data = DataConfig(task="sine", n_samples=500, length=20)
    runs = [RunConfig(data=data, model=ModelConfig(arch=a, hidden_size=8), train=TrainConfig(epochs=epochs))
            for a in ("lstm", "gru")]
    task = make_task(data)
    comparison = Comparison(task, train_interleaved(runs, task))
    records_so_far = iter(comparison.training)
    for _ in range(records):
        next(records_so_far)
    return comparison


def trained(task_name="adding", archs=("rnn", "gru"), stop_after=None, **train):
    runs = comparison_runs(tiny_run(task_name, **train), archs)
    task = make_task(runs[0].data)
    session = train_interleaved(runs, task)
    for i, _ in enumerate(session):
        if stop_after is not None and i + 1 == stop_after:
            session.stop("stopped by you")
            break
    return runlog.from_training(session.runs, task, results_table(session.runs, task), "Lab")


def walk(node):
    """Every dict in a chart spec, depth first (for chart tests)."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from walk(child)
