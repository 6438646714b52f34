"""What a run leaves behind: the history as CSV, the results and configs as JSON."""

from __future__ import annotations

import json
import math

import pandas as pd

from seqlab import __version__
from seqlab.data.task import Task

RESULTS_FORMAT = "seqlab-results/1"


def history_csv(history: list[dict]) -> str:
    """The per-epoch records as a CSV table, one row per architecture and epoch."""
    return pd.DataFrame(history).to_csv(index=False)


def _clean(value):
    """JSON has no NaN or inf: write them as null. numpy scalars become Python numbers."""
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
                 "notes": list(task.notes), "source": task.source},
        "baseline": table.attrs.get("baseline"),
        "headline_metric": table.attrs.get("headline"),
        "runs": [{"label": r.label, "key": r.key, "status": r.status, "reason": r.reason,
                  "config": r.run.to_dict()} for r in runs],
        "results": [{k: _clean(v) for k, v in row.items()} for row in table.to_dict("records")],
        "history": [{k: _clean(v) for k, v in rec.items()} for r in runs for rec in r.history],
    }


def results_json(runs, task: Task, table: pd.DataFrame) -> str:
    return json.dumps(results_dict(runs, task, table), indent=2)
