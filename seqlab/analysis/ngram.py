"""A smoothed character n-gram (interpolated Kneser–Ney), counted on a text's training part: the baseline that
shows what counting alone reaches, scored in the models' own units (nats per character) and able to write.

Interpolated Kneser–Ney as in Chen & Goodman (1998, "An empirical study of smoothing techniques for language
modeling", eq. 17), with one discount per order, D = n1 / (n1 + 2 n2) (n1, n2: how many n-grams are seen once,
twice; at least MIN_DISCOUNT). For a context h of k-1 characters and its shortening h' (the first character dropped):

    P_k(w | h) = max(c(h w) - D_k, 0) / c(h)  +  D_k * T(h) / c(h) * P_{k-1}(w | h')

where T(h) is the number of distinct characters seen after h, and P_0 is uniform over the vocabulary. At the top
order c counts occurrences; at every lower order c(h' w) is the continuation count, the number of distinct
characters seen *before* h' w: a character that follows many contexts ("e") is a likelier guess for a new
context than one that is frequent only inside a single word. An unseen context passes straight to the order below.

Every k-gram is one int64 key (its ids as digits in base V), so counting is `np.unique` and lookup is
`np.searchsorted`: a 1 MB text is counted in well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

MIN_DISCOUNT = 0.1  # with no n-gram seen once, n1 / (n1 + 2 n2) is 0 and an unseen character would get P = 0


@dataclass(frozen=True)
class _Counts:
    """One order's table: sorted k-gram keys with their counts, and per context (key // V) its totals."""

    keys: np.ndarray  # (K,) sorted int64 keys of the k-grams seen
    counts: np.ndarray  # (K,) occurrence or continuation counts
    contexts: np.ndarray  # (C,) sorted keys of the contexts (the k-grams' first k-1 characters)
    totals: np.ndarray  # (C,) c(h): the counts summed over what follows h
    types: np.ndarray  # (C,) T(h): how many distinct characters follow h
    discount: float

    @classmethod
    def of(cls, keys: np.ndarray, counts: np.ndarray, vocab_size: int) -> _Counts:
        contexts, where = np.unique(keys // vocab_size, return_inverse=True)
        totals = np.bincount(where, weights=counts, minlength=len(contexts))
        types = np.bincount(where, minlength=len(contexts)).astype(np.float64)
        n1, n2 = np.sum(counts == 1), np.sum(counts == 2)
        discount = max(n1 / (n1 + 2 * n2) if n1 + n2 else 0.5, MIN_DISCOUNT)
        return cls(keys, counts.astype(np.float64), contexts, totals, types, float(discount))

    @staticmethod
    def lookup(table: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """`values` at the positions of `wanted` in the sorted `table`; 0 where a key was never seen."""
        if not len(table):
            return np.zeros(len(wanted))
        at = np.minimum(np.searchsorted(table, wanted), len(table) - 1)
        return np.where(table[at] == wanted, values[at], 0.0)


class CharNGram:
    """Interpolated Kneser–Ney over character ids 0..V-1, of order `n` (n-1 characters of context)."""

    def __init__(self, ids, vocab_size: int, n: int):
        ids = np.asarray(ids, dtype=np.int64)
        if n < 1 or vocab_size < 1 or float(vocab_size) ** n >= 2.0**62:
            raise ValueError(f"an n-gram of order {n} over {vocab_size} symbols does not fit in int64 keys")
        self.n, self.vocab_size = n, vocab_size
        self.raw: list[_Counts] = []  # order k at index k-1: occurrence counts
        self.continuation: list[_Counts] = []  # order k at index k-1: continuation counts (unused at order n)
        keys = ids.copy()
        for k in range(1, n + 1):
            if k > 1:
                keys = keys[:-1] * vocab_size + ids[k - 1:]  # the k-gram starting at each position
            unique, counts = np.unique(keys, return_counts=True)
            self.raw.append(_Counts.of(unique, counts, vocab_size))
            if k > 1:  # k-grams seen before each (k-1)-gram: drop their first character, count the distinct ones
                shorter, cont = np.unique(unique % vocab_size ** (k - 1), return_counts=True)
                self.continuation.append(_Counts.of(shorter, cont, vocab_size))
        self.continuation.append(self.raw[-1])  # placeholder: the top order always uses occurrence counts

    def probability(self, context: np.ndarray, target: np.ndarray) -> np.ndarray:
        """P(target | context) for M queries: `context` (M, n-1) ids, -1 where the text had not begun yet."""
        context = np.asarray(context, dtype=np.int64).reshape(len(target), self.n - 1)
        target = np.asarray(target, dtype=np.int64)
        known = (context >= 0)[:, ::-1].cumprod(1).sum(1) if self.n > 1 else np.zeros(len(target), np.int64)
        top = known + 1  # each query's own highest order: its context as far back as it goes
        p = np.full(len(target), 1.0 / self.vocab_size)
        for k in range(1, self.n + 1):
            h = np.zeros(len(target), np.int64)
            for j in range(self.n - k, self.n - 1):  # the last k-1 characters of the context
                h = h * self.vocab_size + np.maximum(context[:, j], 0)
            used = k <= top
            p_raw, p_cont = (self._step(t, h, target, p) for t in (self.raw[k - 1], self.continuation[k - 1]))
            p = np.where(used, np.where(k == top, p_raw, p_cont), p)
        return p

    def _step(self, table: _Counts, h: np.ndarray, w: np.ndarray, lower: np.ndarray) -> np.ndarray:
        """One order of the interpolation; an unseen context leaves the lower order's probability."""
        total = table.lookup(table.contexts, table.totals, h)
        types = table.lookup(table.contexts, table.types, h)
        count = table.lookup(table.keys, table.counts, h * self.vocab_size + w)
        seen = total > 0
        safe = np.where(seen, total, 1.0)
        mixed = (np.maximum(count - table.discount, 0.0) + table.discount * types * lower) / safe
        return np.where(seen, mixed, lower)

    def contexts(self, x: np.ndarray) -> np.ndarray:
        """(N, T, n-1): for every step of every sequence, the n-1 ids up to and including it, -1 before the
        sequence begins: the n-gram sees what a model reading the sequence from its start has seen."""
        x = np.asarray(x, dtype=np.int64)
        if self.n == 1:
            return np.zeros((*x.shape, 0), np.int64)
        padded = np.concatenate([np.full((len(x), self.n - 2), -1, np.int64), x], 1)  # (N, T + n - 2)
        return np.lib.stride_tricks.sliding_window_view(padded, self.n - 1, axis=1)

    def cross_entropy(self, x, y) -> float:
        """Mean -ln P(y | what precedes it in x), in nats: the models' training loss on the same targets."""
        x, y = np.asarray(x), np.asarray(y)
        if y.size == 0:
            return float("nan")
        p = self.probability(self.contexts(x).reshape(y.size, self.n - 1), y.reshape(-1))
        return float(-np.log(p).mean())

    def distribution(self, context) -> np.ndarray:
        """P(w | context) for every w in the vocabulary; sums to 1. `context`: the ids read so far."""
        last = list(context)[-(self.n - 1):] if self.n > 1 else []
        row = np.array([-1] * (self.n - 1 - len(last)) + last, np.int64)
        every = np.arange(self.vocab_size)
        return self.probability(np.broadcast_to(row, (self.vocab_size, self.n - 1)), every)

    def sample(self, prompt, length: int, temperature: float = 1.0, seed: int = 0) -> list[int]:
        """`length` ids written after `prompt`, each drawn from the n-gram's distribution sharpened by the
        temperature (0 takes the likeliest), with a seeded torch generator: the same seed writes the same text."""
        generator, ids = torch.Generator().manual_seed(seed), list(prompt)
        for _ in range(length):
            p = self.distribution(ids)
            if temperature <= 0:
                ids.append(int(p.argmax()))
                continue
            logits = torch.from_numpy(np.log(np.maximum(p, 1e-300)) / temperature)
            ids.append(int(torch.multinomial(torch.softmax(logits, 0), 1, generator=generator)))
        return ids[len(prompt):]


def is_text(task) -> bool:
    """True for a next-token task whose every target is the next input: a text an n-gram can count. Not the copy
    task, which asks to recall symbols: an n-gram over its inputs has nothing to count."""
    x, y = task.x_train, task.y_train
    return task.kind == "next-token" and len(x) > 0 and torch.equal(y[:, :-1], x[:, 1:])


def training_text(task) -> torch.Tensor | None:
    """The ids of a text task's training part in reading order, or None when `is_text` is False."""
    if not is_text(task):
        return None
    return torch.cat([task.x_train[:, :1], task.y_train], 1).flatten()  # chunks are consecutive


def fit(task, n: int) -> CharNGram | None:
    """The order-n model counted on the task's training text; None when the task is not a text."""
    ids = training_text(task)
    return None if ids is None else CharNGram(ids.numpy(), task.output_size, n)


def write(task, n: int, prompt: str, length: int, temperature: float = 1.0, seed: int = 0) -> str | None:
    """The prompt (characters outside the vocabulary left out) and `length` characters that the order-n model
    counted on the task's training text writes after it: what counting alone produces. None for a non-text."""
    model = fit(task, n)
    if model is None:
        return None
    index = {c: i for i, c in enumerate(task.vocab)}
    ids = [index[c] for c in prompt if c in index]
    return "".join(task.vocab[i] for i in ids + model.sample(ids, length, temperature, seed))
