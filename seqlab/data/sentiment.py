"""Text classification (such as sentiment) from a user's CSV: a text column, a label column, padded token ids."""

from __future__ import annotations

import collections
import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import torch

from seqlab.config import DataConfig
from seqlab.data.task import DataError, Task
from seqlab.data.upload import MAX_UPLOAD_BYTES, read_csv_table

MAX_CLASSES = 20  # more distinct labels than this is a column of values, not of classes
MAX_WORDS = 5_000  # word vocabulary; rarer words read as UNK
MAX_CHARS = 300  # character vocabulary; rarer characters read as UNK
MIN_ROWS = 20  # labelled texts needed to train, validate and test at all
PAD, UNK = "<pad>", "<unk>"  # ids 0 and 1 of every vocabulary
LABEL_NAMES = {"label", "labels", "sentiment", "class", "category", "target", "polarity", "rating", "stars", "y"}
WORD = re.compile(r"[\w']+|[^\w\s]")  # words (with apostrophes) and single punctuation marks


@dataclass(frozen=True)
class ColumnChoice:
    """Columns of an uploaded table that could hold the texts and the labels, likeliest first."""

    text: tuple[str, ...]
    label: tuple[str, ...]

    @property
    def default_label(self) -> str | None:
        """The likeliest label column that is not the likeliest text column."""
        return next((c for c in self.label if not self.text or c != self.text[0]), None)


def candidate_columns(data: bytes) -> ColumnChoice:
    """Text columns (not numeric, longest texts first) and label columns (2 to MAX_CLASSES values)."""
    table, _ = read_csv_table(data)
    return _candidates(table)


def _candidates(table: pd.DataFrame) -> ColumnChoice:
    cells = {c: table[c].dropna().astype(str).str.strip() for c in table.columns}
    cells = {c: v[v != ""] for c, v in cells.items()}
    texts = [c for c, v in cells.items() if len(v) and pd.to_numeric(v, errors="coerce").isna().mean() > 0.5]
    texts.sort(key=lambda c: -cells[c].str.len().mean())
    labels = [c for c, v in cells.items() if 2 <= v.nunique() <= MAX_CLASSES]
    labels.sort(key=lambda c: (c.strip().lower() not in LABEL_NAMES, cells[c].nunique()))
    return ColumnChoice(tuple(texts), tuple(labels))


def tokenize(text: str, tokens: str) -> list[str]:
    """Lower-cased characters, or words and punctuation marks."""
    text = text.lower()
    return list(text) if tokens == "char" else WORD.findall(text)


def sentiment_task(cfg: DataConfig, data: bytes, name: str = "your file", max_bytes: int = MAX_UPLOAD_BYTES) -> Task:
    """Classify each text of the file into its label, reading `cfg.length` tokens.

    Texts are cut to their first `cfg.length` tokens and padded at the front, so the last step the
    model reads is always the text's own last token. The split is stratified by class and seeded.
    """
    table, notes = read_csv_table(data, max_bytes)
    text_col, label_col = _chosen_columns(table, cfg)
    texts, labels = _labelled_rows(table, text_col, label_col, cfg, notes)
    classes = _classes(labels, label_col)
    y = np.array([classes.index(v) for v in labels])
    parts = stratified_split(y, cfg.val_fraction, cfg.test_fraction, cfg.seed)
    token_lists = [tokenize(t, cfg.tokens) for t in texts]
    read = [token_lists[i][:cfg.length] for i in parts["train"]]  # the vocabulary holds what training reads
    vocab = build_vocab(read, MAX_CHARS if cfg.tokens == "char" else MAX_WORDS, cfg.tokens, notes)
    x = encode(token_lists, vocab, cfg.length, notes)  # (N, L)
    x_y = {k: (x[idx], torch.from_numpy(y[idx])) for k, idx in parts.items()}
    unit = "character" if cfg.tokens == "char" else "word"
    return Task(
        name="sentiment", title=f"{label_col} of {text_col} ({unit}s)", kind="classification",
        x_train=x_y["train"][0], y_train=x_y["train"][1], x_val=x_y["val"][0], y_val=x_y["val"][1],
        x_test=x_y["test"][0], y_test=x_y["test"][1], input_size=len(vocab), output_size=len(classes),
        step_meaning=f"one {unit} (or padding)", target_meaning=f"the {label_col} of the text",
        vocab=vocab, classes=tuple(classes), baseline_loss=_entropy(y[parts["train"]]),
        baseline_name="class frequencies", notes=tuple(notes), source=f"your file {str(name)[:100]}",
    )


def _chosen_columns(table: pd.DataFrame, cfg: DataConfig) -> tuple[str, str]:
    """The text and label columns the config names, or the likeliest ones; a DataError if unusable."""
    if table.empty:
        raise DataError("the file has a header but no rows: add rows of texts and their labels")
    found = ", ".join(repr(c[:40]) for c in table.columns[:10]) + (" ..." if table.shape[1] > 10 else "")
    choice = _candidates(table)
    for wanted in (cfg.text_column, cfg.label_column):
        if wanted and wanted not in table.columns:
            raise DataError(f"the file has no column {wanted!r} (columns: {found})")
    if not cfg.text_column and not choice.text:
        raise DataError(f"no text column found (columns: {found}): the file needs a column of texts, such as "
                        "reviews, and a column of labels, such as positive / negative")
    if cfg.text_column and cfg.text_column not in choice.text:
        raise DataError(f"the column {cfg.text_column!r} holds numbers or nothing, not texts: choose a column of "
                        f"texts ({', '.join(map(repr, choice.text[:5])) or 'none found'})")
    text_col = cfg.text_column or choice.text[0]
    label_col = cfg.label_column or next((c for c in choice.label if c != text_col), None)
    if label_col is None:
        _check_named_label(table, text_col)
        raise DataError(f"no label column found (columns: {found}): a label column holds 2 to {MAX_CLASSES} "
                        "different values, such as positive / negative")
    if label_col == text_col:
        raise DataError(f"{text_col!r} is chosen as both the text and the label column: choose two columns")
    return text_col, label_col


