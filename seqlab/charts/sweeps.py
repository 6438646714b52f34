"""Charts of a sweep's results: a final loss or test metric against a swept setting, per architecture, over seeds."""

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
    label_scale,
    legend,
    shape_scale,
)


def setting_chart(results: pd.DataFrame, setting: str, value: str = "val_loss", shown: str = "",
                  value_title: str = "final validation loss") -> alt.LayerChart:
    """Each run a faint point (setting across, `value` up), and per architecture the mean over its runs at each
    setting as a line: what the setting does, with the spread over seeds in sight.

    `results`: one row per run with `label`, `setting` and `value` (as from seqlab.sweep.reading.read_results)."""
    # the setting under a plain field name: Vega reads a dot ("train.lr") as a nested field and would draw nothing
    data = results[["key", "label", setting, value]].rename(columns={setting: "setting"})
    data[value] = pd.to_numeric(data[value], errors="coerce")
    data = data[np.isfinite(data[value])]
    numeric = pd.api.types.is_numeric_dtype(data["setting"]) and not pd.api.types.is_bool_dtype(data["setting"])
    kind = "Q" if numeric else "N"
    if not numeric:
        data["setting"] = data["setting"].astype(str)
    positive = bool(len(data)) and (data[value] > 0).all()
    y_scale = alt.Scale(type="log") if positive else alt.Scale(zero=False)
    x_scale = alt.Scale(zero=False) if numeric else alt.Undefined
    named = shown or setting
    x = alt.X(f"setting:{kind}", axis=axis(named), scale=x_scale)
    colours = label_scale(data["label"])
    colour = alt.Color("label:N", scale=colours, legend=legend("architecture"))
    points = alt.Chart(data).mark_circle(size=70, opacity=0.45).encode(
        x=x, y=alt.Y(f"{value}:Q", scale=y_scale, axis=axis(value_title)), color=colour,
        tooltip=["label:N", "key:N", alt.Tooltip(f"setting:{kind}", title=named),
                 alt.Tooltip(f"{value}:Q", format=".4g", title=value_title)])
    means = data.groupby(["label", "setting"], sort=False)[value].agg(["mean", "count"]).reset_index()
    # each architecture's mean by its point shape and dash pattern as well as its colour: the lines cross and overlap
    line = alt.Chart(means).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=80)).encode(
        x=x, y=alt.Y("mean:Q", scale=y_scale), color=colour,
        shape=alt.Shape("label:N", scale=shape_scale(colours.domain), legend=legend("architecture")),
        strokeDash=alt.StrokeDash("label:N", scale=dash_scale(colours.domain), legend=None),
        tooltip=["label:N", alt.Tooltip(f"setting:{kind}", title=named),
                 alt.Tooltip("mean:Q", format=".4g", title=f"mean {value_title}"),
                 alt.Tooltip("count:Q", title="runs")])
    described = describe(f"Scatter plot of each run's {value_title} against {named}, with a line through "
                         "each architecture's mean over its runs", colours.domain)
    return alt.layer(points, line).properties(
        height=HEIGHT, width="container", autosize=FIT_WIDTH, description=described,
        title=chart_title(value_title[:1].upper() + value_title[1:], [f"against {named}",
                                                                     "points: runs (seeds); line: their mean"]))
