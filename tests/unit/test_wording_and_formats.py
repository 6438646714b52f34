"""Small things a careful user notices (issue 14, item 8): how a forecast's step and target are worded, date axes
with their year, and the history CSV's status of a finished run."""

import io
import json

import pandas as pd
import pytest

from seqlab.charts.training import date_format, predictions_chart, series_chart
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.data.windows import period_name, step_words
from seqlab.export import history_csv
from seqlab.training.loop import train_interleaved


@pytest.mark.parametrize("task, step, target", [
    ("sine", "one value", "the next value"),
    ("seattle", "one day's temp_max (°C)", "the next day's temp_max"),
    ("airline", "one month's passengers (thousands)", "the next month's passengers"),
    ("sunspots", "one year's sunspots (sunspot number)", "the next year's sunspots"),
])
def test_a_forecast_says_what_a_step_and_its_target_are_as_a_person_would(task, step, target):
    made = make_task(DataConfig(task=task))
    assert (made.step_meaning, made.target_meaning) == (step, target)


def test_several_steps_ahead_are_counted_in_words():
    weekly = pd.Series(pd.date_range("1958-03-29", periods=50, freq="W"), name="date")
    assert period_name(weekly) == "week"
    assert step_words(weekly, "co2_ppm", "ppm", 4) == {"step_meaning": "one week's co2_ppm (ppm)",
                                                       "target_meaning": "the next 4 weeks' co2_ppm"}
    steps = pd.Series(range(50), name="step")
    assert step_words(steps, "value", "", 3)["target_meaning"] == "the next 3 values"
    assert step_words(steps, "load", "kW", 1) == {"step_meaning": "one value of load (kW)",
                                                  "target_meaning": "the next value of load"}


@pytest.mark.parametrize("days, expected", [(30, "%-d %b %Y"), (400, "%b %Y"), (20 * 365, "%Y")])
def test_a_date_axis_always_shows_the_year(days, expected):
    times = pd.date_range("2015-11-01", periods=days, freq="D")
    assert date_format(pd.DataFrame({"time": times})) == expected
    assert "%Y" in expected


def test_the_drawn_date_axes_carry_the_year_and_the_shortest_panel_decides():
    times = pd.date_range("2015-11-01", periods=400, freq="D")
    series = pd.DataFrame({"time": times, "value": range(400), "split": "train"})
    spec = json.dumps(series_chart(series).to_dict())
    assert '"format": "%b %Y"' in spec
    pred = pd.DataFrame({"time": list(times) + list(times[:20]), "value": 1.0,
                         "series": ["truth"] * 400 + ["LSTM"] * 20, "mode": ["one-step"] * 400 + ["recursive"] * 20})
    assert '"format": "%-d %b %Y"' in json.dumps(predictions_chart(pred).to_dict())  # 20 days: days matter


def test_the_history_csv_gives_every_row_of_a_finished_run_its_final_status():
    data = DataConfig(task="sine", n_samples=200)
    runs = [RunConfig(data=data, model=ModelConfig(arch="gru", hidden_size=8), train=TrainConfig(epochs=3))]
    training = train_interleaved(runs, make_task(data))
    for _ in training:
        pass
    assert training.history[0]["status"] == "running"  # the record itself was made mid-run
    table = pd.read_csv(io.StringIO(history_csv(training.history)))
    assert len(table) == 4 and set(table["status"]) == {"done"}
