"""AppTest of the Gradient-flow page: the demo runs, the decay, loss and layer charts appear, no exception."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

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
    assert [r.label for r in comparison.training.runs] == ["RNN", "LSTM", "GRU"]
    assert all(len(rec["grad_through_time"]) == 10 for rec in comparison.training.history)
    # input-gradient decay, hidden-state decay, loss, per-layer norms, forget bias
    assert len(at.get("vega_lite_chart")) == 5
    assert any("what reaches the first step, 9 steps back" in m.value for m in at.markdown)


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
    assert len(at.get("vega_lite_chart")) >= 3
