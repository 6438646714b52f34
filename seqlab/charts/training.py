"""Altair charts of losses, predictions, metrics, series and example sequences, from tidy DataFrames."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

from seqlab.analysis.baselines import FORECAST_BASELINES

# One colour per architecture in every chart, so "LSTM" is the same blue on every page. Chosen to stay apart for
# the red-green colour-blind (about one boy in twelve) and on a washed-out projector: Okabe & Ito's orange and sky
# blue, Paul Tol's blue, wine and red; tests/unit/test_palette.py checks every pair under simulated deuteranopia and
# protanopia (and against the truth's black and the baselines' grey).
ARCH_COLOURS = {"RNN": "#E69F00", "LSTM": "#0077BB", "GRU": "#AA3377", "TCN": "#CC3311", "Transformer": "#56B4E9"}
# The second channel, so that no chart tells architectures apart by colour alone: a point shape, and a dash pattern
# where lines carry no points.
ARCH_SHAPES = {"RNN": "circle", "LSTM": "square", "GRU": "triangle-up", "TCN": "diamond", "Transformer": "cross"}
ARCH_DASHES = {"RNN": [1, 0], "LSTM": [10, 3], "GRU": [2, 3], "TCN": [10, 3, 2, 3], "Transformer": [6, 2, 2, 2, 2, 2]}
LABEL_COLOURS = {
    **ARCH_COLOURS,
    "truth": "#222222",
    "persistence": "#8c8c8c",
    "seasonal naive": "#b0b0b0",
    "linear": "#6b6b6b",
}
# Every baseline name seqlab.analysis.evaluate produces; any label ending in "baseline" counts too.
BASELINE_LABELS = {"persistence", "seasonal naive", "linear", "window mean", "training mean", "class frequencies",
                   "symbol frequencies", "baseline"} | {name.lower() for name in FORECAST_BASELINES}
BASELINE_GREY = "#9e9e9e"
# For labels without a fixed colour ("LSTM h=64"): Tol's muted scheme, apart from the house colours.
SPARE_COLOURS = ["#117733", "#882255", "#44AA99", "#999933", "#332288", "#DDCC77", "#88CCEE"]
SPARE_SHAPES = ["triangle-down", "triangle-right", "triangle-left", "wedge", "stroke", "arrow"]
SPLIT_COLOURS = {"train": "#0077BB", "validation": "#E69F00", "test": "#AA3377"}
DASHED, SOLID = [6, 4], [1, 0]
HEIGHT = 300
FADED = 0.15
MAX_SERIES_POINTS = 5_000
MAX_SEQUENCES = 5
MODE_TITLES = {"one-step": "one-step ahead", "multi-step": "multi-step (recursive)"}
FONT = {"labelFontSize": 13, "titleFontSize": 14}
PANEL_WIDTH = 640  # a stacked panel's width where no container sets it (Streamlit's width="stretch" does)
# A legend below the chart wraps into as many columns as the chart's width holds (Vega's `width` signal)
LEGEND_COLUMNS = "max(1, floor(width / 130))"
# A chart as wide as its container grows its height to hold a legend below it, rather than squeezing the plot
FIT_WIDTH = alt.AutoSizeParams(type="fit-x", contains="padding")


def is_baseline(label: str, extra=()) -> bool:
    """True for reference forecasts (persistence, seasonal naive, ...) and the `extra` names of a task's own
    trivial strategies ("predict blanks ..."): drawn grey (and dashed in line charts)."""
    text = str(label).lower()
    return text in BASELINE_LABELS or text.endswith("baseline") or str(label) in extra


def _ordered(labels, extra=()) -> list[str]:
    """Unique labels in legend order: truth, RNN, LSTM, GRU, other models, then baselines."""
    fixed = list(LABEL_COLOURS)

    def rank(label: str) -> tuple[int, int]:
        group = 0 if label == "truth" else 3 if is_baseline(label, extra) else 1 if label in fixed else 2
        return group, fixed.index(label) if label in fixed else 0

    return sorted(dict.fromkeys(str(label) for label in labels), key=rank)


def label_scale(labels, baselines=()) -> alt.Scale:
    """Colour scale whose domain is the labels present: fixed colours where known, grey for baselines (the
    known ones and `baselines`), spares otherwise."""
    domain, range_, spare = _ordered(labels, baselines), [], 0
    for label in domain:
        colour = LABEL_COLOURS.get(label) or (BASELINE_GREY if is_baseline(label, baselines) else None)
        if colour is None:
            colour, spare = SPARE_COLOURS[spare % len(SPARE_COLOURS)], spare + 1
        range_.append(colour)
    return alt.Scale(domain=domain, range=range_) if domain else alt.Scale()


def chart_title(text: str, subtitle: str | list[str] = "") -> alt.Title:
    """A chart title in the house style: large, left-aligned, with an optional subtitle (a list: one line each)."""
    return alt.Title(text, subtitle=subtitle or alt.Undefined, fontSize=18, anchor="start")


def axis(name: str | None, **kwargs) -> alt.Axis:
    """An axis in the house fonts; `kwargs` may override them."""
    return alt.Axis(title=name, **{**FONT, **kwargs})


def legend(name: str | None, columns: int | None = None, **kwargs) -> alt.Legend:
    """A legend below the chart, in the house fonts with large symbols: a phone's narrow screen keeps its whole width
    for the data, and the entries wrap into as many columns as fit (`columns` fixes the number: 1 for a second
    legend beside the first, which already takes the width); `kwargs` may override the rest."""
    wrap = alt.ExprRef(LEGEND_COLUMNS) if columns is None else columns
    return alt.Legend(**{"title": name, "orient": "bottom", "columns": wrap, "symbolStrokeWidth": 3,
                         "symbolSize": 200, **FONT, **kwargs})


def arch_of(label: str) -> str | None:
    """The architecture a label names ("LSTM", "LSTM h=64" -> "LSTM"), or None (truth, baselines, "run 3")."""
    words = str(label).split()
    return words[0] if words and words[0] in ARCH_COLOURS else None


def shape_scale(domain) -> alt.Scale:
    """A point shape per label: each architecture its own (ARCH_SHAPES), spare shapes for the rest."""
    shapes, spare, domain = [], 0, [] if domain is alt.Undefined else list(domain)
    for label in domain:
        shape = ARCH_SHAPES.get(arch_of(label))
        if shape is None:
            shape, spare = SPARE_SHAPES[spare % len(SPARE_SHAPES)], spare + 1
        shapes.append(shape)
    return alt.Scale(domain=list(domain), range=shapes) if len(shapes) else alt.Scale()


def dash_scale(domain, extra=()) -> alt.Scale:
    """A dash pattern per label: the truth solid, baselines (and `extra`) dashed, each architecture its own."""
    domain = [] if domain is alt.Undefined else list(domain)
    dashes = [SOLID if label == "truth" else DASHED if is_baseline(label, extra) else ARCH_DASHES.get(arch_of(label),
              SOLID) for label in domain]
    return alt.Scale(domain=list(domain), range=dashes) if len(dashes) else alt.Scale()


def empty_chart(text: str, title: str = "", description: str = "") -> alt.Chart:
    """A placeholder that says what will appear, for a chart that has no data yet (Vega warns of infinite extents
    when it is asked to draw axes over nothing)."""
    chart = alt.Chart(pd.DataFrame({"text": [text]})).mark_text(fontSize=14, color="#555555").encode(
        text="text:N").properties(width="container", autosize=FIT_WIDTH, height=60,
                                  description=description or f"{text[:1].upper()}{text[1:]}.")
    return chart.properties(title=chart_title(title)) if title else chart


def _isolate(field: str, always: str | None = None) -> tuple[alt.Parameter, dict]:
    """A click on a legend entry keeps that entry (and `always`) bright and fades the others."""
    picked = alt.selection_point(fields=[field], bind="legend")
    test = picked if always is None else picked | (alt.datum[field] == always)
    return picked, alt.condition(test, alt.value(1.0), alt.value(FADED))


def date_format(frame: pd.DataFrame) -> str:
    """A date axis's label format, with the year always in it (Vega's own labels drop it: "Wed 27"), and the
    day when the span is short enough for days to matter; with panels (a `mode` column), the shortest decides."""
    paned = "mode" in frame and frame["mode"].notna().any()
    times = frame.groupby("mode" if paned else np.zeros(len(frame)))["time"]
    span = (times.max() - times.min()).min()
    if span > pd.Timedelta(days=10 * 365):  # ticks then fall on years, or on several
        return "%Y"
    return "%b %Y" if span > pd.Timedelta(days=90) else "%-d %b %Y"


def _time(frame: pd.DataFrame) -> tuple[alt.X, alt.Tooltip]:
    """x encoding and tooltip for a `time` column of datetimes or integer steps."""
    if pd.api.types.is_datetime64_any_dtype(frame["time"]):
        return (alt.X("time:T", axis=axis("time", format=date_format(frame))),
                alt.Tooltip("time:T", title="time", format="%-d %b %Y"))
    return alt.X("time:Q", axis=axis("time step", format="d")), alt.Tooltip("time:Q", title="time step")


def _value_y(unit: str) -> tuple[alt.Y, alt.Tooltip]:
    title = f"value ({unit})" if unit else "value"
    y = alt.Y("value:Q", axis=axis(title), scale=alt.Scale(zero=False))
    return y, alt.Tooltip("value:Q", format=".4g", title=title)


def seed_losses(history: pd.DataFrame, log_scale: bool) -> pd.DataFrame:
    """Long table of label, seed, epoch, status, split, loss, one row per run (seed) and epoch; drops values a (log)
    axis cannot draw. A history without a seed column is one seed."""
    wide = history.reindex(columns=["label", "seed", "epoch", "status", "train_loss", "val_loss"])
    wide["seed"] = wide["seed"].fillna(0)
    long = wide.melt(["label", "seed", "epoch", "status"], ["train_loss", "val_loss"], "split", "loss")
    long["split"] = long["split"].map({"train_loss": "train", "val_loss": "validation"})
    long["loss"] = pd.to_numeric(long["loss"], errors="coerce")
    keep = np.isfinite(long["loss"]) & ((long["loss"] > 0) if log_scale else True)
    return long[keep].astype({"label": str, "epoch": int, "seed": int}).reset_index(drop=True)


def _tidy_losses(history: pd.DataFrame, log_scale: bool) -> pd.DataFrame:
    """Per label, split and epoch: the mean loss over its seeds (`loss`), their lowest and highest (`lo`, `hi`, the
    band) and how many seeds (`seeds`); `status` is the run's own with one seed."""
    long = seed_losses(history, log_scale)
    grouped = long.groupby(["label", "split", "epoch"], sort=False)
    out = grouped["loss"].agg(loss="mean", lo="min", hi="max", seeds="count").reset_index()
    status = grouped["status"].agg(lambda s: s.iloc[-1] if len(s) == 1 else f"{len(s)} seeds")
    return out.assign(status=status.to_numpy())


