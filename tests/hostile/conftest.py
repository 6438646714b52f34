"""Fixtures of the hostile-input tests: the Lab and the Text page, opened with tiny settings."""

import pytest
from hostile import page
from streamlit.testing.v1 import AppTest


@pytest.fixture
def lab() -> AppTest:
    return page("1_Lab.py", "lab", lab_length=10)


@pytest.fixture
def text_page() -> AppTest:
    return page("4_Text.py", "text", text_length=20, text_chars=20_000)
