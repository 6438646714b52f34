"""The Runs page keeps a person's picks across visits to other pages and writes every number whole (AppTest)."""

import dataclasses
import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app.runs import number_text, number_width
from seqlab.training import runlog
from tests.helpers import trained

ROOT = Path(__file__).parents[2]


@pytest.fixture(scope="module")
def comparisons() -> list[runlog.SavedRun]:
    first = [dataclasses.replace(s, saved_at="10:00:00") for s in trained()]  # two comparisons, saved apart
    return first + [dataclasses.replace(s, saved_at="10:00:05") for s in trained(archs=("lstm",), seed=1)]


def runs_page(log: runlog.RunLog) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["runs_log"] = log
    return at.switch_page("pages/5_Runs.py").run()


def test_the_picked_runs_stay_picked_after_a_visit_to_another_page(comparisons):
    log = runlog.RunLog()
    log.add(comparisons)
    at = runs_page(log)
    assert at.multiselect(key="runs_picked").value == [log.runs[-1].name]  # the newest comparison, at first
    mine = [log.runs[0].name, log.runs[1].name]
    at.multiselect(key="runs_picked").set_value(mine).run()
    at.switch_page("pages/3_Inside_the_cell.py").run()
    assert not at.exception
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception and at.multiselect(key="runs_picked").value == mine


def test_runs_saved_while_away_join_the_picks(comparisons):
    log = runlog.RunLog()
    log.add(comparisons[:2])
    at = runs_page(log)
    at.multiselect(key="runs_picked").set_value([log.runs[0].name]).run()
    at.switch_page("pages/3_Inside_the_cell.py").run()
    log.add([dataclasses.replace(comparisons[2], source="Gradient flow")])  # trained on another page meanwhile
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception
    assert at.multiselect(key="runs_picked").value == [log.runs[0].name, log.runs[-1].name]


def column_widths(at: AppTest) -> dict[str, int]:
    config = json.loads(at.dataframe[-1].proto.columns)
    return {name: c.get("width") for name, c in config.items()}


def test_a_small_test_metric_is_given_the_width_to_read_whole(comparisons):
    tiny = dataclasses.replace(comparisons[0], result={**comparisons[0].result, "mse": 0.0004547})
    log = runlog.RunLog()
    log.add([tiny, comparisons[1]])
    at = runs_page(log)
    at.multiselect(key="runs_picked").set_value([r.name for r in log.runs]).run()
    table = at.dataframe[-1].value
    assert 0.0004547 in set(table["headline_value"])
    widths = column_widths(at)
    for column in ("headline_value", "val_loss", "train_loss"):
        assert widths[column] >= number_width(table[column], "")  # every value of the column fits
    assert widths["headline_value"] >= number_width([0.0004547], "value") > number_width([0.16], "value")


def test_number_text_writes_what_the_table_shows():
    assert number_text(0.0004547) == "0.0004547" and number_text(-0.0) == "0" and number_text(None) == ""
    assert number_text(float("nan")) == "" and number_text(4.5471e-05) == "4.547e-05"
    assert number_width([0.0004547], "value") >= 8 * len("0.0004547")
