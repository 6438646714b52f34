"""A sweep's files read back for a view (the Runs page): plain CSV text, each part checked, sizes capped.

Nothing in a file is executed or unpickled: the CSV is read as text, every column a view uses is checked to be a
number or short text, every run's config is rebuilt through RunConfig's own checks, and the file's bytes, runs and
rows are bounded before anything else is read. A problem raises ValueError with a sentence that says what is wrong.
"""

from __future__ import annotations

import io
import math

import pandas as pd

from seqlab.config import RunConfig
from seqlab.data.upload import MAX_UPLOAD_BYTES
from seqlab.models.recurrent import LABELS
from seqlab.sweep.results import HISTORY, RESULTS

MAX_SWEEP_BYTES = MAX_UPLOAD_BYTES  # what the server accepts as an upload (.streamlit/config.toml)
MAX_SWEEP_RUNS = 2000  # runs one view draws: a 300-run sweep fits several times
MAX_HISTORY_ROWS = 100_000  # epochs of those runs (2,000 runs of 50 epochs)
MAX_TEXT = 200  # characters of a text cell (a reason, a label); a config is JSON of at most MAX_CONFIG
MAX_CONFIG = 4000
RESULT_TEXT = ("key", "status", "reason", "task", "arch", "label", "headline", "level", "criterion", "baseline",
               "strongest")
RESULT_NUMBERS = ("seed", "params", "epochs", "sec_per_epoch", "seconds", "train_loss", "val_loss", "baseline_value",
                  "strongest_value")
HISTORY_COLUMNS = ("key", "epoch", "train_loss", "val_loss")
STATUSES = ("done", "diverged", "out of time", "stopped", "failed")


def _csv(data: bytes, what: str, limit_rows: int) -> pd.DataFrame:
    if len(data) > MAX_SWEEP_BYTES:
        raise ValueError(f"the {what} is larger than {MAX_SWEEP_BYTES // 2**20} MB; open a smaller sweep")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"the {what} is not UTF-8 text; pick the {RESULTS} or {HISTORY} a sweep wrote") from None
    if not text.strip():
        raise ValueError(f"the {what} is empty")
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, nrows=limit_rows + 1)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as e:
        raise ValueError(f"the {what} is not a CSV table ({str(e).splitlines()[0][:120]})") from None
    if len(frame) > limit_rows:
        raise ValueError(f"the {what} holds more than {limit_rows:,} rows; a view opens at most that many")
    if frame.empty:
        raise ValueError(f"the {what} holds no rows")
    return frame


def _numbers(frame: pd.DataFrame, columns, what: str) -> None:
    """Each of `columns` present as numbers (empty cells are missing values); text in them is refused."""
    for col in columns:
        if col not in frame:
            continue
        values = pd.to_numeric(frame[col].replace("", None), errors="coerce")
        bad = values.isna() & (frame[col] != "") & ~frame[col].str.lower().isin(["nan", "inf", "-inf"])
        if bad.any():
            row = int(bad.idxmax()) + 2  # 1-based, after the header
            raise ValueError(f"the {what} is damaged: {col!r} in line {row} is not a number")
        frame[col] = values.astype(float)


def _short_text(frame: pd.DataFrame, columns, what: str, limit: int = MAX_TEXT) -> None:
    for col in columns:
        if col in frame and (frame[col].str.len() > limit).any():
            raise ValueError(f"the {what} is damaged: a {col!r} cell is longer than {limit} characters")


def read_results(data: bytes) -> pd.DataFrame:
    """A sweep's results.csv: one row per run with its config rebuilt and checked, and each setting of the
    config as a column "section.field" (the swept ones are those that vary, see `swept_settings`)."""
    what = f"results file ({RESULTS})"
    frame = _csv(data, what, MAX_SWEEP_RUNS)
    missing = [c for c in ("key", "status", "config") if c not in frame]
    if missing:
        raise ValueError(f"this is not a sweep's {RESULTS}: it has no {', '.join(missing)} column; pick the "
                         f"{RESULTS} that `seqlab sweep` wrote")
    if not frame["key"].str.fullmatch(r"[0-9a-f]{10}").all():
        raise ValueError(f"the {what} is damaged: a key is not 10 hexadecimal characters")
    if frame["key"].duplicated().any():
        raise ValueError(f"the {what} is damaged: a run appears twice")
    unknown = sorted(set(frame["status"]) - set(STATUSES))
    if unknown:
        raise ValueError(f"the {what} is damaged: unknown status {unknown[0][:40]!r}")
    _short_text(frame, [c for c in RESULT_TEXT if c in frame], what)
    _short_text(frame, ["config"], what, MAX_CONFIG)
    _numbers(frame, [c for c in frame if c in RESULT_NUMBERS or c.startswith("test_")], what)
    settings = [_settings(i, text, what) for i, text in enumerate(frame["config"], 2)]
    flat = pd.DataFrame(settings, index=frame.index)
    out = pd.concat([frame.drop(columns=[c for c in frame if "." in c or c == "config"]), flat], axis=1)
    out["label"] = [LABELS.get(a, a) for a in out["model.arch"]]
    return out


