"""AppTest of the Gradient-flow page: the demo runs, and the decay, loss, layer-norm and forget-bias charts show the
numbers the training recorded."""

from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from seqlab.analysis.diagnostics import INPUT_GRAD, forget_bias_effect
from seqlab.analysis.evaluate import loss_baseline
from tests.helpers import charts_by_title

FIELD = {"train": "train_loss", "validation": "val_loss"}  # the loss chart's split -> the record's field
PAGE = str(Path(__file__).parents[2] / "pages" / "2_Gradient_flow.py")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=180)
    at.session_state["grad_length"] = 10
    at.session_state["grad_hidden"] = 8
    at.session_state["grad_epochs"] = 2
    at.session_state["grad_seeds"] = 1  # the seeds have their own test
    return at.run()


def run_demo(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Run the demo").click()
    return at.run()


def test_before_the_demo_the_page_shows_the_forget_bias_at_initialisation(page):
    assert not page.exception
    assert len(page.get("vega_lite_chart")) == 1
    assert "forget" in page.subheader[-1].value


def test_the_demo_records_gradients_and_draws_every_chart(page):
    at = run_demo(page)
    assert not at.exception and not at.error
    comparison = at.session_state["grad_comparison"]
    history = comparison.training.history
    assert [r.label for r in comparison.training.runs] == ["RNN", "LSTM", "GRU"]
    assert all(len(rec["grad_through_time"]) == 10 for rec in history)
    assert any("what reaches the first step, 9 steps back" in m.value for m in at.markdown)
    charts = charts_by_title(at)
    hidden, inputs = ("Through the hidden state (recurrent models) · epoch 2",
                      "How far back into the input the gradient reaches · epoch 2")
    assert set(charts) == {hidden, inputs, "Loss", "Weight-gradient norm per layer", "Two LSTMs before any training"}
    last = {rec["label"]: rec for rec in history if rec["epoch"] == 2}

    for title, field in ((hidden, "grad_through_time"), (inputs, INPUT_GRAD)):  # each run's curve, last epoch
        _, frames = charts[title]
        decay = pd.concat([f for f in frames if "log10_norm" in f]).drop_duplicates(["label", "steps_back"])
        for label, curve in decay.groupby("label"):
            curve = curve.sort_values("steps_back")
            assert curve["steps_back"].tolist() == list(range(10)), title
            assert curve["log10_norm"].tolist() == pytest.approx(last[label][field], abs=1e-3), title

    _, (losses, rule) = charts["Loss"]  # every epoch's training and validation loss, and the baseline's rule
    for (label, split), curve in losses.groupby(["label", "split"]):
        recorded = [rec[FIELD[split]] for rec in history if rec["label"] == label]
        assert curve.sort_values("epoch")["loss"].tolist() == pytest.approx(recorded, rel=1e-6)
    assert set(losses["label"]) == {"RNN", "LSTM", "GRU"} and set(losses["split"]) == set(FIELD)
    assert rule["loss"].tolist() == pytest.approx([loss_baseline(comparison.task)[0]])

    spec, frames = charts["Weight-gradient norm per layer"]  # per layer and epoch (a panel each), the clip dashed
    norms = pd.concat([f for f in frames if "norm" in f and "layer" in f]).drop_duplicates(["label", "epoch", "layer"])
    assert "clipping threshold 1" in spec["title"]["subtitle"]
    for rec in (rec for rec in history if rec["epoch"] > 0):
        row = norms[(norms["label"] == rec["label"]) & (norms["epoch"] == rec["epoch"])].set_index("layer")["norm"]
        assert row.to_dict() == pytest.approx({"l0": rec["layer_grad_norm_l0"], "head": rec["layer_grad_norm_head"],
                                               "total": rec["grad_norm"]})

    _, (forget,) = charts["Two LSTMs before any training"]  # the same two untrained LSTMs, computed again here
    template = comparison.training.runs[0].run
    again = forget_bias_effect(template.model, comparison.task, template.train.seed, 1.0)
    for label, curve in forget.groupby("label"):
        expected = again[again["label"] == label].sort_values("steps_back")["log10_norm"]
        assert curve.sort_values("steps_back")["log10_norm"].tolist() == pytest.approx(expected.tolist(), abs=1e-6)
    assert set(forget["label"]) == {"LSTM, default start", "LSTM, forget bias 1"}


def test_the_epoch_slider_and_play_redraw_without_retraining(page):
    at = run_demo(page)
    before = at.session_state["grad_comparison"]
    at.slider(key="grad_epoch").set_value(0).run()
    assert any("epoch 0" in str(c.proto.spec) for c in at.get("vega_lite_chart"))
    next(b for b in at.button if b.label == "Play").click()
    at.run()
    assert at.session_state["grad_comparison"] is before and not at.exception


def test_training_without_clipping_at_a_high_rate_still_shows_a_page(page):
    page.session_state["grad_clip"] = 0.0
    page.session_state["grad_lr"] = 3.0
    at = run_demo(page.run())
    assert not at.exception
    charts = charts_by_title(at)
    assert {"Loss", "Weight-gradient norm per layer"} <= set(charts)
    spec, frames = charts["Weight-gradient norm per layer"]
    norms = pd.concat([f for f in frames if "norm" in f and "layer" in f]).drop_duplicates(["label", "epoch", "layer"])
    assert "clipping threshold" not in str(spec)  # no threshold to draw
    history = at.session_state["grad_comparison"].training.history
    totals = {(rec["label"], rec["epoch"]): rec["grad_norm"] for rec in history if rec["epoch"] > 0}
    shown = norms[norms["layer"] == "total"].set_index(["label", "epoch"])["norm"].to_dict()
    assert shown.keys() == totals.keys()  # every epoch each run trained, diverged or not
