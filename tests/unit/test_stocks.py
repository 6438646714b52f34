"""Stock prices: ticker and date checks, the hard deadline, the MSFT fallback and the cache."""

import sys
import threading
import time
import types

import numpy as np
import pandas as pd
import pytest

from seqlab.data import stocks
from seqlab.data.deadline import DeadlineRunner
from seqlab.data.stocks import fetch_prices
from seqlab.data.task import DataError


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch):
    """Each test starts with an empty cache and no waiting workers from other tests."""
    monkeypatch.setattr(stocks, "_cache", type(stocks._cache)())
    monkeypatch.setattr(stocks, "_runner", DeadlineRunner("yfinance", stocks.MAX_WAITING_WORKERS))


def yahoo_frame(n: int = 30, multi: bool = False) -> pd.DataFrame:
    """What yfinance's history() returns: a tz-aware Date index and capitalised columns."""
    index = pd.date_range("2020-01-02", periods=n, freq="B", tz="America/New_York", name="Date")
    close = 100 + np.arange(n, dtype=float)
    frame = pd.DataFrame({"Open": close - 1, "High": close + 1, "Low": close - 2, "Close": close,
                          "Volume": 1000 + np.arange(n), "Dividends": 0.0, "Stock Splits": 0.0}, index=index)
    if multi:  # download() style: (field, ticker) columns
        frame.columns = pd.MultiIndex.from_product([frame.columns, ["AAPL"]])
    return frame


def serve(monkeypatch, fn) -> list:
    """Replace the network call; return the list of calls made."""
    calls = []

    def fake(ticker, start, end, timeout):
        calls.append((ticker, start, end))
        return fn()

    monkeypatch.setattr(stocks, "_download", fake)
    return calls


@pytest.mark.parametrize("ticker", ["", "   ", "../etc/passwd", "MSFT;rm", "A|B", "$(id)", "`id`", "A B",
                                    "ABCDEFGHIJKLMNOP", "MS\nFT", "-MSFT", None, 42])
def test_invalid_tickers_are_refused(monkeypatch, ticker):
    calls = serve(monkeypatch, yahoo_frame)
    with pytest.raises(DataError, match="ticker symbol"):
        fetch_prices(ticker, "2020-01-01")
    assert calls == []


@pytest.mark.parametrize("start, end, phrase", [
    ("2020/01/01", "", "YYYY-MM-DD"),
    ("2020-02-30", "", "does not exist"),
    ("2020-01-01", "2019-12-31", "after the start"),
    ("2020-01-01", "2020-01-01", "after the start"),
    ("2999-01-01", "", "future"),
])
def test_invalid_dates_are_refused(start, end, phrase):
    with pytest.raises(DataError, match=phrase):
        fetch_prices("MSFT", start, end)


@pytest.mark.parametrize("multi", [False, True])
def test_fetched_prices_match_the_msft_file_layout(monkeypatch, multi):
    serve(monkeypatch, lambda: yahoo_frame(multi=multi))
    data, notice = fetch_prices("aapl", "2020-01-01", "2020-03-01")
    assert notice is None
    assert list(data.frame.columns) == ["date", "open", "high", "low", "close", "volume"]
    assert data.frame["date"].dt.tz is None and data.frame["date"].iloc[0] == pd.Timestamp("2020-01-02")
    assert (data.default_column, data.units["close"]) == ("close", "USD")
    assert data.name.startswith("AAPL")


def test_download_gets_the_upper_cased_stripped_ticker_and_dates(monkeypatch):
    calls = serve(monkeypatch, yahoo_frame)
    fetch_prices(" brk-b\n", "2020-01-01", "2020-06-30")
    assert calls == [("BRK-B", "2020-01-01", "2020-06-30")]


def fail():
    raise ConnectionError("Could not resolve host: query2.finance.yahoo.com")


@pytest.mark.parametrize("download, reason", [
    (fail, "resolve host"),
    (pd.DataFrame, "no prices"),
    (lambda: pd.DataFrame({"Volume": [1, 2]}), "no closing prices"),
])
def test_failures_fall_back_to_msft_with_a_notice(monkeypatch, download, reason):
    serve(monkeypatch, download)
    data, notice = fetch_prices("XYZ", "2020-01-01")
    assert notice.startswith("Could not fetch 'XYZ' from Yahoo Finance") and reason in notice
    assert "MSFT" in notice and notice not in data.notes  # load_series shows it, once
    assert data.default_column == "close" and len(data.frame) > 7000


def test_a_hung_download_is_abandoned_at_the_deadline(monkeypatch):
    serve(monkeypatch, lambda: time.sleep(5))
    started = time.monotonic()
    data, notice = fetch_prices("SLOW", "2020-01-01", deadline=0.5)
    assert time.monotonic() - started < 2
    assert "no answer within 0.5 s" in notice and "MSFT" in data.name


