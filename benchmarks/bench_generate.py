"""Characters per second of seqlab.models.generate.sample for each architecture, with oneDNN on and off.

One stream (batch 1), temperature 1, no top-k, on a model built for the built-in corpus's vocabulary
(speed does not depend on what the weights have learned). Each setting is timed `--repeats` times,
alternating oneDNN on and off; the median is the figure.

With 2 threads, a busy process on the other core can stall every small op by 10x or more (torch's
thread pool waits for it): compare figures from a quiet machine, or run with --threads 1.

    .venv/bin/python benchmarks/bench_generate.py [--quick] [--length N] [--hidden N] [--repeats N]
        [--archs rnn lstm gru] [--threads N] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.config import RECURRENT_ARCHS as ARCHS  # noqa: E402
from seqlab.config import DataConfig, ModelConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.models.generate import sample  # noqa: E402
from seqlab.models.recurrent import build_model  # noqa: E402

TARGET = 2000  # chars/s an LSTM stream should reach with oneDNN off: "several thousand" feels live
PROMPT = "The return value of "


def chars_per_second(model, vocab, length: int, fast: bool) -> float:
    start = time.perf_counter()
    out = sample(model, vocab, PROMPT, length, temperature=1.0, seed=0, fast=fast)
    seconds = time.perf_counter() - start
    assert len(out.text) == length
    return length / seconds


def bench_one(arch: str, hidden: int, length: int, repeats: int, task) -> dict:
    """Median chars/s of one architecture with oneDNN on and off, after one warm-up call each."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(arch=arch, hidden_size=hidden), task)
    on, off = [], []
    for i in range(repeats + 1):  # the first pair is the warm-up
        with_onednn = chars_per_second(model, task.vocab, length, fast=False)
        without = chars_per_second(model, task.vocab, length, fast=True)
        if i:
            on.append(with_onednn)
            off.append(without)
    on_cps, off_cps = statistics.median(on), statistics.median(off)
    return {"arch": arch, "hidden": hidden, "length": length, "onednn_on_cps": on_cps, "onednn_off_cps": off_cps,
            "speedup": off_cps / on_cps, "ok": arch != "lstm" or off_cps >= TARGET}


HEADER = f"{'arch':<6}{'hidden':>7}{'chars':>7}{'oneDNN on c/s':>15}{'oneDNN off c/s':>16}{'off/on':>8}"


def table_row(r: dict) -> str:
    mark = "" if r["arch"] != "lstm" else f"  ≥ {TARGET} {'✓' if r['ok'] else '✗'}"
    return (f"{r['arch']:<6}{r['hidden']:>7}{r['length']:>7}{r['onednn_on_cps']:>15,.0f}"
            f"{r['onednn_off_cps']:>16,.0f}{r['speedup']:>8.2f}{mark}")


def default_threads() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a seconds-long smoke run")
    parser.add_argument("--length", type=int, default=None, help="characters per call (default 3000; 50 quick)")
    parser.add_argument("--hidden", type=int, default=None, help="hidden units (default 128; 16 quick)")
    parser.add_argument("--repeats", type=int, default=None, help="timed calls per setting (default 5; 1 quick)")
    parser.add_argument("--archs", nargs="+", choices=ARCHS, default=list(ARCHS))
    parser.add_argument("--threads", type=int, default=default_threads(), help="torch threads (default: all cores)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    length = args.length or (50 if args.quick else 3000)
    hidden = args.hidden or (16 if args.quick else 128)
    repeats = args.repeats or (1 if args.quick else 5)
    torch.set_num_threads(args.threads)
    task = make_task(DataConfig(task="text", length=20, n_samples=100))  # the built-in corpus's vocabulary
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, vocabulary {len(task.vocab)}, "
          f"median of {repeats} calls")
    print(HEADER)
    rows = []
    for arch in args.archs:
        rows.append(bench_one(arch, hidden, length, repeats, task))
        print(table_row(rows[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
