"""Sizes the bounds allow but a shared server cannot hold: each is refused before anything starts, with a message
that names the setting to lower and a value that fits, on the pages, in links and on the command line."""

import re
from pathlib import Path

import pytest
from hostile import PAGES, TIMEOUT, clear, train
from streamlit.testing.v1 import AppTest

from seqlab import cli

SERVER_MB = "1500"  # a small shared server: the budget below follows from it


@pytest.fixture(autouse=True)
def small_server(monkeypatch):
    monkeypatch.setenv("SEQLAB_MEMORY_MB", SERVER_MB)
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", "2")


def open_link(page: str, **query) -> AppTest:
    at = AppTest.from_file(str(PAGES / page), default_timeout=TIMEOUT)
    at.query_params.update({k: str(v) for k, v in query.items()})
    return at.run()


def too_big(at: AppTest, button: str = "Train") -> list[str]:
    """The pre-flight refusals shown, checked for plain words; the button is disabled and nothing trained."""
    assert not at.exception, at.exception
    shown = [e.value for e in at.error if "Too big for this server" in e.value]
    assert shown and next(b for b in at.button if b.label == button).disabled
    assert not any(k.endswith("_comparison") for k in at.session_state)
    return [clear(text, "needs about", "allows", "for one comparison" if "seeds)" in text else "per training", "try")
            for text in shown]


def test_the_largest_model_the_lab_bounds_allow_is_refused_with_a_batch_that_fits():
    at = open_link("1_Lab.py", task="adding", length=1000, samples=2000, hidden=512, layers=4, batch=512)
    texts = too_big(at)
    per_training = [text for text in texts if "per training" in text]
    assert len(per_training) == 3 and len(texts) == 4  # each architecture, and its three seeds together
    for text in per_training:
        assert "batch 512" in text and re.search(r"try batch \d+", text)
    at.session_state["lab_action"] = "train"  # a click that slipped through anyway is ignored: nothing starts
    at.run()
    assert not any(k.endswith("_comparison") for k in at.session_state)


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_lowering_the_named_setting_to_the_named_value_trains():
    # a gentle learning rate: a GRU of 512 units at 0.01 can diverge in some seeds at a small batch, which says
    # nothing about whether the named batch fits
    at = open_link("1_Lab.py", task="adding", length=200, samples=500, hidden=512, batch=512, epochs=1,
                   archs="gru", lr=0.001)
    text = too_big(at)[0]
    batch = int(re.search(r"try batch (\d+)", text).group(1))
    at.session_state["lab_batch"] = batch
    at.session_state["lab_max_seconds"] = 120
    train(at.run())


def test_gradient_flow_at_its_longest_and_widest_refuses_training_and_the_forget_bias_chart():
    at = open_link("2_Gradient_flow.py", length=1000, hidden=512)
    too_big(at, "Run the demo")
    notice = next(i.value for i in at.info if "Measuring two LSTMs" in i.value)
    clear(notice, "needs about", "lower the hidden units or the sequence length")


def test_the_command_line_refuses_before_training_and_says_how_to_fit(capsys):
    code = cli.main(["compare", "--task", "adding", "--length", "1000", "--samples", "2000", "--hidden", "512",
                     "--layers", "4", "--batch", "1024", "--memory-mb", SERVER_MB, "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and "epoch" not in err
    clear(err, "too big to train here", "batch 1024", "try batch", "--memory-mb and --max-seconds")


def test_the_command_line_refuses_a_memory_that_is_no_number(capsys, tmp_path: Path):
    code = cli.main(["compare", "--task", "adding", "--length", "10", "--samples", "64", "--memory-mb", "-5"])
    assert code == 2 and "--memory-mb must be a positive number" in capsys.readouterr().err


def test_ten_seeds_of_the_widest_model_are_refused_with_the_seeds_that_fit():
    at = open_link("1_Lab.py", task="adding", length=5, samples=500, hidden=512, layers=4, batch=8, seeds=10)
    texts = [e.value for e in at.error if "Too big for this server" in e.value]
    assert not at.exception and texts and "× 10 seeds" in texts[0] and "try at most" in texts[0]
    assert next(b for b in at.button if b.label == "Train").disabled
