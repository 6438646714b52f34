"""Frozen run configuration: data, model and training settings, their bounds, and JSON round trips."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
import re
import types
import typing
from dataclasses import dataclass, field

ARCHS = ("rnn", "lstm", "gru", "tcn", "transformer")
RECURRENT_ARCHS = ("rnn", "lstm", "gru")  # the ones with a hidden state carried step to step (and gates)
DEFAULT_ARCHS = RECURRENT_ARCHS  # what a comparison trains unless told: the recurrent three, as before
TASKS = (
    "sine", "adding", "copy", "text", "digits",  # synthetic and built-in
    "chorales",  # Bach's chorale melodies, next note (shipped: seqlab/data/files/chorales.json.gz)
    "seattle", "co2", "airline", "sunspots", "msft",  # real series shipped with the package
    "stock", "csv", "sentiment",  # a ticker through yfinance, a user's CSV file, a CSV of labelled texts
    "dates", "pairs",  # translation: dates written out in 7 languages (CLDR via Babel) -> ISO; a CSV of pairs
)
TRANSLATION_TASKS = ("dates", "pairs")
MUSIC_TASKS = ("chorales",)  # next-token tasks whose tokens are notes (seqlab.analysis.music)
CORPORA = ("python-docs", "shakespeare", "upload")
FORECAST_TARGETS = ("auto", "level", "change", "window-scaled")  # see seqlab.data.transforms
MAX_FOLDS = 20  # a rolling-origin backtest's folds across the test part (seqlab.analysis.backtest)
LOG_CHOICES = ("auto", "on", "off")
LEGACY_TRANSFORMS = {"target": "level", "log": "off"}  # what a config saved before the transforms existed trained
TICKER_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.^=\-]{0,14}$")
MAX_NAME_CHARS = 200  # a column name in a config (and so in an uploaded file's header)


def _range(lo, hi, default, doc=""):
    """A field whose value must lie in [lo, hi]."""
    return field(default=default, metadata={"range": (lo, hi), "doc": doc})


def _choice(options, default, doc=""):
    """A field whose value must be one of `options`."""
    return field(default=default, metadata={"choices": tuple(options), "doc": doc})


def bounds(cls, name: str) -> tuple:
    """(lo, hi) of a numeric field, for widgets and error messages."""
    return cls.__dataclass_fields__[name].metadata["range"]


def choices(cls, name: str) -> tuple:
    """The allowed values of a choice field."""
    return cls.__dataclass_fields__[name].metadata["choices"]


class _Checked:
    """Mixin: type coercion and bounds checks in __post_init__, with errors that name the field."""

    def __post_init__(self):
        hints = typing.get_type_hints(type(self))
        for f in dataclasses.fields(self):
            value = _coerce(type(self).__name__, f.name, getattr(self, f.name), hints[f.name])
            object.__setattr__(self, f.name, value)
            where = f"{type(self).__name__}.{f.name}"
            if "range" in f.metadata and value is not None:
                lo, hi = f.metadata["range"]
                if not lo <= value <= hi:
                    raise ValueError(f"{where} must be between {lo} and {hi}, got {_short(value)}")
            if "choices" in f.metadata and value not in f.metadata["choices"]:
                allowed = ", ".join(map(str, f.metadata["choices"]))
                raise ValueError(f"{where} must be one of {allowed}; got {_short(value)}")
        self._check()

    def _check(self):
        """Checks that involve several fields; subclasses override."""


def _short(value) -> str:
    """A value as shown in an error message: its repr, cut to a readable length."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _coerce(owner: str, name: str, value, hint):
    """Return `value` as the type `hint` asks for, or raise ValueError naming the field."""
    where = f"{owner}.{name}"
    optional = isinstance(hint, types.UnionType) and type(None) in hint.__args__
    if optional:
        if value is None:
            return None
        hint = next(a for a in hint.__args__ if a is not type(None))
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"{where} must be true or false, got {_short(value)}")
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, (int, float)) \
                or isinstance(value, float) and not (math.isfinite(value) and value.is_integer()):
            raise ValueError(f"{where} must be a whole number, got {_short(value)}")
        return int(value)
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value:
            raise ValueError(f"{where} must be a number, got {_short(value)}")
        try:
            return float(value)
        except OverflowError:  # an int past 1e308: infinite as a float, so the range check refuses it
            return math.inf if value > 0 else -math.inf
    if hint is str and not isinstance(value, str):
        raise ValueError(f"{where} must be text, got {_short(value)}")
    return value


