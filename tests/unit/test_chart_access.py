"""Every chart builder, for every screen and every reader: a text description for screen readers; architectures told
apart by more than colour where lines overlap; stacked panels that Streamlit can fit to a phone's width."""

import importlib
import inspect
import pkgutil

import numpy as np
import pandas as pd
import pytest
import torch

import seqlab.charts
from seqlab.analysis import diagnostics
from seqlab.charts import classification, forecast, music, runs, sweeps, training, translation
from seqlab.charts import diagnostics as dcharts
from seqlab.charts.training import ARCH_COLOURS
from seqlab.config import ModelConfig
from seqlab.data.notes import parse_notes
from seqlab.models.recurrent import SequenceModel
from tests.helpers import walk

ARCHS = list(ARCH_COLOURS)  # RNN, LSTM, GRU, TCN, Transformer
EPOCHS = range(4)


def history() -> pd.DataFrame:
    return pd.DataFrame([{"label": a, "epoch": e, "status": "done", "train_loss": 1 / (e + 1 + k),
                          "val_loss": 1.2 / (e + 1 + k)} for k, a in enumerate(ARCHS) for e in EPOCHS])


def predictions() -> pd.DataFrame:
    t = np.arange(20)
    frames = [pd.DataFrame({"time": t, "series": s, "value": np.sin(t / 3) + k, "mode": m})
              for k, s in enumerate(ARCHS) for m in ("one-step", "multi-step")]
    frames += [pd.DataFrame({"time": t, "series": s, "value": np.sin(t / 3), "mode": None})
               for s in ("truth", "persistence")]
    return pd.concat(frames, ignore_index=True)


def grad_frame() -> pd.DataFrame:
    return pd.DataFrame([{"label": a, "steps_back": b, "log10_norm": -b * (k + 1) / 4, "below_floor": False}
                         for k, a in enumerate(ARCHS) for b in range(6)])


def layer_frame() -> pd.DataFrame:
    return pd.DataFrame([{"label": a, "epoch": e, "layer": layer, "norm": (e + 1) * (k + 1)}
                         for k, a in enumerate(ARCHS) for e in EPOCHS for layer in ("l0", "total")])


def overlay_frame() -> pd.DataFrame:
    return pd.DataFrame([{"run": f"#{k} {a}", "arch": a, "task": "t", "epoch": e, "value": 1 / (e + 1 + k),
                          "smoothed": 1 / (e + 1 + k)} for k, a in enumerate(ARCHS) for e in EPOCHS])


def traces() -> pd.DataFrame:
    model = SequenceModel(ModelConfig(arch="lstm", hidden_size=4), 2, 1, "regression")
    return diagnostics.cell_traces(model, torch.randn(8, 2))


def digits() -> pd.DataFrame:
    return pd.DataFrame({"true": [3, 5], "predicted": [8, 6], "image": [np.eye(8), np.ones((8, 8)) / 2]})


def attention() -> pd.DataFrame:
    steps = range(12)
    return pd.DataFrame([{"layer": layer, "head": head, "query": q, "key": k, "weight": 1 / (q + 1) if k <= q else 0.0}
                         for layer in range(2) for head in range(2) for q in steps for k in steps])


def by_length() -> pd.DataFrame:
    labels = [*ARCHS, "GRU + attention"]
    return pd.DataFrame([{"label": a, "seed": seed, "length": length, "lengths": f"{length}-{length + 4}", "n": 50,
                          "exact_match": 0.9 - length / 100 - k / 20, "char_accuracy": 0.95 - length / 200}
                         for k, a in enumerate(labels) for seed in range(2) for length in (10, 15, 20)])


def heatmap_frame() -> pd.DataFrame:
    source, out = "le 3 mars 1999", "1999-03-03"
    return pd.DataFrame([{"out": i, "out_char": f"{i}: {o}", "source_pos": j, "source_char": f"{j}: {c}",
                          "weight": 1.0 if i == j else 0.0} for i, o in enumerate(out) for j, c in enumerate(source)])


