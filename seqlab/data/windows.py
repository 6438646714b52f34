"""Forecasting windows: chronological train/validation/test split and a scaler fitted on train only."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import torch

from seqlab.config import DataConfig
from seqlab.data import transforms
from seqlab.data.task import DataError, Scaler, SeriesData, Task

MIN_TRAIN_WINDOWS = 8


def split_points(n: int, cfg: DataConfig) -> tuple[int, int]:
    """Row indices where validation and test begin: train | validation | test, in time order."""
    n_val, n_test = round(n * cfg.val_fraction), round(n * cfg.test_fraction)
    return n - n_val - n_test, n - n_test


def _check_length(n: int, n_train: int, n_val: int, n_test: int, cfg: DataConfig) -> None:
    window, horizon = cfg.length, cfg.horizon
    if min(n_val, n_test) < horizon:
        part, rows = ("validation", n_val) if n_val < n_test else ("test", n_test)
        raise DataError(f"a horizon of {horizon} steps is longer than the {part} part ({rows} rows of {n}): choose "
                        f"a horizon of at most {max(1, min(n_val, n_test))}, or a larger {part} fraction")
    if n_train - window - horizon + 1 >= MIN_TRAIN_WINDOWS:
        return
    longest = n_train - horizon + 1 - MIN_TRAIN_WINDOWS
    needed = math.ceil((window + horizon - 1 + MIN_TRAIN_WINDOWS) / (1 - cfg.val_fraction - cfg.test_fraction))
    hint = (f"lower the window length to at most {longest}, or use a longer series" if longest >= 2
            else f"use a longer series (about {needed} rows or more for this window)")
    raise DataError(
        f"the series has {n} rows ({n_train} for training): too few for a window of {window} steps "
        f"and a horizon of {horizon}; {hint}"
    )


def windows(z: torch.Tensor, first: int, last: int, window: int, horizon: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Inputs z[j-window:j] and targets z[j:j+horizon] for every target start j in [first, last].

    Both are views (stride 1 between windows) onto a copy of just the rows they read, so they hold
    O(rows) floats, not O(rows x window): 200,000 rows with a window of 1,000 are 0.8 MB, not 800 MB.
    Training copies only the batch it indexes (`x[idx]`).
    """
    n = last - first + 1
    x_rows = z[first - window: last].clone()  # every row some input window reads
    y_rows = z[first: last + horizon].clone()  # every row some target reads
    x = x_rows.as_strided((n, window, 1), (1, 1, 1))  # (N, window, 1)
    y = y_rows.as_strided((n, horizon), (1, 1))  # (N, horizon)
    return x, y


def forecast_task(series: SeriesData, cfg: DataConfig, name: str, seasonal_period: int | None = None) -> Task:
    """Window a series for one-step (or `horizon`-step) forecasting, with no look-ahead.

    Training windows hold training rows only (inputs and targets); validation and test windows
    may look back into earlier parts, as a forecaster would, but never forward.
    """
    column = cfg.column or series.default_column
    if column not in series.value_columns:
        raise DataError(f"no column {column!r} in {series.name}; choose one of: {', '.join(series.value_columns)}")
    frame = series.frame.tail(cfg.max_rows).reset_index(drop=True)
    values = frame[column].to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise DataError(f"column {column!r} still holds missing or infinite values")  # loaders must fill them
    n = len(values)
    a, b = split_points(n, cfg)
    _check_length(n, a, b - a, n - b, cfg)
    transform = _transform(values, a, cfg)
    scaler = Scaler.fit(values[:a], log=transform.log)
    z = torch.from_numpy(scaler.transform(values).astype(np.float32))
    transform = dataclasses.replace(transform, step=transforms.step_spread(z[:a].numpy()))
    L, H = cfg.length, cfg.horizon
    parts = {
        "train": windows(z, L, a - H, L, H),
        "val": windows(z, a, b - H, L, H),
        "test": windows(z, b, n - H, L, H),
    }
    tensors = {f"{xy}_{part}": t for part, pair in parts.items() for xy, t in zip("xy", pair, strict=True)}
    split = pd.Categorical.from_codes(np.searchsorted([a, b], np.arange(n), side="right"),
                                      ["train", "validation", "test"])  # a byte a row, not a string object
    preview = pd.DataFrame({"time": frame[series.time_column].to_numpy(), "value": values, "split": split})
    unit = series.units.get(column, "")
    return Task(
        name=name, title=f"{series.name}: {column}", kind="regression", **tensors,
        input_size=1, output_size=H,
        **step_words(frame[series.time_column], column, unit, H),
        scaler=scaler, unit=unit, seasonal_period=seasonal_period,
        series=preview, split_index=(a, b), notes=(*series.notes, *filter(None, [transform.reason])),
        source=series.source, warnings=tuple(series.warnings), transform=transform,
    )


def _transform(values: np.ndarray, first_val: int, cfg: DataConfig) -> transforms.Transform:
    """The transforms for this series, "auto" decided on the training rows; a log that later rows cannot take
    (zeros or negatives after the training years) falls back to none, and the reason says so."""
    if cfg.log == "on" and not (values > 0).all():
        raise DataError("a log transform needs values above zero, and this series has zeros or negatives: "
                        "choose log off (or auto, which then leaves it off)")
    chosen = transforms.choose(values[:first_val], cfg.target, cfg.log)
    if chosen.log and not (values[first_val:] > 0).all():
        fallback = transforms.choose(values[:first_val], cfg.target, "off")
        note = ("no log: the training years are all positive, but later values reach zero or below, "
                "where a log is undefined")
        return dataclasses.replace(fallback, reason="; ".join(filter(None, (fallback.reason, note))))
    return chosen


PERIODS = {1: "day", 7: "week", 30: "month", 91: "quarter", 365: "year"}  # days apart, to the nearest few


def period_name(times: pd.Series) -> str | None:
    """What one row of a series stands for ("day", "month", ...), from how far apart its times are; None when
    they are plain step numbers or irregular."""
    if pd.api.types.is_datetime64_any_dtype(times) and len(times) > 1:
        days = pd.Series(times).diff().median() / pd.Timedelta(days=1)
        return next((name for apart, name in PERIODS.items() if abs(days - apart) <= max(0.1, apart * 0.05)), None)
    return "year" if str(times.name).lower() == "year" else None


def step_words(times: pd.Series, column: str, unit: str, horizon: int) -> dict[str, str]:
    """How a person says what one step of a forecasting task is and what it forecasts: "one day's temp_max
    (°C)" and "the next day's temp_max", or for a plain series "one value" and "the next 3 values"."""
    period, unit = period_name(times), f" ({unit})" if unit else ""
    if period is not None:
        ahead = f"the next {period}'s" if horizon == 1 else f"the next {horizon} {period}s'"
        return {"step_meaning": f"one {period}'s {column}{unit}", "target_meaning": f"{ahead} {column}"}
    of = "" if column == "value" else f" of {column}"
    ahead = "the next value" if horizon == 1 else f"the next {horizon} values"
    return {"step_meaning": f"one value{of}{unit}", "target_meaning": f"{ahead}{of}"}


def target_times(task: Task, part: str = "test") -> np.ndarray:
    """The time of the first target of every window of a forecasting task's `part`."""
    a, b = task.split_index
    first = {"val": a, "test": b}[part]
    return task.series["time"].to_numpy()[first: first + len(getattr(task, f"x_{part}"))]
