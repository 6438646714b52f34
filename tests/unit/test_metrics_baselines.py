import math

import numpy as np
import pytest

from seqlab.analysis import baselines, metrics


def test_mase_by_hand():
    train = np.array([1.0, 3.0, 2.0, 5.0])  # naive errors 2, 1, 3: scale 2
    assert metrics.mase([4.0, 6.0], [5.0, 5.0], train) == pytest.approx(0.5)
    assert metrics.rmse([0, 0], [3, 4]) == pytest.approx(math.sqrt(12.5))


def test_bits_per_character_is_cross_entropy_over_ln2():
    m = metrics.token_metrics(1.7, 0.4)
    assert m["bits_per_char"] == pytest.approx(1.7 / math.log(2)) and m["perplexity"] == pytest.approx(math.exp(1.7))


def test_persistence_and_seasonal_naive_repeat_the_right_values():
    x = np.arange(12.0).reshape(2, 6)
    assert np.array_equal(baselines.persistence(x, 2), [[5, 5], [11, 11]])
    assert np.array_equal(baselines.seasonal_naive(x, 3, season=4), [[2, 3, 4], [8, 9, 10]])
    with pytest.raises(ValueError, match="window"):
        baselines.seasonal_naive(x, 1, season=7)


def test_linear_baseline_recovers_a_linear_rule_exactly():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(50, 4))
    y = (x @ np.array([1.0, -2.0, 0.5, 3.0]) + 0.7)[:, None]
    assert np.allclose(baselines.linear(x, baselines.fit_linear(x, y)), y)


def test_better_respects_the_direction_of_each_metric():
    assert metrics.better("mse", 1.0, 2.0) and metrics.better("accuracy", 0.9, 0.8)
    assert not metrics.better("mse", float("nan"), 2.0)


def test_beating_a_baseline_by_a_hair_does_not_count():
    assert not metrics.better("mse", 0.1529, 0.1530, metrics.CLEAR_MARGIN)
    assert metrics.better("mse", 0.15, 0.1530, metrics.CLEAR_MARGIN)
    assert not metrics.better("accuracy", 0.101, 0.1, metrics.CLEAR_MARGIN)
    assert metrics.better("accuracy", 0.2, 0.1, metrics.CLEAR_MARGIN)


def test_a_text_of_one_repeated_character_scores_its_baselines_0_bits_not_minus_0():
    from seqlab.analysis.evaluate import baseline_scores, loss_baseline
    from seqlab.config import DataConfig
    from seqlab.data import make_task

    task = make_task(DataConfig(task="text", corpus="upload", length=20, n_samples=200), b"a" * 5000)
    scores = baseline_scores(task)
    assert "symbol frequencies" in scores
    for name, score in scores.items():
        for key in ("cross_entropy", "bits_per_char"):
            assert score[key] == 0 and math.copysign(1, score[key]) == 1, (name, key)  # -0.0 is written "-0"
            assert f"{score[key]:.3g}" == "0"
    assert math.copysign(1, loss_baseline(task)[0]) == 1 and math.copysign(1, task.baseline_loss) == 1


def test_nats_clamps_rounding_below_zero_and_keeps_nan():
    from seqlab.analysis.metrics import nats, token_metrics
    assert f"{nats(-0.0):g}" == "0" and nats(-1e-17) == 0 and nats(0.7) == 0.7 and math.isnan(nats(math.nan))
    assert f"{token_metrics(-0.0, 1.0)['bits_per_char']:g}" == "0"
