"""A mini "Table 1" of Bai, Kolter & Koltun (2018): the same sequence tasks, every architecture, several seeds, on
this machine, with the paper's figures beside ours.

Bai et al. compare generic recurrent networks with a temporal convolutional network at about equal parameter
counts. Here each task trains RNN, LSTM, GRU, TCN and Transformer sized to the parameters of a GRU of the task's
`hidden` units (seqlab.models.recurrent.equal_budget), with a shared learning rate and no tuning per architecture,
and reports the test metric's mean and standard deviation over seeds. The 8x8 digits read pixel by pixel (64 steps)
stand in for sequential MNIST (784 steps); the text is the shipped corpus, not Penn Treebank. Where the paper's
ordering does not hold at this scale, `verdicts` says so.
"""

from __future__ import annotations

import dataclasses
import math
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass

from seqlab.analysis.evaluate import evaluate
from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig, levels_for, steps_needed
from seqlab.data import make_task
from seqlab.models.recurrent import LABELS, equal_budget
from seqlab.training.parallel import Parallel

PAPER_SOURCE = "Bai, Kolter & Koltun (2018), Table 1"


@dataclass(frozen=True)
class Row:
    """One task of the table: how to train it here, what to read, and what the paper measured."""

    name: str  # "adding problem"
    data: DataConfig
    metric: str  # key of seqlab.analysis.evaluate's scores
    metric_title: str  # "MSE", "loss", "accuracy %", "bits/char"
    higher_is_better: bool
    epochs: int
    hidden: int  # a GRU of this many units sets every architecture's parameter budget
    paper_setting: str  # "T=600"
    paper: dict  # arch -> the paper's figure (no Transformer in the paper)
    scale: float = 1.0  # shown value = metric x scale (accuracy in %)


def _rows(scale: bool) -> list[Row]:
    """The four tasks at the default (minutes on 2 cores) or `scale` (closer to the paper, for a bigger machine)."""
    adding_t, copy_t, text_len = (600, 1000, 200) if scale else (50, 20, 50)
    return [
        Row("adding problem", DataConfig(task="adding", length=adding_t, n_samples=20_000 if scale else 2000),
            "mse", "MSE", False, 30 if scale else 10, 77 if scale else 32, "T=600",
            {"lstm": 0.164, "gru": 5.3e-5, "rnn": 0.177, "tcn": 5.8e-5}),
        Row("copy memory", DataConfig(task="copy", length=copy_t, n_samples=20_000 if scale else 3000),
            "cross_entropy", "loss", False, 30 if scale else 10, 40 if scale else 32, "T=1000",
            {"lstm": 0.0204, "gru": 0.0197, "rnn": 0.0202, "tcn": 3.5e-5}),
        Row("digits pixel by pixel", DataConfig(task="digits", reading="pixels"),
            "accuracy", "accuracy %", True, 60 if scale else 10, 70 if scale else 32,
            "sequential MNIST (784 steps); here 8x8 digits (64 steps)",
            {"lstm": 87.2, "gru": 96.2, "rnn": 21.5, "tcn": 99.0}, scale=100.0),
        Row("next character", DataConfig(task="text", length=text_len, n_samples=5000 if scale else 1000),
            "bits_per_char", "bits/char", False, 20 if scale else 4, 256 if scale else 48,
            "Penn Treebank characters; here the shipped corpus",
            {"lstm": 1.36, "gru": 1.37, "rnn": 1.48, "tcn": 1.31}),
    ]


TRAIN = TrainConfig(batch_size=64, lr=1e-2, clip=1.0)  # the house's adding-problem setting, for every architecture


def row_runs(row: Row, archs, seeds, task) -> list[RunConfig]:
    """Every architecture and seed of a row, each sized to the row's parameter budget; a TCN with the levels
    that see the whole span the task needs (kernel 3)."""
    need = steps_needed(row.data)
    levels = levels_for(need[0], 3) if need else 4
    model = ModelConfig(hidden_size=row.hidden, forget_bias=1.0, levels=levels or 10, heads=2, dropout=0.0)
    sized = equal_budget([dataclasses.replace(model, arch="gru")] +
                         [dataclasses.replace(model, arch=a) for a in archs], task)[1:]
    train = dataclasses.replace(TRAIN, epochs=row.epochs)
    return [RunConfig(data=row.data, model=m, train=dataclasses.replace(train, seed=s)) for m in sized for s in seeds]


