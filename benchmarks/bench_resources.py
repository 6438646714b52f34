"""The pre-flight estimate (seqlab.resources) against measured peaks, and what the check costs.

Each case runs in a fresh child process (so its peak resident memory is its own): it imports torch and seqlab,
reads its RSS, builds the model and one batch (or a split), runs one training step, one scoring of the split, or
one gradient recording, and reports the peak RSS above where it started. The estimate must lie above every
measured peak and within FACTOR of it, but for the vanilla RNN's gradient recording: the same case, seeded alike,
peaks anywhere between 50 and 670 MB from one process to the next, and the estimate covers the worst.
The check's cost is timed against a default Lab comparison trained headless.

    .venv/bin/python benchmarks/bench_resources.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FACTOR = 4.0  # the estimate is an upper bound, at most this many times the measured peak (plus OVERHEAD)
CHECK_SHARE = 0.01  # the pre-flight check may cost at most this share of a default Lab run
# (what, arch, batch, length, hidden, layers, kind, vocab): steps, scoring and recordings big enough to measure
CASES = [
    ("train", "rnn", 64, 300, 256, 2, "regression", 1),
    ("train", "lstm", 64, 200, 128, 1, "regression", 1),
    ("train", "lstm", 32, 500, 256, 2, "regression", 1),
    ("train", "gru", 128, 400, 128, 2, "regression", 1),
    ("train", "gru", 64, 200, 128, 1, "next-token", 100),
    ("train", "lstm", 128, 500, 64, 1, "next-token", 12),
    ("eval", "rnn", 600, 500, 256, 1, "regression", 1),
    ("eval", "lstm", 600, 1000, 512, 2, "regression", 1),
    ("eval", "gru", 600, 300, 256, 3, "next-token", 100),
    ("grad", "rnn", 8, 300, 128, 2, "regression", 1),
    ("grad", "lstm", 8, 500, 256, 1, "regression", 1),
    ("grad", "gru", 8, 300, 128, 2, "regression", 1),
    ("train", "tcn", 64, 300, 128, 6, "regression", 1),  # layers: the TCN's levels
    ("train", "tcn", 64, 200, 64, 5, "next-token", 100),
    ("train", "transformer", 64, 300, 128, 2, "regression", 1),
    ("train", "transformer", 32, 500, 64, 2, "next-token", 100),
    ("eval", "tcn", 600, 500, 256, 6, "regression", 1),
    ("eval", "transformer", 600, 500, 128, 2, "regression", 1),
    ("grad", "tcn", 8, 300, 128, 6, "regression", 1),
    ("grad", "transformer", 8, 300, 128, 2, "regression", 1),
]
QUICK = [CASES[1], CASES[6], CASES[10]]


def _rss() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize()


def _peak_rss() -> int:
    """This process's peak RSS (VmHWM). Not getrusage's ru_maxrss: Linux carries that across exec, so a child
    of a big process (pytest at 900 MB) reports its parent's peak as its own."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmHWM:"))
    return int(line.split()[1]) * 1024


