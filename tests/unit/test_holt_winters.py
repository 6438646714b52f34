"""The Holt-Winters baseline (issue 15): fitted on the training part only, forecasting from every origin with its
parameters fixed, in tables and verdicts; a fit that fails or cannot see a season falls back visibly."""

import warnings

import numpy as np
import pandas as pd

from seqlab.analysis import baselines, holt_winters
from seqlab.analysis.evaluate import baseline_notes, baseline_scores
from seqlab.charts.training import is_baseline
from seqlab.config import DataConfig
from seqlab.data.task import SeriesData
from seqlab.data.windows import forecast_task, split_points


def seasonal(n=240, season=12, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return 50 + 0.2 * t + 5 * np.sin(2 * np.pi * t / season) + rng.standard_normal(n)


def task_of(values, season=12, **cfg):
    frame = pd.DataFrame({"t": np.arange(len(values)), "v": values})
    return forecast_task(SeriesData("s", frame, "t", ("v",), "v"), DataConfig(length=24, **cfg), "s", season)


def test_multi_step_forecasts_match_statsmodels_from_each_origin_with_fixed_parameters():
    values = seasonal()
    fitted = holt_winters.fit(values[:160], 12)
    assert fitted.season == 12 and fitted.trend and fitted.note == ""
    origins = np.array([159, 170, 200])
    ours = holt_winters.forecasts(fitted, values, origins, 3)
    alpha, beta, gamma, phi, level0, trend0, seasons0 = fitted.params
    for row, origin in zip(ours, origins, strict=True):
        model = holt_winters._model(values[: origin + 1], True, 12, initialization_method="known",
                                    initial_level=level0, initial_trend=trend0, initial_seasonal=np.array(seasons0))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = model.fit(smoothing_level=alpha, smoothing_trend=beta, smoothing_seasonal=gamma,
                               damping_trend=phi, optimized=False).forecast(3)
        assert np.allclose(row, theirs)


def test_the_parameters_come_from_the_training_part_only():
    values = seasonal()
    a, _ = split_points(len(values), DataConfig())
    poisoned = values.copy()
    poisoned[a:] += 1e4
    assert holt_winters.fit(values[:a], 12).params == holt_winters.fit(poisoned[:a], 12).params


def test_it_is_a_baseline_in_the_table_and_beats_persistence_on_a_seasonal_series():
    scores = baseline_scores(task_of(seasonal()))
    assert scores[baselines.HOLT_WINTERS]["mse"] < scores["persistence"]["mse"]
    assert is_baseline(baselines.HOLT_WINTERS)


def test_a_season_longer_than_half_the_training_part_is_dropped_with_a_note():
    notes = baseline_notes(task_of(seasonal(), season=100))
    assert any("fewer than two seasons of 100 steps" in n for n in notes)


def test_a_fit_that_does_not_converge_falls_back_and_says_so(monkeypatch):
    from statsmodels.tools.sm_exceptions import ConvergenceWarning

    real = holt_winters._model

    class Failing:
        def __init__(self, model):
            self.model = model

        def fit(self, **kw):
            warnings.warn("Optimization failed to converge.", ConvergenceWarning, stacklevel=2)

    monkeypatch.setattr(holt_winters, "_model", lambda v, trend, season, **kw:
                        Failing(real(v, trend, season, **kw)) if season else real(v, trend, season, **kw))
    holt_winters._fit_cached.cache_clear()
    try:
        fitted = holt_winters.fit(seasonal(seed=1)[:160], 12)
    finally:
        holt_winters._fit_cached.cache_clear()
    assert fitted.season is None and fitted.trend
    assert "failed to fit (Optimization failed to converge.)" in fitted.note and "so it uses a damped trend" in \
        fitted.note


def test_a_logged_fit_is_dropped_with_a_note_when_later_values_reach_zero():
    values = np.exp(np.linspace(0, 3, 240)) + seasonal() - 40  # positive and growing in the training years
    values[-5] = -1.0
    task = task_of(values, log="off")
    assert baselines.HOLT_WINTERS not in baseline_scores(task)
    assert any("reach zero or below" in n for n in baseline_notes(task))
