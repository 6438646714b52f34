"""What a task holds in memory: every split on a storage of its own, windows as views, a pickle the size of the data."""

import pickle
import tracemalloc

import numpy as np
import pandas as pd
import pytest
import torch

from seqlab.analysis import baselines, evaluate
from seqlab.config import DataConfig
from seqlab.data import SeriesData, make_task
from seqlab.data.task import own_storage
from seqlab.data.windows import forecast_task

# big enough that the data, not pickle's bookkeeping, makes up the size
TASKS = {
    "adding": DataConfig(task="adding", length=50, n_samples=5000),
    "copy": DataConfig(task="copy", length=50, n_samples=2000),
    "digits": DataConfig(task="digits", reading="pixels"),
    "text": DataConfig(task="text", length=100, n_samples=2000),
    "chorales": DataConfig(task="chorales", length=32),
    "sine series": DataConfig(task="sine", length=50, n_samples=20_000),
    "shipped series": DataConfig(task="msft", length=200),
}


@pytest.mark.parametrize("cfg", TASKS.values(), ids=TASKS.keys())
def test_a_pickled_task_is_the_size_of_its_data(cfg):
    """A split that is a slice of a bigger tensor would pickle the whole of it: three splits, three copies."""
    task = make_task(cfg)
    assert 0.95 < len(pickle.dumps(task)) / task.nbytes() < 1.1


@pytest.mark.parametrize("cfg", TASKS.values(), ids=TASKS.keys())
def test_no_two_splits_share_a_storage(cfg):
    task = make_task(cfg)
    tensors = [task.x_train, task.y_train, task.x_val, task.y_val, task.x_test, task.y_test]
    assert len({t.untyped_storage().data_ptr() for t in tensors}) == 6


def long_series(rows: int) -> SeriesData:
    values = np.sin(np.arange(rows) / 30) + np.random.default_rng(0).normal(0, 0.1, rows)
    return SeriesData("long", pd.DataFrame({"t": np.arange(rows), "v": values}), "t", ("v",), "v")


def test_forecast_windows_hold_the_series_not_every_window():
    rows, window = 20_000, 500
    task = forecast_task(long_series(rows), DataConfig(length=window, max_rows=rows), "long")
    windows_bytes = sum(t.numel() * t.element_size() for t in (task.x_train, task.x_val, task.x_test))
    assert windows_bytes > 30 * 2**20  # what they would hold as dense windows
    assert task.nbytes() < 40 * rows  # the series a few times over: float32 windows and targets, the preview


def test_windows_are_views_that_read_the_right_rows():
    cfg = DataConfig(length=7, horizon=2, max_rows=300)
    task = forecast_task(long_series(300), cfg, "long")
    a, b = task.split_index
    z = task.scaler.transform(task.series["value"].to_numpy()).astype(np.float32)
    dense = np.lib.stride_tricks.sliding_window_view(z, 7)
    assert np.array_equal(task.x_val[..., 0].numpy(), dense[a - 7: b - 2 - 7 + 1])
    assert np.array_equal(task.y_test.numpy(), np.lib.stride_tricks.sliding_window_view(z, 2)[b: 300 - 2 + 1])
    assert task.x_train[torch.tensor([3, 0])].is_contiguous()  # a batch is an ordinary copy


def test_own_storage_copies_a_slice_and_keeps_overlapping_windows_as_views():
    big = torch.arange(1000.0)
    part = own_storage(big[100:110])
    assert part.untyped_storage().nbytes() == 10 * 4 and torch.equal(part, torch.arange(100.0, 110.0))
    windows = big[50:].as_strided((900, 50), (1, 1), 50)  # (900, 50) numbers read from 949 rows
    owned = own_storage(windows)
    assert owned.untyped_storage().nbytes() == 949 * 4 and torch.equal(owned, windows)
    column = own_storage(big.view(100, 10)[:, :1])  # far apart: a dense copy, not the span between them
    assert column.untyped_storage().nbytes() == 100 * 4


def test_the_linear_baseline_summed_in_chunks_equals_least_squares(monkeypatch):
    monkeypatch.setattr(baselines, "CHUNK_BYTES", 8 * 6 * 7)  # 7 rows a chunk: 300 rows in 43 chunks
    rng = np.random.default_rng(1)
    x, y = rng.normal(size=(300, 5)), rng.normal(size=(300, 2))
    design = np.hstack([x, np.ones((300, 1))])
    dense, *_ = np.linalg.lstsq(design, y, rcond=None)
    weights = baselines.fit_linear(x, y)
    assert np.allclose(weights, dense) and np.allclose(baselines.linear(x, weights), design @ dense)


@pytest.mark.parametrize("rows, window, horizon", [(40, 1, 1), (300, 12, 3), (2000, 50, 5)])
def test_the_linear_baseline_from_the_series_equals_least_squares_on_its_windows(rows, window, horizon):
    rng = np.random.default_rng(rows)
    series = np.cumsum(rng.normal(size=rows)) * 0.1 + rng.normal(size=rows)
    x = np.lib.stride_tricks.sliding_window_view(series, window)[: rows - window - horizon + 1]
    y = np.lib.stride_tricks.sliding_window_view(series, horizon)[window:]
    assert np.allclose(baselines.fit_linear_series(series, window, horizon), baselines.fit_linear(x, y), atol=1e-9)


def test_baseline_scores_never_copy_the_windows_whole():
    """numpy reports its allocations to tracemalloc: a dense float64 design of these windows is 54 MB."""
    task = forecast_task(long_series(20_000), DataConfig(length=500, max_rows=20_000), "long")
    tracemalloc.start()
    try:
        scores = evaluate.baseline_scores(task)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 20 * 2**20
    assert scores["linear"]["mse"] < scores["window mean"]["mse"]  # and it still fits something
