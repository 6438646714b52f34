"""Time per epoch: seqlab against Darts' RNNModel on the same sine series and settings, side by side.

Both train one architecture on the Lab's default series (seqlab's noisy sine mixture, 2000 points,
split 70/15/15 in time order and standardised on the training part) with the same settings: a window
of 50 steps, hidden 64, one layer, batch 64, Adam lr 1e-2, gradient-norm clipping at 1.0, float32,
one validation pass per epoch, one torch thread (the app's setting). Darts gets the same scaled values
as float32 `TimeSeries` (a float64 series would make it train in double precision): the training
part, and the validation part with the 50 steps before it, so both score the same 300 targets and
take the same 22 steps an epoch. Darts' RNNModel runs the RNN over `training_length` = 50 steps and
scores every step's one-step forecast; seqlab scores the last. The recurrent work is the same.

Darts (PyTorch Lightning underneath) runs with its defaults except: no progress bar, no model
summary, no logger, no checkpointing (`pl_trainer_kwargs`), `save_checkpoints=False` and
`log_tensorboard=False` (its defaults), `fit(verbose=False)`, and its work_dir in a temporary folder.

Two figures per architecture, from whole runs that alternate (seqlab, Darts, Darts, seqlab, ...)
after a warm-up run of each:
- per epoch (the headline): the median epoch, training plus validation, skipping each run's first;
  for Darts from a Lightning callback (`on_train_epoch_start` to `on_train_epoch_end`), so its
  one-off setup (Trainer, data sets, sanity check) is left out;
- whole run: model built to last epoch done, divided by the epochs: what a user waits for.
The ratio is Darts / seqlab: how many times faster seqlab is. Both call the same torch kernels on the
same shapes, so what separates them is framework cost per step (Darts' Python data set and collation,
Lightning's loop, hooks and closure), shown as Darts' extra milliseconds per step: the cheaper the step
(RNN rather than GRU, a smaller `--hidden`), the larger the ratio.

Darts is installed only in the benchmark's own environment (`bash benchmarks/darts_env.sh`); run

    benchmarks/.darts-venv/bin/python benchmarks/bench_darts.py [--quick] [--repeats N] [--epochs N]
        [--hidden N] [--archs rnn lstm gru] [--threads N] [--json PATH]

Under a Python without Darts it times seqlab's side alone and says how to make the environment.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.config import RECURRENT_ARCHS as ARCHS  # noqa: E402
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

TARGET = 1.5  # seqlab should be at least 1.5 times as fast per epoch
MAKE_ENV = "bash benchmarks/darts_env.sh, then run it with benchmarks/.darts-venv/bin/python"
DEFAULT = {"points": 2000, "window": 50, "hidden": 64, "layers": 1, "batch": 64, "lr": 1e-2, "clip": 1.0,
           "epochs": 10}
QUICK = {"points": 300, "window": 10, "hidden": 8, "layers": 1, "batch": 32, "lr": 1e-2, "clip": 1.0, "epochs": 2}
DARTS_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def have_darts() -> bool:
    return importlib.util.find_spec("darts") is not None


def seqlab_run(settings: dict, arch: str) -> RunConfig:
    return RunConfig(data=DataConfig(task="sine", n_samples=settings["points"], length=settings["window"]),
                     model=ModelConfig(arch=arch, hidden_size=settings["hidden"], num_layers=settings["layers"]),
                     train=TrainConfig(epochs=settings["epochs"], batch_size=settings["batch"], lr=settings["lr"],
                                       clip=settings["clip"], seed=0))


def seqlab_fit(run: RunConfig, task) -> dict:
    """Train with seqlab; seconds of each epoch (training and validation) and of the whole run."""
    start = time.perf_counter()
    training = train(run, task)
    next(training)  # epoch 0 scores the untrained model: setup, like Darts' sanity check
    epochs, steps = [], 0
    while not training.finished:
        began = time.perf_counter()
        record = next(training)
        epochs.append(time.perf_counter() - began)
        steps = record["steps"]
    if training.status != "done":
        raise RuntimeError(f"seqlab's run ended early: {training.reason}")
    return {"epoch_s": epochs, "total_s": time.perf_counter() - start, "steps": steps}


def darts_values(task, window: int) -> tuple[np.ndarray, np.ndarray]:
    """The task's own scaled values, float32: the training part, and validation with its look-back window."""
    z = task.scaler.transform(task.series["value"].to_numpy()).astype(np.float32)
    a, b = task.split_index
    return z[:a], z[a - window:b]


