"""Forecast and classification metrics: MSE, MAE, RMSE, MASE, accuracy, cross-entropy, bits per character."""

from __future__ import annotations

import math

import numpy as np

LN2 = math.log(2)

# How each metric reads: True when lower is better. Used to pick winners and sort tables.
LOWER_IS_BETTER = {
    "mse": True, "mae": True, "rmse": True, "mase": True,
    "cross_entropy": True, "bits_per_char": True, "perplexity": True, "accuracy": False,
    "exact_match": False, "char_accuracy": False,  # translation
}

CLEAR_MARGIN = 0.01  # a model "beats" a baseline only when it is better by more than 1% of the baseline's value

METRIC_NAMES = {
    "mse": "MSE", "mae": "MAE", "rmse": "RMSE", "mase": "MASE", "cross_entropy": "cross-entropy",
    "bits_per_char": "bits per character", "perplexity": "perplexity", "accuracy": "accuracy",
    "exact_match": "exact match", "char_accuracy": "character accuracy",
}


def mse(truth: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean((np.asarray(truth) - np.asarray(pred)) ** 2))


def mae(truth: np.ndarray, pred: np.ndarray) -> float:
    return float(np.mean(np.abs(np.asarray(truth) - np.asarray(pred))))


def rmse(truth: np.ndarray, pred: np.ndarray) -> float:
    return math.sqrt(mse(truth, pred))


def naive_scale(train_values: np.ndarray, season: int = 1) -> float:
    """Mean absolute error of the in-sample seasonal-naive forecast: the denominator of MASE."""
    v = np.asarray(train_values, dtype=np.float64)
    if len(v) <= season:
        return float("nan")
    return float(np.mean(np.abs(v[season:] - v[:-season])))


def mase(truth: np.ndarray, pred: np.ndarray, train_values: np.ndarray, season: int = 1) -> float:
    """Mean absolute scaled error (Hyndman & Koehler 2006): below 1 beats the in-sample naive forecast."""
    scale = naive_scale(train_values, season)
    return mae(truth, pred) / scale if scale > 0 else float("nan")


def forecast_metrics(truth: np.ndarray, pred: np.ndarray, train_values: np.ndarray | None = None) -> dict:
    """MSE, MAE, RMSE and (given the training values) MASE, all in the units of `truth`."""
    out = {"mse": mse(truth, pred), "mae": mae(truth, pred), "rmse": rmse(truth, pred)}
    if train_values is not None:
        out["mase"] = mase(truth, pred, train_values)
    return out


def nats(cross_entropy: float) -> float:
    """A cross-entropy as a person reads it: never below 0. A certain guess scores -0.0 (the negated log of 1), which
    tables and sentences write as "-0"; rounding can leave a hair below 0. NaN stays NaN."""
    return max(float(cross_entropy), 0.0) + 0.0  # adding +0.0 turns -0.0 into 0.0


def token_metrics(cross_entropy: float, accuracy: float) -> dict:
    """Next-token metrics from the mean cross-entropy in nats."""
    cross_entropy = nats(cross_entropy)
    return {
        "cross_entropy": cross_entropy,
        "bits_per_char": cross_entropy / LN2,
        "perplexity": math.exp(min(cross_entropy, 700.0)),
        "accuracy": accuracy,
    }


def better(metric: str, a: float, b: float, margin: float = 0.0) -> bool:
    """True when value `a` is better than `b` for `metric` by more than a relative `margin` of `b`."""
    if LOWER_IS_BETTER.get(metric, True):
        return a < b - margin * abs(b)
    return a > b + margin * abs(b)
