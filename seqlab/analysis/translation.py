"""Scoring translations: exact match, character accuracy, the trivial baseline, accuracy by input length,
attention maps and how monotonic they are."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import torch

from seqlab.data.pairs import EOS, decode_source, decode_target, position_frequency_loss, position_mode, source_lengths
from seqlab.data.task import Task

# Scoring during training (seqlab.training.scoring) holds the translation scores; re-exported here.
from seqlab.training.scoring import (  # noqa: F401
    EVAL_BATCH,
    evaluate_translation,
    match_counts,
    scores_from_counts,
    target_ids,
)

BASELINE = "most common character per position"


@torch.no_grad()
def translate_ids(model, x: torch.Tensor) -> torch.Tensor:
    """Greedy translations (N, T) of every source, in batches, in eval mode."""
    was = model.training
    model.eval()
    try:
        outs = [model.greedy(x[i:i + EVAL_BATCH])[1] for i in range(0, len(x), EVAL_BATCH)]
    finally:
        model.train(was)
    width = max((o.shape[1] for o in outs), default=0)
    return torch.cat([F_pad(o, width) for o in outs]) if outs else torch.zeros(0, 0, dtype=torch.long)


def F_pad(ids: torch.Tensor, width: int) -> torch.Tensor:
    """`ids` right-padded with 0 to `width` columns."""
    return torch.nn.functional.pad(ids, (0, width - ids.shape[1]))


def baseline_scores(task: Task, part: str = "test") -> dict:
    """The trivial translation: each position's commonest training character, whatever the input."""
    y = getattr(task, f"y_{part}")
    guess = position_mode(task.y_train, task.output_size).expand(len(y), -1)
    return {"cross_entropy": position_frequency_loss(task.y_train, y, task.output_size),
            **scores_from_counts(*match_counts(guess, y))}


def translations(model, task: Task, rows, part: str = "test") -> pd.DataFrame:
    """(source, target, translation, right) for chosen rows of a split: the live view's fixed examples."""
    x, y = getattr(task, f"x_{part}")[rows], getattr(task, f"y_{part}")[rows]
    ids = translate_ids(model, x)
    exact, _, _ = match_counts(ids, y)
    return pd.DataFrame({
        "source": [decode_source(r, task.vocab) for r in x],
        "target": [decode_target(r, task.target_vocab) for r in y],
        "translation": [decode_target(r, task.target_vocab) for r in ids],
        "right": exact.astype(bool),
    })


def translations_of(task: Task, rows, part: str = "train"):
    """(source, target) of chosen rows of a split: what the data look like."""
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    rows = list(rows)
    return pd.DataFrame({"source": [decode_source(x[i], task.vocab) for i in rows],
                         "target": [decode_target(y[i], task.target_vocab) for i in rows]})


def translation_of(model, task: Task, x_row: torch.Tensor) -> str:
    """The greedy translation of one source row."""
    return decode_target(_greedy_one(model, x_row)[1][0], task.target_vocab)


def length_verdict(frame: pd.DataFrame, metric: str = "exact_match") -> str:
    """One sentence from the numbers: each model's mean score over seeds on the shortest and on the longest
    inputs, and whether attention's lead grows with length."""
    if frame.empty:
        return "No test inputs to score."
    means = frame.groupby(["label", "length"], as_index=False)[metric].mean()
    shortest, longest = means["length"].min(), means["length"].max()
    spans = frame.groupby("length")["lengths"].first()
    at = {label: (g.loc[g["length"] == shortest, metric].mean(), g.loc[g["length"] == longest, metric].mean())
          for label, g in means.groupby("label", sort=False)}
    name = "exact matches" if metric == "exact_match" else "characters right"
    facts = "; ".join(f"{label} {short:.0%} → {long:.0%}" for label, (short, long) in at.items())
    text = (f"Test {name}, shortest inputs ({spans[shortest]} characters) → longest ({spans[longest]}): {facts}.")
    pairs = [(label, label.removesuffix(" + attention")) for label in at
             if label.endswith(" + attention") and label.removesuffix(" + attention") in at]
    for with_, without in pairs:
        gap_short = at[with_][0] - at[without][0]
        gap_long = at[with_][1] - at[without][1]
        if gap_long > 0.05 and gap_long > gap_short + 0.02:
            text += f" Attention's lead over {without} grows with length, from {gap_short:+.0%} to {gap_long:+.0%}."
        elif gap_long > 0.05:
            text += f" Attention leads {without} by {gap_long:.0%} on the longest inputs, about as much as on the " \
                    "shortest."
        elif gap_long < -0.05:
            text += f" Here {without} beats attention on the longest inputs, by {-gap_long:.0%}."
        else:
            text += f" With and without attention, {without} scores about the same on the longest inputs."
    return text


