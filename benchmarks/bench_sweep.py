"""Wall time of `seqlab sweep`: the local engine against the same runs one after another, and Ray's cost per run.

Figures, one torch thread per run as the app trains:

- local / serial: a 12-run sweep (RNN, LSTM, GRU × 4 seeds on the adding problem) on the local engine with 2
  workers, files written as runs end, against the same 12 runs trained and scored one after another in one thread
  (the target, on 2 cores: ≤ 0.6);
- Ray: Ray's start-up, then the same sweep on a local Ray instance with 2 CPUs against the local engine, and the
  difference per run (Ray's overhead per run), at two run sizes (tiny runs of a fraction of a second and the
  12-run sweep's): Ray pays off on a cluster once its overhead per run is small beside a run's own time;
- a 300-run sweep (5 × 4 × 5 × 3) extrapolated from the measured mean run time: on this machine's 2 cores at the
  local engine's measured ratio, and on N Ray workers as W / N plus Ray's overhead per run (labelled extrapolated).

    .venv/bin/python benchmarks/bench_sweep.py [--quick] [--repeats N] [--no-ray] [--json PATH]

"got" is how many cores the process had while the local sweep trained (CPU time over wall time): on a machine
shared with others it may be well under 2, and the ratio then speaks for the load, not for the code.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.sweep.grid import parse_grid  # noqa: E402
from seqlab.sweep.runner import run_sweep  # noqa: E402
from seqlab.sweep.scoring import Tasks, train_and_score  # noqa: E402

TARGET = 0.6
GRID = """
seeds = 4
[[data]]
task = "adding"
length = {length}
n_samples = {samples}
[model]
arch = ["rnn", "lstm", "gru"]
hidden_size = {hidden}
[train]
epochs = {epochs}
batch_size = 64
"""
FULL = {"length": 30, "samples": 1500, "hidden": 32, "epochs": 3}
TINY = {"length": 8, "samples": 200, "hidden": 8, "epochs": 1}
WORKERS = (8, 32)  # Ray workers a 300-run sweep is extrapolated to


def serial(grid) -> tuple[float, list[float]]:
    tasks, times = Tasks(), []
    for run in grid.runs:
        started = time.perf_counter()
        train_and_score(run, tasks)
        times.append(time.perf_counter() - started)
    return sum(times), times


def swept(grid, ray: str | None = None) -> tuple[float, float]:
    """Wall time of the sweep into a fresh folder, and the cores this process got meanwhile."""
    with tempfile.TemporaryDirectory() as folder:
        started, cpu = time.perf_counter(), time.process_time()
        report = run_sweep(grid, Path(folder), ray=ray, workers=2, progress=False)
        wall = time.perf_counter() - started
    assert report.trained == len(grid.runs) and not report.failed, report
    return wall, (time.process_time() - cpu) / wall


def local_figures(grid, repeats: int) -> dict:
    train_and_score(grid.runs[0], Tasks())  # warm up: torch's first calls, the data's first build, lazy imports
    rounds = []
    for _ in range(repeats):
        total, times = serial(grid)
        wall, got = swept(grid)
        rounds.append({"serial": total, "local": wall, "ratio": wall / total, "got": got,
                       "mean_run": statistics.mean(times)})
    return {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}


def ray_figures(grids: dict, repeats: int) -> dict:
    import ray

    from seqlab.sweep.ray_engine import RUNTIME_ENV

    started = time.perf_counter()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env=RUNTIME_ENV)
    out = {"ray_start": time.perf_counter() - started}
    try:
        for name, grid in grids.items():
            swept(grid, ray="local")  # warm the workers (each imports torch once)
            rounds = []
            for _ in range(repeats):
                local, _ = swept(grid)
                on_ray, _ = swept(grid, ray="local")
                rounds.append({"local": local, "ray": on_ray, "per_run": (on_ray - local) / len(grid.runs)})
            out[name] = {k: statistics.median(r[k] for r in rounds) for k in rounds[0]}
    finally:
        ray.shutdown()
    return out


def extrapolate(figures: dict, ray: dict | None) -> dict:
    """A 300-run sweep of runs like the 12-run sweep's: extrapolated from the measured figures, not measured."""
    work = 300 * figures["mean_run"]
    out = {"serial_300": work, "local_2_cores_300": work * figures["ratio"]}
    if ray:
        overhead = max(ray["full"]["per_run"], 0.0)
        out.update({f"ray_{n}_workers_300": 300 * (figures["mean_run"] + overhead) / n for n in WORKERS})
    return out


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny runs, one round (a smoke test)")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--no-ray", action="store_true")
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    repeats = 1 if a.quick else a.repeats
    full = parse_grid(GRID.format(**(TINY if a.quick else FULL)))
    tiny = parse_grid(GRID.format(**TINY))
    print(f"{len(full.runs)} runs; {os.cpu_count()} CPUs here, {len(os.sched_getaffinity(0))} usable; "
          f"median of {repeats} round(s)")
    figures = local_figures(full, repeats)
    print(f"local engine, 2 workers: {figures['local']:.2f} s; one after another: {figures['serial']:.2f} s; "
          f"ratio {figures['ratio']:.3f} (target ≤ {TARGET}); got {figures['got']:.2f} cores; "
          f"mean run {figures['mean_run']:.2f} s")
    ray = None
    if not a.no_ray:
        ray = ray_figures({"tiny": tiny, "full": full}, repeats)
        print(f"Ray start-up (local instance, 2 CPUs): {ray['ray_start']:.1f} s")
        for name in ("tiny", "full"):
            r = ray[name]
            print(f"Ray, {name} runs: {r['ray']:.2f} s against the local engine's {r['local']:.2f} s: "
                  f"{r['per_run'] * 1000:+.0f} ms per run")
    for name, seconds in extrapolate(figures, ray).items():
        print(f"extrapolated, not measured: {name} ≈ {seconds / 60:.1f} min")
    result = {"local": figures, "ray": ray, "extrapolated": extrapolate(figures, ray)}
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
