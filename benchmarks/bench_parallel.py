"""Wall time of a comparison trained in worker threads (seqlab.training.parallel) against its runs one after another.

Two figures, each measured at 1 core and at 2 cores (the process's CPU affinity narrowed in-process, as
`taskset -c 0` and `taskset -c 0,1` would; every worker thread inherits it), one torch thread per run as the app
trains:

- parallel / serial: RNN, LSTM and GRU trained side by side against the same three runs one after another in one
  thread (the target, on 2 cores: ≤ 0.6);
- 3 seeds / 1 seed: the 3 architectures × 3 seeds comparison against the 3 architectures × 1 seed one, both in
  parallel. Wider machines are extrapolated, not measured: the total work W (the serial time of the runs at one
  core) spread over c cores at the parallel efficiency measured at 2 cores, but never faster than the longest run
  alone: wall(c) ≈ max(W / (c · efficiency), longest run).

    .venv/bin/python benchmarks/bench_parallel.py [--quick] [--cores 1 2] [--repeats N] [--json PATH]

The variants run back to back, `repeats` rounds, and each figure is the median of the rounds' ratios, so one burst
of load spoils a round, not the figure. "got" is how many cores the process had while the comparison trained in
threads (CPU time over wall time): when other sessions on the machine hold a core it is about 1, whatever the
threads, and so is the speed-up. The figures speak for the code only when "got" is near the cores asked for.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.presets import comparison_runs  # noqa: E402
from seqlab.training import Parallel  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

TARGET = 0.6  # a 3-architecture comparison on 2 cores takes at most this share of its serial time
SEEDS = (0, 1, 2)
FULL = RunConfig(data=DataConfig(task="adding", length=50, n_samples=3000), model=ModelConfig(hidden_size=64),
                 train=TrainConfig(epochs=4, batch_size=64, lr=1e-2, clip=1.0))
QUICK = RunConfig(data=DataConfig(task="adding", length=10, n_samples=200), model=ModelConfig(hidden_size=8),
                  train=TrainConfig(epochs=2, batch_size=32, lr=1e-2, clip=1.0))
WIDER = (4, 8)  # cores the 3-seed ratio is extrapolated to


def serial(runs, task) -> tuple[float, list[float]]:
    """Wall time of the runs one after another in this thread, and each run's own time."""
    times = []
    for run in runs:
        started = time.perf_counter()
        for _ in train(run, task):
            pass
        times.append(time.perf_counter() - started)
    return sum(times), times


def parallel(runs, task, workers: int) -> tuple[float, float]:
    """Wall time of the runs in worker threads, and the cores this process got meanwhile (CPU time / wall time):
    below the cores it may use when other processes hold some (a busy shared machine)."""
    started, cpu = time.perf_counter(), time.process_time()
    for _ in Parallel(runs, task, workers=workers, threads=1):
        pass
    wall = time.perf_counter() - started
    return wall, (time.process_time() - cpu) / wall


def measure(template: RunConfig, task, cpus: list[int], repeats: int) -> dict:
    """Every figure on the CPUs `cpus` (the first few this process may use): the three variants back to back,
    `repeats` times; the ratios are the medians of each round's, the times each variant's median."""
    os.sched_setaffinity(0, cpus)
    cores = len(os.sched_getaffinity(0))
    one_seed, three_seeds = comparison_runs(template), comparison_runs(template, seeds=SEEDS)
    rounds = []
    for _ in range(repeats):
        total, times = serial(one_seed, task)
        (parallel_3, got), (parallel_9, _) = parallel(one_seed, task, cores), parallel(three_seeds, task, cores)
        rounds.append({"serial_3": total, "run_seconds": times, "parallel_3": parallel_3, "parallel_9": parallel_9,
                       "cores_got": got})
    median = statistics.median
    return {"cores": cores, **{k: median(r[k] for r in rounds)
                               for k in ("serial_3", "parallel_3", "parallel_9", "cores_got")},
            "run_seconds": [median(r["run_seconds"][i] for r in rounds) for i in range(len(one_seed))],
            "parallel_vs_serial": median(r["parallel_3"] / r["serial_3"] for r in rounds),
            "seeds_vs_one": median(r["parallel_9"] / r["parallel_3"] for r in rounds),
            "load_average": os.getloadavg()[0]}


