"""Chart builders: specs checked through `chart.to_dict()`."""

import inspect
import json

import numpy as np
import pandas as pd
import pytest

from seqlab.charts import training as charts
from tests.helpers import walk


def rows(spec: dict, view: dict | None = None) -> list[dict]:
    """Rows of a view's data, inline or in the top-level "datasets"."""
    data = (view or spec).get("data", {})
    return spec["datasets"][data["name"]] if "name" in data else data.get("values", [])


def all_rows(spec: dict) -> list[dict]:
    return [row for rows_ in spec.get("datasets", {}).values() for row in rows_]


def marks(spec: dict) -> set[str]:
    return {v["mark"]["type"] if isinstance(v["mark"], dict) else v["mark"]
            for v in walk(spec) if "mark" in v}


def encodings(spec: dict, channel: str) -> list[dict]:
    return [v["encoding"][channel] for v in walk(spec) if channel in v.get("encoding", {})]


def colour_of(spec: dict, label: str) -> str:
    scale = encodings(spec, "color")[0]["scale"]
    return dict(zip(scale["domain"], scale["range"], strict=True))[label]


def history(epochs=3, labels=("LSTM", "GRU")) -> pd.DataFrame:
    return pd.DataFrame([
        {"label": label, "arch": label.lower(), "epoch": e, "train_loss": 1.0 / (e + 1),
         "val_loss": 1.2 / (e + 1), "status": "running"}
        for label in labels for e in range(epochs)
    ])


def predictions(modes=False) -> pd.DataFrame:
    t = pd.date_range("2024-01-01", periods=5, freq="D")
    frames = [pd.DataFrame({"time": t, "series": s, "value": np.arange(5.0) + k})
              for k, s in enumerate(["truth", "persistence"])]
    for mode in ["one-step", "multi-step"] if modes else [None]:
        frames.append(pd.DataFrame({"time": t, "series": "LSTM", "value": np.arange(5.0), "mode": mode}))
    return pd.concat(frames, ignore_index=True)


def test_module_does_not_import_streamlit():
    assert "streamlit" not in inspect.getsource(charts)


def test_loss_chart_draws_lines_and_validation_points():
    spec = charts.loss_chart(history()).to_dict()
    assert {"line", "point"} <= marks(spec)
    points = [v for v in walk(spec) if v.get("mark", {}).get("type") == "point"]
    assert "validation" in str(points[0]["transform"])


def test_loss_chart_melts_train_and_validation():
    data = rows(charts.loss_chart(history(epochs=2, labels=("LSTM",))).to_dict())
    assert sorted(r["split"] for r in data) == ["train", "train", "validation", "validation"]


@pytest.mark.parametrize("log_scale", [True, False])
def test_loss_chart_y_scale_is_log_only_when_asked(log_scale):
    spec = charts.loss_chart(history(), log_scale).to_dict()
    y_scales = [y.get("scale", {}).get("type") for y in encodings(spec, "y")]
    assert ("log" in y_scales) == log_scale


def test_loss_chart_log_scale_drops_zero_and_negative_losses():
    frame = history(epochs=3, labels=("LSTM",))
    frame.loc[0, "train_loss"], frame.loc[1, "val_loss"] = 0.0, -1.0
    data = rows(charts.loss_chart(frame, log_scale=True).to_dict())
    assert len(data) == 4 and all(r["loss"] > 0 for r in data)


def test_loss_chart_drops_nan_and_inf():
    frame = history(epochs=3, labels=("RNN",))
    frame.loc[1, "val_loss"], frame.loc[2, "val_loss"] = np.nan, np.inf
    data = rows(charts.loss_chart(frame).to_dict())
    assert len(data) == 4 and all(np.isfinite(r["loss"]) for r in data)


def test_loss_chart_baseline_rule_with_value_and_label():
    spec = charts.loss_chart(history(), baseline=0.167, baseline_label="predict 1").to_dict()
    assert {"rule", "text"} <= marks(spec)
    baseline_rows = [r for r in all_rows(spec) if "text" in r]
    assert baseline_rows[0]["loss"] == pytest.approx(0.167) and "predict 1" in baseline_rows[0]["text"]


