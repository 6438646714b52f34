"""A sweep's grid: a small TOML file naming tasks, architectures, seeds and any setting with a list of values.

    seeds = 3                    # a count (seeds 0, 1, 2) or a list such as [0, 4, 7]

    [[data]]                     # one table per task with its data settings
    task = "adding"
    length = [20, 40]            # a list sweeps the setting; a single value holds it

    [[data]]
    task = "digits"
    reading = "pixels"

    [model]
    arch = ["rnn", "lstm", "gru"]
    hidden_size = [16, 32]

    [train]
    epochs = 5

Every point of the product (each data table × the model and train settings × seeds) is an ordinary RunConfig,
built, and so checked by the configuration's own validation, before anything trains. As in a comparison, a seed
sets the weights, the shuffling and the dropout; the data stay the data table's (DataConfig.seed, 0 unless set),
so the spread over seeds is the training's alone.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.presets import parse_seeds

SECTIONS = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}
TOP_KEYS = ("seeds", *SECTIONS)
MAX_POINTS = 1000  # runs a grid may hold without --yes: 300 runs (5 archs x 4 tasks x 5 seeds x 3 sizes) fit
HARD_MAX_POINTS = 20_000  # never: split a grid this large into several (its configs alone take seconds to check)
MAX_GRID_BYTES = 64 * 1024  # a grid file is a few lines; anything this large is not one
NEEDS_A_FILE = {"csv": "a CSV file", "sentiment": "a CSV file of labelled texts"}


@dataclass(frozen=True)
class Grid:
    """The runs of a grid, in grid order, and which settings it sweeps ("model.hidden_size", "train.seed")."""
    runs: tuple[RunConfig, ...]
    swept: tuple[str, ...]


class GridTooLarge(ValueError):
    """A grid above MAX_POINTS, refused unless the caller confirms (--yes)."""


def read_grid(path: Path, confirm_large: bool = False) -> Grid:
    """Read and check a grid file; a problem raises ValueError with a sentence that names it."""
    try:
        size = path.stat().st_size
    except OSError as e:
        raise ValueError(f"cannot read the grid {path}: {e.strerror}") from None
    if size > MAX_GRID_BYTES:
        raise ValueError(f"{path} is {size:,} bytes: a grid is a short TOML file (at most {MAX_GRID_BYTES:,} bytes)")
    try:
        text = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        raise ValueError(f"{path} is not a text file: a grid is a short TOML file (see `seqlab sweep --help`)") \
            from None
    return parse_grid(text, confirm_large, name=str(path))


def parse_grid(text: str, confirm_large: bool = False, name: str = "the grid") -> Grid:
    try:
        table = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ValueError(f"{name} is not valid TOML ({e}); a grid looks like: [[data]] task = \"adding\", "
                         "[model] arch = [\"lstm\", \"gru\"], seeds = 3") from None
    if not table:
        raise ValueError(f"{name} is empty: it needs at least one [[data]] table with a task, e.g. "
                         "[[data]] task = \"adding\"")
    unknown = [k for k in table if k not in TOP_KEYS]
    if unknown:
        raise ValueError(f"{name}: unknown key {_named(unknown[0], TOP_KEYS)}; a grid holds {', '.join(TOP_KEYS)}")
    blocks = _data_blocks(table.get("data"), name)
    model = _section(table.get("model", {}), "model")
    train = _section(table.get("train", {}), "train")
    seeds = _seeds(table.get("seeds"), train)
    count = sum(_product_size(b) for b in blocks) * _product_size(model) * _product_size(train) * len(seeds)
    _check_size(count, confirm_large)
    runs, seen = [], set()
    for block in blocks:
        for d, m, t, seed in itertools.product(_points(block), _points(model), _points(train), seeds):
            run = _build(d, m, {**t, "seed": seed})
            if run in seen:
                raise ValueError(f"{name} names the same run twice ({_where(d, m, t, seed)}): "
                                 "give each [[data]] table different settings")
            seen.add(run)
            runs.append(run)
    return Grid(tuple(runs), _swept(blocks, model, train, seeds))


def _data_blocks(value, name: str) -> list[dict]:
    if value is None:
        raise ValueError(f"{name} names no task: add a [[data]] table with one, e.g. [[data]] task = \"adding\"")
    blocks = [value] if isinstance(value, dict) else value
    if not isinstance(blocks, list) or not blocks or not all(isinstance(b, dict) for b in blocks):
        raise ValueError(f"{name}: data must be a table ([data]) or tables ([[data]]), one per task")
    checked = [_section(b, "data") for b in blocks]
    for block in checked:
        if "task" not in block:
            raise ValueError(f"{name}: every [[data]] table needs a task, e.g. task = \"adding\"")
        for task in block["task"]:
            if task in NEEDS_A_FILE:
                raise ValueError(f"data.task = {task!r} trains on {NEEDS_A_FILE[task]} of your own, which a sweep "
                                 "does not read: sweep a shipped or synthetic task, or use `seqlab compare --csv`")
        if "upload" in block.get("corpus", []):
            raise ValueError("data.corpus = 'upload' trains on a text file of your own, which a sweep does not "
                             "read: use python-docs or shakespeare")
    return checked


def _section(value, section: str) -> dict[str, list]:
    """A section's settings, each as a list of values (a single value becomes a one-item list)."""
    if not isinstance(value, dict):
        raise ValueError(f"{section} must be a table of settings, e.g. [{section}]")
    names = [f.name for f in dataclasses.fields(SECTIONS[section])]
    out = {}
    for key, values in value.items():
        if key not in names:
            hint = " (write the top-level seeds = N instead)" if key == "seeds" else ""
            raise ValueError(f"unknown setting {section}.{_named(key, names)}{hint}; "
                             f"{section} settings are: {', '.join(names)}")
        values = values if isinstance(values, list) else [values]
        if not values:
            raise ValueError(f"{section}.{key} lists no values: give one value or a list of several")
        for v in values:
            if isinstance(v, (list, dict)):
                raise ValueError(f"{section}.{key} must be a value or a list of values, got a nested "
                                 f"{'list' if isinstance(v, list) else 'table'}")
        repeated = [v for i, v in enumerate(values) if v in values[:i]]
        if repeated:
            raise ValueError(f"{section}.{key} repeats {repeated[0]!r}: list each value once")
        out[key] = values
    return out


