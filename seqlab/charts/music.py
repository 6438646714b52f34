"""Melodies drawn as a piano roll: one bar per note on beats × pitch, the opening apart from what a model wrote."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from seqlab.charts.training import (
    FIT_WIDTH,
    HEIGHT,
    axis,
    chart_title,
    dash_scale,
    describe,
    empty_chart,
    label_scale,
    legend,
    shape_scale,
)
from seqlab.data.notes import IN_KEY, NAMES, Event, pitch_name

OPENING = "opening"  # the part a melody was continued from; every other part is what a model wrote
OPENING_GREY = "#6b6b6b"
OUT_OF_KEY = "out of key"  # not in C major / A minor, the key every chorale is transposed to
CROSS = "M-1,-1L1,1M-1,1L1,-1"  # an ✕ as an SVG path, drawn by its stroke
OUT_OF_KEY_MARK = "#000000"
ROW_PX, MIN_HEIGHT, MAX_HEIGHT = 20, 200, 480  # pixels a semitone takes, within these bounds
# pixels a pitch label needs (the house's 14 px font and Vega's overlap check, which dropped every other label of
# rows 16 px apart): more labels than fit are thinned to the naturals, then to the Cs
LABEL_PX = 19
NATURALS = {0, 2, 4, 5, 7, 9, 11}  # pitch classes of the white keys
TYPES = {"start": float, "beats": float, "end": float, "pitch": int, "name": str, "part": str, "in_key": bool}
# A MIDI number's name inside Vega (the axis labels): NAMES indexed by pitch class, then the octave
_NAME_EXPR = f"{list(NAMES)}[datum.value % 12] + (floor(datum.value / 12) - 1)"


def roll_frame(events: list[Event], part: str, start: float = 0.0) -> pd.DataFrame:
    """The notes of `events` as piano_roll's rows, beginning at beat `start` (a continuation starts where its
    opening ended): start, beats, end, pitch, name, part, in_key. Rests draw nothing but take their time."""
    rows, at = [], float(start)
    for event in events:
        if event.pitch is not None:
            rows.append({"start": at, "beats": float(event.beats), "end": at + float(event.beats),
                         "pitch": int(event.pitch), "name": event.name, "part": part, "in_key": event.in_key})
        at += float(event.beats)
    return pd.DataFrame(rows, columns=list(TYPES)).astype(TYPES)


def _pitch_ticks(pitches, height: int) -> list[int]:
    """The pitches to label on an axis `height` pixels tall: every one played while a semitone has room for a label,
    else the naturals in their range while they fit, else the Cs."""
    played = sorted({int(p) for p in pitches})
    if height / (played[-1] - played[0] + 1.2) >= LABEL_PX:
        return played
    for classes in (NATURALS, {0}):
        ticks = [p for p in range(played[0], played[-1] + 1) if p % 12 in classes]
        if len(ticks) <= height // LABEL_PX:
            return ticks
    return [played[0], played[-1]]


def piano_roll(frame: pd.DataFrame, title: str = "") -> alt.Chart:
    """One bar per note, from its start to its end in beats (x) at its pitch (y, labelled with note names).
    The opening is grey and faint, what a model wrote in its colour and solid, with a rule where the model takes
    over; a note outside C major / A minor gets a black outline and an ✕. `frame`: roll_frame's columns (name and
    in_key optional). Tooltips give each note's name, start, length, part and key."""
    if frame.empty:
        return empty_chart("no notes to draw yet", title=title)
    frame = _complete(frame)
    parts = list(dict.fromkeys(frame["part"]))
    written = [p for p in parts if p != OPENING]
    models = label_scale(written) if written else alt.Scale(domain=[], range=[])
    domain = [OPENING] * (OPENING in parts) + list(models.domain)
    colours = alt.Scale(domain=domain, range=[OPENING_GREY] * (OPENING in parts) + list(models.range))
    # the second channel, whatever the colours: the opening faint, the model's notes solid (one legend holds both)
    faint = alt.Scale(domain=domain, range=[0.4 if part == OPENING else 0.95 for part in domain])
    lowest, highest = int(frame["pitch"].min()), int(frame["pitch"].max())
    beats = alt.Scale(domain=[float(frame["start"].min()), float(frame["end"].max())], nice=False)
    x, middle = (alt.X(f"{field}:Q", scale=beats, axis=axis("beats (quarter notes)", tickMinStep=1))
                 for field in ("start", "middle"))
    height = min(MAX_HEIGHT, max(MIN_HEIGHT, ROW_PX * (highest - lowest + 2)))
    # tickCount too: Vega thins given values down to it, and its default is one per 40 px
    ticks = _pitch_ticks(frame["pitch"], height)
    y = alt.Y("low:Q", title=None, scale=alt.Scale(domain=[lowest - 0.6, highest + 0.6], nice=False, zero=False),
              axis=axis(None, values=ticks, tickCount=len(ticks), labelExpr=_NAME_EXPR, labelOverlap="greedy"))
    tooltip = [alt.Tooltip("name:N", title="note"), alt.Tooltip("start:Q", title="starts at beat", format="~g"),
               alt.Tooltip("beats:Q", title="length (beats)", format="~g"), alt.Tooltip("part:N"),
               alt.Tooltip("key:N", title="key")]
    base = alt.Chart(frame)
    layers = [base.mark_rect(cornerRadius=2).encode(
        x=x, x2="end:Q", y=y, y2="high:Q", tooltip=tooltip,
        color=alt.Color("part:N", scale=colours, legend=legend("part", symbolStrokeWidth=0)),
        opacity=alt.Opacity("part:N", scale=faint, legend=legend("part", symbolStrokeWidth=0)),
        stroke=alt.condition(alt.datum.in_key, alt.value(None), alt.value(OUT_OF_KEY_MARK)),
        strokeWidth=alt.condition(alt.datum.in_key, alt.value(0), alt.value(2)))]
    if not frame["in_key"].all():
        layers.append(base.transform_filter(~alt.datum.in_key).mark_point(
            filled=False, size=60, strokeWidth=2.5, color=OUT_OF_KEY_MARK).encode(
            x=middle, y=alt.Y("pitch:Q", title=None), tooltip=tooltip,
            shape=alt.Shape("key:N", scale=alt.Scale(domain=[OUT_OF_KEY], range=[CROSS]),
                            legend=legend(None, columns=1))))
    return alt.layer(*layers, *_handover(frame)).properties(
        title=chart_title(title or "The melody", ["faint: the opening · solid: what the model wrote",
                                                  "✕: a note out of the key (C major / A minor)"]),
        height=height, width="container", autosize=FIT_WIDTH, description=_described(frame, parts))


