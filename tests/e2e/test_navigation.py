"""In a real browser, on a server of its own: the menu calls the home page "Home" (not "dashboard", its file's name),
and deep links such as /Lab still open their pages, even as a fresh server's very first request."""

import re

import pytest
from playwright.sync_api import expect

from benchmarks.serve import served
from tests.e2e.helpers import no_error_boxes
from tests.helpers import ROOT


@pytest.fixture(scope="module")
def fresh_server():
    with served(ROOT) as (url, _):
        yield url


def menu(page):
    return page.get_by_test_id("stSidebarNav")


def test_the_menu_says_home_and_deep_links_open_their_pages(fresh_server, page):
    page.goto(f"{fresh_server}/Lab")  # the server's first request: a deep link
    expect(page.get_by_role("heading", name="Lab", exact=True)).to_be_visible(timeout=60_000)
    page.goto(fresh_server)
    expect(page.get_by_role("heading", name="seqlab: see how sequence models learn")).to_be_visible(timeout=60_000)
    expect(menu(page).get_by_text("Home", exact=True)).to_be_visible(timeout=30_000)
    expect(menu(page).get_by_text("dashboard")).to_have_count(0)
    menu(page).get_by_text("Gradient flow").click()
    expect(page).to_have_url(re.compile(rf"{fresh_server}/Gradient_flow(\?.*)?$"), timeout=30_000)
    page.goto(f"{fresh_server}/Text")
    expect(page.get_by_test_id("stMain").get_by_role("heading", name="Text", exact=True)).to_be_visible(
        timeout=60_000)
    expect(menu(page).get_by_text("Home", exact=True)).to_be_visible(timeout=30_000)
    menu(page).get_by_text("Home", exact=True).click()
    expect(page.get_by_role("heading", name="seqlab: see how sequence models learn")).to_be_visible(timeout=60_000)
    no_error_boxes(page)
