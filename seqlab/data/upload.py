"""A user's CSV file, bytes in: checked and cleaned into SeriesData, or a DataError saying what to fix."""

from __future__ import annotations

import csv
import io
import re
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from seqlab.config import MAX_NAME_CHARS
from seqlab.data.task import DataError, SeriesData

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_ROWS = 200_000  # the most DataConfig.max_rows can keep anyway
MAX_COLUMNS = 500
_SEPARATORS = (",", ";", "\t", "|")
_TIME_WORDS = {"date", "time", "timestamp", "datetime", "year", "month", "week", "day", "period"}
_RESAVE = "re-save it as 'CSV UTF-8' (File > Save As in Excel or LibreOffice) and upload again"


def read_csv_series(
    data: bytes, name: str = "upload.csv", max_bytes: int = MAX_UPLOAD_BYTES, min_rows: int = 10
) -> SeriesData:
    """Read a comma, semicolon or tab separated file into a sorted, gap-free series table."""
    notes: list[str] = []
    table = _parse(_decode(data, max_bytes), notes)
    _check_rows(len(table), min_rows)
    time_name, times = _find_time_column(table)
    values = _numeric_columns(table, time_name, notes)
    if time_name is None:
        time_name = "row"
        while time_name in values.columns:  # a value column may already be called "row"
            time_name = "_" + time_name
        times = pd.Series(np.arange(len(values)), index=values.index)
        notes.append("no date column found, so the row order is used as time")
    frame = _order_by_time(values, time_name, times, notes)
    _check_rows(len(frame), min_rows, merged=len(frame) < len(values))
    kept = _usable_columns(frame, list(values.columns), notes)
    frame = _interpolate(frame[[time_name, *kept]], time_name, kept, notes)
    return SeriesData(
        name=str(name)[:100], frame=frame, time_column=time_name, value_columns=tuple(kept),
        default_column=kept[0], notes=tuple(notes), source=f"your file {str(name)[:100]}",
    )


