"""A real `streamlit run dashboard.py` on 127.0.0.1 and Debian's Chromium driven by Playwright."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from benchmarks.serve import launch_chromium, served

ROOT = Path(__file__).parents[2]
SCREENSHOTS = ROOT / "tests" / "e2e" / "screenshots"


@pytest.fixture(scope="session")
def app_url():
    with served(ROOT) as (url, _):
        yield url


@pytest.fixture(scope="module")  # closed after each file: later tests (the load test) start Playwright again
def browser():
    with sync_playwright() as p:
        chromium = launch_chromium(p)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
