"""Results files that would crowd or break the Runs page: refused at the upload with a message that says why, the
session's runs kept; a file of more runs than the session keeps opens without an error."""

import json
from pathlib import Path

import pytest
from hostile import TIMEOUT, clear, crowded
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]


def runs_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=TIMEOUT)
    return at.switch_page("pages/5_Runs.py").run()


def open_file(at: AppTest, name: str, payload: dict) -> AppTest:
    data = json.dumps(payload, separators=(",", ":")).encode()
    return at.get("file_uploader")[0].set_value((name, data, "application/json")).run()


def with_epoch(epoch: int, status: str = "done") -> dict:
    payload = crowded(1, 3, keyed=True)
    payload["runs"][0]["status"] = status
    payload["history"][-1]["epoch"] = epoch
    return payload


@pytest.mark.parametrize("payload, phrases", [
    (with_epoch(501, "stopped"), ["epoch 501", "beyond the 500 epochs its config trains"]),
    (with_epoch(10**30), ["epoch 1e+30", "beyond the 500 epochs"]),
    (crowded(2_000, 180_000, keyed=False), ["2,000 runs", "at most 100", "Export fewer runs"]),
    (crowded(3, 30, keyed=False), ["runs 1 and 2 are both GRU", "does not say which"]),
], ids=["a stopped run at epoch 501", "an epoch of 10^30", "2,000 runs sharing a label", "a history of no one run"])
def test_a_results_file_the_page_cannot_hold_is_refused_at_the_upload(payload, phrases):
    at = open_file(open_file(runs_page(), "good.json", crowded(2, 4, keyed=True)), "bad.json", payload)
    assert not at.exception, at.exception
    assert len(at.error) == 1
    clear(at.error[0].value, "bad.json cannot be opened", *phrases)
    assert [len(r.history) for r in at.session_state["runs_log"].runs] == [2, 2]  # the good file's runs stay


def test_a_file_of_more_runs_than_the_session_keeps_opens_the_newest(monkeypatch):
    monkeypatch.setenv("SEQLAB_MAX_RUNS", "3")
    at = open_file(runs_page(), "many.json", crowded(10, 20, keyed=True))
    assert not at.exception and not at.error
    log = at.session_state["runs_log"]
    assert [r.id for r in log.runs] == [8, 9, 10]
    assert at.multiselect(key="runs_picked").value == [r.name for r in log.runs]
    assert "the 7 oldest were dropped" in at.info[0].value
