"""Training as an iterator of per-epoch records, for one architecture or several interleaved.

A record is a flat dict (see `record_fields`); a run's history is a list of them and
`pandas.DataFrame(history)` is its table. The trainer knows nothing of which architecture
it trains: it builds the model its config names and calls `model(x, y) -> (output, loss)`.
A consumer stops training by stopping iteration; the model and history stay on the run.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Iterator, Sequence

import torch

from seqlab.config import RunConfig
from seqlab.data.task import Task
from seqlab.models.recurrent import LABELS, build_model, param_count, seeded
from seqlab.training.callbacks import Callback
from seqlab.training.scoring import evaluate

# A validation loss this many times its starting value counts as diverged. Measured on sine, adding, copy, airline,
# digits and text (RNN, LSTM, GRU; 6 epochs): no run with lr <= 0.1 passed 3x, while Adam at lr 10 sends a
# regression loss 100-9000x up in its first epoch and then wanders there; 1e4 let those runs go on to the end.
EXPLOSION_FACTOR = 100
INIT_TRAIN_PROBE = 1024  # sequences scored for the training loss at initialisation
DIVERGED_HINT = "lower the learning rate or clip gradients (e.g. clip 1.0)"
DROPOUT_STREAM = 0x5EED  # added to the seed for the dropout generator, so its draws are not the shuffle's


class TrainingRun:
    """One architecture's training on one task; iterate it to train an epoch per record.

    The first record (epoch 0) scores the untrained model, so curves start at initialisation.
    Optional behaviour plugs in as `callbacks` (seqlab.training.callbacks): gradient recording, for one, is
    `seqlab.analysis.diagnostics.GradientRecording`, which adds its fields to every record of a run whose
    `TrainConfig.record_gradients` is on; the training is unchanged.
    """

    def __init__(self, run: RunConfig, task: Task, label: str | None = None, name: str | None = None,
                 callbacks: Sequence[Callback] = ()):
        self.run, self.task = run, task
        self.label = label or model_label(run.model)  # the architecture's label, shared by every seed of it
        self.seed = run.train.seed
        self.name = name or self.label  # unique in its comparison: "LSTM · seed 3" when there are several seeds
        self.key = run.key()
        with seeded(run.train.seed):  # leave the caller's random state alone
            self.model = build_model(run.model, task)
        # Every draw after initialisation comes from the run's own generators, never torch's global one: a run
        # gives the same numbers alone or beside others in parallel threads (seqlab.training.parallel).
        self.model.dropout_generator.manual_seed(run.train.seed + DROPOUT_STREAM)
        self.params = param_count(self.model)
        self.optimizer = _optimizer(self.model, run)
        self.shuffle = torch.Generator().manual_seed(run.train.seed)
        self.history: list[dict] = []
        self.epoch, self.elapsed = 0, 0.0
        self.status, self.reason = "running", ""
        self._interrupted = False  # set by another thread's Stop: the epoch in progress ends after its step
        self._initial_val: float | None = None
        self._scoring_seconds = 0.0  # the last validation pass and gradient recording, measured
        self.callbacks = tuple(callbacks)
        for callback in self.callbacks:
            callback.on_train_start(self)

    @property
    def finished(self) -> bool:
        return self.status != "running"

    def __iter__(self) -> Iterator[dict]:
        return self

    def __next__(self) -> dict:
        if self.finished:
            raise StopIteration
        started, before = time.perf_counter(), self.elapsed
        record = self._initial_record() if self.epoch == 0 else self._train_epoch()
        self.elapsed = before + time.perf_counter() - started  # training, scoring and recording alike
        record["elapsed"] = self.elapsed
        self.history.append(record)
        self.epoch += 1
        return record

    def seconds_left(self) -> float:
        """What is left of the wall-time budget, which covers training, scoring and recording alike."""
        return self.run.train.max_seconds - self.elapsed

    def _reserve(self) -> float:
        """Time kept back while training for what follows the epoch: its validation and gradient recording,
        and the final test scoring (about the validation's time per sequence, twice: metrics, predictions)."""
        n_val = max(len(self.task.x_val), 1)
        return self._scoring_seconds * (1 + 2 * len(self.task.x_test) / n_val)

    def interrupt(self) -> None:
        """End the epoch in progress after its current step (called from another thread, before `stop`): a
        Stop then waits for a step and a validation pass, not for a whole epoch."""
        self._interrupted = True

    def stop(self, reason: str = "stopped before the last epoch") -> None:
        """Mark an unfinished run as stopped; what it learned so far stays."""
        if not self.finished:
            self.status, self.reason = "stopped", reason
            if self.history:
                self.history[-1].update(status=self.status, reason=reason)

    def _initial_record(self) -> dict:
        probe = dataclasses.replace(self.task, x_train=self.task.x_train[:INIT_TRAIN_PROBE],
                                    y_train=self.task.y_train[:INIT_TRAIN_PROBE])
        started = time.perf_counter()
        train_loss = evaluate(self.model, probe, "train", seconds=self.seconds_left())["loss"]
        self.elapsed += time.perf_counter() - started
        return self._record(train_loss, [], 0, 0.0)

    def _train_epoch(self) -> dict:
        model, opt, cfg = self.model, self.optimizer, self.run.train
        x, y = self.task.x_train, self.task.y_train
        params = [p for p in model.parameters() if p.requires_grad]
        model.train()
        start = time.perf_counter()
        loss_sum, seen, norms, clipped = 0.0, 0, [], 0
        for idx in torch.randperm(len(x), generator=self.shuffle).split(cfg.batch_size):
            opt.zero_grad(set_to_none=True)
            _, loss = model(x[idx], y[idx])
            loss.backward()
            for callback in self.callbacks:
                callback.after_backward(self)  # before clipping changes the gradients
            if cfg.clip > 0:
                norm = torch.nn.utils.clip_grad_norm_(params, cfg.clip).item()  # the norm before clipping
                clipped += norm > cfg.clip
            else:
                norm = torch.nn.utils.get_total_norm([p.grad for p in params]).item()
            loss_value = loss.item()
            if not (math.isfinite(loss_value) and math.isfinite(norm)):
                what = "loss" if not math.isfinite(loss_value) else "gradient norm"
                self._end("diverged", f"the {what} became {loss_value if what == 'loss' else norm} "
                                      f"in epoch {self.epoch}; {DIVERGED_HINT}")
                break
            opt.step()
            loss_sum, seen = loss_sum + loss_value * len(idx), seen + len(idx)
            norms.append(norm)
            if self.elapsed + time.perf_counter() - start + self._reserve() > cfg.max_seconds:
                self._out_of_time()
                break
            if self._interrupted:
                break
        seconds = time.perf_counter() - start
        self.elapsed += seconds
        train_loss = loss_sum / seen if seen else float("nan")
        return self._record(train_loss, norms, clipped, seconds)

    def _out_of_time(self) -> None:
        self._end("out of time", f"the wall-time budget of {self.run.train.max_seconds:g} s (training and "
                                 f"scoring) ran out in epoch {self.epoch}")

    def _record(self, train_loss: float, norms: list[float], clipped: int, seconds: float) -> dict:
        started = time.perf_counter()
        scores = evaluate(self.model, self.task, "val", seconds=self.seconds_left())
        val_loss = scores.pop("loss")
        if scores.pop("scored", None) is not None and self.status == "running":
            self._out_of_time()  # scored on part of the validation set only: no time for another epoch
        record = {
            "run": self.key, "label": self.label, "seed": self.seed, "run_name": self.name,
            "arch": self.run.model.arch,
            "hidden_size": self.run.model.hidden_size, "params": self.params, "epoch": self.epoch,
            "train_loss": train_loss, "val_loss": val_loss, **{f"val_{k}": v for k, v in scores.items()},
            "grad_norm": sum(norms) / len(norms) if norms else float("nan"),
            "grad_norm_max": max(norms) if norms else float("nan"),
            "clip_rate": clipped / len(norms) if norms else 0.0,
            "lr": self.optimizer.param_groups[0]["lr"], "steps": len(norms),
            "seconds": seconds, "elapsed": self.elapsed, "status": self.status, "reason": self.reason,
        }
        for callback in self.callbacks:
            callback.on_epoch_end(self, record)  # the callbacks' fields follow the trainer's
        self._scoring_seconds = time.perf_counter() - started
        self._check_divergence(val_loss)
        if self.status == "running" and self.epoch == self.run.train.epochs:
            self._end("done", "")
        record.update(status=self.status, reason=self.reason)
        return record

    def _check_divergence(self, val_loss: float) -> None:
        if self._initial_val is None:
            self._initial_val = val_loss
        if self.status != "running":
            return
        if not math.isfinite(val_loss):
            self._end("diverged", f"the validation loss became {val_loss} in epoch {self.epoch}; {DIVERGED_HINT}")
        elif val_loss > EXPLOSION_FACTOR * max(self._initial_val, 1e-8):
            self._end("diverged", f"the validation loss exploded to {val_loss:.3g} in epoch {self.epoch} "
                                  f"(it started at {self._initial_val:.3g}); {DIVERGED_HINT}")

    def _end(self, status: str, reason: str) -> None:
        self.status, self.reason = status, reason


def _optimizer(model: torch.nn.Module, run: RunConfig) -> torch.optim.Optimizer:
    if run.train.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=run.train.lr)
    return torch.optim.Adam(model.parameters(), lr=run.train.lr)


