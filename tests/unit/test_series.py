"""The shipped real series: shapes, types, gap filling, caching and the registry description."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from seqlab import config
from seqlab.data.series import SHIPPED, load_shipped, shipped_info
from seqlab.data.task import DataError, SeriesData

EXPECTED = {  # name -> (rows, time column, value columns)
    "seattle": (1461, "date", {"temp_max", "temp_min", "precipitation", "wind"}),
    "co2": (2284, "date", {"co2_ppm"}),
    "airline": (144, "date", {"passengers"}),
    "sunspots": (309, "year", {"sunspots"}),
    "msft": (7983, "date", {"open", "high", "low", "close", "volume"}),
}


def test_registry_names_are_tasks_in_config():
    assert set(SHIPPED) == set(EXPECTED)
    assert set(SHIPPED) <= set(config.TASKS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_shape_and_columns(name):
    rows, time_column, values = EXPECTED[name]
    data = load_shipped(name)
    assert isinstance(data, SeriesData)
    assert data.frame.shape == (rows, len(values) + 1)
    assert data.time_column == time_column
    assert set(data.value_columns) == values
    assert list(data.frame.columns) == [time_column, *data.value_columns]
    assert data.default_column in data.value_columns


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_values_are_finite_floats_in_time_order(name):
    data = load_shipped(name)
    values = data.frame[list(data.value_columns)]
    assert all(values.dtypes == np.float64)
    assert np.isfinite(values.to_numpy()).all()
    times = data.frame[data.time_column]
    assert times.is_monotonic_increasing and times.is_unique


@pytest.mark.parametrize("name", ["seattle", "co2", "airline", "msft"])
def test_dated_series_have_naive_datetimes(name):
    times = load_shipped(name).frame["date"]
    assert pd.api.types.is_datetime64_dtype(times)
    assert times.dt.tz is None


def test_sunspots_time_is_integer_years():
    frame = load_shipped("sunspots").frame
    assert frame["year"].dtype == np.int64
    assert (frame["year"].iloc[0], frame["year"].iloc[-1]) == (1700, 2008)


def test_default_columns_and_units():
    assert load_shipped("seattle").default_column == "temp_max"
    assert load_shipped("seattle").units["temp_max"] == "°C"
    assert load_shipped("msft").default_column == "close"
    assert load_shipped("msft").units["close"] == "USD"
    assert load_shipped("co2").units == {"co2_ppm": "ppm"}


def test_seattle_drops_the_text_weather_column():
    assert "weather" not in load_shipped("seattle").frame.columns


def test_co2_gaps_are_interpolated_and_noted():
    data = load_shipped("co2")
    raw = pd.read_csv(Path(__file__).parents[2] / "seqlab/data/files/co2_mauna_loa_weekly.csv.gz")
    gap = int(np.flatnonzero(raw["co2_ppm"].isna())[0])
    assert any("59" in note and "interpolation" in note for note in data.notes)
    filled = data.frame["co2_ppm"].iloc[gap]
    neighbours = data.frame["co2_ppm"].iloc[[gap - 1, gap + 1]]
    assert neighbours.min() - 1 <= filled <= neighbours.max() + 1


def test_series_without_gaps_have_no_notes():
    assert load_shipped("airline").notes == ()


def test_changing_a_loaded_frame_does_not_change_the_next_load():
    first = load_shipped("airline")
    first.frame.loc[0, "passengers"] = -1.0
    del first.frame["date"]
    assert load_shipped("airline").frame.loc[0, "passengers"] == 112.0


def test_unknown_name_raises_and_names_the_known_ones():
    with pytest.raises(DataError, match="seattle.*co2.*airline.*sunspots.*msft"):
        load_shipped("weather")


def test_unhashable_name_raises_data_error():
    with pytest.raises(DataError, match="unknown"):
        load_shipped(["co2"])


def test_info_gives_seasonal_period_title_and_source():
    periods = {name: shipped_info(name).seasonal_period for name in SHIPPED}
    assert periods == {"seattle": 365, "co2": 52, "airline": 12, "sunspots": 11, "msft": None}
    assert "NOAA" in shipped_info("seattle").source
    assert "pmdarima" in shipped_info("msft").source
    assert all(shipped_info(name).title for name in SHIPPED)


def test_data_notes_list_every_file_with_its_licence():
    files = Path(__file__).parents[2] / "seqlab/data/files"
    notes = (files / "DATA_NOTES.md").read_text(encoding="utf-8")
    for path in files.glob("*.csv.gz"):
        assert path.name in notes
    assert "CC BY 4.0" in notes