@dataclass(frozen=True)
class DataConfig(_Checked):
    task: str = _choice(TASKS, "sine", "which data set (see seqlab.data.TASKS)")
    length: int = _range(2, 1000, 50, "window length for series; sequence length T for synthetic tasks")
    horizon: int = _range(1, 50, 1, "steps ahead the model predicts (forecasting)")
    n_samples: int = _range(64, 50_000, 2000, "sequences (adding, copy) or points (sine) to generate")
    max_rows: int = _range(50, 200_000, 20_000, "real series: keep at most this many most recent rows")
    column: str = ""  # which column of a real series or CSV; "" picks the data set's default
    reading: str = _choice(("rows", "pixels"), "rows", "digits: 8 steps of 8 pixels, or 64 steps of 1")
    corpus: str = _choice(CORPORA, "python-docs", "text: Python's docs, Tiny Shakespeare (download) or a .txt upload")
    tokens: str = _choice(("char", "word"), "char", "sentiment: read the texts character by character or word by word")
    text_column: str = ""  # sentiment: the column holding the texts; "" picks the longest text column
    label_column: str = ""  # sentiment: the column holding the classes; "" picks a likely one
    ticker: str = "MSFT"  # stock task: a Yahoo Finance symbol
    start: str = "2010-01-01"  # stock task: first date, YYYY-MM-DD
    end: str = ""  # stock task: last date, YYYY-MM-DD; "" means today
    val_fraction: float = _range(0.05, 0.4, 0.15, "share of the data kept for validation")
    test_fraction: float = _range(0.05, 0.4, 0.15, "share of the data kept for the final test")
    noise: float = _range(0.0, 2.0, 0.1, "sine: standard deviation of the added noise")
    target: str = _choice(FORECAST_TARGETS, "auto", "series: what the network predicts (level, change from the "
                                                     "last value, window scaled by its own level); auto decides "
                                                     "on the training part")
    log: str = _choice(LOG_CHOICES, "auto", "series: log-transform first; auto for positive series that grow")
    seed: int = _range(0, 2**31 - 1, 0, "seed of the data generator")
    longer_test: bool = False  # translation: test only on inputs longer than any in training (length generalisation)

    def _check(self):
        if not self.ticker.strip():
            raise ValueError("DataConfig.ticker is empty: enter a ticker symbol such as MSFT, BRK-B or ^GSPC")
        if not TICKER_PATTERN.fullmatch(self.ticker):
            raise ValueError(
                "DataConfig.ticker must be 1 to 15 letters, digits or . ^ = - (like MSFT, BRK-B, ^GSPC); "
                f"got {self.ticker!r}"
            )
        for name in ("start", "end"):
            text = getattr(self, name)
            if text or name == "start":
                try:
                    dt.date.fromisoformat(text)
                except ValueError:
                    raise ValueError(f"DataConfig.{name} must be a date as YYYY-MM-DD, got {text!r}") from None
        if self.end and self.end <= self.start:
            raise ValueError(f"DataConfig.end ({self.end}) must come after DataConfig.start ({self.start}): "
                             "choose a last date later than the first")
        for name in ("column", "text_column", "label_column"):
            if len(getattr(self, name)) > MAX_NAME_CHARS:
                raise ValueError(f"DataConfig.{name} must be at most {MAX_NAME_CHARS} characters")


