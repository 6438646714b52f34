import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig, bounds


@pytest.mark.parametrize("cls, field, value", [
    (ModelConfig, "hidden_size", 0), (ModelConfig, "hidden_size", 513), (ModelConfig, "num_layers", 5),
    (DataConfig, "length", 1), (DataConfig, "length", 1001), (TrainConfig, "epochs", 0),
    (TrainConfig, "batch_size", 2000), (TrainConfig, "lr", 0.0), (TrainConfig, "max_seconds", 0.5),
    (DataConfig, "n_samples", 10**7), (DataConfig, "max_rows", 10),
])
def test_out_of_range_names_field_and_range(cls, field, value):
    with pytest.raises(ValueError) as e:
        cls(**{field: value})
    lo, hi = bounds(cls, field)
    assert field in str(e.value) and str(lo) in str(e.value) and str(hi) in str(e.value)


def test_bounds_are_inclusive():
    lo, hi = bounds(ModelConfig, "hidden_size")
    assert ModelConfig(hidden_size=lo).hidden_size == lo and ModelConfig(hidden_size=hi).hidden_size == hi


@pytest.mark.parametrize("kwargs, word", [
    ({"arch": "mamba"}, "arch"), ({"hidden_size": "64"}, "whole number"), ({"hidden_size": 3.5}, "hidden_size"),
    ({"bidirectional": 1}, "true or false"), ({"dropout": float("nan")}, "dropout"),
])
def test_wrong_types_and_choices_are_refused(kwargs, word):
    with pytest.raises(ValueError, match=word):
        ModelConfig(**kwargs)


@pytest.mark.parametrize("ticker", ["", "../etc/passwd", "A;rm -rf", "$(x)", "X" * 16, "a b"])
def test_bad_tickers_are_refused(ticker):
    with pytest.raises(ValueError, match="ticker"):
        DataConfig(ticker=ticker)


def test_dates_are_checked():
    with pytest.raises(ValueError, match="start"):
        DataConfig(start="2020-13-01")
    with pytest.raises(ValueError, match="after"):
        DataConfig(start="2020-01-01", end="2019-01-01")


def test_whole_floats_are_accepted_as_ints_and_ints_as_floats():
    assert ModelConfig(hidden_size=32.0).hidden_size == 32
    assert isinstance(TrainConfig(lr=1).lr, float)


def test_round_trip_through_json():
    run = RunConfig(DataConfig(task="adding", length=77), ModelConfig(arch="gru", forget_bias=1.0),
                    TrainConfig(lr=3e-3))
    again = RunConfig.from_dict(json.loads(json.dumps(run.to_dict())))
    assert again == run and RunConfig.from_json(run.to_json()) == run


def test_key_is_stable_and_changes_with_any_field():
    run = RunConfig()
    assert run.key() == RunConfig.from_json(run.to_json()).key() and len(run.key()) == 10
    other = run.replace(train=dataclasses.replace(run.train, seed=1))
    assert other.key() != run.key()


def test_from_dict_refuses_unknown_fields_and_sections():
    with pytest.raises(ValueError, match="hiden_size"):
        RunConfig.from_dict({"model": {"hiden_size": 3}})
    with pytest.raises(ValueError, match="extra"):
        RunConfig.from_dict({"extra": {}})
    with pytest.raises(ValueError, match="JSON"):
        RunConfig.from_json("{not json")


def test_configs_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        ModelConfig().hidden_size = 3


values = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=True),
                   st.text(max_size=20), st.lists(st.integers(), max_size=2))


@settings(max_examples=300, deadline=None)
@given(section=st.sampled_from(["data", "model", "train"]),
       field=st.sampled_from(["task", "length", "hidden_size", "arch", "epochs", "lr", "clip", "seed", "ticker",
                              "bidirectional", "forget_bias", "noise", "start"]),
       value=values)
def test_any_tampered_value_gives_a_config_or_a_value_error(section, field, value):
    try:
        run = RunConfig.from_dict({section: {field: value}})
    except ValueError:
        return
    assert RunConfig.from_json(run.to_json()) == run


@pytest.mark.parametrize("value", [float("inf"), float("-inf"), float("nan")])
def test_non_finite_whole_numbers_are_refused_with_the_field_name(value):
    with pytest.raises(ValueError, match="DataConfig.length"):
        DataConfig(length=value)
