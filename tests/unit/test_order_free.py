"""The order-free classifiers: a logistic regression on all pixels at once, and a bag of words."""

import csv
import io
import random

import pytest
import torch

from seqlab.analysis import order_free
from seqlab.config import DataConfig
from seqlab.data import make_task


@pytest.fixture(scope="module")
def digits():
    return make_task(DataConfig(task="digits", reading="pixels"))


def test_all_64_pixels_at_once_name_over_90_percent_of_test_digits(digits):
    scores = order_free.scores(digits)
    assert scores["accuracy"] > 0.90 and scores["cross_entropy"] < 0.3
    assert order_free.label(digits) == "logistic regression on all 64 pixels at once"


def test_the_fit_is_deterministic_and_the_same_for_rows_or_pixels(digits):
    rows = make_task(DataConfig(task="digits", reading="rows"))
    assert order_free.scores(digits) == order_free.scores(digits)
    assert order_free.scores(rows)["accuracy"] == pytest.approx(order_free.scores(digits)["accuracy"])


def labelled_csv(n: int = 200, seed: int = 0) -> bytes:
    """Texts whose class only one word gives away, among filler words, at a random place."""
    rng, out = random.Random(seed), io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["text", "label"])
    filler = ["the", "a", "plot", "actor", "scene", "was", "it", "and", "film", "then"]
    for i in range(n):
        words = [rng.choice(filler) for _ in range(12)]
        words.insert(rng.randrange(13), "superb" if i % 2 else "dreadful")
        writer.writerow([" ".join(words), "pos" if i % 2 else "neg"])
    return out.getvalue().encode()


def test_a_bag_of_words_finds_the_word_that_gives_the_class_away():
    task = make_task(DataConfig(task="sentiment", length=20, tokens="word"), upload=labelled_csv())
    assert order_free.label(task) == "bag of words (order ignored)"
    assert order_free.scores(task)["accuracy"] > 0.95


def test_padding_is_not_a_word():
    task = make_task(DataConfig(task="sentiment", length=20, tokens="word"), upload=labelled_csv())
    shares = order_free._features(task, torch.tensor([[0, 0, 5, 5, 6]])).to_dense()
    assert shares[0, 0] == 0 and shares[0, 5] == pytest.approx(2 / 3) and shares[0, 6] == pytest.approx(1 / 3)


def test_characters_make_a_bag_of_characters():
    task = make_task(DataConfig(task="sentiment", length=60, tokens="char"), upload=labelled_csv())
    assert order_free.label(task) == "bag of characters (order ignored)"