def baseline_rule_text(value: float, label: str) -> str:
    """What the loss chart writes beside its baseline rule: the baseline's name as the results table's row has it
    and its validation loss to the table's four significant digits, so the two read as one number."""
    return f"{label} · validation loss {value:.4g}"


def _baseline_rule(value: float, label: str) -> alt.LayerChart:
    frame = pd.DataFrame({"loss": [value], "text": [baseline_rule_text(value, label)], "baseline": [label]})
    rule = alt.Chart(frame).mark_rule(strokeDash=DASHED, color="#555555", strokeWidth=2).encode(
        y="loss:Q", tooltip=[alt.Tooltip("baseline:N", title="baseline"),
                             alt.Tooltip("loss:Q", format=".4g", title="validation loss")])
    # above the rule at the right end: by then the curves that learned anything are below it
    text = rule.mark_text(align="right", baseline="bottom", dx=-4, dy=-4, fontSize=13, color="#555555")
    return rule + text.encode(x=alt.value({"expr": "width"}), text="text:N")


def loss_chart(history: pd.DataFrame, log_scale: bool = False, baseline: float | None = None,
               baseline_label: str = "baseline", title: str = "Loss", every_seed: bool = False,
               band: bool | None = None, units: str = "") -> alt.Chart:
    """Train (solid) and validation (dashed, with points) loss per epoch, one colour and point shape per architecture.

    `units` says what the loss is (seqlab.analysis.evaluate.loss_units, "MSE of the scaled series"), shown under the
    title; the baseline rule is the named baseline's validation loss in those units, as the results table gives it.

    With several seeds per architecture: the mean over its seeds as the line, with a band from the lowest to
    the highest seed behind it (`band` forces it on or off); `every_seed` adds each seed's own curve, thin."""
    losses = _tidy_losses(history, log_scale)
    picked, opacity = _isolate("label")
    several = (bool(len(losses)) and losses["seeds"].max() > 1) if band is None else band
    y_title = ("mean loss over seeds" if several else "loss") + (" (log scale)" if log_scale else "")
    base = alt.Chart(losses).encode(
        x=alt.X("epoch:Q", axis=axis("epoch (0 = before training)", format="d", tickMinStep=1)),
        y=alt.Y("loss:Q", axis=axis(y_title), scale=alt.Scale(type="log", nice=False) if log_scale else alt.Scale()),
        color=alt.Color("label:N", scale=label_scale(losses["label"]), legend=legend("run")),
        opacity=opacity,
        tooltip=["label:N", "split:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g", title="loss (mean)"),
                 alt.Tooltip("lo:Q", format=".4g", title="lowest seed"),
                 alt.Tooltip("hi:Q", format=".4g", title="highest seed"), "seeds:Q", "status:N"],
    )
    splits = alt.Scale(domain=["train", "validation"], range=[SOLID, DASHED])
    split_dash = alt.StrokeDash("split:N", scale=splits, legend=None)  # said in the subtitle: one legend fits a phone
    lines = base.mark_line(strokeWidth=2.5).encode(strokeDash=split_dash).add_params(picked)
    shapes = alt.Shape("label:N", scale=shape_scale(label_scale(losses["label"]).domain), legend=legend("run"))
    points = base.mark_point(filled=True, size=60).encode(shape=shapes).transform_filter(
        alt.datum.split == "validation")
    layers = [lines, points]
    if several:  # the spread across seeds, behind the means: min to max
        band = base.mark_area(opacity=0.15).encode(y="lo:Q", y2="hi:Q", opacity=alt.value(0.15))
        # after the lines: a layer drawn first would lend the legend its faint symbols
        layers.append(band.transform_filter(alt.datum.split == "validation"))
    if several and every_seed:
        runs = alt.Chart(seed_losses(history, log_scale)).mark_line(strokeWidth=1, opacity=0.45).encode(
            x="epoch:Q", y="loss:Q", color=alt.Color("label:N", scale=label_scale(losses["label"]), legend=None),
            detail="seed:N", strokeDash=alt.StrokeDash("split:N", scale=splits, legend=None),
            tooltip=["label:N", "seed:N", "split:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g")])
        layers.insert(0, runs)
    if baseline is not None and np.isfinite(baseline) and (baseline > 0 or not log_scale):
        layers.append(_baseline_rule(float(baseline), baseline_label))
    lines = "solid: training · dashed with points: validation"
    subtitle = [lines, f"loss: {units}"] if units else lines
    described = describe("Line chart of the training and validation loss per epoch", losses["label"])
    return alt.layer(*layers).properties(title=chart_title(title, subtitle), width="container", autosize=FIT_WIDTH,
                                         height=HEIGHT, description=described)


