"""One baseline, one name, one number: the loss chart's rule is a row of the results table, in the same units."""

import math

import pytest

from seqlab.analysis import evaluate
from seqlab.analysis.report import summarise
from seqlab.charts.training import baseline_rule_text, loss_chart
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.training.loop import train_interleaved
from tests.helpers import walk

CASES = {  # task -> the baseline the loss chart must draw
    "co2": "persistence",
    "adding": "training mean",
    "copy": "predict blanks, then guess among 8 symbols",
    "text": "character 5-gram",
    "digits": "logistic regression on all 64 pixels at once",
}


def report_of(task_name: str):
    data = DataConfig(task=task_name, length=12 if task_name != "digits" else 8, n_samples=300)
    run = RunConfig(data=data, model=ModelConfig(arch="gru", hidden_size=8), train=TrainConfig(epochs=1))
    task = make_task(data)
    training = train_interleaved([run], task)
    for _ in training:
        pass
    return summarise(training.runs, task), task


def rule_of(spec: dict) -> tuple[float, str, str]:
    """(value, baseline name, text) of the loss chart's rule, read from the chart's own data."""
    rows = [row for node in walk(spec) for row in node.get("values", []) if isinstance(row, dict) and "baseline" in row]
    rows += [row for data in spec.get("datasets", {}).values() for row in data if "baseline" in row]
    assert len({r["text"] for r in rows}) == 1, rows
    return rows[0]["loss"], rows[0]["baseline"], rows[0]["text"]


@pytest.mark.parametrize("task_name", list(CASES))
def test_the_loss_charts_rule_is_the_tables_row_with_its_validation_loss(task_name):
    report, task = report_of(task_name)
    value, name, text = rule_of(loss_chart(report.history, False, *report.loss_baseline,
                                           units=report.loss_units).to_dict())
    assert name == CASES[task_name]
    row = report.table.set_index("label").loc[name]
    assert row["kind"] == "baseline" and value == row["val_loss"]  # one number, in the training loss's units
    assert f"{row['val_loss']:.4g}" in text and text.startswith(name)  # written as the table shows it (%.4g)


def test_a_forecasts_rule_is_its_test_row_scaled_to_the_loss_units():
    report, task = report_of("co2")
    losses = evaluate.baseline_losses(task, "val")
    in_data_units = evaluate.baseline_scores(task, "val")["persistence"]["mse"]
    # the chart is in scaled units: the same quantity as the data's, divided by the training part's variance
    assert losses["persistence"] == pytest.approx(in_data_units / task.scaler.std ** 2)
    scaled = float(((task.y_val - task.x_val[:, -1:, 0]) ** 2).mean())  # computed on what the networks see
    assert losses["persistence"] == pytest.approx(scaled, rel=1e-5)
    assert report.loss_units == evaluate.SCALED_LOSS
    spec = loss_chart(report.history, False, *report.loss_baseline, units=report.loss_units).to_dict()
    assert evaluate.SCALED_LOSS in str(spec["title"])  # the chart says its units


def test_every_baseline_row_has_a_finite_validation_loss():
    report, _ = report_of("adding")
    baselines = report.table[report.table["kind"] == "baseline"]
    assert len(baselines) and all(math.isfinite(v) for v in baselines["val_loss"])


def test_the_rule_text_writes_four_significant_digits():
    assert baseline_rule_text(0.0025142920203, "persistence") == "persistence · validation loss 0.002514"