def test_loss_chart_without_baseline_has_no_rule():
    assert "rule" not in marks(charts.loss_chart(history()).to_dict())


def test_loss_chart_empty_history_gives_a_valid_spec():
    spec = charts.loss_chart(pd.DataFrame([])).to_dict()
    json.dumps(spec)
    assert rows(spec) == [] and "line" in marks(spec)


def test_loss_chart_single_epoch():
    spec = charts.loss_chart(history(epochs=1), log_scale=True).to_dict()
    assert len(rows(spec)) == 4


def test_fixed_colours_and_a_spare_colour_for_unknown_labels():
    spec = charts.loss_chart(history(labels=("LSTM", "GRU", "LSTM h=64"))).to_dict()
    assert [colour_of(spec, a) for a in ("LSTM", "GRU")] == [charts.ARCH_COLOURS["LSTM"], charts.ARCH_COLOURS["GRU"]]
    assert colour_of(spec, "LSTM h=64") not in charts.LABEL_COLOURS.values()


def test_loss_chart_legend_click_isolates_a_run():
    spec = charts.loss_chart(history()).to_dict()
    (param,) = [p for p in walk(spec) if p.get("bind") == "legend"]
    assert param["select"]["fields"] == ["label"]
    assert encodings(spec, "opacity")[0]["condition"]["param"] == param["name"]


def test_predictions_chart_colours_dashes_and_unit():
    spec = charts.predictions_chart(predictions(), unit="°C").to_dict()
    assert colour_of(spec, "truth") == charts.LABEL_COLOURS["truth"]
    dash = encodings(spec, "strokeDash")[0]["scale"]
    dashes = dict(zip(dash["domain"], dash["range"], strict=True))
    assert dashes["persistence"] == charts.DASHED and dashes["truth"] == charts.SOLID
    assert "°C" in encodings(spec, "y")[0]["axis"]["title"]
    assert "facet" not in spec and any(p.get("bind") == "legend" for p in walk(spec))


def test_predictions_chart_one_stacked_panel_per_mode_with_truth_in_each():
    spec = charts.predictions_chart(predictions(modes=True)).to_dict()
    panels = spec["vconcat"]  # stacked: Streamlit sizes each to the page
    assert [p["title"]["text"] for p in panels] == ["one-step ahead", "multi-step (recursive)"]
    for panel in panels:
        data = rows(spec, panel)
        assert {r["series"] for r in data} >= {"truth", "LSTM"} and len({r["mode"] for r in data}) == 1
    assert spec["resolve"]["scale"]["x"] == "independent"


def test_metrics_chart_bars_per_metric_with_independent_x():
    metrics = pd.DataFrame({"label": ["LSTM", "persistence"] * 2, "metric": ["rmse"] * 2 + ["mase"] * 2,
                            "value": [0.5, 0.9, 0.7, 1.0]})
    spec = charts.metrics_chart(metrics).to_dict()
    assert "bar" in marks(spec) and [p["title"]["text"] for p in spec["vconcat"]] == ["rmse", "mase"]
    assert spec["resolve"]["scale"]["x"] == "independent"
    assert colour_of(spec, "persistence") == charts.LABEL_COLOURS["persistence"]
    assert colour_of(spec, "LSTM") == charts.ARCH_COLOURS["LSTM"]


def test_series_chart_downsamples_and_keeps_every_split():
    n = 200_000
    split = np.repeat(["train", "validation", "test"], [140_000, 59_990, 10])
    series = pd.DataFrame({"time": np.arange(n), "value": np.sin(np.arange(n) / 50.0), "split": split})
    data = rows(charts.series_chart(series, unit="kWh").to_dict())
    assert len(data) <= charts.MAX_SERIES_POINTS
    assert {r["split"] for r in data} == {"train", "validation", "test"}
    kept = {r["time"] for r in data}
    assert {0, 139_999, 140_000, 199_989, 199_990, 199_999} <= kept


