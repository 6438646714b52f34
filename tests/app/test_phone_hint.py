"""Every page whose settings live in the sidebar tells a phone user where that is (the "»" at the top left), in a
note that wide screens hide (tests/e2e/test_fit_every_screen.py checks the hiding in a real browser)."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app import screen

ROOT = Path(__file__).parents[2]
PAGES = sorted((ROOT / "pages").glob("*.py"))


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.stem)
def test_a_page_with_sidebar_settings_says_where_they_are_on_a_phone(page):
    source = page.read_text()
    if "st.sidebar" not in source:
        pytest.fail(f"{page.name} has no sidebar: drop it from this test's reasoning")
    assert "screen.settings_hint()" in source


@pytest.mark.parametrize("page", ["pages/1_Lab.py", "pages/2_Gradient_flow.py"])
def test_the_note_names_the_button_and_is_hidden_on_wide_screens(page):
    at = AppTest.from_file(str(ROOT / page), default_timeout=60).run()
    assert not at.exception
    notes = [c.value for c in at.caption if "»" in c.value]
    assert notes == [f":material/tune: {screen.HINT}"] and "top left" in screen.HINT
    assert f"@media (min-width: {screen.NARROW_PX + 1}px)" in screen.HIDE_WHEN_WIDE
    assert f".st-key-{screen.HINT_KEY}" in screen.HIDE_WHEN_WIDE
