"""The command line: the app's comparisons, headless, with a table and CSV/JSON out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from seqlab.config import ARCHS, TASKS, DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.presets import comparison_runs

TABLE_COLUMNS = ["label", "params", "epochs", "sec_per_epoch", "train_loss", "val_loss", "status"]


class UsageError(Exception):
    """A mistake in the arguments, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # argparse prints usage plus the error; one line is kinder in scripts
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="seqlab", description="Train RNN, LSTM and GRU models side by side on a sequence task.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("tasks", help="list the data sets")
    c = sub.add_parser("compare", help="train several architectures on one task and print a results table",
                       description="Example: python -m seqlab compare --task adding --length 50 "
                                   "--archs rnn,lstm,gru --epochs 30 --seed 0")
    d, m, t = DataConfig(), ModelConfig(), TrainConfig()
    c.add_argument("--task", default=d.task, help=f"one of: {', '.join(TASKS)}")
    c.add_argument("--length", type=int, default=d.length, help="window or sequence length T")
    c.add_argument("--horizon", type=int, default=d.horizon, help="steps ahead (forecasting)")
    c.add_argument("--samples", type=int, default=d.n_samples, help="sequences or points to generate")
    c.add_argument("--max-rows", type=int, default=d.max_rows, help="real series: most recent rows kept")
    c.add_argument("--column", default=d.column, help="column of a real series or CSV")
    c.add_argument("--reading", default=d.reading, help="digits: rows or pixels")
    c.add_argument("--ticker", default=d.ticker, help="stock task: ticker symbol")
    c.add_argument("--start", default=d.start, help="stock task: first date YYYY-MM-DD")
    c.add_argument("--end", default=d.end, help="stock task: last date YYYY-MM-DD")
    c.add_argument("--csv", type=Path, help="csv and sentiment tasks: path of the CSV file")
    c.add_argument("--corpus", default=d.corpus, help="text task: python-docs, shakespeare or upload (with --text)")
    c.add_argument("--text", type=Path, help="text task with --corpus upload: path of a UTF-8 .txt file")
    c.add_argument("--tokens", default=d.tokens, help="sentiment task: char or word")
    c.add_argument("--text-column", default=d.text_column, help="sentiment task: the column of texts")
    c.add_argument("--label-column", default=d.label_column, help="sentiment task: the column of labels")
    c.add_argument("--archs", default=",".join(ARCHS), help="comma-separated: rnn,lstm,gru")
    c.add_argument("--hidden", type=int, default=m.hidden_size, help="hidden units per layer")
    c.add_argument("--layers", type=int, default=m.num_layers, help="stacked recurrent layers")
    c.add_argument("--dropout", type=float, default=m.dropout)
    c.add_argument("--bidirectional", action="store_true", help="classification tasks only")
    c.add_argument("--forget-bias", type=float, default=None, help="LSTM forget-gate bias at init (e.g. 1.0)")
    c.add_argument("--equal-budget", action="store_true", help="give every architecture about the same "
                                                               "number of parameters")
    c.add_argument("--epochs", type=int, default=t.epochs)
    c.add_argument("--batch", type=int, default=t.batch_size)
    c.add_argument("--lr", type=float, default=t.lr)
    c.add_argument("--optimizer", default=t.optimizer, help="adam or sgd")
    c.add_argument("--clip", type=float, default=t.clip, help="gradient-norm clip; 0 turns it off")
    c.add_argument("--seed", type=int, default=t.seed, help="seed of data, weights and shuffling")
    c.add_argument("--max-seconds", type=float, default=t.max_seconds, help="wall-time budget per architecture")
    c.add_argument("--record-gradients", action="store_true", help="record, per epoch, the gradient back through "
                                                                   "time on a probe batch and per-layer norms")
    c.add_argument("--history-csv", type=Path, help="write the per-epoch history here")
    c.add_argument("--results-json", type=Path, help="write results, configs and history here")
    c.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    return p


