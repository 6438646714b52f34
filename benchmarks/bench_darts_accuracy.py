"""Accuracy against a peer: seqlab's LSTM and GRU against Darts' RNNModel, test MSE in the data's own units.

On the sine task and on one shipped real series (Mauna Loa CO2, weekly), with the same split (70/15/15 in time
order), the same window (50 steps), hidden size (64), one layer, batch 64, Adam lr 1e-2, gradient clipping at 1.0
and the same number of epochs, over 3 seeds:
- seqlab trains with its defaults, the forecasting transforms included (DataConfig target and log "auto": the
  change from the last value on CO2, the level on the sine), and is scored on every test window one step ahead;
- Darts trains `RNNModel` (input_chunk_length = training_length = the window) on its own recommended scaling,
  `darts.dataprocessing.transformers.Scaler` (scikit-learn's MinMaxScaler) fitted on the training part, with the
  validation part as `val_series`, and is scored with `historical_forecasts(start=first test step,
  forecast_horizon=1, retrain=False)`: one step ahead from every test origin, the same targets seqlab scores,
  turned back into the data's units with the same Scaler.

The figure is seqlab's median test MSE over the seeds divided by Darts' (goal: at most 1.0).

    benchmarks/.darts-venv/bin/python benchmarks/bench_darts_accuracy.py [--quick] [--epochs N] [--seeds N]
        [--tasks sine co2] [--archs lstm gru] [--json PATH]

Darts lives only in its own environment (`bash benchmarks/darts_env.sh`); without it this says so and stops.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.analysis.evaluate import evaluate  # noqa: E402
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.training.loop import train  # noqa: E402

MAKE_ENV = "bash benchmarks/darts_env.sh, then run it with benchmarks/.darts-venv/bin/python"
DEFAULT = {"window": 50, "hidden": 64, "batch": 64, "lr": 1e-2, "clip": 1.0, "epochs": 10, "seeds": 3}
QUICK = {"window": 10, "hidden": 8, "batch": 32, "lr": 1e-2, "clip": 1.0, "epochs": 1, "seeds": 1}
DARTS_NAMES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}
TARGET = 1.0  # seqlab's median test MSE over Darts', at most


def data_config(task: str, settings: dict) -> DataConfig:
    return DataConfig(task=task, length=settings["window"], n_samples=2000, seed=0)


def seqlab_mse(task_name: str, arch: str, seed: int, settings: dict) -> float:
    run = RunConfig(data_config(task_name, settings),
                    ModelConfig(arch=arch, hidden_size=settings["hidden"]),
                    TrainConfig(epochs=settings["epochs"], batch_size=settings["batch"], lr=settings["lr"],
                                clip=settings["clip"], seed=seed))
    task = make_task(run.data)
    training = train(run, task)
    for _ in training:
        pass
    return float(evaluate(training.model, task, "test")["mse"])


def darts_mse(task_name: str, arch: str, seed: int, settings: dict) -> float:
    from darts import TimeSeries
    from darts.dataprocessing.transformers import Scaler
    from darts.models import RNNModel

    task = make_task(data_config(task_name, settings))
    values = task.series["value"].to_numpy().astype(np.float32)
    a, b = task.split_index
    series = TimeSeries.from_values(values)
    scaler = Scaler()  # Darts' default: MinMaxScaler, fitted on the training part only
    scaler.fit(series[:a])
    scaled = scaler.transform(series)
    with tempfile.TemporaryDirectory(prefix="seqlab-darts-") as work_dir, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = RNNModel(
            input_chunk_length=settings["window"], training_length=settings["window"], model=DARTS_NAMES[arch],
            hidden_dim=settings["hidden"], n_rnn_layers=1, dropout=0.0, batch_size=settings["batch"],
            n_epochs=settings["epochs"], optimizer_cls=torch.optim.Adam, optimizer_kwargs={"lr": settings["lr"]},
            random_state=seed, work_dir=work_dir, save_checkpoints=False, log_tensorboard=False,
            pl_trainer_kwargs={"accelerator": "cpu", "gradient_clip_val": settings["clip"],
                               "enable_progress_bar": False, "enable_model_summary": False, "logger": False,
                               "enable_checkpointing": False})
        model.fit(scaled[:a], val_series=scaled[a - settings["window"]:b], verbose=False)
        forecast = model.historical_forecasts(scaled, start=b, forecast_horizon=1, retrain=False,
                                              last_points_only=True, verbose=False)
    predicted = scaler.inverse_transform(forecast).values()[:, 0].astype(np.float64)
    truth = values[b:b + len(predicted)].astype(np.float64)
    if len(predicted) != len(values) - b:
        raise RuntimeError(f"Darts forecast {len(predicted)} test steps, not {len(values) - b}")
    return float(np.mean((predicted - truth) ** 2))


def bench(task_name: str, arch: str, settings: dict) -> dict:
    seeds = range(settings["seeds"])
    ours = [seqlab_mse(task_name, arch, s, settings) for s in seeds]
    theirs = [darts_mse(task_name, arch, s, settings) for s in seeds]
    ratio = statistics.median(ours) / statistics.median(theirs)
    return {"task": task_name, "arch": arch, "seqlab_mse": ours, "darts_mse": theirs, "ratio": ratio,
            "ok": ratio <= TARGET}


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny sizes, one seed, one epoch: a smoke run")
    p.add_argument("--epochs", type=int, help=f"epochs (default {DEFAULT['epochs']})")
    p.add_argument("--seeds", type=int, help=f"seeds 0..N-1 (default {DEFAULT['seeds']})")
    p.add_argument("--tasks", nargs="+", default=["sine", "co2"], choices=["sine", "co2", "airline", "sunspots",
                                                                           "seattle", "msft"])
    p.add_argument("--archs", nargs="+", default=["lstm", "gru"], choices=list(DARTS_NAMES))
    p.add_argument("--json", type=Path, help="write the figures here")
    a = p.parse_args(argv)
    if importlib.util.find_spec("darts") is None:
        print(f"Darts is not installed in this Python: nothing to compare. To compare, {MAKE_ENV}.")
        return {"darts_version": None, "rows": []}
    import logging

    import darts

    for name in ("pytorch_lightning", "lightning", "lightning.pytorch", "lightning.fabric", "darts"):
        logging.getLogger(name).setLevel(logging.ERROR)
    settings = dict(QUICK if a.quick else DEFAULT)
    settings["epochs"] = a.epochs or settings["epochs"]
    settings["seeds"] = a.seeds or settings["seeds"]
    torch.set_num_threads(1)
    print(f"Darts {darts.__version__}, torch {torch.__version__}, 1 thread; {settings}")
    print(f"{'task':<8}{'arch':<6}{'seqlab median MSE':>19}{'Darts median MSE':>18}{'ratio':>8}  target")
    rows = []
    for task_name in a.tasks:
        for arch in a.archs:
            row = bench(task_name, arch, settings)
            rows.append(row)
            print(f"{task_name:<8}{arch:<6}{statistics.median(row['seqlab_mse']):>19.4g}"
                  f"{statistics.median(row['darts_mse']):>18.4g}{row['ratio']:>8.3f}  ≤ {TARGET:.1f} "
                  f"{'✓' if row['ok'] else '✗'}", flush=True)
    result = {"darts_version": darts.__version__, "torch_version": torch.__version__, "settings": settings,
              "rows": rows, "worst_ratio": max(r["ratio"] for r in rows)}
    if a.json:
        a.json.write_text(json.dumps(result, indent=2))
    return result


if __name__ == "__main__":
    main()