def _complete(frame: pd.DataFrame) -> pd.DataFrame:
    """The frame with what drawing needs, typed (a frame concatenated with an empty one holds objects): names and
    keys if missing, a bar's bottom and top, a note's middle."""
    frame = frame.reset_index(drop=True).astype({"start": float, "end": float, "beats": float, "pitch": int})
    if "name" not in frame:
        frame = frame.assign(name=[pitch_name(p) for p in frame["pitch"]])
    in_key = frame["in_key"].astype(bool) if "in_key" in frame else frame["pitch"].mod(12).isin(IN_KEY)
    return frame.assign(in_key=in_key, key=in_key.map({True: "in key", False: OUT_OF_KEY}),
                        low=frame["pitch"] - 0.45, high=frame["pitch"] + 0.45,  # a bar 0.9 semitones thick
                        middle=(frame["start"] + frame["end"]) / 2)


def _handover(frame: pd.DataFrame) -> list[alt.Chart]:
    """A dashed rule and a label where the model takes over from the opening; nothing without both."""
    written = frame[frame["part"] != OPENING]
    if written.empty or written.shape[0] == frame.shape[0]:
        return []
    handover = pd.DataFrame({"start": [float(written["start"].min())], "label": ["model writes →"]})
    rule = alt.Chart(handover).mark_rule(strokeDash=[4, 3], color="#333333").encode(x="start:Q")
    label = alt.Chart(handover).mark_text(align="left", dx=4, dy=-6, fontSize=12, color="#333333").encode(
        x="start:Q", y=alt.value(0), text="label:N")
    return [rule, label]


