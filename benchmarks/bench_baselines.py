"""The strongest simple baselines on the demos' data: what they score on test and how long they take to fit.

- the counted character 3- and 5-grams (seqlab.analysis.ngram) on the "Text that learns to spell" demo's text, in bits
  per character beside symbol frequencies; and the 5-gram on the whole built-in corpus;
- the logistic regression on all 64 pixels at once (seqlab.analysis.order_free) on the digits, by rows and by pixels.

Each fit is timed `--repeats` times after a warm-up (the first L-BFGS call imports torch's compiler stack, about a
second, once per process); the median is the figure. With 2 threads a busy neighbour on the other core can stall
torch's thread pool: the default is one thread, as the app trains.

    .venv/bin/python benchmarks/bench_baselines.py [--quick] [--repeats N] [--threads N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.analysis import (
    evaluate,  # noqa: E402
    ngram,  # noqa: E402
    order_free,  # noqa: E402
)
from seqlab.config import DataConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.demos import BY_KEY  # noqa: E402


def timed(fit, repeats: int) -> tuple[object, float]:
    """The last result of `fit()` and its median seconds over `repeats` calls after one warm-up."""
    result, seconds = fit(), []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fit()
        seconds.append(time.perf_counter() - start)
    return result, statistics.median(seconds)


def ngram_rows(task, name: str, orders, repeats: int) -> list[dict]:
    rows = []
    for n in orders:
        model, seconds = timed(lambda n=n: ngram.fit(task, n), repeats)
        bits = model.cross_entropy(task.x_test.numpy(), task.y_test.numpy()) / math.log(2)
        rows.append({"data": name, "baseline": evaluate.ngram_label(n), "train_size": int(task.x_train.numel()),
                     "test_bits_per_char": bits, "test_accuracy": None, "fit_seconds": seconds})
    freq = evaluate.baseline_scores(task)["symbol frequencies"]["bits_per_char"]
    rows.append({"data": name, "baseline": "symbol frequencies", "train_size": int(task.x_train.numel()),
                 "test_bits_per_char": freq, "test_accuracy": None, "fit_seconds": None})
    return rows


def digits_row(reading: str, repeats: int) -> dict:
    task = make_task(DataConfig(task="digits", reading=reading))
    scores, seconds = timed(lambda: order_free.scores(task), repeats)
    return {"data": f"digits by {reading}", "baseline": order_free.label(task), "train_size": len(task.x_train),
            "test_bits_per_char": None, "test_accuracy": scores["accuracy"], "fit_seconds": seconds}


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="the demo text only, one repeat (a smoke test)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--json", type=Path)
    a = parser.parse_args(argv)
    torch.set_num_threads(a.threads)
    repeats = 1 if a.quick else a.repeats
    rows = ngram_rows(make_task(BY_KEY["spelling"].template.data), "spelling demo text", evaluate.NGRAM_ORDERS,
                      repeats)
    if not a.quick:
        corpus = make_task(DataConfig(task="text", length=100, n_samples=10_000))
        rows += ngram_rows(corpus, "built-in corpus", (5,), repeats)[:1]
        rows += [digits_row(reading, repeats) for reading in ("pixels", "rows")]
    for r in rows:
        score = f"{r['test_bits_per_char']:.3f} bits/char" if r["test_bits_per_char"] is not None else \
            f"{r['test_accuracy']:.1%} accuracy"
        fit = f"{r['fit_seconds'] * 1000:.0f} ms" if r["fit_seconds"] is not None else "-"
        print(f"{r['data']:<20} {r['baseline']:<46} train {r['train_size']:>8,}  test {score:<18} fit {fit}")
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
