"""The counted character n-gram: Kneser–Ney by hand and against a plain-Python oracle, scores and samples."""

from collections import Counter

import numpy as np
import pytest
import torch

from seqlab.analysis import ngram
from seqlab.analysis.ngram import CharNGram
from seqlab.config import DataConfig
from seqlab.data import make_task

A, B = 0, 1


def prob(model, context, target):
    row = [-1] * (model.n - 1 - len(context)) + list(context)
    return float(model.probability(np.array([row]), np.array([target]))[0])


def test_a_bigram_on_abab_matches_the_hand_computation():
    # bigrams ab, ba, ab: D = n1 / (n1 + 2 n2) = 1/3. Continuation unigram: a and b each follow one character,
    # D = 1, so P1 = 1/2 each. P(b | a) = (2 - 1/3 + 1/3 * 1 * 1/2) / 2 = 11/12; P(a | b) = 2/3 + 1/6 = 5/6.
    model = CharNGram([A, B, A, B], vocab_size=2, n=2)
    assert prob(model, [A], B) == pytest.approx(11 / 12) and prob(model, [A], A) == pytest.approx(1 / 12)
    assert prob(model, [B], A) == pytest.approx(5 / 6) and prob(model, [B], B) == pytest.approx(1 / 6)
    assert prob(model, [], A) == pytest.approx(0.5)  # no context yet: the raw unigram, 2 of 4


def kneser_ney_oracle(text, vocab_size, n):
    """The same smoothing written the slow, obvious way, one probability at a time."""
    grams = [Counter(tuple(text[i:i + k]) for i in range(len(text) - k + 1)) for k in range(1, n + 1)]
    continuation = [Counter(g[1:] for g in grams[k]) for k in range(1, n)] + [grams[n - 1]]

    def discount(counts):
        n1, n2 = sum(c == 1 for c in counts.values()), sum(c == 2 for c in counts.values())
        return max(n1 / (n1 + 2 * n2) if n1 + n2 else 0.5, ngram.MIN_DISCOUNT)

    def p(k, h, w, top):
        lower = 1 / vocab_size if k == 1 else p(k - 1, h[1:], w, top)
        table = grams[k - 1] if k == top else continuation[k - 1]
        total = sum(c for g, c in table.items() if g[:-1] == h)
        if total == 0:
            return lower
        types, d = sum(1 for g in table if g[:-1] == h), discount(table)
        return (max(table.get(h + (w,), 0) - d, 0) + d * types * lower) / total

    return lambda h, w: p(len(h) + 1, tuple(h), w, len(h) + 1)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_probabilities_match_the_oracle_for_every_context_length(n):
    rng = np.random.default_rng(0)
    text = list(rng.integers(0, 4, 150)) + [0, 1, 2, 3] * 10  # symbol 4 never occurs
    model, oracle = CharNGram(text, 5, n), kneser_ney_oracle(text, 5, n)
    for _ in range(40):
        h = list(rng.integers(0, 5, rng.integers(0, n)))
        w = int(rng.integers(0, 5))
        assert prob(model, h, w) == pytest.approx(oracle(h, w), rel=1e-12)


def test_every_context_gives_a_distribution_over_the_vocabulary():
    model = CharNGram([0, 1, 2, 1, 0, 1, 2, 2, 1], vocab_size=6, n=5)
    for context in ([], [1], [0, 1, 2], [5, 5, 5, 5], [0, 1, 2, 1, 0, 1]):
        p = model.distribution(context)
        assert p.shape == (6,) and (p > 0).all() and p.sum() == pytest.approx(1.0)


def test_a_memorised_text_scores_low_and_a_shuffled_one_high():
    pattern = [3, 1, 4, 1, 5, 9, 2, 6] * 200
    model = CharNGram(pattern, 10, 5)
    seen = np.array(pattern[:41]).reshape(1, -1)
    shuffled = np.random.default_rng(0).permutation(seen[0]).reshape(1, -1)
    assert model.cross_entropy(seen[:, :-1], seen[:, 1:]) < 0.2  # nats: only the first steps are uncertain
    assert model.cross_entropy(shuffled[:, :-1], shuffled[:, 1:]) > 2.0


def test_context_restarts_with_each_sequence():
    model = CharNGram([0, 1, 2, 3], vocab_size=4, n=3)
    contexts = model.contexts(np.array([[0, 1, 2], [3, 0, 1]]))  # (N, T, n-1)
    assert contexts.shape == (2, 3, 2)
    assert contexts[1, 0].tolist() == [-1, 3] and contexts[1, 2].tolist() == [0, 1]


def test_samples_are_seeded_and_greedy_sampling_follows_the_memorised_text():
    model = CharNGram([3, 1, 4, 1, 5, 9, 2, 6] * 50, 10, 5)
    assert model.sample([3, 1, 4, 1], 8, temperature=0) == [5, 9, 2, 6, 3, 1, 4, 1]
    assert model.sample([3], 30, 1.0, seed=7) == model.sample([3], 30, 1.0, seed=7)


def test_a_text_tasks_training_part_is_its_text_in_reading_order():
    task = make_task(DataConfig(task="text", length=20, n_samples=200))
    ids = ngram.training_text(task)
    assert len(ids) == len(task.x_train) * 21
    assert torch.equal(ids[:20], task.x_train[0]) and torch.equal(ids[21:41], task.x_train[1])


def test_copy_memory_has_no_text_to_count():
    task = make_task(DataConfig(task="copy", length=10, n_samples=200))
    assert ngram.training_text(task) is None and ngram.fit(task, 3) is None


def test_the_written_sample_starts_with_the_prompt():
    task = make_task(DataConfig(task="text", length=20, n_samples=200))
    written = ngram.write(task, 5, "The \x00", 40, temperature=0.8, seed=0)
    assert written.startswith("The ") and len(written) == 4 + 40  # the unknown character is left out


def test_orders_beyond_int64_keys_are_refused():
    with pytest.raises(ValueError, match="does not fit"):
        CharNGram([0, 1], vocab_size=10_000, n=5)
