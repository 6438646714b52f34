"""What a run leaves behind: the history as CSV, results and configs as JSON, weights and vocabulary."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import torch

from seqlab import __version__
from seqlab.config import RunConfig, TrainConfig, bounds
from seqlab.data.task import Task

RESULTS_FORMAT = "seqlab-results/1"
MAX_RESULTS_BYTES = 20 * 2**20  # a results file this large is not one seqlab wrote for a few runs
# Runs in one results file. A Lab comparison trains at most 3 and the Runs page keeps 30 unless the server says
# otherwise; every run imported costs a line on the overlay and a row in the table, so a file is refused well before
# it can crowd a shared server (2,000 runs sharing a label once took 5.5 GB).
MAX_FILE_RUNS = 100
# Epoch records in one file's history: each run records epoch 0 (untrained) to its config's epochs, no epoch twice, so
# no file within MAX_FILE_RUNS needs more than this.
MAX_FILE_EPOCHS = MAX_FILE_RUNS * (bounds(TrainConfig, "epochs")[1] + 1)
MAX_FILE_BASELINES = 10  # rows of the results table that are not runs: seqlab writes 1 to 4 baselines


def history_csv(history: list[dict]) -> str:
    """The per-epoch records as a CSV table, one row per architecture and epoch. Its `status` is the run's own, as
    it ended ("done", "stopped", "diverged", ...), on every row: a record made mid-run says "running", which a table
    read after the run would take for a run still going."""
    table = pd.DataFrame(history)
    if {"run_name", "status"} <= set(table.columns):
        table["status"] = table.groupby("run_name", sort=False)["status"].transform("last")
    return table.to_csv(index=False)


def json_value(value):
    """JSON has no NaN or inf: write them as null. numpy scalars become Python numbers; lists are cleaned
    item by item (a record's `grad_through_time` curve)."""
    if isinstance(value, (list, tuple)):
        return [json_value(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def results_document(task: dict, baseline: str | None, headline: str | None, runs: list[dict], results: list[dict],
                     history: list[dict], summary: list[dict] | None = None) -> dict:
    """The results JSON's content, in the one format every writer and `read_results_json` share. `summary`: one
    row per architecture over its seeds (mean, sd, n, levels counted), written when there are several seeds; a
    reader recomputes it from `results`, so it is for people and other tools, never read back."""
    document = {
        "format": RESULTS_FORMAT, "seqlab_version": __version__, "task": task, "baseline": baseline,
        "headline_metric": headline, "runs": runs,
        "results": [{k: json_value(v) for k, v in row.items()} for row in results],
        "history": [{k: json_value(v) for k, v in rec.items()} for rec in history],
    }
    if summary:
        document["summary_over_seeds"] = [{k: json_value(v) for k, v in row.items()} for row in summary]
    return document


def results_dict(runs, task: Task, table: pd.DataFrame) -> dict:
    """Everything needed to read a run again or reproduce it: configs, task, history, final results."""
    return results_document(
        task={"name": task.name, "title": task.title, "kind": task.kind, "sizes": task.sizes(),
              "notes": list(task.notes), "warnings": list(task.warnings), "source": task.source},
        baseline=table.attrs.get("baseline"), headline=table.attrs.get("headline"),
        runs=[{"label": r.label, "key": r.key, "status": r.status, "reason": r.reason, "config": r.run.to_dict()}
              for r in runs],
        results=table.to_dict("records"), history=[rec for r in runs for rec in r.history],
        summary=_summary(table))


def _summary(table: pd.DataFrame) -> list[dict] | None:
    """Per architecture over its seeds, when some architecture has several (seqlab.analysis.evaluate.seed_summary)."""
    from seqlab.analysis.evaluate import seed_summary

    models = table[table["kind"] == "model"] if "kind" in table else table.iloc[:0]
    if models.empty or not models["label"].duplicated().any():
        return None
    return seed_summary(table).to_dict("records")


def results_json(runs, task: Task, table: pd.DataFrame) -> str:
    return json.dumps(results_dict(runs, task, table), indent=2)


def read_results_json(data: bytes | str) -> dict:
    """A results JSON written by `results_json`, checked part by part; ValueError saying what is wrong.

    Plain JSON only: nothing in the file is executed or unpickled, and each run's config is rebuilt through
    RunConfig's own checks. Its size is bounded in runs, epochs and rows (MAX_FILE_*), each epoch of the history
    belongs to exactly one run (`run_histories`) and lies within that run's configured epochs, so what a file costs
    once read is proportional to the file, whatever it holds.
    """
    payload = _parse(data)
    _check_counts(payload)
    configs = [_run_config(i, run) for i, run in enumerate(payload["runs"], 1)]
    for record in payload["history"]:
        _check_record(record)
    for i, (run, config, history) in enumerate(zip(payload["runs"], configs, run_histories(payload), strict=True), 1):
        _check_epochs(f"run {i} ({run['label']})", config, history)
    for row in payload["results"]:
        if not _short_text(row.get("label")) or any(
                not (_number_or_null(v) or isinstance(v, str) and len(v) <= MAX_LABEL) for v in row.values()):
            raise ValueError("the results file is damaged: its results table holds values that are not numbers or "
                             "short text")
    return payload


def _parse(data: bytes | str) -> dict:
    """The file as JSON with the parts every results file has; ValueError for anything else."""
    if len(data) > MAX_RESULTS_BYTES:
        raise ValueError(f"the file is larger than {MAX_RESULTS_BYTES // 2**20} MB; a seqlab results file is "
                         "far smaller")
    try:
        payload = json.loads(data)
    except UnicodeDecodeError:
        raise ValueError("this is not valid JSON: the file is not UTF-8 text; pick a results file that seqlab "
                         "wrote") from None
    except RecursionError:
        raise ValueError("this is not valid JSON for seqlab: it is nested too deeply; pick a results file that "
                         "seqlab wrote") from None
    except json.JSONDecodeError as e:
        raise ValueError(f"this is not valid JSON ({e}); pick a results file that seqlab wrote") from None
    if not isinstance(payload, dict) or payload.get("format") != RESULTS_FORMAT:
        raise ValueError(f'this JSON is not a seqlab results file (it has no "format": "{RESULTS_FORMAT}"); '
                         "download one from the Lab, the Runs page or `python -m seqlab compare --results-json`")
    parts = {"task": dict, "runs": list, "results": list, "history": list}
    for name, kind in parts.items():
        if not isinstance(payload.get(name), kind) or (kind is list and
                                                       not all(isinstance(x, dict) for x in payload[name])):
            raise ValueError(f'the results file is damaged: its "{name}" part is missing or not a '
                             f"{'JSON object' if kind is dict else 'list of JSON objects'}")
    return payload


def _check_counts(payload: dict) -> None:
    """Refuse a file with more runs, epochs or result rows than seqlab writes, before looking at any of them."""
    runs, epochs, rows = len(payload["runs"]), len(payload["history"]), len(payload["results"])
    if not runs:
        raise ValueError("the results file holds no runs")
    if runs > MAX_FILE_RUNS:
        raise ValueError(f"the results file holds {runs:,} runs; seqlab opens at most {MAX_FILE_RUNS} from one file. "
                         "Export fewer runs at a time from the Runs page")
    if epochs > MAX_FILE_EPOCHS:
        raise ValueError(f"the results file's history holds {epochs:,} epochs; {runs} run{'s' * (runs > 1)} of at "
                         f"most {bounds(TrainConfig, 'epochs')[1]} epochs each record far fewer")
    if rows > runs + MAX_FILE_BASELINES:
        raise ValueError(f"the results file's results table holds {rows:,} rows for {runs} run{'s' * (runs > 1)}; "
                         f"seqlab writes one per run and at most {MAX_FILE_BASELINES} baselines")


def _run_config(i: int, run: dict) -> RunConfig:
    if not _short_text(run.get("label")) or not _short_text(run.get("status")):
        raise ValueError(f"the results file is damaged: run {i} has no label or status (short text)")
    try:
        return RunConfig.from_dict(run.get("config"))
    except (ValueError, TypeError) as e:
        raise ValueError(f"the results file is damaged: the config of run {i} ({run['label']}) is not valid: "
                         f"{e}") from None


def _check_record(record: dict) -> None:
    if not all(isinstance(v, (str, int, float, type(None))) or isinstance(v, list) and all(map(_number_or_null, v))
               for v in record.values()):
        raise ValueError("the results file is damaged: its history holds values that are not numbers or text")
    epoch = record.get("epoch")
    if not _short_text(record.get("label")) or isinstance(epoch, bool) or not isinstance(epoch, int) \
            or epoch < 0 or any(not _number_or_null(record.get(k)) for k in LOSS_KEYS):
        raise ValueError("the results file is damaged: each epoch of its history needs a label, a whole epoch "
                         "number and losses that are numbers")


def _check_epochs(name: str, config: RunConfig, history: list[dict]) -> None:
    """Each epoch of a run's history once, from 0 (untrained) to the epochs its config trains: nothing beyond can
    be drawn, tabled or reproduced (TrainConfig refuses it)."""
    seen = set()
    for record in history:
        epoch = record["epoch"]
        if epoch > config.train.epochs:
            shown = f"{epoch:,}" if epoch < 10**9 else f"{epoch:.3g}"
            top = config.train.epochs
            raise ValueError(f"the results file is damaged: {name} has an epoch {shown} in its history, beyond the "
                             f"{top} epoch{'s' * (top > 1)} its config trains")
        if epoch in seen:
            raise ValueError(f"the results file is damaged: {name} has epoch {epoch} twice in its history")
        seen.add(epoch)


def run_histories(payload: dict) -> list[list[dict]]:
    """Each run's own epochs, in the order of `payload["runs"]`.

    A record belongs to the run with its label and run key (training writes the config's key as the record's `run`,
    the file lists it as the run's `key`); in a file without keys, to the one run with its label. A history handed
    to every run that shares a label would multiply the file by its runs, so a record that fits no run, or two,
    is refused (ValueError).
    """
    by_key: dict[tuple, list[int]] = {}
    by_label: dict[str, list[int]] = {}
    for i, run in enumerate(payload["runs"]):
        by_key.setdefault((run["label"], _text_or_none(run.get("key"))), []).append(i)
        by_label.setdefault(run["label"], []).append(i)
    histories: list[list[dict]] = [[] for _ in payload["runs"]]
    for record in payload["history"]:
        label = record["label"]
        found = by_key.get((label, _text_or_none(record.get("run")))) or by_label.get(label)
        if not found:
            raise ValueError(f"the results file is damaged: its history has epochs of {label}, and none of its runs "
                             "has that label")
        if len(found) > 1:
            raise ValueError(f"the results file is damaged: runs {found[0] + 1} and {found[1] + 1} are both {label} "
                             "and its history does not say which of them each epoch belongs to")
        histories[found[0]].append(record)
    return histories


LOSS_KEYS = ("train_loss", "val_loss")
MAX_LABEL = 100  # characters of a label or a status: seqlab writes "LSTM", "training mean", "out of time"


def _short_text(value) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_LABEL


def _text_or_none(value) -> str | None:
    return value if isinstance(value, str) else None


def _number_or_null(value) -> bool:
    return value is None or isinstance(value, bool) or isinstance(value, (int, float))


VOCAB_FORMAT = "seqlab-vocab/1"


def state_dict_bytes(model) -> bytes:
    """A trained model's weights (its state dict) as the bytes of a `torch.save` file, for a download."""
    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


def load_state_dict_bytes(data: bytes) -> dict:
    """The state dict inside `state_dict_bytes` output; weights only, so a file cannot run code."""
    return torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)


def vocab_json(symbols, tokens: str = "char", classes=None) -> str:
    """A vocabulary (id i is `symbols[i]`) and, for classifiers, the class names, as JSON."""
    payload = {"format": VOCAB_FORMAT, "tokens": tokens, "symbols": list(symbols)}
    if classes is not None:
        payload["classes"] = list(classes)
    return json.dumps(payload, ensure_ascii=False, indent=1)


def vocab_from_json(text: str) -> tuple[str, ...]:
    """The symbols of a `vocab_json` file, in id order; ValueError for anything else."""
    payload = json.loads(text)
    if not isinstance(payload, dict) or payload.get("format") != VOCAB_FORMAT:
        raise ValueError(f"not a seqlab vocabulary (expected format {VOCAB_FORMAT!r})")
    symbols = payload.get("symbols")
    if not isinstance(symbols, list) or not all(isinstance(s, str) for s in symbols):
        raise ValueError("a seqlab vocabulary lists its symbols as strings")
    return tuple(symbols)