def test_series_chart_small_series_is_untouched_and_coloured_by_split():
    split = ["train"] * 4 + ["validation", "test"]
    series = pd.DataFrame({"time": range(6), "value": range(6), "split": split})
    spec = charts.series_chart(series).to_dict()
    assert len(rows(spec)) == 6
    assert encodings(spec, "color")[0]["field"] == "split"
    assert encodings(spec, "color")[0]["scale"]["domain"] == ["train", "validation", "test"]


def test_sequences_chart_panels_and_marked_points():
    examples = pd.DataFrame([
        {"sequence": s, "step": t, "channel": c, "value": t / 10, "marked": t in (2, 7)}
        for s in range(8) for t in range(10) for c in ("value", "marker")
    ])
    spec = charts.sequences_chart(examples).to_dict()
    panels = spec["vconcat"]  # single views, which Streamlit fits to the page
    assert len(panels) == charts.MAX_SEQUENCES and all(p["mark"]["type"] == "line" for p in panels)
    assert panels[0]["mark"]["point"]["shape"] == "diamond"  # the key steps: the line's points, shown where marked
    assert panels[0]["encoding"]["fillOpacity"]["condition"]["test"] == "datum.marked"
    assert {r["sequence"] for r in all_rows(spec)} == set(range(charts.MAX_SEQUENCES))
    assert {r["step"] for r in all_rows(spec) if r["marked"]} == {2, 7}
    no_marks = charts.sequences_chart(examples.drop(columns="marked")).to_dict()
    assert not any(r["marked"] for r in all_rows(no_marks))


def test_a_tasks_own_baseline_is_grey_in_the_metrics_chart():
    from seqlab.charts.training import BASELINE_GREY, metrics_chart

    rows = pd.DataFrame({"label": ["LSTM", "predict blanks then the last symbols"], "kind": ["model", "baseline"],
                         "metric": ["cross_entropy"] * 2, "value": [0.1, 0.2]})
    scale = metrics_chart(rows).to_dict()["vconcat"][0]["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("predict blanks then the last symbols")] == BASELINE_GREY


def test_the_live_loss_chart_swaps_only_its_data():
    from seqlab.charts.training import LiveLossChart, loss_chart

    def history(epochs):
        return pd.DataFrame([{"label": label, "epoch": e, "status": "running", "train_loss": 1 / (e + 1),
                              "val_loss": 2 / (e + 1)} for label in ("RNN", "GRU") for e in range(epochs)])

    live = LiveLossChart(history(1), log_scale=True, baseline=0.5, baseline_label="persistence")
    later = live.spec_for(history(5))
    full = loss_chart(history(5), True, 0.5, "persistence").to_dict()
    assert len(later["datasets"][live.losses]) == 2 * 5 * 2  # runs x epochs x (train, validation)
    assert later["layer"][0]["encoding"]["color"] == full["layer"][0]["encoding"]["color"]
    assert len(live.spec["datasets"][live.losses]) == 4  # the template itself is unchanged


def seeded_history(seeds=(0, 1, 2)) -> pd.DataFrame:
    return pd.concat([history(labels=("LSTM",)).assign(seed=s, val_loss=lambda f, s=s: f["val_loss"] * (1 + s))
                      for s in seeds], ignore_index=True)


def test_several_seeds_draw_the_mean_with_a_band_from_the_lowest_to_the_highest():
    spec = charts.loss_chart(seeded_history()).to_dict()
    assert "area" in marks(spec)
    val = [r for r in rows(spec) if r["split"] == "validation" and r["epoch"] == 0]
    assert val == [pytest.approx({**val[0], "loss": 2.4, "lo": 1.2, "hi": 3.6, "seeds": 3})]


def test_one_seed_draws_no_band_and_every_seed_adds_thin_curves():
    assert "area" not in marks(charts.loss_chart(history()).to_dict())
    spec = charts.loss_chart(seeded_history(), every_seed=True).to_dict()
    per_seed = [v for v in walk(spec) if v.get("encoding", {}).get("detail", {}).get("field") == "seed"]
    assert per_seed and len(all_rows(spec)) > len(rows(spec))