def darts_series(task, window: int):
    from darts import TimeSeries

    return tuple(TimeSeries.from_values(values) for values in darts_values(task, window))


def quiet_lightning() -> None:
    """Lightning's banners (GPU available, tips) go to logging; keep only errors (after its import sets INFO)."""
    import pytorch_lightning  # noqa: F401

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning.fabric", "darts"):
        logging.getLogger(name).setLevel(logging.ERROR)


def darts_fit(settings: dict, arch: str, series) -> dict:
    """Train Darts' RNNModel; seconds of each epoch (from Lightning's hooks) and of the whole fit."""
    import pytorch_lightning as pl
    from darts.models import RNNModel

    class EpochTimer(pl.Callback):
        def __init__(self):
            self.epoch_s, self.batches, self._began = [], 0, 0.0

        def on_train_epoch_start(self, trainer, module):
            self.batches, self._began = 0, time.perf_counter()

        def on_train_batch_start(self, trainer, module, batch, batch_idx):
            self.batches += 1

        def on_train_epoch_end(self, trainer, module):  # Lightning 2 validates before this hook
            self.epoch_s.append(time.perf_counter() - self._began)

    timer = EpochTimer()
    train_series, val_series = series
    with tempfile.TemporaryDirectory(prefix="seqlab-darts-") as work_dir, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pin_memory without a GPU, Lightning deprecations
        start = time.perf_counter()
        model = RNNModel(
            input_chunk_length=settings["window"], training_length=settings["window"], model=DARTS_NAMES[arch],
            hidden_dim=settings["hidden"], n_rnn_layers=settings["layers"], dropout=0.0,
            batch_size=settings["batch"], n_epochs=settings["epochs"], optimizer_cls=torch.optim.Adam,
            optimizer_kwargs={"lr": settings["lr"]}, random_state=0, work_dir=work_dir,
            save_checkpoints=False, log_tensorboard=False,
            pl_trainer_kwargs={"accelerator": "cpu", "gradient_clip_val": settings["clip"],
                               "enable_progress_bar": False, "enable_model_summary": False, "logger": False,
                               "enable_checkpointing": False, "callbacks": [timer]},
        )
        model.fit(train_series, val_series=val_series, verbose=False)
        total = time.perf_counter() - start
    if len(timer.epoch_s) != settings["epochs"]:
        raise RuntimeError(f"Darts trained {len(timer.epoch_s)} epochs, not {settings['epochs']}")
    return {"epoch_s": timer.epoch_s, "total_s": total, "steps": timer.batches}


def steady(epoch_s: list[float]) -> list[float]:
    """A run's epochs without its first (allocations, lazy initialisation), when it has more than one."""
    return epoch_s[1:] if len(epoch_s) > 1 else epoch_s


def bench_arch(arch: str, settings: dict, repeats: int, with_darts: bool) -> dict:
    """Alternate whole seqlab and Darts runs of one architecture, after a warm-up of each."""
    run = seqlab_run(settings, arch)
    task = make_task(run.data)
    series = darts_series(task, settings["window"]) if with_darts else None
    fits = {"seqlab": lambda: seqlab_fit(run, task), "darts": lambda: darts_fit(settings, arch, series)}
    names = ["seqlab", "darts"] if with_darts else ["seqlab"]
    results = {name: [] for name in names}
    for name in names:  # warm-up, not counted
        fits[name]()
    for i in range(repeats):
        for name in names if i % 2 == 0 else names[::-1]:
            results[name].append(fits[name]())
    row = {"arch": arch, "epochs": settings["epochs"], "repeats": repeats, "steps": results["seqlab"][0]["steps"]}
    for name in ("seqlab", "darts"):
        runs = results.get(name)
        row[f"{name}_epoch_s"] = statistics.median(s for r in runs for s in steady(r["epoch_s"])) if runs else None
        per_epoch = [r["total_s"] / settings["epochs"] for r in runs or ()]
        row[f"{name}_run_epoch_s"] = statistics.median(per_epoch) if runs else None
    if with_darts:
        if results["darts"][0]["steps"] != row["steps"]:
            raise RuntimeError(f"steps per epoch differ: seqlab {row['steps']}, Darts {results['darts'][0]['steps']}")
        row["speedup"] = row["darts_epoch_s"] / row["seqlab_epoch_s"]
        row["speedup_run"] = row["darts_run_epoch_s"] / row["seqlab_run_epoch_s"]
        # Darts' extra time per step: its framework cost, since the recurrent kernels are the same torch ones
        row["darts_extra_ms_per_step"] = 1000 * (row["darts_epoch_s"] - row["seqlab_epoch_s"]) / row["steps"]
        row["ok"] = row["speedup"] >= TARGET
    else:
        row.update(speedup=None, speedup_run=None, darts_extra_ms_per_step=None, ok=None)
    return row


