"""Altair charts of losses, predictions, metrics, series and example sequences, from tidy DataFrames."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd

# One colour per label in every chart, so "LSTM" is the same blue on every page.
LABEL_COLOURS = {
    "RNN": "#e45756",
    "LSTM": "#4c78a8",
    "GRU": "#54a24b",
    "truth": "#222222",
    "persistence": "#8c8c8c",
    "seasonal naive": "#b0b0b0",
    "linear": "#6b6b6b",
}
# Every baseline name seqlab.analysis.evaluate produces; any label ending in "baseline" counts too.
BASELINE_LABELS = {"persistence", "seasonal naive", "linear", "window mean", "training mean", "class frequencies",
                   "symbol frequencies", "baseline"}
BASELINE_GREY = "#9e9e9e"
# The rest of Vega's default tableau10 scheme, for labels without a fixed colour ("LSTM h=64").
SPARE_COLOURS = ["#f58518", "#72b7b2", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"]
SPLIT_COLOURS = {"train": "#4c78a8", "validation": "#f58518", "test": "#b279a2"}
DASHED, SOLID = [6, 4], [1, 0]
HEIGHT = 300
FADED = 0.15
MAX_SERIES_POINTS = 5_000
MAX_SEQUENCES = 5
MODE_TITLES = {"one-step": "one-step ahead", "multi-step": "multi-step (recursive)"}
FONT = {"labelFontSize": 13, "titleFontSize": 14}


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


def chart_title(text: str, subtitle: str = "") -> alt.Title:
    """A chart title in the house style: large, left-aligned, with an optional subtitle."""
    return alt.Title(text, subtitle=subtitle or alt.Undefined, fontSize=18, anchor="start")


def axis(name: str | None, **kwargs) -> alt.Axis:
    """An axis in the house fonts; `kwargs` may override them."""
    return alt.Axis(title=name, **{**FONT, **kwargs})


def legend(name: str | None) -> alt.Legend:
    """A legend on the right with large symbols, in the house fonts."""
    return alt.Legend(title=name, orient="right", symbolStrokeWidth=3, symbolSize=200, **FONT)


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


def _baseline_rule(value: float, label: str) -> alt.LayerChart:
    frame = pd.DataFrame({"loss": [value], "text": [f"{label}: {value:.3g}"]})
    rule = alt.Chart(frame).mark_rule(strokeDash=DASHED, color="#555555", strokeWidth=2).encode(
        y="loss:Q", tooltip=[alt.Tooltip("text:N", title="baseline")])
    # above the rule at the right end: by then the curves that learned anything are below it
    text = rule.mark_text(align="right", baseline="bottom", dx=-4, dy=-4, fontSize=13, color="#555555")
    return rule + text.encode(x=alt.value({"expr": "width"}), text="text:N")


def loss_chart(history: pd.DataFrame, log_scale: bool = False, baseline: float | None = None,
               baseline_label: str = "baseline", title: str = "Loss", every_seed: bool = False,
               band: bool | None = None) -> alt.Chart:
    """Train (solid) and validation (dashed, with points) loss per epoch, one colour per architecture.

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
    dash_scale = alt.Scale(domain=["train", "validation"], range=[SOLID, DASHED])
    split_dash = alt.StrokeDash("split:N", scale=dash_scale, legend=legend("split"))
    lines = base.mark_line(strokeWidth=2.5).encode(strokeDash=split_dash).add_params(picked)
    points = base.mark_point(filled=True, size=50).transform_filter(alt.datum.split == "validation")
    layers = [lines, points]
    if several:  # the spread across seeds, behind the means: min to max
        band = base.mark_area(opacity=0.15).encode(y="lo:Q", y2="hi:Q", opacity=alt.value(0.15))
        # after the lines: a layer drawn first would lend the legend its faint symbols
        layers.append(band.transform_filter(alt.datum.split == "validation"))
    if several and every_seed:
        runs = alt.Chart(seed_losses(history, log_scale)).mark_line(strokeWidth=1, opacity=0.45).encode(
            x="epoch:Q", y="loss:Q", color=alt.Color("label:N", scale=label_scale(losses["label"]), legend=None),
            detail="seed:N", strokeDash=alt.StrokeDash("split:N", scale=dash_scale, legend=None),
            tooltip=["label:N", "seed:N", "split:N", "epoch:Q", alt.Tooltip("loss:Q", format=".4g")])
        layers.insert(0, runs)
    if baseline is not None and np.isfinite(baseline) and (baseline > 0 or not log_scale):
        layers.append(_baseline_rule(float(baseline), baseline_label))
    return alt.layer(*layers).properties(title=chart_title(title), width="container", height=HEIGHT)


