"""Diagnostic charts: specs checked through `chart.to_dict()`, and rendered through real Vega-Lite."""

import math

import pandas as pd
import pytest
import torch
import vl_convert as vlc

from seqlab.analysis import diagnostics
from seqlab.charts import diagnostics as cd
from seqlab.charts.training import DASHED, LABEL_COLOURS
from seqlab.config import ModelConfig
from seqlab.models.recurrent import SequenceModel
from tests.helpers import walk


def all_rows(spec: dict) -> list[dict]:
    return [row for rows_ in spec.get("datasets", {}).values() for row in rows_]


def model(arch: str, hidden: int = 4, layers: int = 1) -> SequenceModel:
    return SequenceModel(ModelConfig(arch=arch, hidden_size=hidden, num_layers=layers), 2, 1, "regression")


def grad_table() -> pd.DataFrame:
    x, y = torch.randn(4, 8, 2), torch.randn(4, 1)
    tables = [diagnostics.grad_norms_through_time(model(a), x, y).assign(label=a.upper()) for a in ("rnn", "gru")]
    frame = pd.concat(tables, ignore_index=True)
    floor = (frame["label"] == "RNN") & (frame["steps_back"] >= 6)  # as a long RNN run underflows
    frame.loc[floor, ["norm", "log10_norm", "below_floor"]] = [0.0, diagnostics.FLOOR_LOG10, True]
    return frame


def layer_table() -> pd.DataFrame:
    rows = [{"label": label, "arch": label.lower(), "epoch": e, "layer": layer, "norm": (e + 1) * scale}
            for label in ("LSTM", "GRU") for e in range(1, 4)
            for layer, scale in (("l0", 0.1), ("head", 0.5), ("total", 2.0))]
    return pd.DataFrame(rows + [{"label": "GRU", "arch": "gru", "epoch": 4, "layer": "l0", "norm": math.nan}])


def test_floor_constant_matches_the_diagnostics():
    assert cd.FLOOR_LOG10 == diagnostics.FLOOR_LOG10


def test_grad_chart_uses_the_label_colours_and_shows_floor_values_apart():
    spec = cd.grad_through_time_chart(grad_table()).to_dict()
    scales = [v["color"]["scale"] for v in walk(spec) if "scale" in v.get("color", {})]
    assert scales[0]["domain"] == ["RNN", "GRU"]
    assert scales[0]["range"] == [LABEL_COLOURS["RNN"], LABEL_COLOURS["GRU"]]
    line = next(v for v in walk(spec) if v.get("mark", {}).get("type") == "line")
    assert not any(row["below_floor"] for row in spec["datasets"][line["data"]["name"]])  # the line skips floor values
    (floor,) = [v for v in walk(spec) if "triangle" in str(v.get("mark"))]  # ...which get their own marks
    assert all(row["below_floor"] for row in spec["datasets"][floor["data"]["name"]])
    assert any("below 1e-300" in str(row.get("text")) for row in all_rows(spec))
    rows = [row for row in all_rows(spec) if "below_floor" in row]
    measured = min(row["shown"] for row in rows if not row["below_floor"])
    assert all(measured - 2 <= row["shown"] < measured for row in rows if row["below_floor"])  # just under, not -300


def test_grad_chart_without_floor_values_has_no_floor_line():
    frame = grad_table()
    spec = cd.grad_through_time_chart(frame[~frame["below_floor"]]).to_dict()
    assert not any("below 1e-300" in str(row.get("text")) for row in all_rows(spec))


def test_grad_chart_dashes_layers_when_there_are_several():
    table = diagnostics.grad_norms_through_time(model("lstm", layers=2), torch.randn(2, 5, 2), torch.randn(2, 1))
    spec = cd.grad_through_time_chart(table.assign(label="LSTM")).to_dict()
    dashes = [v["encoding"]["strokeDash"] for v in walk(spec) if "strokeDash" in v.get("encoding", {})]
    assert [d["field"] for d in dashes] == ["layer"]
    single = cd.grad_through_time_chart(table[table["layer"] == 1].assign(label="LSTM")).to_dict()
    assert not any("strokeDash" in v.get("encoding", {}) for v in walk(single))
    assert {"layer 1", "layer 2"} <= {row["layer"] for row in all_rows(spec)}


