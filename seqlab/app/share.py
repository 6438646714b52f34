"""Shareable links: each training page's widgets mirrored in the URL query string, checked by the config bounds."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from seqlab.app.datasets import SERIES_TASKS, literal
from seqlab.app.settings import FORGET_BIAS, seeds_from
from seqlab.app.translation import PAIRS
from seqlab.app.writing import CHARACTERS
from seqlab.config import ARCHS, TICKER_PATTERN, DataConfig, ModelConfig, RunConfig, TrainConfig, bounds, choices
from seqlab.data import COLUMNED, SAMPLED
from seqlab.presets import MAX_SEEDS

FIRST_DAY = dt.date(1970, 1, 1)  # the date pickers' min_value


@dataclass(frozen=True)
class Param:
    """One widget's query parameter: `parse` turns the text into the widget's value or raises ValueError with
    the reason; `shown(values)` says whether the widget exists for the other current values."""

    parse: Callable[[str], object]
    format: Callable[[object], str] = str
    shown: Callable[[dict], bool] = lambda values: True
    limits: tuple | None = None  # (lo, hi) of a numeric parameter, from the config field it sets
    state: str = ""  # the session key (after "<page>_") a link's value goes to, when not the parameter's name


def _number(kind, lo, hi) -> Callable[[str], object]:
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise ValueError(f"not a{'n integer' if kind is int else ' number'}") from None
        if kind is float and not math.isfinite(value):  # an int of any length is finite (and math.isfinite
            # cannot even take one past 1e308)
            raise ValueError("not a finite number")
        if not lo <= value <= hi:
            raise ValueError(f"must be between {bound_text(lo)} and {bound_text(hi)}")
        return value
    return parse


def bound_text(value) -> str:
    """A bound as a person reads it: whole numbers whole ("2147483647", not "2.14748e+09"), others short."""
    return str(value) if isinstance(value, int) else f"{value:g}"


def integer(cls, name: str) -> Param:
    """A whole number within the config field's bounds."""
    return Param(_number(int, *bounds(cls, name)), limits=bounds(cls, name))


def real(cls, name: str) -> Param:
    """A finite number within the config field's bounds."""
    return Param(_number(float, *bounds(cls, name)), format=lambda v: f"{v:g}", limits=bounds(cls, name))


def one_of(options, shown=lambda values: True) -> Param:
    """One of `options`, matched by its text (numbers too)."""
    by_text = {str(o): o for o in options}

    def parse(text: str):
        if text not in by_text:
            raise ValueError(f"must be one of {', '.join(by_text)}")
        return by_text[text]
    return Param(parse, shown=shown)


def _flag(text: str) -> bool:
    if text.lower() not in ("true", "false"):
        raise ValueError("must be true or false")
    return text.lower() == "true"


def _archs(text: str) -> list[str]:
    picked = [a for a in text.split(",") if a]
    unknown = [a for a in picked if a not in ARCHS]
    if unknown:  # named back only when it is a plain word: a link's text is never echoed as markdown
        named = [a for a in unknown if re.fullmatch(r"[A-Za-z0-9_-]{1,20}", a)][:3]
        raise ValueError(f"names an unknown architecture{' (' + ', '.join(named) + ')' if named else ''}: must be "
                         f"a comma list of {', '.join(ARCHS)}")
    return [a for a in ARCHS if a in picked]


def _column(text: str) -> str:
    if not text.strip() or len(text) > 200:
        raise ValueError("not a column name")
    return text


def _ticker(text: str) -> str:
    if not TICKER_PATTERN.match(text):
        raise ValueError("not a ticker symbol")
    return text.upper()


