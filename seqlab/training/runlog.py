"""A session's finished runs, kept for comparing later: config, history, final results and weights of each.

A `SavedRun` holds the same per-epoch records training yields and the run's row of the results table, so
every view (overlaid curves, a sortable table, a hyperparameter chart, exports) reads one thing. Results JSON
files (`seqlab.export`) come back in as saved runs without weights; nothing a user uploads is unpickled.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from seqlab.command import command_for
from seqlab.config import RunConfig
from seqlab.export import results_dict, results_document, run_histories, state_dict_bytes

MAX_RUNS = 30  # kept per session unless the server says otherwise (seqlab.app.limits)
# Bytes of weights kept per session unless the server says otherwise (seqlab.app.limits). Counting runs alone let ten
# quick 4-layer, hidden-512 comparisons keep 562 MB in one session of a server that has ~2.7 GB for everyone. 64 MB
# holds the newest comparison of RNN, LSTM and GRU at the largest size the config allows (4 layers of 512: 7 + 28 +
# 21 MB) and dozens of the default size (hidden 64: well under 1 MB each).
MAX_WEIGHT_BYTES = 64 * 2**20

# Settings a person may plot against the final validation loss: column -> (shown name, log scale)
HYPERPARAMETERS = {
    "hidden_size": ("hidden units", True), "num_layers": ("layers", False), "lr": ("learning rate", True),
    "batch_size": ("batch size", True), "epochs_trained": ("epochs trained", False), "dropout": ("dropout", False),
    "clip": ("gradient clip", False), "length": ("sequence length", True), "params": ("parameters", True),
    "seed": ("seed", False),
}


@dataclass(frozen=True)
class SavedRun:
    """One architecture's finished (or stopped) training, as every view of the Runs page reads it."""

    id: int
    source: str  # where it came from: "Lab", "Demo: …", "imported from results.json"
    label: str  # the architecture's label, "LSTM"
    config: RunConfig
    status: str  # done, stopped, diverged, out of time
    reason: str
    history: tuple[dict, ...]  # the per-epoch records training yielded
    result: dict  # the run's row of the results table: params, losses, test metrics, beats_baseline
    task: dict  # the results JSON's "task" section: name, title, kind, sizes, notes, warnings, source
    baselines: tuple[dict, ...] = ()  # the baselines' rows of the results table
    headline: str = ""  # the headline metric's column, "mse" or "accuracy"
    baseline: str = ""  # the reference baseline's label
    weights: bytes | None = field(default=None, repr=False)  # a torch.save'd state dict; None when imported
    weights_dropped: bool = False  # its weights were let go to keep the session under its byte limit
    saved_at: str = ""

    @property
    def name(self) -> str:
        """Where it was trained and with what ("#3 LSTM · seed 0 · Gradient flow · Adding problem (T=50) · hidden 64,
        lr 0.01, 20 epochs, batch 64"), so two pages' runs of one task read apart."""
        return (f"#{self.id} {self.label} · seed {self.config.train.seed} · {self.source} · "
                f"{self.task.get('title', '?')} · {settings_text(self.config)}")

    @property
    def short_name(self) -> str:
        return f"#{self.id} {self.label}"

    @property
    def epochs_trained(self) -> int:
        return max((int(r.get("epoch", 0)) for r in self.history), default=0)

    def final(self, key: str) -> float:
        value = self.history[-1].get(key) if self.history else None
        return float(value) if isinstance(value, (int, float)) and value is not None else math.nan

    def reproducible(self) -> RunConfig:
        """The config that trains this run again to the same numbers: a run stopped by a person trained fewer
        epochs than its config says. (One out of time stopped inside an epoch; see `reproduce`.)"""
        if self.status != "stopped" or self.epochs_trained in (0, self.config.train.epochs):
            return self.config
        return self.config.replace(train=dataclasses.replace(self.config.train, epochs=self.epochs_trained))


