"""The gradient lesson in a real browser: run the default demo on Gradient flow, then look inside an LSTM."""

from playwright.sync_api import expect

from tests.e2e.helpers import TRAINING_TIMEOUT_MS, card, no_error_boxes, screenshot


def test_gradient_flow_demo_and_inside_the_cell(page, app_url, screenshots):
    page.goto(f"{app_url}/Gradient_flow")
    expect(page.get_by_role("heading", name="Gradient flow").first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Run the demo").click()
    expect(page.get_by_text("what reaches the first step")).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    charts = page.locator("[data-testid='stVegaLiteChart'] svg.marks")
    expect(charts).to_have_count(5, timeout=60_000)  # input and hidden-state decay, loss, layer norms, forget bias
    no_error_boxes(page)
    screenshot(page, screenshots / "gradient_flow.png")
    card(page, page.get_by_test_id("stVegaLiteChart").first, screenshots / "gradient_flow_card.png", ratio=0.8)

    page.set_viewport_size({"width": 1440, "height": 1000})
    page.get_by_test_id("stSidebarNav").get_by_text("Inside the cell").click()  # same session: the models stay
    expect(page.get_by_role("heading", name="Inside the cell").first).to_be_visible(timeout=60_000)
    # big heatmaps render on a canvas, the rest as SVG
    expect(page.locator("[data-testid='stVegaLiteChart'] .marks")).to_have_count(2, timeout=60_000)
    no_error_boxes(page)
    screenshot(page, screenshots / "inside_the_cell.png")
    card(page, page.get_by_test_id("stVegaLiteChart").nth(1), screenshots / "inside_the_cell_card.png")


def test_five_architectures_show_how_far_back_their_gradient_reaches(page, app_url, screenshots):
    page.goto(f"{app_url}/Gradient_flow?archs=rnn,lstm,gru,tcn,transformer&length=40&hidden=32&epochs=5"
              "&seeds=1&levels=3&kernel=3&lr=0.003")
    expect(page.get_by_role("heading", name="Gradient flow").first).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="Run the demo").click()
    expect(page.get_by_text("does not fade with distance")).to_be_visible(timeout=TRAINING_TIMEOUT_MS)
    expect(page.get_by_text("exactly zero for 11 of the 11 older steps")).to_be_visible()
    no_error_boxes(page)
    page.set_viewport_size({"width": 1600, "height": 1200})
    page.wait_for_timeout(700)
    card(page, page.get_by_test_id("stVegaLiteChart").first, screenshots / "gradient_five.png", ratio=0.8)