@dataclass(frozen=True)
class ModelConfig(_Checked):
    arch: str = _choice(ARCHS, "lstm", "vanilla tanh RNN, LSTM, GRU, temporal convolutional network or Transformer")
    hidden_size: int = _range(1, 512, 64, "units per recurrent layer; TCN channels; Transformer d_model")
    num_layers: int = _range(1, 4, 1, "stacked recurrent or Transformer layers (a TCN has `levels`)")
    dropout: float = _range(0.0, 0.9, 0.0, "dropout between stacked layers; inside each TCN or Transformer block")
    bidirectional: bool = False  # read the sequence both ways; classification tasks only, recurrent cells only
    forget_bias: float | None = _range(-5.0, 5.0, None, "LSTM forget-gate bias at init; None keeps PyTorch's")
    embedding_dim: int = _range(2, 256, 32, "size of the token embedding (text and copy tasks; not Transformer)")
    attention: bool = False  # translation: the decoder looks back at every encoder state (Luong dot-product)
    kernel_size: int = _range(2, 8, 3, "TCN: taps of each causal convolution")
    levels: int = _range(1, 10, 4, "TCN: residual blocks, the dilation doubling with each (1, 2, 4, ...)")
    heads: int = _range(1, 8, 2, "Transformer: attention heads; must divide hidden_size (d_model)")

    def _check(self):
        if self.arch == "transformer" and self.hidden_size % self.heads:
            fits = [h for h in range(1, bounds(ModelConfig, "heads")[1] + 1) if self.hidden_size % h == 0]
            raise ValueError(f"ModelConfig.heads ({self.heads}) must divide hidden_size ({self.hidden_size}), the "
                             f"Transformer's d_model: try heads {', '.join(map(str, fits))}, or a hidden size that "
                             f"is a multiple of {self.heads}")
        if self.bidirectional and self.arch not in RECURRENT_ARCHS:
            raise ValueError(f"ModelConfig.bidirectional is for recurrent cells only (rnn, lstm, gru), not "
                             f"{self.arch}")

    @property
    def receptive_field(self) -> int | None:
        """Input steps one output can see: a TCN's 1 + 2 (k - 1)(2^levels - 1) (two convolutions per block, the
        dilation doubling per block; Bai et al. 2018); None for architectures that see the whole past."""
        if self.arch != "tcn":
            return None
        return 1 + 2 * (self.kernel_size - 1) * (2 ** self.levels - 1)


def steps_needed(data: DataConfig) -> tuple[int, str] | None:
    """(how many past steps one output must see to do the task at all, why), or None when fewer still work
    (forecasting and next-character windows: a shorter view is a weaker model, not a blind one)."""
    if data.task == "adding":
        return data.length, f"the adding problem's two marked steps can lie {data.length} steps apart"
    if data.task == "copy":
        return data.length + 11, (f"copy memory recalls each symbol {data.length + 10} steps after it was shown "
                                  f"(T={data.length} blanks + 10)")
    if data.task == "digits":
        steps = 64 if data.reading == "pixels" else 8
        return steps, f"a digit read by {data.reading} is {steps} steps long and is named at the end"
    if data.task == "sentiment":
        return data.length, f"a text of up to {data.length} tokens is classified at its end"
    return None


def levels_for(steps: int, kernel_size: int) -> int | None:
    """The fewest TCN levels whose receptive field covers `steps`, or None beyond the bound on levels."""
    for levels in range(1, bounds(ModelConfig, "levels")[1] + 1):
        if 1 + 2 * (kernel_size - 1) * (2 ** levels - 1) >= steps:
            return levels
    return None


def receptive_field_notice(model: ModelConfig, data: DataConfig) -> str | None:
    """A sentence naming the setting and what would fit when a TCN cannot see as far back as the task needs, else
    None. A warning, not a refusal: such a TCN trains, and fails for a reason Gradient flow shows (its gradient is
    exactly zero beyond the field), which is worth seeing once."""
    need = steps_needed(data)
    field_ = model.receptive_field
    if field_ is None or need is None or field_ >= need[0]:
        return None
    steps, why = need
    levels = levels_for(steps, model.kernel_size)
    fix = (f"use {levels} levels (sees {1 + 2 * (model.kernel_size - 1) * (2 ** levels - 1)} steps)"
           if levels is not None else "use a larger kernel_size and more levels, or a shorter sequence")
    return (f"ModelConfig.levels: a TCN with kernel {model.kernel_size} and {model.levels} levels sees the last "
            f"{field_} steps, but {why}: it cannot solve the task; {fix}")