def describe(what: str, labels) -> str:
    """A chart's text description for screen readers: what it draws, and for which runs."""
    named = list(dict.fromkeys(str(label) for label in labels))
    return f"{what}, for {', '.join(named)}." if named else f"{what}; nothing to show yet."


class LiveLossChart:
    """The loss chart for live redraws: Altair builds and validates it once (about 0.15 s), later redraws
    only swap in the new losses, a few milliseconds, so a live view costs training almost nothing."""

    def __init__(self, history: pd.DataFrame, log_scale: bool = False, baseline: float | None = None,
                 baseline_label: str = "baseline", title: str = "Loss", band: bool | None = None, units: str = ""):
        self.log_scale = log_scale
        self.spec = loss_chart(history, log_scale, baseline, baseline_label, title, band=band, units=units).to_dict()
        self.losses = self.spec["layer"][0]["data"]["name"]  # the dataset every loss layer reads (bands included)

    def spec_for(self, history: pd.DataFrame) -> dict:
        """The chart's Vega-Lite spec with `history`'s losses (same runs, hence the same colours)."""
        rows = json.loads(_tidy_losses(history, self.log_scale).to_json(orient="records"))
        return {**self.spec, "datasets": {**self.spec["datasets"], self.losses: rows}}


def _with_modes(pred: pd.DataFrame) -> tuple[pd.DataFrame, bool]:
    """Copy rows without a mode (truth, baselines) into every mode; True when there are two modes."""
    if "mode" not in pred or pred["mode"].dropna().nunique() < 2:
        return pred.assign(series=pred["series"].astype(str)), False
    modes = pred["mode"].dropna().unique()
    shared = pred[pred["mode"].isna()]
    copies = [shared.assign(mode=mode) for mode in modes]
    both = pd.concat([pred[pred["mode"].notna()], *copies], ignore_index=True)
    titles = both["mode"].map(MODE_TITLES).fillna(both["mode"])
    return both.assign(series=both["series"].astype(str), mode=titles), True