def _settings(line: int, text: str, what: str) -> dict:
    try:
        run = RunConfig.from_json(text)
    except (ValueError, TypeError) as e:
        raise ValueError(f"the {what} is damaged: the config in line {line} is not valid: {e}") from None
    return {f"{section}.{name}": value for section, part in run.to_dict().items() for name, value in part.items()}


def read_history(data: bytes, results: pd.DataFrame) -> pd.DataFrame:
    """A sweep's history.csv: key, epoch, losses (numbers), only for runs of `results`, epochs within each run's
    configured number; with each run's label and settings joined from `results`."""
    what = f"history file ({HISTORY})"
    frame = _csv(data, what, MAX_HISTORY_ROWS)
    missing = [c for c in HISTORY_COLUMNS if c not in frame]
    if missing:
        raise ValueError(f"this is not a sweep's {HISTORY}: it has no {', '.join(missing)} column")
    frame = frame[list(HISTORY_COLUMNS)].copy()
    _numbers(frame, HISTORY_COLUMNS[1:], what)
    strangers = set(frame["key"]) - set(results["key"])
    if strangers:
        raise ValueError(f"the {what} holds runs that its results file does not ({len(strangers)}); open the "
                         f"{HISTORY} of the same sweep")
    epochs = frame["key"].map(results.set_index("key")["train.epochs"])
    bad = frame["epoch"].isna() | (frame["epoch"] < 0) | (frame["epoch"] > epochs) | (frame["epoch"] % 1 != 0)
    if bad.any():
        raise ValueError(f"the {what} is damaged: line {int(bad.idxmax()) + 2} has an epoch outside its run's "
                         "0 to the configured epochs")
    if frame.duplicated(["key", "epoch"]).any():
        raise ValueError(f"the {what} is damaged: a run's epoch appears twice")
    frame["epoch"] = frame["epoch"].astype(int)
    joined = results.set_index("key")[list(dict.fromkeys(["label", "status", "train.seed",
                                                           *swept_settings(results)]))]
    return frame.join(joined, on="key")


def swept_settings(results: pd.DataFrame) -> list[str]:
    """The settings ("section.field") that differ between the file's runs, the seed last."""
    varied = [c for c in results if "." in c and results[c].astype(str).nunique() > 1]
    return sorted(varied, key=lambda c: c == "train.seed")


def point_table(results: pd.DataFrame) -> pd.DataFrame:
    """One row per grid point (every setting but the seed): its swept settings, runs, solved in k of n, and the
    mean and sd of the test headline metric and of the final validation loss, as numbers (so it sorts)."""
    points = [c for c in swept_settings(results) if c != "train.seed"] or ["model.arch"]
    ended = results[results["status"] != "failed"]
    rows = []
    for values, group in results.groupby(points, sort=False, dropna=False):
        ok = ended.loc[ended.index.intersection(group.index)]
        headline = next((h for h in ok.get("headline", []) if isinstance(h, str) and h), "")
        scores = pd.to_numeric(ok[headline], errors="coerce") if headline in ok else pd.Series(dtype=float)
        row = dict(zip(points, values if isinstance(values, tuple) else (values,), strict=True))
        row.update({"runs": len(ok), "failed": len(group) - len(ok),
                    "solved": int((ok.get("level", pd.Series(dtype=str)) == "solved").sum()),
                    "metric": headline.removeprefix("test_"), "mean": scores.mean(), "sd": _sd(scores),
                    "val_loss": ok["val_loss"].mean() if "val_loss" in ok else math.nan,
                    "val_loss_sd": _sd(ok["val_loss"]) if "val_loss" in ok else math.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def _sd(values: pd.Series) -> float:
    values = pd.to_numeric(values, errors="coerce").dropna()
    return float(values.std(ddof=1)) if len(values) > 1 else math.nan

