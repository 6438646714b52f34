"""The guided demos' conclusions are read from the results: the story is confirmed only when the numbers agree."""

import math

import pandas as pd
import pytest

from seqlab import demos
from seqlab.analysis.criteria import LEARNED, NO_BETTER, SOLVED
from seqlab.analysis.report import Report


def report(rows, headline, baseline, history=None) -> Report:
    table = pd.DataFrame(rows)
    table.attrs.update(headline=headline, baseline=baseline)
    return Report("t", pd.DataFrame(history or []), table, None, "", None, "a verdict.", (), "", "")


def adding(rnn_beats: bool, rnn_decay=-9.0):
    rows = [{"label": "RNN", "kind": "model", "mse": 0.1 if rnn_beats else 0.17,
             "level": LEARNED if rnn_beats else NO_BETTER},
            {"label": "LSTM", "kind": "model", "mse": 0.01, "level": SOLVED},
            {"label": "GRU", "kind": "model", "mse": 0.001, "level": SOLVED},
            {"label": "training mean", "kind": "baseline", "mse": 0.168, "level": None}]
    curves = {"RNN": [0.0, rnn_decay / 2, rnn_decay], "LSTM": [0.0, -0.5, -1.0], "GRU": [0.0, -0.2, -0.4]}
    history = [{"label": label, "arch": label.lower(), "epoch": epoch, "grad_through_time": curve}
               for epoch in (0, 1) for label, curve in curves.items()]
    return report(rows, "mse", "training mean", history)


def test_the_forgetting_story_is_confirmed_with_the_measured_decay():
    text = demos.conclude_forgetting(adding(rnn_beats=False))
    assert text.startswith("As the story goes") and "2 steps back" in text
    assert "RNN: 10^-9.0 of it" in text and "LSTM: 10^-1.0 of it" in text and "(solved)" in text
    assert "RNN: 10^-9.0 of it, test MSE 0.17 (no better than the baseline)" in text


def test_the_forgetting_story_does_not_hold_when_a_gated_cell_only_learned_something():
    case = adding(rnn_beats=False)
    case.table.loc[case.table["label"] == "LSTM", "level"] = LEARNED
    assert demos.conclude_forgetting(case).startswith("This time the story did not hold")


@pytest.mark.parametrize("case", [dict(rnn_beats=True), dict(rnn_beats=False, rnn_decay=-0.1)])
def test_the_forgetting_story_is_contradicted_when_the_rnn_learns_or_keeps_its_gradient(case):
    assert demos.conclude_forgetting(adding(**case)).startswith("This time the story did not hold")


def digits(rnn, lstm, gru):
    rows = [{"label": name, "kind": "model", "accuracy": value, "level": LEARNED}
            for name, value in (("RNN", rnn), ("LSTM", lstm), ("GRU", gru))]
    rows += [{"label": "class frequencies", "kind": "baseline", "accuracy": 0.1},
             {"label": "logistic regression on all 64 pixels at once", "kind": "baseline", "accuracy": 0.97}]
    made = report(rows, "accuracy", "class frequencies")
    made.table.attrs["strongest"] = "logistic regression on all 64 pixels at once"
    return made


@pytest.mark.parametrize("values, lead", [((0.6, 0.7, 0.8), "As the story goes"), ((0.6, 0.61, 0.8), "Only partly"),
                                          ((0.8, 0.7, 0.75), "Not this time")])
def test_the_memory_story_follows_the_accuracies(values, lead):
    text = demos.conclude_memory(digits(*values))
    assert text.startswith(lead) and f"RNN {values[0]:.0%} (learned something)" in text
    assert "commonest digit: 10%" in text and "A logistic regression on all 64 pixels at once names 97%" in text


def test_the_forecast_says_no_when_persistence_wins():
    rows = [{"label": "LSTM", "kind": "model", "mse": 9.0, "level": NO_BETTER},
            {"label": "persistence", "kind": "baseline", "mse": 8.0, "level": None}]
    assert demos.conclude_forecast(report(rows, "mse", "persistence")).startswith("No: this time none of the networks")
    rows[0].update(mse=6.0, level=SOLVED)
    assert demos.conclude_forecast(report(rows, "mse", "persistence")).startswith(
        "Yes: LSTM beats persistence, by 25% on test MSE. ")
    rows[0].update(level=LEARNED)  # e.g. the linear forecast is better still: not solved
    assert "enough to have learned something but not to call it solved" in demos.conclude_forecast(
        report(rows, "mse", "persistence"))


def test_spelling_counts_real_words_of_the_text():
    words = {"the", "return", "value"}
    assert demos.word_share("the retrn value x", words) == pytest.approx(2 / 3)
    assert math.isnan(demos.word_share("1 2 3 !", words))
    samples = {"LSTM": [(0, "The Zq8 kk"), (3, "The return value")], "RNN": [(0, "The Zq8 kk"), (3, "The xx yy")]}
    text = demos.conclude_spelling(None, samples, words)
    assert text.startswith("Partly: only LSTM") and "LSTM 100% after epoch 3 (untrained: 0%)" in text


def test_every_demo_links_to_a_page_with_settings_it_knows():
    from seqlab.app import share

    for demo in demos.DEMOS:
        values, ignored = share.parse_query(share.BY_PAGE[demo.page], share.demo_query(demo))
        assert not ignored and len(demo.runs) == len(demo.archs) * len(demo.attention) * len(demo.seeds)
        assert len(demo.seeds) >= 2


def test_spelling_sets_the_networks_beside_what_counting_alone_reaches():
    rows = [{"label": "GRU", "kind": "model", "bits_per_char": 2.96, "level": LEARNED},
            {"label": "symbol frequencies", "kind": "baseline", "bits_per_char": 4.68},
            {"label": "character 5-gram", "kind": "baseline", "bits_per_char": 2.44}]
    made = report(rows, "cross_entropy", "symbol frequencies")
    made.table.attrs.update(criterion="text", strongest="character 5-gram")
    text = demos.conclude_spelling(made, {"GRU": [(0, "The x"), (5, "The the")]}, {"the"})
    assert text.endswith("a character 5-gram counted from the training text needs 2.44 bits per character; the "
                         "networks: GRU 2.96 (learned something): counting alone still predicts better than every "
                         "network.")
