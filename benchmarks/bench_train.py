"""Time per training step: seqlab's TrainingRun against a plain PyTorch loop on the same model and data.

Both loops train a copy of the same model (same config and seed, so identical weights) on the same
tensors, with the same batch size, Adam, clip_grad_norm_, randperm shuffling and one validation-loss
pass per epoch. Epochs alternate (seqlab, plain, seqlab, ...) after a warm-up epoch each; the median
epoch time over the steps in it is the figure, so noise from the other core does not decide it.

    .venv/bin/python benchmarks/bench_train.py [--quick] [--repeats N] [--json PATH]
        [--configs sine adding char] [--archs rnn lstm gru tcn transformer] [--threads N]

With all cores in use, any other busy process stalls torch's thread pool (a tiny step can grow
100-fold): run it on an otherwise idle machine, or trust only ratios from a quiet run.
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

from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig, levels_for  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.models.recurrent import build_model  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

TARGET = 1.05  # seqlab may cost at most 5% more per step than the plain loop
EVAL_BATCH = 512  # validation chunk size, as seqlab.analysis.evaluate uses
# name -> (task, T, hidden, batch, lr, n_samples[, layers, dropout]); n_samples gives ~20 training steps per epoch.
# "stacked": two layers with dropout between them, which seqlab draws from each run's own generator, layer by
# layer; the plain loop uses torch's fused module and its dropout (drawn from the global generator).
CONFIGS = {
    "sine": ("sine", 50, 64, 64, 1e-2, 1900),
    "adding": ("adding", 100, 128, 128, 1e-2, 3200),
    "char": ("text", 100, 256, 64, 1e-3, 1800),
    "stacked": ("adding", 100, 128, 128, 1e-2, 3200, 2, 0.3),
    # forecasting transforms (issue 15): seqlab's model runs them in its forward pass; the plain loop trains the
    # bare network on the same windows, so the ratio includes what the transform costs
    "co2-change": ("co2", 50, 64, 64, 1e-2, 2000, 1, 0.0, "change", "off"),
    "co2-window": ("co2", 50, 64, 64, 1e-2, 2000, 1, 0.0, "window-scaled", "off"),
    "msft-log": ("msft", 50, 64, 64, 1e-2, 2000, 1, 0.0, "change", "on"),
}
QUICK = {  # seconds-long smoke run: tiny sizes, 2-3 steps per epoch
    "sine": ("sine", 10, 8, 16, 1e-2, 64),
    "adding": ("adding", 10, 8, 16, 1e-2, 64),
    "char": ("text", 10, 8, 16, 1e-3, 64),
    "stacked": ("adding", 10, 8, 16, 1e-2, 64, 2, 0.3),
    "co2-change": ("airline", 10, 8, 16, 1e-2, 64, 1, 0.0, "change", "off"),  # a short series: a few steps
    "co2-window": ("airline", 10, 8, 16, 1e-2, 64, 1, 0.0, "window-scaled", "off"),
    "msft-log": ("airline", 10, 8, 16, 1e-2, 64, 1, 0.0, "change", "on"),
}


def run_config(spec: tuple, arch: str, epochs: int) -> RunConfig:
    optional = (1, 0.0, "level", "off")  # layers, dropout, forecasting target, log
    task, length, hidden, batch, lr, n_samples, layers, dropout, target, log = (*spec, *optional[len(spec) - 6:])
    levels = levels_for(length, 3)  # a TCN that sees every step of the sequence
    return RunConfig(data=DataConfig(task=task, length=length, n_samples=n_samples, target=target, log=log),
                     model=ModelConfig(arch=arch, hidden_size=hidden, num_layers=layers, dropout=dropout,
                                       levels=levels),
                     train=TrainConfig(epochs=epochs, batch_size=batch, lr=lr, clip=1.0, seed=0))


class PlainLoop:
    """The reference: a hand-written training loop plus a validation-loss pass per epoch."""

    def __init__(self, run: RunConfig, task, state: dict):
        self.model = build_model(run.model, task)
        self.model.load_state_dict(state)
        if hasattr(self.model, "rnn"):  # the fused module's own dropout; a TCN's or Transformer's is its own anyway
            self.model.rnn.dropout, self.model.dropout = self.model.dropout, 0.0
        self.model.transform = None  # the bare network, on the same (globally scaled) windows
        self.opt = torch.optim.Adam(self.model.parameters(), lr=run.train.lr)
        self.shuffle = torch.Generator().manual_seed(run.train.seed)
        self.task, self.batch, self.clip = task, run.train.batch_size, run.train.clip

    def epoch(self) -> tuple[int, float]:
        """Train one epoch; return (steps, validation loss)."""
        x, y, model = self.task.x_train, self.task.y_train, self.model
        model.train()
        steps = 0
        for idx in torch.randperm(len(x), generator=self.shuffle).split(self.batch):
            self.opt.zero_grad(set_to_none=True)
            _, loss = model(x[idx], y[idx])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), self.clip)
            self.opt.step()
            steps += 1
        model.eval()
        xv, yv = self.task.x_val, self.task.y_val
        with torch.no_grad():
            total = sum(float(model(xv[i:i + EVAL_BATCH], yv[i:i + EVAL_BATCH])[1]) * len(xv[i:i + EVAL_BATCH])
                        for i in range(0, len(xv), EVAL_BATCH))
        return steps, total / len(xv)


def timed(fn) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def bench_one(name: str, spec: tuple, arch: str, repeats: int) -> dict:
    """Median ms per step of seqlab and of the plain loop, epochs interleaved after one warm-up each."""
    run = run_config(spec, arch, epochs=repeats + 2)
    task = make_task(run.data)
    seqlab_run = train(run, task)
    plain = PlainLoop(run, task, seqlab_run.model.state_dict())  # same weights before any step
    next(seqlab_run)  # epoch 0: evaluation only, no training
    seqlab_ms, plain_ms = [], []
    for i in range(repeats + 1):  # the first pair is the warm-up
        sec, record = timed(lambda: next(seqlab_run))
        if record["status"] not in ("running", "done"):
            raise RuntimeError(f"{name}/{arch}: seqlab run ended: {record['reason']}")
        steps = record["steps"]
        plain_sec, (plain_steps, _) = timed(plain.epoch)
        assert plain_steps == steps, (plain_steps, steps)
        if i:
            seqlab_ms.append(1000 * sec / steps)
            plain_ms.append(1000 * plain_sec / plain_steps)
    p, s = statistics.median(plain_ms), statistics.median(seqlab_ms)
    return {"config": name, "arch": arch, "steps": steps, "plain_ms": p, "seqlab_ms": s, "ratio": s / p,
            "ok": s / p <= TARGET}


HEADER = f"{'config':<8}{'arch':<12}{'steps/ep':>9}{'plain ms/step':>15}{'seqlab ms/step':>16}{'ratio':>8}  target"


def table_row(r: dict) -> str:
    mark = "✓" if r["ok"] else "✗"
    return (f"{r['config']:<8}{r['arch']:<12}{r['steps']:>9}{r['plain_ms']:>15.2f}{r['seqlab_ms']:>16.2f}"
            f"{r['ratio']:>8.3f}  ≤ {TARGET:.2f} {mark}")


def default_threads() -> int:
    """The cores this process may use: torch's own default on this machine."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a seconds-long smoke run")
    parser.add_argument("--repeats", type=int, default=None, help="timed epochs per loop (default 7; 1 quick)")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--archs", nargs="+", choices=ARCHS, default=list(ARCHS))
    parser.add_argument("--threads", type=int, default=default_threads(), help="torch threads (default: all cores)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 7)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {repeats} timed epochs per loop")
    specs = QUICK if args.quick else CONFIGS
    print(HEADER)
    rows = []
    for name in args.configs:
        for arch in args.archs:
            rows.append(bench_one(name, specs[name], arch, repeats))
            print(table_row(rows[-1]), flush=True)  # row by row: a long run shows progress
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"worst ratio: {worst['ratio']:.3f} ({worst['config']}/{worst['arch']})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
