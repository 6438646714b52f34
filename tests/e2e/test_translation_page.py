"""The Translation page in a real browser: open it by a shared link, train with and without attention, read the
accuracy-by-length verdict, and draw the attention heatmap of a typed date."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot

LINK = "pairs=2000&hidden=64&epochs=6&seeds=1&archs=gru&attention=on,off"  # the guided demo's settings


def test_translation_page_trains_with_and_without_attention_and_draws_where_it_looks(page, app_url, screenshots):
    page.goto(f"{app_url}/Translation?{LINK}")
    expect(page.get_by_role("heading", name="Translation").first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Train", exact=True).click()
    expect(page.get_by_text(re.compile(r"after epoch [1-9]")).first).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Where attention looks")).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"Test exact matches, shortest inputs"))).to_be_visible()
    # two accuracy-by-length charts, the heatmap of the first test example, loss and metrics (in the expander)
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(5, timeout=60_000)
    no_error_boxes(page)

    box = page.get_by_label("Or type a date")
    box.fill("samedi 21 novembre 2026")
    box.press("Enter")
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(6, timeout=60_000)
    expect(page.locator("[data-testid='stVegaLiteChart']").filter(has_text="your input")).to_have_count(1)
    no_error_boxes(page)
    box.fill("x" * 80)
    box.press("Enter")
    expect(page.get_by_text(re.compile(r"the models read at most \d+"))).to_be_visible(timeout=60_000)
    box.fill("samedi 21 novembre 2026")
    box.press("Enter")
    expect(page.get_by_text(re.compile(r"the models read at most"))).to_have_count(0, timeout=60_000)
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(6, timeout=60_000)
    no_error_boxes(page)
    screenshot(page, screenshots / "translation.png")
    heatmap = page.locator("[data-testid='stVegaLiteChart']").filter(has_text="your input")
    card(page, heatmap, screenshots / "translation_card.png", ratio=0.9)  # docs/translation.png