def run_configs(a: argparse.Namespace) -> list[RunConfig]:
    """The RunConfig of each architecture asked for; bad values raise ValueError naming the field."""
    archs = [s.strip().lower() for s in a.archs.split(",") if s.strip()]
    if not archs or any(arch not in ARCHS for arch in archs):
        raise ValueError(f"--archs must list some of {', '.join(ARCHS)}, got {a.archs!r}")
    data = DataConfig(task=a.task, length=a.length, horizon=a.horizon, n_samples=a.samples, max_rows=a.max_rows,
                      column=a.column, reading=a.reading, ticker=a.ticker, start=a.start, end=a.end, seed=a.seed,
                      corpus=a.corpus, tokens=a.tokens, text_column=a.text_column, label_column=a.label_column)
    train = TrainConfig(epochs=a.epochs, batch_size=a.batch, lr=a.lr, optimizer=a.optimizer, clip=a.clip,
                        seed=a.seed, max_seconds=a.max_seconds, record_gradients=a.record_gradients)
    model = ModelConfig(arch=archs[0], hidden_size=a.hidden, num_layers=a.layers, dropout=a.dropout,
                        bidirectional=a.bidirectional, forget_bias=a.forget_bias)
    return comparison_runs(RunConfig(data=data, model=model, train=train), archs)


def _read_upload(a: argparse.Namespace) -> bytes | None:
    """The bytes of the user's file the task needs: --csv for csv and sentiment, --text for a text upload."""
    if a.task in ("csv", "sentiment"):
        option, path = "--csv", a.csv
    elif a.task == "text" and a.corpus == "upload":
        option, path = "--text", a.text
    else:
        return None
    if path is None:
        raise ValueError(f"--task {a.task} needs {option} PATH")
    try:
        return path.read_bytes()
    except OSError as e:
        raise ValueError(f"cannot read {path}: {e.strerror}") from None


def compare(a: argparse.Namespace) -> int:
    import pandas as pd

    from seqlab.data import make_task
    from seqlab.evaluate import results_table
    from seqlab.export import history_csv, results_json
    from seqlab.models import equalise
    from seqlab.train import train_interleaved

    runs = run_configs(a)
    task = make_task(runs[0].data, _read_upload(a))
    for warning in task.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in task.notes:
        print(f"note: {note}", file=sys.stderr)
    if a.equal_budget:
        runs = equalise(runs, task)
    session = train_interleaved(runs, task)
    try:
        for rec in session:
            if not a.quiet:
                print(f"{rec['label']:>6} epoch {rec['epoch']:>3}  train {rec['train_loss']:.4g}  "
                      f"val {rec['val_loss']:.4g}  {rec['seconds']:.2f}s  {rec['reason']}", file=sys.stderr)
    except KeyboardInterrupt:
        session.stop("stopped with Ctrl-C")
        print("stopped: results so far follow", file=sys.stderr)
    table = results_table(session.runs, task)
    metric_cols = [c for c in table.columns if c not in TABLE_COLUMNS + ["kind", "arch", "hidden_size"]]
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(f"{task.title}: {len(task.x_train)} training sequences; baseline: {table.attrs['baseline']}")
        print(table[[c for c in TABLE_COLUMNS + metric_cols if c in table]].to_string(index=False,
                                                                                    float_format="%.4g"))
    if a.history_csv:
        a.history_csv.write_text(history_csv(session.history))
    if a.results_json:
        a.results_json.write_text(results_json(session.runs, task, table))
    return 0


def list_tasks() -> int:
    from seqlab.data import REGISTRY

    for name, info in REGISTRY.items():
        print(f"{name:<9} {info.kind:<15} {info.title}: {info.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        a = _parser().parse_args(argv)
        return list_tasks() if a.command == "tasks" else compare(a)
    except (UsageError, ValueError) as e:  # DataError is a ValueError too
        print(f"seqlab: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"seqlab: error: {e}", file=sys.stderr)
        return 1
