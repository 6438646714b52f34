import numpy as np
import pandas as pd
import pytest
import torch

from seqlab.config import DataConfig
from seqlab.data.task import DataError, SeriesData
from seqlab.data.windows import forecast_task, split_points, target_times


def ramp_with_poisoned_future(cfg: DataConfig, n: int = 200):
    """A ramp whose validation and test rows are huge: any leak shows up as a huge number."""
    a, _ = split_points(n, cfg)
    values = np.arange(n, dtype=float)
    values[a:] += 1e6
    frame = pd.DataFrame({"t": np.arange(n), "v": values})
    return SeriesData("ramp", frame, "t", ("v",), "v"), a


def test_scaler_is_fitted_on_training_rows_only():
    cfg = DataConfig(length=10)
    data, a = ramp_with_poisoned_future(cfg)
    task = forecast_task(data, cfg, "ramp")
    train = np.arange(a, dtype=float)
    assert task.scaler.mean == pytest.approx(train.mean()) and task.scaler.std == pytest.approx(train.std())


def test_training_windows_hold_no_validation_or_test_value():
    cfg = DataConfig(length=10)
    data, a = ramp_with_poisoned_future(cfg)
    task = forecast_task(data, cfg, "ramp")
    seen = task.scaler.inverse(torch.cat([task.x_train.flatten(), task.y_train.flatten()]).double())
    assert float(seen.max()) < a  # the poisoned rows start at index a
    assert float(task.scaler.inverse(task.y_train.double()).max()) == pytest.approx(a - 1, abs=1e-3)


def test_windows_are_consecutive_and_targets_follow_inputs():
    cfg = DataConfig(length=5, horizon=3)
    frame = pd.DataFrame({"t": np.arange(100), "v": np.arange(100, dtype=float)})
    task = forecast_task(SeriesData("ramp", frame, "t", ("v",), "v"), cfg, "ramp")
    x, y = (task.scaler.inverse(t.double()).numpy() for t in (task.x_test, task.y_test))
    assert np.allclose(y[:, 0] - x[:, -1, 0], 1) and np.allclose(np.diff(y, axis=1), 1)
    assert target_times(task, "test")[0] == split_points(100, cfg)[1]
    assert x.shape[1:] == (5, 1) and y.shape[1] == 3


def test_too_short_a_series_says_what_to_change():
    frame = pd.DataFrame({"t": np.arange(40), "v": np.random.default_rng(0).normal(size=40)})
    with pytest.raises(DataError, match="window length to at most"):
        forecast_task(SeriesData("short", frame, "t", ("v",), "v"), DataConfig(length=30), "short")


def test_unknown_column_lists_the_choices():
    frame = pd.DataFrame({"t": np.arange(100), "v": np.arange(100.0)})
    with pytest.raises(DataError, match="choose one of: v"):
        forecast_task(SeriesData("s", frame, "t", ("v",), "v"), DataConfig(column="w"), "s")


def test_constant_training_part_is_refused():
    frame = pd.DataFrame({"t": np.arange(100), "v": np.r_[np.ones(80), np.arange(20.0)]})
    with pytest.raises(DataError, match="constant"):
        forecast_task(SeriesData("flat", frame, "t", ("v",), "v"), DataConfig(length=5), "flat")
