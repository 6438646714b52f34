"""A sweep's files, written as runs finish: `history.csv` (one row per run and epoch) and `results.csv` (one per run).

Both carry each run's config key. A run is written whole once it ends, its history first, then its results row,
which is what marks it finished: a sweep stopped between the two (Ctrl-C) leaves history rows with no results
row, dropped when the sweep opens its folder again, so re-running the same command trains exactly the runs that
have no finished row. The results file is rewritten through a temporary file and a rename, so it is never half
written; a failed run has a row (status "failed" and its reason) and is tried again by the next run of the sweep.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pandas as pd

HISTORY, RESULTS = "history.csv", "results.csv"
FAILED = "failed"
SCALARS = (str, int, float, bool)


class SweepFiles:
    """The folder of one sweep: what is finished, and a writer for what finishes next."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.history_path, self.results_path = self.folder / HISTORY, self.folder / RESULTS
        self.folder.mkdir(parents=True, exist_ok=True)
        self.results = _read(self.results_path)
        if len(self.results) and "key" not in self.results:
            raise ValueError(f"{self.results_path} is not a sweep's results file (it has no key column)")
        self._history_columns = self._drop_unfinished_history()

    def finished_keys(self) -> set[str]:
        """Keys of the runs with a results row that did not fail."""
        if not len(self.results):
            return set()
        return set(self.results.loc[self.results["status"] != FAILED, "key"].astype(str))

    def add(self, history: list[dict], result: dict) -> None:
        """Write one ended run: its history (none for a failed run), then its results row, replacing an older
        row of the same key (a failure retried)."""
        if history:
            self._append_history([_plain(r) for r in history])
        row = pd.DataFrame([_plain(result)])
        kept = self.results[self.results["key"].astype(str) != result["key"]] if len(self.results) else self.results
        self.results = pd.concat([kept, row], ignore_index=True) if len(kept) else row
        _write_atomic(self.results_path, self.results.to_csv(index=False))

    def _append_history(self, rows: list[dict]) -> None:
        columns = list(dict.fromkeys(c for r in rows for c in r))
        if self._history_columns is not None and set(columns) <= set(self._history_columns):
            text = io.StringIO()
            csv.DictWriter(text, self._history_columns, lineterminator="\n").writerows(rows)
            with self.history_path.open("a", encoding="utf-8") as f:
                f.write(text.getvalue())  # one write: a run's rows land together
            return
        # a first file, or a run with columns the file lacks (another kind of task): rewrite it with them all
        old = _read(self.history_path)
        table = pd.concat([old, pd.DataFrame(rows)], ignore_index=True) if len(old) else pd.DataFrame(rows)
        _write_atomic(self.history_path, table.to_csv(index=False))
        self._history_columns = list(table.columns)

    def _drop_unfinished_history(self) -> list[str] | None:
        """Drop history rows of runs with no finished results row (a sweep stopped between the two writes, or a
        failure recorded after a partial history); the header's columns, or None when there is no file yet."""
        if not self.history_path.exists():
            return None
        history = _read(self.history_path)
        if not len(history.columns):
            return None
        if "key" not in history:
            raise ValueError(f"{self.history_path} is not a sweep's history file (it has no key column)")
        keep = history["key"].astype(str).isin(self.finished_keys())
        if not keep.all():
            _write_atomic(self.history_path, history[keep].to_csv(index=False))
        return list(history.columns)


def _read(path: Path) -> pd.DataFrame:
    if not path.exists() or path.stat().st_size == 0:
        return pd.DataFrame()
    return pd.read_csv(path, dtype={"key": str})


def _plain(row: dict) -> dict:
    """A record's scalar fields (lists such as a gradient through time are left to the results JSON)."""
    return {k: v for k, v in row.items() if v is None or isinstance(v, SCALARS)}


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
