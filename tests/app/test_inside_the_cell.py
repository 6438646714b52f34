"""AppTest of the Inside-the-cell page: train here on demand, pick a model and a sequence, see its gates."""

from pathlib import Path

import pytest
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
