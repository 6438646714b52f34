"""Charts of the Runs page: saved runs' loss curves overlaid (raw and smoothed), and a setting against the loss."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from seqlab.charts.training import HEIGHT, LABEL_COLOURS, SPARE_COLOURS, axis, chart_title, legend

RAW_OPACITY = 0.25  # TensorBoard draws the raw curve faintly behind the smoothed one
RUN_COLOURS = ["#4c78a8", "#e45756", "#54a24b", *SPARE_COLOURS]
ARCHITECTURES = ("RNN", "LSTM", "GRU", "TCN", "Transformer")
ARCH_SCALE = alt.Scale(domain=list(ARCHITECTURES), range=[LABEL_COLOURS[a] for a in ARCHITECTURES])


def _colours(frame: pd.DataFrame) -> alt.Scale:
    """Each architecture's house colour when every run is a different one; otherwise a colour per run."""
    runs = frame.drop_duplicates("run")
    if runs["arch"].is_unique and set(runs["arch"]) <= set(LABEL_COLOURS):
        return alt.Scale(domain=list(runs["run"]), range=[LABEL_COLOURS[a] for a in runs["arch"]])
    domain = list(runs["run"])
    return alt.Scale(domain=domain, range=[RUN_COLOURS[i % len(RUN_COLOURS)] for i in range(len(domain))])


def overlay_chart(frame: pd.DataFrame, metric: str, log_scale: bool = True, smoothed: bool = True) -> alt.LayerChart:
    """One line per saved run: the smoothed curve solid and the raw one faint behind it.

    `frame`: run, arch, task, epoch, value, smoothed (as from seqlab.training.runlog.overlay_frame)."""
    keep = np.isfinite(frame["value"]) & ((frame["value"] > 0) if log_scale else True)
    data = frame[keep].astype({"run": str})
    scale = alt.Scale(type="log") if log_scale else alt.Scale(zero=False)
    base = alt.Chart(data).encode(
        x=alt.X("epoch:Q", axis=axis("epoch", format="d")),
        color=alt.Color("run:N", scale=_colours(data), legend=legend("run")),
    )
    shown = "smoothed" if smoothed else "value"
    raw = base.mark_line(opacity=RAW_OPACITY if smoothed else 1.0, strokeWidth=1.5).encode(
        y=alt.Y("value:Q", scale=scale, axis=axis(f"{metric}{' (log scale)' if log_scale else ''}")))
    line = base.mark_line(strokeWidth=2.5, point=True).encode(
        y=alt.Y(f"{shown}:Q", scale=scale),
        tooltip=["run:N", "task:N", "epoch:Q", alt.Tooltip("value:Q", format=".4g", title=metric),
                 alt.Tooltip("smoothed:Q", format=".4g")],
    )
    layers = [raw, line] if smoothed else [line]
    return alt.layer(*layers).properties(
        height=HEIGHT + 40, title=chart_title(f"{metric} per epoch", "faint: as recorded; solid: smoothed"
                                              if smoothed else ""))


def setting_chart(table: pd.DataFrame, setting: str, shown: str, log_x: bool = False,
                  loss: str = "val_loss") -> alt.Chart:
    """Each saved run as a point: a setting across, its final validation loss up, coloured by architecture."""
    data = table[np.isfinite(pd.to_numeric(table[loss], errors="coerce")) & table[setting].notna()]
    data = data.assign(**{loss: pd.to_numeric(data[loss]), setting: pd.to_numeric(data[setting])})
    positive = (data[loss] > 0).all()
    return alt.Chart(data[["run", "arch", setting, loss]]).mark_circle(size=160, opacity=0.85).encode(
        x=alt.X(f"{setting}:Q", scale=alt.Scale(type="log") if log_x else alt.Scale(zero=False), axis=axis(shown)),
        y=alt.Y(f"{loss}:Q", scale=alt.Scale(type="log") if positive else alt.Scale(zero=False),
                axis=axis("final validation loss")),
        color=alt.Color("arch:N", scale=ARCH_SCALE, legend=legend("architecture")),
        tooltip=["run:N", alt.Tooltip(f"{setting}:Q", title=shown), alt.Tooltip(f"{loss}:Q", format=".4g")],
    ).properties(height=HEIGHT, title=chart_title(f"{shown} against the final validation loss",
                                                  "one point per saved run"))