def settings_text(config: RunConfig) -> str:
    """The settings a person tells runs apart by, short: "hidden 64 × 2 layers, lr 0.01, 20 epochs, batch 64"."""
    model, train = config.model, config.train
    layers = f" × {model.num_layers} layers" if model.num_layers > 1 else ""
    return f"hidden {model.hidden_size}{layers}, lr {train.lr:g}, {train.epochs} epochs, batch {train.batch_size}"


class RunLog:
    """The session's saved runs, newest last: at most `limit` of them (the oldest go first, and are counted) and at
    most `max_weight_bytes` of weights (the oldest runs' weights go first; their histories and results stay)."""

    def __init__(self, limit: int = MAX_RUNS, max_weight_bytes: int = MAX_WEIGHT_BYTES):
        self.limit, self.max_weight_bytes, self.runs, self._next = limit, max_weight_bytes, [], 1
        self.dropped = 0  # runs let go, oldest first
        self.weights_dropped = 0  # runs whose weights were let go

    @property
    def weight_bytes(self) -> int:
        return sum(len(r.weights) for r in self.runs if r.weights is not None)

    def add(self, saved: Iterable[SavedRun]) -> list[SavedRun]:
        """Add runs, each numbered anew in order; drop the oldest runs beyond the limit, then the oldest weights
        beyond the byte limit. Returns the added runs the log kept, as it keeps them."""
        added = []
        for run in saved:
            added.append(dataclasses.replace(run, id=self._next))
            self._next += 1
        self.runs.extend(added)
        excess = max(len(self.runs) - self.limit, 0)
        del self.runs[:excess]
        self.dropped += excess
        self._drop_oldest_weights()
        return [r for r in self.runs if r.id >= added[0].id] if added else []

    def _drop_oldest_weights(self) -> None:
        total = self.weight_bytes
        for i, run in enumerate(self.runs):
            if total <= self.max_weight_bytes:
                break
            if run.weights is not None:
                total -= len(run.weights)
                self.runs[i] = dataclasses.replace(run, weights=None, weights_dropped=True)
                self.weights_dropped += 1


def _now() -> str:
    return dt.datetime.now().strftime("%H:%M:%S")


def from_training(runs, task, table: pd.DataFrame, source: str) -> list[SavedRun]:
    """The trained runs of a comparison as saved runs (numbered by `RunLog.add`), their weights copied now."""
    runs = [r for r in runs if r.history]
    payload = results_dict(runs, task, table)
    weights = [state_dict_bytes(r.model) for r in runs]
    return _saved_runs(payload, source, weights)


def from_results(payload: dict, source: str) -> list[SavedRun]:
    """Every run of a results JSON (already checked by `seqlab.export.read_results_json`), without weights."""
    return _saved_runs(payload, source, [None] * len(payload["runs"]))


def _saved_runs(payload: dict, source: str, weights: list[bytes | None]) -> list[SavedRun]:
    """One saved run per entry of `payload["runs"]`, each with only its own history and its own results row (the
    file's model rows are in the order of its runs), the baselines' rows shared by all."""
    rows = payload["results"]
    models: dict[str, list[dict]] = {}
    for row in rows:
        if row.get("kind") == "model":
            models.setdefault(row.get("label"), []).append(row)
    baselines = tuple(r for r in rows if r.get("kind") == "baseline")
    now = _now()
    saved = []
    for entry, history, blob in zip(payload["runs"], run_histories(payload), weights, strict=True):
        label = entry["label"]
        mine = models.get(label, [])
        saved.append(SavedRun(
            id=0, source=source, label=label, config=RunConfig.from_dict(entry["config"]), status=entry["status"],
            reason=entry.get("reason", ""), history=tuple(history), result=mine.pop(0) if mine else {},
            task=payload["task"], baselines=baselines, headline=payload.get("headline_metric") or "",
            baseline=payload.get("baseline") or "", weights=blob, saved_at=now))
    return saved


