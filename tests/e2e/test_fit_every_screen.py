"""Every page, after training, fits a phone (390x844) and a laptop (1400x900) in a real browser: no element reaches
past the window's right edge, nothing scrolls sideways, and Vega never warns of an "Infinite extent" (a chart drawn
before it has data). On a phone a note says where the folded-away settings are; on a laptop it is hidden.

One server for both sizes; each size trains tiny configurations opened by the pages' own link parameters (Table 1,
which has none, runs its quick table of the RNN alone)."""

import re

import pytest
from playwright.sync_api import expect

TRAINING_TIMEOUT_MS = 240_000  # tiny runs take seconds; leave room for a machine shared with other work
SIZES = {"phone": (390, 844), "laptop": (1400, 900)}
HINT = ".st-key-phone_settings_hint"  # seqlab.app.screen.HINT_KEY
# The page's own scroll containers: an element that overflows inside them makes the page scroll sideways. Any
# other element that hides or scrolls its overflow (a data frame's grid, a code block) keeps its content to itself.
OVERFLOWS = """() => {
  const right = window.innerWidth + 1;  // a sub-pixel of rounding
  const page = new Set(["stApp", "stAppViewContainer", "stMain", "stMainBlockContainer",
                        "stAppScrollToBottomContainer"]);
  const held = el => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== "visible" && !page.has(a.dataset.testid)
          && a.getBoundingClientRect().right <= right) return true;
    }
    return false;
  };
  const name = el => {
    const parts = [];
    for (let a = el; a && parts.length < 4; a = a.parentElement) {
      parts.push(a.dataset.testid || a.tagName.toLowerCase());
    }
    const chart = el.closest("[data-testid=stVegaLiteChart]");
    const said = chart ? (chart.getAttribute("aria-label") || "").slice(0, 70) : "";
    return parts.join(" < ") + (chart ? ` in the chart "${said}"` : "");
  };
  const wide = [];
  for (const el of document.querySelectorAll("body *")) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0 || box.right <= right) continue;
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none" || held(el)) continue;
    wide.push(`${name(el)}: right edge at ${Math.round(box.right)} px`);
  }
  const main = document.querySelector("[data-testid=stMain]");
  return {document: document.scrollingElement.scrollWidth, main: main ? main.scrollWidth : 0,
          window: window.innerWidth, wide: wide.slice(0, 8), count: wide.length};
}"""


def fits(page, where: str) -> None:
    """Nothing on the page is wider than the window, and neither the document nor the main area scrolls sideways."""
    page.wait_for_timeout(1500)  # let the charts settle to their container's width
    found = page.evaluate(OVERFLOWS)
    assert found["document"] <= found["window"], f"{where}: the page scrolls sideways: {found}"
    assert found["main"] <= found["window"], f"{where}: the main area scrolls sideways: {found}"
    assert found["count"] == 0, f"{where}: {found['count']} elements reach past the window: {found['wide']}"


def no_error_boxes(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_test_id("stAlertContentError")).to_have_count(0)


def go_to(page, title: str, phone: bool) -> None:
    """Open another page in the same session, through the navigation (on a phone, behind the » first)."""
    folded = page.get_by_test_id("stExpandSidebarButton")
    if phone and folded.is_visible():
        folded.click()
    page.get_by_test_id("stSidebarNav").get_by_text(title, exact=True).click()
    expect(page.get_by_role("heading", name=title).first).to_be_visible(timeout=60_000)
    if phone:
        fold(page)


def fold(page) -> None:
    """Fold a phone's open sidebar away again (it stays open over the page after a click in it)."""
    page.get_by_test_id("stSidebarCollapseButton").get_by_role("button").click()
    expect(page.get_by_test_id("stExpandSidebarButton")).to_be_visible()


def train(page, url: str, button: str = "Train") -> None:
    page.goto(url)
    page.get_by_role("button", name=re.compile(rf"(^|\s){button}$")).click()  # after its icon's name, if any
    done = page.get_by_role("heading", name="Results", exact=False).or_(page.get_by_text("what reaches the first step"))
    expect(done).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_role("heading", name="Training…")).to_have_count(0, timeout=60_000)
    no_error_boxes(page)


@pytest.fixture(params=list(SIZES))
def screen(request, browser):
    width, height = SIZES[request.param]
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.console = []  # every console message, for the Vega warnings
    page.on("console", lambda message: page.console.append(f"{message.type}: {message.text}"))
    yield request.param, page
    context.close()


