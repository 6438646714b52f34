"""Time per training step of a translation model: seqlab's TrainingRun against a plain PyTorch loop of the same
modules (seqlab.models.seq2seq.Seq2Seq: embeddings, fused encoder and decoder, attention, head).

Both train a copy of the same model (same weights) on the same dates, with the same batch, Adam, clipping and
randperm shuffling. Only the training part of each epoch is timed (seqlab's record says how long its steps took;
its validation also decodes greedily for exact match, which the plain loop does not do). Epochs alternate
(seqlab, plain, ...) after a warm-up each; the median ms per step is the figure. Target: within 5 %.

    .venv/bin/python benchmarks/bench_translation.py [--quick] [--repeats N] [--json PATH]

The demo's click-to-conclusion time is bench_demos.py's: `benchmarks/bench_demos.py --demos attention`.
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
sys.path.insert(0, str(Path(__file__).resolve().parent))  # bench_resources, for its peak-memory readers

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.models.recurrent import build_model  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

TARGET = 1.05
CASES = {  # name -> (arch, attention, hidden, batch, pairs): the demo's setting and two more
    "gru+attention": ("gru", True, 64, 64, 2000),
    "gru": ("gru", False, 64, 64, 2000),
    "lstm+attention": ("lstm", True, 128, 64, 2000),
}
CPU_VAL = 8  # validation rows when timing CPU: seqlab's whole epoch is timed, its scoring then costs next to nothing
QUICK = {name: (arch, attention, 8, 16, 128) for name, (arch, attention, *_) in CASES.items()}


def run_config(spec: tuple, epochs: int) -> RunConfig:
    arch, attention, hidden, batch, pairs = spec
    return RunConfig(data=DataConfig(task="dates", n_samples=pairs),
                     model=ModelConfig(arch=arch, hidden_size=hidden, embedding_dim=16, attention=attention),
                     train=TrainConfig(epochs=epochs, batch_size=batch, lr=1e-2, clip=1.0, seed=0))


def plain_epoch(model, opt, task, batch: int, clip: float, shuffle: torch.Generator,
                clock=time.perf_counter) -> tuple[int, float]:
    """One epoch of a hand-written loop; (steps, seconds on `clock`)."""
    x, y = task.x_train, task.y_train
    model.train()
    started, steps = clock(), 0
    for idx in torch.randperm(len(x), generator=shuffle).split(batch):
        opt.zero_grad(set_to_none=True)
        _, loss = model(x[idx], y[idx])
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), clip)
        opt.step()
        steps += 1
    return steps, clock() - started


def bench_one(name: str, spec: tuple, repeats: int, cpu: bool = False) -> dict:
    """Median ms per step of each. `cpu`: this thread's CPU time instead of the wall clock, which other processes
    on a busy machine inflate; seqlab's epoch is then timed whole, its validation cut to CPU_VAL rows."""
    run = run_config(spec, epochs=repeats + 2)
    task = make_task(run.data)
    if cpu:
        task = dataclasses.replace(task, x_val=task.x_val[:CPU_VAL], y_val=task.y_val[:CPU_VAL])
    seqlab_run = train(run, task)
    plain = build_model(run.model, task)
    plain.load_state_dict(seqlab_run.model.state_dict())  # the same weights before any step
    opt = torch.optim.Adam(plain.parameters(), lr=run.train.lr)
    shuffle = torch.Generator().manual_seed(run.train.seed)
    next(seqlab_run)  # epoch 0 scores the untrained model
    seqlab_ms, plain_ms = [], []
    for i in range(repeats + 1):  # the first pair warms up
        started = time.thread_time()
        record = next(seqlab_run)
        seqlab_seconds = time.thread_time() - started if cpu else record["seconds"]
        clock = time.thread_time if cpu else time.perf_counter
        steps, seconds = plain_epoch(plain, opt, task, run.train.batch_size, run.train.clip, shuffle, clock)
        assert steps == record["steps"], (steps, record["steps"])
        if i:
            seqlab_ms.append(1000 * seqlab_seconds / record["steps"])
            plain_ms.append(1000 * seconds / steps)
    p, s = statistics.median(plain_ms), statistics.median(seqlab_ms)
    return {"case": name, "steps": steps, "plain_ms": p, "seqlab_ms": s, "ratio": s / p, "ok": s / p <= TARGET}


