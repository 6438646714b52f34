"""Charts of forecasts judged over many origins: the backtest's folds, and the error against the horizon."""

from __future__ import annotations

import altair as alt
import pandas as pd

from seqlab.charts.training import HEIGHT, axis, chart_title, label_scale, legend

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
    return (spread + points + mean).properties(
        height=max(120, 34 * len(labels)), width="container",
        title=chart_title("Rolling-origin backtest", f"test MSE in each of {folds} consecutive folds of the test "
                                                     "years (points), their range and mean (tick)"))


def horizon_chart(errors: pd.DataFrame, unit: str = "") -> alt.Chart:
    """Test MSE against the number of steps ahead: each model's direct head (solid) and recursive forecast
    (dashed), and every baseline (dotted)."""
    frame = errors.assign(series=errors["label"] + errors["method"].map({"direct": " · direct",
                                                                          "recursive": " · recursive",
                                                                          "baseline": ""}))
    labels = list(frame["label"].drop_duplicates())
    return alt.Chart(frame).mark_line(point=True).encode(
        x=alt.X("horizon:Q", axis=axis("steps ahead", tickMinStep=1)),
        y=_y(unit),
        color=alt.Color("label:N", scale=label_scale(labels), legend=legend(None)),
        strokeDash=alt.StrokeDash("method:N", scale=alt.Scale(domain=list(METHOD_DASH),
                                                               range=list(METHOD_DASH.values())),
                                  legend=legend("forecast")),
        detail="series:N",
        tooltip=["series", "horizon", alt.Tooltip("mse:Q", format=".4g")],
    ).properties(height=HEIGHT, width="container",
                 title=chart_title("Error against horizon", "test MSE at each step ahead, on the same origins"))
