"""Every chart compiles and renders in real Vega-Lite (offline, through vl-convert), not just to a dict."""

import numpy as np
import pandas as pd
import pytest
import vl_convert as vlc

from seqlab.charts import training as charts

HISTORY = pd.DataFrame([{"label": a, "arch": a.lower(), "epoch": e, "train_loss": 1 / (e + 1),
                         "val_loss": 1.2 / (e + 1), "status": "done"}
                        for a in ("RNN", "LSTM", "GRU") for e in range(4)])
TIMES = pd.date_range("2020-01-01", periods=30)
PRED = pd.concat([pd.DataFrame({"time": TIMES, "series": s, "value": np.arange(30.0) + i, "mode": m})
                  for i, s in enumerate(("truth", "persistence", "LSTM")) for m in ("one-step", "multi-step")])
METRICS = pd.DataFrame({"label": ["LSTM", "persistence", "LSTM", "persistence"], "metric": ["mse", "mse", "mae", "mae"],
                        "value": [1.0, 2.0, 0.5, 0.7]})
SPLITS = ["train"] * 20 + ["validation"] * 5 + ["test"] * 5
SERIES = pd.DataFrame({"time": TIMES, "value": np.arange(30.0), "split": SPLITS})
EXAMPLES = pd.DataFrame({"sequence": np.repeat([0, 1], 10), "step": np.tile(np.arange(10), 2), "channel": "value",
                         "value": np.random.default_rng(0).random(20), "marked": np.tile(np.arange(10) % 7 == 0, 2)})


@pytest.mark.parametrize("chart", [
    charts.loss_chart(HISTORY, log_scale=True, baseline=0.5, baseline_label="persistence"),
    charts.loss_chart(HISTORY.iloc[:0]),
    charts.predictions_chart(PRED, unit="°C"),
    charts.metrics_chart(METRICS),
    charts.series_chart(SERIES, title="series", unit="°C"),
    charts.sequences_chart(EXAMPLES),
], ids=["loss", "empty-loss", "predictions", "metrics", "series", "sequences"])
def test_chart_renders_to_svg(chart):
    svg = vlc.vegalite_to_svg(chart.to_dict())
    assert svg.startswith("<svg") and "path" in svg
