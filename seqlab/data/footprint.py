"""How many bytes a task will hold, from its DataConfig alone, before anything is built or downloaded.

For a resource model that refuses oversize work before doing it. Each figure counts what
`Task.nbytes()` counts once the task is built: every split on its own storage, forecasting windows as
views onto the rows they read, and the preview table of a series. Where the data are not known before
loading (an upload, a ticker), the figure is a bound from what is known: the upload's lines or bytes,
the row limit, the days between two dates.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

from seqlab.config import DataConfig

FLOAT, LONG = 4, 8  # bytes of a float32 input or target, of an int64 token id or class
PREVIEW_ROW = 8 + 8 + 1  # a forecasting preview row: time (int64 or datetime64), value (float64), split (category)
PREVIEW_FIXED = 300  # its index (132 bytes) and the split's three category names
COPY_EXTRA = 20  # the copy task's 10 symbols and 10 recall steps around its blanks
SHAKESPEARE_CHARS = 1_115_394  # the real Tiny Shakespeare; a fallback to the built-in text is smaller


DATES_SOURCE_CHARS, DATES_TARGET_CHARS = 48, 11  # the longest CLDR date written (38 characters, pt), with room


def estimate_task_bytes(cfg: DataConfig, upload: bytes | None = None) -> int:
    """The bytes `make_task(cfg, upload).nbytes()` will report, or a bound on them where data are unknown."""
    n, T = cfg.n_samples, cfg.length
    if cfg.task == "adding":
        return n * T * 2 * FLOAT + n * FLOAT  # (N, T, 2) values and marks, (N, 1) sums
    if cfg.task == "copy":
        return 2 * n * (T + COPY_EXTRA) * LONG  # inputs and targets, one id per step
    if cfg.task == "digits":
        from seqlab.data.digits import load_digits

        return len(load_digits()[1]) * (64 * FLOAT + LONG)  # 64 pixels and a label each
    if cfg.task == "text":
        chunks = min(_corpus_chars(cfg, upload) // (T + 1), n)
        return 2 * chunks * T * LONG  # inputs, and targets shifted by one
    if cfg.task == "chorales":
        from seqlab.data.chorales import sequence_counts

        return 2 * sum(sequence_counts(cfg).values()) * T * LONG  # inputs, and targets shifted by one
    if cfg.task == "sentiment":
        rows = min(cfg.max_rows, _lines(upload))
        return rows * (T * LONG + LONG)  # padded token ids and a label per text
    if cfg.task == "dates":
        return n * (DATES_SOURCE_CHARS + DATES_TARGET_CHARS) * LONG  # padded source ids, target ids with EOS
    if cfg.task == "pairs":
        from seqlab.data.pair_upload import MAX_LINE_CHARS

        return min(n, _lines(upload)) * (2 * MAX_LINE_CHARS + 1) * LONG  # both sides padded to the longest line
    return forecast_bytes(_series_rows(cfg, upload), T, cfg.horizon)


def forecast_bytes(rows: int, window: int, horizon: int) -> int:
    """Windows and targets of a series of `rows` rows: per split, a copy of the rows they read, plus the preview.

    Inputs read rows - 3 horizon + 2 window rows over the three splits (each split looks back one window),
    targets rows - window; see `windows.forecast_task`.
    """
    return (2 * rows + window - 3 * horizon) * FLOAT + rows * PREVIEW_ROW + PREVIEW_FIXED


def _series_rows(cfg: DataConfig, upload: bytes | None) -> int:
    if cfg.task == "sine":
        rows = cfg.n_samples
    elif cfg.task == "csv":
        rows = _lines(upload)
    elif cfg.task == "stock":
        end = dt.date.fromisoformat(cfg.end) if cfg.end else dt.date.today()
        rows = (end - dt.date.fromisoformat(cfg.start)).days + 1  # trading days are fewer
    else:
        from seqlab.data.series import load_shipped

        rows = len(load_shipped(cfg.task).frame)  # a shipped file, parsed once per process
    return min(rows, cfg.max_rows)


def _lines(upload: bytes | None) -> int:
    """Rows an uploaded CSV can hold at most (every line but the header); no upload: no bound but the row limit."""
    return upload.count(b"\n") + 1 if upload is not None else 2**62


def _corpus_chars(cfg: DataConfig, upload: bytes | None) -> int:
    if cfg.corpus == "upload":
        from seqlab.data.corpus import MAX_TEXT_BYTES

        return len(upload) if upload is not None else MAX_TEXT_BYTES  # characters are at most bytes
    if cfg.corpus == "shakespeare":
        return SHAKESPEARE_CHARS
    from seqlab.data.text import builtin_corpus

    return len(builtin_corpus())


def data_refusal(cfg: DataConfig, limit: int, where: str = "this server", upload: bytes | None = None) -> str | None:
    """None when the task fits in `limit` bytes; otherwise a sentence naming its size and what to lower: the
    number of sequences (or points) to generate where that is the lever, else the sequence length."""
    from seqlab.resources import size_text

    need = estimate_task_bytes(cfg, upload)
    if need <= limit:
        return None
    said = f"this data set ({cfg.task}, {cfg.length:,} steps) needs about {size_text(need)}; {where} allows " \
           f"{size_text(limit)} per data set: "
    from seqlab.data import SAMPLED  # tasks whose size is the number of sequences (or points) generated

    if cfg.task in SAMPLED:
        lo, hi = 64, cfg.n_samples  # the smallest DataConfig allows, the asked
        while lo < hi:  # the most samples that fit (the estimate grows with them)
            mid = (lo + hi + 1) // 2
            lo, hi = (mid, hi) if estimate_task_bytes(dataclasses.replace(cfg, n_samples=mid), upload) <= limit \
                else (lo, mid - 1)
        if estimate_task_bytes(dataclasses.replace(cfg, n_samples=lo), upload) <= limit:
            return said + f"try at most {lo:,} {'points' if cfg.task == 'sine' else 'sequences'}."
    return said + "try a shorter sequence or window, or fewer rows."
