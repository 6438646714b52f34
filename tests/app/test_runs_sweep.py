"""AppTest of the Runs page's sweep view: a sweep's results and history opened from the sidebar, its grid table,
mean curves with bands at one grid point, a setting against the loss; bad files refused with a sentence."""

import io
import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]




def runs_page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120).run()
    return at.switch_page("pages/5_Runs.py").run()


def chart_data(chart) -> pd.DataFrame:
    """The rows a chart draws (Streamlit sends them beside the spec, as Arrow)."""
    return pa.ipc.open_stream(chart.proto.datasets[0].data.data).read_pandas()


def uploader(at: AppTest, label: str):
    return next(u for u in at.get("file_uploader") if u.proto.label == label)


def test_a_sweep_opens_with_its_table_curves_with_bands_and_a_setting_against_the_loss(sweep):
    at = runs_page()
    uploader(at, "Sweep results (results.csv)").set_value(("results.csv", sweep[0], "text/csv")).run()
    assert not at.exception and at.subheader[0].value == "Sweep: results.csv"
    assert "8 runs, 0 failed; swept: architecture, hidden size, seed." in [m.value for m in at.markdown]
    table = at.dataframe[0].value
    assert len(table) == 4 and set(table["runs"]) == {2}  # one row per grid point, over its 2 seeds
    assert "Open the sweep's history.csv" in at.info[0].value
    assert len(at.get("vega_lite_chart")) == 1  # the setting chart; no curves without the history

    uploader(at, "Its history (history.csv), for the curves").set_value(("history.csv", sweep[1], "text/csv")).run()
    assert not at.exception and len(at.get("vega_lite_chart")) == 2
    curves = json.loads(at.get("vega_lite_chart")[0].proto.spec)
    assert any(layer["mark"]["type"] == "area" for layer in curves["layer"])  # the band across seeds
    at.selectbox(key="sweep_at_model.hidden_size").set_value(6).run()
    losses = chart_data(at.get("vega_lite_chart")[0])
    assert set(losses["label"]) == {"RNN", "GRU"} and set(losses["seeds"]) == {2}  # mean of 2 seeds each
    results = pd.read_csv(io.BytesIO(sweep[0]))
    gru = results[(results["model.arch"] == "gru") & (results["model.hidden_size"] == 6)]
    last = losses[(losses["label"] == "GRU") & (losses["split"] == "validation") & (losses["epoch"] == 2)].iloc[0]
    assert last["loss"] == pytest.approx(gru["val_loss"].mean())  # the curves of hidden size 6, not 4
    assert (last["lo"], last["hi"]) == pytest.approx((gru["val_loss"].min(), gru["val_loss"].max()))
    assert at.selectbox(key="sweep_setting").value == "model.hidden_size"


def test_a_bad_sweep_file_is_refused_with_a_sentence_and_the_page_goes_on(sweep):
    at = runs_page()
    uploader(at, "Sweep results (results.csv)").set_value(("photo.csv", b"\x89PNG\r\n\x00\xff", "text/csv")).run()
    assert not at.exception and "photo.csv cannot be opened" in at.error[0].value
    assert "not UTF-8" in at.error[0].value and "No runs yet" in at.info[0].value
    uploader(at, "Sweep results (results.csv)").set_value(("history.csv", sweep[1], "text/csv")).run()
    assert not at.exception and "not a sweep's results.csv" in at.error[0].value  # the wrong file of the two