BUILDERS = {  # every public chart builder (module.name), with a small table of what it draws
    "training.loss_chart": lambda: training.loss_chart(history(), baseline=0.5, baseline_label="persistence"),
    "training.predictions_chart": lambda: training.predictions_chart(predictions(), unit="°C"),
    "training.metrics_chart": lambda: training.metrics_chart(pd.DataFrame(
        {"label": ARCHS * 2, "metric": ["mse"] * 5 + ["mae"] * 5, "value": np.arange(10.0) + 1})),
    "training.series_chart": lambda: training.series_chart(pd.DataFrame(
        {"time": range(10), "value": range(10), "split": ["train"] * 6 + ["validation"] * 2 + ["test"] * 2})),
    "training.sequences_chart": lambda: training.sequences_chart(pd.DataFrame(
        {"sequence": np.repeat([0, 1], 10), "step": np.tile(np.arange(10), 2), "channel": "value",
         "value": np.arange(20.0), "marked": np.tile(np.arange(10) % 7 == 0, 2)})),
    "training.truth_scatter": lambda: training.truth_scatter(pd.DataFrame(
        {"label": ARCHS * 4, "truth": np.arange(20.0), "predicted": np.arange(20.0) + 0.1})),
    "training.empty_chart": lambda: training.empty_chart("nothing has been trained yet"),
    "diagnostics.grad_through_time_chart": lambda: dcharts.grad_through_time_chart(grad_frame()),
    "diagnostics.layer_grad_norms_chart": lambda: dcharts.layer_grad_norms_chart(layer_frame(), clip=1.0),
    "diagnostics.cell_heatmap_chart": lambda: dcharts.cell_heatmap_chart(traces(), marks=[2, 5]),
    "classification.confusion_chart": lambda: classification.confusion_chart(pd.DataFrame(
        {"true": [0, 0, 1, 1], "predicted": [0, 1, 0, 1], "count": [5, 1, 2, 4]})),
    "classification.digit_gallery_chart": lambda: classification.digit_gallery_chart(digits()),
    "runs.overlay_chart": lambda: runs.overlay_chart(overlay_frame(), "validation loss"),
    "runs.setting_chart": lambda: runs.setting_chart(pd.DataFrame(
        {"run": ARCHS, "arch": ARCHS, "lr": [1e-3, 3e-3, 1e-2, 3e-2, 0.1], "val_loss": [0.5, 0.4, 0.3, 0.2, 0.1]}),
        "lr", "learning rate", log_x=True),
    "diagnostics.attention_chart": lambda: dcharts.attention_chart(attention(), marks=[3, 7]),
    "forecast.backtest_chart": lambda: forecast.backtest_chart(pd.DataFrame(
        [{"label": a, "fold": f, "start": 2000 + f, "end": 2001 + f, "mse": 0.1 * (k + 1) * f}
         for k, a in enumerate([*ARCHS, "persistence"]) for f in (1, 2, 3)]), unit="ppm"),
    "forecast.horizon_chart": lambda: forecast.horizon_chart(pd.DataFrame(
        [{"label": a, "method": m, "horizon": h, "mse": 0.1 * h + k / 10} for k, a in enumerate(ARCHS)
         for m in ("direct", "recursive") for h in (1, 2, 3)]
        + [{"label": "persistence", "method": "baseline", "horizon": h, "mse": 0.2 * h} for h in (1, 2, 3)])),
    "sweeps.setting_chart": lambda: sweeps.setting_chart(pd.DataFrame(
        [{"key": f"{a}-{lr}-{s}", "label": a, "train.lr": lr, "val_loss": lr * (k + 1) + s / 100}
         for k, a in enumerate(ARCHS) for lr in (1e-3, 1e-2) for s in range(2)]), "train.lr", shown="learning rate"),
    "translation.length_accuracy_chart": lambda: translation.length_accuracy_chart(by_length()),
    "translation.attention_heatmap": lambda: translation.attention_heatmap(heatmap_frame()),
    "music.piano_roll": lambda: music.piano_roll(pd.concat(
        [music.roll_frame(parse_notes("C4 D4 E4:2"), "opening"),
         music.roll_frame(parse_notes("F#4 G4 rest C5:2"), "LSTM", start=4.0)], ignore_index=True)),
    "music.in_key_chart": lambda: music.in_key_chart(pd.DataFrame(
        [{"label": a, "seed": s, "epoch": e, "in_key": 0.6 + e / 10 - s / 20} for a in ARCHS for s in range(2)
         for e in EPOCHS]), bach=0.9),
}
# line charts whose lines can overlap, and the field that names the architecture of each line
BY_ARCHITECTURE = {"training.loss_chart": "label", "training.predictions_chart": "series",
                   "diagnostics.grad_through_time_chart": "label", "diagnostics.layer_grad_norms_chart": "label",
                   "runs.overlay_chart": "arch", "training.truth_scatter": "label", "runs.setting_chart": "arch",
                   "forecast.horizon_chart": "label", "sweeps.setting_chart": "label",
                   "translation.length_accuracy_chart": "label", "music.in_key_chart": "label"}
