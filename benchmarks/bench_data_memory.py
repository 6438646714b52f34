"""Peak memory of building a forecasting task from a long CSV and scoring its baselines; pickled size of tasks.

The case that once peaked at 4.5 GB: a 1.3 MB CSV of 200,000 rows, a window of 1,000 steps. The task is
built through `seqlab.data.make_task` (as the app and the CLI do), then `evaluate.baseline_scores` fits and
scores persistence, window mean and the linear baseline on it. Peak is the process's maximum resident set
(`ru_maxrss`), so each measurement runs in a process of its own; "after import" is the same process's peak
before any data is touched (torch, pandas and seqlab loaded).

Then two synthetic tasks are pickled, as st.cache_data did with every task it kept and read: a split
that is a slice of a bigger tensor pickles the whole of it.

    .venv/bin/python benchmarks/bench_data_memory.py [--rows 200000] [--window 1000]
"""

from __future__ import annotations

import argparse
import io
import pickle
import resource
import time


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports kB


def long_csv(rows: int, seed: int = 0) -> bytes:
    import numpy as np

    rng = np.random.default_rng(seed)
    values = np.sin(np.arange(rows) / 50) * 10 + rng.normal(size=rows)
    out = io.StringIO()
    out.write("value\n")
    out.writelines(f"{v:.2f}\n" for v in values)
    return out.getvalue().encode()


def pickled_tasks() -> None:
    from seqlab.config import DataConfig
    from seqlab.data import make_task

    for cfg in (DataConfig(task="copy", length=1000, n_samples=10_000),
                DataConfig(task="adding", length=500, n_samples=20_000)):
        task = make_task(cfg)
        splits = (task.x_train, task.y_train, task.x_val, task.y_val, task.x_test, task.y_test)
        dense = sum(t.numel() * t.element_size() for t in splits) / 2**20
        start = time.perf_counter()
        pickled = len(pickle.dumps(task)) / 2**20
        print(f"{cfg.task} (n={cfg.n_samples:,}, T={cfg.length}): split tensors {dense:,.0f} MB, pickled "
              f"{pickled:,.0f} MB in {time.perf_counter() - start:.2f} s")


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--rows", type=int, default=200_000)
    p.add_argument("--window", type=int, default=1000)
    a = p.parse_args(argv)
    from seqlab.analysis import evaluate
    from seqlab.config import DataConfig
    from seqlab.data import make_task

    data = long_csv(a.rows)
    after_import = peak_mb()
    start = time.perf_counter()
    task = make_task(DataConfig(task="csv", length=a.window, max_rows=a.rows), data)
    built, after_build = time.perf_counter() - start, peak_mb()
    scores = evaluate.baseline_scores(task)
    scored, after_scores = time.perf_counter() - start - built, peak_mb()
    held = task.nbytes() if hasattr(task, "nbytes") else float("nan")
    figures = {
        "CSV size (MB)": len(data) / 2**20,
        "training windows": len(task.x_train),
        "peak after import (MB)": after_import,
        "peak after make_task (MB)": after_build,
        "peak after baseline_scores (MB)": after_scores,
        "make_task (s)": built,
        "baseline_scores (s)": scored,
        "task.nbytes() (MB)": held / 2**20,
        "pickled task (MB)": len(pickle.dumps(task)) / 2**20,
        "linear baseline test MSE": scores["linear"]["mse"],
    }
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value:,.3f}" if isinstance(value, float) else f"{name:<{width}}  {value:,}")
    pickled_tasks()


if __name__ == "__main__":
    main()
