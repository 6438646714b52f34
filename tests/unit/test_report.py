"""The report every results view reads: predictions by task kind, the verdict, problems, exports."""

import json

import pandas as pd
import pytest

from seqlab.analysis.report import summarise, verdict
from seqlab.data import make_task
from seqlab.training.loop import train_interleaved
from tests.helpers import tiny_run


def trained(task_name, archs=("rnn", "lstm"), **train):
    runs = [tiny_run(task_name, arch, **train) for arch in archs]
    task = make_task(runs[0].data)
    training = train_interleaved(runs, task)
    for _ in training:
        pass
    return training, task


def table(rows, headline="mse", baseline="persistence"):
    frame = pd.DataFrame(rows)
    frame.attrs.update(headline=headline, baseline=baseline)
    return frame


def test_a_forecast_report_has_one_and_multi_step_predictions_and_exports():
    training, task = trained("sine")
    report = summarise(training.runs, task)
    assert report.predictions_kind == "forecast"
    assert set(report.predictions["mode"]) == {"one-step", "multi-step"}
    assert {"truth", "persistence", "RNN", "LSTM"} <= set(report.predictions["series"])
    assert report.loss_baseline[1] == "persistence" and report.problems == ()
    assert json.loads(report.results_json)["format"] == "seqlab-results/1"
    assert len(pd.read_csv(pd.io.common.StringIO(report.history_csv))) == len(report.history) == 2 * 3


def test_a_synthetic_regression_report_plots_truth_against_prediction():
    training, task = trained("adding")
    report = summarise(training.runs, task)
    assert report.predictions_kind == "scatter"
    assert set(report.predictions.columns) == {"label", "truth", "predicted"}
    value, name = report.loss_baseline  # the table's reference row, with its validation loss
    assert name == report.table.attrs["baseline"] == "training mean"
    assert value == report.table.set_index("label").loc[name, "val_loss"]


def test_token_tasks_have_no_prediction_chart_but_a_verdict():
    training, task = trained("copy")
    report = summarise(training.runs, task)
    assert report.predictions is None and report.predictions_kind == ""
    assert report.verdict


def test_a_diverged_run_is_reported_with_its_reason():
    training, task = trained("sine", lr=10.0, optimizer="sgd", clip=0.0)
    report = summarise(training.runs, task)
    assert report.problems and all("diverged" in p and "learning rate" in p for p in report.problems)


def test_the_verdict_gives_each_models_level_with_its_value_and_the_bars():
    rows = [{"label": "LSTM", "kind": "model", "mse": 0.01, "level": "solved"},
            {"label": "GRU", "kind": "model", "mse": 0.09, "level": "learned something"},
            {"label": "RNN", "kind": "model", "mse": 0.2, "level": "no better than the baseline"},
            {"label": "persistence", "kind": "baseline", "mse": 0.1, "level": None}]
    frame = table(rows)
    frame.attrs.update(criterion="forecast", strongest="persistence")
    text = verdict(frame)
    assert text.startswith("Levels on test MSE: LSTM solved the task (0.01); GRU learned something but did not "
                           "solve it (0.09); RNN is no better than persistence (0.2 against 0.1).")
    assert "Solved means a skill of at least 0.10 over persistence (a test MSE below 0.09)" in text


def test_the_verdict_says_so_when_no_model_learned_anything():
    rows = [{"label": "GRU", "kind": "model", "accuracy": 0.1, "level": "no better than the baseline"},
            {"label": "LSTM", "kind": "model", "accuracy": 0.12, "level": "no better than the baseline"},
            {"label": "class frequencies", "kind": "baseline", "accuracy": 0.1, "level": None}]
    assert verdict(table(rows, "accuracy", "class frequencies")) == (
        "Levels on test accuracy: GRU and LSTM are no better than class frequencies (GRU 0.1, LSTM 0.12 against 0.1).")


def test_a_classifier_report_holds_each_runs_confusion_matrix_and_mistakes():
    training, task = trained("digits")
    report = summarise(training.runs, task)
    assert list(report.confusion) == list(report.mistakes) == ["RNN", "LSTM"]
    for label, confusion in report.confusion.items():
        assert len(confusion) == 10 * 10 and confusion["count"].sum() == len(task.x_test)
        wrong = report.mistakes[label]
        assert (wrong["true"] != wrong["predicted"]).all() and len(wrong) <= 12
        assert all(image.shape == (8, 8) for image in wrong["image"])


def test_a_forecast_report_has_no_classifier_views():
    training, task = trained("sine")
    report = summarise(training.runs, task)
    assert report.confusion == {} and report.mistakes == {}


