"""AppTest of the Music page: the chorales before training, a melody every epoch, a melody continued from a chorale
or from typed notes; notes that are not notes get a message that names them."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.analysis import music
from seqlab.data import notes

MUSIC = str(Path(__file__).parents[2] / "pages" / "8_Music.py")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(MUSIC, default_timeout=180)
    for key, value in {"music_archs": ["lstm", "gru"], "music_epochs": 1, "music_hidden": 16, "music_length": 16,
                       "music_seeds": 1}.items():
        at.session_state[key] = value
    return at.run()


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


@pytest.fixture
def trained(page) -> AppTest:
    return press(page, "Train")


def audio_elements(at: AppTest) -> list:
    return at.get("audio")


def test_the_page_shows_the_chorales_drawn_and_playable_before_training(page):
    assert not page.exception and not page.error
    about = [c.value for c in page.caption if "distinct notes" in c.value]
    assert len(about) == 1 and "split by tune" in about[0] and "Bach" in about[0]
    assert len(page.get("vega_lite_chart")) == 1 and len(audio_elements(page)) == 1  # the first training chorale
    assert [m.label.split(" ·")[0] for m in page.metric] == ["LSTM", "GRU"]


def test_training_writes_a_melody_every_epoch_and_plays_it(trained):
    at = trained
    assert not at.exception and not at.error
    comparison = at.session_state["music_comparison"]
    for run in comparison.training.runs:
        written = [r for r in run.history if r.get(music.MELODY)]
        assert [r["epoch"] for r in written] == [0, 1] and all(0 <= r[music.IN_KEY] <= 1 for r in written)
    assert len(audio_elements(at)) >= 3  # the chorale, and each model's last melody
    table = at.dataframe[0].value  # next pitch right: the models, then counting
    assert list(table["model or baseline"]) == ["LSTM", "GRU", "commonest pitch", "note 3-gram", "note 5-gram"]
    assert table["next pitch right"].between(0, 1).all()
    results = at.dataframe[-1].value
    assert {"note 3-gram", "note 5-gram", "symbol frequencies"} <= set(results["label"])
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"LSTM weights (.pt)", "GRU vocabulary (JSON)", "Download the history (CSV)"} <= labels


def test_every_epochs_melodies_can_be_heard_after_training(trained):
    at = trained
    assert any("after epoch 1" in m.value for m in at.markdown)  # the last epoch first
    at.select_slider(key="music_hear_epoch").set_value(0).run()
    assert not at.exception
    assert sum("· untrained" in m.value for m in at.markdown) == 2 and len(audio_elements(at)) >= 3


def test_a_chorale_opening_is_continued_drawn_played_and_offered_as_midi(trained):
    at = trained
    history = len(at.session_state["music_comparison"].training.history)
    at.slider(key="music_notes").set_value(40)
    at.number_input(key="music_gen_seed").set_value(7)
    at = press(at, "Continue the melody")
    assert not at.exception and not at.error
    written = at.session_state["music_written"]
    assert written.melody.seed == 7 and len(written.melody.notes) == 40 and written.melody.opening
    assert notes.names(written.melody.events) in [c.value for c in at.code]
    assert "Melody (MIDI)" in {b.proto.label for b in at.get("download_button")}
    assert len(at.session_state["music_comparison"].training.history) == history  # no retraining
    again = press(at, "Continue the melody").session_state["music_written"]
    assert again.melody == written.melody  # the same seed and settings write the same melody


def test_typed_notes_are_continued(trained):
    at = trained
    at.radio(key="music_source").set_value("Notes I type").run()
    at.text_input(key="music_typed").set_value("C4 D4 E4 F4 G4:2").run()
    at = press(at, "Continue the melody")
    assert not at.exception and not at.error
    opening = at.session_state["music_written"].melody.opening
    assert [notes.pitch_name(e.pitch) for e in opening] == ["C4", "D4", "E4", "F4", "G4"]


@pytest.mark.parametrize("typed, named", [("C4 H4 E4", "'H4'"), ("C4 C9", "'C9'"), ("", "no notes"),
                                          ("C4:0", "'C4:0'"), ("C4 " * 70, "too many")])
def test_notes_that_are_not_notes_get_a_message_naming_them_and_nothing_is_lost(trained, typed, named):
    at = trained
    comparison = at.session_state["music_comparison"]
    at.radio(key="music_source").set_value("Notes I type").run()
    at.text_input(key="music_typed").set_value(typed).run()
    assert not at.exception
    assert at.error and named in at.error[0].value
    assert next(b for b in at.button if b.label == "Continue the melody").disabled
    assert at.session_state["music_comparison"] is comparison and comparison.report is not None


def test_a_note_the_model_never_saw_is_named_with_the_lengths_it_knows(trained):
    at = trained
    at.radio(key="music_source").set_value("Notes I type").run()
    at.text_input(key="music_typed").set_value("C4 D4:7.25").run()
    at = press(at, "Continue the melody")
    assert not at.exception
    assert at.error and "D4:7.25" in at.error[0].value and "nearest length it knows" in at.error[0].value

