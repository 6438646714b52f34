"""Forecast and classification metrics: MSE, MAE, RMSE, MASE, accuracy, cross-entropy, bits per character."""

from __future__ import annotations

# The formulas live with what training reports every epoch (seqlab.training.scoring); they are re-exported here.
from seqlab.training.scoring import (  # noqa: F401
    LN2,
    forecast_metrics,
    mae,
    mase,
    mse,
    naive_scale,
    nats,
    rmse,
    token_metrics,
)

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


def metric_names(task_name: str) -> dict[str, str]:
    """METRIC_NAMES as a task's views say them: a melody's symbols are notes, so its bits are per note."""
    from seqlab.config import MUSIC_TASKS

    return {**METRIC_NAMES, "bits_per_char": "bits per note"} if task_name in MUSIC_TASKS else dict(METRIC_NAMES)


def better(metric: str, a: float, b: float, margin: float = 0.0) -> bool:
    """True when value `a` is better than `b` for `metric` by more than a relative `margin` of `b`."""
    if LOWER_IS_BETTER.get(metric, True):
        return a < b - margin * abs(b)
    return a > b + margin * abs(b)