def results_payload(saved: Sequence[SavedRun]) -> dict:
    """The results JSON of some saved runs, in the format `seqlab.export.results_json` writes and imports read.

    Each epoch names its run by label and key, as training writes it; two runs with the same label and settings
    (the same comparison trained twice) are told apart by their number ("GRU #4"), so each reads back its own."""
    first = saved[0]
    twice = {ident for ident, n in Counter((s.label, s.config.key()) for s in saved).items() if n > 1}
    runs, results, history = [], [], []
    for s in saved:
        key = s.config.key()
        label = f"{s.label} #{s.id}" if (s.label, key) in twice else s.label
        runs.append({"label": label, "key": key, "status": s.status, "reason": s.reason, "config": s.config.to_dict()})
        results.append({**s.result, "label": label} if s.result else {})
        history += [{**rec, "label": label, "run": key} for rec in s.history]
    return results_document(task=first.task, baseline=first.baseline, headline=first.headline, runs=runs,
                            results=[r for r in results if r] + list(first.baselines), history=history)


def history_frame(saved: Sequence[SavedRun]) -> pd.DataFrame:
    """The per-epoch records of some saved runs in one table; `run` names each one."""
    frames = [pd.DataFrame(list(s.history)).assign(run=s.name) for s in saved if s.history]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def smooth(values: Sequence[float], weight: float) -> list[float]:
    """TensorBoard's smoothing: an exponential moving average, debiased so the first points are not pulled
    towards zero. `weight` 0 leaves the curve alone; 0.99 nearly flattens it. NaNs are carried, not spread."""
    out, last, n = [], 0.0, 0
    for v in values:
        if v is None or not math.isfinite(v):
            out.append(math.nan)
            continue
        last, n = last * weight + (1 - weight) * v, n + 1
        out.append(last / (1 - weight**n) if weight > 0 else v)
    return out


def overlay_frame(saved: Sequence[SavedRun], metric: str = "val_loss", weight: float = 0.6) -> pd.DataFrame:
    """Tidy (run, arch, task, epoch, value, smoothed) of one loss for each saved run, for overlaid curves."""
    rows = []
    for s in saved:
        epochs = [r.get("epoch") for r in s.history]
        values = [r.get(metric) for r in s.history]
        values = [float(v) if isinstance(v, (int, float)) else math.nan for v in values]
        for e, v, sm in zip(epochs, values, smooth(values, weight), strict=True):
            rows.append({"run": s.short_name, "arch": s.label, "task": s.task.get("title", ""), "epoch": e,
                         "value": v, "smoothed": sm})
    return pd.DataFrame(rows, columns=["run", "arch", "task", "epoch", "value", "smoothed"])


def summary_table(saved: Sequence[SavedRun]) -> pd.DataFrame:
    """One row per saved run: where it came from, its settings, final losses, headline metric and a thumbnail
    (the validation loss per epoch, for a sparkline)."""
    rows = []
    for s in saved:
        c = s.config
        headline = s.result.get(s.headline) if s.headline else None
        rows.append({
            "id": s.id, "run": s.name, "source": s.source,
            "task": s.task.get("title", ""), "arch": s.label,
            "status": s.status, "epochs_trained": s.epochs_trained, "train_loss": s.final("train_loss"),
            "val_loss": s.final("val_loss"), "headline": s.headline, "headline_value": _number(headline),
            "level": s.result.get("level"),
            "beats_baseline": s.result.get("beats_baseline"), "params": s.result.get("params"),
            "hidden_size": c.model.hidden_size, "num_layers": c.model.num_layers, "dropout": c.model.dropout,
            "lr": c.train.lr, "batch_size": c.train.batch_size, "clip": c.train.clip, "optimizer": c.train.optimizer,
            "seed": c.train.seed, "length": c.data.length,
            "curve": [v if math.isfinite(v) else None for v in (_number(r.get("val_loss")) for r in s.history)],
            "saved_at": s.saved_at,
        })
    return pd.DataFrame(rows)


def _number(value) -> float:
    return float(value) if isinstance(value, (int, float, np.number)) and not isinstance(value, bool) else math.nan