def predictions_chart(pred: pd.DataFrame, title: str = "Predictions on the test part",
                      unit: str = "") -> alt.Chart | alt.VConcatChart:
    """Truth in black, baselines dashed grey, models in their colours and dash patterns; with two modes, a panel
    per mode, stacked (each as wide as the page: Streamlit's width="stretch" sizes a vconcat's panels)."""
    frame, two_modes = _with_modes(pred)
    frame = downsample_evenly(frame, by=["mode", "series"] if two_modes else "series")
    colours = label_scale(frame["series"])
    picked, opacity = _isolate("series", always="truth")
    (x, x_tip), (y, y_tip) = _time(frame), _value_y(unit)
    described = describe("Line chart of the test part's true values and each run's predictions over time",
                         colours.domain)

    def panel(part: pd.DataFrame, name, first: bool = True, **size) -> alt.Chart:
        lines = alt.Chart(part).mark_line(strokeWidth=2.2).encode(
            x=x, y=y, opacity=opacity, tooltip=["series:N", x_tip, y_tip],
            color=alt.Color("series:N", scale=colours, legend=legend(None)),
            strokeDash=alt.StrokeDash("series:N", scale=dash_scale(colours.domain), legend=legend(None)),
        ).properties(title=name, height=HEIGHT if not two_modes else 220, **size)
        return lines.add_params(picked) if first else lines  # one legend selection serves every panel

    if not two_modes:
        return panel(frame, chart_title(title), width="container", autosize=FIT_WIDTH).properties(description=described)
    modes = [m for m in MODE_TITLES.values() if m in set(frame["mode"])]
    modes += [m for m in dict.fromkeys(frame["mode"]) if m not in modes]
    # each mode spans its own stretch of time (the recursive forecast is short): independent x axes
    panels = [panel(frame[frame["mode"] == mode], alt.Title(mode, fontSize=15, anchor="start"), k == 0,
                    width=PANEL_WIDTH) for k, mode in enumerate(modes)]
    return alt.vconcat(*panels, title=chart_title(title), description=described).resolve_scale(
        x="independent", color="shared", strokeDash="shared")


