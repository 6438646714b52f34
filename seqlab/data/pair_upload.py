"""A user's CSV of translation pairs (source text, then its translation): checked and cleaned into a translation
Task, or a DataError saying what to fix. An export of Tatoeba's sentence pairs, say, saved as CSV or TSV."""

from __future__ import annotations

import pandas as pd

from seqlab.config import DataConfig
from seqlab.data.pairs import MIN_PAIRS, pairs_task
from seqlab.data.task import DataError, Task
from seqlab.data.upload import read_csv_table

MAX_PAIR_BYTES = 2 * 1024 * 1024  # a character-level model of short phrases needs far less
MAX_LINE_CHARS = 100  # characters of one source or target: longer sentences are left out (the model reads chars)
MAX_CHARS = 300  # distinct characters on either side: more is an alphabet this lab cannot learn in minutes
SHOWN_ROWS = 2  # rows quoted in a note
SHOWN_CHARS = 30


def _quoted(source: pd.Series, target: pd.Series, rows: pd.Index) -> str:
    """The first few rows left out, quoted (cut short): blank lines are skipped when the file is read, so the text
    finds a row where a line number might not."""
    shown = [f"{(source[i] or target[i])[:SHOWN_CHARS]!r}" for i in rows[:SHOWN_ROWS]]
    more = len(rows) - len(shown)
    return ", ".join(shown) + (f" and {more:,} more" if more > 0 else "")


def read_pairs(data: bytes, max_pairs: int, max_bytes: int = MAX_PAIR_BYTES) -> tuple[list[str], list[str], list[str]]:
    """(sources, targets, notes) from the first two columns of a CSV file."""
    table, notes = read_csv_table(data, max_bytes)
    if table.shape[1] < 2:
        raise DataError("the file has one column; a translation needs two: the text, then its translation "
                        "(separated by a comma, semicolon or tab)")
    if table.shape[1] > 2:
        notes.append(f"the file has {table.shape[1]} columns: the first two ({table.columns[0]!r} → "
                     f"{table.columns[1]!r}) are used")
    source = table.iloc[:, 0].fillna("").astype(str).str.strip()
    target = table.iloc[:, 1].fillna("").astype(str).str.strip()
    keep = _drop(source, target, notes)
    sources, targets = source[keep].tolist(), target[keep].tolist()
    if len(sources) < MIN_PAIRS:
        raise DataError(f"only {len(sources)} usable pairs (a text and its translation, each at most "
                        f"{MAX_LINE_CHARS} characters); at least {MIN_PAIRS} are needed to train, validate and test")
    if len(sources) > max_pairs:
        notes.append(f"the first {max_pairs:,} of {len(sources):,} pairs are used (raise 'pairs to learn from' "
                     "for more)")
        sources, targets = sources[:max_pairs], targets[:max_pairs]
    for side, texts in (("texts", sources), ("translations", targets)):
        distinct = len(set("".join(texts)))
        if distinct > MAX_CHARS:
            raise DataError(f"the {side} use {distinct:,} distinct characters, more than the {MAX_CHARS} a "
                            "character-level model here can learn: use a language with an alphabet, or fewer pairs")
    return sources, targets, notes


def _drop(source: pd.Series, target: pd.Series, notes: list[str]) -> pd.Series:
    """Rows to keep: both sides present and neither over MAX_LINE_CHARS; a note for each kind left out."""
    no_source, no_target = source == "", target == ""
    source_len, target_len = source.str.len(), target.str.len()
    one_sided = no_source ^ no_target
    too_long = ~(no_source | no_target) & ((source_len > MAX_LINE_CHARS) | (target_len > MAX_LINE_CHARS))
    usable = ~(no_source | no_target | too_long)
    if not usable.any():
        if one_sided.any() and not too_long.any():
            raise DataError("no row has both a text and its translation: every row leaves one of the two columns "
                            "empty. Put each text and its translation on the same line")
        if too_long.any():
            raise DataError(f"every pair has a side longer than {MAX_LINE_CHARS} characters; this lab translates "
                            "short phrases character by character: split long sentences or keep the short ones")
    if one_sided.any():
        index = one_sided[one_sided].index
        notes.append(f"{len(index):,} row(s) with only one side filled in were left out: "
                     f"{_quoted(source, target, index)}")
    if too_long.any():
        index = too_long[too_long].index
        notes.append(f"{len(index):,} pair(s) with a side over {MAX_LINE_CHARS} characters were left out: "
                     f"{_quoted(source, target, index)}")
    return usable


def pairs_upload_task(cfg: DataConfig, data: bytes, name: str = "your file") -> Task:
    """The translation task of an uploaded CSV of pairs: at most `cfg.n_samples` of them, split with `cfg`."""
    sources, targets, notes = read_pairs(data, cfg.n_samples)
    return pairs_task(sources, targets, cfg, "pairs", f"Your pairs ({len(sources):,})", source=name,
                      notes=tuple(notes))
