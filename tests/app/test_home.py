from pathlib import Path

from streamlit.testing.v1 import AppTest

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