HEADER = (f"{'arch':<6}{'steps/ep':>9}{'seqlab s/ep':>12}{'Darts s/ep':>11}{'ratio':>7}"
          f"{'seqlab run s/ep':>16}{'Darts run s/ep':>15}{'ratio':>7}{'Darts extra ms/step':>20}  target")


def table_row(r: dict) -> str:
    if r["speedup"] is None:
        return f"{r['arch']:<6}{r['steps']:>9}{r['seqlab_epoch_s']:>12.3f}{'-':>11}{'-':>7}" \
               f"{r['seqlab_run_epoch_s']:>16.3f}{'-':>15}{'-':>7}{'-':>20}  Darts not installed"
    mark = "✓" if r["ok"] else "✗"
    return (f"{r['arch']:<6}{r['steps']:>9}{r['seqlab_epoch_s']:>12.3f}{r['darts_epoch_s']:>11.3f}{r['speedup']:>7.2f}"
            f"{r['seqlab_run_epoch_s']:>16.3f}{r['darts_run_epoch_s']:>15.3f}{r['speedup_run']:>7.2f}"
            f"{r['darts_extra_ms_per_step']:>20.2f}  ≥ {TARGET:.1f} {mark}")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes: a seconds-long smoke run")
    p.add_argument("--repeats", type=int, default=None, help="timed runs of each (default 3; 1 quick)")
    p.add_argument("--epochs", type=int, help="epochs per run (default 10; 2 quick)")
    p.add_argument("--hidden", type=int, help="hidden units (default 64; 8 quick): the smaller, the more "
                                              "Darts' per-step overhead shows")
    p.add_argument("--archs", nargs="+", choices=ARCHS, default=list(ARCHS))
    p.add_argument("--threads", type=int, default=1, help="torch threads (default 1, as the app trains)")
    p.add_argument("--json", type=Path, help="write the figures here")
    a = p.parse_args(argv)
    settings = dict(QUICK if a.quick else DEFAULT)
    settings["epochs"] = a.epochs or settings["epochs"]
    settings["hidden"] = a.hidden or settings["hidden"]
    repeats = a.repeats or (1 if a.quick else 3)
    threads = torch.get_num_threads()
    torch.set_num_threads(a.threads)
    with_darts = have_darts()
    version = None
    if with_darts:
        import darts

        version = darts.__version__
        quiet_lightning()
    try:
        print(f"torch {torch.__version__}, {torch.get_num_threads()} thread(s), Darts {version or 'not installed'}; "
              f"{settings}, {repeats} timed run(s) of each")
        print(HEADER)
        rows = []
        for arch in a.archs:
            rows.append(bench_arch(arch, settings, repeats, with_darts))
            print(table_row(rows[-1]), flush=True)
    finally:
        torch.set_num_threads(threads)
    result = {"darts_version": version, "torch_version": torch.__version__, "threads": a.threads,
              "settings": settings, "rows": rows}
    if with_darts:
        worst = min(rows, key=lambda r: r["speedup"])
        result.update(speedup=worst["speedup"], worst_arch=worst["arch"], ok=worst["ok"])
        print(f"seqlab is {worst['speedup']:.2f}x as fast per epoch as Darts at worst ({worst['arch']}); "
              f"target ≥ {TARGET}: {'met' if worst['ok'] else 'NOT met'}")
    else:
        result.update(speedup=None, worst_arch=None, ok=None)
        print(f"Darts is not installed in this Python: only seqlab's side was timed. To compare, {MAKE_ENV}.")
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
