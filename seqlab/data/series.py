"""The real series shipped with seqlab (weather, CO2, airline, sunspots, MSFT), read from package files."""

from __future__ import annotations

import functools
import types
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from seqlab.data.task import DataError, SeriesData

FILES = Path(__file__).with_name("files")


@dataclass(frozen=True)
class ShippedSeries:
    """What a registry needs to describe one shipped file before (or without) reading it."""

    file: str  # name under seqlab/data/files/
    title: str  # shown to people
    time_column: str
    value_columns: tuple[str, ...]
    default_column: str
    units: types.MappingProxyType  # column -> unit; read-only because SHIPPED is shared
    seasonal_period: int | None  # steps in one season, for the seasonal-naive baseline
    source: str  # attribution, as SOURCES.md asks us to keep it
    step: str  # what one row is, for notes: "day", "week"
    drop: tuple[str, ...] = ()  # non-numeric columns in the file that no task uses


def _units(**kw) -> types.MappingProxyType:
    return types.MappingProxyType(kw)


_PRICE = "USD"
SHIPPED: dict[str, ShippedSeries] = {
    "seattle": ShippedSeries(
        "seattle_weather_daily.csv.gz", "Seattle daily weather, 2012–2015", "date",
        ("temp_max", "temp_min", "precipitation", "wind"), "temp_max",
        _units(temp_max="°C", temp_min="°C", precipitation="mm", wind="m/s"), 365,
        "NOAA (public domain), as shipped by vega_datasets (MIT)", "day", drop=("weather",),
    ),
    "co2": ShippedSeries(
        "co2_mauna_loa_weekly.csv.gz", "Mauna Loa atmospheric CO₂, weekly 1958–2001", "date",
        ("co2_ppm",), "co2_ppm", _units(co2_ppm="ppm"), 52,
        "NOAA / Scripps (public domain), as shipped by statsmodels (BSD)", "week",
    ),
    "airline": ShippedSeries(
        "air_passengers_monthly.csv.gz", "International airline passengers, monthly 1949–1960", "date",
        ("passengers",), "passengers", _units(passengers="thousands"), 12,
        "Box & Jenkins (1976), classic series shipped by many statistics packages", "month",
    ),
    "sunspots": ShippedSeries(
        "sunspots_yearly.csv.gz", "Yearly mean sunspot number, 1700–2008", "year",
        ("sunspots",), "sunspots", _units(sunspots="sunspot number"), 11,
        "SILSO / WDC (public domain), as shipped by statsmodels (BSD)", "year",
    ),
    "msft": ShippedSeries(
        "msft_daily_1986_2017.csv.gz", "Microsoft (MSFT) daily prices, 1986–2017", "date",
        ("open", "high", "low", "close", "volume"), "close",
        _units(open=_PRICE, high=_PRICE, low=_PRICE, close=_PRICE, volume="shares"), None,
        'as shipped by the pmdarima package (MIT), from the "Huge Stock Market Dataset" (CC0)',
        "trading day",
    ),
}


def shipped_info(name: str) -> ShippedSeries:
    """The description of a shipped series (title, seasonal period, source, columns, units)."""
    if not isinstance(name, str) or name not in SHIPPED:
        known = ", ".join(SHIPPED)
        raise DataError(f"unknown shipped series {name!r}; choose one of: {known}")
    return SHIPPED[name]


def load_shipped(name: str) -> SeriesData:
    """Read a shipped series; the frame is a fresh copy each call, so callers may change it freely."""
    spec = shipped_info(name)
    frame, notes = _parsed(name)
    return SeriesData(
        name=spec.title,
        frame=frame.copy(),
        time_column=spec.time_column,
        value_columns=spec.value_columns,
        default_column=spec.default_column,
        units=dict(spec.units),
        notes=notes,
        source=spec.source,
    )


@functools.lru_cache(maxsize=len(SHIPPED))
def _parsed(name: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """Parse a file once per process; never hand this frame out without copying it."""
    spec = SHIPPED[name]
    frame = pd.read_csv(FILES / spec.file).drop(columns=list(spec.drop))
    if spec.time_column == "date":
        frame["date"] = pd.to_datetime(frame["date"], format="%Y-%m-%d")
    else:
        frame[spec.time_column] = frame[spec.time_column].astype("int64")
    frame = frame.sort_values(spec.time_column, kind="stable").reset_index(drop=True)
    # float everywhere, so every series (and every upload) reaches windowing with one dtype
    values = frame.set_index(spec.time_column)[list(spec.value_columns)].astype("float64")
    notes = []
    for column in spec.value_columns:
        missing = int(values[column].isna().sum())
        if missing:
            # "index" interpolates in time, not by row: right even where rows are unevenly spaced
            values[column] = values[column].interpolate(method="index").ffill().bfill()
            notes.append(f"{missing} missing {spec.step}s filled by linear interpolation")
    return values.reset_index(), tuple(notes)
