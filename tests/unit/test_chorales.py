"""Bach's chorale melodies: the shipped file, the split by tune, the next-note task, openings and typed notes."""

import dataclasses
import math

import pytest
import torch

from seqlab.analysis import ngram
from seqlab.config import DataConfig
from seqlab.data import chorales, estimate_task_bytes, make_task
from seqlab.data.chorales import (
    chorales_task,
    encode,
    load_chorales,
    openings,
    sequence_counts,
    split,
    tunes,
    vocabulary,
)
from seqlab.data.notes import END, Event, parse_notes
from seqlab.data.text import unigram_entropy

CFG = DataConfig(task="chorales", length=32)


def test_every_melody_is_in_c_major_or_a_minor():
    chorales = load_chorales()
    notes = [e for c in chorales for e in c.events if e.pitch is not None]
    assert len(chorales) > 350 and len(notes) > 15_000
    assert sum(e.in_key for e in notes) / len(notes) > 0.95  # the rest are accidentals (leading tones in minor)
    assert {c.mode for c in chorales} == {"major", "minor"} and all(-6 <= c.semitones <= 5 for c in chorales)
    finals = [c.events[-1].pitch % 12 for c in chorales]
    assert sum(f in (0, 4, 7, 9) for f in finals) / len(finals) > 0.9  # they end on the tonic chord (or near it)


def test_chorales_are_unique_and_well_formed():
    chorales = load_chorales()
    assert len({c.id for c in chorales}) == len(chorales)
    assert len({c.events for c in chorales}) == len(chorales)  # no melody twice
    for c in chorales:
        assert c.events[0].pitch is not None and c.events[-1].pitch is not None  # no rest at either end
        assert all(e.beats > 0 and (e.beats * 8).is_integer() for e in c.events)
        assert not any(a.pitch is None and b.pitch is None for a, b in zip(c.events, c.events[1:], strict=False))
        assert 1 <= c.opening < len(c.events)


def test_an_opening_is_a_pickup_and_one_bar():
    for c in load_chorales():
        beats = sum(e.beats for e in c.events[:c.opening])
        bar = {"4/4": 4, "3/4": 3, "3/2": 6, "12/8": 6}[c.meter]
        assert bar <= beats + 1e-9 or c.opening == len(c.events), c.id  # reaches the first barline after a pickup
        assert beats - c.events[c.opening - 1].beats < 2 * bar, c.id  # and starts no note after the bar


def test_the_split_puts_every_setting_of_a_tune_in_one_part():
    parts = split(CFG)
    ids = [c.id for part in parts.values() for c in part]
    assert sorted(ids) == sorted(c.id for c in load_chorales())  # each chorale once
    tune = tunes()
    where = {tune[c.id]: name for name, part in parts.items() for c in part}
    assert all(where[tune[c.id]] == name for name, part in parts.items() for c in part)
    assert len(set(tune.values())) < len(load_chorales())  # some tunes are set several times
    n = len(ids)
    for name, fraction in (("test", CFG.test_fraction), ("val", CFG.val_fraction)):
        assert math.ceil(n * fraction) <= len(parts[name]) < math.ceil(n * fraction) + 13  # whole tunes, at most 12


def test_the_split_ignores_the_seed_and_keeps_the_test_part_when_validation_grows():
    parts = split(CFG)
    assert split(dataclasses.replace(CFG, seed=7)) == parts
    assert split(dataclasses.replace(CFG, val_fraction=0.3))["test"] == parts["test"]


def test_the_task_is_a_text_of_notes_that_the_ngram_baselines_read():
    task = chorales_task(CFG)
    assert ngram.is_text(task) and task.kind == "next-token" and task.vocab == vocabulary()
    assert torch.equal(task.x_train[:, 1:], task.y_train[:, :-1]) and task.x_train.shape[1] == 32
    assert END in task.vocab and list(task.vocab) == sorted(task.vocab)
    train = [s for c in split(CFG)["train"] for s in c.symbols()]
    read = [task.vocab[i] for i in ngram.training_text(task).tolist()]
    assert read == train[:len(read)] and len(train) - len(read) < 33  # consecutive, the remainder dropped
    assert task.baseline_loss == pytest.approx(unigram_entropy(task.x_train, len(task.vocab)))
    assert task.baseline_name == "symbol frequencies" and "public domain" in task.source
    assert any("C major or A minor" in note for note in task.notes)


def test_samples_cap_the_training_sequences_only():
    full, capped = chorales_task(CFG), chorales_task(dataclasses.replace(CFG, n_samples=100))
    assert len(capped.x_train) == 100 < len(full.x_train)
    assert torch.equal(capped.x_train, full.x_train[:100]) and torch.equal(capped.x_test, full.x_test)
    assert any("first 100 of" in note for note in capped.notes)
    assert not any("first" in note for note in full.notes)


@pytest.mark.parametrize("length, samples", [(8, 2000), (32, 2000), (64, 100), (200, 2000)])
def test_the_memory_estimate_is_exact(length, samples):
    cfg = dataclasses.replace(CFG, length=length, n_samples=samples)
    task = make_task(cfg)
    assert estimate_task_bytes(cfg) == task.nbytes()
    assert sequence_counts(cfg) == {"train": len(task.x_train), "val": len(task.x_val), "test": len(task.x_test)}


def test_too_few_sequences_say_what_to_shorten(monkeypatch):
    """The longest sequence the config allows (1000) still makes one test sequence of the smallest test part (1,002
    events): the refusal is reached here by asking for more training sequences than the data make."""
    assert len(chorales_task(dataclasses.replace(CFG, length=1000, test_fraction=0.05, val_fraction=0.05)).x_test)
    monkeypatch.setattr(chorales, "MIN_TRAIN_SEQUENCES", 10_000)
    with pytest.raises(ValueError, match="sequences of 32 notes are too long.*shorten the sequence length"):
        chorales_task(CFG)


def test_openings_are_first_bars_of_test_chorales():
    found = openings()
    assert [c.id for c in found] == [c.id for c in split(CFG)["test"]]
    assert all(c.label.endswith(")") or c.label.startswith("BWV") for c in found)
    ids = encode(list(found[0].first_bar), vocabulary())
    assert [vocabulary()[i] for i in ids] == [e.symbol for e in found[0].first_bar]


def test_typed_notes_encode_and_unknown_ones_are_named_with_the_nearest_known():
    vocab = vocabulary()
    assert [vocab[i] for i in encode(parse_notes("C5 D5 E5:2 rest"), vocab)] == ["C5:1", "D5:1", "E5:2", "rest:1"]
    with pytest.raises(ValueError, match=r"'C5:0\.3'.*never hold C5 for 0\.3 beats.*nearest length it knows is "
                                         r"0\.25 \(C5:0\.25\)"):
        encode(parse_notes("C5 C5:0.3"), vocab)
    with pytest.raises(ValueError, match=r"'C7:1'.*never use C7; their notes go from \w+ to \w+.*nearest one the "
                                         r"model knows is [A-G]b?6:1$"):
        encode([Event(96, 1.0)], vocab)
    with pytest.raises(ValueError, match="'rest:7'.*a rest for 7 beats"):
        encode([Event(None, 7.0)], vocab)
    assert encode([], vocab) == []


def test_the_cli_compares_models_with_the_ngram_baselines_on_the_chorales(capsys):
    from seqlab.cli import main

    assert main(["compare", "--task", "chorales", "--archs", "gru", "--epochs", "1", "--hidden", "8", "--length", "16",
                 "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "Bach chorale melodies" in out and "symbol frequencies" in out and "3-gram" in out and "GRU" in out
