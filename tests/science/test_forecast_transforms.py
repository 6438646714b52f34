"""Issue 15: with the default transforms, a network is within 5% of persistence on every shipped real series
(median test MSE over 5 seeds) and beats it on CO2 and the airline passengers.

The LSTM alone is trained (the cheaper of the two cells that `python -m seqlab compare --archs lstm,gru` trains):
the claim is about the best network, so one network holding it is the stricter check. Settings as in the issue's
table: 20 epochs, 30 for the airline series."""

import dataclasses

import pandas as pd
import pytest

from seqlab.analysis.evaluate import results_table
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.presets import comparison_runs
from seqlab.training.parallel import Parallel

SEEDS = range(5)
WITHIN = 1.05  # the best network's median test MSE over persistence's, at most
EPOCHS = {"seattle": 20, "co2": 20, "airline": 30, "sunspots": 20, "msft": 20}
MUST_BEAT = ("co2", "airline")


def median_ratio(task_name: str) -> tuple[float, pd.DataFrame]:
    template = RunConfig(DataConfig(task=task_name), ModelConfig(arch="lstm"), TrainConfig(epochs=EPOCHS[task_name]))
    task = make_task(dataclasses.replace(template.data, seed=0))
    session = Parallel(comparison_runs(template, ["lstm"], SEEDS), task, workers=2, threads=1)
    for _ in session:
        pass
    table = results_table(session.runs, task)
    models = table[table["kind"] == "model"]
    persistence = float(table.loc[table["label"] == "persistence", "mse"].iloc[0])
    return float(models["mse"].median()) / persistence, models[["seed", "mse"]]


@pytest.mark.slow
@pytest.mark.parametrize("task_name", list(EPOCHS))
def test_default_transforms_keep_networks_near_or_ahead_of_persistence(task_name):
    ratio, seeds = median_ratio(task_name)
    print(f"\n{task_name}: median LSTM test MSE / persistence = {ratio:.3f}\n{seeds.to_string(index=False)}")
    assert ratio <= WITHIN, f"{task_name}: the median LSTM is {ratio:.3f}x persistence's test MSE"
    if task_name in MUST_BEAT:
        assert ratio < 1.0, f"{task_name}: the median LSTM does not beat persistence ({ratio:.3f}x)"
