"""Each demo's check says the story held only when every part of it did, at the thresholds it names."""

import pandas as pd
import pytest

from seqlab.analysis import demo_checks
from seqlab.analysis.report import Report
from seqlab.config import RunConfig


def report(rows, headline, baseline, history=None) -> Report:
    table = pd.DataFrame(rows)
    table.attrs.update(headline=headline, baseline=baseline)
    return Report("t", pd.DataFrame(history or []), table, None, "", None, "", (), "", "")


def adding(rnn=0.16, lstm=0.001, gru=0.001, rnn_decay=-9.0, bar=0.167):
    rows = [{"label": label, "kind": "model", "mse": value, "beats_baseline": value < 0.99 * bar}
            for label, value in (("RNN", rnn), ("LSTM", lstm), ("GRU", gru))]
    rows.append({"label": "training mean", "kind": "baseline", "mse": bar, "beats_baseline": None})
    curves = {"RNN": [0.0, rnn_decay / 2, rnn_decay], "LSTM": [0.0, -0.5, -1.0], "GRU": [0.0, -0.2, -0.4]}
    history = [{"label": label, "arch": label.lower(), "epoch": epoch, "grad_through_time": curve}
               for epoch in (0, 1) for label, curve in curves.items()]
    return report(rows, "mse", "training mean", history)


def test_forgetting_holds_when_the_rnn_stays_at_the_baseline_and_both_gated_cells_solve_it():
    assert demo_checks.forgetting_held(adding())


@pytest.mark.parametrize("case", [
    dict(rnn=0.14),  # the RNN learned a little: 84% of the baseline
    dict(lstm=0.02),  # the LSTM left the baseline but did not solve it (12% of it)
    dict(rnn_decay=-0.3),  # the RNN's gradient reached the first step better than the GRU's (10^-0.4)
])
def test_forgetting_fails_when_any_part_of_the_story_fails(case):
    assert not demo_checks.forgetting_held(adding(**case))


def test_forgetting_counts_the_rnn_at_the_baseline_even_when_it_beats_it_by_one_percent():
    assert demo_checks.forgetting_held(adding(rnn=0.177, bar=0.179))


def digits(rnn, lstm, gru):
    rows = [{"label": label, "kind": "model", "accuracy": value} for label, value in
            (("RNN", rnn), ("LSTM", lstm), ("GRU", gru))]
    return report(rows, "accuracy", "class frequencies")


def test_memory_needs_every_gated_cell_three_points_above_the_rnn():
    assert demo_checks.memory_held(digits(0.60, 0.64, 0.70))
    assert not demo_checks.memory_held(digits(0.60, 0.62, 0.90))


def test_the_forecast_check_asks_whether_any_network_beats_persistence():
    rows = [{"label": "LSTM", "kind": "model", "mse": 9.0, "beats_baseline": False},
            {"label": "GRU", "kind": "model", "mse": 7.0, "beats_baseline": True},
            {"label": "persistence", "kind": "baseline", "mse": 8.0, "beats_baseline": None}]
    assert demo_checks.forecast_held(report(rows, "mse", "persistence"))
    rows[1]["beats_baseline"] = False
    assert not demo_checks.forecast_held(report(rows, "mse", "persistence"))


def text_report(rnn_beats=True):
    rows = [{"label": "RNN", "kind": "model", "bits_per_char": 2.1, "beats_baseline": rnn_beats},
            {"label": "LSTM", "kind": "model", "bits_per_char": 2.0, "beats_baseline": True},
            {"label": "symbol frequencies", "kind": "baseline", "bits_per_char": 3.2, "beats_baseline": None}]
    return report(rows, "bits_per_char", "symbol frequencies")


def test_spelling_needs_more_real_words_from_every_model_and_every_model_above_symbol_frequencies():
    words = {"the", "value"}
    learned = {"RNN": [(0, "The zq kk"), (5, "The value xx")], "LSTM": [(0, "The zq"), (5, "The the value")]}
    assert demo_checks.spelling_held(text_report(), learned, words)
    assert not demo_checks.spelling_held(text_report(rnn_beats=False), learned, words)
    stuck = {**learned, "RNN": [(0, "The value xx"), (5, "The value xx")]}
    assert not demo_checks.spelling_held(text_report(), stuck, words)
    assert not demo_checks.spelling_held(text_report(), {"LSTM": learned["LSTM"]}, words)  # the RNN wrote nothing


def test_a_seed_sets_the_generated_data_and_the_weights_alike():
    run = demo_checks.seeded(RunConfig(), 7)
    assert (run.data.seed, run.train.seed) == (7, 7) and run.model == RunConfig().model