def _described(frame: pd.DataFrame, parts: list[str]) -> str:
    """What a screen reader hears: how many notes, their range and length, how many per part and out of key."""
    counts = frame.groupby("part", sort=False).size()
    span = float(frame["end"].max() - frame["start"].min())
    names = frame["name"].to_numpy()
    what = (f"Piano roll of {len(frame)} notes from {names[frame['pitch'].argmin()]} to "
            f"{names[frame['pitch'].argmax()]} over {span:g} beats "
            f"({', '.join(f'{n} {part}' for part, n in counts.items())}), {int((~frame['in_key']).sum())} out of key")
    return describe(what, parts)


def in_key_chart(frame: pd.DataFrame, bach: float | None = None,
                 title: str = "Notes written in the key, epoch by epoch") -> alt.Chart:
    """The share of each model's written notes in the key per epoch (`frame`: label, seed, epoch, in_key), the mean
    over its seeds as a line with points shaped by architecture and a band from the lowest to the highest seed;
    `bach` draws the share in his own training melodies as a dashed rule."""
    if frame.empty:
        return empty_chart("no melodies written yet", title, "Line chart of the share of notes in the key")
    tidy = frame.groupby(["label", "epoch"], sort=False)["in_key"].agg(
        in_key="mean", lo="min", hi="max", seeds="count").reset_index()
    labels = label_scale(tidy["label"])
    lowest = min(float(tidy["lo"].min()), bach if bach is not None and np.isfinite(bach) else 1.0)
    floor = max(0.0, np.floor(lowest * 10 - 0.5) / 10)  # the axis starts a little under the lowest share, by tens
    base = alt.Chart(tidy).encode(
        x=alt.X("epoch:Q", axis=axis("epoch (0 = before training)", format="d", tickMinStep=1)),
        y=alt.Y("in_key:Q", axis=axis("notes in the key", format="%"), scale=alt.Scale(domain=[floor, 1])),
        color=alt.Color("label:N", scale=labels, legend=legend("model")),
        tooltip=["label:N", "epoch:Q", alt.Tooltip("in_key:Q", format=".0%", title="in the key (mean)"),
                 alt.Tooltip("lo:Q", format=".0%", title="lowest seed"),
                 alt.Tooltip("hi:Q", format=".0%", title="highest seed"), "seeds:Q"])
    layers = [base.mark_line(strokeWidth=2.5).encode(  # the points' layer holds the legend: clean symbols
                  color=alt.Color("label:N", scale=labels, legend=None),
                  strokeDash=alt.StrokeDash("label:N", scale=dash_scale(labels.domain), legend=None)),
              base.mark_point(filled=True, size=60).encode(shape=alt.Shape(
                  "label:N", scale=shape_scale(labels.domain), legend=legend("model")))]
    if tidy["seeds"].max() > 1:
        layers.append(base.mark_area(opacity=0.15).encode(y="lo:Q", y2="hi:Q"))
    if bach is not None and np.isfinite(bach):
        rule = pd.DataFrame({"in_key": [bach], "text": [f"Bach's melodies: {bach:.0%}"]})
        line = alt.Chart(rule).mark_rule(strokeDash=[6, 4], color="#555555", strokeWidth=2).encode(y="in_key:Q")
        layers += [line, line.mark_text(align="right", baseline="top", dx=-4, dy=4, fontSize=13,
                                        color="#555555").encode(x=alt.value({"expr": "width"}), text="text:N")]
    described = describe("Line chart of the share of written notes in the key per epoch", tidy["label"])
    return alt.layer(*layers).properties(title=chart_title(title, "mean over seeds, band: lowest to highest seed"),
                                         width="container", autosize=FIT_WIDTH, height=HEIGHT, description=described)
