"""AppTest of the Lab's forecasting transforms (issue 15): the sidebar explains the choice in one sentence, "auto"
says what it chose, and the predictions chart says what the network actually predicts."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from seqlab.data.transforms import EXPLAIN

LAB = str(Path(__file__).parents[2] / "pages" / "1_Lab.py")


def lab(**state) -> AppTest:
    at = AppTest.from_file(LAB, default_timeout=180)
    for name, value in {"archs": ["lstm"], "epochs": 2, "seeds": 1, "hidden": 8, "task": "airline", **state}.items():
        at.session_state[f"lab_{name}"] = value
    return at.run()


def captions(at: AppTest) -> list[str]:
    return [c.value for c in at.caption]


def test_auto_explains_itself_and_says_what_it_chose():
    at = lab()
    assert not at.exception and not at.error
    assert at.selectbox(key="lab_target").value == "auto"
    assert EXPLAIN["auto"] in captions(at)
    assert any("auto chose log" in c and "change" in c for c in captions(at))  # a note under the data preview


def test_a_chosen_target_is_explained_and_named_under_the_predictions():
    at = lab(target="window-scaled", log_transform="off")
    assert EXPLAIN["window-scaled"] in captions(at)
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert not at.exception and not at.error
    assert any("The network predicts the next value relative to its window's own mean and spread" in c
               for c in captions(at))
    assert at.query_params["target"] == "window-scaled" and at.query_params["log_transform"] == "off"


def test_the_backtest_and_the_error_against_horizon_show_after_training():
    at = lab(horizon=3)
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert not at.exception and not at.error
    assert not any(s.key == "results_folds" for s in at.slider)  # an option: off until asked for
    at.toggle(key="results_backtest").set_value(True).run()
    folds = at.slider(key="results_folds")
    assert folds.value == 5
    titles = [json_title(c) for c in at.get("vega_lite_chart")]
    assert "Rolling-origin backtest" in titles and "Error against horizon" in titles
    folds.set_value(3).run()
    assert any("3 consecutive folds" in json_subtitle(c) for c in at.get("vega_lite_chart"))
    assert at.query_params["horizon"] == "3"


def json_title(chart) -> str:
    import json

    title = json.loads(chart.proto.spec).get("title", "")
    return title.get("text", "") if isinstance(title, dict) else str(title)


def json_subtitle(chart) -> str:
    import json

    title = json.loads(chart.proto.spec).get("title", "")
    return str(title.get("subtitle", "")) if isinstance(title, dict) else ""
