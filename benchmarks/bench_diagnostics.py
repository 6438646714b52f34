"""Cost of `TrainConfig.record_gradients`: epoch time with recording on against off, same model and data.

Two TrainingRuns with the same config and seed (so the same weights and the same steps), one
recording gradients, train side by side in one process: epochs alternate (off, on, on, off, ...)
after a warm-up epoch each. An epoch's time covers training, validation and, when on, the
gradient-through-time probe and the per-layer norms; the ratio is the median over pairs of
on/off. The probe's own time on the final weights is shown too: the part of the cost that does
not grow with the data, so the fewer steps an epoch has, the larger its share.

    .venv/bin/python benchmarks/bench_diagnostics.py [--quick] [--repeats N] [--json PATH]
        [--configs adding sine] [--archs rnn lstm gru] [--probe-size N] [--threads N]

As with bench_train.py, trust only ratios from an otherwise quiet machine.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from benchmarks.bench_train import default_threads  # noqa: E402
from seqlab.analysis import diagnostics  # noqa: E402
from seqlab.config import RECURRENT_ARCHS as ARCHS  # noqa: E402
from seqlab.config import ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.presets import GRADIENT_DEMO  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

TARGET = 1.10  # recording may cost at most 10% of an epoch
CONFIGS = {  # the Gradient-flow page's demo (adding, T=50, 44 steps an epoch) and the Lab's defaults (sine, 22)
    "adding": GRADIENT_DEMO,
    "sine": RunConfig(),
}
QUICK = {name: RunConfig(data=dataclasses.replace(run.data, length=10, n_samples=64), model=ModelConfig(hidden_size=8),
                         train=TrainConfig(batch_size=16)) for name, run in CONFIGS.items()}


def run_config(template: RunConfig, arch: str, epochs: int, record: bool) -> RunConfig:
    return template.replace(model=dataclasses.replace(template.model, arch=arch),
                            train=dataclasses.replace(template.train, epochs=epochs, record_gradients=record))


def timed_epoch(run) -> tuple[float, dict]:
    start = time.perf_counter()
    record = next(run)
    if record["status"] not in ("running", "done"):
        raise RuntimeError(f"{record['label']}: the run ended: {record['reason']}")
    return time.perf_counter() - start, record


def probe_ms(run, recorder, repeats: int = 3) -> float:
    """Median time of one gradient-through-time curve on the run's probe batch, final weights."""
    x, y = recorder.x, recorder.y
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        diagnostics.grad_through_time_curve(run.model, x, y)
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def bench_one(name: str, template: RunConfig, arch: str, repeats: int, probe_size: int) -> dict:
    """Median epoch time with recording off and on, epochs interleaved after one warm-up each."""
    task = make_task(template.data)
    recording = diagnostics.GradientRecording(probe_size)  # the callback the app and the CLI train with
    off, on = (train(run_config(template, arch, repeats + 1, record), task, callbacks=[recording])
               for record in (False, True))
    next(off), next(on)  # epoch 0: evaluation only
    off_ms, on_ms = [], []
    for i in range(repeats + 1):  # the first pair is the warm-up
        pair = (off, on) if i % 2 else (on, off)  # alternate who goes first
        (sec_a, rec_a), (sec_b, _) = (timed_epoch(r) for r in pair)
        sec_off, sec_on = (sec_a, sec_b) if pair[0] is off else (sec_b, sec_a)
        if i:
            off_ms.append(1000 * sec_off)
            on_ms.append(1000 * sec_on)
    # the median of per-pair ratios: a burst of load elsewhere hits both epochs of a pair
    ratio = statistics.median(b / a for a, b in zip(off_ms, on_ms, strict=True))
    off_med, probe = statistics.median(off_ms), probe_ms(on, recording.recorders[on])
    return {"config": name, "arch": arch, "steps": rec_a["steps"], "probe_size": len(recording.recorders[on].x),
            "off_ms": off_med, "on_ms": statistics.median(on_ms), "ratio": ratio, "probe_ms": probe,
            "probe_share": probe / off_med, "ok": ratio <= TARGET}


HEADER = (f"{'config':<8}{'arch':<6}{'steps/ep':>9}{'off ms/ep':>11}{'on ms/ep':>10}{'ratio':>8}"
          f"{'probe ms':>10}{'probe/ep':>10}  target")


def table_row(r: dict) -> str:
    mark = "✓" if r["ok"] else "✗"
    return (f"{r['config']:<8}{r['arch']:<6}{r['steps']:>9}{r['off_ms']:>11.1f}{r['on_ms']:>10.1f}{r['ratio']:>8.3f}"
            f"{r['probe_ms']:>10.1f}{r['probe_share']:>10.1%}  ≤ {TARGET:.2f} {mark}")


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a seconds-long smoke run")
    parser.add_argument("--repeats", type=int, default=None, help="timed epochs per run (default 7; 1 quick)")
    parser.add_argument("--configs", nargs="+", choices=list(CONFIGS), default=list(CONFIGS))
    parser.add_argument("--archs", nargs="+", choices=ARCHS, default=list(ARCHS))
    parser.add_argument("--probe-size", type=int, default=diagnostics.PROBE_SIZE, help="sequences in the probe")
    parser.add_argument("--threads", type=int, default=default_threads(), help="torch threads (default: all cores)")
    parser.add_argument("--json", type=Path, help="also write the rows to this file")
    args = parser.parse_args(argv)
    repeats = args.repeats or (1 if args.quick else 7)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {repeats} timed epochs per run, "
          f"probe of {args.probe_size} sequences")
    print(HEADER)
    rows = []
    for name in args.configs:
        for arch in args.archs:
            rows.append(bench_one(name, (QUICK if args.quick else CONFIGS)[name], arch, repeats, args.probe_size))
            print(table_row(rows[-1]), flush=True)  # row by row: a long run shows progress
    worst = max(rows, key=lambda r: r["ratio"])
    print(f"worst ratio: {worst['ratio']:.3f} ({worst['config']}/{worst['arch']})")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
