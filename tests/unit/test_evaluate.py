import numpy as np
import pytest
import torch

from seqlab.analysis.evaluate import (
    baseline_scores,
    multi_step_predictions,
    one_step_predictions,
    recursive_forecast,
    results_table,
)
from seqlab.export import results_dict
from seqlab.training.loop import train_interleaved
from tests.helpers import tiny_run


def trained(task, archs=("rnn", "gru"), epochs=2):
    session = train_interleaved([tiny_run(arch=a, epochs=epochs) for a in archs], task)
    list(session)
    return session.runs


def test_results_table_has_models_and_baselines_with_a_verdict(sine_task):
    table = results_table(trained(sine_task), sine_task)
    models = table[table.kind == "model"]
    assert list(models.label) == ["RNN", "GRU"] and models.beats_baseline.dtype == "boolean"
    assert {"persistence", "linear", "window mean"} <= set(table[table.kind == "baseline"].label)
    assert table.attrs["baseline"] == "persistence"
    assert {"mse", "mae", "rmse", "mase", "params", "sec_per_epoch"} <= set(table.columns)


def test_persistence_metrics_are_in_original_units(sine_task):
    truth = sine_task.scaler.inverse(sine_task.y_test[:, 0].double().numpy())
    last = sine_task.scaler.inverse(sine_task.x_test[:, -1, 0].double().numpy())
    assert np.isclose(baseline_scores(sine_task)["persistence"]["mae"], np.mean(np.abs(truth - last)))


def test_one_step_predictions_line_up_truth_with_the_series(sine_task):
    frame = one_step_predictions(trained(sine_task, ("lstm",), 1), sine_task)
    truth = frame[frame.series == "truth"]
    series = sine_task.series.set_index("time")["value"]
    assert np.allclose(truth.value.to_numpy(), series.loc[truth.time].to_numpy(), atol=1e-5)
    assert set(frame.series) == {"truth", "persistence", "LSTM"}


def test_recursive_forecast_feeds_predictions_back():
    class Last(torch.nn.Module):  # predicts "last value + 1"
        def forward(self, x):
            return x[:, -1, :] + 1, None
    assert torch.equal(recursive_forecast(Last(), torch.zeros(4, 1), 3), torch.tensor([1.0, 2.0, 3.0]))


def test_multi_step_predictions_have_the_asked_length(sine_task):
    frame = multi_step_predictions(trained(sine_task, ("gru",), 1), sine_task, steps=10)
    assert (frame.groupby("series").size() == 10).all() and set(frame["mode"]) == {"multi-step"}


def test_copy_task_is_judged_against_predicting_blanks():
    from seqlab.config import DataConfig
    from seqlab.data import make_task
    task = make_task(DataConfig(task="copy", length=10, n_samples=200))
    scores = baseline_scores(task)
    assert task.baseline_name in scores
    table = results_table([], task)
    assert table.attrs["baseline"] == task.baseline_name  # the stronger of the two trivial baselines


def test_results_json_has_no_nan(sine_task):
    import json
    runs = trained(sine_task, ("rnn",), 1)
    text = json.dumps(results_dict(runs, sine_task, results_table(runs, sine_task)), allow_nan=False)
    assert '"config"' in text


def test_loss_baseline_is_persistence_in_training_loss_units(sine_task):
    from seqlab.analysis.evaluate import loss_baseline
    value, name = loss_baseline(sine_task)
    scaled_persistence = float(((sine_task.y_val[:, 0] - sine_task.x_val[:, -1, 0]) ** 2).mean())
    assert name == "persistence" and np.isclose(value, scaled_persistence)


def test_loss_baseline_of_the_adding_problem_is_what_the_training_mean_scores(adding_task):
    from seqlab.analysis.evaluate import loss_baseline

    value, name = loss_baseline(adding_task)
    measured = float(((adding_task.y_val - adding_task.y_train.mean()) ** 2).mean())  # on the validation targets
    assert name == "training mean" and value == pytest.approx(measured, rel=1e-5)
    assert abs(value - 1 / 6) < 0.3 / 6  # the sum of two U(0, 1): variance 1/6, up to the sample's noise


def test_metrics_long_has_one_row_per_label_and_metric(sine_task):
    from seqlab.analysis.evaluate import metrics_long
    table = results_table(trained(sine_task, ("rnn",), 1), sine_task)
    long = metrics_long(table)
    assert set(long.columns) == {"label", "kind", "metric", "value"}
    assert len(long[long.label == "RNN"]) == 4 and set(long.metric) == {"mse", "mae", "rmse", "mase"}


def test_every_model_row_has_a_level_and_beats_baseline_follows_it(adding_task):
    from seqlab.analysis.criteria import LEVELS, NO_BETTER
    table = results_table(trained(adding_task, ("rnn", "lstm"), 1), adding_task)
    models = table[table.kind == "model"]
    assert models["level"].isin(LEVELS).all()
    assert (models["beats_baseline"] == (models["level"] != NO_BETTER)).all()
    assert table.attrs["criterion"] == "exact" and table.attrs["strongest"] == table.attrs["baseline"]


def test_a_text_is_judged_against_frequencies_and_its_counted_ngrams():
    from seqlab.analysis.evaluate import loss_baseline
    from seqlab.config import DataConfig
    from seqlab.data import make_task
    task = make_task(DataConfig(task="text", length=50, n_samples=300))
    table = results_table([], task)
    rows = table.set_index("label")
    assert table.attrs["baseline"] == "symbol frequencies" and table.attrs["criterion"] == "text"
    assert table.attrs["strongest"] == "character 5-gram"
    assert rows.loc["character 5-gram", "bits_per_char"] < rows.loc["character 3-gram", "bits_per_char"] \
        < rows.loc["symbol frequencies", "bits_per_char"]
    value, name = loss_baseline(task)  # the loss chart's rule: the better n-gram, on the validation part
    assert name == "character 5-gram" and value < baseline_scores(task, "val")["symbol frequencies"]["cross_entropy"]


def test_copy_memory_gets_no_ngram_rows():
    from seqlab.analysis.evaluate import criterion_kind
    from seqlab.config import DataConfig
    from seqlab.data import make_task
    task = make_task(DataConfig(task="copy", length=10, n_samples=200))
    assert not any("gram" in name for name in baseline_scores(task)) and criterion_kind(task) == "exact"


def test_digits_are_judged_against_chance_and_an_order_free_model():
    from seqlab.analysis.evaluate import loss_baseline
    from seqlab.config import DataConfig
    from seqlab.data import make_task
    task = make_task(DataConfig(task="digits", reading="pixels"))
    table = results_table([], task)
    order_free = "logistic regression on all 64 pixels at once"
    assert table.attrs["baseline"] == "class frequencies" and table.attrs["strongest"] == order_free
    assert table.set_index("label").loc[order_free, "accuracy"] > 0.9
    assert loss_baseline(task)[1] == order_free


def test_a_forecast_names_its_strongest_baseline(sine_task):
    table = results_table([], sine_task)
    mse = table.set_index("label")["mse"]
    assert table.attrs["criterion"] == "forecast" and mse[table.attrs["strongest"]] == mse.min()