def test_the_text_task_lists_its_frequency_baseline_once_then_the_counted_ngrams():
    training, task = trained("text", archs=("gru",), epochs=1)
    report = summarise(training.runs, task)
    baselines = report.table.query("kind == 'baseline'")["label"].tolist()
    assert baselines == ["symbol frequencies", "character 3-gram", "character 5-gram"]
    assert report.table.attrs["baseline"] == "symbol frequencies"  # the bar for "learned something"
    assert report.loss_baseline[1] in baselines[1:]  # the loss chart's rule: the better n-gram on validation
    assert "But the character" in report.verdict and "counting which characters follow" in report.verdict


def test_the_verdict_says_when_another_baseline_beats_every_model():
    rows = [{"label": "LSTM", "kind": "model", "mse": 0.02, "level": "learned something"},
            {"label": "GRU", "kind": "model", "mse": 0.03, "level": "learned something"},
            {"label": "persistence", "kind": "baseline", "mse": 0.07, "level": None},
            {"label": "linear", "kind": "baseline", "mse": 0.012, "level": None},
            {"label": "window mean", "kind": "baseline", "mse": 0.7, "level": None}]
    text = verdict(table(rows))
    assert text.startswith("Levels on test MSE: LSTM and GRU learned something") and "But the linear baseline does " \
                                                                               "better than every model (0.012)" in text
    rows[3]["mse"] = 0.025  # better than GRU, not than LSTM: nothing more to say
    assert "But" not in verdict(table(rows))


def test_for_accuracy_a_stronger_baseline_is_a_higher_one():
    rows = [{"label": "GRU", "kind": "model", "accuracy": 0.6, "level": "learned something"},
            {"label": "class frequencies", "kind": "baseline", "accuracy": 0.1, "level": None},
            {"label": "bag of words", "kind": "baseline", "accuracy": 0.8, "level": None}]
    frame = table(rows, "accuracy", "class frequencies")
    frame.attrs.update(criterion="classification", strongest="bag of words")
    text = verdict(frame)
    assert "within 5 points of the bag of words baseline's 80.0%" in text
    assert "But the bag of words baseline does better than every model (0.8): it sees the whole input at once" in text
    rows[2]["accuracy"] = 0.5
    assert "But" not in verdict(table(rows, "accuracy", "class frequencies"))


def seeded_table(mse: dict[str, list[float]], levels: dict[str, list[str]]) -> pd.DataFrame:
    rows = [{"label": label, "kind": "model", "seed": s, "mse": v, "level": levels[label][s]}
            for label, values in mse.items() for s, v in enumerate(values)]
    rows.append({"label": "training mean", "kind": "baseline", "mse": 0.168})
    table = pd.DataFrame(rows)
    table.attrs.update(headline="mse", baseline="training mean", strongest="training mean", criterion="exact")
    return table


def test_a_verdict_over_seeds_counts_each_level_and_says_when_seeds_disagree():
    from seqlab.analysis import criteria

    s, n = criteria.SOLVED, criteria.NO_BETTER
    table = seeded_table({"RNN": [0.17, 0.168, 0.169], "LSTM": [0.001, 0.16, 0.002], "GRU": [0.001, 0.002, 0.001]},
                         {"RNN": [n, n, n], "LSTM": [s, n, s], "GRU": [s, s, s]})
    text = verdict(table)
    assert "RNN solved the task in 0 of 3 seeds" in text and "LSTM in 2 of 3" in text and "GRU in 3 of 3" in text
    assert "seeds disagree for LSTM" in text and "±" in text


def test_the_seed_summary_gives_mean_sd_and_k_of_n():
    from seqlab.analysis import criteria
    from seqlab.analysis.evaluate import seed_summary

    s, n = criteria.SOLVED, criteria.NO_BETTER
    summary = seed_summary(seeded_table({"LSTM": [0.1, 0.3]}, {"LSTM": [s, n]}))
    row = summary.iloc[0]
    assert row["seeds"] == 2 and row["mse"] == pytest.approx(0.2) and row["mse sd"] == pytest.approx(0.1414, 1e-3)
    assert row["solved"] == "1 of 2" and row["beats baseline"] == "1 of 2"


def test_predictions_come_from_each_architectures_median_seed():
    from types import SimpleNamespace

    from seqlab.analysis.evaluate import median_runs

    table = seeded_table({"LSTM": [0.3, 0.1, 0.2]}, {"LSTM": ["x"] * 3})
    runs = [SimpleNamespace(label="LSTM", seed=s, run=None) for s in range(3)]
    assert [r.seed for r in median_runs(runs, table)] == [2]