def _check_named_label(table: pd.DataFrame, text_col: str) -> None:
    """A column named like labels ("sentiment", "label"...) that holds too few or too many classes: say so."""
    for column in table.columns:
        if column != text_col and column.strip().lower() in LABEL_NAMES:
            values = [v for v in table[column].fillna("").astype(str).str.strip() if v]
            if values:
                _classes(values, column)  # raises, naming the one class or the count


def _labelled_rows(table, text_col: str, label_col: str, cfg: DataConfig, notes: list[str]):
    """Texts and labels (as stripped strings) of the rows that have both; at most `cfg.max_rows`."""
    texts = table[text_col].fillna("").astype(str).str.strip()
    labels = table[label_col].fillna("").astype(str).str.strip()
    keep = (texts != "") & (labels != "")
    if not keep.all():
        notes.append(f"{int((~keep).sum())} rows without a text or a label were left out")
    texts, labels = texts[keep].tolist(), labels[keep].tolist()
    if len(texts) < MIN_ROWS:
        raise DataError(f"the file has {len(texts)} rows with both a text and a label; at least {MIN_ROWS} are "
                        "needed to train, validate and test: add more rows")
    if len(texts) > cfg.max_rows:
        rows = np.sort(np.random.default_rng(cfg.seed).permutation(len(texts))[:cfg.max_rows])
        notes.append(f"{cfg.max_rows:,} of the {len(texts):,} rows were drawn at random (the row limit)")
        texts, labels = [texts[i] for i in rows], [labels[i] for i in rows]
    return texts, labels


def _classes(labels: list[str], label_col: str) -> list[str]:
    """The distinct labels, in numeric order if they are all numbers, else alphabetical."""
    distinct = sorted(set(labels))
    if len(distinct) < 2:
        raise DataError(f"the label column {label_col!r} has one class only ({distinct[0][:40]!r}): a classifier "
                        "needs texts of at least two classes")
    if len(distinct) > MAX_CLASSES:
        raise DataError(f"the label column {label_col!r} has {len(distinct)} different values; at most "
                        f"{MAX_CLASSES} classes are allowed. Is it really the column of labels?")
    numbers = pd.to_numeric(pd.Series(distinct), errors="coerce")
    return [distinct[i] for i in np.argsort(numbers.to_numpy(), kind="stable")] if numbers.notna().all() \
        else distinct


def stratified_split(y: np.ndarray, val_fraction: float, test_fraction: float, seed: int) -> dict[str, np.ndarray]:
    """Row indices of train / val / test holding each class in about the same shares, shuffled with `seed`."""
    rng = np.random.default_rng(seed)
    parts: dict[str, list] = {"train": [], "val": [], "test": []}
    for c in np.unique(y):
        rows = rng.permutation(np.flatnonzero(y == c))
        n_val, n_test = round(len(rows) * val_fraction), round(len(rows) * test_fraction)
        parts["val"].append(rows[:n_val])
        parts["test"].append(rows[n_val:n_val + n_test])
        parts["train"].append(rows[n_val + n_test:])
    out = {k: rng.permutation(np.concatenate(v)) for k, v in parts.items()}
    if min(len(v) for v in out.values()) == 0 or len(np.unique(y[out["train"]])) < 2:
        raise DataError(f"{len(y)} rows are too few to train, validate and test on every class: add more rows")
    return out


def build_vocab(token_lists: list[list[str]], max_size: int, tokens: str, notes: list[str]) -> tuple[str, ...]:
    """PAD, UNK, then the training texts' tokens from most to least frequent, at most `max_size` of them."""
    counts = collections.Counter(t for tokens_ in token_lists for t in tokens_)
    kept = sorted(counts, key=lambda t: (-counts[t], t))[:max_size]
    if len(counts) > max_size:
        unit = "characters" if tokens == "char" else "words"
        notes.append(f"the {max_size:,} most frequent of {len(counts):,} {unit} form the vocabulary; "
                     f"the others read as {UNK}")
    return (PAD, UNK, *kept)


def encode(token_lists: list[list[str]], vocab: tuple[str, ...], length: int, notes: list[str]) -> torch.Tensor:
    """(N, length) ids: each text's first `length` tokens, padded with PAD (id 0) at the front."""
    index = {t: i for i, t in enumerate(vocab)}
    x = torch.zeros(len(token_lists), length, dtype=torch.long)
    for row, tokens_ in enumerate(token_lists):
        ids = [index.get(t, 1) for t in tokens_[:length]]
        if ids:
            x[row, length - len(ids):] = torch.tensor(ids)
    cut = sum(len(t) > length for t in token_lists)
    if cut:
        notes.append(f"{cut / len(token_lists):.0%} of the texts are longer than {length} tokens and were cut "
                     "to their beginning (raise the sequence length to read more)")
    return x


def _entropy(y: np.ndarray) -> float:
    """Cross-entropy (nats) of predicting every label from the training class shares alone."""
    p = np.bincount(y) / len(y)
    return float(-sum(q * math.log(q) for q in p if q > 0))
