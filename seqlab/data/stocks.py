"""Daily stock prices from Yahoo Finance under a hard deadline, falling back to the shipped MSFT prices.

Setting: `SEQLAB_YFINANCE_PROXY` (environment), an `http://host:port` proxy that every yfinance request
goes through, read at each fetch; unset, yfinance connects directly. It serves a deployment behind a
proxy, and lets the fault tests (tests/faults/) put a local server that refuses, hangs, answers nothing
or answers 429 between seqlab and Yahoo. `DEADLINE` is the hard limit in seconds of one fetch.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import re
import threading
import time
from collections import OrderedDict

import pandas as pd

from seqlab.config import TICKER_PATTERN
from seqlab.data.deadline import DeadlineRunner, FetchFailed
from seqlab.data.series import load_shipped
from seqlab.data.task import DataError, SeriesData

DEADLINE = 8.0  # seconds a fetch may take before the shipped prices are shown instead
PROXY_ENV = "SEQLAB_YFINANCE_PROXY"
CACHE_SIZE = 32
CACHE_SECONDS = 3600.0  # prices change daily; an hour keeps a classroom from asking Yahoo 30 times
MAX_WAITING_WORKERS = 4  # hung fetches we tolerate before refusing to start more
MIN_FALLBACK_ROWS = 200  # clip the MSFT stand-in to the asked dates only if this many rows remain
PRICE_COLUMNS = ("open", "high", "low", "close", "volume")
_SOURCE = "Yahoo Finance, through the yfinance package (for personal and research use)"

# Shared by every visitor on purpose: it holds public prices keyed by the request, nothing per user.
_cache: OrderedDict[tuple[str, str, str], tuple[float, SeriesData]] = OrderedDict()
_lock = threading.Lock()
_runner = DeadlineRunner("yfinance", MAX_WAITING_WORKERS)


def fetch_prices(
    ticker: str, start: str, end: str = "", deadline: float | None = None
) -> tuple[SeriesData, str | None]:
    """(prices, None), or (shipped MSFT prices, notice saying why) when Yahoo cannot answer within
    `deadline` seconds (default DEADLINE).

    The notice is not added to the data's notes: the caller shows it (seqlab.data.load_series does).
    """
    deadline = DEADLINE if deadline is None else deadline
    ticker = _check_ticker(ticker)
    _check_dates(start, end)
    if not 0 < deadline <= 120:
        raise ValueError(f"deadline must be between 0 and 120 seconds, got {deadline!r}")
    key = (ticker, start, end)
    cached = _cache_get(key)
    if cached is not None:
        return cached, None
    try:
        data = _fetch_with_deadline(ticker, start, end, deadline)
    except FetchFailed as e:
        return _fallback(ticker, start, end, str(e))
    _cache_put(key, data)
    return _copy(data), None


def clear_cache() -> None:
    """Forget every fetched series (tests; or to force a refresh)."""
    with _lock:
        _cache.clear()


def _download(ticker: str, start: str, end: str, timeout: float) -> pd.DataFrame:
    """One yfinance request; tests replace this function."""
    import yfinance as yf  # here, not at the top: the import is slow and most runs never fetch

    # {} rather than None when unset: yfinance keeps the last proxy it was given unless told otherwise
    yf.config.network.proxy = os.environ.get(PROXY_ENV) or {}
    return yf.Ticker(ticker).history(start=start, end=end or None, auto_adjust=True, timeout=timeout)


def _check_ticker(ticker) -> str:
    if not isinstance(ticker, str) or not ticker.strip():
        raise DataError("enter a ticker symbol such as MSFT, BRK-B or ^GSPC")
    ticker = ticker.strip()
    if not TICKER_PATTERN.fullmatch(ticker):  # fullmatch: "$" alone would let a trailing newline through
        raise DataError(f"{ticker[:30]!r} is not a ticker symbol: use 1 to 15 letters, digits or . ^ = - "
                        "(like MSFT, BRK-B or ^GSPC)")
    return ticker.upper()


def _check_dates(start: str, end: str) -> None:
    for label, text in (("start", start), ("end", end)):
        if label == "end" and text == "":
            continue  # up to today
        if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise DataError(f"the {label} date must be written YYYY-MM-DD, like 2015-01-31; got {text!r}")
        try:
            dt.date.fromisoformat(text)
        except ValueError:
            raise DataError(f"the {label} date {text} does not exist: check the month and day") from None
    if end and end <= start:
        raise DataError(f"the end date ({end}) must come after the start date ({start})")
    if start > dt.date.today().isoformat():
        raise DataError(f"the start date ({start}) is in the future: choose an earlier one")


def _fetch_with_deadline(ticker: str, start: str, end: str, deadline: float) -> SeriesData:
    return _runner.run(lambda: _to_series(_download(ticker, start, end, deadline), ticker), deadline)


def _to_series(frame: pd.DataFrame, ticker: str) -> SeriesData:
    """yfinance's frame (Date index, capitalised columns) in the shape of the shipped MSFT file."""
    if not isinstance(frame, pd.DataFrame) or frame.empty:
        raise DataError("no prices came back: the symbol may not exist, or there is no network")
    if isinstance(frame.columns, pd.MultiIndex):  # download() labels columns (field, ticker)
        frame = frame.droplevel(-1, axis=1)
    frame = frame.rename(columns=str.lower)
    columns = [c for c in PRICE_COLUMNS if c in frame.columns]
    if "close" not in columns:
        raise DataError("the answer has no closing prices")
    dates = pd.DatetimeIndex(frame.index)
    if dates.tz is not None:
        dates = dates.tz_localize(None)  # local exchange dates, as in the MSFT file
    prices = frame[columns].apply(pd.to_numeric, errors="coerce").astype("float64")
    prices.insert(0, "date", dates.normalize())
    prices = prices.dropna().drop_duplicates("date").sort_values("date").reset_index(drop=True)
    if prices.empty:
        raise DataError("the answer holds no complete rows of prices")
    units = {c: ("shares" if c == "volume" else "USD") for c in columns}
    return SeriesData(
        name=f"{ticker} daily prices", frame=prices, time_column="date", value_columns=tuple(columns),
        default_column="close", units=units, notes=("prices adjusted for splits and dividends",),
        source=_SOURCE,
    )


