from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]


def test_home_page_starts_and_lists_every_task():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()
    assert not at.exception
    assert "seqlab" in at.title[0].value
    names = set(at.dataframe[0].value["name"])
    assert {"sine", "adding", "copy", "seattle", "stock", "csv"} <= names