def test_every_page_fits_the_screen_after_training(screen, app_url):
    size, page = screen
    phone = size == "phone"

    page.goto(app_url)  # home, with the forecasting demo (its two stacked panels) concluded
    page.get_by_role("button", name="Run this demo").nth(2).click()
    panel = page.locator(".st-key-demo_forecast_panel")
    expect(panel.get_by_role("link", name="Explore this further", exact=False)).to_be_visible(
        timeout=TRAINING_TIMEOUT_MS)
    expect(panel.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)
    no_error_boxes(page)
    fits(page, "home after a guided demo")

    train(page, f"{app_url}/Lab?task=sine&samples=500&length=20&archs=rnn,lstm,gru&hidden=8&epochs=2&seeds=2")
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(4, timeout=60_000)
    fits(page, "Lab")
    hint = page.locator(HINT)
    if phone:  # the settings are folded away behind the »: the page says so, and the » opens them
        expect(hint).to_be_visible()
        expect(hint).to_contain_text("tap » at the top left")
        page.get_by_test_id("stExpandSidebarButton").click()
        expect(page.get_by_test_id("stSidebar").get_by_text("Data set")).to_be_in_viewport()
        fold(page)
    else:  # the settings are in plain sight
        expect(hint).to_be_hidden()
        expect(page.get_by_test_id("stSidebar").get_by_text("Data set")).to_be_in_viewport()

    train(page, f"{app_url}/Lab?task=digits&reading=rows&archs=rnn,lstm,gru&hidden=8&epochs=1&seeds=1")
    expect(page.get_by_text("misclassified test digits", exact=False).first).to_be_visible(timeout=60_000)
    fits(page, "Lab on digits (confusion matrices, the gallery of mistakes)")

    go_to(page, "Inside the cell", phone)  # the Lab's models, in the same session
    expect(page.locator("[data-testid='stVegaLiteChart'] .marks")).to_have_count(2, timeout=60_000)
    no_error_boxes(page)
    fits(page, "Inside the cell")

    go_to(page, "Runs", phone)
    expect(page.get_by_role("heading", name="Loss curves")).to_be_visible(timeout=60_000)
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)
    no_error_boxes(page)
    fits(page, "Runs")

    train(page, f"{app_url}/Gradient_flow?length=20&archs=rnn,lstm,gru&hidden=8&epochs=2&seeds=1", "Run the demo")
    # the forget-bias chart, the gradient's reach into the input and into the hidden state, layer norms, the loss
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(5, timeout=60_000)
    fits(page, "Gradient flow")

    train(page, f"{app_url}/Text?length=20&chars=20000&archs=lstm,gru&hidden=8&epochs=1&seeds=1")
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks")).to_have_count(2, timeout=60_000)
    fits(page, "Text")

    # melodies: a piano roll and a player per model, the in-key chart beside the loss, a melody continued
    train(page, f"{app_url}/Music?length=16&archs=lstm,gru&hidden=8&epochs=1&seeds=1")
    expect(page.locator(".st-key-music_latest_melodies audio")).to_have_count(2, timeout=60_000)
    page.get_by_role("button", name="Continue the melody").click()
    expect(page.get_by_text(re.compile(r"wrote \d+ notes in"))).to_be_visible(timeout=60_000)
    fits(page, "Music")

    # an encoder-decoder with and without attention: accuracy by input length (two charts side by side on a laptop,
    # stacked on a phone) and the attention map of a test example, its cells sized to the column
    train(page, f"{app_url}/Translation?pairs=500&archs=gru&attention=on,off&hidden=8&epochs=1&seeds=1")
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks").nth(2)).to_be_visible(timeout=60_000)
    fits(page, "Translation")
    page.get_by_text("Loss curves and every run's scores").click()  # the loss chart and table in the expander
    expect(page.locator("[data-testid='stVegaLiteChart'] svg.marks").nth(3)).to_be_visible(timeout=60_000)
    fits(page, "Translation with its loss curves open")

    go_to(page, "Table 1", phone)  # before a run: the settings, the note, no table yet
    expect(page.get_by_text("No table yet in this session", exact=False)).to_be_visible(timeout=60_000)
    no_error_boxes(page)
    fits(page, "Table 1 before a run")
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    sidebar = page.get_by_test_id("stSidebar")
    for arch in ("LSTM", "GRU", "TCN", "Transformer"):  # the quick table of the RNN alone: seconds, not a minute
        pill = sidebar.get_by_role("button", name=arch, exact=True)
        pill.click()
        expect(pill).to_have_attribute("aria-pressed", "false")  # no longer picked
    if phone:
        fold(page)
    page.get_by_role("button", name="Run the quick table").click()
    expect(page.get_by_role("heading", name="Ours (1 seed", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    no_error_boxes(page)
    fits(page, "Table 1 after the quick table")

    # a small Transformer, then its attention maps on Inside the cell: one panel per layer and head, stacked, each
    # as wide as the column (they were a grid of fixed-size facets, wider than a phone)
    train(page, f"{app_url}/Lab?task=adding&length=20&samples=500&archs=transformer&hidden=8&layers=2&heads=2"
                "&epochs=2&seeds=1")
    go_to(page, "Inside the cell", phone)
    if phone:
        page.get_by_test_id("stExpandSidebarButton").click()
    page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=re.compile(r"^Transformer.* · Lab · ")).click()
    if phone:
        fold(page)
    maps = page.get_by_test_id("stVegaLiteChart").filter(has_text="Where each step of the Transformer")
    expect(maps.locator("svg.marks")).to_have_count(1, timeout=60_000)
    expect(maps).to_contain_text("layer 1 · head 1")  # the last of four stacked panels
    no_error_boxes(page)
    fits(page, "Inside the cell: a Transformer's attention maps")

    infinite = [message for message in page.console if re.search("infinite extent", message, re.I)]
    assert not infinite, f"{len(infinite)} Vega warnings of a chart drawn before its data, e.g. {infinite[:3]}"
