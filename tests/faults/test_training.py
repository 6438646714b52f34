"""Training faults: an exploding loss is stopped within its epoch with a reason, a Stop keeps the partial history,
and leaving the Lab mid-run and coming back leaves the app consistent."""

import io
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.export import history_csv
from seqlab.training.loop import DIVERGED_HINT, train
from tests.helpers import half_trained

ROOT = Path(__file__).parents[2]
LAB = "pages/1_Lab.py"
DATA = DataConfig(task="sine", length=20, n_samples=500)


@pytest.fixture(scope="module")
def sine():
    return make_task(DATA)


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_a_learning_rate_that_explodes_the_loss_stops_in_that_epoch_with_a_reason(sine, arch, optimizer):
    wild = TrainConfig(epochs=5, lr=10.0, optimizer=optimizer, clip=0.0)
    run = train(RunConfig(data=DATA, model=ModelConfig(arch=arch, hidden_size=16), train=wild), sine)
    history = list(run)
    assert run.status == "diverged" and len(history) == 2  # epoch 0 (untrained), then the epoch that exploded
    assert "in epoch 1" in run.reason and DIVERGED_HINT in run.reason
    assert history[-1]["status"] == "diverged" and history[-1]["reason"] == run.reason


def test_the_lab_stops_every_exploding_architecture_and_still_shows_results():
    at = AppTest.from_file(str(ROOT / LAB), default_timeout=120)
    for key, value in {"lab_samples": 500, "lab_length": 20, "lab_hidden": 16, "lab_lr": 10.0,
                       "lab_optimizer": "adam", "lab_clip": 0.0, "lab_epochs": 10, "lab_seeds": 1}.items():
        at.session_state[key] = value
    at.run()
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert not at.exception
    runs = at.session_state["lab_comparison"].training.runs
    assert [(r.label, r.status, r.epoch - 1) for r in runs] == [("RNN", "diverged", 1), ("LSTM", "diverged", 1),
                                                                ("GRU", "diverged", 1)]
    errors = [e.value for e in at.error if " diverged" in e.value]  # each divergence in an error box, and no other
    assert [e.split(" ")[0] for e in errors] == ["RNN", "LSTM", "GRU"] and len(at.error) == 3
    assert all("exploded" in e and "lower the learning rate" in e for e in errors)
    assert len(at.dataframe) == 1  # the metrics table, with the baseline, is still there


def lab(**state) -> AppTest:
    at = AppTest.from_file(str(ROOT / LAB), default_timeout=120)
    for key, value in {"lab_archs": ["lstm", "gru"], "lab_hidden": 8, "lab_epochs": 2, "lab_seeds": 1, **state}.items():
        at.session_state[key] = value
    return at


def test_a_stop_keeps_the_partial_history_in_the_download_and_a_new_run_starts_afresh():
    comparison = half_trained(epochs=50, records=5)  # LSTM epochs 0-2, GRU epochs 0-1: stopped mid-comparison
    at = lab(lab_comparison=comparison, lab_action="stop").run()
    assert not at.exception and comparison.stopped_by_user
    kept = pd.read_csv(io.StringIO(comparison.report.history_csv))  # the text the CSV download serves
    assert kept.groupby("label")["epoch"].max().to_dict() == {"GRU": 1, "LSTM": 2}
    assert set(kept.groupby("label").tail(1)["status"]) == {"stopped"}
    assert any(d.proto.label == "Download the history (CSV)" for d in at.get("download_button"))
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    fresh = at.session_state["lab_comparison"]
    assert fresh is not comparison and not fresh.stopped_by_user and fresh.report is not None
    assert comparison.report.history_csv == history_csv(comparison.training.history)  # the old run is untouched
    assert len(comparison.training.history) == 5


def test_leaving_the_lab_mid_run_and_coming_back_finishes_the_comparison():
    comparison = half_trained(epochs=3, records=3)  # what a run interrupted by leaving the page looks like
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lab_archs"], at.session_state["lab_hidden"] = ["lstm", "gru"], 8
    at.session_state["lab_comparison"] = comparison
    at.run()
    assert not at.exception
    at.switch_page("pages/2_Gradient_flow.py").run()  # another page: it neither trains nor drops the Lab's run
    assert not at.exception and at.session_state["lab_comparison"] is comparison
    assert comparison.running and len(comparison.training.history) == 3
    at.switch_page(LAB).run()  # back: the comparison carries on to its end and shows its results
    assert not at.exception and not at.error
    assert at.session_state["lab_comparison"] is comparison and comparison.report is not None
    assert [(r.status, r.epoch - 1) for r in comparison.training.runs] == [("done", 3), ("done", 3)]
    assert len(comparison.report.history) == 8 and len(at.dataframe) == 1
    at.switch_page("pages/3_Inside_the_cell.py").run()  # a page that reads the session's trained models
    assert not at.exception
