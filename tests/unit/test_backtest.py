"""Rolling-origin backtests and the error against horizon (issue 15): folds that add up to the single split's
score, the spread for models and baselines alike, direct against recursive, and the bad inputs."""

import numpy as np
import pytest

from seqlab.analysis import backtest
from seqlab.analysis.evaluate import baseline_scores, evaluate
from seqlab.charts.forecast import backtest_chart, horizon_chart
from seqlab.cli import main
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.data.task import DataError
from seqlab.training.loop import train


@pytest.fixture(scope="module")
def trained():
    cfg = RunConfig(DataConfig(task="airline", length=12, horizon=3), ModelConfig(hidden_size=8),
                    TrainConfig(epochs=2))
    task = make_task(cfg.data)
    run = train(cfg, task)
    for _ in run:
        pass
    return run, task


def test_folds_cover_every_origin_and_average_to_the_single_split(trained):
    run, task = trained
    errors = backtest.window_errors([run], task)
    assert len(errors) == len(task.x_test)
    per_fold = backtest.folds(errors, 2)
    sizes = [len(part) for part in np.array_split(np.arange(len(errors)), 2)]
    for label, whole in [(run.label, evaluate(run.model, task, "test")["mse"]),
                         ("persistence", baseline_scores(task)["persistence"]["mse"])]:
        fold_mse = per_fold[per_fold["label"] == label]["mse"].to_numpy()
        assert np.average(fold_mse, weights=sizes) == pytest.approx(whole, rel=1e-4)
    summary = backtest.summary(per_fold)
    assert {"LSTM", "persistence", "Holt-Winters"} <= set(summary["label"])
    row = summary[summary["label"] == "LSTM"].iloc[0]
    assert row["mse min"] <= row["mse mean"] <= row["mse max"] and row["beats persistence"].endswith("of 2")


def test_too_many_folds_or_out_of_range_are_refused_with_the_reason(trained):
    run, task = trained
    errors = backtest.window_errors([run], task)
    with pytest.raises(ValueError, match="between 2 and 20 folds"):
        backtest.folds(errors, 1)
    with pytest.raises(ValueError, match="too few for 20 folds"):
        backtest.folds(errors.head(5), 20)


def test_direct_and_recursive_agree_one_step_ahead_and_baselines_are_scored_at_every_step(trained):
    run, task = trained
    errors = backtest.horizon_errors([run], task)
    assert set(errors["horizon"]) == {1, 2, 3}
    lstm = errors[errors["label"] == "LSTM"].pivot(index="horizon", columns="method", values="mse")
    assert lstm.loc[1, "direct"] == pytest.approx(lstm.loc[1, "recursive"], rel=1e-5)  # the same first output
    truth = task.series["value"].to_numpy()
    b = task.split_index[1]
    last = truth[b - 1: b - 1 + len(task.x_test)]
    persistence = errors[errors["label"] == "persistence"].set_index("horizon")["mse"]
    for h in (1, 2, 3):
        assert persistence[h] == pytest.approx(np.mean((truth[b + h - 1: b + h - 1 + len(last)] - last) ** 2),
                                               rel=1e-4)


def test_the_charts_render(trained):
    run, task = trained
    per_fold = backtest.folds(backtest.window_errors([run], task), 3)
    assert backtest_chart(per_fold, "thousands").to_dict()["layer"]
    assert horizon_chart(backtest.horizon_errors([run], task), "thousands").to_dict()["mark"]["type"] == "line"


def test_a_horizon_longer_than_the_test_part_is_refused_with_what_to_do():
    with pytest.raises(DataError, match="a horizon of 25 steps is longer than the (validation|test) part"):
        make_task(DataConfig(task="airline", length=12, horizon=25))


def test_the_cli_refuses_a_bad_backtest_in_one_line(capsys):
    assert main(["compare", "--task", "airline", "--backtest", "1"]) == 2
    assert "--backtest must be between 2 and 20" in capsys.readouterr().err
    assert main(["compare", "--task", "adding", "--backtest", "3", "--epochs", "1"]) == 2
    assert "--backtest is for forecasting a series" in capsys.readouterr().err


def test_the_cli_prints_the_backtest_and_the_error_against_horizon(capsys):
    code = main(["compare", "--task", "airline", "--archs", "gru", "--epochs", "1", "--length", "12",
                 "--horizon", "2", "--backtest", "3", "--quiet"])
    out = capsys.readouterr().out
    assert code == 0 and "Rolling-origin backtest" in out and "GRU recursive" in out and "Holt-Winters" in out
