"""Bad tickers and dates never reach the network: the config, the fetcher and the Lab refuse them clearly."""

import datetime as dt

import pandas as pd
import pytest
from hostile import PAGES, TIMEOUT, clear, refused, train
from streamlit.testing.v1 import AppTest

from seqlab.app import datasets as app_data
from seqlab.config import DataConfig
from seqlab.data import DataError, load_series, stocks

BAD_TICKERS = {
    "empty": "",
    "blank": "   ",
    "too long": "A" * 16,
    "far too long": "MSFT" * 250,
    "a path": "../etc",
    "an absolute path": "/etc/passwd",
    "a shell command": "; rm -rf /",
    "a command substitution": "$(reboot)",
    "backticks": "`id`",
    "a pipe": "MSFT|cat",
    "a url": "http://evil.example",
    "a newline": "MSFT\nGOOG",
    "a NUL byte": "MSFT\x00",
    "a query string": "MSFT?x=1&y=2",
    "html": "<script>",
}


@pytest.fixture
def no_network(monkeypatch):
    """Replace the downloader: a call is recorded, and must never happen for a bad ticker."""
    calls = []

    def download(ticker, start, end, timeout):
        calls.append(ticker)
        days = pd.date_range("2020-01-01", periods=400, freq="B")
        return pd.DataFrame({"Close": range(400), "Volume": 1000.0}, index=days, dtype="float64")

    monkeypatch.setattr(stocks, "_download", download)
    stocks.clear_cache()
    app_data._series.clear()  # the page's own cache of loaded series
    yield calls
    stocks.clear_cache()
    app_data._series.clear()


@pytest.mark.parametrize("ticker", BAD_TICKERS.values(), ids=BAD_TICKERS.keys())
def test_the_config_refuses_it_naming_the_field(ticker):
    with pytest.raises(ValueError) as caught:
        DataConfig(task="stock", ticker=ticker)
    clear(str(caught.value), "DataConfig.ticker", "MSFT")


@pytest.mark.parametrize("ticker", BAD_TICKERS.values(), ids=BAD_TICKERS.keys())
def test_the_fetcher_refuses_it_without_a_download(no_network, ticker):
    with pytest.raises(DataError) as caught:
        stocks.fetch_prices(ticker, "2015-01-01")
    clear(str(caught.value), "ticker symbol", "MSFT, BRK-B")
    assert no_network == []


def test_a_good_ticker_after_bad_ones_is_fetched(no_network):
    for ticker in BAD_TICKERS.values():
        with pytest.raises(ValueError):
            load_series(DataConfig(task="stock", ticker=ticker))
    data, _ = load_series(DataConfig(task="stock", ticker="brk-b", start="2015-01-01"))
    assert no_network == ["BRK-B"] and data.default_column == "close"


# The Lab's ticker box holds at most 15 characters (the browser cuts a longer paste), and upper-cases them
IN_THE_BOX = {name: t for name, t in BAD_TICKERS.items() if len(t) <= 15}


@pytest.mark.parametrize("ticker", IN_THE_BOX.values(), ids=IN_THE_BOX.keys())
def test_the_lab_says_what_a_ticker_is_and_never_fetches(lab, no_network, ticker):
    lab.selectbox(key="lab_task").set_value("stock").run()
    assert no_network == ["MSFT"]  # the default ticker, fetched from the stand-in downloader
    lab.text_input(key="lab_ticker").set_value(ticker).run()
    refused(lab, "ticker", "MSFT")
    assert no_network == ["MSFT"]
    lab.text_input(key="lab_ticker").set_value("aapl").run()
    assert not lab.exception and not lab.error and len(lab.get("vega_lite_chart")) == 1
    assert no_network == ["MSFT", "AAPL"]


def test_a_shared_link_with_a_bad_ticker_is_ignored_and_never_fetched(no_network):
    at = AppTest.from_file(str(PAGES / "1_Lab.py"), default_timeout=TIMEOUT)
    at.query_params.update(task="stock", ticker="$(reboot)", start="2015-01-01")
    at.run()
    assert not at.exception and not at.error
    assert "ticker=\\$\\(reboot\\) (not a ticker symbol)" in at.warning[0].value  # markdown shown literally
    assert at.text_input(key="lab_ticker").value == "MSFT" and no_network == ["MSFT"]


def test_after_bad_tickers_the_session_still_trains(lab, no_network):
    lab.selectbox(key="lab_task").set_value("stock").run()
    for ticker in IN_THE_BOX.values():
        lab.text_input(key="lab_ticker").set_value(ticker).run()
        refused(lab, "ticker")
    lab.text_input(key="lab_ticker").set_value("GOOG").run()
    at = train(lab)
    assert "GOOG daily prices" in at.subheader[-1].value and set(no_network) == {"MSFT", "GOOG"}


BAD_DATES = {
    "end before start": ("2020-06-01", "2020-01-01", ["must come after", "choose a last date later"]),
    "end equal to start": ("2020-06-01", "2020-06-01", ["must come after", "choose a last date later"]),
    "not a date": ("2020-13-45", "", ["YYYY-MM-DD"]),
    "a path": ("../../etc", "", ["YYYY-MM-DD"]),
    "words": ("yesterday", "", ["YYYY-MM-DD"]),
}


@pytest.mark.parametrize("start, end, phrases", BAD_DATES.values(), ids=BAD_DATES.keys())
def test_bad_dates_are_refused_before_any_download(no_network, start, end, phrases):
    with pytest.raises(ValueError) as caught:
        load_series(DataConfig(task="stock", ticker="MSFT", start=start, end=end))
    clear(str(caught.value), "DataConfig.", *phrases)
    with pytest.raises(DataError):
        stocks.fetch_prices("MSFT", start, end or "2021-01-01")
    assert no_network == []


def test_the_lab_refuses_reversed_dates_then_takes_any_start_up_to_today(lab, no_network):
    lab.selectbox(key="lab_task").set_value("stock").run()
    lab.date_input(key="lab_start").set_value(dt.date(2020, 6, 1)).run()  # after the picker's old limit
    assert lab.date_input(key="lab_start").value == dt.date(2020, 6, 1) and no_network[-1] == "MSFT"
    lab.date_input(key="lab_end").set_value(dt.date(2020, 1, 1)).run()
    refused(lab, "must come after", "choose a last date later")
    fetched = len(no_network)
    lab.date_input(key="lab_end").set_value(dt.date(2021, 6, 1)).run()
    assert not lab.exception and not lab.error and len(no_network) == fetched + 1
