"""`python -m seqlab sweep GRID.toml`: its options and what it prints."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seqlab.sweep.grid import MAX_POINTS

EXAMPLE = """example grid (grid.toml):
  seeds = 3
  [[data]]
  task = "adding"
  length = [20, 40]
  [model]
  arch = ["rnn", "lstm", "gru"]
  [train]
  epochs = 5

Results go to GRID's folder, GRID-NAME.sweep/ (--out): history.csv, one row per run and epoch, and
results.csv, one row per run. Running the same command again trains only what is not finished."""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.description = ("Train every point of a grid (tasks, architectures, seeds, any setting with a list of values), "
                     "locally in parallel or on a Ray cluster, resumably.")
    p.epilog = EXAMPLE
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("grid", type=Path, help="a TOML file naming the grid")
    p.add_argument("--out", type=Path, default=None, help="folder of the results (default: GRID-NAME.sweep next "
                                                          "to the grid)")
    p.add_argument("--ray", default=None, metavar="local|auto|ADDRESS",
                   help="train on Ray: 'local' starts a Ray instance here, 'auto' or HOST:PORT joins a running "
                        "cluster (needs the ray extra: pip install -e '.[ray]')")
    p.add_argument("--ray-cpus", type=int, default=None, help="with --ray local: CPUs of the local instance")
    p.add_argument("--workers", type=int, default=None, help="local engine: runs trained at once (default: the "
                                                             "CPUs this process may use)")
    p.add_argument("--memory-mb", type=float, default=None, help="local engine: memory the runs that train at once "
                                                                  "may use, checked before anything starts "
                                                                  "(default: the container's or machine's)")
    p.add_argument("--yes", action="store_true", help=f"start a grid of more than {MAX_POINTS} runs")
    p.add_argument("--quiet", action="store_true", help="no progress bar")


def out_folder(a: argparse.Namespace) -> Path:
    return a.out if a.out is not None else a.grid.with_name(a.grid.stem + ".sweep")


def run(a: argparse.Namespace) -> int:
    """Check the grid (nothing starts when it is wrong), train what is missing, print the summary; 0 when every
    run of the grid ended, 1 when some failed, 130 on Ctrl-C."""
    from seqlab.sweep.grid import read_grid
    from seqlab.sweep.results import SweepFiles
    from seqlab.sweep.runner import grid_results, report_text, run_sweep, summary

    if a.workers is not None and not 1 <= a.workers <= 64:
        raise ValueError(f"--workers must be between 1 and 64, got {a.workers}")
    if a.ray_cpus is not None and not 1 <= a.ray_cpus <= 1024:
        raise ValueError(f"--ray-cpus must be between 1 and 1024, got {a.ray_cpus}")
    grid = read_grid(a.grid, confirm_large=a.yes)
    if a.ray is not None:
        from seqlab.sweep.ray_engine import import_ray

        import_ray()  # says how to install it before anything starts
    folder = out_folder(a)
    done = SweepFiles(folder).finished_keys() if folder.exists() else set()
    todo = [run for run in grid.runs if run.key() not in done]
    tasks = preflight(todo, a) if a.ray is None else None  # a cluster's workers have their own memory
    report = run_sweep(grid, folder, ray=a.ray, workers=a.workers, cpus=a.ray_cpus, progress=not a.quiet,
                       tasks=tasks)
    print(report_text(report, summary(grid, grid_results(grid, folder)), folder))
    if report.interrupted:
        return 130
    return 1 if report.failed else 0



def preflight(runs: list, a: argparse.Namespace):
    """Build each data set the runs need (kept for the sweep, which lets each go after its last run), say its
    warnings, and refuse before anything trains when a run would not fit this machine's memory or its wall-time
    budget, with the setting to lower (as `seqlab compare` does)."""
    from seqlab import resources
    from seqlab.cli import cli_budget
    from seqlab.sweep.scoring import Tasks

    tasks = Tasks(runs)
    at_once = min(a.workers or resources.usable_cpus(), max(len(runs), 1))
    refusals, said = {}, set()
    for run in runs:
        task, _ = tasks.get(run.data)
        for line in (*(f"warning: {w}" for w in task.warnings), *(f"note: {n}" for n in task.notes)):
            if line not in said:
                said.add(line)
                print(line, file=sys.stderr)
        for text in resources.check_training([run], resources.Shape.of(task), cli_budget(a, run, at_once)):
            refusals.setdefault(text)
    if refusals:
        raise ValueError("too big to train here, nothing started: " + " ".join(refusals) +
                         " (--memory-mb and the grid's train.max_seconds raise the limits)")
    return tasks
