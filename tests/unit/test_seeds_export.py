"""A comparison over seeds taken home: one row per run and seed plus the aggregate, read back, and one command
that trains the whole comparison again."""

import json
import shlex

import pandas as pd

from seqlab.analysis.report import summarise
from seqlab.cli import _parser, comparison_command, run_configs
from seqlab.export import read_results_json
from seqlab.presets import comparison_runs
from seqlab.training import runlog
from seqlab.training.parallel import Parallel
from tests.helpers import tiny_run


def test_a_multi_seed_report_exports_every_run_and_the_aggregate_and_reads_back(sine_task):
    runs = comparison_runs(tiny_run(epochs=1), ("rnn", "gru"), seeds=(0, 5))
    training = Parallel(runs, sine_task, workers=2)
    list(training)
    report = summarise(training.runs, sine_task)
    document = json.loads(report.results_json)
    models = [r for r in document["results"] if r["kind"] == "model"]
    assert sorted((r["label"], r["seed"]) for r in models) == [("GRU", 0), ("GRU", 5), ("RNN", 0), ("RNN", 5)]
    summary = {row["label"]: row for row in document["summary_over_seeds"]}
    assert summary["GRU"]["seeds"] == 2 and summary["GRU"]["mse"] == sum(
        r["mse"] for r in models if r["label"] == "GRU") / 2
    assert len(read_results_json(report.results_json)["runs"]) == 4
    history = pd.read_csv(pd.io.common.StringIO(report.history_csv))
    assert set(zip(history["label"], history["seed"], strict=True)) == {("RNN", 0), ("RNN", 5), ("GRU", 0),
                                                                        ("GRU", 5)}
    saved = runlog.from_training(training.runs, sine_task, report.table, "Lab")
    command = comparison_command([s.reproducible() for s in saved])
    assert "--seeds 0,5" in command and "\n" not in command
    args = _parser().parse_args(shlex.split(command)[3:])
    assert run_configs(args) == runs  # the one command trains exactly these runs again
