"""Colour by meaning: a verdict, a problem and a demo's conclusion are green only when the news is good."""

import pandas as pd
import pytest

from seqlab import demos
from seqlab.analysis.criteria import LEARNED, NO_BETTER, SOLVED
from seqlab.analysis.report import ERROR, INFO, SUCCESS, WARNING, Report, problem_tone, verdict, verdict_tone


def forecast_table(models, linear=0.5, seeds=None):
    """Models as (label, mse, level); persistence at 1.0 and the linear baseline at `linear`."""
    rows = [{"label": label, "kind": "model", "mse": mse, "level": level, "beats_baseline": level != NO_BETTER,
             "seed": (seeds or {}).get(i, 0)} for i, (label, mse, level) in enumerate(models)]
    rows += [{"label": "persistence", "kind": "baseline", "mse": 1.0},
             {"label": "linear", "kind": "baseline", "mse": linear}]
    table = pd.DataFrame(rows)
    table.attrs.update(headline="mse", baseline="persistence", strongest="linear", criterion="forecast")
    return table


def test_a_network_that_learned_and_beats_every_baseline_is_good_news():
    table = forecast_table([("LSTM", 0.4, LEARNED), ("RNN", 1.2, NO_BETTER)], linear=0.6)
    assert verdict_tone(table) == SUCCESS


def test_a_linear_baseline_beating_every_network_is_a_warning_not_a_success():
    table = forecast_table([("LSTM", 0.7, LEARNED), ("GRU", 0.8, LEARNED)], linear=0.5)
    assert "the linear baseline does better than every model" in verdict(table)
    assert verdict_tone(table) == WARNING


def test_no_network_better_than_the_baseline_is_a_warning():
    assert verdict_tone(forecast_table([("RNN", 1.1, NO_BETTER), ("GRU", 1.05, NO_BETTER)], linear=2.0)) == WARNING


def test_seeds_that_mostly_did_not_learn_are_information_not_success():
    models = [("GRU", 0.4, LEARNED), ("GRU", 1.1, NO_BETTER), ("GRU", 1.2, NO_BETTER)]
    table = forecast_table(models, linear=2.0, seeds={0: 0, 1: 1, 2: 2})
    assert verdict_tone(table) == INFO
    table.loc[1, ["mse", "level"]] = [0.5, SOLVED]  # two of three learned: good news
    assert verdict_tone(table) == SUCCESS


def test_the_seeds_mean_decides_whether_a_baseline_beats_every_network():
    models = [("GRU", 0.3, LEARNED), ("GRU", 0.9, LEARNED)]  # mean 0.6, worse than the linear 0.5
    table = forecast_table(models, linear=0.5, seeds={0: 0, 1: 1})
    assert "does better than every model" in verdict(table) and verdict_tone(table) == WARNING


@pytest.mark.parametrize("problem, tone", [
    ("RNN diverged: the validation loss became nan in epoch 3; lower the learning rate", ERROR),
    ("LSTM out of time: the wall-time budget of 300 s ran out in epoch 7", WARNING),
    ("GRU: the test scores cover the first 100 of 200 test sequences, as its wall-time budget ran out", WARNING),
])
def test_a_divergence_is_an_error_and_a_run_cut_short_a_warning(problem, tone):
    assert problem_tone(problem) == tone


def forecast_report(table) -> Report:
    return Report("t", pd.DataFrame(), table, None, "", None, verdict(table), (), "", "")


def test_the_forecast_demo_is_green_only_when_its_story_held_and_no_baseline_beats_every_network():
    demo = demos.BY_KEY["forecast"]
    held = forecast_report(forecast_table([("LSTM", 0.4, LEARNED)], linear=0.6))
    assert demos.conclusion_tone(demo, held) == SUCCESS
    linear_wins = forecast_report(forecast_table([("LSTM", 0.7, LEARNED)], linear=0.5))
    assert demos.conclusion_tone(demo, linear_wins) == INFO
    failed = forecast_report(forecast_table([("LSTM", 1.2, NO_BETTER)], linear=0.5))
    assert demos.conclusion_tone(demo, failed) == WARNING
