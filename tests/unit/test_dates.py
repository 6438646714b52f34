"""The dates translation task: real CLDR formats through Babel, seeded, split at random or by length."""

import datetime as dt
import re

import pytest
import torch

from seqlab.config import DataConfig
from seqlab.data import REGISTRY, make_task
from seqlab.data.dates import date_pairs, write_date
from seqlab.data.pairs import (
    DataError,
    decode_source,
    decode_target,
    encode_sources,
    encode_targets,
    pairs_task,
    position_frequency_loss,
    source_lengths,
)

ENGLISH_MONTHS = {dt.date(2000, m, 1).strftime("%B") for m in range(1, 13)}


def test_babel_writes_real_cldr_dates():
    day = dt.date(2026, 11, 21)
    assert write_date(day, "fr", "full") == "samedi 21 novembre 2026"
    assert write_date(day, "de", "long") == "21. November 2026"
    assert write_date(day, "es", "long") == "21 de noviembre de 2026"


def test_pairs_are_seeded_and_each_target_is_its_source_date():
    sources, targets = date_pairs(300, seed=4)
    assert (sources, targets) == date_pairs(300, seed=4)
    assert sources != date_pairs(300, seed=5)[0]
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", t) for t in targets)
    english = [(s, t) for s, t in zip(sources, targets, strict=True) if re.fullmatch(r"[A-Z][a-z]{3,} \d+, \d{4}", s)
               and s.split()[0] in ENGLISH_MONTHS]
    assert len(english) > 5  # the English long format, "November 21, 2026"
    for s, t in english:
        assert dt.datetime.strptime(s, "%B %d, %Y").date().isoformat() == t
    assert len({s.split()[0] for s in sources}) > 30  # many languages' words, not one format


def test_dates_task_shapes_split_and_vocabularies():
    cfg = DataConfig(task="dates", n_samples=400, seed=1)
    task = make_task(cfg)
    assert task.kind == REGISTRY["dates"].kind == "translation"
    assert task.sizes() == {"train": 280, "validation": 60, "test": 60}
    assert task.input_size == len(task.vocab) and task.output_size == len(task.target_vocab)
    assert task.x_train.dtype == torch.long and task.y_train.shape[1] == 11  # 10 characters and EOS
    assert all(re.fullmatch(r"\d{4}-\d{2}-\d{2}", decode_target(y, task.target_vocab)) for y in task.y_test)
    assert task.source and "CLDR" in task.source
    again = make_task(cfg)
    assert torch.equal(again.x_train, task.x_train) and torch.equal(again.y_test, task.y_test)


def test_longer_test_inputs_are_longer_than_any_in_training():
    task = make_task(DataConfig(task="dates", n_samples=600, longer_test=True))
    longest_seen = max(int(source_lengths(task.x_train).max()), int(source_lengths(task.x_val).max()))
    assert int(source_lengths(task.x_test).min()) > longest_seen
    assert 0.05 < len(task.x_test) / 600 < 0.3
    assert any("longer than any in training" in note for note in task.notes)


def test_sources_are_left_padded_and_targets_end_with_eos():
    vocab = ("<pad>", "<unk>", "a", "b")
    x = encode_sources(["ab", "b", "abx"], vocab, 4)
    assert x.tolist() == [[0, 0, 2, 3], [0, 0, 0, 3], [0, 2, 3, 1]]
    assert decode_source(x[2], vocab) == "ab?"
    y = encode_targets(["12", "1"], ("<pad>", "<s>", "</s>", "1", "2"), 4)
    assert y.tolist() == [[3, 4, 2, 0], [3, 2, 0, 0]]
    assert decode_target(y[0], ("<pad>", "<s>", "</s>", "1", "2")) == "12"


def test_trivial_loss_reads_no_input_and_beats_a_uniform_guess():
    task = make_task(DataConfig(task="dates", n_samples=400))
    assert 0 < task.baseline_loss < torch.log(torch.tensor(float(task.output_size)))
    # the same targets it was counted on score better than held-out ones could at random
    assert position_frequency_loss(task.y_train, task.y_train, task.output_size) <= task.baseline_loss + 0.2


def test_too_few_pairs_and_equal_lengths_get_clear_messages():
    cfg = DataConfig(task="dates", n_samples=64)
    with pytest.raises(DataError, match="at least 64"):
        pairs_task(["a"] * 10, ["b"] * 10, cfg, "pairs", "t")
    with pytest.raises(DataError, match="same length"):
        pairs_task(["ab"] * 100, ["b"] * 100, DataConfig(task="dates", longer_test=True), "pairs", "t")
