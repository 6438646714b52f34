"""In a real browser: a guided demo from the home page, its link onwards, and its runs on the Runs page."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot


def test_a_guided_demo_concludes_links_onwards_and_lands_on_the_runs_page(page, app_url, screenshots):
    page.goto(app_url)
    demo = page.get_by_role("button", name="Run this demo").nth(2)  # Forecasting honestly
    expect(demo).to_be_visible(timeout=60_000)
    demo.click()
    panel = page.locator(".st-key-demo_forecast_panel")
    expect(panel.get_by_text("persistence, by", exact=False).or_(panel.get_by_text("none of the networks")))\
        .to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(panel.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)
    no_error_boxes(page)
    panel.scroll_into_view_if_needed()
    screenshot(page, screenshots / "home_demo.png")

    page.get_by_test_id("stSidebarNav").get_by_text("Runs").click()  # the same session: its runs are there
    expect(page.get_by_role("heading", name="Loss curves")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("Demo: Forecasting honestly").first).to_be_attached()  # a canvas grid cell
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)
    page.get_by_text(re.compile(r"#\d+ GRU · seed 2")).last.click()  # its expander: weights and the reproduce command
    expect(page.get_by_text(re.compile(r"compare --archs gru --task seattle.* --seed 2"))).to_be_visible()
    no_error_boxes(page)
    screenshot(page, screenshots / "runs.png")
    card(page, page.get_by_test_id("stVegaLiteChart").first, screenshots / "runs_card.png")

    page.get_by_test_id("stSidebarNav").get_by_text("Home", exact=True).click()
    link = page.get_by_role("link", name="Explore this further", exact=False)
    expect(link).to_be_visible(timeout=60_000)
    link.click()
    expect(page.get_by_text("LSTM · 32 units")).to_be_visible(timeout=60_000)  # the demo's settings
    expect(page).to_have_url(re.compile(r"/Lab\?.*task=seattle"), timeout=10_000)
    no_error_boxes(page)
