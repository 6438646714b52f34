"""The main journey in a real browser: open the Lab by its link, train the default comparison, read the results."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot  # noqa: F401 (older tests import them from here)


def test_home_page_links_to_the_lab(page, app_url, screenshots):
    page.goto(app_url)
    expect(page.get_by_role("heading", name="seqlab: see how sequence models learn")).to_be_visible(timeout=60_000)
    expect(page.locator("svg").filter(has_text="loss").first).to_be_attached()  # the graphviz diagram
    no_error_boxes(page)
    screenshot(page, screenshots / "home.png")


def test_lab_trains_the_default_comparison(page, app_url, screenshots):
    page.goto(f"{app_url}/Lab")  # the deep link opens the page with its sidebar
    expect(page.get_by_role("heading", name="Lab", exact=False).first).to_be_visible(timeout=60_000)
    expect(page.get_by_test_id("stSidebar").get_by_text("Data set")).to_be_visible()
    expect(page.get_by_text("RNN · 64 units")).to_be_visible(timeout=60_000)  # sizes before training
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_role("heading", name="Results", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    charts = page.locator("[data-testid='stVegaLiteChart'] svg.marks")
    expect(charts).to_have_count(4, timeout=60_000)  # preview, loss, predictions, metrics
    expect(page.get_by_test_id("stDataFrame")).to_have_count(2)  # over the 3 seeds, then each run and seed
    expect(page.get_by_text("over seeds", exact=False).first).to_be_visible()  # the verdict counts them
    expect(page.locator("[data-testid='stVegaLiteChart'] .mark-area")).not_to_have_count(0)  # the seeds' bands
    expect(page.get_by_role("button", name="Download the history (CSV)")).to_be_visible()
    no_error_boxes(page)
    screenshot(page, screenshots / "lab.png")
    card(page, page.get_by_test_id("stVegaLiteChart").nth(1), screenshots / "lab_card.png")  # the loss chart


def test_a_shared_link_opens_the_same_setup_and_a_tampered_one_opens_defaults(page, app_url):
    page.goto(f"{app_url}/Lab?task=adding&length=20&archs=lstm,gru&hidden=8&epochs=2")
    expect(page.get_by_text("LSTM · 8 units")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("GRU · 8 units")).to_be_visible()
    expect(page.get_by_text("RNN · 8 units")).to_have_count(0)
    expect(page.get_by_text("Adding problem (T=20)")).to_be_visible()  # the data preview
    page.goto(f"{app_url}/Lab?epochs=abc&hidden=99999&task=../../etc")
    expect(page.get_by_text("Ignored from the link")).to_be_visible(timeout=60_000)
    expect(page.get_by_text("RNN · 64 units")).to_be_visible()  # the defaults
    no_error_boxes(page)


def test_leaving_the_lab_mid_run_and_coming_back_finishes_the_comparison(page, app_url, screenshots):
    # long enough that the page is left while it trains: 500 samples of length 60, 100 epochs, two architectures
    page.goto(f"{app_url}/Lab?task=sine&samples=500&length=60&archs=lstm,gru&hidden=32&epochs=100&seeds=1")
    expect(page.get_by_text("LSTM · 32 units")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Train").click()
    expect(page.get_by_text(re.compile(r"GRU · epoch [1-9]/100"))).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    page.get_by_test_id("stSidebarNav").get_by_text("Gradient flow").click()  # leave mid-run
    expect(page.get_by_role("heading", name="Gradient flow").first).to_be_visible(timeout=60_000)
    back = page.get_by_role("link", name=re.compile(r"Lab · epoch \d+ of 100"))  # the way back, in the sidebar
    expect(back).to_be_visible(timeout=60_000)
    no_error_boxes(page)
    page.screenshot(path=screenshots / "paused.png")
    back.click()  # come back: it carries on and ends
    expect(page.get_by_text("LSTM · 32 units")).to_be_visible(timeout=60_000)  # with the settings it had
    expect(page.get_by_role("heading", name="Results", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_test_id("stDataFrame")).to_have_count(1)
    expect(page.get_by_text("stopped", exact=False)).to_have_count(0)  # nothing was cut short
    no_error_boxes(page)

    page.get_by_role("button", name="Train").click()  # the training slot was given back: a new run starts and ends
    expect(page.get_by_text(re.compile(r"LSTM · epoch \d+/100"))).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Stop").click()
    expect(page.get_by_role("heading", name="Results", exact=False)).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    no_error_boxes(page)
