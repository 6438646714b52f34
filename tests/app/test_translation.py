"""AppTest of the Translation page: train a small comparison with and without attention, translations every epoch,
results by length, heatmaps for a test example and a typed input, and clear messages for bad typed input."""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

PAGE = str(Path(__file__).parents[2] / "pages" / "6_Translation.py")


@pytest.fixture(scope="module")
def trained() -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=240)
    for key, value in {"translate_pairs": 500, "translate_hidden": 16, "translate_epochs": 2,
                       "translate_seeds": 1}.items():
        at.session_state[key] = value
    at.run()
    assert not at.exception and not at.error
    next(b for b in at.button if b.label == "Train").click()
    return at.run()


def test_before_training_the_page_shows_the_data(trained):
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["translate_pairs"] = 500
    at.run()
    assert not at.exception and not at.error
    frame = at.dataframe[0].value
    assert list(frame.columns) == ["source", "target"] and frame["target"].str.fullmatch(r"\d{4}-\d\d-\d\d").all()
    assert any("CLDR" in c.value for c in at.caption)


def test_training_shows_each_models_translations_and_the_length_verdict(trained):
    at = trained
    assert not at.exception and not at.error
    found = at.session_state["translate_examples"]
    assert set(found) == {"GRU + attention", "GRU"}
    assert all(epoch == 2 for epoch, _ in found.values())  # the last epoch's translations
    assert any("Test exact matches, shortest inputs" in i.value for i in at.info)
    markdown = " ".join(m.value for m in at.markdown)
    assert "→" in markdown and "GRU + attention" in markdown
    titles = [str(json.loads(c.proto.spec).get("title")) for c in at.get("vega_lite_chart")]
    assert any("exact match against input length" in t for t in titles)
    assert any("GRU + attention · test example" in t for t in titles)
    table = at.dataframe[-1].value
    assert {"exact_match", "char_accuracy"} <= set(table.columns)
    assert "most common character per position" in set(table["label"])


@pytest.mark.parametrize("typed, message", [
    ("   ", "the input is empty"),
    ("1" * 300, "the models read at most"),
])
def test_a_bad_typed_input_gets_a_clear_message(trained, typed, message):
    trained.text_input(key="translate_typed").input(typed)
    at = trained.run()
    assert not at.exception
    assert any(message in e.value for e in at.error)


def test_a_shared_link_sets_the_widgets():
    at = AppTest.from_file(PAGE, default_timeout=120)
    at.query_params.update({"pairs": "1000", "attention": "on", "hidden": "32", "archs": "lstm"})
    at.run()
    assert not at.exception and not at.error
    assert at.session_state["translate_pairs"] == 1000 and at.session_state["translate_attention"] == ["on"]
    assert at.session_state["translate_archs"] == ["lstm"] and at.session_state["translate_hidden"] == 32


def test_a_typed_input_with_unknown_characters_names_them_and_still_draws_a_map(trained):
    trained.text_input(key="translate_typed").input("3 März 1999 ☃")
    at = trained.run()
    assert not at.exception and not at.error
    assert any("'☃'" in w.value for w in at.warning)


def test_translation_runs_land_on_the_runs_page_with_one_command_for_the_comparison():
    at = AppTest.from_file(str(Path(PAGE).parents[1] / "dashboard.py"), default_timeout=240).run()
    at.switch_page("pages/6_Translation.py")
    at.query_params.update(pairs="500", epochs="1", hidden="8", archs="gru", attention="on,off", seeds="1")
    at.run()
    next(b for b in at.button if b.label == "Train").click().run()
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception
    log = at.session_state["runs_log"]
    assert [r.label for r in log.runs] == ["GRU + attention", "GRU"] and {r.source for r in log.runs} == {"Translation"}
    assert at.code[0].value == ("python -m seqlab compare --archs gru --attention on,off --task dates --samples 500 "
                                "--hidden 8 --embedding 16 --epochs 1")  # defaults left out