def _fallback(ticker: str, start: str, end: str, reason: str) -> tuple[SeriesData, str]:
    """The shipped MSFT prices, clipped to the asked dates when enough of them fall inside."""
    data = load_shipped("msft")
    dates = data.frame["date"]
    inside = dates >= pd.Timestamp(start)
    if end:
        inside &= dates <= pd.Timestamp(end)
    if inside.sum() >= MIN_FALLBACK_ROWS:
        data = dataclasses.replace(data, frame=data.frame[inside].reset_index(drop=True))
    first, last = data.frame["date"].iloc[[0, -1]]
    notice = (f"Could not fetch {ticker!r} from Yahoo Finance ({reason}). "
              f"Offline: showing MSFT {first:%Y}–{last:%Y} instead.")
    return dataclasses.replace(data, name=f"MSFT daily prices {first:%Y}–{last:%Y} (shipped)"), notice


def _cache_get(key) -> SeriesData | None:
    with _lock:
        hit = _cache.get(key)
        if hit is None or time.monotonic() - hit[0] > CACHE_SECONDS:
            _cache.pop(key, None)
            return None
        _cache.move_to_end(key)
        return _copy(hit[1])


def _cache_put(key, data: SeriesData) -> None:
    with _lock:
        _cache[key] = (time.monotonic(), data)
        _cache.move_to_end(key)
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)


def _copy(data: SeriesData) -> SeriesData:
    """A copy whose frame a caller may change without touching the cache."""
    return dataclasses.replace(data, frame=data.frame.copy(), units=dict(data.units))