def train(run: RunConfig, task: Task, label: str | None = None, callbacks: Sequence[Callback] = ()) -> TrainingRun:
    """Train one architecture: `for record in train(run, task): ...`."""
    return TrainingRun(run, task, label, callbacks=callbacks)


def run_labels(runs: Sequence[RunConfig]) -> list[str]:
    """"LSTM", or "LSTM h=64" when one architecture appears more than once with the same seed.

    Seeds never enter a label: every seed of an architecture shares it, so views can group runs by label and
    draw the mean and spread across seeds; `run_names` tells the seeds apart.
    """
    labels = []
    for r in runs:
        label = model_label(r.model)
        if sum(model_label(o.model) == label and o.train.seed == r.train.seed for o in runs) > 1:
            label += f" h={r.model.hidden_size}" + (f" #{len(labels) + 1}" if runs.count(r) > 1 else "")
        labels.append(label)
    return labels


def model_label(model) -> str:
    """"GRU", or "GRU + attention" for a translation model that attends."""
    return LABELS[model.arch] + (" + attention" if getattr(model, "attention", False) else "")


def run_names(runs: Sequence[RunConfig]) -> list[str]:
    """Each run's unique name in its comparison: its label, plus " · seed N" when the comparison has several
    seeds ("LSTM · seed 3"). Progress bars, files and tables that need one row per run key on it."""
    several = len({r.train.seed for r in runs}) > 1
    return [f"{label} · seed {r.train.seed}" if several else label
            for r, label in zip(runs, run_labels(runs), strict=True)]


