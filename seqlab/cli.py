"""The command line: the app's comparisons, headless, with a table and CSV/JSON out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from seqlab import resources
from seqlab.command import OPTIONS, SECTIONS, UPLOAD_OPTION, command_for, comparison_command  # noqa: F401
from seqlab.config import (
    ARCHS,
    DEFAULT_ARCHS,
    MAX_FOLDS,
    DataConfig,
    ModelConfig,
    RunConfig,
    TrainConfig,
    receptive_field_notice,
)
from seqlab.presets import MAX_SEEDS, comparison_runs, parse_seeds
from seqlab.sweep import command as sweep_command

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
    p = _Parser(prog="seqlab", description="Train RNN, LSTM, GRU, TCN and Transformer models side by side on a "
                                           "sequence task.")
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
    c.add_argument("--archs", default=",".join(DEFAULT_ARCHS), help=f"comma-separated, of {','.join(ARCHS)} "
                                                                   f"(default {','.join(DEFAULT_ARCHS)})")
    c.add_argument("--attention", default="off", help="translation tasks: on, off, or on,off to train each "
                                                      "architecture with and without attention")
    c.add_argument("--seeds", default=None, help=f"train every architecture with several seeds, in parallel: a "
                                                 f"count N (1 to {MAX_SEEDS}: seeds 0..N-1) or a list such as "
                                                 "3,7,11; replaces --seed")
    c.add_argument("--workers", type=int, default=None, help="runs trained at once, each in its own thread "
                                                             "(default: the CPUs this process may use)")
    c.add_argument("--equal-budget", action="store_true", help="give every architecture about the same "
                                                               "number of parameters")
    c.add_argument("--csv", type=Path, help="csv, sentiment and pairs tasks: path of the CSV file")
    c.add_argument("--text", type=Path, help="text task with --corpus upload: path of a UTF-8 .txt file")
    c.add_argument("--threads", type=int, default=THREADS, help=f"torch threads per worker (default {THREADS}, "
                                                                 "as the app)")
    c.add_argument("--memory-mb", type=float, default=None, help="memory a training may use, checked before it "
                                                                  "starts (default: the container's or machine's)")
    c.add_argument("--backtest", type=int, default=0, metavar="FOLDS",
                   help="forecasting: also score models and baselines over FOLDS consecutive folds of forecast "
                        "origins across the test part (2 to 20), with the spread; with --horizon above 1, the error "
                        "at each step ahead for the direct head, the recursive forecast and the baselines")
    c.add_argument("--history-csv", type=Path, help="write the per-epoch history here")
    c.add_argument("--results-json", type=Path, help="write results, configs and history here")
    c.add_argument("--melodies", type=Path, metavar="DIR",
                   help="--task chorales: write each architecture's melody (MIDI and WAV) and weights into DIR")
    c.add_argument("--quiet", action="store_true", help="no per-epoch progress on stderr")
    sweep_command.add_arguments(sub.add_parser("sweep", help="train a grid of runs (TOML), locally or on Ray"))
    t = sub.add_parser("table1", help="a small-scale Table 1 of Bai et al. (2018): four tasks, every architecture, "
                                      "several seeds, the paper's figures beside ours",
                       description="Example: python -m seqlab table1 --seeds 3 --csv table1.csv")
    t.add_argument("--seeds", default="3", help=f"a count N (seeds 0..N-1, up to {MAX_SEEDS}) or a list such as 3,7")
    t.add_argument("--archs", default=",".join(ARCHS), help=f"comma-separated, of {','.join(ARCHS)}")
    t.add_argument("--scale", action="store_true", help="closer to the paper's sizes (T=600 adding, T=1000 copy): "
                                                        "hours, for a bigger machine")
    t.add_argument("--workers", type=int, default=None, help="runs trained at once (default: the usable CPUs)")
    t.add_argument("--csv", type=Path, help="write the table here")
    t.add_argument("--json", type=Path, help="write every result (with each seed's value) here")
    t.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


def run_configs(a: argparse.Namespace) -> list[RunConfig]:
    """The RunConfig of each architecture asked for; bad values raise ValueError naming the field."""
    archs = parse_archs(a.archs, "--archs")
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
    runs = []
    for attention in parse_attention(a.attention):
        template = RunConfig(data=DataConfig(**fields["data"]),
                             model=ModelConfig(arch=archs[0], attention=attention, **fields["model"]),
                             train=TrainConfig(**fields["train"]))
        runs += comparison_runs(template, archs, seeds)
    return runs


ATTENTION_WORDS = {"on": True, "off": False}


def parse_attention(text: str) -> list[bool]:
    """--attention: "on", "off" or both ("on,off"), in the order given."""
    words = [w.strip().lower() for w in str(text).split(",") if w.strip()]
    if not words or any(w not in ATTENTION_WORDS for w in words) or len(set(words)) < len(words):
        raise ValueError(f"--attention must be on, off or on,off; got {text[:40]!r}")
    return [ATTENTION_WORDS[w] for w in words]


def parse_archs(text: str, name: str) -> list[str]:
    """Architectures from a comma list ("rnn,tcn"), each once, or ValueError naming the unknown ones."""
    archs = list(dict.fromkeys(s.strip().lower() for s in text.split(",") if s.strip()))
    unknown = [arch for arch in archs if arch not in ARCHS]
    if not archs or unknown:
        what = f"does not know {', '.join(map(repr, unknown))}" if unknown else "names none"
        raise ValueError(f"{name} {what}: list some of {', '.join(ARCHS)}, separated by commas")
    return archs


def _read_upload(a: argparse.Namespace) -> bytes | None:
    """The bytes of the user's file the task needs: --csv for csv and sentiment, --text for a text upload."""
    if a.task in UPLOAD_OPTION:
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

    from seqlab.analysis import recorders
    from seqlab.analysis.evaluate import results_table
    from seqlab.analysis.music import is_music
    from seqlab.analysis.report import verdict
    from seqlab.data import make_task
    from seqlab.export import history_csv, results_json
    from seqlab.models.recurrent import equalise
    from seqlab.training.parallel import Parallel

    runs = run_configs(a)
    if a.backtest and not 2 <= a.backtest <= MAX_FOLDS:
        raise ValueError(f"--backtest must be between 2 and {MAX_FOLDS} folds (0 leaves it out), got {a.backtest}")
    task = make_task(runs[0].data, _read_upload(a))
    if a.backtest and (task.kind != "regression" or task.series is None):
        raise ValueError(f"--backtest is for forecasting a series; --task {a.task} is not one")
    if a.melodies and not is_music(task):
        raise ValueError(f"--melodies is for a music task (--task chorales); --task {a.task} is not one")
    for warning in task.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for note in task.notes:
        print(f"note: {note}", file=sys.stderr)
    if a.equal_budget:
        runs = equalise(runs, task)
    for notice in dict.fromkeys(filter(None, (receptive_field_notice(r.model, r.data) for r in runs))):
        print(f"warning: {notice} (--levels, --kernel)", file=sys.stderr)
    session = Parallel(runs, task, workers=a.workers, threads=a.threads, callbacks=recorders())
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
    if a.backtest:
        print_backtest(session.runs, task, table, a.backtest)
    if a.history_csv:
        a.history_csv.write_text(history_csv(session.history))
    if a.results_json:
        a.results_json.write_text(results_json(session.runs, task, table))
    if is_music(task):
        print_melodies(session.runs, task, a.melodies)
    return 0


