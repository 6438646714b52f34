"""Helpers shared by the browser tests: screenshots, home-page cards, the absence of error boxes."""

from playwright.sync_api import expect

TRAINING_TIMEOUT_MS = 240_000  # the default sine comparison takes seconds; leave room for a busy machine


def screenshot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main block, so grow the window to the content first."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    page.set_viewport_size({"width": 1440, "height": min(max(height, 1000), 6000)})
    page.wait_for_timeout(700)  # let the charts redraw at the new size
    page.screenshot(path=path)


def card(page, locator, path, ratio: float = 0.45) -> None:
    """A picture for the home page's card: the top of an element, at most `ratio` times as high as wide."""
    locator.scroll_into_view_if_needed()
    box = locator.bounding_box()
    page.screenshot(path=path, clip={**box, "height": min(box["height"], box["width"] * ratio)})


def no_error_boxes(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)
