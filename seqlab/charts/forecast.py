"""Charts of forecasts judged over many origins: the backtest's folds, and the error against the horizon."""

from __future__ import annotations

import altair as alt
import pandas as pd

from seqlab.charts.training import FIT_WIDTH, HEIGHT, axis, chart_title, describe, label_scale, legend, shape_scale

METHOD_DASH = {"direct": [1, 0], "recursive": [6, 4], "baseline": [2, 3]}


def _title(unit: str) -> str:
    return f"test MSE ({unit}²)" if unit else "test MSE"


def _y(unit: str) -> alt.Y:
    return alt.Y("mse:Q", axis=axis(_title(unit)), scale=alt.Scale(type="log", zero=False))


def backtest_chart(per_fold: pd.DataFrame, unit: str = "") -> alt.Chart:
    """One row per model and baseline: each fold's test MSE as a point, the range between folds as a bar and the
    mean as a tick, so the spread is as visible as the score."""
    labels = list(per_fold["label"].drop_duplicates())
    colour = alt.Color("label:N", scale=label_scale(labels), legend=None)
    y = alt.Y("label:N", sort=labels, axis=axis(None))
    base = alt.Chart(per_fold)
    points = base.mark_circle(size=70, opacity=0.8).encode(
        x=alt.X("mse:Q", axis=axis(_title(unit)), scale=alt.Scale(type="log", zero=False)), y=y, color=colour,
        tooltip=["label", "fold", alt.Tooltip("start"), alt.Tooltip("end"), alt.Tooltip("mse:Q", format=".4g")])
    spread = base.mark_rule(strokeWidth=2, opacity=0.5).encode(x="min(mse):Q", x2="max(mse):Q", y=y, color=colour)
    mean = base.mark_tick(thickness=3, size=22).encode(x="mean(mse):Q", y=y, color=colour,
                                                       tooltip=["label", alt.Tooltip("mean(mse):Q", format=".4g")])
    folds = int(per_fold["fold"].max()) if len(per_fold) else 0
    described = describe(f"Dot plot of the test MSE in each of {folds} backtest folds, with their range and mean",
                         labels)
    return (spread + points + mean).properties(
        height=max(120, 34 * len(labels)), width="container", autosize=FIT_WIDTH, description=described,
        title=chart_title("Rolling-origin backtest", f"test MSE in each of {folds} consecutive folds of the test "
                                                     "years (points), their range and mean (tick)"))


def horizon_chart(errors: pd.DataFrame, unit: str = "") -> alt.Chart:
    """Test MSE against the number of steps ahead: each model's direct head (solid) and recursive forecast
    (dashed), and every baseline (dotted)."""
    frame = errors.assign(series=errors["label"] + errors["method"].map({"direct": " · direct",
                                                                          "recursive": " · recursive",
                                                                          "baseline": ""}))
    labels = list(frame["label"].drop_duplicates())
    colours = label_scale(labels)
    # the method by dash pattern, and each model (architecture) by its point shape as well as its colour; one view
    # (a line with its points), whose points take the shapes
    chart = alt.Chart(frame).mark_line(strokeWidth=2, point=alt.OverlayMarkDef(filled=True, size=60)).encode(
        x=alt.X("horizon:Q", axis=axis("steps ahead", tickMinStep=1)),
        y=_y(unit),
        color=alt.Color("label:N", scale=colours, legend=legend(None)),
        shape=alt.Shape("label:N", scale=shape_scale(colours.domain), legend=legend(None)),
        strokeDash=alt.StrokeDash("method:N", scale=alt.Scale(domain=list(METHOD_DASH),
                                                               range=list(METHOD_DASH.values())),
                                  legend=None),  # said in the subtitle: a line with points lends a legend dots
        detail="series:N",
        tooltip=["series", "horizon", alt.Tooltip("mse:Q", format=".4g")],
    )
    described = describe("Line chart of the test MSE at each step ahead, the direct head solid, the recursive "
                         "forecast dashed and the baselines dotted", labels)
    return chart.properties(
        height=HEIGHT, width="container", autosize=FIT_WIDTH, description=described,
        title=chart_title("Error against horizon", ["test MSE at each step ahead, on the same origins",
                                                      "solid: direct · dashed: recursive · dotted: baselines"]))
