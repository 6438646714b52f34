"""Running a grid: skip what is finished, train the rest on an engine, write each run as it ends, summarise.

The summary has one row per grid point over its seeds: mean ± sd of the test headline metric and of the final
validation loss, and in how many seeds the run was solved (`seqlab.analysis.criteria`'s levels), with failures.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

import pandas as pd

from seqlab.analysis import criteria
from seqlab.config import RunConfig
from seqlab.sweep.grid import Grid
from seqlab.sweep.results import FAILED, SweepFiles

if TYPE_CHECKING:
    from seqlab.sweep.scoring import Tasks


@dataclass
class SweepReport:
    total: int  # runs in the grid
    skipped: int  # finished before this sweep started
    trained: int = 0  # ended now (failed ones included)
    failed: list[dict] = field(default_factory=list)  # results rows of the runs that failed now
    interrupted: bool = False


def setting(run: RunConfig, name: str):
    """A run's value of "section.field"."""
    section, attr = name.split(".")
    return getattr(getattr(run, section), attr)


def run_sweep(grid: Grid, folder: Path, ray: str | None = None, workers: int | None = None, cpus: int | None = None,
              faults: dict[str, dict] | None = None, progress: bool = True, stream: TextIO = sys.stderr,
              tasks: Tasks | None = None) -> SweepReport:
    """Train every run of `grid` that `folder` does not hold finished, locally (`ray` None) or on Ray ("local",
    "auto", an address), writing each as it ends. Ctrl-C stops it with every ended run written. `tasks`: the
    local engine's data sets, built already (`seqlab.sweep.command.preflight`)."""
    files = SweepFiles(folder)
    done = files.finished_keys()
    todo = [run for run in grid.runs if run.key() not in done]
    report = SweepReport(total=len(grid.runs), skipped=len(grid.runs) - len(todo))
    by_key = {run.key(): run for run in todo}
    bar = _progress_bar(len(todo), progress, stream)
    outcomes = _outcomes(todo, ray, workers, cpus, faults, tasks)
    try:
        for history, result in outcomes:
            run = by_key[result["key"]]
            row = {"key": result["key"], **{name: setting(run, name) for name in grid.swept}, **result}
            files.add(history, row)
            report.trained += 1
            if row["status"] == FAILED:
                report.failed.append(row)
            if bar is not None:
                bar.update(1)
                if report.failed:
                    bar.set_postfix(failed=len(report.failed))
    except KeyboardInterrupt:
        report.interrupted = True
    finally:
        outcomes.close()  # the engine stops at once: workers end their step, Ray's pending tasks are cancelled
        if bar is not None:
            bar.close()
    return report


def _outcomes(runs, ray, workers, cpus, faults, tasks) -> Generator[tuple[list[dict], dict]]:
    if ray is None:
        from seqlab.sweep.local import local_outcomes
        return local_outcomes(runs, workers, faults, tasks)
    from seqlab.sweep.ray_engine import ray_outcomes
    return ray_outcomes(runs, ray, cpus, faults)


def _progress_bar(total: int, shown: bool, stream: TextIO):
    if not shown or not total:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="run", desc="sweep", file=stream, dynamic_ncols=True)


def grid_results(grid: Grid, folder: Path) -> pd.DataFrame:
    """The results rows of the grid's runs (a folder may hold runs of earlier grids too)."""
    results = SweepFiles(folder).results
    if not len(results):
        return results
    return results[results["key"].astype(str).isin({run.key() for run in grid.runs})].reset_index(drop=True)


def point_of(run: RunConfig) -> str:
    """A grid point's key: the run's key with its seed left out, shared by every seed of the point."""
    return run.replace(train=dataclasses.replace(run.train, seed=0)).key()


def summary(grid: Grid, results: pd.DataFrame) -> pd.DataFrame:
    """One row per grid point over its seeds: its swept settings, runs finished of the seeds, test headline
    metric and final validation loss as mean ± sd, solved in k of n, and failures."""
    rows = {}
    by_key = {str(k): r for k, r in zip(results.get("key", []), results.to_dict("records"), strict=True)}
    shown = list(dict.fromkeys(["data.task", "model.arch", *(n for n in grid.swept if n != "train.seed")]))
    for run in grid.runs:
        point = rows.setdefault(point_of(run), {"settings": {n: setting(run, n) for n in shown},
                                                "rows": [], "seeds": 0})
        point["seeds"] += 1
        if run.key() in by_key:
            point["rows"].append(by_key[run.key()])
    return pd.DataFrame([_point_row(p) for p in rows.values()])


def _point_row(point: dict) -> dict:
    ended = [r for r in point["rows"] if r["status"] != FAILED]
    levels = [r.get("level") if isinstance(r.get("level"), str) else criteria.NO_BETTER for r in ended]
    headline = next((r["headline"] for r in ended if isinstance(r.get("headline"), str)), None)
    n = len(ended)
    row = {name.split(".")[1]: value for name, value in point["settings"].items()}
    row.update({"runs": f"{n} of {point['seeds']}", "solved": f"{criteria.count_levels(levels)[criteria.SOLVED]} "
                f"of {n}" if n else "-"})
    row["test"] = f"{headline.removeprefix('test_')} {_mean_sd([r.get(headline) for r in ended])}" if headline \
        else "-"
    row["val_loss"] = _mean_sd([r.get("val_loss") for r in ended])
    row["failed"] = len(point["rows"]) - n
    return row


def _mean_sd(values) -> str:
    s = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").dropna()
    if s.empty:
        return "-"
    return f"{s.mean():.4g} ± {s.std(ddof=1):.2g}" if len(s) > 1 else f"{s.mean():.4g}"


def report_text(report: SweepReport, table: pd.DataFrame, folder: Path) -> str:
    """What the command prints after the progress bar: the summary and what failed."""
    lines = []
    if len(table):
        with pd.option_context("display.width", 200, "display.max_columns", 30, "display.max_colwidth", 40):
            lines.append(table.to_string(index=False))
    lines.append(f"{report.total} runs in the grid: {report.skipped} finished before, {report.trained} ended now; "
                 f"written to {folder / 'results.csv'} and {folder / 'history.csv'}.")
    for row in report.failed:
        config = json.loads(row["config"])
        lines.append(f"failed: {config['model']['arch']} seed {config['train']['seed']} (key {row['key']}): "
                     f"{row['reason']}")
    if report.failed:
        lines.append(f"{len(report.failed)} run(s) failed; run the same command again to try them once more.")
    if report.interrupted:
        lines.append("Stopped with Ctrl-C: every run that ended is written; run the same command again to train "
                     "the rest.")
    return "\n".join(lines)
