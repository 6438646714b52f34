"""What a run leaves behind: the history as CSV, results and configs as JSON, weights and vocabulary."""

from __future__ import annotations

import io
import json
import math

import pandas as pd
import torch

from seqlab import __version__
from seqlab.data.task import Task

RESULTS_FORMAT = "seqlab-results/1"


def history_csv(history: list[dict]) -> str:
    """The per-epoch records as a CSV table, one row per architecture and epoch."""
    return pd.DataFrame(history).to_csv(index=False)


def _clean(value):
    """JSON has no NaN or inf: write them as null. numpy scalars become Python numbers; lists are cleaned
    item by item (a record's `grad_through_time` curve)."""
    if isinstance(value, (list, tuple)):
        return [_clean(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def results_dict(runs, task: Task, table: pd.DataFrame) -> dict:
    """Everything needed to read a run again or reproduce it: configs, task, history, final results."""
    return {
        "format": RESULTS_FORMAT,
        "seqlab_version": __version__,
        "task": {"name": task.name, "title": task.title, "kind": task.kind, "sizes": task.sizes(),
                 "notes": list(task.notes), "warnings": list(task.warnings),
                 "source": task.source},
        "baseline": table.attrs.get("baseline"),
        "headline_metric": table.attrs.get("headline"),
        "runs": [{"label": r.label, "key": r.key, "status": r.status, "reason": r.reason,
                  "config": r.run.to_dict()} for r in runs],
        "results": [{k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")],
        "history": [{k: _clean(v) for k, v in rec.items()} for r in runs for rec in r.history],
    }


def results_json(runs, task: Task, table: pd.DataFrame) -> str:
    return json.dumps(results_dict(runs, task, table), indent=2)


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
