"""Characters per second of seqlab.models.generate.sample for each architecture: stepping with torch's cell
kernels (what `sample` does) against calling the fused module once per character, with oneDNN on (as the process
runs) and off (what seqlab did before: it switched oneDNN off process-wide while it sampled).

One stream (batch 1), temperature 1, no top-k, on a model built for the built-in corpus's vocabulary
(speed does not depend on what the weights have learned). Each setting is timed `--repeats` times, in turn;
the median is the figure. A last line gives what switching oneDNN off would cost a training that runs beside
the sampling: an LSTM training step (batch 64, 100 steps, hidden 128) with oneDNN off over on.

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

TARGET = 2000  # chars/s an LSTM stream should reach: "several thousand" feels live
PROMPT = "The return value of "


def chars_per_second(model, vocab, length: int, fast: bool, onednn: bool = True) -> float:
    before = torch.backends.mkldnn.enabled
    torch.backends.mkldnn.enabled = onednn
    try:
        start = time.perf_counter()
        out = sample(model, vocab, PROMPT, length, temperature=1.0, seed=0, fast=fast)
        seconds = time.perf_counter() - start
    finally:
        torch.backends.mkldnn.enabled = before
    assert len(out.text) == length
    return length / seconds


SETTINGS = {"cells_cps": {"fast": True}, "fused_cps": {"fast": False},
            "fused_no_onednn_cps": {"fast": False, "onednn": False}}


def bench_one(arch: str, hidden: int, length: int, repeats: int, task) -> dict:
    """Median chars/s of one architecture in each setting, after one warm-up call each."""
    torch.manual_seed(0)
    model = build_model(ModelConfig(arch=arch, hidden_size=hidden), task)
    times: dict[str, list[float]] = {name: [] for name in SETTINGS}
    for i in range(repeats + 1):  # the first round is the warm-up
        for name, kwargs in SETTINGS.items():
            cps = chars_per_second(model, task.vocab, length, **kwargs)
            if i:
                times[name].append(cps)
    row = {"arch": arch, "hidden": hidden, "length": length, **{k: statistics.median(v) for k, v in times.items()}}
    return {**row, "speedup": row["cells_cps"] / row["fused_cps"], "ok": arch != "lstm" or row["cells_cps"] >= TARGET}


def training_cost(hidden: int, repeats: int, batch: int = 64, length: int = 100) -> float:
    """An LSTM training step's time with oneDNN off over on: what a process-wide switch would cost a training
    running beside the sampling (median of `repeats` alternating pairs, after a warm-up)."""
    torch.manual_seed(0)
    lstm, x = torch.nn.LSTM(16, hidden, batch_first=True), torch.randn(batch, length, 16)
    before, ratios = torch.backends.mkldnn.enabled, []
    try:
        for i in range(repeats + 1):
            pair = []
            for onednn in (True, False):
                torch.backends.mkldnn.enabled = onednn
                start = time.perf_counter()
                lstm(x)[0].sum().backward()
                pair.append(time.perf_counter() - start)
            if i:
                ratios.append(pair[1] / pair[0])
    finally:
        torch.backends.mkldnn.enabled = before
    return statistics.median(ratios)


HEADER = (f"{'arch':<6}{'hidden':>7}{'chars':>7}{'cells c/s':>11}{'fused c/s':>11}{'fused, no oneDNN':>18}"
          f"{'cells/fused':>13}")


def table_row(r: dict) -> str:
    mark = "" if r["arch"] != "lstm" else f"  ≥ {TARGET} {'✓' if r['ok'] else '✗'}"
    return (f"{r['arch']:<6}{r['hidden']:>7}{r['length']:>7}{r['cells_cps']:>11,.0f}{r['fused_cps']:>11,.0f}"
            f"{r['fused_no_onednn_cps']:>18,.0f}{r['speedup']:>13.2f}{mark}")


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
    cost = training_cost(hidden, repeats)
    print(f"an LSTM training step with oneDNN off takes {cost:.2f}x its time with it on (hidden {hidden}); "
          "sampling leaves oneDNN on")
    rows.append({"training_step_off_over_on": cost})
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