def print_melodies(runs, task, folder: Path | None) -> None:
    """Each architecture's (first seed's) in-key share untrained and trained, and the melody it wrote last from the
    first test chorale's opening; with `folder`, that melody as MIDI and WAV, and the weights."""
    from seqlab import audio, midi
    from seqlab.analysis import music
    from seqlab.data.notes import names
    from seqlab.export import state_dict_bytes, vocab_json

    firsts = {r.label: r for r in reversed(runs) if r.history}
    print("\nMelodies after the first bar of the first test chorale (in the key: C major / A minor; untrained -> "
          "trained):")
    if folder:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(vocab_json(task.vocab, "note"))
    for label, run in reversed(firsts.items()):
        shares = [r[music.IN_KEY] for r in run.history if music.IN_KEY in r]
        melody = [r[music.MELODY] for r in run.history if r.get(music.MELODY)]
        if not shares or not melody:
            print(f"  {label}: no melody (the run never had a finite loss)")
            continue
        opening, written = music.split_melody(melody[-1])
        print(f"  {label}: in the key {shares[0]:.0%} -> {shares[-1]:.0%}; {names(opening)} | {names(written)}")
        if folder:
            stem = folder / run.run.model.arch
            stem.with_suffix(".mid").write_bytes(midi.midi_bytes([*opening, *written], title=f"seqlab {label}"))
            stem.with_suffix(".wav").write_bytes(audio.wav_bytes([*opening, *written]))
            stem.with_suffix(".pt").write_bytes(state_dict_bytes(run.model))
    if folder:
        print(f"wrote each melody (.mid, .wav), the weights (.pt) and vocab.json to {folder}")


