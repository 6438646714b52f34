"""Results JSON files that are malformed or from another program: `read_results_json` refuses each with the reason."""

import copy
import json

import pytest
from hostile import clear

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.evaluate import results_table
from seqlab.export import MAX_RESULTS_BYTES, read_results_json, results_json, vocab_json
from seqlab.train import train_interleaved


@pytest.fixture(scope="module")
def written() -> dict:
    """A results file as the Lab writes it, for one tiny GRU trained one epoch."""
    data = DataConfig(task="sine", n_samples=300, length=12)
    runs = [RunConfig(data, ModelConfig(arch="gru", hidden_size=4), TrainConfig(epochs=1, batch_size=32))]
    task = make_task(data)
    session = train_interleaved(runs, task)
    list(session)
    return json.loads(results_json(session.runs, task, results_table(session.runs, task)))


def test_a_file_seqlab_wrote_is_read_back(written):
    payload = read_results_json(json.dumps(written))
    assert payload["runs"][0]["label"] == "GRU" and payload["history"] == written["history"]
    assert read_results_json(json.dumps(written).encode()) == payload  # bytes, as an upload gives them


NOT_JSON = "not valid JSON"
NOT_OURS = "not a seqlab results file"
MALFORMED = [
    ("empty", b"", [NOT_JSON, "results file that seqlab wrote"]),
    ("blank", "  \n\t ", [NOT_JSON, "results file that seqlab wrote"]),
    ("plain text", "these are my results, they were great", [NOT_JSON]),
    ("a CSV", "epoch,loss\n1,0.5\n2,0.4\n", [NOT_JSON]),
    ("cut short", '{"format": "seqlab-results/1", "runs": [{"label": "GR', [NOT_JSON]),
    ("trailing text", '{"format": "seqlab-results/1"} and more', [NOT_JSON]),
    ("single quotes", "{'format': 'seqlab-results/1'}", [NOT_JSON]),
    ("binary", bytes(range(256)), [NOT_JSON]),
    ("latin-1", '{"format": "r\u00e9sultats"}'.encode("latin-1"), [NOT_JSON]),
    ("nested 100,000 deep", "[" * 100_000 + "]" * 100_000, [NOT_JSON]),
    ("over the size cap", " " * (MAX_RESULTS_BYTES + 1), ["larger than 20 MB"]),
]
OTHER_PROGRAMS = [
    ("a JSON array", "[1, 2, 3]", [NOT_OURS, "download one from the Lab"]),
    ("a number", "42", [NOT_OURS]),
    ("null", "null", [NOT_OURS]),
    ("a string", '"seqlab-results/1"', [NOT_OURS]),
    ("package.json", json.dumps({"name": "app", "version": "1.0.0", "dependencies": {"react": "^19"}}), [NOT_OURS]),
    ("a Jupyter notebook", json.dumps({"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}), [NOT_OURS]),
    ("GeoJSON", json.dumps({"type": "FeatureCollection", "features": []}), [NOT_OURS]),
    ("a Keras history", json.dumps({"loss": [0.9, 0.5], "val_loss": [1.0, 0.6]}), [NOT_OURS]),
    ("seqlab's own vocabulary file", vocab_json(["a", "b"]), [NOT_OURS]),
    ("a later format", json.dumps({"format": "seqlab-results/99"}), [NOT_OURS]),
]


@pytest.mark.parametrize("text, phrases", [c[1:] for c in MALFORMED + OTHER_PROGRAMS],
                         ids=[c[0] for c in MALFORMED + OTHER_PROGRAMS])
def test_a_file_that_is_not_a_results_file_is_refused_with_the_reason(text, phrases):
    with pytest.raises(ValueError) as caught:
        read_results_json(text)
    clear(str(caught.value), *phrases)


def damage(written: dict, change) -> str:
    payload = copy.deepcopy(written)
    change(payload)
    return json.dumps(payload)


DAMAGED = [
    ("no runs part", lambda p: p.pop("runs"), ['"runs" part', "damaged"]),
    ("no runs", lambda p: p.update(runs=[]), ["holds no runs"]),
    ("runs as text", lambda p: p.update(runs="GRU"), ['"runs" part', "list of JSON objects"]),
    ("history as an object", lambda p: p.update(history={"epoch": 1}), ['"history" part']),
    ("task as a list", lambda p: p.update(task=[]), ['"task" part', "JSON object"]),
    ("a run without a label", lambda p: p["runs"][0].pop("label"), ["run 1 has no label"]),
    ("a run's config missing", lambda p: p["runs"][0].update(config=None), ["config of run 1", "JSON object"]),
    ("a config out of bounds", lambda p: p["runs"][0]["config"]["model"].update(hidden_size=99_999),
     ["config of run 1 (GRU)", "ModelConfig.hidden_size must be between 1 and 512"]),
    ("a config from a later version", lambda p: p["runs"][0]["config"]["train"].update(warmup=3),
     ["config of run 1", "unknown field(s) in TrainConfig: warmup"]),
    ("a config with a bad ticker", lambda p: p["runs"][0]["config"]["data"].update(task="stock", ticker="$(id)"),
     ["config of run 1", "DataConfig.ticker"]),
    ("a config with a 400-digit number", lambda p: p["runs"][0]["config"]["train"].update(epochs=10**400),
     ["config of run 1", "TrainConfig.epochs must be between"]),
    ("a history holding objects", lambda p: p["history"][0].update(val_loss={"$gt": 0}),
     ["history holds values that are not numbers or text"]),
]


@pytest.mark.parametrize("change, phrases", [c[1:] for c in DAMAGED], ids=[c[0] for c in DAMAGED])
def test_a_damaged_results_file_is_refused_naming_the_damage(written, change, phrases):
    with pytest.raises(ValueError) as caught:
        read_results_json(damage(written, change))
    message = clear(str(caught.value), *phrases)
    assert len(message) < 400


def test_after_refusals_a_good_file_still_reads(written):
    for text in [c[1] for c in MALFORMED + OTHER_PROGRAMS] + [damage(written, c[1]) for c in DAMAGED]:
        with pytest.raises(ValueError):
            read_results_json(text)
    assert read_results_json(json.dumps(written))["format"] == written["format"]
