"""Altair charts of gradients back through time, per-layer gradient norms and gate and state heatmaps."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd

from seqlab.charts.training import (
    DASHED,
    FIT_WIDTH,
    FONT,
    HEIGHT,
    PANEL_WIDTH,
    axis,
    chart_title,
    dash_scale,
    describe,
    empty_chart,
    label_scale,
    legend,
    shape_scale,
)

FLOOR_LOG10 = -300.0  # seqlab.analysis.diagnostics.FLOOR_LOG10; charts import no torch
MARK_COLOUR = "#ff7f0e"  # outline of the key steps (the adding problem's marked numbers, copy's symbols)
MAX_UNITS = 32  # heatmap rows per panel
MAX_CELLS = 4_800  # heatmap cells per panel, under Altair's 5000-row limit
LAYER_ORDER = ["embedding", "l0", "l1", "l2", "l3", "head", "total"]
# diverging for signed signals, sequential for gates in [0, 1]
_DIVERGING = {"scheme": "redblue", "reverse": True}
_SEQUENTIAL = {"scheme": "viridis"}
_UNIT_RANGE = {"i", "f", "o", "r", "z"}  # sigmoid gates
_TANH_RANGE = {"g", "n", "h"}  # tanh outputs (h of an LSTM, GRU or tanh RNN)


def layer_title(layer) -> str:
    """Display name of a layer: 0 or "l0" -> "layer 1"; "head", "embedding", "total" unchanged."""
    text = str(layer)
    if text.isdigit():
        return f"layer {int(text) + 1}"
    return f"layer {int(text[1:]) + 1}" if text[:1] == "l" and text[1:].isdigit() else text


def _with_floor_position(frame: pd.DataFrame) -> tuple[pd.DataFrame, float]:
    """Add `shown` (the y drawn) and `value` (the tooltip text); floor rows sit on a line just below the
    lowest measured value, so one zero does not squash the measured curves against the top of a 300-decade axis."""
    measured = frame.loc[~frame["below_floor"], "log10_norm"]
    floor_y = float(np.floor(measured.min()) - 1) if len(measured) else FLOOR_LOG10
    shown = frame["log10_norm"].where(~frame["below_floor"], floor_y)
    value = frame["log10_norm"].map("{:.2f}".format).where(~frame["below_floor"], "below 1e-300 (-300)")
    return frame.assign(shown=shown, value=value), floor_y


def _floor_rule(y: float, text: str) -> alt.LayerChart:
    frame = pd.DataFrame({"shown": [y], "text": [text]})
    rule = alt.Chart(frame).mark_rule(strokeDash=DASHED, color="#555555", strokeWidth=1.5).encode(y="shown:Q")
    label = rule.mark_text(align="left", baseline="bottom", dx=6, dy=-4, fontSize=13, color="#555555")
    return rule + label.encode(x=alt.value(0), text="text:N")


def seed_band(frame: pd.DataFrame) -> pd.DataFrame:
    """Curves of several seeds per label as one per label: the mean log10 norm over the seeds whose norm was
    measured, with `lo` and `hi` (the lowest and highest seed: the band) and `seeds`; below the floor only where
    every seed is. A frame without a seed column, or with one seed per label, comes back as it was."""
    if "seed" not in frame or not frame.groupby("label")["seed"].nunique().gt(1).any():
        return frame
    keys = [k for k in ("label", "arch", "layer", "epoch", "steps_back") if k in frame and frame[k].notna().any()]
    measured = frame.assign(log10_norm=frame["log10_norm"].where(~frame["below_floor"].astype(bool)))
    grouped = measured.groupby(keys, sort=False, dropna=False)
    out = grouped["log10_norm"].agg(log10_norm="mean", lo="min", hi="max").reset_index()
    out["seeds"] = grouped["seed"].nunique().to_numpy()
    out["below_floor"] = out["log10_norm"].isna()
    out["log10_norm"] = out["log10_norm"].fillna(FLOOR_LOG10)
    return out


def grad_through_time_chart(frame: pd.DataFrame, title: str = "How far back the gradient reaches",
                            quantity: str = "||dL/dh_t||", edges: dict[str, int] | None = None) -> alt.Chart:
    """log10 ||dL/dh_t|| (or another `quantity`, such as ||dL/dx_t||) against steps back from the loss, one line
    per label (and dash per layer). `edges`: label -> steps a model sees (a TCN's receptive field), each drawn as a
    vertical rule where its view ends.

    `frame`: columns label, steps_back, log10_norm, below_floor, and optionally layer (as from
    `seqlab.analysis.diagnostics.compare_grad_norms`). Norms below 1e-300 (zero even in float64: underflow, or a
    saturated tanh) are not drawn as values but as triangles on a dashed line under the measured
    curves, labelled "below 1e-300".
    """
    banded = seed_band(frame)
    several = "lo" in banded
    described = describe("Line chart of log10 of the gradient norm against steps back from the loss",
                         banded["label"] if "label" in banded else [])
    if banded.empty:  # nothing measured yet: say so rather than draw axes over nothing
        return empty_chart("no gradient measured yet", title, described)
    frame = banded.reindex(columns=["label", "layer", "steps_back", "log10_norm", "below_floor", "lo", "hi"]).copy()
    # tables from records have no layer: their curves are the last layer's
    frame["layer"] = ["last layer" if pd.isna(v) else layer_title(v) for v in frame["layer"]]
    frame, floor_y = _with_floor_position(frame.astype({"label": str, "below_floor": bool}))
    layers = list(dict.fromkeys(frame["layer"]))
    colours = label_scale(frame["label"])
    # each layer reads only its own rows, split here and not by a Vega filter: a filter that leaves a layer empty
    # makes Vega warn of an "infinite extent" at every redraw
    measured, floored = frame[~frame["below_floor"]], frame[frame["below_floor"]]
    base = alt.Chart(frame).encode(
        x=alt.X("steps_back:Q", axis=axis("steps back from the loss (0 = the step the loss reads)", format="d")),
        y=alt.Y("shown:Q", axis=axis(f"log10 of {quantity}"), scale=alt.Scale(zero=False)),
        color=alt.Color("label:N", scale=colours, legend=legend("run")),
        tooltip=["label:N", "layer:N", "steps_back:Q", alt.Tooltip("value:N", title="log10 norm")],
    )
    shapes = alt.Shape("label:N", scale=shape_scale(colours.domain), legend=legend("run"))
    drawn = []
    if len(measured):
        lines = base.mark_line(strokeWidth=2.5).properties(data=measured)
        if len(layers) > 1:
            lines = lines.encode(strokeDash=alt.StrokeDash("layer:N", sort=layers, legend=legend("layer")))
        drawn += [lines, base.mark_point(filled=True, size=40).encode(shape=shapes).properties(data=measured)]
    if len(floored):
        drawn.append(base.mark_point(shape="triangle-down", filled=True, size=90).properties(data=floored))
    if several and len(measured):  # the spread across seeds behind each mean: lowest to highest seed
        # after the lines: a layer drawn first would lend the legend its faint symbols
        drawn.append(base.mark_area(opacity=0.15).encode(y="lo:Q", y2="hi:Q").properties(data=measured))
    if len(floored):
        drawn.append(_floor_rule(floor_y, "▼ below 1e-300: zero even in float64"))
    drawn += _edge_rules(edges or {}, frame)
    chart = alt.layer(*drawn)
    subtitle = "each 1 down is 10× smaller; a flat line keeps memory, a steep one forgets" + (
        "; lines are means over seeds, bands their range" if several else "")
    return chart.properties(title=chart_title(title, subtitle), width="container", autosize=FIT_WIDTH, height=HEIGHT,
                            description=described)


def _edge_rules(edges: dict[str, int], frame: pd.DataFrame) -> list[alt.Chart]:
    """A dashed vertical rule at the last step each model sees (receptive field - 1 steps back), in its colour."""
    rows = [{"label": label, "steps_back": seen - 1, "text": f"{label} sees {seen} steps"}
            for label, seen in edges.items() if label in set(frame["label"])]
    if not rows:
        return []
    data = pd.DataFrame(rows)
    colour = alt.Color("label:N", scale=label_scale(frame["label"]), legend=None)
    rule = alt.Chart(data).mark_rule(strokeDash=DASHED, strokeWidth=2).encode(x="steps_back:Q", color=colour)
    text = alt.Chart(data).mark_text(align="left", dx=4, dy=8, baseline="top").encode(
        x="steps_back:Q", y=alt.value(0), text="text:N", color=colour)
    return [rule, text]


def layer_grad_norms_chart(frame: pd.DataFrame, clip: float | None = None,
                           title: str = "Weight-gradient norm per layer") -> alt.VConcatChart | alt.Chart:
    """One panel per layer (log scale) of the gradient norm over epochs, a line and point shape per label; the panels
    stack, each as wide as the page (Streamlit's width="stretch" sizes a vconcat's panels).

    `frame`: columns label, epoch, layer, norm (as from `seqlab.analysis.diagnostics.layer_grad_norm_history`).
    `clip` > 0 draws the clipping threshold in the "total" panel: clipping applies to the global norm.
    """
    frame = frame.reindex(columns=["label", "epoch", "layer", "norm"]).astype({"label": str, "layer": str})
    frame = frame.assign(norm=pd.to_numeric(frame["norm"], errors="coerce"))
    frame = frame[np.isfinite(frame["norm"]) & (frame["norm"] > 0)]
    frame = frame.groupby(["label", "epoch", "layer"], sort=False, as_index=False)["norm"].mean()  # over seeds
    frame = frame.assign(panel=lambda f: f["layer"].map(layer_title))
    present = list(dict.fromkeys(frame["layer"]))
    order = [layer for layer in LAYER_ORDER if layer in present] + [lay for lay in present if lay not in LAYER_ORDER]
    threshold = f"clipping threshold {clip:g}" if clip else None
    colours = label_scale([*frame["label"], *([threshold] if threshold else [])], baselines=[threshold])
    described = describe("Line charts of each layer's weight-gradient norm per epoch, one panel per layer",
                         colours.domain)
    if frame.empty:
        return empty_chart("no gradient norms recorded", title, described)
    panels = []
    for layer in order:
        part = frame[frame["layer"] == layer]
        if threshold and layer == "total":  # clipping applies to the global norm: drawn as a dashed grey series
            epochs = sorted(part["epoch"].unique())
            part = pd.concat([part, pd.DataFrame({"label": threshold, "epoch": epochs, "layer": layer, "norm": clip,
                                                  "panel": layer_title(layer)})], ignore_index=True)
        # a single view (line and its points), as Streamlit fits stacked panels to the page only then
        lines = alt.Chart(part).mark_line(strokeWidth=2.5, point=alt.OverlayMarkDef(filled=True, size=50)).encode(
            x=alt.X("epoch:Q", axis=axis("epoch", format="d", tickMinStep=1)),
            y=alt.Y("norm:Q", axis=axis("norm (before clipping)"), scale=alt.Scale(type="log")),
            color=alt.Color("label:N", scale=colours, legend=legend("run")),
            shape=alt.Shape("label:N", scale=shape_scale(colours.domain), legend=legend("run")),
            # the legend shows each run's colour and shape; a dash drawn over a shape would only blur it
            strokeDash=alt.StrokeDash("label:N", scale=dash_scale(colours.domain, [threshold]), legend=None),
            tooltip=["label:N", "panel:N", "epoch:Q", alt.Tooltip("norm:Q", format=".3g")],
        )
        panels.append(lines.properties(title=alt.Title(layer_title(layer), fontSize=15, anchor="start"),
                                       width=PANEL_WIDTH, height=150))
    subtitle = f"dashed grey: the clipping threshold {clip:g} on the total norm" if clip else ""
    return alt.vconcat(*panels, title=chart_title(title, subtitle), description=described, spacing=14)\
        .resolve_scale(y="independent")


def _strongest_units(frame: pd.DataFrame, max_units: int) -> pd.DataFrame:
    """Keep, in each layer, the units whose hidden state h varies most over time (all units if few)."""
    spread = frame[frame["signal"] == "h"].groupby(["layer", "unit"])["value"].std().fillna(0)
    keep = spread.groupby(level="layer", group_keys=False).nlargest(max_units).index
    return frame.set_index(["layer", "unit"]).loc[lambda f: f.index.isin(keep)].reset_index()


def _colour(signal: str, values: pd.Series) -> alt.Scale:
    if signal in _UNIT_RANGE:
        return alt.Scale(domain=[0, 1], **_SEQUENTIAL)
    bound = 1.0 if signal in _TANH_RANGE else max(float(values.abs().max()), 1e-6)
    return alt.Scale(domain=[-bound, bound], **_DIVERGING)


def _heatmap(panel: pd.DataFrame, name: str, marks: list[int] = ()) -> alt.Chart:
    steps, units = panel["step"].nunique(), panel["unit"].nunique()
    tick = max(1, int(np.ceil(steps / 12)))
    signal = panel["signal"].iloc[0]
    # what is drawn, no more; `key` marks the steps that matter for the task, outlined in every unit's cell (within
    # the one view: Streamlit fits stacked panels to the page only when each is a single view, not a layer)
    shown = panel[["step", "unit"]].assign(value=panel["value"].astype(float).round(4),
                                           key=panel["step"].isin(list(marks)))
    key = alt.datum.key
    cells = alt.Chart(shown).mark_rect().encode(
        x=alt.X("step:O", axis=axis("time step", labelAngle=0, grid=False,
                                     values=sorted(panel["step"].unique())[::tick])),
        y=alt.Y("unit:O", axis=axis("unit", grid=False, labelOverlap="parity", labelFontSize=11)),
        color=alt.Color("value:Q", scale=_colour(signal, panel["value"]),
                        legend=alt.Legend(title=None, orient="bottom", gradientLength=200, labelFontSize=12)),
        stroke=alt.condition(key, alt.value(MARK_COLOUR), alt.value("transparent")),
        strokeWidth=alt.condition(key, alt.value(2.0), alt.value(0.0)),
        tooltip=["step:O", "unit:O", alt.Tooltip("value:Q", format=".3f"), alt.Tooltip("key:N", title="key step")],
    )
    return cells.properties(title=alt.Title(name, fontSize=15, anchor="start"), width=PANEL_WIDTH,
                            height=max(9 * units, 60))


def steps_that_fit(units: int) -> int:
    """The most steps a heatmap panel of `units` rows shows before it strides: MAX_CELLS cells in all."""
    return max(1, MAX_CELLS // max(units, 1))


def _every(n: int) -> str:
    """"every 7th", "every 2nd", "every 21st"."""
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"every {n}{suffix}"


def cell_heatmap_chart(traces: pd.DataFrame, signals: list[str] | None = None, max_units: int = MAX_UNITS,
                       title: str = "Inside the cell", marks: list[int] | None = None) -> alt.VConcatChart:
    """A heatmap (time step across, unit down) per layer and signal, stacked; each with its own colour scale.

    `traces`: the table of `seqlab.analysis.diagnostics.cell_traces` (layer, signal, name, step, unit, value), whole or
    already bounded to the units and steps shown (its `attrs` then say how many the sequence had).
    `signals` picks and orders them (default: all, h first). Gates in [0, 1] are coloured from dark
    to yellow, signed values from blue (negative) to red (positive). At most `max_units` units per
    layer (those whose h varies most) and a step stride that keeps a panel under MAX_CELLS cells.
    `marks`: the steps that matter for the task, outlined in orange on every panel and never skipped.
    The subtitle says what was left out.
    """
    frame = _strongest_units(traces, max_units)
    signals = signals or list(dict.fromkeys(frame["signal"]))
    units = int(frame.groupby("layer")["unit"].nunique().max()) if len(frame) else 0  # rows of the tallest panel
    marks = list(marks or [])
    plain = frame.loc[~frame["step"].isin(marks), "step"].nunique()  # the key steps come on top of the stride
    stride = max(1, int(np.ceil(plain / steps_that_fit(units))))
    frame = frame[(frame["step"] % stride == 0) | frame["step"].isin(marks)]  # key steps always stay
    panels = [_heatmap(panel, f"{layer_title(layer)} · {panel['name'].iloc[0]}", marks)
              for layer in sorted(frame["layer"].unique()) for signal in signals
              if len(panel := frame[(frame["layer"] == layer) & (frame["signal"] == signal)])]
    described = (f"Heatmaps over time of each unit's {', '.join(dict.fromkeys(frame['name']))}, one per layer and "
                 "signal" + (f"; the key steps {', '.join(map(str, marks))} are outlined" if marks else "") + ".")
    return alt.vconcat(*panels, title=chart_title(title, _left_out(traces, units, stride, bool(marks))),
                       description=described).resolve_scale(color="independent")


def _left_out(traces: pd.DataFrame, units: int, stride: int, marked: bool) -> str:
    """"the 32 of 512 units whose h varies most (in each layer); every 7th of 1,000 steps and the key steps", or ""
    when all show."""
    all_units = traces.attrs.get("units", traces.groupby("layer")["unit"].nunique().max())
    all_steps = traces.attrs.get("steps", traces["step"].nunique())
    stride *= traces.attrs.get("stride", 1)
    said = [f"the {units} of {all_units} units whose h varies most (in each layer)"] if units < all_units else []
    if stride > 1:
        said.append(f"{_every(stride)} of {all_steps:,} steps" + (" and the key steps" if marked else ""))
    return "; ".join(said)


def attention_chart(table: pd.DataFrame, marks: list[int] | None = None,
                    title: str = "Where each step looks") -> alt.VConcatChart | alt.Chart:
    """A heatmap per layer and head, stacked, each as wide as the page (Streamlit's width="stretch" sizes a vconcat's
    panels), so its cells shrink to fit a phone: the step that looks down, the step looked at across, the attention
    weight from dark (0) to yellow (1). `table`: `seqlab.analysis.diagnostics.attention_table`.
    `marks`: the steps that matter for the task, their columns outlined in orange."""
    shown = table.assign(weight=table["weight"].round(4))
    steps = sorted(shown["key"].unique())
    marked = [m for m in (marks or []) if m in set(steps)]
    stride, all_steps = table.attrs.get("stride", 1), table.attrs.get("steps", len(steps))
    note = f"{_every(stride)} of {all_steps:,} steps" + (" and the key steps" if marked else "") if stride > 1 else ""
    heads = shown[["layer", "head"]].drop_duplicates().sort_values(["layer", "head"])
    described = (f"Heatmaps of attention weights, which step each step looks at, one per layer and head "
                 f"({len(heads)} in all) over {len(steps)} steps"
                 + (f"; the key steps {', '.join(map(str, marked))} are outlined" if marked else "") + ".")
    if shown.empty:
        return empty_chart("no attention recorded", title, described)
    tick = max(1, int(np.ceil(len(steps) / 12)))
    size = max(4, min(12, 480 // max(len(steps), 1)))  # a cell's height; its width follows the page's
    panels = []
    for layer, head in heads.itertuples(index=False):
        part = shown[(shown["layer"] == layer) & (shown["head"] == head)]
        part = part[["layer", "head", "query", "key", "weight"]].assign(marked=part["key"].isin(marked))
        # one view per panel (the key steps outlined by a conditional stroke, not a layer): Streamlit fits a
        # stacked panel to the page only when it is a single view
        cells = alt.Chart(part).mark_rect().encode(
            x=alt.X("key:O", sort=steps, axis=axis("step looked at", labelAngle=0, labelOverlap=True,
                                                    values=steps[::tick])),
            y=alt.Y("query:O", sort=steps, axis=axis("step that looks", labelOverlap=True, values=steps[::tick])),
            color=alt.Color("weight:Q", scale=alt.Scale(scheme="viridis", domain=[0, 1]),
                            legend=alt.Legend(title="attention", orient="bottom", gradientLength=200, **FONT)),
            stroke=alt.condition(alt.datum.marked, alt.value(MARK_COLOUR), alt.value("transparent")),
            strokeWidth=alt.condition(alt.datum.marked, alt.value(1.5), alt.value(0.0)),
            tooltip=["layer:O", "head:O", "query:O", "key:O", alt.Tooltip("weight:Q", format=".3f")],
        )
        panels.append(cells.properties(title=alt.Title(f"layer {layer} · head {head}", fontSize=15, anchor="start"),
                                       width=PANEL_WIDTH, height=max(size * len(steps), 120)))
    return alt.vconcat(*panels, title=chart_title(title, note), description=described, spacing=14)
