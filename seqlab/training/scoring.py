"""What training measures every epoch: a model's loss and metrics on one split, scored in batches that fit in
memory, and the metric formulas behind them (MSE, MAE, RMSE, MASE; cross-entropy, bits per character, perplexity,
accuracy).

It lives in the training wing because the trainer scores every epoch (divergence, the wall-time budget and the
record's `val_*` fields depend on it); `seqlab.analysis.evaluate` and `seqlab.analysis.metrics` re-export these names
and build the results table, the baselines and the verdicts on top of them.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import numpy as np
import torch

from seqlab import resources
from seqlab.data.task import Task
from seqlab.models.recurrent import task_loss

LN2 = math.log(2)


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


def batch_size_for(model: torch.nn.Module, x: torch.Tensor) -> int:
    """Sequences scored at once: as many as fit in `resources.EVAL_BYTES` for this model and sequence length."""
    cfg = getattr(model, "cfg", None)
    if cfg is None or x.dim() < 2:
        return resources.MAX_EVAL_BATCH
    shape = resources.Shape(length=int(x.shape[1]), input_size=int(x.shape[2]) if x.dim() == 3 else 1,
                            output_size=model.head.out_features, kind=model.kind, token_input=x.dim() == 2,
                            n_train=0, n_val=len(x), n_test=0)
    return resources.eval_batch_size(cfg, shape)


@torch.no_grad()
def batches(model: torch.nn.Module, x: torch.Tensor, seconds: float | None = None,
            batch_size: int | None = None) -> Iterator[tuple[slice, torch.Tensor]]:
    """(rows, outputs) batch by batch, in eval mode (no dropout). With `seconds`, starts no batch after that much
    time has passed (but always the first: a budget is overrun by one batch at most)."""
    batch_size = batch_size or batch_size_for(model, x)
    started, was_training = time.perf_counter(), model.training
    model.eval()
    try:
        for i in range(0, len(x), batch_size):
            if i and seconds is not None and time.perf_counter() - started >= seconds:
                return
            rows = slice(i, i + batch_size)
            yield rows, model(x[rows])[0]
    finally:
        model.train(was_training)


@torch.no_grad()
def predict(model: torch.nn.Module, x: torch.Tensor, batch_size: int | None = None) -> torch.Tensor:
    """Model outputs for every sequence in `x`, in eval mode (no dropout), in batches that fit in memory."""
    outs = [out for _, out in batches(model, x, batch_size=batch_size)]
    return torch.cat(outs) if outs else torch.empty(0)


def to_units(task: Task, values) -> np.ndarray:
    """Undo the scaling of regression outputs or targets, for display and metrics."""
    values = np.asarray(values, dtype=np.float64)
    return task.scaler.inverse(values) if task.scaler is not None else values


def train_values(task: Task) -> np.ndarray | None:
    """A forecasting task's training rows in original units (the MASE scale), else None."""
    if task.series is None:
        return None
    return task.series["value"].to_numpy()[: task.split_index[0]]


@torch.no_grad()
def evaluate(model: torch.nn.Module, task: Task, part: str = "val", seconds: float | None = None) -> dict:
    """Mean loss (the training objective) and the task's metrics, in display units, on one split.

    Scored batch by batch: only a regression's outputs (N, horizon) are kept; classes and tokens add up their
    loss and hits per batch, so a long split never holds every step's logits. With `seconds`, scoring stops
    once that time has passed and the result says how many sequences it covers (`scored`, when not all).
    """
    if task.kind == "translation":
        return evaluate_translation(model, task, part, seconds)
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    loss_sum, hits, targets, outs, scored = 0.0, 0.0, 0, [], 0
    for rows, out in batches(model, x, seconds):
        yb = y[rows]
        scored += len(yb)
        if task.kind == "regression":
            outs.append(out)
        else:
            loss_sum += float(task_loss(out, yb, task.kind)) * yb.numel()  # the batch's mean, weighted
            hits += float((out.argmax(-1) == yb).double().sum())
            targets += yb.numel()
    if scored == 0:
        return {"loss": float("nan")}
    partial = {"scored": scored} if scored < len(x) else {}
    if task.kind == "regression":
        out, yb = torch.cat(outs), y[:scored]
        loss = float(task_loss(out, yb, task.kind))
        return {"loss": loss, **forecast_metrics(to_units(task, yb), to_units(task, out),
                                                 train_values(task)), **partial}
    loss, accuracy = loss_sum / targets, hits / targets
    if task.kind == "classification":
        return {"loss": loss, "cross_entropy": loss, "accuracy": accuracy, **partial}
    return {"loss": loss, **token_metrics(loss, accuracy), **partial}


# Translation (seqlab.models.seq2seq): teacher-forced loss, and greedy exact match and character accuracy.
EVAL_BATCH = 512  # sources decoded at once


def target_ids(row) -> list[int]:
    """A row of target ids up to (not including) its first EOS, padding dropped."""
    out = []
    for i in row.tolist():
        if i == 2:
            break
        if i > 2:
            out.append(i)
    return out


def match_counts(predicted: torch.Tensor, truth: torch.Tensor) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per row: exact match (0/1), characters right in place, and characters compared (the longer of the two
    texts, so a missing or an extra character counts as wrong)."""
    exact, right, total = [], [], []
    for p_row, t_row in zip(predicted, truth, strict=True):
        p, t = target_ids(p_row), target_ids(t_row)
        exact.append(p == t)
        right.append(sum(a == b for a, b in zip(p, t, strict=False)))
        total.append(max(len(p), len(t), 1))
    return np.array(exact, dtype=float), np.array(right, dtype=float), np.array(total, dtype=float)


def scores_from_counts(exact: np.ndarray, right: np.ndarray, total: np.ndarray) -> dict:
    return {"exact_match": float(exact.mean()) if len(exact) else math.nan,
            "char_accuracy": float(right.sum() / total.sum()) if total.sum() else math.nan}


@torch.no_grad()
def evaluate_translation(model, task: Task, part: str = "val", seconds: float | None = None) -> dict:
    """Teacher-forced loss (nats per target character) and greedy exact match and character accuracy on a split;
    with `seconds`, stops starting batches after that long and says how many sequences it scored."""
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    started, was = time.perf_counter(), model.training
    model.eval()
    loss_sum, counted, counts, scored = 0.0, 0, [], 0
    try:
        for i in range(0, len(x), EVAL_BATCH):
            if i and seconds is not None and time.perf_counter() - started >= seconds:
                break
            xb, yb = x[i:i + EVAL_BATCH], y[i:i + EVAL_BATCH]
            n_targets = int((yb != 0).sum())
            loss_sum += float(model(xb, yb)[1]) * n_targets
            counted += n_targets
            counts.append(match_counts(model.greedy(xb)[1], yb))
            scored += len(xb)
    finally:
        model.train(was)
    if not scored:
        return {"loss": math.nan}
    loss = loss_sum / counted
    out = {"loss": loss, "cross_entropy": loss,
           **scores_from_counts(*(np.concatenate(parts) for parts in zip(*counts, strict=True)))}
    return out | ({"scored": scored} if scored < len(x) else {})
