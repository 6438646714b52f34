import math

import pandas as pd

from seqlab.charts import runs as charts_runs
from seqlab.charts.training import ARCH_COLOURS
from tests.helpers import walk


def frame(archs=("RNN", "LSTM")):
    rows = [{"run": f"#{i} {a}", "arch": a, "task": "t", "epoch": e, "value": v, "smoothed": v}
            for i, a in enumerate(archs, 1) for e, v in enumerate([1.0, 0.5, 0.0, math.nan])]
    return pd.DataFrame(rows)


def scale_of(chart) -> dict:
    return next(n["scale"] for n in walk(chart.to_dict()) if n.get("field") == "run" and "scale" in n)


def test_overlaid_runs_of_different_architectures_wear_the_house_colours():
    assert scale_of(charts_runs.overlay_chart(frame(), "loss")) == {
        "domain": ["#1 RNN", "#2 LSTM"], "range": [ARCH_COLOURS["RNN"], ARCH_COLOURS["LSTM"]]}
    two_lstms = scale_of(charts_runs.overlay_chart(frame(("LSTM", "LSTM")), "loss"))
    assert len(set(two_lstms["range"])) == 2  # the same architecture twice: a colour per run instead


def test_a_log_axis_drops_what_it_cannot_draw_and_no_smoothing_draws_one_line():
    chart = charts_runs.overlay_chart(frame(), "loss", log_scale=True, smoothed=False)
    spec = chart.to_dict()
    assert [layer["mark"]["type"] for layer in spec["layer"]] == ["line", "point"]  # no faint raw curve
    values = next(iter(spec["datasets"].values()))
    assert all(row["value"] > 0 for row in values) and len(values) == 4


def test_a_setting_is_plotted_against_the_final_loss_on_a_log_axis_when_asked():
    table = pd.DataFrame({"run": ["a", "b", "c"], "arch": ["RNN", "GRU", "GRU"], "lr": [1e-3, 1e-2, None],
                          "val_loss": [0.5, 0.1, 0.2]})
    spec = charts_runs.setting_chart(table, "lr", "learning rate", log_x=True).to_dict()
    assert spec["encoding"]["x"]["scale"]["type"] == "log"
    assert len(next(iter(spec["datasets"].values()))) == 2  # the run without a value is left out
