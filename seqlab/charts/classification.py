"""Altair charts for classifiers: a confusion-matrix heatmap and a gallery of misclassified digit images."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from seqlab.charts.training import FONT

CELL = 34  # pixels per confusion-matrix cell: ten classes fit a projector-sized chart
DIGIT_PIXELS = 72  # width and height of one drawn 8x8 digit
TILE_SPACING = 32  # between digits, so that each title (on two lines, about 80 px wide) stays over its own image
PAPER = "#f2f2f2"  # grey level 0: a faint square, so each 8x8 image shows its edges
GALLERY_COLUMNS = 3  # 3 tiles and their gaps, about 330 px: a phone's width


def confusion_chart(confusion: pd.DataFrame, title: str = "Confusion matrix (test)") -> alt.LayerChart:
    """Heatmap of (true, predicted, count) rows: colour is the share of each true class, text the count.

    Rows are true classes, columns predicted ones, both in the order they first appear in `confusion`;
    a perfect classifier fills the diagonal only.
    """
    classes = list(dict.fromkeys(confusion["true"].astype(str)))
    data = confusion.assign(true=confusion["true"].astype(str), predicted=confusion["predicted"].astype(str))
    totals = data.groupby("true")["count"].transform("sum")
    data = data.assign(share=np.where(totals > 0, data["count"] / totals.where(totals > 0, 1), 0.0))
    size = max(CELL * len(classes), 120)
    base = alt.Chart(data).encode(
        x=alt.X("predicted:N", sort=classes, title="predicted class", axis=alt.Axis(labelAngle=0, **FONT)),
        y=alt.Y("true:N", sort=classes, title="true class", axis=alt.Axis(**FONT)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=alt.Color("share:Q", scale=alt.Scale(domain=[0, 1], range=["#ffffff", "#08519c"], interpolate="lab"),
                        legend=alt.Legend(title="share of true class", format=".0%")),
        tooltip=["true:N", "predicted:N", "count:Q", alt.Tooltip("share:Q", format=".1%")],
    )
    counts = base.mark_text(fontSize=12).encode(
        text=alt.Text("count:Q"),
        color=alt.condition("datum.share > 0.5", alt.value("white"), alt.value("#222222")),
    ).transform_filter("datum.count > 0")
    described = (f"Heatmap of the confusion matrix over {len(classes)} classes: true class down, predicted class "
                 "across, colour the share of each true class, text the count.")
    return (cells + counts).properties(title=title, width=size, height=size, description=described)


def digit_pixels(examples: pd.DataFrame) -> pd.DataFrame:
    """Tidy (example, row, column, value, title) rows of the 8x8 `image` of each example."""
    frames = []
    for k, ex in enumerate(examples.itertuples(index=False)):
        image = np.asarray(ex.image, dtype=float)  # (8, 8), 0 = paper, 1 = ink
        rows, cols = np.indices(image.shape)
        frames.append(pd.DataFrame({"example": k, "row": rows.ravel(), "column": cols.ravel(),
                                    "value": image.ravel(), "title": f"true {ex.true} → predicted {ex.predicted}"}))
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["example", "row", "column", "value", "title"])


def digit_gallery_chart(examples: pd.DataFrame, title: str = "Misclassified digits",
                        columns: int = GALLERY_COLUMNS) -> alt.ConcatChart | alt.Chart:
    """Small grey images of digits, each titled "true 3 → predicted 8", e.g. from `misclassified()`.

    `examples` needs columns true, predicted and image (an 8x8 array of values in [0, 1]).
    """
    pixels = digit_pixels(examples)
    if pixels.empty:
        return alt.Chart(pd.DataFrame({"text": ["no misclassified digits"]})).mark_text(fontSize=14).encode(
            text="text:N").properties(title=title, width=300, height=40, description="No misclassified digits.")
    tiles = [_digit_tile(pixels[pixels["example"] == k]) for k in pixels["example"].unique()]
    said = "; ".join(dict.fromkeys(pixels["title"]))
    return alt.concat(*tiles, columns=columns, spacing=TILE_SPACING, title=alt.Title(title, fontSize=16),
                      description=f"Images of {len(tiles)} misclassified digits: {said}.").configure_view(stroke=None)


def _digit_tile(pixels: pd.DataFrame) -> alt.Chart:
    """One 8x8 image as a heatmap: dark ink on white paper, row 0 at the top."""
    no_axis = alt.Axis(labels=False, ticks=False, domain=False, title=None)
    true, predicted = pixels["title"].iloc[0].split(" → ")  # on two short lines: three tiles fit a phone's width
    return alt.Chart(pixels).mark_rect().encode(
        x=alt.X("column:O", axis=no_axis),
        y=alt.Y("row:O", axis=no_axis),
        color=alt.Color("value:Q", scale=alt.Scale(domain=[0, 1], range=[PAPER, "#000000"]), legend=None),
        tooltip=["row:O", "column:O", alt.Tooltip("value:Q", format=".2f")],
    ).properties(title=alt.Title([true, f"→ {predicted}"], fontSize=12, fontWeight="normal"),
                 width=DIGIT_PIXELS, height=DIGIT_PIXELS)