def test_fallback_is_clipped_to_the_asked_dates_when_enough_remain(monkeypatch):
    serve(monkeypatch, fail)
    data, notice = fetch_prices("XYZ", "2000-01-01", "2005-12-31")
    dates = data.frame["date"]
    assert dates.min() >= pd.Timestamp("2000-01-01") and dates.max() <= pd.Timestamp("2005-12-31")
    assert "MSFT 2000–2005" in notice


def test_fallback_outside_the_msft_years_shows_all_of_them(monkeypatch):
    serve(monkeypatch, fail)
    data, notice = fetch_prices("XYZ", "2020-01-01")
    assert len(data.frame) == 7983 and "MSFT 1986–2017" in notice


def test_too_many_waiting_workers_fall_back_at_once(monkeypatch):
    release = threading.Event()
    calls = serve(monkeypatch, release.wait)
    try:
        for i in range(stocks.MAX_WAITING_WORKERS):
            fetch_prices(f"HUNG{i}", "2020-01-01", deadline=0.1)
        data, notice = fetch_prices("NEXT", "2020-01-01", deadline=5)
    finally:
        release.set()
    assert "too many" in notice and len(calls) == stocks.MAX_WAITING_WORKERS


class FakeYfinance:
    """Stands in for the yfinance module: records what seqlab asks of it and answers with `frame`."""

    def __init__(self, frame):
        self.frame, self.asked = frame, []
        self.config = types.SimpleNamespace(network=types.SimpleNamespace(proxy="left over"))

    def Ticker(self, ticker):  # noqa: N802 (yfinance's name)
        fake = self

        class Ticker:
            def history(self, **kwargs):
                fake.asked.append((ticker, kwargs, fake.config.network.proxy))
                return fake.frame

        return Ticker()


def test_the_real_download_code_asks_yfinance_for_adjusted_prices_within_the_timeout(monkeypatch):
    """seqlab's own yfinance call (stocks._download), offline: a fake module answers, so the test always means the
    same thing; tests/faults/test_network.py puts the real library in front of a misbehaving local server, and
    benchmarks/check_yfinance.py asks the real Yahoo (by hand: it needs the internet)."""
    fake = FakeYfinance(yahoo_frame(40))
    monkeypatch.setitem(sys.modules, "yfinance", fake)
    monkeypatch.delenv(stocks.PROXY_ENV, raising=False)
    data, notice = fetch_prices("msft", "2020-01-01", deadline=3)
    assert notice is None and len(data.frame) == 40 and data.frame["close"].iloc[0] == 100.0
    assert fake.asked == [("MSFT", {"start": "2020-01-01", "end": None, "auto_adjust": True, "timeout": 3}, {})]


def test_cache_hit_does_not_download_again(monkeypatch):
    calls = serve(monkeypatch, yahoo_frame)
    first, _ = fetch_prices("AAPL", "2020-01-01")
    second, notice = fetch_prices("aapl", "2020-01-01")
    assert len(calls) == 1 and notice is None
    pd.testing.assert_frame_equal(first.frame, second.frame)


def test_cached_frame_cannot_be_changed_through_a_result(monkeypatch):
    serve(monkeypatch, yahoo_frame)
    first, _ = fetch_prices("AAPL", "2020-01-01")
    first.frame.loc[0, "close"] = -1.0
    assert fetch_prices("AAPL", "2020-01-01")[0].frame.loc[0, "close"] == 100.0


def test_failures_are_not_cached(monkeypatch):
    results = iter([fail, yahoo_frame])
    calls = serve(monkeypatch, lambda: next(results)())
    assert fetch_prices("AAPL", "2020-01-01")[1] is not None
    assert fetch_prices("AAPL", "2020-01-01")[1] is None
    assert len(calls) == 2


def test_cache_entries_expire(monkeypatch):
    calls = serve(monkeypatch, yahoo_frame)
    monkeypatch.setattr(stocks, "CACHE_SECONDS", -1.0)
    fetch_prices("AAPL", "2020-01-01")
    fetch_prices("AAPL", "2020-01-01")
    assert len(calls) == 2


def test_cache_is_bounded(monkeypatch):
    serve(monkeypatch, yahoo_frame)
    monkeypatch.setattr(stocks, "CACHE_SIZE", 3)
    for ticker in ("A", "B", "C", "D", "E"):
        fetch_prices(ticker, "2020-01-01")
    assert [key[0] for key in stocks._cache] == ["C", "D", "E"]


def test_the_stock_task_carries_the_fallback_notice_as_a_warning(monkeypatch):
    from seqlab.config import DataConfig
    from seqlab.data import make_task

    serve(monkeypatch, fail)
    task = make_task(DataConfig(task="stock", ticker="XYZ", start="2012-01-01", length=20))
    assert len(task.warnings) == 1 and task.warnings[0].startswith("Could not fetch 'XYZ'")
    assert task.warnings[0] not in task.notes and "MSFT" in task.title