def _seeds(value, train: dict[str, list]) -> list[int]:
    if value is not None and "seed" in train:
        raise ValueError("the grid sets both seeds and train.seed: keep one of them")
    if "seed" in train:
        return train.pop("seed")
    if value is None:
        return [0]
    text = ",".join(map(str, value)) + ("," if len(value) == 1 else "") if isinstance(value, list) else str(value)
    if isinstance(value, bool) or isinstance(value, list) and not all(type(v) is int for v in value):
        raise ValueError(f"seeds must be a count such as 3 or a list of whole numbers such as [0, 4, 7], "
                         f"got {value!r}")
    return list(parse_seeds(text, "seeds"))


def _product_size(section: dict[str, list]) -> int:
    return math.prod(len(v) for v in section.values())


def _check_size(count: int, confirm_large: bool) -> None:
    if count > HARD_MAX_POINTS:
        raise ValueError(f"the grid holds {count:,} runs, more than a sweep takes ({HARD_MAX_POINTS:,}): "
                         "split it into several grids")
    if count > MAX_POINTS and not confirm_large:
        raise GridTooLarge(f"the grid holds {count:,} runs, more than {MAX_POINTS:,}: add --yes to start them "
                           "anyway, or list fewer values")


def _points(section: dict[str, list]):
    """Every combination of a section's values, as keyword dicts."""
    names = list(section)
    for values in itertools.product(*section.values()):
        yield dict(zip(names, values, strict=True))


def _build(d: dict, m: dict, t: dict) -> RunConfig:
    """One point as a RunConfig; the config's own check names the field, the value and what is allowed."""
    try:
        return RunConfig(DataConfig(**d), ModelConfig(**m), TrainConfig(**t))
    except ValueError as e:
        raise ValueError(f"grid point {_where(d, m, t, t.get('seed'))}: {e}") from None


def _where(d: dict, m: dict, t: dict, seed) -> str:
    parts = [f"data.{k}={v!r}" for k, v in d.items()] + [f"model.{k}={v!r}" for k, v in m.items()]
    parts += [f"train.{k}={v!r}" for k, v in t.items() if k != "seed"] + [f"seed {seed}"]
    return ", ".join(parts)


def _swept(blocks: list[dict], model: dict, train: dict, seeds: list[int]) -> tuple[str, ...]:
    """Settings with more than one value somewhere in the grid (the task when there are several tables)."""
    swept = {}
    tasks = {t for b in blocks for t in b["task"]}
    if len(tasks) > 1:
        swept["data.task"] = None
    for block in blocks:
        swept.update({f"data.{k}": None for k, v in block.items() if len(v) > 1})
    swept.update({f"model.{k}": None for k, v in model.items() if len(v) > 1})
    swept.update({f"train.{k}": None for k, v in train.items() if len(v) > 1})
    if len(seeds) > 1:
        swept["train.seed"] = None
    return tuple(swept)


def _named(key: str, known) -> str:
    """`key`, with the nearest known name when it looks like a typo ("hiden_size (did you mean hidden_size?)")."""
    close = difflib.get_close_matches(str(key), list(known), n=1)
    return f"{key!r}" + (f" (did you mean {close[0]}?)" if close else "")
