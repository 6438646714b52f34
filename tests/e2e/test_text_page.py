"""The Text page in a real browser: open it by its link, train the default comparison, watch samples, generate."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot


def test_text_page_trains_writes_samples_and_generates(page, app_url, screenshots):
    page.goto(f"{app_url}/Text")
    expect(page.get_by_role("heading", name="Text").first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebar").get_by_text("Text to learn")).to_be_visible()
    expect(page.get_by_text("LSTM · 64 units")).to_be_visible(timeout=60_000)  # sizes before training
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text(re.compile(r"after epoch [2-9]")).first).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    page.get_by_text("What each model writes").evaluate("e => e.scrollIntoView({block: 'center'})")
    page.screenshot(path=screenshots / "text_training.png")  # the live view: progress, loss and samples
    expect(page.get_by_role("heading", name="Results", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)  # loss, metrics
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # samples epoch by epoch (collapsed), metrics
    no_error_boxes(page)

    page.get_by_role("button", name="Generate", exact=True).click()
    speed = page.get_by_text(re.compile(r"characters a second"))
    expect(speed).to_be_visible(timeout=60_000)
    print(page.locator("p", has_text="characters a second").inner_text())  # pytest -s shows the measured speed
    expect(page.get_by_role("button", name="LSTM weights (.pt)")).to_be_visible()
    no_error_boxes(page)
    screenshot(page, screenshots / "text.png")
    card(page, page.locator(".st-key-text_latest_samples"), screenshots / "text_card.png")  # docs/text.png