def length_bins(lengths: np.ndarray, bins: int = 6) -> np.ndarray:
    """Edges of up to `bins` input-length groups with about equal counts (whole characters)."""
    edges = np.unique(np.quantile(lengths, np.linspace(0, 1, bins + 1)).round())
    return edges if len(edges) > 1 else np.array([lengths.min(), lengths.max() + 1])


def accuracy_by_length(runs, task: Task, part: str = "test", bins: int = 6) -> pd.DataFrame:
    """Tidy (label, seed, length, n, exact_match, char_accuracy): each run's scores in groups of input length,
    `length` the middle of its group. Bahdanau et al.'s Figure 2, in miniature."""
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    lengths = source_lengths(x).numpy()
    edges = length_bins(lengths, bins)
    group = np.clip(np.searchsorted(edges, lengths, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for r in runs:
        exact, right, total = match_counts(translate_ids(r.model, x), y)
        for g in np.unique(group):
            mine = group == g
            lo, hi = lengths[mine].min(), lengths[mine].max()
            rows.append({"label": r.label, "seed": r.seed, "length": float((lo + hi) / 2),
                         "lengths": f"{lo}–{hi}" if lo != hi else f"{lo}", "n": int(mine.sum()),
                         **scores_from_counts(exact[mine], right[mine], total[mine])})
    return pd.DataFrame(rows)


def longer_than(task: Task, length: int, part: str = "test") -> torch.Tensor:
    """Row indices of a split whose inputs are longer than `length` characters."""
    return torch.nonzero(source_lengths(getattr(task, f"x_{part}")) > length).flatten()


def training_median_length(task: Task) -> float:
    return float(source_lengths(task.x_train).float().median())


def attention_map(model, vocab, target_vocab, x_row: torch.Tensor) -> pd.DataFrame | None:
    """Tidy (out, out_char, source_pos, source_char, weight) of one source's greedy translation, or None for a
    model without attention. Padding is left out; the EOS step is kept (where the model looks to stop)."""
    _, ids, weights = _greedy_one(model, x_row)
    if weights is None:
        return None
    keep = torch.nonzero(x_row != 0).flatten()
    source = [vocab[int(i)] for i in x_row[keep]]
    produced = ids[0].tolist()
    n_out = produced.index(2) + 1 if 2 in produced else len(produced)
    rows = []
    for t in range(n_out):
        char = EOS if produced[t] == 2 else target_vocab[produced[t]]
        for j, pos in enumerate(keep.tolist()):
            rows.append({"out": t, "out_char": f"{t + 1}: {char}", "source_pos": j, "source_char": f"{j + 1}: "
                         f"{source[j]}", "weight": float(weights[0, t, pos])})
    return pd.DataFrame(rows)


@torch.no_grad()
def _greedy_one(model, x_row: torch.Tensor):
    was = model.training
    model.eval()
    try:
        return model.greedy(x_row.unsqueeze(0))
    finally:
        model.train(was)


def monotonicity(frame: pd.DataFrame) -> float:
    """The share of consecutive output characters whose most-attended source position does not move back (the
    EOS step left out): 1.0 for a map that reads the source left to right."""
    steps = frame[~frame["out_char"].str.endswith(EOS)]
    peaks = steps.loc[steps.groupby("out")["weight"].idxmax()].sort_values("out")["source_pos"].to_numpy()
    if len(peaks) < 2:
        return math.nan
    return float((np.diff(peaks) >= 0).mean())


@torch.no_grad()
def year_diagonal(model, task: Task, rows, part: str = "test") -> float:
    """Dates: the share of rows whose year is copied along a diagonal of the attention map: the year's third and
    fourth output digits (decade and year) each attend most to that very digit of the source. The first two (19 or
    20 for the years 1950-2049) follow from the decade and are not copied. The whole map is not monotonic: ISO's
    year-month-day order reverses most languages' day-month-year."""
    x, y = getattr(task, f"x_{part}")[list(rows)], getattr(task, f"y_{part}")[list(rows)]
    was = model.training
    model.eval()
    try:
        _, _, weights = model.greedy(x, steps=4)
    finally:
        model.train(was)
    if weights is None or weights.shape[1] < 4 or not len(x):
        return math.nan
    peaks = weights[:, 2:4].argmax(-1).tolist()  # (B, 2): padded source positions
    hits = []
    for row, (xs, ys) in enumerate(zip(x, y, strict=True)):
        source, year = decode_source(xs, task.vocab), decode_target(ys, task.target_vocab)[:4]
        start = source.rfind(year) + int((xs == 0).sum())  # the year's first digit, in padded positions
        hits.append(source.rfind(year) >= 0 and peaks[row] == [start + 2, start + 3])
    return float(np.mean(hits))
