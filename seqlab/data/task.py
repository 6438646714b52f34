"""The objects every data source produces: a raw series, a scaler, and a ready-to-train Task."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import torch

from seqlab.data.transforms import Transform

KINDS = ("regression", "classification", "next-token", "translation")
SPLITS = ("x_train", "y_train", "x_val", "y_val", "x_test", "y_test")


class DataError(ValueError):
    """Data that cannot be used, with a message a person can act on."""


@dataclass(frozen=True)
class SeriesData:
    """A table of one or more numeric series over time, before windowing.

    `frame` has a time column (dates or integers such as years) sorted ascending, no duplicated
    times, and numeric value columns with no NaN or inf left in them.
    """

    name: str  # shown to people: "Seattle daily weather"
    frame: pd.DataFrame
    time_column: str  # the column that orders the rows
    value_columns: tuple[str, ...]  # numeric columns a person may forecast
    default_column: str
    units: dict[str, str] = field(default_factory=dict)  # column -> unit, e.g. {"temp_max": "°C"}
    notes: tuple[str, ...] = ()  # what was done to the data or where it came from, said to the user
    source: str = ""  # attribution
    warnings: tuple[str, ...] = ()  # what a person must not miss, e.g. "showing MSFT instead"


@dataclass(frozen=True)
class Scaler:
    """Standardisation fitted on the training part only: z = (x - mean) / std, or with `log`, z = (log x - mean) / std
    (mean and std then those of the log of the training values)."""

    mean: float
    std: float
    log: bool = False

    @classmethod
    def fit(cls, values: np.ndarray, log: bool = False) -> Scaler:
        if log:
            if not (np.asarray(values) > 0).all():
                raise DataError("a log transform needs values above zero, and this series has zeros or negatives: "
                                "turn the log off")
            values = np.log(values)
        with np.errstate(over="ignore", invalid="ignore"):
            std = float(np.std(values))
        if not np.isfinite(std):
            raise DataError("the values are too large to compute with (their spread overflows): divide the "
                            "column by a power of ten (give it in thousands or millions) and try again")
        if std < 1e-12:
            if np.ptp(values) > 0:
                raise DataError(f"the values of the training part vary by only {np.ptp(values):.3g}, too little "
                                "to compute with: multiply the column by a power of ten and try again")
            raise DataError("the training part of the series is constant: there is nothing to learn")
        return cls(float(np.mean(values)), std, log)

    def transform(self, x):
        return ((np.log(x) if self.log else x) - self.mean) / self.std

    def inverse(self, z):
        level = z * self.std + self.mean
        if not self.log:
            return level
        with np.errstate(over="ignore"):  # a wild forecast overflows to inf, which the metrics report as it is
            return np.exp(level)


def own_storage(t: torch.Tensor) -> torch.Tensor:
    """`t` on a storage of its own that holds only the elements `t` reaches.

    A slice keeps its parent's whole storage alive, and a pickle of the slice writes all of it: the three
    splits of one 816 MB copy-task tensor pickled to 2.3 GB. Overlapping windows (a stride-1 view over a
    series, see `windows.py`) stay views onto a copy of just the rows they read, so they cost the series
    (O(rows)), not windows x window length.
    """
    if t.numel() == 0:
        return t.new_empty(t.shape)
    span = 1 + sum((size - 1) * stride for size, stride in zip(t.shape, t.stride(), strict=True))
    if t.storage_offset() == 0 and t.untyped_storage().nbytes() == span * t.element_size():
        return t  # already owns exactly what it reaches
    if span >= t.numel():  # no element reached twice: a dense copy is the smallest
        return t.clone(memory_format=torch.contiguous_format)
    reached = t.as_strided((span,), (1,)).clone()  # the rows the overlapping view reads, from its offset on
    return reached.as_strided(t.shape, t.stride())


@dataclass
class Task:
    """Train / validation / test tensors and what they mean.

    Shapes by kind (N sequences, T steps, F features per step, H horizon, C classes, V vocabulary):
      regression:     x (N, T, F) float, y (N, H) float (scaled; `scaler` undoes it)
      classification: x (N, T, F) float, or (N, T) long token ids (texts), y (N,) long
      next-token:     x (N, T) long token ids, y (N, T) long, one target per step
      translation:    x (N, S) long source ids, left-padded with 0; y (N, T) long target ids, EOS then 0 padding
    """

    name: str  # registry name, e.g. "adding"
    title: str  # for people: "Adding problem (T=50)"
    kind: str  # one of KINDS
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    input_size: int  # features per step; for token inputs the vocabulary size
    output_size: int  # horizon (regression), classes (classification) or vocabulary (next-token)
    step_meaning: str  # what one input step is
    target_meaning: str  # what one target is
    scaler: Scaler | None = None  # regression on a real series: undo to show original units
    unit: str = ""  # unit of the target in original units, e.g. "°C"
    vocab: tuple[str, ...] | None = None  # token id -> symbol, for token inputs
    classes: tuple[str, ...] | None = None  # class id -> label
    target_vocab: tuple[str, ...] | None = None  # translation: target id -> symbol (`vocab` is the source's)
    channel_names: tuple[str, ...] | None = None  # name of each input feature; a "marker" channel flags key steps
    key_prefix: int = 0  # leading input steps a model must remember (copy: the 10 symbols to recall)
    baseline_loss: float | None = None  # loss of the trivial strategy, e.g. 0.167 for adding
    baseline_name: str = ""  # what that strategy is
    seasonal_period: int | None = None  # steps in one season, for the seasonal-naive baseline
    series: pd.DataFrame | None = None  # forecasting: time, value, split ("train"/"validation"/"test")
    split_index: tuple[int, int] | None = None  # forecasting: first validation row, first test row
    notes: tuple[str, ...] = ()  # e.g. gaps interpolated, prices adjusted
    source: str = ""  # attribution
    warnings: tuple[str, ...] = ()  # what a person must not miss, e.g. a fallback to other data
    transform: Transform | None = None  # forecasting: what the network predicts (seqlab.data.transforms)

    @property
    def target(self) -> str:
        """What a forecasting network predicts: "level", "change" or "window-scaled" (see `transform`)."""
        return self.transform.target if self.transform is not None else "level"

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Task.kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        for name in SPLITS:  # here, so that no builder can forget it
            setattr(self, name, own_storage(getattr(self, name)))

    def nbytes(self) -> int:
        """Bytes the task holds: its tensors' storages (a storage shared by two splits counted once) and its
        preview table. What a cache of tasks, or a pickle of one, costs."""
        storages = {t.untyped_storage().data_ptr(): t.untyped_storage().nbytes() for t in self._splits()}
        frame = int(self.series.memory_usage(index=True, deep=True).sum()) if self.series is not None else 0
        return sum(storages.values()) + frame

    def _splits(self) -> list[torch.Tensor]:
        return [getattr(self, name) for name in SPLITS]

    @property
    def token_input(self) -> bool:
        return self.x_train.dtype == torch.long

    def sizes(self) -> dict[str, int]:
        return {"train": len(self.x_train), "validation": len(self.x_val), "test": len(self.x_test)}