def floor(row: dict) -> float:
    """The best parallel / serial ratio possible at the row's cores: the work spread perfectly, but never
    shorter than the longest run alone (a GRU step costs about twice an LSTM's, see DESIGN.md)."""
    times = row["run_seconds"]
    return max(sum(times) / row["cores"], max(times)) / sum(times)


def extrapolate(one: dict, two: dict) -> dict[int, float]:
    """3 seeds / 1 seed at wider machines, from the work at 1 core and the efficiency at 2 (see the docstring)."""
    longest = max(one["run_seconds"])
    ratios = {}
    for cores in WIDER:
        walls = {}
        for n, key in ((3, "parallel_3"), (9, "parallel_9")):
            efficiency = min(one[key] / (2 * two[key]), 1.0)  # 1.0: the 2 cores did twice the work of one
            walls[n] = max(one[key] / (cores * efficiency), longest)
        ratios[cores] = walls[9] / walls[3]
    return ratios


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a seconds-long smoke run")
    parser.add_argument("--cores", nargs="+", type=int, default=[1, 2], help="core counts to measure at")
    parser.add_argument("--repeats", type=int, default=None, help="rounds per core count (default 5; 1 quick)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    available = len(os.sched_getaffinity(0))
    cores = [c for c in args.cores if 1 <= c <= available]
    template = QUICK if args.quick else FULL
    task = make_task(template.data)
    threads, affinity = torch.get_num_threads(), os.sched_getaffinity(0)
    torch.set_num_threads(1)  # the serial runs train in this thread, one torch thread each, as the workers do
    try:
        warm = template.replace(train=dataclasses.replace(template.train, epochs=1))
        serial(comparison_runs(warm), task)  # first calls into each kernel are slow: not part of any figure
        allowed = sorted(affinity)
        rows = [measure(template, task, allowed[:c], args.repeats or (1 if args.quick else 5)) for c in cores]
    finally:
        os.sched_setaffinity(0, affinity)
        torch.set_num_threads(threads)
    print(f"torch {torch.__version__}; {template.data.task} T={template.data.length}, "
          f"{len(task.x_train)} training sequences, hidden {template.model.hidden_size}, "
          f"{template.train.epochs} epochs; RNN, LSTM, GRU; seeds {SEEDS}")
    print(f"{'cores':>5}{'serial 3 s':>12}{'parallel 3 s':>14}{'parallel 9 s':>14}{'par/serial':>12}{'floor':>7}"
          f"{'9 / 3':>8}{'load':>7}{'got':>6}")
    for r in rows:
        r["floor"] = floor(r)
        print(f"{r['cores']:>5}{r['serial_3']:>12.2f}{r['parallel_3']:>14.2f}{r['parallel_9']:>14.2f}"
              f"{r['parallel_vs_serial']:>12.3f}{r['floor']:>7.3f}{r['seeds_vs_one']:>8.2f}{r['load_average']:>7.2f}"
              f"{r['cores_got']:>6.2f}")
    print("floor: the longest run alone or the work spread over the cores, over serial; got: the cores this process "
          "had while the 3 runs trained in threads (CPU time / wall time)")
    by_cores = {r["cores"]: r for r in rows}
    result = {"rows": rows, "target": TARGET, "extrapolated_seeds_vs_one": {}}
    if 2 in by_cores:
        ratio = by_cores[2]["parallel_vs_serial"]
        result.update(parallel_vs_serial=ratio, ok=ratio <= TARGET, seeds_vs_one=by_cores[2]["seeds_vs_one"])
        print(f"parallel / serial on 2 cores: {ratio:.3f} (target ≤ {TARGET}) {'✓' if ratio <= TARGET else '✗'}")
    if 1 in by_cores and 2 in by_cores:
        wider = extrapolate(by_cores[1], by_cores[2])
        result["extrapolated_seeds_vs_one"] = {str(c): v for c, v in wider.items()}
        print("3 seeds / 1 seed, extrapolated: " + ", ".join(f"{c} cores {v:.2f}" for c, v in wider.items()))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