def _constructor(part) -> str:
    """`DataConfig(task='adding', length=10)`: the part's class with the fields that differ from its defaults."""
    fields = [f for f in dataclasses.fields(part) if getattr(part, f.name) != f.default]
    return f"{type(part).__name__}({', '.join(f'{f.name}={getattr(part, f.name)!r}' for f in fields)})"


def python_snippet(run: RunConfig, upload: str = "YOUR-FILE") -> str:
    """A few lines of Python that train `run` again and print its final losses."""
    needs_file = run.data.task in ("csv", "sentiment") or (run.data.task == "text" and run.data.corpus == "upload")
    data = f"make_task(run.data, open({upload!r}, 'rb').read())" if needs_file else "make_task(run.data)"
    record = run.train.record_gradients  # the recording is a callback the snippet passes, as the app does
    return (
        "import torch\n\n"
        + ("from seqlab.analysis.diagnostics import GradientRecording\n" if record else "")
        + "from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig\n"
        "from seqlab.data import make_task\n"
        "from seqlab.training.loop import TrainingRun\n\n"
        "torch.set_num_threads(1)  # as the app trains: the same numbers, to the last digit\n"
        f"run = RunConfig(data={_constructor(run.data)},\n"
        f"                model={_constructor(run.model)},\n"
        f"                train={_constructor(run.train)})\n"
        f"task = {data}\n"
        f"history = list(TrainingRun(run, task{', callbacks=[GradientRecording()]' if record else ''}))"
        "  # one record per epoch, from epoch 0 (untrained)\n"
        "print(history[-1]['train_loss'], history[-1]['val_loss'])\n"
    )


@dataclass(frozen=True)
class Reproduction:
    command: str  # python -m seqlab compare ...
    python: str  # the same run in a few lines of Python
    note: str  # what the person must know ("" when the numbers will match exactly)


def reproduce(saved: SavedRun, upload: str = "YOUR-FILE") -> Reproduction:
    """The command and the Python that train a saved run again to the same numbers, and any caveat."""
    run, task, note = saved.reproducible(), saved.config.data.task, ""
    if saved.status == "out of time":
        note = (f"This run ran out of time inside epoch {saved.epochs_trained}: the command trains it for "
                f"{run.train.max_seconds:g} s again, so its last epoch may end at another step.")
    elif task == "stock":
        note = "Yahoo Finance may have revised its prices since, and offline the shipped MSFT prices are used."
    elif task in ("csv", "sentiment") or (task == "text" and run.data.corpus == "upload"):
        note = f"Put the file you uploaded where the command says {upload}."
    if saved.weights is None and saved.source.startswith("imported"):
        note = (note + " " if note else "") + "Imported runs carry no weights: this retrains from scratch."
    return Reproduction(command_for(run, upload) + " --history-csv history.csv", python_snippet(run, upload), note)


SAME_SETTING = ["source", "task", "arch", "headline", "hidden_size", "num_layers", "dropout", "lr", "batch_size",
                "clip", "optimizer", "length"]  # what runs share to count as seeds of one setting


def seeds_table(summary: pd.DataFrame) -> pd.DataFrame:
    """Runs of `summary_table` that differ only in their seed, one row per setting: n seeds, the mean and sd of
    the test metric and the final validation loss, and how many seeds solved the task. Empty when no setting has
    two seeds."""
    keys = [k for k in SAME_SETTING if k in summary]
    grouped = summary.groupby(keys, sort=False, dropna=False)
    rows = []
    for setting, runs in grouped:
        if runs["seed"].nunique() < 2:
            continue
        values = pd.to_numeric(runs["headline_value"], errors="coerce")
        losses = pd.to_numeric(runs["val_loss"], errors="coerce")
        rows.append({**dict(zip(keys, setting, strict=True)), "seeds": len(runs),
                     "test metric": values.mean(), "± sd": values.std(), "validation loss": losses.mean(),
                     "solved": f"{int((runs['level'] == 'solved').sum())} of {len(runs)}"})
    return pd.DataFrame(rows)
