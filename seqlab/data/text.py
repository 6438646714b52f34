"""Character-level text: the built-in corpus, a vocabulary, and next-character windows."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

import torch

from seqlab.config import DataConfig
from seqlab.data.task import DataError, Task

MIN_CORPUS_CHARS = 200
BUILTIN_SOURCE = "pydoc_data.topics (Python Software Foundation)"


@functools.lru_cache(maxsize=1)
def builtin_corpus() -> str:
    """English prose from Python's own documentation, which every Python installation carries."""
    from pydoc_data.topics import topics

    return "\n\n".join(topics[k].strip() for k in sorted(topics))


@dataclass(frozen=True)
class Corpus:
    """A text to model, with what a person should know about it."""

    text: str
    title: str  # "Tiny Shakespeare"
    source: str  # attribution
    notes: tuple[str, ...] = ()  # what was done to the text, e.g. rare characters removed
    warnings: tuple[str, ...] = ()  # what must not be missed, e.g. a failed download replaced by another text


class Vocab:
    """A character <-> id table built from a corpus, ids in sorted character order."""

    def __init__(self, text: str):
        self.chars = tuple(sorted(set(text)))
        self.index = {c: i for i, c in enumerate(self.chars)}

    @classmethod
    def from_symbols(cls, symbols) -> Vocab:
        """The table whose id i is `symbols[i]`, e.g. from `Task.vocab` or a saved vocabulary."""
        vocab = cls("")
        vocab.chars = tuple(symbols)
        vocab.index = {c: i for i, c in enumerate(vocab.chars)}
        if len(vocab.index) != len(vocab.chars):
            raise ValueError("a vocabulary cannot list a symbol twice")
        return vocab

    def __len__(self) -> int:
        return len(self.chars)

    def encode(self, text: str) -> list[int]:
        return [self.index[c] for c in text if c in self.index]  # unknown characters are dropped

    def decode(self, ids) -> str:
        return "".join(self.chars[int(i)] for i in ids)


def unigram_entropy(ids: torch.Tensor, vocab_size: int) -> float:
    """Cross-entropy (nats) of predicting every character from its training frequency alone."""
    counts = torch.bincount(ids.flatten(), minlength=vocab_size).double()
    p = counts[counts > 0] / counts.sum()
    return float(-(p * p.log()).sum()) + 0.0  # one character: 0, not -0.0


def text_task(cfg: DataConfig, corpus: Corpus | None = None) -> Task:
    """Next-character prediction on consecutive chunks of `cfg.length` + 1 characters.

    The corpus (default: the built-in one) is split in reading order (train, then validation, then
    test), so no chunk of the test text is seen in training. Its notes and warnings go into the Task.
    """
    corpus = corpus or Corpus(builtin_corpus(), "Python documentation", BUILTIN_SOURCE)
    text = corpus.text
    if len(text) < MIN_CORPUS_CHARS:
        raise DataError(f"the text has {len(text)} characters; at least {MIN_CORPUS_CHARS} are needed")
    vocab = Vocab(text)
    ids = torch.tensor(vocab.encode(text), dtype=torch.long)
    chunk = cfg.length + 1
    n_chunks = min(len(ids) // chunk, cfg.n_samples)
    n_val, n_test = math.ceil(n_chunks * cfg.val_fraction), math.ceil(n_chunks * cfg.test_fraction)
    if n_chunks - n_val - n_test < 4:
        raise DataError(
            f"the text gives only {n_chunks} chunks of {chunk} characters; shorten the sequence length or "
            "use a longer text"
        )
    chunks = ids[: n_chunks * chunk].view(n_chunks, chunk)  # (N, T+1), in reading order
    a, b = n_chunks - n_val - n_test, n_chunks - n_test
    x, y = chunks[:, :-1], chunks[:, 1:]
    return Task(
        name="text", title=f"{corpus.title} (characters)", kind="next-token",
        x_train=x[:a], y_train=y[:a], x_val=x[a:b], y_val=y[a:b], x_test=x[b:], y_test=y[b:],
        input_size=len(vocab), output_size=len(vocab),
        step_meaning="one character", target_meaning="the next character",
        vocab=vocab.chars, baseline_loss=unigram_entropy(x[:a], len(vocab)),
        baseline_name="symbol frequencies",  # the same strategy evaluate scores on the test part: one row, one name
        source=corpus.source, notes=corpus.notes, warnings=corpus.warnings,
    )
