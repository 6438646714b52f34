"""Translation pairs as a Task: character vocabularies, padded id tensors, and the split (random or by length).

A source is left-padded, so an encoder's final state comes right after the last real character (a model without
attention must squeeze the whole input through that one state); a target is right-padded after an end symbol.
Id 0 pads both sides and is never a target a loss counts; the decoder starts from BOS.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from seqlab.config import DataConfig
from seqlab.data.task import DataError, Task

PAD, UNK = "<pad>", "<unk>"  # source ids 0 and 1
BOS, EOS = "<s>", "</s>"  # target ids 1 and 2 (0 pads)
SOURCE_SPECIALS, TARGET_SPECIALS = (PAD, UNK), (PAD, BOS, EOS)
MIN_PAIRS = 64  # fewer leaves too few for a validation and a test part


def source_vocab(sources: Sequence[str]) -> tuple[str, ...]:
    return SOURCE_SPECIALS + tuple(sorted(set("".join(sources))))


def target_vocab(targets: Sequence[str]) -> tuple[str, ...]:
    return TARGET_SPECIALS + tuple(sorted(set("".join(targets))))


def encode_sources(sources: Sequence[str], vocab: Sequence[str], length: int) -> torch.Tensor:
    """(N, length) ids, each source left-padded with 0; characters not in `vocab` become UNK (id 1)."""
    index = {c: i for i, c in enumerate(vocab)}
    out = torch.zeros(len(sources), length, dtype=torch.long)
    for row, text in enumerate(sources):
        if text:
            out[row, length - len(text):] = torch.tensor([index.get(c, 1) for c in text])
    return out


def encode_targets(targets: Sequence[str], vocab: Sequence[str], length: int) -> torch.Tensor:
    """(N, length) ids: each target's characters, then EOS (id 2), then 0 to the right."""
    index = {c: i for i, c in enumerate(vocab)}
    out = torch.zeros(len(targets), length, dtype=torch.long)
    for row, text in enumerate(targets):
        out[row, :len(text) + 1] = torch.tensor([index[c] for c in text] + [2])
    return out


def decode_target(ids, vocab: Sequence[str]) -> str:
    """The text of target ids, up to the first EOS (PAD and BOS skipped)."""
    chars = []
    for i in ids:
        i = int(i)
        if i == 2:
            break
        if i > 2:
            chars.append(vocab[i])
    return "".join(chars)


def decode_source(ids, vocab: Sequence[str]) -> str:
    """The text of source ids, padding left out (an unknown character shows as '?')."""
    return "".join("?" if int(i) == 1 else vocab[int(i)] for i in ids if int(i) != 0)


def source_lengths(x: torch.Tensor) -> torch.Tensor:
    """Characters in each source (its non-pad ids)."""
    return (x != 0).sum(1)


def _split_order(lengths: np.ndarray, cfg: DataConfig, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Row indices of train, validation and test. With `cfg.longer_test`, the test part holds every pair longer
    than a cut chosen so that it is about `test_fraction` of the pairs, and no training pair is that long."""
    n = len(lengths)
    order = rng.permutation(n)
    n_val, n_test = round(n * cfg.val_fraction), round(n * cfg.test_fraction)
    if cfg.longer_test:
        cut = int(np.sort(lengths)[n - n_test - 1]) if n_test else int(lengths.max())
        longer = lengths[order] > cut
        if not longer.any() or longer.all():
            raise DataError("every input has the same length, so no test part can be longer than training: "
                            "turn off the longer test inputs")
        test, rest = order[longer], order[~longer]
        n_val = round(len(rest) * cfg.val_fraction / (1 - cfg.test_fraction))
        return rest[n_val:], rest[:n_val], test
    return order[n_val + n_test:], order[:n_val], order[n_val:n_val + n_test]


def pairs_task(sources: Sequence[str], targets: Sequence[str], cfg: DataConfig, name: str, title: str, *,
               source: str = "", notes: tuple[str, ...] = (), warnings: tuple[str, ...] = ()) -> Task:
    """A translation Task from parallel lists of source and target texts, split with `cfg`'s fractions and seed."""
    if len(sources) != len(targets):
        raise ValueError("sources and targets must pair up one to one")
    if len(sources) < MIN_PAIRS:
        raise DataError(f"only {len(sources)} pairs: at least {MIN_PAIRS} are needed for a training, a validation "
                        "and a test part")
    lengths = np.array([len(s) for s in sources])
    train, val, test = _split_order(lengths, cfg, np.random.default_rng(cfg.seed))
    src_vocab, tgt_vocab = source_vocab(sources), target_vocab(targets)
    x = encode_sources(sources, src_vocab, int(lengths.max()))
    y = encode_targets(targets, tgt_vocab, max(len(t) for t in targets) + 1)
    parts = {}
    for part, rows in (("train", train), ("val", val), ("test", test)):
        rows = torch.as_tensor(rows, dtype=torch.long)
        parts[f"x_{part}"], parts[f"y_{part}"] = x[rows], y[rows]
    baseline = position_frequency_loss(parts["y_train"], parts["y_val"], len(tgt_vocab))
    if cfg.longer_test:
        notes = notes + (f"test inputs are {int(source_lengths(parts['x_test']).min())} to {int(lengths.max())} "
                         f"characters, longer than any in training (at most "
                         f"{int(source_lengths(parts['x_train']).max())}): a test of generalisation to length",)
    return Task(name=name, title=title, kind="translation", **parts, input_size=len(src_vocab),
                output_size=len(tgt_vocab), step_meaning="one character of the source text",
                target_meaning="one character of the translation", vocab=src_vocab, target_vocab=tgt_vocab,
                baseline_loss=baseline, baseline_name="most common character per position", notes=notes,
                source=source, warnings=warnings)


def position_frequencies(y_train: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """(T, V) counts of each target id at each position of the training targets (PAD counted as a symbol too,
    so the trivial model also "knows" where targets end)."""
    counts = torch.zeros(y_train.shape[1], vocab_size, dtype=torch.float64)
    counts.scatter_add_(1, y_train.T.contiguous(), torch.ones(y_train.T.shape, dtype=torch.float64))
    return counts


def position_frequency_loss(y_train: torch.Tensor, y_eval: torch.Tensor, vocab_size: int) -> float:
    """Cross-entropy (nats per target character, EOS included, padding not) of guessing each position's training
    frequencies: the loss of a model that never reads its input."""
    counts = position_frequencies(y_train, vocab_size) + 0.5  # smoothed so unseen symbols stay finite
    log_p = counts.log() - counts.sum(1, keepdim=True).log()
    counted = y_eval != 0
    picked = log_p.gather(1, y_eval.T.contiguous()).T  # (N, T)
    return float(-picked[counted].mean()) if counted.any() else float("nan")


def position_mode(y_train: torch.Tensor, vocab_size: int) -> torch.Tensor:
    """(T,) the commonest target id at each position: the trivial translation, the same for every input."""
    return position_frequencies(y_train, vocab_size).argmax(1)
