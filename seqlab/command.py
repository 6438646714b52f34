"""The one writer of a run's command line: the `python -m seqlab compare` command that trains a run (or a whole
comparison) again to the same numbers. The CLI's parser is built from the same table (`OPTIONS`), so what is written
here always parses there; the run log and the app write commands through this module, not through the CLI."""

from __future__ import annotations

import dataclasses
import shlex

from seqlab.config import ARCHS, TASKS, DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.presets import seeds_text

# Every config field and its option: the parser is built from this table and `command_for` writes it back, so a
# run from the app can always be repeated here. (section, field, option, help); `arch` is --archs, below.
OPTIONS = (
    ("data", "task", "--task", f"one of: {', '.join(TASKS)}"),
    ("data", "length", "--length", "window or sequence length T"),
    ("data", "horizon", "--horizon", "steps ahead (forecasting)"),
    ("data", "n_samples", "--samples", "sequences or points to generate"),
    ("data", "max_rows", "--max-rows", "real series: most recent rows kept"),
    ("data", "column", "--column", "column of a real series or CSV"),
    ("data", "reading", "--reading", "digits: rows or pixels"),
    ("data", "corpus", "--corpus", "text task: python-docs, shakespeare or upload (with --text)"),
    ("data", "tokens", "--tokens", "sentiment task: char or word"),
    ("data", "text_column", "--text-column", "sentiment task: the column of texts"),
    ("data", "label_column", "--label-column", "sentiment task: the column of labels"),
    ("data", "ticker", "--ticker", "stock task: ticker symbol"),
    ("data", "start", "--start", "stock task: first date YYYY-MM-DD"),
    ("data", "end", "--end", "stock task: last date YYYY-MM-DD"),
    ("data", "val_fraction", "--val-fraction", "share of the data kept for validation"),
    ("data", "test_fraction", "--test-fraction", "share of the data kept for the final test"),
    ("data", "noise", "--noise", "sine task: standard deviation of the noise"),
    ("data", "longer_test", "--longer-test", "translation tasks: test only on inputs longer than any in training"),
    ("data", "target", "--target", "series: what the network predicts: auto, level, change (from the last value) "
                                   "or window-scaled (each window by its own mean and spread)"),
    ("data", "log", "--log", "series: log-transform first: auto, on or off"),
    ("data", "seed", "--data-seed", "seed of the data generator (default: --seed, or the first of --seeds)"),
    ("model", "hidden_size", "--hidden", "hidden units per layer"),
    ("model", "num_layers", "--layers", "stacked recurrent layers"),
    ("model", "dropout", "--dropout", "dropout between stacked layers"),
    ("model", "bidirectional", "--bidirectional", "classification tasks only"),
    ("model", "forget_bias", "--forget-bias", "LSTM forget-gate bias at init (e.g. 1.0)"),
    ("model", "embedding_dim", "--embedding", "size of the token embedding (text and copy tasks)"),
    ("model", "kernel_size", "--kernel", "TCN: taps of each causal convolution"),
    ("model", "levels", "--levels", "TCN: residual blocks, the dilation doubling per block"),
    ("model", "heads", "--heads", "Transformer: attention heads (must divide --hidden, its d_model)"),
    ("train", "epochs", "--epochs", "passes over the training data"),
    ("train", "batch_size", "--batch", "sequences per gradient step"),
    ("train", "lr", "--lr", "learning rate"),
    ("train", "optimizer", "--optimizer", "adam or sgd"),
    ("train", "clip", "--clip", "gradient-norm clip; 0 turns it off"),
    ("train", "seed", "--seed", "seed of data, weights and shuffling"),
    ("train", "max_seconds", "--max-seconds", "wall-time budget per architecture"),
    ("train", "record_gradients", "--record-gradients", "record, per epoch, the gradient back through time on a "
                                                        "probe batch and per-layer norms"),
)
SECTIONS = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}
UPLOAD_OPTION = {"csv": "--csv", "sentiment": "--csv", "pairs": "--csv"}  # and --text for the text task's own file


def command_for(run: RunConfig, upload: str = "YOUR-FILE") -> str:
    """The `python -m seqlab compare` command that trains exactly this run again (options left at their
    defaults are left out). A run that needed an uploaded file names it `upload`."""
    return comparison_command([run], upload)


def comparison_command(runs: list[RunConfig], upload: str = "YOUR-FILE") -> str:
    """The command that trains a whole comparison again, every architecture and seed (`--archs`, `--seeds`).
    Runs that differ in more than architecture and seed (equal budgets size each architecture on its own) get
    one command per setting, a line each."""
    groups: dict[RunConfig, tuple[RunConfig, dict, dict, dict]] = {}  # setting -> (first run, archs, seeds, attention)
    for run in runs:
        setting = run.replace(model=dataclasses.replace(run.model, arch=ARCHS[0], attention=False),
                              train=dataclasses.replace(run.train, seed=0))
        _, archs, seeds, attention = groups.setdefault(setting, (run, {}, {}, {}))
        archs[run.model.arch], seeds[run.train.seed] = None, None  # dicts: ordered, each once
        attention[run.model.attention] = None
    return "\n".join(_command(first, list(archs), list(seeds), upload, list(attention))
                     for first, archs, seeds, attention in groups.values())


def _command(run: RunConfig, archs: list[str], seeds: list[int], upload: str, attention=(False,)) -> str:
    parts = ["python -m seqlab compare", "--archs", ",".join(archs)]
    if any(attention):
        parts += ["--attention", ",".join("on" if a else "off" for a in attention)]
    for section, name, option, _ in OPTIONS:
        value, default = getattr(getattr(run, section), name), getattr(SECTIONS[section](), name)
        if (section, name) == ("train", "seed"):
            value = seeds[0]
            if len(seeds) > 1:
                parts += ["--seeds", seeds_text(seeds)]
                continue
        if section == "data" and name == "seed" and value == seeds[0]:
            continue  # --seed (or the first of --seeds) sets it
        if value == default and name != "task":
            continue
        parts += [option] if isinstance(value, bool) else [option, shlex.quote(str(value))]
    if run.data.task in UPLOAD_OPTION:
        parts += [UPLOAD_OPTION[run.data.task], shlex.quote(upload)]
    elif run.data.task == "text" and run.data.corpus == "upload":
        parts += ["--text", shlex.quote(upload)]
    return " ".join(parts)
