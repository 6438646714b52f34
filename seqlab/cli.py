"""The command line: the app's comparisons, headless, with a table and CSV/JSON out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seqlab import resources
from seqlab.command import OPTIONS, SECTIONS, command_for, comparison_command  # noqa: F401 (the CLI offers them too)
from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.presets import MAX_SEEDS, comparison_runs, parse_seeds

if TYPE_CHECKING:
    import pandas as pd

TABLE_COLUMNS = ["label", "seed", "params", "epochs", "sec_per_epoch", "train_loss", "val_loss", "status"]
CLI_SHARE = 0.8  # of the memory, for the trainings that run at once (see `cli_budget`)
THREADS = 1  # as the app trains (SEQLAB_TORCH_THREADS), so a run repeated here gives the same numbers


def _dest(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


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
    for section, name, option, text in OPTIONS:
        default = getattr(SECTIONS[section](), name)
        if isinstance(default, bool):
            c.add_argument(option, action="store_true", help=text)
        elif (section, name) in (("model", "forget_bias"), ("data", "seed")):
            c.add_argument(option, type=float if name == "forget_bias" else int, default=None, help=text)
        else:
            c.add_argument(option, type=type(default), default=default, help=text)
    c.add_argument("--archs", default=",".join(ARCHS), help="comma-separated: rnn,lstm,gru")
    c.add_argument("--seeds", default=None, help=f"train every architecture with several seeds, in parallel: a "
                                                 f"count N (1 to {MAX_SEEDS}: seeds 0..N-1) or a list such as "
                                                 "3,7,11; replaces --seed")
    c.add_argument("--workers", type=int, default=None, help="runs trained at once, each in its own thread "
                                                             "(default: the CPUs this process may use)")
    c.add_argument("--equal-budget", action="store_true", help="give every architecture about the same "
                                                               "number of parameters")
    c.add_argument("--csv", type=Path, help="csv and sentiment tasks: path of the CSV file")
    c.add_argument("--text", type=Path, help="text task with --corpus upload: path of a UTF-8 .txt file")
    c.add_argument("--threads", type=int, default=THREADS, help=f"torch threads per worker (default {THREADS}, "
                                                                 "as the app)")
    c.add_argument("--memory-mb", type=float, default=None, help="memory a training may use, checked before it "
                                                                  "starts (default: the container's or machine's)")
    c.add_argument("--history-csv", type=Path, help="write the per-epoch history here")
    c.add_argument("--results-json", type=Path, help="write results, configs and history here")
    c.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    return p


def run_configs(a: argparse.Namespace) -> list[RunConfig]:
    """The RunConfig of each architecture asked for; bad values raise ValueError naming the field."""
    archs = [s.strip().lower() for s in a.archs.split(",") if s.strip()]
    if not archs or any(arch not in ARCHS for arch in archs):
        raise ValueError(f"--archs must list some of {', '.join(ARCHS)}, got {a.archs!r}")
    fields = {section: {} for section in SECTIONS}
    for section, name, option, _ in OPTIONS:
        fields[section][name] = getattr(a, _dest(option))
    seeds = parse_seeds(a.seeds, "--seeds") if a.seeds is not None else (a.seed,)
    fields["train"]["seed"] = seeds[0]
    if fields["data"]["seed"] is None:
        fields["data"]["seed"] = seeds[0]
    if not 1 <= a.threads <= 64:
        raise ValueError(f"--threads must be between 1 and 64, got {a.threads}")
    if a.workers is not None and not 1 <= a.workers <= 64:
        raise ValueError(f"--workers must be between 1 and 64, got {a.workers}")
    template = RunConfig(data=DataConfig(**fields["data"]), model=ModelConfig(arch=archs[0], **fields["model"]),
                         train=TrainConfig(**fields["train"]))
    return comparison_runs(template, archs, seeds)


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


def cli_budget(a: argparse.Namespace, run: RunConfig, at_once: int = 1) -> resources.Budget:
    """What a run may take here: CLI_SHARE of --memory-mb, else of the container's or the machine's memory,
    shared by the `at_once` runs that train side by side."""
    memory, where = (a.memory_mb * resources.MB, "--memory-mb") if a.memory_mb else resources.process_memory()
    if not memory > 0:
        raise ValueError(f"--memory-mb must be a positive number, got {a.memory_mb}")
    return resources.Budget(training_bytes=int(memory * CLI_SHARE / at_once), data_bytes=int(memory * CLI_SHARE),
                            comparison_bytes=int(memory * CLI_SHARE),
                            seconds=run.train.max_seconds,
                            where=f"this machine ({resources.size_text(memory)}, {where})")


def compare(a: argparse.Namespace) -> int:
    import pandas as pd

    from seqlab.analysis.diagnostics import GradientRecording
    from seqlab.analysis.evaluate import results_table
    from seqlab.analysis.report import verdict
    from seqlab.data import make_task
    from seqlab.export import history_csv, results_json
    from seqlab.models.recurrent import equalise
    from seqlab.training.parallel import Parallel

    runs = run_configs(a)
    task = make_task(runs[0].data, _read_upload(a))
    for warning in task.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in task.notes:
        print(f"note: {note}", file=sys.stderr)
    if a.equal_budget:
        runs = equalise(runs, task)
    session = Parallel(runs, task, workers=a.workers, threads=a.threads, callbacks=[GradientRecording()])
    at_once = min(session.workers, len(runs))
    refusals = resources.check_training(runs, resources.Shape.of(task), cli_budget(a, runs[0], at_once))
    if refusals:
        raise ValueError("too big to train here: " + " ".join(dict.fromkeys(refusals)) +
                         " (--memory-mb and --max-seconds raise the limits)")
    try:
        for rec in session:
            if not a.quiet:
                print(f"{rec['run_name']:>6} epoch {rec['epoch']:>3}  train {rec['train_loss']:.4g}  "
                      f"val {rec['val_loss']:.4g}  {rec['seconds']:.2f}s  {rec['reason']}", file=sys.stderr)
    except KeyboardInterrupt:
        session.stop("stopped with Ctrl-C")
        print("stopped: results so far follow", file=sys.stderr)
    table = results_table(session.runs, task)
    several = len({r.seed for r in session.runs}) > 1
    metric_cols = [c for c in table.columns if c not in TABLE_COLUMNS + ["kind", "arch", "hidden_size", "name"]]
    shown = [c for c in TABLE_COLUMNS + metric_cols if c in table and (several or c != "seed")]
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(f"{task.title}: {len(task.x_train)} training sequences; baseline: {table.attrs['baseline']}")
        print(table[shown].to_string(index=False, float_format="%.4g"))
        if several:
            print(f"\nAcross seeds (mean ± sd over n seeds; beats: runs that beat {table.attrs['baseline']}):")
            print(across_seeds(table).to_string(index=False))
    print(verdict(table))  # each model's level (counted over seeds), and the bars it was held to
    if a.history_csv:
        a.history_csv.write_text(history_csv(session.history))
    if a.results_json:
        a.results_json.write_text(results_json(session.runs, task, table))
    return 0


def across_seeds(table: pd.DataFrame) -> pd.DataFrame:
    """`seqlab.analysis.evaluate.seed_summary` as text: one row per architecture, n seeds, mean ± sd of each metric,
    and in how many seeds it solved the task and beat the reference baseline ("2 of 3")."""
    import pandas as pd

    from seqlab.analysis.evaluate import seed_summary
    from seqlab.analysis.metrics import LOWER_IS_BETTER

    summary = seed_summary(table)
    out = summary[["label", "seeds", "solved", "beats baseline"]].copy()
    for name in (m for m in LOWER_IS_BETTER if m in summary):
        out[name] = [f"{mean:.4g} ± {sd:.2g}" if pd.notna(sd) else f"{mean:.4g}"
                     for mean, sd in zip(summary[name], summary[f"{name} sd"], strict=True)]
    return out


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