def child(case: list) -> dict:
    """Run one case here and return its measured and estimated peak (bytes above the start)."""
    what, arch, batch, length, hidden, layers, kind, vocab = case
    import torch

    from seqlab import resources
    from seqlab.analysis.diagnostics import grad_through_time_curve, input_grad_curve
    from seqlab.analysis.evaluate import evaluate
    from seqlab.config import ModelConfig, RunConfig, TrainConfig
    from seqlab.data.task import Task
    from seqlab.models.recurrent import build_model

    torch.set_num_threads(1)
    torch.manual_seed(0)
    start = _rss()
    token = kind == "next-token"
    x = torch.randint(0, vocab, (batch, length)) if token else torch.randn(batch, length, 2)
    y = torch.randint(0, vocab, (batch, length)) if token else torch.randn(batch, 1)
    task = Task("bench", "bench", kind, x, y, x, y, x[:0], y[:0], vocab if token else 2, vocab if token else 1,
                "", "")
    model_cfg = ModelConfig(arch=arch, hidden_size=hidden, **({"levels": layers} if arch == "tcn" else
                                                               {"num_layers": layers}))
    model = build_model(model_cfg, task)
    data_bytes = x.numel() * x.element_size() + y.numel() * y.element_size()
    shape = resources.Shape(length, task.input_size, task.output_size, kind, token, batch, batch, 0)
    run = RunConfig(model=model_cfg, train=TrainConfig(batch_size=batch, record_gradients=what == "grad"))
    if what == "train":
        optimizer = torch.optim.Adam(model.parameters())
        model(x, y)[1].backward()
        optimizer.step()
        estimated = resources.estimate(run, shape).peak_bytes
    elif what == "eval":
        evaluate(model, task, "val")
        eval_batch = resources.eval_batch_size(model_cfg, shape)
        estimated = resources.eval_sequence_bytes(model_cfg, shape) * eval_batch + resources.overhead(model_cfg) \
            + 4 * resources.param_estimate(model_cfg, shape) + data_bytes
    else:
        (input_grad_curve if arch in ("tcn", "transformer") else grad_through_time_curve)(model, x, y)
        estimated = resources.gradient_bytes(model_cfg, shape, batch) + resources.overhead(model_cfg) \
            + 4 * resources.param_estimate(model_cfg, shape) + data_bytes
    peak = _peak_rss()
    return {"case": " ".join(map(str, case)), "measured": peak - start, "estimated": estimated}


def measure(case) -> dict:
    """One case in its own process."""
    out = subprocess.run([sys.executable, __file__, "--child", json.dumps(list(case))], capture_output=True,
                         text=True, check=True, cwd=ROOT, env=_env())
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["ratio"] = row["estimated"] / row["measured"]
    row["ok"] = 1.0 <= row["ratio"] <= FACTOR
    return row


def _env() -> dict:
    import os

    return {**os.environ, "PYTHONPATH": str(ROOT), "OMP_NUM_THREADS": "1"}


def check_cost(epochs: int) -> dict:
    """Seconds of the Lab's pre-flight check against a default Lab comparison trained headless."""
    import torch

    from seqlab import resources
    from seqlab.config import DataConfig, RunConfig, TrainConfig
    from seqlab.data import make_task
    from seqlab.presets import comparison_runs
    from seqlab.training.loop import train_interleaved

    torch.set_num_threads(1)
    runs = comparison_runs(RunConfig(data=DataConfig(), train=TrainConfig(epochs=epochs)))
    task = make_task(runs[0].data)
    budget = resources.Budget(training_bytes=2**30, data_bytes=2**28, seconds=300)
    started, repeats = time.perf_counter(), 200
    for _ in range(repeats):
        resources.check_training(runs, resources.Shape.of(task), budget)
        resources.time_notice(runs, resources.Shape.of(task), budget)
    check = (time.perf_counter() - started) / repeats
    started = time.perf_counter()
    for _ in train_interleaved(runs, task):
        pass
    training = time.perf_counter() - started
    return {"check_seconds": check, "training_seconds": training, "ratio": check / training,
            "ok": check / training < CHECK_SHARE}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="three cases and a 2-epoch comparison (a smoke test)")
    p.add_argument("--json", type=Path)
    p.add_argument("--child", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.child:
        print(json.dumps(child(json.loads(a.child))))
        return {}
    rows = [measure(case) for case in (QUICK if a.quick else CASES)]
    print(f"{'case':<42} {'measured':>10} {'estimated':>10} {'ratio':>6}")
    for r in rows:
        print(f"{r['case']:<42} {r['measured'] / 2**20:>8.0f}MB {r['estimated'] / 2**20:>8.0f}MB {r['ratio']:>6.2f}"
              + ("" if r["ok"] else "  outside [1, FACTOR]"))
    cost = check_cost(2 if a.quick else 20)
    print(f"pre-flight check {cost['check_seconds'] * 1e3:.2f} ms against a default Lab run of "
          f"{cost['training_seconds']:.1f} s: {cost['ratio']:.2e} (target < {CHECK_SHARE})")
    result = {"cases": rows, "check": cost}
    if a.json:
        a.json.write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