LINE_CHARTS = ["training.loss_chart", "training.predictions_chart", "diagnostics.grad_through_time_chart",
               "diagnostics.layer_grad_norms_chart", "runs.overlay_chart", "forecast.horizon_chart",
               "sweeps.setting_chart", "translation.length_accuracy_chart", "music.in_key_chart"]


def chart_modules() -> list:
    """Every module of seqlab/charts/, found on disk: a module added later is covered without a change here."""
    return [importlib.import_module(f"seqlab.charts.{info.name}")
            for info in pkgutil.iter_modules(seqlab.charts.__path__)]


def public_builders() -> set[str]:
    """Every public function of the chart modules that returns a chart, as module.name."""
    return {f"{module.__name__.rsplit('.', 1)[1]}.{name}" for module in chart_modules()
            for name, function in inspect.getmembers(module, inspect.isfunction)
            if function.__module__ == module.__name__ and not name.startswith("_")
            and "Chart" in str(inspect.signature(function).return_annotation)}


def test_every_chart_module_is_scanned():
    found = {module.__name__ for module in chart_modules()}
    assert {"seqlab.charts.forecast", "seqlab.charts.sweeps", "seqlab.charts.translation",
            "seqlab.charts.training"} <= found


def test_the_list_covers_every_chart_builder():
    assert public_builders() == set(BUILDERS)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_every_chart_describes_itself_for_screen_readers(name):
    description = BUILDERS[name]().to_dict().get("description", "")
    assert len(description) > 20 and description.endswith("."), description


@pytest.mark.parametrize("name", list(BY_ARCHITECTURE))
def test_architectures_differ_in_dash_or_shape_not_in_colour_alone(name):
    spec, field = BUILDERS[name]().to_dict(), BY_ARCHITECTURE[name]
    second = [v[channel]["scale"] for v in walk(spec) for channel in ("strokeDash", "shape")
              if isinstance(v.get(channel), dict) and v[channel].get("field") == field and "scale" in v[channel]]
    assert second, f"{name}: no dash pattern or shape keyed on {field}"
    for scale in second:
        by_label = dict(zip(scale["domain"], map(str, scale["range"]), strict=True))
        assert len({by_label[arch] for arch in ARCHS}) == len(ARCHS)  # five architectures, five patterns or shapes


@pytest.mark.parametrize("name", LINE_CHARTS)
def test_line_charts_by_architecture_encode_a_dash_pattern_or_point_shape_on_their_lines(name):
    spec = BUILDERS[name]().to_dict()
    lines = [v for v in walk(spec) if "mark" in v and "line" in str(v["mark"])]
    dashed = [v for v in lines if "strokeDash" in v.get("encoding", {})]
    pointed = [v for v in walk(spec) if "shape" in v.get("encoding", {})]
    assert lines and (dashed or pointed)


@pytest.mark.parametrize("name", list(BUILDERS))
def test_stacked_panels_are_single_views_that_streamlit_fits_to_the_page(name):
    spec = BUILDERS[name]().to_dict()
    assert "facet" not in spec and "hconcat" not in spec  # fixed widths side by side overflow a phone
    for panel in spec.get("vconcat", []):  # a layered panel keeps its own width, past a phone's screen
        assert "mark" in panel and "layer" not in panel


def test_a_chart_with_no_data_yet_draws_an_empty_state_not_axes_over_nothing():
    empty = dcharts.grad_through_time_chart(grad_frame().iloc[:0]).to_dict()
    assert empty["mark"]["type"] == "text" and "no gradient measured yet" in str(empty)
    measured = dcharts.grad_through_time_chart(grad_frame()).to_dict()  # nothing below the floor
    assert "triangle-down" not in str(measured) and all(measured["datasets"].values())  # no layer left without rows


def test_the_attention_map_stacks_one_panel_per_layer_and_head_its_cells_sized_to_the_width():
    spec = dcharts.attention_chart(attention(), marks=[3, 7]).to_dict()
    panels = spec["vconcat"]
    assert [p["title"]["text"] for p in panels] == [f"layer {a} · head {b}" for a in range(2) for b in range(2)]
    for panel in panels:  # a single view as wide as the page (no step width that fixes its pixels per cell)
        assert isinstance(panel["width"], int) and "step" not in str(panel.get("width"))
        assert panel["encoding"]["stroke"]["condition"]["value"] == dcharts.MARK_COLOUR  # the key steps outlined
    assert "key steps 3, 7" in spec["description"]


def test_the_translation_attention_map_takes_its_container_width():
    spec = translation.attention_heatmap(heatmap_frame()).to_dict()
    assert spec["width"] == "container" and spec["height"] == {"step": 22}
