"""A comparison left mid-run waits on its page; every other page links back to it, saying where it stopped."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import half_trained

ROOT = Path(__file__).parents[2]


def links(at: AppTest) -> list[str]:
    return [link.proto.label for link in at.get("page_link") if link.proto.icon == ":material/pause_circle:"]


@pytest.mark.parametrize("page", ["pages/2_Gradient_flow.py", "pages/3_Inside_the_cell.py", "pages/4_Text.py",
                                  "pages/5_Runs.py", "dashboard.py"])
def test_every_other_page_links_back_to_a_comparison_left_mid_run(page):
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lab_comparison"] = half_trained(epochs=3, records=3)  # LSTM at epoch 1, GRU at epoch 0
    at.switch_page(page).run()
    assert not at.exception
    assert links(at) == ["Lab · epoch 0 of 3"]


def test_the_lab_itself_trains_on_and_no_page_says_paused_once_it_is_done():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["lab_archs"], at.session_state["lab_hidden"] = ["lstm", "gru"], 8
    at.session_state["lab_comparison"] = comparison = half_trained(epochs=3, records=3)
    at.switch_page("pages/1_Lab.py").run()
    assert not at.exception and not links(at) and comparison.report is not None
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception and not links(at)


def test_a_comparison_left_after_its_last_epoch_but_before_its_results_says_so():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.session_state["grad_comparison"] = comparison = half_trained(epochs=2, records=6)  # every epoch, no report
    assert comparison.running and all(r.finished for r in comparison.training.runs)
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception and links(at) == ["Gradient flow · epoch 2 of 2"]
