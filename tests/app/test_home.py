from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app.home import PAGES

ROOT = Path(__file__).parents[2]


def home() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()


def test_home_page_starts_and_lists_every_task():
    at = home()
    assert not at.exception
    assert "seqlab" in at.title[0].value
    names = set(at.dataframe[0].value["name"])
    assert {"sine", "adding", "copy", "seattle", "stock", "csv"} <= names


def test_home_page_explains_the_cells_beside_a_diagram():
    at = home()
    text = " ".join(m.value for m in at.markdown)
    assert all(word in text for word in ("Hidden state", "Backpropagation through time", "Gates", "forget"))
    assert "digraph" in at.get("graphviz_chart")[0].proto.spec


def test_every_page_card_links_to_a_page_that_exists():
    from seqlab.app.home import PAGES

    for page in PAGES:
        assert (ROOT / page.path).is_file() and (ROOT / page.picture).is_file()
    assert len(at_links := home().get("page_link")) == len(PAGES)
    assert [link.proto.label for link in at_links] == [p.title for p in PAGES]


DEMO_WORDS = {"forgetting": ("steps back from the loss", "RNN: 10^"), "memory": ("Test digits named correctly",),
              "forecast": ("persistence",), "spelling": ("Share of the words written",),
              "attention": ("of the test dates exactly right", "GRU + attention"),
              "beyond": ("Test cross-entropy", "TCN", "Transformer")}


def conclusion_of(at: AppTest) -> str:
    """The demo's conclusion: in a green box when its story held, blue or yellow when it did not (one of them)."""
    boxes = [b for b in [*at.success, *at.info, *at.warning] if b.icon in (":material/lightbulb:", ":material/info:",
                                                                            ":material/warning:")]
    found = [b.value for b in boxes if "seed" in b.value]
    assert len(found) == 1, [b.value for b in boxes]
    return found[0]


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
@pytest.mark.parametrize("key", list(DEMO_WORDS))
def test_each_guided_demo_runs_to_a_conclusion_drawn_from_its_results(key):
    from seqlab.demos import BY_KEY

    at = home()
    at.button(key=f"demo_{key}_start").click().run()
    assert not at.exception
    conclusion = conclusion_of(at)
    assert all(word in conclusion for word in DEMO_WORDS[key]), conclusion
    assert any(char.isdigit() for char in conclusion)
    comparison = at.session_state[f"demo_{key}_comparison"]
    assert comparison.report is not None and len(comparison.training.runs) == len(BY_KEY[key].runs)
    assert "seeds" in conclusion  # it counts them
    assert all(r.epoch - 1 == BY_KEY[key].template.train.epochs for r in comparison.training.runs)
    link = at.get("page_link")[-len(PAGES) - 1].proto
    assert link.page_script_hash and "Explore" in link.label and "epochs" in link.query_string


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_a_second_demo_replaces_the_first_and_both_keep_their_results():
    at = home()
    at.button(key="demo_forecast_start").click().run()
    first = conclusion_of(at)
    at.button(key="demo_memory_start").click().run()
    assert not at.exception and conclusion_of(at) != first and "digits" in conclusion_of(at)
    assert at.session_state["demo_forecast_comparison"].report is not None


def test_each_page_card_names_the_key_its_page_keeps_its_state_under():
    for page in PAGES:
        source = (ROOT / page.path).read_text()
        assert f'KEY = "{page.key}"' in source or f'show_paused("{page.key}")' in source, page.path
