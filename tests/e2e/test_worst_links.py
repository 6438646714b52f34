"""A real server on a small memory budget, opened with the worst links the bounds allow: each page answers with a
refusal that names what to lower, the server's memory stays under its budget, and it still trains for others."""

import os
import re

import pytest
from playwright.sync_api import expect

from benchmarks.load_test import PeakRss
from benchmarks.serve import served
from tests.helpers import ROOT

BUDGET_MB = 1500
WORST = [  # (address, words the refusal must show)
    "/Lab?task=copy&length=1000&samples=50000",
    "/Lab?task=adding&length=1000&samples=50000&hidden=512&layers=4&batch=1024",
    "/Lab?task=sine&length=1000&samples=50000&hidden=512&layers=4&batch=1024&epochs=500",
    "/Gradient_flow?length=1000&hidden=512&epochs=500",
    "/Text?length=1000&hidden=512&layers=4&batch=1024",
    "/Music?length=1000&hidden=512&layers=4&batch=1024",
    "/Lab?task=adding&length=5&samples=500&hidden=512&layers=4&batch=8&seeds=10",  # each run fits, not 30 at once
]
SEEDS = 6  # each further seed in a link used to leave another data set of hundreds of MB in the cache


@pytest.fixture(scope="module")
def small_server():
    env = {**os.environ, "SEQLAB_MEMORY_MB": str(BUDGET_MB), "SEQLAB_MAX_CONCURRENT": "2",
           "SEQLAB_MAX_SECONDS": "30"}
    with served(ROOT, env=env) as running:
        yield running


def refusal(page) -> str:
    """The first refusal on the page, once the page has finished running."""
    box = page.locator("[data-testid='stAlert']", has_text=re.compile(r"needs about", re.IGNORECASE)).first
    expect(box).to_be_visible(timeout=90_000)
    return box.inner_text()


def test_the_worst_links_are_refused_within_the_memory_budget(small_server, page):
    url, server = small_server
    with PeakRss(server.pid) as rss:
        for address in WORST:
            page.goto(url + address)
            text = refusal(page)
            assert "try" in text or "lower" in text, text
            assert page.get_by_text("Traceback").count() == 0
        for seed in range(1, SEEDS + 1):
            page.goto(f"{url}{WORST[0]}&seed={seed}")
            refusal(page)
    print(f"server peak RSS over {len(WORST) + SEEDS} worst links: {rss.peak / 2**20:.0f} MB")
    assert rss.peak < BUDGET_MB * 2**20, f"peak RSS {rss.peak / 2**20:.0f} MB over the {BUDGET_MB} MB budget"


def test_after_the_worst_links_the_server_still_trains(small_server, page):
    url, _ = small_server
    page.goto(f"{url}/Lab?task=adding&length=10&samples=500&archs=gru&epochs=2&hidden=8")
    train = page.get_by_role("button", name="Train")
    expect(train).to_be_enabled(timeout=90_000)
    train.click()
    expect(page.get_by_text("Results", exact=False).first).to_be_visible(timeout=90_000)
    assert page.get_by_text("Traceback").count() == 0
