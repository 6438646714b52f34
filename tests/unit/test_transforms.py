"""Forecasting transforms (issue 15): what "auto" picks from the training part only, that the model's output stays
a forecast of the series, that metrics and baselines stay in the data's own units, and the bad inputs."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
import torch

from seqlab.analysis.evaluate import baseline_scores, evaluate, to_units
from seqlab.config import DataConfig, ModelConfig, RunConfig
from seqlab.data import transforms
from seqlab.data.task import DataError, SeriesData
from seqlab.data.windows import forecast_task, split_points
from seqlab.models.recurrent import build_model


def series(values) -> SeriesData:
    values = np.asarray(values, dtype=float)
    return SeriesData("test", pd.DataFrame({"t": np.arange(len(values)), "v": values}), "t", ("v",), "v")


def growing(n=300, seed=0):
    rng = np.random.default_rng(seed)
    return 100 * np.exp(np.cumsum(0.01 + 0.02 * rng.standard_normal(n)))


def test_auto_picks_log_and_change_for_a_positive_growing_series():
    chosen = transforms.choose(growing(), "auto", "auto")
    assert (chosen.target, chosen.log) == ("change", True)
    assert "log" in chosen.reason and "change" in chosen.reason


def test_auto_keeps_the_level_of_a_series_without_trend_and_no_log_where_values_reach_zero():
    values = np.sin(np.arange(400) / 5) * 10 + 9  # goes below 0
    chosen = transforms.choose(values, "auto", "auto")
    assert (chosen.target, chosen.log) == ("level", False)


def test_auto_decides_on_the_training_part_only():
    cfg = DataConfig(length=10)
    n = 400
    a, _ = split_points(n, cfg)
    values = np.sin(np.arange(n) / 5) + 5.0
    values[a:] += np.linspace(0, 1e3, n - a)  # a trend only after the training years
    task = forecast_task(series(values), cfg, "test")
    assert task.target == "level" and not task.scaler.log


def test_choices_by_hand_are_kept_and_give_no_reason():
    chosen = transforms.choose(growing(), "window-scaled", "off")
    assert (chosen.target, chosen.log, chosen.reason) == ("window-scaled", False, "")


@pytest.mark.parametrize("target", ["change", "window-scaled"])
def test_a_network_that_outputs_zero_forecasts_the_window_reference(target):
    """The network's output is added back to (and scaled by) its window: zero from the head means the last value
    for "change" and the window mean for "window-scaled"; the model's output is always the series' level."""
    task = forecast_task(series(growing()), DataConfig(length=20, target=target, log="off"), "test")
    model = build_model(ModelConfig(hidden_size=8), task)
    with torch.no_grad():
        model.head.weight.zero_()
        model.head.bias.zero_()
        out, _ = model(task.x_test)
    x = task.x_test[:, :, 0]
    expected = x[:, -1] if target == "change" else x.mean(1)
    assert torch.allclose(out[:, 0], expected, atol=1e-5)


def test_change_reads_and_writes_changes_in_units_of_the_training_steps():
    task = forecast_task(series(growing()), DataConfig(length=20, target="change", log="off"), "test")
    z = task.scaler.transform(task.series["value"].to_numpy()[: task.split_index[0]])
    assert task.transform.step == pytest.approx(np.diff(z).std(), rel=1e-4)
    encoded, _ = transforms.encode(task.x_train, task.transform)
    assert float(encoded[:, -1].abs().max()) == 0.0  # every window relative to its last value


def test_log_metrics_and_baselines_stay_in_the_data_units():
    values = growing()
    logged = forecast_task(series(values), DataConfig(length=20, target="change", log="on"), "test")
    plain = forecast_task(series(values), DataConfig(length=20, target="level", log="off"), "test")
    b = logged.split_index[1]
    truth = to_units(logged, logged.y_test[:, 0])
    assert np.allclose(truth, values[b: b + len(truth)], rtol=1e-5)  # exp of the log undone
    logged_scores, plain_scores = baseline_scores(logged), baseline_scores(plain)
    assert logged_scores.keys() == plain_scores.keys()
    for name, scores in plain_scores.items():  # the baselines ignore the transform
        assert logged_scores[name]["mse"] == pytest.approx(scores["mse"], rel=1e-4)
    model = build_model(ModelConfig(hidden_size=8), logged)
    scores = evaluate(model, logged, "test")
    predicted = to_units(logged, model(logged.x_test)[0].detach()[:, 0])
    assert scores["mse"] == pytest.approx(float(np.mean((predicted - truth) ** 2)), rel=1e-4)


def test_log_on_a_series_with_zeros_says_to_turn_it_off():
    values = growing()
    values[5] = 0.0
    with pytest.raises(DataError, match="log transform needs values above zero"):
        forecast_task(series(values), DataConfig(length=20, log="on"), "test")


def test_auto_log_falls_back_visibly_when_later_values_reach_zero():
    values = growing()
    values[-3] = -1.0  # after the training years
    task = forecast_task(series(values), DataConfig(length=20), "test")
    assert not task.scaler.log
    assert any("no log" in note and "zero or below" in note for note in task.notes)


def test_the_config_checks_the_transform_fields_and_old_configs_keep_the_level():
    with pytest.raises(ValueError, match="DataConfig.target must be one of auto, level, change, window-scaled"):
        DataConfig(target="difference")
    with pytest.raises(ValueError, match="DataConfig.log must be one of auto, on, off"):
        DataConfig(log="yes")
    old = RunConfig.from_dict({"data": {"task": "co2"}, "model": {}, "train": {}})
    assert (old.data.target, old.data.log) == ("level", "off")  # saved before the transforms: trained on the level
    new = RunConfig.from_dict(RunConfig().to_dict())
    assert (new.data.target, new.data.log) == ("auto", "auto")


def test_the_predictions_sentence_says_what_the_network_predicts():
    said = transforms.Transform("change", True).describe("thousands")
    assert "change from the last value" in said and "log" in said and "thousands" in said
    assert "the next value itself" in dataclasses.replace(transforms.Transform(), log=False).describe()


def test_the_cli_sets_the_transforms_and_writes_them_back():
    from seqlab.cli import _parser, command_for, main, run_configs

    runs = run_configs(_parser().parse_args(["compare", "--task", "co2", "--target", "window-scaled", "--log", "on"]))
    assert (runs[0].data.target, runs[0].data.log) == ("window-scaled", "on")
    assert "--target window-scaled --log on" in command_for(runs[0])
    assert main(["compare", "--task", "co2", "--target", "delta"]) == 2  # a clear one-line error, no traceback


def test_a_link_carries_the_transforms_of_a_series_only():
    from seqlab.app.share import LAB, parse_query, to_query

    values, ignored = parse_query(LAB, {"task": "airline", "target": "change", "log_transform": "bogus"})
    assert values["target"] == "change" and "log_transform" not in values and any("log_transform" in i for i in ignored)
    assert to_query(LAB, {"task": "adding", "target": "change"}) == {"task": "adding"}
