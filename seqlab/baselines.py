"""Honest forecasting baselines on windows: persistence, seasonal naive, window mean, linear least squares.

Each takes input windows `x` of shape (N, L) and returns forecasts of shape (N, H).
"""

from __future__ import annotations

import numpy as np


def persistence(x: np.ndarray, horizon: int = 1) -> np.ndarray:
    """Tomorrow is like today: repeat the window's last value."""
    return np.repeat(x[:, -1:], horizon, axis=1)


def seasonal_naive(x: np.ndarray, horizon: int, season: int) -> np.ndarray:
    """Repeat the value one season back; needs a window at least one season long."""
    if not 1 <= season <= x.shape[1]:
        raise ValueError(f"a seasonal-naive forecast needs a window of at least {season} steps, got {x.shape[1]}")
    cols = [x.shape[1] - season + (h % season) for h in range(horizon)]
    return x[:, cols]


def window_mean(x: np.ndarray, horizon: int = 1) -> np.ndarray:
    """The mean of the window, for every step ahead."""
    return np.repeat(x.mean(axis=1, keepdims=True), horizon, axis=1)


def fit_linear(x_train: np.ndarray, y_train: np.ndarray) -> np.ndarray:
    """Least-squares weights (with intercept) from a window to each step ahead: (L + 1, H)."""
    design = np.hstack([x_train, np.ones((len(x_train), 1))])
    weights, *_ = np.linalg.lstsq(design.astype(np.float64), y_train.astype(np.float64), rcond=None)
    return weights


def linear(x: np.ndarray, weights: np.ndarray) -> np.ndarray:
    return np.hstack([x, np.ones((len(x), 1))]) @ weights


def forecast_baselines(x_train, y_train, x, horizon: int, season: int | None = None) -> dict[str, np.ndarray]:
    """Every baseline's forecasts for windows `x`; the linear model is fitted on the training windows."""
    out = {
        "persistence": persistence(x, horizon),
        "window mean": window_mean(x, horizon),
        "linear": linear(x, fit_linear(x_train, y_train)),
    }
    if season and season <= x.shape[1]:
        out["seasonal naive"] = seasonal_naive(x, horizon, season)
    return out
