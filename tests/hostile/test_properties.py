"""Properties, checked on generated inputs: config validation and the CSV reader accept or refuse, never crash."""

import dataclasses
import io
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig, bounds
from tests.helpers import check_series

CONFIGS = (DataConfig, ModelConfig, TrainConfig)
PARTS = {DataConfig: "data", ModelConfig: "model", TrainConfig: "train"}
FIELDS = [(cls, f.name) for cls in CONFIGS for f in dataclasses.fields(cls) if "range" in f.metadata]
FEW = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def whole(cls, name: str) -> bool:
    return cls.__dataclass_fields__[name].type in ("int", int)


def inside(cls, name: str):
    lo, hi = bounds(cls, name)
    if whole(cls, name):
        return st.integers(lo, hi)
    return st.floats(lo, hi, allow_nan=False)


def beyond(cls, name: str):
    lo, hi = bounds(cls, name)
    if whole(cls, name):
        return st.integers(max_value=lo - 1) | st.integers(min_value=hi + 1)
    return st.floats(max_value=lo, exclude_max=True) | st.floats(min_value=hi, exclude_min=True)


@pytest.mark.parametrize("cls, name", FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS])
@FEW
@given(data=st.data())
def test_any_value_in_bounds_builds_and_round_trips_through_json(cls, name, data):
    value = data.draw(inside(cls, name))
    part = cls(**{name: value})
    assert getattr(part, name) == value
    run = RunConfig(**{PARTS[cls]: part})
    assert RunConfig.from_dict(run.to_dict()) == run
    again = RunConfig.from_json(run.to_json())
    assert again == run and again.key() == run.key()


@pytest.mark.parametrize("cls, name", FIELDS, ids=[f"{c.__name__}.{n}" for c, n in FIELDS])
@FEW
@given(data=st.data())
def test_any_value_out_of_bounds_raises_a_value_error_naming_the_field(cls, name, data):
    value = data.draw(beyond(cls, name))
    with pytest.raises(ValueError, match=rf"^{cls.__name__}\.{name} must be"):
        cls(**{name: value})
    with pytest.raises(ValueError, match=rf"{cls.__name__}\.{name} must be"):
        RunConfig.from_dict({PARTS[cls]: {name: value}})


JSONISH = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                       lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner,
                                                                                 max_size=3), max_leaves=8)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from(["data", "model", "train", "extra"]),
                       st.dictionaries(st.sampled_from([f.name for c in CONFIGS for f in dataclasses.fields(c)]),
                                       JSONISH, max_size=4), max_size=3))
def test_any_json_object_gives_a_config_or_a_value_error(d):
    try:
        run = RunConfig.from_dict(d)
    except ValueError as error:
        assert str(error) and "Traceback" not in str(error)
        return
    assert RunConfig.from_json(run.to_json()) == run


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
@example(b"!\r ")  # a lone carriage return in the header once reached Python's csv module and raised csv.Error
@example(b"date,x\r2020-01-01,1\r2020-01-02,2\r")  # old Mac line endings
def test_any_bytes_give_a_series_or_a_data_error(data):
    """The one byte-fuzzing property of the CSV reader (tests/unit/test_upload.py fuzzes CSV-like text)."""
    check_series(data)


CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-10**20, 10**20),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12),
    st.dates().map(str),
    st.sampled_from(["", "NaN", "inf", "-inf", "1e308", "-1e308", "1,5", "null", "N/A", " ", '"', ";"]),
)
NAMES = st.sampled_from(["date", "time", "year", "value", "sales", "a", "", "a b", "1", "row", "Unnamed: 0"])


@FEW
@given(st.lists(NAMES, min_size=1, max_size=4), st.data(), st.sampled_from([",", ";", "\t", "|"]))
def test_any_small_table_written_as_csv_gives_a_series_or_a_data_error(names, data, sep):
    rows = data.draw(st.lists(st.lists(CELLS, min_size=len(names), max_size=len(names)), max_size=30))
    frame = pd.DataFrame(rows, columns=range(len(names)), dtype=object)
    buffer = io.StringIO()
    frame.to_csv(buffer, sep=sep, index=False, header=names)
    check_series(buffer.getvalue().encode())


@FEW
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=0, max_size=60),
       st.lists(st.dates(), min_size=0, max_size=60))
def test_any_dated_numbers_give_a_series_or_a_data_error(values, days):
    n = min(len(values), len(days))
    lines = [f"{d},{'' if math.isnan(v) else v}" for d, v in zip(days[:n], values[:n], strict=True)]
    check_series(("date,value\n" + "\n".join(lines)).encode())