def test_layer_chart_has_a_panel_per_layer_in_order_on_a_log_scale_with_the_clip_rule():
    spec = cd.layer_grad_norms_chart(layer_table(), clip=1.0).to_dict()
    assert [panel["title"]["text"] for panel in spec["vconcat"]] == ["layer 1", "head", "total"]
    assert any(v.get("scale", {}).get("type") == "log" for v in walk(spec))
    threshold = [row for row in all_rows(spec) if row["label"] == "clipping threshold 1"]
    assert {row["layer"] for row in threshold} == {"total"} and {row["norm"] for row in threshold} == {1.0}
    dash = next(v["strokeDash"]["scale"] for v in walk(spec) if "strokeDash" in v)
    assert dict(zip(dash["domain"], dash["range"], strict=True))["clipping threshold 1"] == DASHED  # dashed, grey
    assert all(math.isfinite(row["norm"]) for row in all_rows(spec))  # NaN epochs dropped
    plain = cd.layer_grad_norms_chart(layer_table()).to_dict()
    assert not any("clipping" in str(row["label"]) for row in all_rows(plain))  # no threshold, none drawn


def test_heatmaps_stack_one_panel_per_layer_and_signal_with_fitting_colour_scales():
    traces = diagnostics.cell_traces(model("lstm", hidden=3, layers=2), torch.randn(6, 2))
    spec = cd.cell_heatmap_chart(traces).to_dict()
    panels = spec["vconcat"]
    assert len(panels) == 2 * 6 and panels[0]["title"]["text"] == "layer 1 · hidden state h"
    scales = {p["title"]["text"].split(" · ")[1]: p["encoding"]["color"]["scale"] for p in panels[:6]}
    assert scales["forget gate f"]["domain"] == [0, 1] and scales["hidden state h"]["domain"] == [-1, 1]
    assert scales["cell state c"]["domain"][0] == -scales["cell state c"]["domain"][1]


def test_heatmap_keeps_the_most_active_units_and_strides_long_sequences():
    traces = diagnostics.cell_traces(model("gru", hidden=40), torch.randn(300, 2))
    spec = cd.cell_heatmap_chart(traces, signals=["h", "z"], max_units=8).to_dict()
    assert len(spec["vconcat"]) == 2
    for panel in spec["vconcat"]:
        rows = spec["datasets"][panel["data"]["name"]]
        assert len({r["unit"] for r in rows}) == 8 and len(rows) <= cd.MAX_CELLS
    h = traces[traces["signal"] == "h"]
    top = h.groupby("unit")["value"].std().nlargest(8).index
    assert {r["unit"] for r in spec["datasets"][spec["vconcat"][0]["data"]["name"]]} == set(top)


@pytest.mark.parametrize("build", [
    lambda: cd.grad_through_time_chart(grad_table()),
    lambda: cd.layer_grad_norms_chart(layer_table(), clip=1.0),
    lambda: cd.cell_heatmap_chart(diagnostics.cell_traces(model("lstm", hidden=5), torch.randn(12, 2))),
], ids=["grad-through-time", "layer-norms", "heatmaps"])
def test_chart_renders_to_svg(build):
    svg = vlc.vegalite_to_svg(build().to_dict())
    assert svg.startswith("<svg") and "path" in svg


def test_several_seeds_become_a_mean_curve_with_a_band():
    from seqlab.charts.diagnostics import grad_through_time_chart, seed_band

    frame = pd.DataFrame([{"label": "RNN", "seed": s, "steps_back": b, "log10_norm": -b * (1 + s),
                           "below_floor": False} for s in range(3) for b in range(4)])
    frame.loc[(frame["seed"] == 2) & (frame["steps_back"] == 3), "below_floor"] = True
    band = seed_band(frame)
    last = band[band["steps_back"] == 3].iloc[0]
    assert len(band) == 4 and band["seeds"].max() == 3
    assert last["log10_norm"] == pytest.approx(-4.5) and (last["lo"], last["hi"]) == (-6, -3)  # the floored seed
    assert not last["below_floor"]
    spec = grad_through_time_chart(frame).to_dict()
    assert "area" in str(spec) and "means over seeds" in str(spec)
