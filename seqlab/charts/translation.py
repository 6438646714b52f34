"""Translation charts: accuracy against input length with and without attention, and an attention heatmap."""

from __future__ import annotations

import altair as alt
import pandas as pd

from seqlab.charts.training import DASHED, FIT_WIDTH, SOLID, chart_title, describe, label_scale, legend, shape_scale

SCORES = {"exact_match": "exact match", "char_accuracy": "character accuracy"}


def length_accuracy_chart(frame: pd.DataFrame, metric: str = "exact_match", title: str = "") -> alt.Chart:
    """Mean over seeds of `metric` in each input-length group, one line per model, with the seeds' range as a
    band. `frame`: label, seed, length, lengths, n, exact_match, char_accuracy (analysis.translation)."""
    name = SCORES.get(metric, metric)
    grouped = frame.groupby(["label", "length", "lengths"], as_index=False, sort=False).agg(
        mean=(metric, "mean"), low=(metric, "min"), high=(metric, "max"), n=("n", "first"), seeds=("seed", "nunique"))
    grouped["attention"] = grouped["label"].str.contains("attention").map({True: "with", False: "without"})
    colours = label_scale(grouped["label"].unique())
    colour = alt.Color("label:N", scale=colours, legend=legend("model"))
    x = alt.X("length:Q", title="input length (characters)", scale=alt.Scale(zero=False))
    y = alt.Y("mean:Q", title=f"test {name}", scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%"))
    tooltip = ["label", alt.Tooltip("lengths:N", title="input lengths"), "n:Q",
               alt.Tooltip("mean:Q", title=name, format=".1%"), "seeds:Q"]
    base = alt.Chart(grouped)
    band = base.mark_area(opacity=0.2).encode(x=x, y="low:Q", y2="high:Q", color=colour)
    # a model told apart by more than its colour: the cell by its point shape, attention solid and none dashed
    line = base.mark_line(strokeWidth=2.5).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        strokeDash=alt.StrokeDash("attention:N", scale=alt.Scale(domain=["with", "without"], range=[SOLID, DASHED]),
                                  legend=legend("attention", columns=1, symbolType="stroke")))
    points = base.mark_point(filled=True, size=60).encode(
        x=x, y=y, color=colour, tooltip=tooltip,
        shape=alt.Shape("label:N", scale=shape_scale(colours.domain), legend=legend("model")))
    described = describe(f"Line chart of the test {name} against the input length, the mean over seeds with a band "
                         "from the lowest to the highest seed", colours.domain)
    # the band last: a layer drawn first would lend the legend its faint symbols
    return (line + points + band).properties(
        title=chart_title(title or f"Test {name} against input length", "solid: with attention · dashed: without"),
        height=320, width="container", autosize=FIT_WIDTH, description=described)


def attention_heatmap(frame: pd.DataFrame, title: str = "") -> alt.Chart:
    """Target characters (rows) × source characters (columns), shaded by attention weight.
    `frame`: out, out_char, source_pos, source_char, weight (analysis.translation.attention_map)."""
    columns = list(dict.fromkeys(frame.sort_values("source_pos")["source_char"]))
    rows = list(dict.fromkeys(frame.sort_values("out")["out_char"]))
    return alt.Chart(frame).mark_rect().encode(
        x=alt.X("source_char:N", sort=columns, title="source character (read left to right)",
                axis=alt.Axis(labelAngle=0, labelExpr="split(datum.label, ': ')[1]")),
        y=alt.Y("out_char:N", sort=rows, title="output character",
                axis=alt.Axis(labelExpr="split(datum.label, ': ')[1]")),
        color=alt.Color("weight:Q", scale=alt.Scale(scheme="blues", domain=[0, 1]), legend=legend("attention")),
        tooltip=[alt.Tooltip("out_char:N", title="output"), alt.Tooltip("source_char:N", title="source"),
                 alt.Tooltip("weight:Q", format=".2f")],
    ).properties(title=title or "Where the decoder looks", height=alt.Step(22), width="container", autosize=FIT_WIDTH,
                 description=f"Heatmap of attention weights: for each of the {len(rows)} output characters, how much "
                             f"the decoder looks at each of the {len(columns)} source characters.")