def training_runs(runs: Sequence[RunConfig], task: Task, callbacks: Sequence[Callback] = ()) -> list[TrainingRun]:
    """A TrainingRun per config, labelled and named for its comparison (see `run_labels`, `run_names`), each with
    the same `callbacks`."""
    if not runs:
        raise ValueError("choose at least one architecture to train")
    return [TrainingRun(r, task, label, name, callbacks)
            for r, label, name in zip(runs, run_labels(runs), run_names(runs), strict=True)]


class Interleaved:
    """Several runs on the same task, trained an epoch each in turn so their curves grow together."""

    def __init__(self, runs: Sequence[RunConfig], task: Task, callbacks: Sequence[Callback] = ()):
        self.runs = training_runs(runs, task, callbacks)

    @property
    def history(self) -> list[dict]:
        return [rec for r in self.runs for rec in r.history]

    @property
    def finished(self) -> bool:
        return all(r.finished for r in self.runs)

    def __iter__(self) -> Iterator[dict]:
        while not self.finished:
            for r in self.runs:
                if not r.finished:
                    yield next(r)

    def interrupt(self) -> None:
        """End the epoch in progress after its current step (called from another thread, before `stop`): a
        Stop then waits for a step and a validation pass, not for a whole epoch."""
        self._interrupted = True

    def stop(self, reason: str = "stopped before the last epoch") -> None:
        for r in self.runs:
            r.stop(reason)


def train_interleaved(runs: Sequence[RunConfig], task: Task, callbacks: Sequence[Callback] = ()) -> Interleaved:
    """Train several architectures on the same data and seed, epoch by epoch in turn."""
    return Interleaved(runs, task, callbacks)
