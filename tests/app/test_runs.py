"""AppTest of the Runs page: runs from other pages land here, compared, exported, reproduced and imported."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.training import runlog
from tests.helpers import trained

ROOT = Path(__file__).parents[2]


def runs_page(log: runlog.RunLog | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    if log is not None:
        at.session_state["runs_log"] = log
    return at.switch_page("pages/5_Runs.py").run()


@pytest.fixture(scope="module")
def two_comparisons() -> list[runlog.SavedRun]:
    return trained() + trained(archs=("lstm",), seed=1, lr=3e-3)


def seeded(saved, limit=30) -> runlog.RunLog:
    log = runlog.RunLog(limit)
    log.add(saved)
    return log


def test_an_empty_session_says_where_runs_come_from():
    at = runs_page()
    assert not at.exception and "No runs yet" in at.info[0].value
    assert at.get("page_link")[0].proto.label == "Go to the Lab"


def test_a_lab_run_lands_on_the_runs_page_with_its_reproduce_command():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=180).run()
    at.switch_page("pages/1_Lab.py")
    at.query_params.update(task="adding", length="10", samples="500", epochs="2", hidden="8", archs="rnn,gru",
                           seeds="2")
    at.run()
    next(b for b in at.button if b.label == "Train").click().run()
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception
    log = at.session_state["runs_log"]
    assert [(r.label, r.config.train.seed) for r in log.runs] == [("RNN", 0), ("RNN", 1), ("GRU", 0), ("GRU", 1)]
    assert {r.source for r in log.runs} == {"Lab"}
    assert at.multiselect(key="runs_picked").value == [r.name for r in reversed(log.runs)]
    assert at.code[0].value.endswith("--archs rnn,gru --task adding --length 10 --samples 500 --hidden 8 "
                                     "--epochs 2 --seeds 2")  # the whole comparison in one command
    assert at.code[1].value == runlog.reproduce(log.runs[-1]).command  # then each run, the newest first
    assert "--archs gru --task adding --length 10 --samples 500 --hidden 8 --epochs 2 --seed 1" in at.code[1].value


def test_curves_table_and_setting_chart_follow_the_widgets(two_comparisons):
    log = seeded(two_comparisons)
    at = runs_page(log)
    at.multiselect(key="runs_picked").set_value([r.name for r in log.runs]).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    table = at.dataframe[0].value
    assert sorted(table["run"]) == sorted(r.name for r in log.runs)
    assert list(table["val_loss"]) == sorted(table["val_loss"])  # sorted by validation loss at first
    at.selectbox(key="runs_sort").select("lr").run()
    at.toggle(key="runs_ascending").set_value(False).run()
    assert list(at.dataframe[0].value["lr"]) == sorted(table["lr"], reverse=True)
    assert at.selectbox(key="runs_setting").options == ["learning rate", "parameters", "seed"]  # what varies

    def lines():
        return [layer for layer in json.loads(at.get("vega_lite_chart")[0].proto.spec)["layer"]
                if layer["mark"]["type"] == "line"]

    assert len(lines()) == 2  # faint as recorded, solid smoothed (each with its points)
    at.slider(key="runs_smoothing").set_value(0.0).run()
    assert len(lines()) == 1 and not at.exception


def test_each_run_offers_weights_that_load_without_unpickling(two_comparisons):
    import io

    import torch

    at = runs_page(seeded(two_comparisons[:1]))
    assert len(at.expander) == 1 and "--archs rnn" in at.code[0].value
    weights = two_comparisons[0].weights
    state = torch.load(io.BytesIO(weights), weights_only=True)
    assert any(name.startswith("rnn") for name in state)


def test_the_oldest_runs_are_dropped_and_the_page_says_so(two_comparisons):
    at = runs_page(seeded(two_comparisons, limit=2))
    assert not at.exception and "the 1 oldest were dropped" in at.info[0].value
    assert len(at.session_state["runs_log"].runs) == 2


def test_a_results_file_opens_again_and_a_bad_one_is_refused_keeping_the_runs(two_comparisons):
    at = runs_page(seeded(two_comparisons[:1]))
    good = json.dumps(runlog.results_payload(two_comparisons[1:])).encode()
    at.get("file_uploader")[0].set_value(("old.json", good, "application/json")).run()
    log = at.session_state["runs_log"]
    assert not at.exception and len(log.runs) == 3 and log.runs[-1].source == "imported from old.json"
    assert "Opened 2 runs from old.json" in at.success[0].value
    assert at.multiselect(key="runs_picked").value == [r.name for r in log.runs[1:]]
    at.get("file_uploader")[0].set_value(("photo.json", b"\x89PNG\r\n\x00\x00", "application/json")).run()
    assert not at.exception and "photo.json cannot be opened" in at.error[0].value
    assert "not valid JSON" in at.error[0].value and len(at.session_state["runs_log"].runs) == 3
    other = json.dumps({"name": "another program", "data": [1, 2]}).encode()
    at.get("file_uploader")[0].set_value(("other.json", other, "application/json")).run()
    assert "not a seqlab results file" in at.error[0].value and len(at.dataframe) == 1


def test_weights_beyond_the_session_limit_are_dropped_and_the_page_says_so(two_comparisons):
    log = runlog.RunLog(limit=30, max_weight_bytes=len(two_comparisons[-1].weights))  # room for the newest only
    log.add(two_comparisons)
    at = runs_page(log)
    at.multiselect(key="runs_picked").set_value([r.name for r in log.runs]).run()
    assert not at.exception
    limit = f"{log.max_weight_bytes / 2**10:.0f} KB"  # the default is 64 MB; these tiny models weigh a few KB
    assert f"The weights of the 2 oldest runs were dropped to keep this session under {limit}" in at.info[0].value
    assert "history, results and reproduce command are kept" in at.info[0].value
    weights = [b for b in at.get("download_button") if b.proto.label.startswith("Weights")]
    assert len(weights) == 1 and len(at.expander) == 3
    assert sum("Its weights were dropped" in c.value for c in at.caption) == 2


def test_the_weights_limit_comes_from_the_server(monkeypatch):
    monkeypatch.setenv("SEQLAB_MAX_WEIGHTS_MB", "5")
    assert runs_page().session_state["runs_log"].max_weight_bytes == 5 * 2**20


def test_a_rerun_writes_no_download(two_comparisons, monkeypatch):
    def refuse(*args):
        raise AssertionError("a download was written on a rerun")

    monkeypatch.setattr(runlog, "results_payload", refuse)
    monkeypatch.setattr(runlog, "history_frame", refuse)
    at = runs_page(seeded(two_comparisons))
    at.slider(key="runs_smoothing").set_value(0.2).run()
    assert not at.exception and len(at.get("download_button")) == 2 + len(at.expander)
