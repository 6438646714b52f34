"""The data widgets of a page: pick a data set, load it (cached), and preview it with its split."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import pandas as pd
import streamlit as st
from streamlit.delta_generator import DeltaGenerator

from seqlab.analysis.classification import decode_tokens
from seqlab.app import limits
from seqlab.charts import training as charts
from seqlab.config import FORECAST_TARGETS, LOG_CHOICES, DataConfig
from seqlab.data import REGISTRY, SAMPLED, DataError, Task, load_series, make_task
from seqlab.data.cache import TaskCache
from seqlab.data.footprint import data_refusal
from seqlab.data.preview import example_sequences
from seqlab.data.sentiment import ColumnChoice, candidate_columns
from seqlab.data.transforms import EXPLAIN, LOG_RATIO
from seqlab.data.upload import MAX_UPLOAD_BYTES
from seqlab.data.windows import forecast_task

LENGTHS = (5, 10, 20, 30, 50, 75, 100, 150, 200, 300, 500)
SAMPLES = (500, 1000, 2000, 5000, 10_000)
HORIZONS = (1, 2, 3, 5, 7, 10, 12, 14, 24, 30, 50)
TASK_CACHE_SETS = 2  # the cache holds this many of the largest data sets allowed (limits.DATA_SHARE each)
TASK_CACHE_ENTRIES = 32
SERIES_TASKS = {name for name, info in REGISTRY.items() if info.problem == "forecasting"}
STOCK_TTL = 120  # seconds a fetched (or fallen-back) ticker is reused before Yahoo is asked again
EXAMPLE_TEXTS = 5  # labelled texts shown before training
TOKENS = {"char": "characters", "word": "words"}


def pick_steps(label: str, options, default, key: str, help: str | None = None):
    """A select-slider over round values that always includes `default` and the value already in the widget's
    state (one restored from a shared link, checked against the config's bounds by `share.restore`)."""
    current = st.session_state.get(key)
    extra = {current} if isinstance(current, (int, float)) and not isinstance(current, bool) else set()
    options = sorted({*options, default, *extra})
    return st.select_slider(label, options, value=default, key=key, help=help)


def literal(text: str, most: int = 30) -> str:
    """Text someone else chose (a link's value, a file's name) as a notice shows it: cut short, one line, every
    markdown character escaped, so it cannot put its own links, images or formatting into the page."""
    cut = " ".join(text[:most].split())
    escaped = re.sub(r"([\\`*{}\[\]()<>#+\-.!|~$=:])", r"\\\1", cut)
    return re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", escaped)  # chars_extra stays as it is


def kept_upload(label: str, types: list[str], key: str, help: str) -> bytes | None:
    """A file uploader whose file outlives a visit to another page: Streamlit forgets the widget of a page that
    is not drawn, so the last file is kept beside it and used until another is uploaded or it is removed."""
    kept = f"{key}_kept"
    file = st.file_uploader(label, type=types, key=key, help=help,
                            on_change=st.session_state.pop, args=(kept, None))  # a removal forgets it too
    if file is not None:
        st.session_state[kept] = (file.name, file.getvalue())
        return st.session_state[kept][1]
    if kept not in st.session_state:
        return None
    name, data = st.session_state[kept]
    st.caption(f"Using **{literal(name, 60)}** ({len(data) / 1024:,.1f} kB), uploaded before you left this page. "
               "Upload another file to replace it.")
    return data


@dataclass
class DataChoice:
    """What the data widgets chose: DataConfig fields (checked by `load_task`), an upload, and where the
    column picker goes once the series is loaded."""

    fields: dict
    upload: bytes | None
    column_slot: DeltaGenerator


def pick_data(key: str = "lab") -> DataChoice:
    """Widgets for the data set, to be called in the sidebar."""
    name = st.selectbox("Data set", list(REGISTRY), key=f"{key}_task",
                        format_func=lambda n: f"{REGISTRY[n].title}  ·  {REGISTRY[n].group}")
    st.caption(REGISTRY[name].description)
    fields, upload = {"task": name}, None
    if name == "stock":
        fields["ticker"] = st.text_input("Ticker", "MSFT", max_chars=15, key=f"{key}_ticker",
                                         help="A Yahoo Finance symbol such as MSFT, BRK-B or ^GSPC").strip().upper()
        today = dt.date.today()  # the pickers' own default upper limit is ten years after their first value
        start = st.date_input("From", dt.date(2010, 1, 1), key=f"{key}_start", min_value=dt.date(1970, 1, 1),
                              max_value=today)
        end = st.date_input("To", today, key=f"{key}_end", min_value=dt.date(1970, 1, 2), max_value=today)
        fields.update(start=start.isoformat(), end=end.isoformat())
    if name == "csv":
        upload = kept_upload("CSV file", ["csv", "tsv", "txt"], f"{key}_csv",
                             f"A time column (optional) and numeric columns; at most {MAX_UPLOAD_BYTES // 2**20} MB")
    if name == "sentiment":
        upload = kept_upload("CSV of texts and labels", ["csv", "tsv", "txt"], f"{key}_texts",
                             f"A column of texts (such as reviews) and a column of 2 to 20 classes (such as "
                             f"positive / negative); at most {MAX_UPLOAD_BYTES // 2**20} MB")
        fields["tokens"] = st.radio("Read the texts as", list(TOKENS), horizontal=True, key=f"{key}_tokens",
                                    format_func=TOKENS.get)
    if name == "digits":
        fields["reading"] = st.radio("Read each digit", ["rows", "pixels"], horizontal=True, key=f"{key}_reading",
                                     format_func={"rows": "row by row (8 steps)", "pixels": "pixel by pixel (64)"}.get)
    else:
        what = "Window length (steps the model sees)" if name in SERIES_TASKS else "Sequence length T"
        what = "Tokens read from each text" if name == "sentiment" else what
        fields["length"] = pick_steps(what, LENGTHS, DataConfig.length, f"{key}_length")
    column_slot = st.container()
    if name in SERIES_TASKS:
        fields["horizon"] = pick_steps("Forecast horizon (steps predicted at once)", HORIZONS, DataConfig.horizon,
                                       f"{key}_horizon", help="The direct head predicts this many values at once; "
                                       "above 1, the results compare it with the recursive forecast at each step.")
        fields["target"], fields["log"] = pick_transform(key)
    if name in SAMPLED:
        fields["n_samples"] = pick_steps("Sequences to generate" if name != "sine" else "Points to generate",
                                         SAMPLES, DataConfig.n_samples, f"{key}_samples")
    return DataChoice(fields, upload, column_slot)


TARGET_LABELS = {"auto": "auto: decided on the training years", "level": "the level",
                 "change": "the change from the last value", "window-scaled": "the window, scaled by its own level"}


def pick_transform(key: str) -> tuple[str, str]:
    """What a forecasting network predicts and whether the series is logged first, each with its one sentence."""
    target = st.selectbox("The network predicts", FORECAST_TARGETS, key=f"{key}_target", format_func=TARGET_LABELS.get,
                          help="A data-pipeline setting: every metric, chart and baseline stays in the data's own "
                               "units whatever is chosen here.")
    st.caption(EXPLAIN[target])
    log = st.radio("Log transform", LOG_CHOICES, horizontal=True, key=f"{key}_log_transform",
                   help="auto: on when every training value is positive and they span more than a factor of "
                        f"{LOG_RATIO:g}. {EXPLAIN['log']}")
    if log == "on":
        st.caption(EXPLAIN["log"])
    return target, log


# A series is a data frame that callers may change: st.cache_data, whose copy on every read keeps sessions apart.
# A frame holds at most MAX_ROWS rows of a file of at most 5 MB, so 8 of them stay in the tens of MB.
@st.cache_data(max_entries=8, ttl=STOCK_TTL, show_spinner="Loading the data…")
def _series(cfg: DataConfig, upload: bytes | None):
    return load_series(cfg, upload)


@st.cache_resource
def _tasks() -> TaskCache:
    """Every built task of the server, shared by all sessions (see `cached_task`)."""
    return TaskCache(TASK_CACHE_SETS * limits.current().budget().data_bytes, TASK_CACHE_ENTRIES)


def cached_task(cfg: DataConfig, upload: bytes | None = None, spinner: str = "Preparing the data…",
                ttl: float | None = None) -> Task:
    """The task `cfg` describes, built once for the whole server and kept within TASK_CACHE_SETS times the
    largest data set this server allows; a task over that is refused before it is built.

    Not st.cache_data: it pickles what it keeps and unpickles it again on every read, so each rerun of
    each session held its own copy of a task of up to hundreds of MB, and a cache of 32 of them had no
    bound in bytes. A task is read-only once built (nothing writes into its tensors), so one object
    serves every session, as st.cache_resource does for shared read-only objects.
    """
    budget = limits.current().budget()
    refusal = data_refusal(cfg, budget.data_bytes, budget.where, upload)
    if refusal is not None:  # estimated before anything is built: a link cannot fill the server's memory
        raise DataError(refusal[0].upper() + refusal[1:])
    key = (cfg, None if upload is None else hashlib.sha256(upload).hexdigest())

    def build() -> Task:
        with st.spinner(spinner):
            return make_task(cfg, upload)

    return _tasks().get(key, build, ttl)


def forget_tasks() -> None:
    """Drop every cached task, e.g. after the network came back (tests, an operator)."""
    _tasks().clear()



@st.cache_data(max_entries=8, show_spinner="Reading the file…")
def _columns(upload: bytes) -> ColumnChoice:
    return candidate_columns(upload)


def _labelled_texts(cfg: DataConfig, choice: DataChoice, key: str) -> tuple[DataConfig, Task] | None:
    """The sentiment task of an uploaded CSV, with pickers for its text and label columns."""
    if choice.upload is None:
        st.info("Upload a CSV file in the sidebar: a column of texts (such as reviews) and a column of their "
                "labels (such as positive / negative).")
        return None
    columns = _columns(choice.upload)
    text_column, label_column = "", ""  # none found: the task says what is missing
    if columns.text:
        text_column = choice.column_slot.selectbox("Column of texts", columns.text, key=f"{key}_text_column")
    labels = [c for c in columns.label if c != text_column]
    if labels:
        default = labels.index(columns.default_label) if columns.default_label in labels else 0
        label_column = choice.column_slot.selectbox("Column of labels", labels, index=default,
                                                    key=f"{key}_label_column")
    cfg = dataclasses.replace(cfg, text_column=text_column, label_column=label_column)
    return cfg, cached_task(cfg, choice.upload)


def _column_key(key: str, task: str, columns: list[str]) -> str:
    """The column picker's key for this data set, set first to the column a shared link asked for, if it has
    that column (each data set keeps its own choice; the link's applies to the data set it came with)."""
    widget, asked = f"{key}_column_{task}", st.session_state.pop(f"{key}_column_asked", None)
    if asked is not None:
        if asked in columns:
            st.session_state[widget] = asked
        else:
            st.warning(f"Ignored from the link: column={literal(asked)} (this data set's columns are "
                       f"{', '.join(columns)})", icon="🔗")
    return widget


def load_task(choice: DataChoice, key: str = "lab", **overrides) -> tuple[DataConfig, Task] | None:
    """The data config and task chosen, with a column picker for series; None (and a message a person can
    act on) when they cannot be built."""
    upload = choice.upload
    try:
        cfg = DataConfig(**{**choice.fields, **overrides})
        if cfg.task == "sentiment":
            return _labelled_texts(cfg, choice, key)
        if cfg.task not in SERIES_TASKS:
            return cfg, cached_task(cfg)
        if cfg.task == "csv" and upload is None:
            st.info("Upload a CSV file in the sidebar to train on your own series.")
            return None
        raw = dataclasses.replace(cfg, column="", length=DataConfig.length, target=DataConfig.target,
                                  log=DataConfig.log)  # what loading depends on
        series, period = _series(raw, upload)
        columns = list(series.value_columns)
        column = choice.column_slot.selectbox("Column to forecast", columns, key=_column_key(key, cfg.task, columns),
                                              index=columns.index(series.default_column))
        st.session_state[f"{key}_column"] = column  # what a shared link says (seqlab.app.share)
        cfg = dataclasses.replace(cfg, column=column)
        return cfg, forecast_task(series, cfg, cfg.task, seasonal_period=period)
    except (DataError, ValueError) as error:
        st.error(f"**This data cannot be used:** {error}")
        return None


def show_data(task: Task) -> None:
    """Warnings first, then a preview of the series (with its split) or of a few example sequences."""
    for warning in task.warnings:
        st.warning(warning, icon="⚠️")
    sizes = task.sizes()
    st.caption(f"**{task.title}** · one step is {task.step_meaning}; the target is {task.target_meaning} · "
               f"{sizes['train']:,} training, {sizes['validation']:,} validation and {sizes['test']:,} test "
               f"sequences" + (f" · source: {task.source}" if task.source else ""))
    if task.series is not None:
        st.altair_chart(charts.series_chart(task.series, unit=task.unit), width="stretch")
    elif task.kind == "classification" and task.token_input and task.vocab is not None:
        st.dataframe(example_texts(task), hide_index=True, width="stretch")
    else:
        st.altair_chart(charts.sequences_chart(example_sequences(task)), width="stretch")
    for note in task.notes:
        st.caption(f"ℹ️ {note}")


def example_texts(task: Task, n: int = EXAMPLE_TEXTS) -> pd.DataFrame:
    """The first `n` training texts of a text classifier as it reads them (cut and tokenised), with their class."""
    x, y = task.x_train[:n], task.y_train[:n]
    return pd.DataFrame({"text as read": [decode_tokens(ids, task.vocab) for ids in x.tolist()],
                         "class": [task.classes[int(c)] for c in y]})


def registry_table() -> pd.DataFrame:
    """Every data set for the home page: what it asks of a model, where it comes from, and its name for
    `python -m seqlab --task`."""
    return pd.DataFrame([{"data set": info.title, "task": info.problem, "source": info.group,
                          "what it is": info.description, "name": name} for name, info in REGISTRY.items()])