def print_backtest(runs, task, table: pd.DataFrame, n_folds: int) -> None:
    """The rolling-origin backtest of each architecture's median seed and every baseline, and with a horizon above
    1 the error at each step ahead (seqlab.analysis.backtest)."""
    import pandas as pd

    from seqlab.analysis import backtest
    from seqlab.analysis.evaluate import median_runs

    shown = median_runs(runs, table)
    per_fold = backtest.folds(backtest.window_errors(shown, task), n_folds)
    with pd.option_context("display.width", 200, "display.max_columns", 30):
        print(f"\nRolling-origin backtest: test MSE over {n_folds} consecutive folds of forecast origins "
              "(models trained once, baselines fitted once):")
        print(backtest.summary(per_fold).to_string(index=False, float_format="%.4g"))
        if task.output_size > 1:
            errors = backtest.horizon_errors(shown, task)
            errors["series"] = errors["label"] + errors["method"].map({"direct": " direct", "recursive": " recursive",
                                                                        "baseline": ""})
            print("\nTest MSE at each step ahead (direct head, recursive forecast, baselines):")
            print(errors.pivot(index="horizon", columns="series", values="mse").to_string(float_format="%.4g"))


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


def table1(a: argparse.Namespace) -> int:
    import json

    import pandas as pd

    from seqlab.analysis.table1 import PAPER_SOURCE, run_table, table_frame, verdicts

    archs, seeds = parse_archs(a.archs, "--archs"), parse_seeds(a.seeds, "--seeds")
    if a.workers is not None and not 1 <= a.workers <= 64:
        raise ValueError(f"--workers must be between 1 and 64, got {a.workers}")
    import torch

    torch.set_num_threads(THREADS)

    def progress(what: str, done: int, total: int) -> None:
        if not a.quiet:
            print(f"[{done}/{total}] {what}", file=sys.stderr)

    results = run_table(archs, seeds, scale=a.scale, workers=a.workers, progress=progress)
    frame = table_frame(results)
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_colwidth", 60):
        print(f"Mini Table 1 ({len(seeds)} seed{'s' if len(seeds) > 1 else ''}; paper: {PAPER_SOURCE})")
        print(frame.drop(columns=["paper setting", "our setting"]).to_string(index=False))
    for (task, setting), paper in frame.groupby(["task", "our setting"], sort=False)["paper setting"].first().items():
        print(f"{task}: ours {setting}; paper {paper}")
    print("\n".join(verdicts(results)))
    if a.csv:
        frame.to_csv(a.csv, index=False)
    if a.json:
        a.json.write_text(json.dumps({"results": results, "verdicts": verdicts(results), "seeds": list(seeds),
                                      "scale": a.scale}, indent=1, default=float))
    return 0


def list_tasks() -> int:
    from seqlab.data import REGISTRY

    for name, info in REGISTRY.items():
        print(f"{name:<9} {info.kind:<15} {info.title}: {info.description}")
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        a = _parser().parse_args(argv)
        commands = {"tasks": lambda: list_tasks(), "compare": lambda: compare(a), "table1": lambda: table1(a),
                    "sweep": lambda: sweep_command.run(a)}
        return commands[a.command]()
    except (UsageError, ValueError) as e:  # DataError is a ValueError too
        print(f"seqlab: error: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"seqlab: error: {e}", file=sys.stderr)
        return 1