def metrics_chart(metrics: pd.DataFrame, title: str = "Test metrics") -> alt.VConcatChart | alt.Chart:
    """Horizontal bars per run, one panel per metric with its own x scale, stacked (each as wide as the page);
    baselines in grey. Each bar's value is written beside its run's name: the panels are single views, the only
    kind of stacked panel Streamlit fits to the page's width (a layer of bars and text would overflow a phone)."""
    baselines = set(metrics.loc[metrics["kind"] == "baseline", "label"]) if "kind" in metrics else set()
    frame = metrics.reindex(columns=["label", "metric", "value"]).astype({"label": str, "metric": str})
    frame = frame.assign(value=pd.to_numeric(frame["value"], errors="coerce"))
    frame = frame[np.isfinite(frame["value"])]
    colours = label_scale(frame["label"], baselines)
    described = describe("Bar chart of each run's test metrics, one panel per metric", colours.domain)
    if frame.empty:
        return empty_chart("no test metrics", title, described)
    panels = []
    for metric, part in frame.groupby("metric", sort=False):
        part = part.assign(named=[f"{label}  {value:.3g}" for label, value in zip(part["label"], part["value"],
                                                                                  strict=True)])
        order = part.drop_duplicates("label").set_index("label")["named"].reindex(colours.domain).dropna().tolist()
        bars = alt.Chart(part).mark_bar(height={"band": 0.7}).encode(
            y=alt.Y("named:N", sort=order, axis=axis(None, labelLimit=220)),
            x=alt.X("value:Q", axis=axis(None, format=".3~g", tickCount=5)),
            color=alt.Color("label:N", scale=colours, legend=None),  # the y axis names the runs
            tooltip=["label:N", "metric:N", alt.Tooltip("value:Q", format=".4g")],
        )
        panels.append(bars.properties(title=alt.Title(metric, fontSize=15, anchor="start"), width=PANEL_WIDTH,
                                      height=22 * max(len(order), 1)))
    subtitle = "lower is better (accuracy: higher)"  # short enough for a phone; each panel has its own scale
    return alt.vconcat(*panels, title=chart_title(title, subtitle), description=described, spacing=14)\
        .resolve_scale(x="independent", y="independent")


