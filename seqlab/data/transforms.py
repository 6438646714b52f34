"""Forecasting transforms: what the network is asked to predict (the level, the change from the window's last
value, or the window scaled by its own level) and whether the series is log-transformed first.

The log transform is part of the scaler (fitted on the training part only, undone by `Scaler.inverse`). The target
transform is reversible and per window, so it runs inside the model's forward pass (`encode` before the network,
`decode` after it): the model's output stays a forecast of the scaled series, and every metric, chart and baseline
reads it in the data's own units exactly as before.

"auto" decides on the training part only: log when every training value is positive and the training part spans
more than a factor of LOG_RATIO (growth by percentages: prices, passengers); the change from the last value when a
straight line explains at least TREND_R2 of the training part's variance (a trend that will carry the test years
past anything the network saw); the level otherwise (a series that stays in its range, such as sunspots).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from seqlab.config import FORECAST_TARGETS

TARGETS = FORECAST_TARGETS[1:]  # "auto" resolves to one of these
LOG_RATIO = 2.0  # auto log: the training part's largest value over its smallest
TREND_R2 = 0.5  # auto change: share of the training part's variance a straight line explains
MIN_WINDOW_SPREAD = 1e-2  # window-scaled: the least spread a window is divided by (in training standard deviations)

EXPLAIN = {
    "auto": "Chosen from the training years only: the change from the last value for a series with a trend, "
            "the level otherwise; a log for a positive series that grows by percentages.",
    "level": "The network predicts the value itself, on a scale fitted to the training years; it cannot reach "
             "values far outside them.",
    "change": "The network sees each window relative to its last value and predicts the change from it, so a "
              "series that climbs past the training years stays in familiar numbers.",
    "window-scaled": "Each window is shifted by its own mean and divided by its own spread, and the prediction "
                     "is scaled back: the network learns shapes, not levels.",
    "log": "The series is log-transformed first, so growth by a steady percentage becomes a steady step; "
           "forecasts are turned back with exp.",
}


@dataclass(frozen=True)
class Transform:
    """The transforms a forecasting task uses, resolved from the config ("auto" decided), and why."""

    target: str = "level"  # one of TARGETS
    log: bool = False
    reason: str = ""  # what "auto" saw, or what forced a fallback; "" when chosen by hand
    step: float = 1.0  # "change": the spread of the scaled training part's one-step changes (see `encode`)

    def describe(self, unit: str = "") -> str:
        """What the network predicts, in one sentence, for the predictions chart."""
        what = {"level": "the next value itself",
                "change": "the change from the last value of its window",
                "window-scaled": "the next value relative to its window's own mean and spread"}[self.target]
        scale = ", on the log of the series," if self.log else ""
        where = f" ({unit})" if unit else ""
        return (f"The network predicts{scale} {what}; the chart shows its forecasts turned back into the series' own "
                f"units{where}.")


def trend_r2(values: np.ndarray) -> float:
    """The share of the variance of `values` that a straight line through time explains (R^2)."""
    t = np.arange(len(values), dtype=np.float64)
    r = np.corrcoef(t, values)[0, 1] if np.ptp(values) > 0 else 0.0
    return float(r * r) if np.isfinite(r) else 0.0


def choose(train: np.ndarray, target: str, log: str) -> Transform:
    """Resolve `target` ("auto" or one of TARGETS) and `log` ("auto", "on", "off") on the training values only."""
    train = np.asarray(train, dtype=np.float64)
    reasons = []
    use_log = log == "on"
    if log == "auto":
        positive = bool((train > 0).all())
        ratio = float(train.max() / train.min()) if positive else float("nan")
        use_log = positive and ratio > LOG_RATIO
        if use_log:
            reasons.append(f"log, because the training values are positive and span a factor of {ratio:.3g}")
    if target == "auto":
        r2 = trend_r2(np.log(train) if use_log else train)
        target = "change" if r2 >= TREND_R2 else "level"
        word = "a trend" if target == "change" else "no strong trend"
        reasons.append(f"{target}, because a straight line explains {r2:.0%} of the training part's variance "
                       f"({word}; the bar is {TREND_R2:.0%})")
    reason = "auto chose " + " and ".join(reasons) if reasons else ""
    return Transform(target, use_log, reason)


def encode(x: torch.Tensor, transform: Transform):
    """The network's input for windows `x` (B, T, F), and what `decode` needs to undo it.

    "change" also divides by `transform.step` (the spread of the training part's one-step changes), so the
    network reads and writes changes of about unit size: predicting "no change" is the easy start, and a daily
    price move of 0.01 standard deviations is not lost in the noise of an untrained head."""
    if transform.target == "change":
        ref = x[:, -1:, :]  # (B, 1, F)
        return (x - ref) / transform.step, (ref[:, 0, :1], transform.step)
    if transform.target == "window-scaled":
        mean = x.mean(dim=1, keepdim=True)  # (B, 1, F)
        spread = x.std(dim=1, keepdim=True).clamp_min(MIN_WINDOW_SPREAD)
        return (x - mean) / spread, (mean[:, 0, :1], spread[:, 0, :1])
    return x, None


def decode(output: torch.Tensor, ctx) -> torch.Tensor:
    """The network's output (B, H) turned back into a forecast of the scaled series."""
    if ctx is None:
        return output
    shift, scale = ctx
    return output * scale + shift


def step_spread(z_train: np.ndarray) -> float:
    """The standard deviation of the one-step changes of the (scaled) training values: the unit of "change"."""
    spread = float(np.std(np.diff(np.asarray(z_train, dtype=np.float64)))) if len(z_train) > 2 else 1.0
    return spread if np.isfinite(spread) and spread > 1e-6 else 1.0
