"""One run of a sweep, wherever it trains: its task (built once per data setting), its training, its results row.

Both engines train a run with `seqlab.training.loop.TrainingRun`, which owns its generators, and score it with the
same functions as `seqlab.analysis.evaluate.results_table` (its level from `seqlab.analysis.criteria`), so a run
gives the same numbers, digit for digit, in a thread of this process or on a Ray worker.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from seqlab.analysis import criteria
from seqlab.analysis.diagnostics import GradientRecording
from seqlab.analysis.evaluate import (
    baseline_scores,
    criterion_kind,
    evaluate,
    headline_metric,
    reference_baseline,
    strongest_baseline,
)
from seqlab.config import DataConfig, RunConfig
from seqlab.data import make_task
from seqlab.data.task import Task
from seqlab.sweep.results import FAILED
from seqlab.training.loop import TrainingRun

ATTEMPTS = 2  # a run that raises (or whose worker dies) is tried once more, then recorded as failed


@dataclass(frozen=True)
class Bars:
    """What a task's runs are judged against: the headline metric, the reference and the strongest baseline."""
    kind: str
    headline: str
    reference: str
    reference_value: float
    strongest: str
    strongest_value: float

    @classmethod
    def of(cls, task: Task) -> Bars:
        scores = baseline_scores(task)
        key, ref, best = headline_metric(task), reference_baseline(task, scores), strongest_baseline(task, scores)
        return cls(criterion_kind(task), key, ref, scores[ref][key], best, scores[best][key])


class Tasks:
    """Tasks and their bars, built once per data setting (under a lock: workers may ask at once) and let go once
    the last run that needs one has ended (`release`)."""

    def __init__(self, runs: list[RunConfig] = ()):
        self._lock = threading.Lock()
        self._built: dict[DataConfig, tuple[Task, Bars]] = {}
        self._left: dict[DataConfig, int] = {}
        for run in runs:
            self._left[run.data] = self._left.get(run.data, 0) + 1

    def get(self, data: DataConfig) -> tuple[Task, Bars]:
        with self._lock:
            if data not in self._built:
                task = make_task(data)
                self._built[data] = task, Bars.of(task)
            return self._built[data]

    def release(self, data: DataConfig) -> None:
        with self._lock:
            self._left[data] = self._left.get(data, 1) - 1
            if self._left[data] <= 0:
                self._built.pop(data, None)


def result_row(run: RunConfig, trained: TrainingRun, task: Task, bars: Bars) -> dict:
    """An ended run's results row: its settings' key, size, final losses, test metrics and level."""
    test = evaluate(trained.model, task, "test", seconds=trained.seconds_left())
    test.pop("loss")
    scored = test.pop("scored", None)
    level = criteria.level(bars.kind, test.get(bars.headline, math.nan), bars.reference_value, bars.strongest_value)
    last = trained.history[-1] if trained.history else {}
    epochs = [h for h in trained.history if h["epoch"] > 0]
    return {
        "key": run.key(), "status": trained.status, "reason": trained.reason,
        "task": run.data.task, "arch": run.model.arch, "seed": run.train.seed, "label": trained.label,
        "params": trained.params, "epochs": len(epochs),
        "sec_per_epoch": sum(h["seconds"] for h in epochs) / len(epochs) if epochs else math.nan,
        "seconds": trained.elapsed, "train_loss": last.get("train_loss", math.nan),
        "val_loss": last.get("val_loss", math.nan), **{f"test_{k}": v for k, v in test.items()},
        **({"test_scored": scored} if scored is not None else {}),
        "headline": f"test_{bars.headline}", "level": level, "criterion": bars.kind,
        "baseline": bars.reference, "baseline_value": bars.reference_value,
        "strongest": bars.strongest, "strongest_value": bars.strongest_value, "config": run.to_json(),
    }


def failed_row(run: RunConfig, reason: str) -> dict:
    return {"key": run.key(), "status": FAILED, "reason": reason, "task": run.data.task, "arch": run.model.arch,
            "seed": run.train.seed, "config": run.to_json()}


def history_rows(trained: TrainingRun) -> list[dict]:
    """The run's per-epoch records, each keyed by the run's config key."""
    return [{"key": rec["run"], **{k: v for k, v in rec.items() if k != "run"}} for rec in trained.history]


def error_text(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"[:300]


def inject(fault: dict | None) -> None:
    """For fault-tolerance tests: make this attempt of a run fail as `fault` says. {"mode": "raise"} raises on every
    attempt; {"mode": "exit"} ends the process as a killed worker would; with {"once": PATH}, only while PATH does
    not exist yet (it is created first), so the retry succeeds."""
    if not fault:
        return
    once = fault.get("once")
    if once is not None:
        marker = Path(once)
        if marker.exists():
            return
        marker.touch()
    if fault.get("mode") == "exit":
        os._exit(17)
    raise RuntimeError(fault.get("message", "a fault injected for a test"))


def train_and_score(run: RunConfig, tasks: Tasks, fault: dict | None = None) -> tuple[list[dict], dict]:
    """Train one run to its end in this thread and score it: (history rows, results row). Raises what it raises."""
    inject(fault)
    task, bars = tasks.get(run.data)
    trained = TrainingRun(run, task, callbacks=(GradientRecording(),))
    for _ in trained:
        pass
    return history_rows(trained), result_row(run, trained, task, bars)
