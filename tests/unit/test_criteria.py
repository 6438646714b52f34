"""The three levels per kind of task, fed numbers on either side of each bar, and their count over seeds."""

import math

import pytest

from seqlab.analysis import criteria
from seqlab.analysis.criteria import LEARNED, NO_BETTER, SOLVED


@pytest.mark.parametrize("mse, expected", [
    (0.177, NO_BETTER),  # seed 2 of the adding problem: 1 % below the baseline is scatter, not learning
    (0.171, NO_BETTER),  # 4.5 % below: still within the margin
    (0.169, LEARNED),  # 5.6 % below
    (1 / 12, LEARNED),  # uses one of the two numbers: half the baseline's MSE
    (0.0180, LEARNED),  # just above a tenth of 0.179
    (0.0178, SOLVED),
    (0.0008, SOLVED),
    (math.nan, NO_BETTER),  # a diverged run
])
def test_adding_levels_against_the_trivial_baseline(mse, expected):
    assert criteria.level("exact", mse, 0.179) == expected


@pytest.mark.parametrize("ce, expected", [(0.39, NO_BETTER), (0.37, LEARNED), (0.045, LEARNED), (0.035, SOLVED)])
def test_copy_memory_levels_against_the_blank_strategy(ce, expected):
    assert criteria.level("exact", ce, 0.39) == expected  # blank strategy at T=100: 10 ln 8 / 120 = 0.17


@pytest.mark.parametrize("mse, strongest, expected", [
    (7.7, 7.0, NO_BETTER),  # 3.75 % below persistence's 8.0
    (7.5, 7.0, LEARNED),  # beats persistence, but skill 0.06 < 0.10
    (7.1, 7.0, LEARNED),  # skill 0.11, but the linear forecast is better
    (6.9, 7.0, LEARNED),  # skill 0.14, but only 1.4 % below the linear forecast: a tie, not a win
    (6.6, 7.0, SOLVED),  # skill 0.175 and 5.7 % below every baseline
    (6.6, 8.0, SOLVED),  # persistence itself the strongest: skill decides
    (7.3, 8.0, LEARNED),  # skill 0.0875 < 0.10
    (5.0, None, LEARNED),  # no strongest baseline given: a bar that cannot be checked is not met
])
def test_forecast_levels_need_skill_over_persistence_and_a_clear_win_over_every_baseline(mse, strongest, expected):
    assert criteria.level("forecast", mse, 8.0, strongest) == expected


def test_forecast_skill_score():
    assert criteria.skill(6.0, 8.0) == pytest.approx(0.25) and math.isnan(criteria.skill(1.0, 0.0))


@pytest.mark.parametrize("accuracy, expected", [
    (0.14, NO_BETTER),  # 4 points above the commonest digit's 10 %
    (0.16, LEARNED),
    (0.77, LEARNED),  # the best pixel reader on main: far from the 97 % of a model that sees all 64 pixels
    (0.921, SOLVED),  # within 5 points of it
    (0.99, SOLVED),
])
def test_classification_levels_against_chance_and_the_order_free_model(accuracy, expected):
    assert criteria.level("classification", accuracy, 0.10, 0.97) == expected


def test_a_classifier_is_not_solved_without_an_order_free_score():
    assert criteria.level("classification", 0.99, 0.5, None) == LEARNED
    assert criteria.level("classification", 0.99, 0.5, math.nan) == LEARNED


@pytest.mark.parametrize("bits, expected", [
    (4.50, NO_BETTER),  # 3.8 % below symbol frequencies' 4.68
    (2.96, LEARNED),  # the demo's RNN after 5 epochs: far below frequencies, above the 5-gram
    (2.35, LEARNED),  # below the 5-gram's 2.44, but by less than 5 %
    (2.30, SOLVED),
])
def test_text_levels_against_frequencies_and_the_counted_ngram(bits, expected):
    # in bits here; the criterion reads any unit as long as the three numbers share it
    assert criteria.level("text", bits, 4.68, 2.44) == expected


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind must be one of"):
        criteria.level("poetry", 1.0, 2.0)


def test_the_bars_say_the_numbers():
    text = criteria.bars("exact", "MSE", "training mean", 0.168)
    assert text == ("Solved means a test MSE below 0.0168 (10% of the training mean baseline's 0.168); learned "
                    "something, below 0.16 (5% under it).")
    text = criteria.bars("classification", "accuracy", "class frequencies", 0.1, "bag of words", 0.8)
    assert "at least 75.0%" in text and "above 15.0%" in text


def test_count_levels_names_every_level_best_first():
    counts = criteria.count_levels([SOLVED, NO_BETTER, SOLVED])
    assert counts == {SOLVED: 2, LEARNED: 0, NO_BETTER: 1} and list(counts) == list(criteria.LEVELS)


def test_the_seeds_sentence_counts_and_says_when_seeds_disagree():
    text = criteria.seeds_sentence({"GRU": [SOLVED] * 5, "LSTM": [SOLVED] * 2 + [LEARNED] * 2 + [NO_BETTER],
                                    "RNN": [NO_BETTER] * 5})
    assert text == ("GRU solved the task in 5 of 5 seeds; LSTM in 2 of 5 (learned something in 2, no better than "
                    "the baseline in 1); RNN in 0 of 5 (no better than the baseline in 5). The seeds disagree for "
                    "LSTM: one run of it is not enough to judge.")
    assert "disagree" not in criteria.seeds_sentence({"GRU": [LEARNED] * 3})