class LiveLossChart:
    """The loss chart for live redraws: Altair builds and validates it once (about 0.15 s), later redraws
    only swap in the new losses, a few milliseconds, so a live view costs training almost nothing."""

    def __init__(self, history: pd.DataFrame, log_scale: bool = False, baseline: float | None = None,
                 baseline_label: str = "baseline", title: str = "Loss", band: bool | None = None):
        self.log_scale = log_scale
        self.spec = loss_chart(history, log_scale, baseline, baseline_label, title, band=band).to_dict()
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
                      unit: str = "") -> alt.Chart:
    """Truth in black, baselines dashed grey, models in their colours; one panel per mode if there are two."""
    frame, two_modes = _with_modes(pred)
    frame = downsample_evenly(frame, by=["mode", "series"] if two_modes else "series")
    colours = label_scale(frame["series"])
    dash_range = [DASHED if is_baseline(s) else SOLID for s in colours.domain]
    dashes = alt.Scale(domain=colours.domain, range=dash_range)
    picked, opacity = _isolate("series", always="truth")
    (x, x_tip), (y, y_tip) = _time(frame), _value_y(unit)
    chart = alt.Chart(frame).mark_line(strokeWidth=2.2).encode(
        x=x, y=y, opacity=opacity, tooltip=["series:N", x_tip, y_tip],
        color=alt.Color("series:N", scale=colours, legend=legend(None)),
        strokeDash=alt.StrokeDash("series:N", scale=dashes, legend=legend(None)),
    ).add_params(picked)
    if not two_modes:
        return chart.properties(title=chart_title(title), width="container", height=HEIGHT)
    row = alt.Row("mode:N", sort=list(MODE_TITLES.values()), header=alt.Header(title=None, labelFontSize=15))
    # each mode spans its own stretch of time (the recursive forecast is short): independent x axes
    panels = chart.properties(width=640, height=220).facet(row=row, title=chart_title(title))
    return panels.resolve_scale(x="independent")


def metrics_chart(metrics: pd.DataFrame, title: str = "Test metrics") -> alt.Chart:
    """Horizontal bars per run, one small panel per metric with its own x scale; baselines in grey."""
    baselines = set(metrics.loc[metrics["kind"] == "baseline", "label"]) if "kind" in metrics else set()
    frame = metrics.reindex(columns=["label", "metric", "value"]).astype({"label": str, "metric": str})
    frame = frame.assign(value=pd.to_numeric(frame["value"], errors="coerce"))
    frame = frame[np.isfinite(frame["value"])]
    colours = label_scale(frame["label"], baselines)
    picked, opacity = _isolate("label")
    base = alt.Chart().encode(
        y=alt.Y("label:N", sort=colours.domain, axis=axis(None)),
        x=alt.X("value:Q", axis=axis("metric value", format=".3~g")),
        tooltip=["label:N", "metric:N", alt.Tooltip("value:Q", format=".4g")],
    )
    bars = base.mark_bar(height={"band": 0.7}).encode(
        color=alt.Color("label:N", scale=colours, legend=legend("run")), opacity=opacity).add_params(picked)
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(text=alt.Text("value:Q", format=".3g"))
    panels = alt.layer(bars, text, data=frame).properties(width=200, height=34 * max(len(colours.domain), 1))
    column = alt.Column("metric:N", header=alt.Header(title=None, labelFontSize=15, labelFontWeight="bold"))
    subtitle = "lower is better (higher for accuracy)"
    return panels.facet(column=column, title=chart_title(title, subtitle)).resolve_scale(x="independent")


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
                                    width="container", height=HEIGHT)


def sequences_chart(examples: pd.DataFrame, title: str = "Example sequences") -> alt.Chart:
    """One small panel per example sequence, a line per input channel, points on marked steps."""
    frame = examples[examples["sequence"].isin(examples["sequence"].unique()[:MAX_SEQUENCES])]
    frame = frame.astype({"channel": str})
    picked, opacity = _isolate("channel")
    base = alt.Chart().encode(
        x=alt.X("step:Q", axis=axis("time step", format="d")),
        y=alt.Y("value:Q", axis=axis("value")),
        color=alt.Color("channel:N", legend=legend("channel")),
        opacity=opacity,
        tooltip=["sequence:O", "step:Q", "channel:N", alt.Tooltip("value:Q", format=".3g")],
    )
    layers = [base.mark_line(strokeWidth=1.8).add_params(picked)]
    if "marked" in frame:
        frame = frame.assign(marked=frame["marked"].fillna(False).astype(bool))
        points = base.mark_point(filled=True, size=90, shape="diamond")
        layers.append(points.transform_filter(alt.datum.marked))
    row = alt.Row("sequence:O", header=alt.Header(title="sequence", labelFontSize=13, titleFontSize=13))
    panels = alt.layer(*layers, data=frame).properties(width=640, height=100)
    return panels.facet(row=row, title=chart_title(title))


def truth_scatter(frame: pd.DataFrame, title: str = "Predictions on the test part", unit: str = "") -> alt.Chart:
    """Predicted against true value per test sequence, one colour per run; the diagonal is a perfect model."""
    frame = frame.reindex(columns=["label", "truth", "predicted"]).astype({"label": str})
    lo, hi = float(frame[["truth", "predicted"]].min().min()), float(frame[["truth", "predicted"]].max().max())
    picked, opacity = _isolate("label")
    suffix = f" ({unit})" if unit else ""
    points = alt.Chart(frame).mark_circle(size=40).encode(
        x=alt.X("truth:Q", axis=axis(f"true value{suffix}"), scale=alt.Scale(domain=[lo, hi])),
        y=alt.Y("predicted:Q", axis=axis(f"predicted value{suffix}"), scale=alt.Scale(domain=[lo, hi])),
        color=alt.Color("label:N", scale=label_scale(frame["label"]), legend=legend("run")), opacity=opacity,
        tooltip=["label:N", alt.Tooltip("truth:Q", format=".3g"), alt.Tooltip("predicted:Q", format=".3g")],
    ).add_params(picked)
    diagonal = alt.Chart(pd.DataFrame({"truth": [lo, hi], "predicted": [lo, hi]})).mark_line(
        color="black", strokeDash=DASHED).encode(x="truth:Q", y="predicted:Q")
    return alt.layer(diagonal, points).properties(title=chart_title(title, "on the dashed diagonal = exactly right"),
                                                  width="container", height=HEIGHT)