def _date(text: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError("not a date like 2010-01-31") from None
    if not FIRST_DAY <= day <= dt.date.today():
        raise ValueError(f"must be between {FIRST_DAY} and today")
    return day


FLAG = Param(_flag, format=lambda v: str(bool(v)).lower())
ARCH_LIST = Param(_archs, format=lambda v: ",".join(v))


def _task_is(*tasks) -> Callable[[dict], bool]:
    return lambda values: values.get("task") in tasks


MODEL = {
    "archs": ARCH_LIST,
    "hidden": integer(ModelConfig, "hidden_size"),
    "layers": integer(ModelConfig, "num_layers"),
    "dropout": real(ModelConfig, "dropout"),
    "kernel": integer(ModelConfig, "kernel_size"),
    "levels": integer(ModelConfig, "levels"),
    "heads": one_of((1, 2, 4, 8)),
    "forget": FLAG,
    "equal": FLAG,
}
TRAINING = {
    "epochs": integer(TrainConfig, "epochs"),
    "batch": integer(TrainConfig, "batch_size"),
    "lr": real(TrainConfig, "lr"),
    "optimizer": one_of(choices(TrainConfig, "optimizer")),
    "clip": real(TrainConfig, "clip"),
    "seed": integer(TrainConfig, "seed"),
    "seeds": Param(_number(int, 1, MAX_SEEDS), limits=(1, MAX_SEEDS)),  # how many, from `seed` upwards
}
LAB = {
    "task": one_of(choices(DataConfig, "task")),
    "ticker": Param(_ticker, format=lambda v: str(v).strip().upper(), shown=_task_is("stock")),
    "start": Param(_date, format=dt.date.isoformat, shown=_task_is("stock")),
    "end": Param(_date, format=dt.date.isoformat, shown=_task_is("stock")),
    "tokens": one_of(choices(DataConfig, "tokens"), shown=_task_is("sentiment")),
    "reading": one_of(choices(DataConfig, "reading"), shown=_task_is("digits")),
    "length": dataclasses.replace(integer(DataConfig, "length"), shown=lambda values: values.get("task") != "digits"),
    "samples": dataclasses.replace(integer(DataConfig, "n_samples"), shown=_task_is(*SAMPLED)),
    # the column of a real series; checked against the data set's columns when it is loaded (seqlab.app.datasets)
    "column": Param(_column, shown=_task_is(*COLUMNED), state="column_asked"),
    "horizon": dataclasses.replace(integer(DataConfig, "horizon"), shown=_task_is(*SERIES_TASKS)),
    "target": one_of(choices(DataConfig, "target"), shown=_task_is(*SERIES_TASKS)),
    "log_transform": one_of(choices(DataConfig, "log"), shown=_task_is(*SERIES_TASKS)),  # "log" is the loss scale
    **MODEL, **TRAINING,
}
GRAD = {
    "length": integer(DataConfig, "length"),
    "archs": ARCH_LIST,
    "hidden": integer(ModelConfig, "hidden_size"),
    "kernel": MODEL["kernel"],
    "levels": MODEL["levels"],
    "heads": MODEL["heads"],
    "samples": integer(DataConfig, "n_samples"),
    "forget": FLAG,
    "batch": integer(TrainConfig, "batch_size"),
    "lr": real(TrainConfig, "lr"),
    "clip": real(TrainConfig, "clip"),
    "epochs": integer(TrainConfig, "epochs"),
    "seed": integer(TrainConfig, "seed"),
    "seeds": Param(_number(int, 1, MAX_SEEDS), limits=(1, MAX_SEEDS)),
}


def _attention(text: str) -> list[str]:
    picked = [a for a in text.split(",") if a]
    if not picked or any(a not in ("on", "off") for a in picked):
        raise ValueError("must be on, off or on,off")
    return [a for a in ("on", "off") if a in picked]


TRANSLATE = {
    "pairs": one_of(PAIRS),  # the page's choices only: a link cannot ask for 50,000 dates written out
    "longer": FLAG,
    "archs": ARCH_LIST,
    "attention": Param(_attention, format=",".join),
    "hidden": integer(ModelConfig, "hidden_size"),
    **TRAINING,
}


TEXT = {
    "corpus": one_of(choices(DataConfig, "corpus")),
    "length": integer(DataConfig, "length"),
    "chars": one_of(CHARACTERS),
    **MODEL, **TRAINING,
}


MUSIC = {
    "length": integer(DataConfig, "length"),
    **MODEL, **TRAINING,
}


BY_PAGE = {"pages/1_Lab.py": LAB, "pages/2_Gradient_flow.py": GRAD, "pages/4_Text.py": TEXT,  # a page's settings
           "pages/6_Translation.py": TRANSLATE, "pages/8_Music.py": MUSIC}

# The config field each parameter sets, for `query_for`; archs, seed, seeds, forget, equal and chars are read below.
FIELDS = {
    "task": ("data", "task"), "ticker": ("data", "ticker"), "start": ("data", "start"), "end": ("data", "end"),
    "tokens": ("data", "tokens"), "reading": ("data", "reading"), "length": ("data", "length"),
    "samples": ("data", "n_samples"), "column": ("data", "column"), "corpus": ("data", "corpus"),
    "hidden": ("model", "hidden_size"), "layers": ("model", "num_layers"), "dropout": ("model", "dropout"),
    "epochs": ("train", "epochs"), "batch": ("train", "batch_size"), "lr": ("train", "lr"),
    "optimizer": ("train", "optimizer"), "clip": ("train", "clip"),
    "pairs": ("data", "n_samples"), "longer": ("data", "longer_test"),
    "kernel": ("model", "kernel_size"), "levels": ("model", "levels"), "heads": ("model", "heads"),
}


def query_for(params: dict[str, Param], runs: list[RunConfig]) -> dict[str, str]:
    """The query string that opens a page (whose parameters are `params`) on exactly these runs: one setting
    trained for several architectures and consecutive seeds, as a guided demo trains. Raises ValueError naming
    what the page cannot hold, so a demo cannot link to settings other than its own."""
    first, values = runs[0], {}
    for name in params:
        if name in FIELDS:
            section, field = FIELDS[name]
            value = getattr(getattr(first, section), field)
            if value not in (None, ""):  # left at the page's default (a series' own column, say)
                values[name] = dt.date.fromisoformat(value) if name in ("start", "end") else value
    seeds = list(dict.fromkeys(r.train.seed for r in runs))
    if seeds != seeds_from(seeds[0], len(seeds)):
        raise ValueError(f"a page trains consecutive seeds, not {seeds}")
    values.update(archs=list(dict.fromkeys(r.model.arch for r in runs)), seed=seeds[0], seeds=len(seeds),
                  equal=False, forget=first.model.forget_bias is not None,
                  attention=["on" if on else "off" for on in dict.fromkeys(r.model.attention for r in runs)])
    if first.model.forget_bias not in (None, FORGET_BIAS):
        raise ValueError(f"a page sets the forget-gate bias to {FORGET_BIAS:g} or leaves it, not "
                         f"{first.model.forget_bias}")
    if "chars" in params:  # the text page cuts `chars` characters into sequences of length + 1
        fits = [c for c in CHARACTERS if c // (first.data.length + 1) == first.data.n_samples]
        if not fits:
            raise ValueError(f"no text size gives {first.data.n_samples} sequences of {first.data.length}")
        values["chars"] = fits[0]
    return to_query(params, values)


def demo_query(demo) -> dict[str, str]:
    """The query string of a guided demo's "explore further" link: its page on exactly the demo's runs."""
    return query_for(BY_PAGE[demo.page], demo.runs)


def parse_query(params: dict[str, Param], query: dict[str, str]) -> tuple[dict, list[str]]:
    """The widget values a query string asks for, and a note on each parameter ignored (and why), in markdown."""
    values, ignored = {}, []
    for name, text in query.items():
        if name not in params:
            ignored.append(f"{literal(name)} (not a setting of this page)")
            continue
        try:
            values[name] = params[name].parse(text)
        except ValueError as error:
            ignored.append(f"{literal(name)}={literal(text)} ({error})")
    return values, ignored


def to_query(params: dict[str, Param], values: dict) -> dict[str, str]:
    """The query string of the widgets' values, leaving out widgets the page does not show."""
    return {name: param.format(values[name]) for name, param in params.items()
            if name in values and values[name] is not None and param.shown(values)}


def restore(key: str, params: dict[str, Param]) -> None:
    """Put a link's valid settings into the widgets' state (call before any widget) and say which parameters
    were ignored: on the first visit, and whenever the address holds settings this page did not publish
    itself (a link from a guided demo, say). Coming back from another page, whose run let Streamlit drop this
    page's widget values, puts back the settings the page last published."""
    query = {name: st.query_params[name] for name in st.query_params}
    published = st.session_state.get(f"{key}_link_published")
    if published is not None and not query:  # back from another page, whose run dropped this page's widget state
        values, _ = parse_query(params, published)
        for name, value in values.items():
            st.session_state.setdefault(f"{key}_{params[name].state or name}", value)
        return
    if query == published:
        return
    st.session_state[f"{key}_link_published"] = query
    values, ignored = parse_query(params, query)
    for name, value in values.items():
        st.session_state[f"{key}_{params[name].state or name}"] = value
    if ignored:
        st.warning("Ignored from the link: " + "; ".join(ignored), icon="🔗")


def publish(key: str, params: dict[str, Param]) -> None:
    """Mirror the page's widget values in the address bar (call after the widgets), so the link can be shared."""
    values = {name: st.session_state[f"{key}_{name}"] for name in params if f"{key}_{name}" in st.session_state}
    query = to_query(params, values)
    st.session_state[f"{key}_link_published"] = query
    if query != {name: st.query_params[name] for name in st.query_params}:
        st.query_params.from_dict(query)
