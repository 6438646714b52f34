"""Where an epoch's time goes, per architecture: torch's profiler over seqlab's training on the Darts settings.

It explains the bench_darts figures. On CPU, torch runs a float32 LSTM through oneDNN's fused layer
kernels (`aten::mkldnn_rnn_layer` and its backward), but has no such kernel for the GRU or the vanilla
RNN: those run step by step as matrix products and pointwise ops recorded one by one by autograd.

    .venv/bin/python benchmarks/profile_epoch.py [--epochs N] [--hidden N] [--archs rnn lstm gru] [--json PATH]

Prints, per architecture: the median epoch in ms, the share of the profiled time spent in oneDNN's
recurrent kernels, the number of `aten::mm`/`aten::addmm` calls per epoch, and the three ops that took
the most time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.config import RECURRENT_ARCHS as ARCHS  # noqa: E402
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

FUSED = ("aten::mkldnn_rnn_layer", "aten::mkldnn_rnn_layer_backward")
MATMULS = ("aten::mm", "aten::addmm")


def profile(arch: str, epochs: int, hidden: int, points: int) -> dict:
    """Train once untimed (warm-up), then time every epoch of a second run and profile a third."""
    run = RunConfig(data=DataConfig(task="sine", length=50, n_samples=points),
                    model=ModelConfig(arch=arch, hidden_size=hidden),
                    train=TrainConfig(epochs=epochs, batch_size=64, lr=1e-2, clip=1.0))
    task = make_task(run.data)
    for _ in train(run, task):
        pass
    times, started = [], time.perf_counter()
    for record in train(run, task):
        if record["epoch"] > 0:  # epoch 0 is the untrained model's evaluation
            times.append(time.perf_counter() - started)
        started = time.perf_counter()
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        for _ in train(run, task):
            pass
    ops = {e.key: e for e in prof.key_averages()}
    total = sum(e.self_cpu_time_total for e in ops.values()) or 1.0
    top = sorted(ops.values(), key=lambda e: e.self_cpu_time_total, reverse=True)[:3]
    return {
        "arch": arch, "hidden": hidden, "epoch_ms": 1000 * statistics.median(times),
        "fused_share": sum(ops[k].self_cpu_time_total for k in FUSED if k in ops) / total,
        "matmuls_per_epoch": sum(ops[k].count for k in MATMULS if k in ops) / epochs,  # epoch 0 only evaluates
        "top_ops": [[e.key, round(e.self_cpu_time_total / total, 3)] for e in top],
    }


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=5)
    parser.add_argument("--hidden", type=int, default=64)
    parser.add_argument("--points", type=int, default=2000, help="length of the sine series (bench_darts: 2000)")
    parser.add_argument("--archs", nargs="+", default=list(ARCHS), choices=ARCHS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # the app's setting, and bench_darts'
    rows = [profile(arch, args.epochs, args.hidden, args.points) for arch in args.archs]
    print(f"{'arch':5} {'epoch ms':>9} {'in oneDNN':>10} {'matmuls/epoch':>14}  top ops (share of time)")
    for r in rows:
        top = ", ".join(f"{name} {share:.0%}" for name, share in r["top_ops"])
        print(f"{r['arch']:5} {r['epoch_ms']:9.1f} {r['fused_share']:10.0%} {r['matmuls_per_epoch']:14.0f}  {top}")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