def read_csv_table(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[pd.DataFrame, list[str]]:
    """Every cell of a CSV file as text, one column per header field, and notes on what was done.

    The same checks as `read_csv_series` (size, encoding, binary, separator, header), for tables that
    are not series, such as labelled texts.
    """
    notes: list[str] = []
    return _parse(_decode(data, max_bytes), notes), notes


@dataclass(frozen=True)
class UploadKind:
    """What an uploaded file should be, for messages that say how to fix it."""

    name: str  # "CSV files", "text"
    resave: str  # how to save it again as UTF-8
    binary: str  # what to say of a binary file
    shorter: str  # how to get under the size cap
    in_mb: bool = False  # sizes always in MB (spreadsheet users think in MB), else kB below 0.1 MB


CSV_FILE = UploadKind("CSV files", _RESAVE,
                      "this looks like a binary file (a spreadsheet, zip or image?), not CSV text: export it as CSV "
                      "and upload again", "keep fewer rows or columns and upload again", in_mb=True)


def file_size(n_bytes: int, in_mb: bool = False) -> str:
    return f"{n_bytes / 2**20:.3g} MB" if in_mb or n_bytes >= 2**20 / 10 else f"{n_bytes / 1024:.3g} kB"


def decode_upload(data, max_bytes: int, kind: UploadKind) -> str:
    """An uploaded file's UTF-8 text, or a DataError when it is not bytes, too big, UTF-16, binary or not UTF-8."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise DataError(f"expected the file's bytes, got {type(data).__name__}: pass the uploaded content")
    if len(data) > max_bytes:
        size, cap = file_size(len(data), kind.in_mb), file_size(max_bytes, kind.in_mb)
        raise DataError(f"the file is {size}, over the {cap} limit for {kind.name}: {kind.shorter}")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or _utf16_without_bom(data):
        raise DataError(f"the file is UTF-16 text, not UTF-8: {kind.resave}")
    if b"\x00" in data:
        raise DataError(kind.binary)
    try:
        return data.decode("utf-8-sig")  # Excel's "CSV UTF-8" and Notepad's "UTF-8 with BOM" start with a BOM
    except UnicodeDecodeError as e:
        raise DataError(f"the file is not UTF-8 text (the byte 0x{data[e.start]:02x} at position {e.start} cannot "
                        f"be read): {kind.resave}") from None


def _utf16_without_bom(data: bytes) -> bool:
    """Mostly ASCII text saved as UTF-16 with no byte order mark: every other byte is NUL."""
    head = data[:4096]
    if len(head) < 4:
        return False
    shares = sorted(part.count(0) / len(part) for part in (head[0::2], head[1::2]))
    return shares[0] < 0.05 and shares[1] > 0.7


def _decode(data, max_bytes: int) -> str:
    """A CSV file's text, refusing what is too big, binary, not UTF-8 or empty."""
    text = decode_upload(data, max_bytes, CSV_FILE)
    if not text.strip():
        raise DataError("the file is empty: choose a CSV file with a header row and rows of values")
    sample = text[:65536]  # enough to tell text from binary without scanning 5 MB character by character
    if sum(not (c.isprintable() or c in "\t\r\n") for c in sample) > 0.1 * len(sample):
        raise DataError("this looks like a binary file, not CSV text: export it as CSV and upload again")
    return text.replace("\r\n", "\n").replace("\r", "\n")  # Windows and old Mac line endings, as pandas reads them


def _separator(text: str) -> str:
    """The separator that splits the header into the most fields and the next lines into as many."""
    lines = [line for line in text[:65536].split("\n")[:50] if line.strip()]

    def score(sep):
        n = lines[0].count(sep)
        return n > 0, sum(line.count(sep) == n for line in lines), n

    return max(_SEPARATORS, key=score)


def _parse(text: str, notes: list[str]) -> pd.DataFrame:
    """All cells as text, one column per header field."""
    sep = _separator(text)
    header = _first_record(text, sep)
    _check_width(len(header) if header is not None else 0)  # before pandas builds thousands of columns
    table = _read(text, sep, notes, header=0)
    _check_width(table.shape[1])  # what pandas read is what every later step loops over
    if all(_is_number(c) for c in table.columns):  # no header row: the first row is data
        table = _read(text, sep, notes, header=None)
        _check_width(table.shape[1])
        table.columns = [f"column_{i + 1}" for i in range(table.shape[1])]
        notes.append("the first row holds numbers, so it was read as data; columns are named column_1, ...")
    elif header is not None:
        _check_unique_names(header)
    too_long = next((c for c in table.columns if len(c) > MAX_NAME_CHARS), None)
    if too_long is not None:
        raise DataError(f"a column name is {len(too_long):,} characters long ({too_long[:30]!r}...); at most "
                        f"{MAX_NAME_CHARS} are allowed: shorten it in the header row and upload again")
    if len(table) > MAX_ROWS:
        raise DataError(f"the file has {len(table):,} rows, over the limit of {MAX_ROWS:,}: "
                        "keep the most recent rows and upload again")
    return table.dropna(how="all").reset_index(drop=True)


def _first_record(text: str, sep: str) -> list[str] | None:
    """The header's fields as a CSV reader reads them: a quoted name may hold line breaks, so the first physical
    line can hide thousands of columns. None when Python's csv module cannot read it (pandas then decides)."""
    try:
        return next(csv.reader(io.StringIO(text.lstrip()), delimiter=sep, skipinitialspace=True), [])
    except csv.Error:  # e.g. a quoted field over csv's size limit: the width is checked again after parsing
        return None


def _check_width(columns: int) -> None:
    if columns > MAX_COLUMNS:
        raise DataError(f"the file has {columns:,} columns, more than the {MAX_COLUMNS} allowed: keep only the "
                        "columns you need and upload again")


def _check_unique_names(header: list[str]) -> None:
    """Refuse a header that names a column twice (pandas would silently rename the second one "name.1")."""
    names = [n.strip() for n in header]
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        shown = ", ".join(repr(n[:40]) for n in repeated[:5])
        raise DataError(f"the column name(s) {shown} appear more than once in the header: give every column "
                        "its own name")


def _read(text: str, sep: str, notes: list[str], header) -> pd.DataFrame:
    """pandas.read_csv with its failures turned into advice."""
    shown = {"\t": "tab", ",": "comma", ";": "semicolon", "|": "bar"}[sep]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            table = pd.read_csv(io.StringIO(text), sep=sep, header=header, dtype=str, index_col=False,
                                skipinitialspace=True, skip_blank_lines=True)
    except pd.errors.EmptyDataError:
        raise DataError("the file has no header row: its first line should name the columns") from None
    except (pd.errors.ParserError, csv.Error, ValueError, OverflowError) as e:
        line = re.search(r"line (\d+)", str(e))
        where = f"line {line.group(1)} has" if line else "some rows have"
        if "EOF inside string" in str(e):
            raise DataError(f"could not read the file as a {shown}-separated table: a quote (\") is opened and "
                            "never closed, so the rest of the file reads as one cell. Close the quote or remove "
                            "it, and upload again") from None
        raise DataError(f"could not read the file as a {shown}-separated table: {where} a different number "
                        "of fields than the header. Make every row use the same separator, and quote "
                        "text that contains it") from None
    if any(issubclass(w.category, pd.errors.ParserWarning) for w in caught):
        notes.append("some rows had more fields than the header; the extra fields were ignored")
    table.columns = [str(c) for c in table.columns]
    return table


def _is_number(text: str) -> bool:
    try:
        return bool(np.isfinite(float(text)))
    except ValueError:
        return False


def _check_rows(n: int, min_rows: int, merged: bool = False) -> None:
    """`merged`: rows sharing a time were averaged, or rows without one dropped, before counting."""
    if n == 0:
        raise DataError(f"the file has a header but no rows of data: add at least {min_rows} rows of values")
    if n < min_rows:
        why = " once rows sharing a date or time are averaged into one" if merged else ""
        raise DataError(f"the file has only {n} usable row{'s' * (n != 1)} of data{why}; at least {min_rows} are "
                        "needed to train and test a model: add more rows" + (", one per date" if merged else ""))


def _find_time_column(table: pd.DataFrame) -> tuple[str | None, pd.Series | None]:
    """A column named like a date or time that parses, else the first text column that reads as dates."""
    named = [c for c in table.columns if _TIME_WORDS & set(re.split(r"[^a-z]+", c.lower()))]
    others = [c for c in table.columns if c not in named and not _is_numeric(table[c])]
    for column in named + others:
        times = _as_times(table[column], allow_numbers=column in named)
        if times is not None:
            return column, times
    return None, None


def _as_times(column: pd.Series, allow_numbers: bool) -> pd.Series | None:
    """Whole numbers (years, day counts) or dates, if at least 90% of the filled cells read so."""
    filled = int(column.notna().sum())
    if not filled:
        return None
    if allow_numbers:
        numbers = pd.to_numeric(column, errors="coerce").astype("float64")
        whole = (numbers % 1 == 0) & (numbers.abs() < 1e15)  # bounded so they fit in int64
        if whole.sum() >= 0.9 * filled:
            return numbers.where(whole)
    # try a sample first: a text column that is not dates can make pandas parse value by value, slowly
    if _dates(column.dropna().head(200)).notna().mean() < 0.9:
        return None
    dates = _dates(column)
    return dates if dates.notna().sum() >= 0.9 * filled else None


def _dates(column: pd.Series) -> pd.Series:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "could not infer format": we only count what parses
        try:
            return pd.to_datetime(column, errors="coerce", utc=True).dt.tz_localize(None)
        except (ValueError, TypeError, OverflowError):
            return pd.Series(pd.NaT, index=column.index)


def _is_numeric(column: pd.Series) -> bool:
    """At least half of the non-empty cells read as numbers."""
    filled = int(column.notna().sum())
    return filled > 0 and pd.to_numeric(column, errors="coerce").notna().sum() >= 0.5 * filled


def _numeric_columns(table: pd.DataFrame, time_name: str | None, notes: list[str]) -> pd.DataFrame:
    """The numeric columns other than time, as floats, with unreadable cells and inf as NaN."""
    numeric = [c for c in table.columns if c != time_name and _is_numeric(table[c])]
    if not numeric:
        found = ", ".join(repr(c[:40]) for c in table.columns[:10]) + (" ..." if table.shape[1] > 10 else "")
        raise DataError(f"no numeric column found (columns: {found}); the series to forecast must be a "
                        "column of numbers written with '.' as the decimal point")
    text = [c for c in table.columns if c not in numeric and c != time_name]
    if text:
        notes.append(f"text column(s) left out: {', '.join(text[:10])}")
    values = table[numeric].apply(pd.to_numeric, errors="coerce").astype("float64")
    for column in numeric:
        infinite = int(np.isinf(values[column]).sum())
        if infinite:
            values[column] = values[column].where(np.isfinite(values[column]))
            notes.append(f"{infinite} infinite values in {column!r} treated as missing")
    return values


def _order_by_time(values: pd.DataFrame, time_name: str, times: pd.Series, notes: list[str]) -> pd.DataFrame:
    """Rows sorted by time; rows without a time dropped, rows sharing one averaged."""
    frame = values.copy()
    frame.insert(0, time_name, times)
    unreadable = int(frame[time_name].isna().sum())
    if unreadable:
        frame = frame[frame[time_name].notna()]
        notes.append(f"{unreadable} rows whose {time_name!r} could not be read were dropped")
    if frame[time_name].dtype.kind == "f":
        frame[time_name] = frame[time_name].astype("int64")
    repeated = int(frame[time_name].duplicated(keep=False).sum())
    if repeated:
        shared = frame[time_name][frame[time_name].duplicated()].nunique()
        with np.errstate(over="ignore"):  # huge values overflow to inf here; _interpolate refuses them
            frame = frame.groupby(time_name, sort=False, as_index=False).mean()
        notes.append(f"{shared} repeated {time_name!r} values: their {repeated} rows were averaged")
    return frame.sort_values(time_name, kind="stable").reset_index(drop=True)


def _usable_columns(frame: pd.DataFrame, columns: list[str], notes: list[str]) -> list[str]:
    """Columns with numbers that change and at most half missing; the others are left out, with a reason."""
    kept, problems = [], []
    for column in columns:
        series = frame[column]
        if series.notna().sum() == 0:
            problems.append(f"{column!r} has no numbers")
        elif series.isna().mean() > 0.5:
            problems.append(f"{column!r} is {series.isna().mean():.0%} missing (more than half)")
        elif series.nunique() < 2:
            problems.append(f"{column!r} is constant (always {series.dropna().iloc[0]:g}): nothing to learn")
        else:
            kept.append(column)
    if not kept:
        raise DataError("no column can be used: " + "; ".join(problems[:5]) +
                        ". A value column needs numbers that change over time, with at most half missing")
    if problems:
        notes.append("left out: " + "; ".join(problems))
    return kept


def _interpolate(frame: pd.DataFrame, time_name: str, columns: list[str], notes: list[str]) -> pd.DataFrame:
    """Fill gaps linearly in time; the edges take the nearest value."""
    frame = frame.set_index(time_name)
    for column in columns:
        missing = int(frame[column].isna().sum())
        if missing:
            frame[column] = frame[column].interpolate(method="index").ffill().bfill()
            notes.append(f"{missing} missing values in {column!r} filled by linear interpolation")
    if not np.isfinite(frame[columns].to_numpy()).all():  # interpolating between ±1e308 can overflow
        raise DataError("some values are too large to compute with: rescale the column (e.g. to thousands)")
    return frame.reset_index()
