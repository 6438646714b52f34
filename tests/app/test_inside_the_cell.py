"""AppTest of the Inside-the-cell page: train here on demand, pick a model and a sequence, see its gates."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from seqlab.app import live
from seqlab.config import DataConfig, TrainConfig
from seqlab.data import make_task
from seqlab.presets import CELL_DEMO, comparison_runs
from seqlab.training.loop import train_interleaved

PAGE = str(Path(__file__).parents[2] / "pages" / "3_Inside_the_cell.py")


def small(epochs: int):
    return CELL_DEMO.replace(data=DataConfig(task="adding", length=10, n_samples=300), train=TrainConfig(epochs=epochs))


@pytest.fixture
def page(monkeypatch) -> AppTest:
    monkeypatch.setattr("seqlab.presets.CELL_DEMO", small(epochs=2))
    return AppTest.from_file(PAGE, default_timeout=180).run()


def test_with_no_model_the_page_offers_to_train_one(page):
    assert not page.exception
    assert any("No trained model" in i.value for i in page.info)
    assert not page.get("vega_lite_chart")


def test_training_here_shows_the_sequence_and_the_gates_of_each_model(page):
    next(b for b in page.button if b.label.startswith("Train")).click()
    at = page.run()
    assert not at.exception and not at.error
    names = at.selectbox(key="cell_model").options
    assert len(names) == 3 and [n.split(" ·")[0] for n in names] == ["LSTM", "GRU", "RNN"]  # gated cells first
    at.selectbox(key="cell_model").set_value(names[0]).run()
    charts = at.get("vega_lite_chart")
    assert len(charts) == 2  # the input sequence, the heatmaps
    spec = str(charts[1].proto.spec)
    assert all(name in spec for name in ("forget gate f", "cell state c", "hidden state h"))
    assert "key step" in spec  # the two marked numbers are outlined
    assert any("predicts" in m.value for m in at.markdown)


def test_models_trained_on_other_pages_are_offered(page):
    task = make_task(small(1).data)
    comparison = live.Comparison(task, train_interleaved(comparison_runs(small(1), ["gru"]), task))
    for _ in comparison.training:
        pass
    comparison.finish()
    page.session_state["lab_comparison"] = comparison
    at = page.run()
    assert at.selectbox(key="cell_model").options[0].startswith("GRU · Lab")
    assert "update gate z" in str(at.get("vega_lite_chart")[1].proto.spec)


def test_the_heatmaps_of_the_largest_model_on_a_long_sequence_build_only_what_they_draw():
    from seqlab.app import inside
    from seqlab.charts.diagnostics import MAX_CELLS, MAX_UNITS, cell_heatmap_chart
    from seqlab.config import ModelConfig
    from seqlab.models.recurrent import build_model

    task = make_task(DataConfig(task="adding", length=1000, n_samples=64))
    model = build_model(ModelConfig(arch="lstm", hidden_size=512, num_layers=4), task)  # untrained: only sizes matter
    x, marks = task.x_test[0], [3, 500]
    traces = inside.heatmap_traces(model, x, "lstm", marks)
    panels = 4 * len(inside.SIGNALS["lstm"])
    assert len(traces) <= panels * (MAX_CELLS + MAX_UNITS * len(marks))  # not 12 million rows
    spec = cell_heatmap_chart(traces, inside.SIGNALS["lstm"], marks=marks).to_dict()
    cells = [spec["datasets"][p["data"]["name"]] for p in spec["vconcat"]]  # single views, key steps outlined
    assert len(cells) == panels and all(len(rows) <= MAX_CELLS + MAX_UNITS * len(marks) for rows in cells)
    assert spec["title"]["subtitle"] == ("the 32 of 512 units whose h varies most (in each layer); every 7th of "
                                         "1,000 steps and the key steps")


def finished(cfg, archs=("gru",)) -> live.Comparison:
    task = make_task(cfg.data)
    comparison = live.Comparison(task, train_interleaved(comparison_runs(cfg, list(archs)), task))
    for _ in comparison.training:
        pass
    comparison.finish()
    return comparison


def test_models_from_every_page_and_the_guided_demos_are_offered(page):
    adding = finished(small(1))
    for key in ("grad", "text", "demo_forgetting"):
        page.session_state[f"{key}_comparison"] = adding
    page.session_state["demo_forecast_comparison"] = finished(small(1), ("lstm",))
    options = page.run().selectbox(key="cell_model").options
    for where in ("Gradient flow", "Text", "Demo: Why a plain RNN forgets"):
        assert any(f"GRU · {where} · " in o for o in options), (where, options)
    assert any(o.startswith("LSTM · Demo: Forecasting honestly") for o in options), options


def test_a_forecast_is_drawn_in_the_datas_units_without_talk_of_marked_steps(page):
    cfg = small(1).replace(data=DataConfig(task="seattle", length=12))
    page.session_state["lab_comparison"] = comparison = finished(cfg)
    at = page.run()
    assert not at.exception
    task = comparison.task
    chart = at.get("vega_lite_chart")[0].proto
    spec = json.loads(chart.spec)
    drawn = pd.concat([convert_arrow_bytes_to_pandas_df(d.data.data) for d in chart.datasets])
    raw = task.series["value"].to_numpy()  # the data's own units (°C)
    window = raw[task.split_index[1] - 12:task.split_index[1]]  # the last 12 values before the first test target
    assert np.allclose(drawn["value"].to_numpy(), window, atol=1e-3)  # not the scaled values the network reads
    assert "°C" in spec["title"]["text"] and "marked" not in spec["title"]["text"]
    sentence = next(m.value for m in at.markdown if "predicts" in m.value)
    assert sentence.startswith("The target is ") and sentence.count("°C") == 2
    truth = float(sentence.split("The target is ")[1].split(" ")[0])
    assert truth == pytest.approx(raw[task.split_index[1]], abs=1e-3)  # the target and the input in one unit
    hints = [i.value for i in at.info if "What to look for" in i.value]
    assert len(hints) == 1 and "marked" not in hints[0]


def test_the_adding_problem_still_speaks_of_its_marked_steps(page):
    page.session_state["lab_comparison"] = finished(small(1))
    at = page.run()
    spec = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert "key steps marked" in spec["title"]["text"]
    assert any("marked steps" in i.value for i in at.info)