def downsample_evenly(frame: pd.DataFrame, max_points: int = MAX_SERIES_POINTS, by="split") -> pd.DataFrame:
    """At most max_points rows (Altair's default limit), evenly spaced within each group; keeps each
    group's first and last row, so a 200k-point series still shows where every split starts and ends."""
    if len(frame) <= max_points:
        return frame
    groups = [group for _, group in frame.groupby(by, sort=False, dropna=False)]
    spare = max(max_points - 2 * len(groups), 0)
    parts = []
    for group in groups:
        keep = min(len(group), 2 + spare * len(group) // len(frame))
        parts.append(group.iloc[np.unique(np.linspace(0, len(group) - 1, keep).round().astype(int))])
    return pd.concat(parts)


def series_chart(series: pd.DataFrame, title: str = "", unit: str = "") -> alt.Chart:
    """The whole series coloured by its chronological train / validation / test split."""
    frame = downsample_evenly(series.reindex(columns=["time", "value", "split"])).astype({"split": str})
    present = list(dict.fromkeys(frame["split"]))
    splits = [s for s in SPLIT_COLOURS if s in present] + [s for s in present if s not in SPLIT_COLOURS]
    scale = alt.Scale(domain=splits, range=[SPLIT_COLOURS.get(s, BASELINE_GREY) for s in splits])
    picked, opacity = _isolate("split")
    (x, x_tip), (y, y_tip) = _time(frame), _value_y(unit)
    return alt.Chart(frame).mark_line(strokeWidth=1.5).encode(
        x=x, y=y, opacity=opacity, tooltip=["split:N", x_tip, y_tip],
        color=alt.Color("split:N", scale=scale, legend=legend("split")),
    ).add_params(picked).properties(title=chart_title(title or "The series and its chronological split"),
                                    width="container", autosize=FIT_WIDTH, height=HEIGHT,
                                    description=describe("Line chart of the series over time, coloured by split",
                                                         splits))


def sequences_chart(examples: pd.DataFrame, title: str = "Example sequences") -> alt.VConcatChart | alt.Chart:
    """One small panel per example sequence, stacked, a line per input channel, points on marked steps."""
    frame = examples[examples["sequence"].isin(examples["sequence"].unique()[:MAX_SEQUENCES])]
    frame = frame.astype({"channel": str})
    frame = frame.assign(marked=frame["marked"].fillna(False).astype(bool) if "marked" in frame else False)
    channels = list(dict.fromkeys(frame["channel"]))
    described = describe(f"Line charts of {frame['sequence'].nunique()} example sequences over their time steps, "
                         "with the key steps marked by diamonds", channels)
    if frame.empty:
        return empty_chart("no sequences to show", title, described)
    picked, opacity = _isolate("channel")
    panels = []
    for sequence, part in frame.groupby("sequence", sort=False):
        # a single view, as Streamlit fits stacked panels only then: the key steps are the line's own points, shown
        # (filled) where marked and invisible elsewhere
        diamonds = alt.OverlayMarkDef(filled=True, size=90, shape="diamond")
        lines = alt.Chart(part).mark_line(strokeWidth=1.8, point=diamonds).encode(
            x=alt.X("step:Q", axis=axis("time step", format="d")),
            y=alt.Y("value:Q", axis=axis("value")),
            color=alt.Color("channel:N", scale=alt.Scale(domain=channels), legend=legend("channel")),
            opacity=opacity, fillOpacity=alt.condition(alt.datum.marked, alt.value(1.0), alt.value(0.0)),
            tooltip=["sequence:O", "step:Q", "channel:N", alt.Tooltip("value:Q", format=".3g"), "marked:N"],
        )
        panels.append((lines.add_params(picked) if not panels else lines).properties(  # one legend selection
            title=alt.Title(f"sequence {sequence}", fontSize=13, anchor="start"), width=PANEL_WIDTH, height=100))
    return alt.vconcat(*panels, title=chart_title(title), description=described, spacing=12)


def truth_scatter(frame: pd.DataFrame, title: str = "Predictions on the test part", unit: str = "") -> alt.Chart:
    """Predicted against true value per test sequence, one colour per run; the diagonal is a perfect model."""
    frame = frame.reindex(columns=["label", "truth", "predicted"]).astype({"label": str})
    lo, hi = float(frame[["truth", "predicted"]].min().min()), float(frame[["truth", "predicted"]].max().max())
    picked, opacity = _isolate("label")
    suffix = f" ({unit})" if unit else ""
    points = alt.Chart(frame).mark_point(size=40, filled=True).encode(
        x=alt.X("truth:Q", axis=axis(f"true value{suffix}"), scale=alt.Scale(domain=[lo, hi])),
        y=alt.Y("predicted:Q", axis=axis(f"predicted value{suffix}"), scale=alt.Scale(domain=[lo, hi])),
        color=alt.Color("label:N", scale=label_scale(frame["label"]), legend=legend("run")), opacity=opacity,
        shape=alt.Shape("label:N", scale=shape_scale(label_scale(frame["label"]).domain), legend=legend("run")),
        tooltip=["label:N", alt.Tooltip("truth:Q", format=".3g"), alt.Tooltip("predicted:Q", format=".3g")],
    ).add_params(picked)
    diagonal = alt.Chart(pd.DataFrame({"truth": [lo, hi], "predicted": [lo, hi]})).mark_line(
        color="black", strokeDash=DASHED).encode(x="truth:Q", y="predicted:Q")
    described = describe("Scatter plot of each test sequence's predicted against its true value", frame["label"])
    return alt.layer(diagonal, points).properties(title=chart_title(title, "on the dashed diagonal = exactly right"),
                                                  width="container", autosize=FIT_WIDTH, height=HEIGHT,
                                                  description=described)
