"""Forecasts judged over many origins: a rolling-origin backtest across the test years, and the error against the
horizon for the direct head, the recursive forecast and every baseline.

Every test window is one forecast origin: the model (trained once, on the training years) and every baseline
(fitted once, likewise) forecast the next H values from what was known there, as Darts' historical forecasts do
without retraining. The backtest cuts the origins into consecutive folds across the test years and scores each
fold on its own, so the spread between folds shows how much one split's score can be trusted.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from seqlab.analysis import evaluate
from seqlab.config import MAX_FOLDS
from seqlab.data.task import Task
from seqlab.data.windows import target_times

DEFAULT_FOLDS = 5
MAX_RECURSIVE_WINDOWS = 2_000  # origins the recursive forecast is run from (evenly spaced): H passes over each


def forecasts(runs, task: Task) -> dict[str, tuple[str, np.ndarray]]:
    """label -> (kind, (N, H) forecasts in the data's units) for every run's direct head and every baseline."""
    out = {r.label: ("model", evaluate.to_units(task, evaluate.predict(r.model, task.x_test))) for r in runs}
    out.update({name: ("baseline", p) for name, p in evaluate.baseline_forecasts(task, "test").items()})
    return out


def window_errors(runs, task: Task) -> pd.DataFrame:
    """One row per test origin: the time of its first target, then each label's squared error (mean over the
    horizon). Small (windows x labels), so a page can re-cut it into any number of folds without the models."""
    truth = evaluate.to_units(task, task.y_test)
    frame = pd.DataFrame({"time": target_times(task, "test")})
    kinds = {}
    for label, (kind, pred) in forecasts(runs, task).items():
        frame[label] = ((pred - truth) ** 2).mean(axis=1)
        kinds[label] = kind
    frame.attrs["kinds"] = kinds
    return frame


def folds(errors: pd.DataFrame, n_folds: int) -> pd.DataFrame:
    """Tidy (label, kind, fold, start, end, mse): each label's test MSE over each of `n_folds` consecutive blocks of
    origins. Raises ValueError when there are fewer origins than folds, or `n_folds` is out of range."""
    if not 2 <= n_folds <= MAX_FOLDS:
        raise ValueError(f"a backtest needs between 2 and {MAX_FOLDS} folds, got {n_folds}")
    if len(errors) < n_folds:
        raise ValueError(f"the test part has {len(errors)} forecast origins: too few for {n_folds} folds; "
                         "choose fewer folds or a larger test fraction")
    kinds = errors.attrs.get("kinds", {})
    rows = []
    for fold, idx in enumerate(np.array_split(np.arange(len(errors)), n_folds), start=1):
        block = errors.iloc[idx]
        for label in kinds:
            rows.append({"label": label, "kind": kinds[label], "fold": fold, "start": block["time"].iloc[0],
                         "end": block["time"].iloc[-1], "mse": float(block[label].mean())})
    return pd.DataFrame(rows)


def summary(per_fold: pd.DataFrame) -> pd.DataFrame:
    """One row per label: the folds, the mean, standard deviation, lowest and highest fold MSE, and in how many
    folds it beat persistence."""
    wide = per_fold.pivot(index="fold", columns="label", values="mse")
    kinds = per_fold.drop_duplicates("label").set_index("label")["kind"]
    rows = []
    for label in per_fold["label"].drop_duplicates():
        values = wide[label]
        beats = int((values < wide["persistence"]).sum()) if "persistence" in wide and label != "persistence" else None
        rows.append({"label": label, "kind": kinds[label], "folds": len(values), "mse mean": values.mean(),
                     "mse sd": values.std(ddof=1), "mse min": values.min(), "mse max": values.max(),
                     "beats persistence": f"{beats} of {len(values)}" if beats is not None else ""})
    return pd.DataFrame(rows)


@torch.no_grad()
def recursive_batch(model: torch.nn.Module, x: torch.Tensor, steps: int) -> torch.Tensor:
    """Each window's forecast `steps` ahead, feeding the model's first output back as its next input: (N, steps)."""
    out, window = [], x.clone()
    for _ in range(steps):
        nxt = evaluate.predict(model, window)[:, :1]  # (N, 1)
        out.append(nxt)
        window = torch.cat([window[:, 1:], nxt.unsqueeze(-1)], dim=1)
    return torch.cat(out, dim=1)


def horizon_errors(runs, task: Task) -> pd.DataFrame:
    """Tidy (label, method, horizon, mse): test MSE at each step ahead 1..H for every run's direct head (its H
    outputs at once) and its recursive forecast (its first output fed back), and for every baseline, all on the
    same origins (every test window, or MAX_RECURSIVE_WINDOWS of them evenly spaced)."""
    horizon = task.output_size
    pick = np.unique(np.linspace(0, len(task.x_test) - 1, min(len(task.x_test), MAX_RECURSIVE_WINDOWS)).astype(int))
    truth = evaluate.to_units(task, task.y_test)
    rows = []

    def add(label, method, pred, rows_used):
        errors = ((pred - truth[rows_used]) ** 2).mean(axis=0)
        rows.extend({"label": label, "method": method, "horizon": h + 1, "mse": float(e)} for h, e in
                    enumerate(errors))

    for label, (kind, pred) in forecasts(runs, task).items():  # every method on the same origins
        add(label, "direct" if kind == "model" else "baseline", pred[pick], pick)
    for r in runs:
        pred = evaluate.to_units(task, recursive_batch(r.model, task.x_test[pick], horizon))
        add(r.label, "recursive", pred, pick)
    return pd.DataFrame(rows)
