"""Shareable links: a query string restores a page's setup; a tampered one opens the defaults with a notice."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app import share
from seqlab.config import ModelConfig, TrainConfig

PAGES = Path(__file__).parents[2] / "pages"
TAMPERED = {"epochs": "abc", "hidden": "99999", "task": "../../etc", "archs": "lstm,foo", "lr": "nan", "x": "1"}


def page(name: str, **query) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def test_a_link_sets_the_lab_widgets():
    at = page("1_Lab.py", task="sine", length="30", epochs="7", archs="lstm,gru", lr="0.003", optimizer="sgd",
              seed="42")
    assert not at.exception and not at.warning
    assert at.selectbox(key="lab_task").value == "sine"
    assert at.select_slider(key="lab_length").value == 30
    assert at.select_slider(key="lab_epochs").value == 7  # not one of the slider's round values, but in bounds
    assert at.select_slider(key="lab_lr").value == 0.003
    assert at.radio(key="lab_optimizer").value == "sgd"
    assert at.number_input(key="lab_seed").value == 42
    assert [m.label.split(" ·")[0] for m in at.metric] == ["LSTM", "GRU"]


def test_a_tampered_link_opens_the_defaults_and_says_what_was_ignored():
    at = page("1_Lab.py", **TAMPERED)
    assert not at.exception and not at.error
    assert at.select_slider(key="lab_epochs").value == TrainConfig.epochs
    assert at.select_slider(key="lab_hidden").value == ModelConfig.hidden_size
    assert at.selectbox(key="lab_task").value == "sine"
    assert at.select_slider(key="lab_lr").value == TrainConfig.lr
    assert len(at.metric) == 3  # all architectures
    notice = at.warning[0].value
    assert notice.startswith("Ignored from the link")
    assert all(f"{name}=" in notice for name in ("epochs", "hidden", "task", "archs", "lr")) and "x (" in notice


def test_the_address_bar_follows_the_widgets():
    at = page("1_Lab.py")
    assert at.query_params["epochs"] == str(TrainConfig.epochs) and "reading" not in at.query_params
    at.select_slider(key="lab_epochs").set_value(50)
    at.selectbox(key="lab_task").set_value("digits").run()
    assert not at.exception
    assert at.query_params["epochs"] == "50" and at.query_params["task"] == "digits"
    assert at.query_params["reading"] == "rows" and "length" not in at.query_params  # only the widgets shown


def test_a_link_sets_the_gradient_flow_demo():
    at = page("2_Gradient_flow.py", length="20", archs="rnn,lstm", forget="true", clip="0")
    assert not at.exception and not at.warning
    assert at.select_slider(key="grad_length").value == 20
    assert at.toggle(key="grad_forget").value is True
    assert at.select_slider(key="grad_clip").value == 0.0
    assert at.query_params["archs"] == "rnn,lstm"


def test_a_link_sets_the_text_page():
    at = page("4_Text.py", chars="50000", length="50", hidden="32", chars_extra="1")
    assert not at.exception
    assert at.select_slider(key="text_chars").value == 50_000
    assert at.select_slider(key="text_length").value == 50
    assert at.select_slider(key="text_hidden").value == 32
    assert "chars_extra" in at.warning[0].value


@pytest.mark.parametrize("name, text, reason", [
    ("epochs", "9999", "between 1 and 500"), ("epochs", "2.5", "integer"), ("lr", "inf", "finite"),
    ("archs", "lstm,foo", "comma list"), ("task", "../../etc", "one of"), ("equal", "yes", "true or false"),
    ("start", "1900-01-01", "between"), ("ticker", "<script>", "ticker"),
])
def test_values_outside_the_config_are_ignored_with_the_reason(name, text, reason):
    values, ignored = share.parse_query(share.LAB, {name: text})
    assert values == {} and reason in ignored[0]


def test_valid_values_round_trip_through_the_query_string():
    query = {"task": "digits", "reading": "pixels", "archs": "rnn,gru", "lr": "0.0003", "equal": "true", "seed": "7"}
    values, ignored = share.parse_query(share.LAB, query)
    assert not ignored and values["archs"] == ["rnn", "gru"] and values["lr"] == 3e-4 and values["seed"] == 7
    assert share.to_query(share.LAB, values) == query


def test_a_link_picks_a_real_series_column_and_a_wrong_one_is_named():
    at = page("1_Lab.py", task="seattle", column="wind")
    assert not at.exception and not at.warning
    assert at.selectbox(key="lab_column_seattle").value == "wind"
    assert "wind" in at.query_params["column"]  # published back into the address
    at = page("1_Lab.py", task="seattle", column="no such column")
    assert not at.exception and "column=no such column" in at.warning[0].value
    assert at.selectbox(key="lab_column_seattle").value == "temp_max"  # the data set's default


def test_a_second_link_in_the_same_session_is_applied_too():
    at = page("1_Lab.py", task="adding", epochs="3")
    at.query_params.clear()
    at.query_params.update(task="sine", epochs="5")  # as a demo's "Explore this further" link does
    at.run()
    assert at.selectbox(key="lab_task").value == "sine" and at.select_slider(key="lab_epochs").value == 5


@pytest.mark.parametrize("name, other, query, expected", [
    ("1_Lab.py", "2_Gradient_flow.py", {"task": "adding", "epochs": "7", "hidden": "8"},
     {"lab_task": "adding", "lab_epochs": 7, "lab_hidden": 8}),
    ("2_Gradient_flow.py", "1_Lab.py", {"length": "20", "epochs": "3"}, {"grad_length": 20, "grad_epochs": 3}),
    ("4_Text.py", "1_Lab.py", {"chars": "20000", "epochs": "2"}, {"text_chars": 20_000,
                                                                           "text_epochs": 2}),
])
def test_a_page_keeps_its_settings_after_a_visit_to_another_page(name, other, query, expected):
    at = AppTest.from_file(str(PAGES.parent / "dashboard.py"), default_timeout=120).run()
    visit = lambda path, **link: at.switch_page(f"pages/{path}").run() if not link else (  # noqa: E731
        at.switch_page(f"pages/{path}"), at.query_params.update(link), at.run())[-1]
    visit(name, **query)
    assert {f: at.session_state[f] for f in expected} == expected
    at.query_params.clear()  # the sidebar's link to another page carries no settings
    visit(other)
    assert not at.exception and all(f not in at.session_state for f in expected)  # Streamlit dropped the widgets
    at.query_params.clear()
    visit(name)
    assert not at.exception and not at.warning
    assert {f: at.session_state[f] for f in expected} == expected
    assert {k: at.query_params[k] for k in query} == query  # and the address bar holds them again


def test_an_out_of_range_seed_is_answered_in_whole_numbers():
    at = AppTest.from_file(str(PAGES / "1_Lab.py"), default_timeout=120)
    at.query_params["seed"] = "99999999999"
    at.run()
    notice = at.warning[0].value
    assert "between 0 and 2147483647" in notice and "e+" not in notice
