"""Helpers shared by test modules (a test module never imports another): tiny configs, finished and half-finished
comparisons, a walk over chart specs. Fixtures live in conftest.py."""

import importlib.util
import json
from pathlib import Path

import numpy as np
import torch

from seqlab.analysis.evaluate import results_table
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.data.task import DataError
from seqlab.data.upload import read_csv_series
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


def check_series(data: bytes, min_rows: int = 2) -> None:
    """The reader returns a clean series or raises DataError; anything else fails the test."""
    try:
        series = read_csv_series(data, min_rows=min_rows)
    except DataError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    values = series.frame[list(series.value_columns)].to_numpy()
    assert values.dtype == np.float64 and np.isfinite(values).all()
    assert len(series.frame) >= min_rows and series.default_column in series.value_columns
    times = series.frame[series.time_column]
    assert times.is_unique and times.is_monotonic_increasing


def chart_data(element) -> tuple[dict, list]:
    """An AppTest chart's Vega-Lite spec and its data sets as DataFrames, in the order Streamlit sent them."""
    import json

    from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df

    return json.loads(element.proto.spec), [convert_arrow_bytes_to_pandas_df(d.data.data)
                                            for d in element.proto.datasets]


def charts_by_title(at) -> dict[str, tuple[dict, list]]:
    """Every chart of an AppTest page, keyed by its title's text."""
    charts = {}
    for element in at.get("vega_lite_chart"):
        spec, frames = chart_data(element)
        title = spec.get("title", {})
        charts[title.get("text", "") if isinstance(title, dict) else title] = (spec, frames)
    return charts


BENCHMARKS = ROOT / "benchmarks"


def run_bench(name: str, args: list[str], tmp_path: Path):
    """Load benchmarks/<name>.py, run its main() with `args` and a JSON output; check the file matches."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    out = tmp_path / f"{name}.json"
    threads = torch.get_num_threads()
    try:
        result = bench.main([*args, "--json", str(out)])
    finally:
        torch.set_num_threads(threads)  # leave the rest of the suite as it was
    assert json.loads(out.read_text()) == result
    return bench, result


# The sweep tests' grids: six tiny runs (three cells x two seeds), and eight with a swept size for the views
SWEEP_GRID = """
seeds = 2
[[data]]
task = "adding"
length = 8
n_samples = 200
[model]
arch = ["rnn", "gru", "lstm"]
hidden_size = 6
[train]
epochs = 2
batch_size = 50
"""
SIZED_SWEEP_GRID = SWEEP_GRID.replace('arch = ["rnn", "gru", "lstm"]', 'arch = ["rnn", "gru"]').replace(
    "hidden_size = 6", "hidden_size = [4, 6]")
SWEEP_TIMING = {"seconds", "elapsed", "sec_per_epoch"}  # a sweep's columns that differ from run to run