# (arch, attention, batch, source length, target length, hidden): one training step of each, in its own process
MEMORY_CASES = [("gru", True, 256, 40, 11, 256), ("lstm", True, 512, 60, 20, 128), ("gru", False, 256, 40, 11, 256)]


def memory_child(case: list) -> dict:
    """One training step of a translation model here: its measured peak (bytes above the start) and the estimate."""
    import bench_resources as bench

    from seqlab import resources
    from seqlab.data.task import Task

    arch, attention, batch, source, target, hidden = case
    torch.set_num_threads(1)
    torch.manual_seed(0)
    start = bench._rss()
    x, y = torch.randint(1, 80, (batch, source)), torch.randint(1, 14, (batch, target))
    task = Task("bench", "bench", "translation", x, y, x, y, x[:0], y[:0], 80, 14, "", "", target_vocab=("",) * 14)
    run = RunConfig(data=DataConfig(task="dates"),
                    model=ModelConfig(arch=arch, hidden_size=hidden, attention=attention),
                    train=TrainConfig(batch_size=batch))
    model = build_model(run.model, task)
    optimizer = torch.optim.Adam(model.parameters())
    model(x, y)[1].backward()
    optimizer.step()
    estimated = resources.estimate(run, resources.Shape.of(task)).peak_bytes
    return {"case": " ".join(map(str, case)), "measured": bench._peak_rss() - start, "estimated": estimated}


def measure_memory(case) -> dict:
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--memory-child", json.dumps(list(case))], capture_output=True,
                         text=True, check=True, env={**__import__("os").environ, "OMP_NUM_THREADS": "1"})
    row = json.loads(out.stdout.strip().splitlines()[-1])
    row["ratio"] = row["estimated"] / row["measured"]
    return row


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--quick", action="store_true")
    p.add_argument("--json", type=Path)
    p.add_argument("--cpu", action="store_true", help="time this thread's CPU, not the wall clock (a busy machine)")
    p.add_argument("--memory", action="store_true", help="the pre-flight estimate against measured peaks instead")
    p.add_argument("--memory-child", help=argparse.SUPPRESS)
    a = p.parse_args(argv)
    if a.memory_child:
        print(json.dumps(memory_child(json.loads(a.memory_child))))
        return []
    if a.memory:
        rows = [measure_memory(case) for case in MEMORY_CASES]
        for r in rows:
            print(f"{r['case']:<28} measured {r['measured'] / 2**20:>7.0f} MB  estimated "
                  f"{r['estimated'] / 2**20:>7.0f} MB  ratio {r['ratio']:.2f}")
        if a.json:
            a.json.write_text(json.dumps(rows, indent=1))
        return rows
    torch.set_num_threads(1)
    cases = QUICK if a.quick else CASES
    rows = [bench_one(name, spec, 1 if a.quick else a.repeats, a.cpu) for name, spec in cases.items()]
    print(f"{'case':<16}{'steps/ep':>9}{'plain ms/step':>15}{'seqlab ms/step':>16}{'ratio':>8}  target ≤ {TARGET}")
    for r in rows:
        print(f"{r['case']:<16}{r['steps']:>9}{r['plain_ms']:>15.2f}{r['seqlab_ms']:>16.2f}{r['ratio']:>8.3f}  "
              + ("ok" if r["ok"] else "over"))
    if a.json:
        a.json.write_text(json.dumps(rows, indent=1))
    return rows


if __name__ == "__main__":
    main()
