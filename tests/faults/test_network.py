"""Network faults: the stock and Tiny Shakespeare downloads fall back, with a notice, within their hard deadline.

Each fault is a real socket on 127.0.0.1 (see conftest.py). The corpus download is pointed at it with
SEQLAB_SHAKESPEARE_URL; yfinance with SEQLAB_YFINANCE_PROXY, so its HTTPS requests reach the server as a
proxy's CONNECT (the 429 and the empty answer come at the tunnel, before any TLS).
"""

import time
from pathlib import Path

import pytest

from seqlab.data import corpus as corpora
from seqlab.data import stocks
from seqlab.data.deadline import DeadlineRunner
from seqlab.data.series import load_shipped
from seqlab.data.text import builtin_corpus

LAB = str(Path(__file__).parents[2] / "pages" / "1_Lab.py")
DEADLINE = 1.0  # seconds; the real ones (8 s for stocks, 10 s for the corpus) are module constants
MARGIN = 1.0  # seconds beyond the deadline for the fallback itself, on a busy machine
REPEATS = 3  # "every time": the same fault, asked again, falls back again
NO_PRICES = "no prices came back"  # yfinance hides most failures and returns an empty frame
STOCK_REASONS = {"refused": ("Failed to connect to query2.finance.yahoo.com:443 over proxy", NO_PRICES),
                 "hang": (f"no answer within {DEADLINE:g} s",), "empty": (NO_PRICES,), "429": (NO_PRICES,)}
CORPUS_REASONS = {"refused": "Connection refused", "hang": f"no answer within {DEADLINE:g} s",
                  "empty": "closed connection without response", "429": "HTTP Error 429: Too Many Requests"}


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch, tmp_path):
    """No cached prices or text, no remembered failure, no waiting workers; the fallback data already parsed."""
    monkeypatch.setattr(stocks, "_cache", type(stocks._cache)())
    monkeypatch.setattr(stocks, "_runner", DeadlineRunner("yfinance", stocks.MAX_WAITING_WORKERS))
    monkeypatch.setattr(corpora, "_runner", DeadlineRunner("seqlab-shakespeare", corpora.MAX_WAITING_WORKERS))
    monkeypatch.setattr(corpora, "_last_failure", [])
    monkeypatch.setenv(corpora.CACHE_ENV, str(tmp_path / "cache"))
    load_shipped("msft"), builtin_corpus()


def timed(call):
    started = time.monotonic()
    value = call()
    return value, time.monotonic() - started


def test_the_stock_fetch_falls_back_within_the_deadline_every_time(monkeypatch, faulty_url):
    url, server = faulty_url
    monkeypatch.setenv(stocks.PROXY_ENV, url)
    for attempt in range(REPEATS):
        (data, notice), seconds = timed(lambda: stocks.fetch_prices("FAULT", "2010-01-01", "2014-01-01", DEADLINE))
        assert seconds < DEADLINE + MARGIN, f"attempt {attempt}: {seconds:.2f} s"
        assert notice.startswith("Could not fetch 'FAULT' from Yahoo Finance") and "showing MSFT 2010–2013" in notice
        assert any(reason in notice for reason in STOCK_REASONS[server.mode if server else "refused"])
        assert data.name.startswith("MSFT daily prices") and len(data.frame) > 900
    if server is not None:  # the proxy setting really sent yfinance there (each time, unless one still hangs:
        # a hung request holds yfinance's cookie lock, and the next ones wait on it without connecting)
        assert server.connections >= (1 if server.mode == "hang" else REPEATS)


def test_the_stock_task_carries_the_notice_through_make_task(monkeypatch, faulty_url):
    from seqlab.config import DataConfig
    from seqlab.data import make_task

    monkeypatch.setattr(stocks, "DEADLINE", DEADLINE)  # the deadline the app uses, shortened
    monkeypatch.setenv(stocks.PROXY_ENV, faulty_url[0])
    task, seconds = timed(lambda: make_task(DataConfig(task="stock", ticker="FAULT", start="2010-01-01")))
    assert seconds < DEADLINE + MARGIN + 1.0  # plus windowing the fallback series
    assert any(w.startswith("Could not fetch 'FAULT'") for w in task.warnings)


def test_the_corpus_download_falls_back_within_the_deadline_every_time(monkeypatch, faulty_url):
    url, server = faulty_url
    monkeypatch.setenv(corpora.URL_ENV, f"{url}/input.txt")
    for attempt in range(REPEATS):
        text, seconds = timed(lambda: corpora.shakespeare(deadline=DEADLINE))
        assert seconds < DEADLINE + MARGIN, f"attempt {attempt}: {seconds:.2f} s"
        assert text.text == builtin_corpus() and text.title == "Python documentation"
        assert text.warnings[0].startswith("Could not download Tiny Shakespeare")
        assert CORPUS_REASONS[server.mode if server else "refused"] in text.warnings[0]
        again, seconds = timed(lambda: corpora.shakespeare(deadline=DEADLINE))  # within the retry pause
        assert seconds < MARGIN and again.warnings == text.warnings
        monkeypatch.setattr(corpora, "_last_failure", [])  # the pause is over: the next one asks the network
    if server is not None and server.mode != "hang":
        assert server.connections == REPEATS
    assert not (corpora.cache_dir() / corpora.SHAKESPEARE_FILE).exists()  # nothing bad was cached



def test_the_lab_shows_the_fallback_and_its_notice_within_the_deadline(monkeypatch, hanging_server):
    from streamlit.testing.v1 import AppTest

    server = hanging_server
    monkeypatch.setattr(stocks, "DEADLINE", DEADLINE)
    monkeypatch.setenv(stocks.PROXY_ENV, server.url)
    lab = AppTest.from_file(LAB, default_timeout=60).run()
    lab.selectbox(key="lab_task").set_value("stock").run()
    _, seconds = timed(lambda: lab.text_input(key="lab_ticker").set_value("HANGS").run())
    assert not lab.exception and not lab.error
    notice = next(w.value for w in lab.warning if "HANGS" in w.value)
    assert notice.startswith("Could not fetch 'HANGS'") and f"no answer within {DEADLINE:g} s" in notice
    assert len(lab.get("vega_lite_chart")) == 1 and not next(b for b in lab.button if b.label == "Train").disabled
    assert seconds < DEADLINE + MARGIN + 2.0  # plus one run of the page: the fallback windowed and previewed