# Fields added after runs were first logged, with the value that does what runs did before them: left out of
# RunConfig.key at that value, so a run logged before keeps its key (a forecast then predicted the level, unlogged)
LATER_FIELDS = {
    "model": {"kernel_size": ModelConfig.kernel_size, "levels": ModelConfig.levels, "heads": ModelConfig.heads,
              "attention": False},
    "data": {"longer_test": False, "target": "level", "log": "off"},
}


@dataclass(frozen=True)
class TrainConfig(_Checked):
    epochs: int = _range(1, 500, 20, "passes over the training data")
    batch_size: int = _range(1, 1024, 64, "sequences per gradient step")
    lr: float = _range(1e-5, 10.0, 1e-2, "learning rate")
    optimizer: str = _choice(("adam", "sgd"), "adam", "Adam or plain SGD")
    clip: float = _range(0.0, 100.0, 1.0, "clip the global gradient norm to this; 0 turns clipping off")
    seed: int = _range(0, 2**31 - 1, 0, "seed of weights, shuffling and dropout")
    max_seconds: float = _range(1.0, 3600.0, 300.0, "wall-time budget of one architecture's training")
    record_gradients: bool = False  # per epoch: gradient through time on a probe batch, gradient norm per layer


@dataclass(frozen=True)
class RunConfig:
    data: DataConfig = field(default_factory=DataConfig)
    model: ModelConfig = field(default_factory=ModelConfig)
    train: TrainConfig = field(default_factory=TrainConfig)

    def __post_init__(self):
        for name, cls in (("data", DataConfig), ("model", ModelConfig), ("train", TrainConfig)):
            if not isinstance(getattr(self, name), cls):
                raise ValueError(f"RunConfig.{name} must be a {cls.__name__}")
        if self.model.attention and self.data.task not in TRANSLATION_TASKS:
            raise ValueError(f"ModelConfig.attention is for the translation tasks ({', '.join(TRANSLATION_TASKS)}), "
                             f"not {self.data.task!r}")
        if self.train.record_gradients and self.data.task in TRANSLATION_TASKS:
            raise ValueError("TrainConfig.record_gradients: the gradient through time is recorded for the one-stack "
                             "models only, not the translation models' encoder and decoder; turn it off")

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> RunConfig:
        """Build from a dict such as `to_dict()` gives; unknown or mistyped keys raise ValueError."""
        if not isinstance(d, dict):
            raise ValueError(f"a run configuration must be a JSON object, got {type(d).__name__}")
        parts = {"data": DataConfig, "model": ModelConfig, "train": TrainConfig}
        unknown = set(d) - set(parts)
        if unknown:
            raise ValueError(f"unknown section(s) in run configuration: {', '.join(sorted(map(str, unknown)))}")
        built = {}
        for name, part in parts.items():
            sub = d.get(name, {})
            if not isinstance(sub, dict):
                raise ValueError(f"RunConfig.{name} must be a JSON object")
            names = {f.name for f in dataclasses.fields(part)}
            extra = set(sub) - names
            if extra:
                raise ValueError(f"unknown field(s) in {part.__name__}: {', '.join(sorted(map(str, extra)))}")
            if name == "data" and sub and not set(LEGACY_TRANSFORMS) & set(sub):
                sub = {**LEGACY_TRANSFORMS, **sub}  # saved before the transforms: it trained on the level
            built[name] = part(**sub)
        return cls(**built)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> RunConfig:
        try:
            d = json.loads(text)
        except json.JSONDecodeError as e:
            raise ValueError(f"not valid JSON: {e}") from None
        return cls.from_dict(d)

    def key(self) -> str:
        """A stable 10-character label: the same settings always give the same key. Settings added later (the TCN's
        and Transformer's, attention, the longer test, the forecasting transforms) are left out while they do what
        runs did before them, so runs logged before those existed keep their keys."""
        d = self.to_dict()
        for part, before in LATER_FIELDS.items():
            for name, value in before.items():
                if name in d[part] and d[part][name] == value:
                    del d[part][name]
        return hashlib.sha256(json.dumps(d, sort_keys=True).encode()).hexdigest()[:10]

    def replace(self, **parts) -> RunConfig:
        """A copy with some of `data`, `model`, `train` swapped, e.g. `run.replace(model=m)`."""
        return dataclasses.replace(self, **parts)