def quick_rows() -> list[Row]:
    """The table in about a minute on 2 cores (one seed): the live run of the Table 1 page and the orderings
    test. Shorter sequences and fewer of them; the same tasks, metrics and paper figures."""
    sizes = {"adding problem": dict(length=30, n_samples=3000), "copy memory": dict(length=10, n_samples=2000),
             "digits pixel by pixel": {}, "next character": dict(length=30, n_samples=600)}
    epochs = {"adding problem": 10, "copy memory": 8, "digits pixel by pixel": 6, "next character": 3}
    return [dataclasses.replace(row, data=dataclasses.replace(row.data, **sizes[row.name]), epochs=epochs[row.name],
                                hidden=min(row.hidden, 32)) for row in _rows(False)]


def run_table(archs=ARCHS, seeds=(0, 1, 2), scale: bool = False, rows: list[Row] | None = None,
              workers: int | None = None, progress: Callable[[str, int, int], None] | None = None) -> list[dict]:
    """Train every row's architectures and seeds; one result per (task, architecture) with the metric's mean, sd,
    n and the seeds' values, the parameter count and the paper's figure. `progress(what, done, total)` is called
    after every finished training."""
    rows = rows or _rows(scale)
    results, total, done = [], len(rows) * len(archs) * len(seeds), 0
    for row in rows:
        task = make_task(row.data)
        runs = row_runs(row, archs, seeds, task)
        started = time.perf_counter()
        session = Parallel(runs, task, workers=workers)
        for record in session:
            if record["status"] != "running":
                done += 1
                if progress:
                    progress(f"{row.name}: {record['run_name']}", done, total)
        seconds = time.perf_counter() - started
        for arch in archs:
            mine = [r for r in session.runs if r.run.model.arch == arch]
            values = [evaluate(r.model, task, "test")[row.metric] * row.scale for r in mine]
            results.append({
                "task": row.name, "metric": row.metric_title, "arch": arch, "label": LABELS[arch],
                "mean": statistics.fmean(values), "sd": statistics.stdev(values) if len(values) > 1 else math.nan,
                "n": len(values), "values": values, "params": mine[0].params,
                "paper": row.paper.get(arch), "paper_setting": row.paper_setting,
                "setting": _setting(row, task), "higher_is_better": row.higher_is_better,
                "seconds": seconds, "source": PAPER_SOURCE,
            })
    return results


def _setting(row: Row, task) -> str:
    steps = int(task.x_train.shape[1])
    return f"{steps} steps, {len(task.x_train)} training sequences, {row.epochs} epochs"


def _order(results: list[dict], key: str) -> list[str]:
    rows = [r for r in results if r[key] is not None and not (isinstance(r[key], float) and math.isnan(r[key]))]
    best_first = sorted(rows, key=lambda r: r[key], reverse=rows[0]["higher_is_better"]) if rows else []
    return [r["label"] for r in best_first]


def verdicts(results: list[dict]) -> list[str]:
    """Per task, the paper's ordering of its four architectures beside ours, and whether its best is ours."""
    said = []
    for task in dict.fromkeys(r["task"] for r in results):
        mine = [r for r in results if r["task"] == task]
        compared = [r for r in mine if r["paper"] is not None]
        paper, ours = _order(compared, "paper"), _order(compared, "mean")
        everyone = _order(mine, "mean")
        if not compared:
            continue
        holds = "holds" if paper[0] == ours[0] else "does not hold at this scale"
        said.append(f"{task}: the paper ranks {' > '.join(paper)}; here {' > '.join(ours)} — its best ({paper[0]}) "
                    f"{holds}. Best of all five here: {everyone[0]}.")
    return said


def _number(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    return f"{value:.2e}" if 0 < abs(value) < 1e-2 else f"{value:.3g}"


def table_frame(results: list[dict]):
    """The table as a DataFrame: task, metric, architecture, parameters, ours (mean ± sd, n), the paper's figure."""
    import pandas as pd

    return pd.DataFrame([{
        "task": r["task"], "metric": r["metric"], "architecture": r["label"], "params": r["params"],
        "ours": _number(r["mean"]) + ("" if math.isnan(r["sd"]) else f" ± {_number(r['sd'])}"), "seeds": r["n"],
        "paper": _number(r["paper"]), "paper setting": r["paper_setting"], "our setting": r["setting"],
    } for r in results])


__all__ = ["PAPER_SOURCE", "Row", "quick_rows", "row_runs", "run_table", "table_frame", "verdicts"]
