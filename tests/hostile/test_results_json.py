"""Results JSON files that are malformed or from another program: `read_results_json` refuses each with the reason."""

import copy
import json

import pytest
from hostile import clear, crowded

from seqlab import export
from seqlab.analysis.evaluate import results_table
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.export import MAX_FILE_EPOCHS, MAX_FILE_RUNS, MAX_RESULTS_BYTES, read_results_json, results_json
from seqlab.training import runlog
from seqlab.training.loop import train_interleaved


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
    ("seqlab's own vocabulary file", export.vocab_json(["a", "b"]), [NOT_OURS]),
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
    ("a curve holding objects", lambda p: p["history"][0].update(grad_through_time=[0.5, {"$gt": 0}]),
     ["history holds values that are not numbers or text"]),
    ("a stopped run at epoch 501",
     lambda p: (p["runs"][0].update(status="stopped"), p["history"][-1].update(epoch=501)),
     ["run 1 (GRU)", "epoch 501", "beyond the 1 epoch its config trains"]),
    ("an epoch of 10^30", lambda p: p["history"][-1].update(epoch=10**30), ["run 1 (GRU)", "epoch 1e+30", "beyond"]),
    ("an epoch twice", lambda p: p["history"][-1].update(epoch=0), ["run 1 (GRU)", "epoch 0 twice"]),
    ("epochs of a run it does not list", lambda p: p["history"][0].update(label="LSTM"),
     ["epochs of LSTM", "none of its runs"]),
    ("more result rows than runs and baselines", lambda p: p.update(results=p["results"] * 20),
     ["results table holds", "one per run"]),
    (f"{MAX_FILE_RUNS + 1} runs", lambda p: p.update(runs=p["runs"] * (MAX_FILE_RUNS + 1)),
     [f"holds {MAX_FILE_RUNS + 1} runs", f"at most {MAX_FILE_RUNS}", "Export fewer runs"]),
    ("a history longer than its runs could train",
     lambda p: p.update(history=[{"label": "GRU", "epoch": 1}] * (MAX_FILE_EPOCHS + 1)),
     [f"history holds {MAX_FILE_EPOCHS + 1:,} epochs", "far fewer"]),
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


def test_a_4_mb_file_of_2000_runs_sharing_a_label_is_refused_before_it_is_multiplied():
    text = json.dumps(crowded(2_000, 180_000, keyed=False), separators=(",", ":"))
    assert 4 * 2**20 < len(text) < MAX_RESULTS_BYTES  # small on disk: the harm was 2,000 copies of its history
    with pytest.raises(ValueError) as caught:
        read_results_json(text)
    clear(str(caught.value), "2,000 runs", f"at most {MAX_FILE_RUNS}")


def test_runs_that_share_a_label_are_refused_when_the_history_cannot_say_whose_each_epoch_is():
    with pytest.raises(ValueError) as caught:
        read_results_json(json.dumps(crowded(3, 30, keyed=False)))
    clear(str(caught.value), "runs 1 and 2 are both GRU", "does not say which")


def test_each_run_sharing_a_label_gets_only_its_own_history():
    payload = read_results_json(json.dumps(crowded(MAX_FILE_RUNS, 10 * MAX_FILE_RUNS, keyed=True)))
    saved = runlog.from_results(payload, "imported from crowded.json")
    assert [len(s.history) for s in saved] == [10] * MAX_FILE_RUNS  # not 1,000 each
    assert all(rec["run"] == f"run-{i}" for i, s in enumerate(saved) for rec in s.history)


def test_an_epoch_naming_its_run_by_something_other_than_text_still_finds_its_run(written):
    payload = read_results_json(damage(written, lambda p: p["history"][0].update(run=[1, 2])))
    assert len(runlog.from_results(payload, "imported")[0].history) == len(written["history"])
