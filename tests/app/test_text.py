"""AppTest of the Text page: train a small slice, a sample every epoch, generation; bad texts get a message."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app import datasets as app_data
from seqlab.app import writing as text
from seqlab.app.live import Comparison
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import corpus, make_task
from seqlab.training.loop import train_interleaved

TEXT = str(Path(__file__).parents[2] / "pages" / "4_Text.py")


@pytest.fixture
def page() -> AppTest:
    at = AppTest.from_file(TEXT, default_timeout=180)
    for key, value in {"text_archs": ["lstm", "gru"], "text_epochs": 1, "text_hidden": 16, "text_length": 20,
                       "text_chars": 20_000}.items():
        at.session_state[key] = value
    return at.run()


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click()
    return at.run()


def test_the_page_shows_the_text_and_the_sizes_before_training(page):
    assert not page.exception and not page.error
    task = make_task(DataConfig(task="text", length=20, n_samples=20_000 // 21))
    assert page.code[0].value == text.excerpt(task)  # the beginning of the text, as the models read it
    about = [c.value for c in page.caption if "Python documentation" in c.value]  # after the phone's settings note
    assert len(about) == 1 and "distinct characters" in about[0]
    assert [m.label.split(" ·")[0] for m in page.metric] == ["LSTM", "GRU"]
    assert not page.get("vega_lite_chart")  # nothing trained yet


def test_training_two_architectures_writes_a_sample_every_epoch(page):
    at = press(page, "Train")
    assert not at.exception and not at.error
    found = at.session_state["text_samples"]
    assert set(found) == {"LSTM", "GRU"} and [epoch for epoch, _ in found["LSTM"]] == [0, 1]
    assert all(sample.startswith(text.PROMPT) and len(sample) == len(text.PROMPT) + text.LIVE_CHARS
               for items in found.values() for _, sample in items)
    shown = [c.value for c in at.code]
    assert found["LSTM"][-1][1] in shown and found["GRU"][-1][1] in shown  # the last samples, under the results
    label, counted = at.session_state["text_counted"]  # and beside them what counting alone writes
    assert label == "character 5-gram" and counted in shown and len(counted) == len(text.PROMPT) + text.LIVE_CHARS
    table = at.dataframe[-1].value
    assert {"bits_per_char", "perplexity", "cross_entropy"} <= set(table.columns)
    assert list(table.loc[table["kind"] == "model", "label"]) == ["LSTM", "GRU"]
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"LSTM weights (.pt)", "GRU vocabulary (JSON)", "Download the history (CSV)"} <= labels


def test_generation_writes_from_the_prompt_without_retraining(page):
    at = press(page, "Train")
    comparison = at.session_state["text_comparison"]
    history = len(comparison.training.history)
    at.text_input(key="text_prompt").set_value("Python is ")
    at.slider(key="text_gen_length").set_value(200)
    at.selectbox(key="text_writer").set_value("LSTM")
    at = press(at, "Generate")
    assert not at.exception and not at.error
    generated = at.session_state["text_generated"]
    assert generated.label == "LSTM" and generated.sample.full.startswith("Python is ")
    assert len(generated.sample.text) == 200 and generated.sample.full in [c.value for c in at.code]
    assert any("characters a second" in c.value for c in at.caption)
    assert at.session_state["text_comparison"] is comparison and len(comparison.training.history) == history
    at.toggle(key="text_log").set_value(True).run()  # a redraw keeps the generated text
    assert generated.sample.full in [c.value for c in at.code]


def test_a_prompt_outside_the_alphabet_is_said_not_hidden(page):
    at = press(page, "Train")
    at.text_input(key="text_prompt").set_value("日本")
    at = press(at, "Generate")
    assert not at.exception
    assert any("Prompt changed" in i.value and "日" in i.value for i in at.info)


def test_a_binary_upload_shows_a_message_not_a_traceback(page):
    page.radio(key="text_corpus").set_value("upload").run()
    assert any("Upload a .txt file" in i.value for i in page.info) and not page.exception
    page.get("file_uploader")[0].set_value(("notes.txt", b"%PDF-1.4\x00\x01\x02\xff" * 50, "text/plain")).run()
    assert not page.exception
    assert page.error and "binary file" in page.error[0].value
    assert next(b for b in page.button if b.label == "Train").disabled


def test_an_uploaded_text_trains(page):
    page.radio(key="text_corpus").set_value("upload").run()
    lines = "".join(f"Line {i}: the cat sat on the mat, and the dog sat on the log.\n" for i in range(300))
    page.get("file_uploader")[0].set_value(("cats.txt", lines.encode(), "text/plain")).run()
    assert not page.exception and not page.error
    at = press(page, "Train")
    assert not at.exception and any("your text" in s.value for s in at.subheader)
    assert set(at.session_state["text_samples"]) == {"LSTM", "GRU"}


def test_shakespeare_offline_falls_back_with_a_visible_notice(page, monkeypatch, tmp_path):
    def offline(url, timeout):
        raise OSError("Temporary failure in name resolution")

    monkeypatch.setenv(corpus.CACHE_ENV, str(tmp_path))
    monkeypatch.setattr(corpus, "_download", offline)
    monkeypatch.setattr(corpus, "_last_failure", [])
    app_data.forget_tasks()
    page.radio(key="text_corpus").set_value("shakespeare").run()
    assert not page.exception and not page.error
    notice = next(w.value for w in page.warning if "Tiny Shakespeare" in w.value)
    assert "Temporary failure" in notice and "Python's documentation" in notice
    assert not next(b for b in page.button if b.label == "Train").disabled  # the fallback text can be trained on


def test_stop_keeps_the_samples_written_so_far(page):
    data = DataConfig(task="text", length=20, n_samples=20_000 // 21)
    task = make_task(data)
    runs = [RunConfig(data=data, model=ModelConfig(arch=a, hidden_size=8), train=TrainConfig(epochs=30))
            for a in ("lstm", "gru")]
    comparison = Comparison(task, train_interleaved(runs, task))
    records = iter(comparison.training)
    for _ in range(4):  # epochs 0 and 1 of both runs
        next(records)
    page.session_state["text_comparison"] = comparison
    page.session_state["text_samples"] = {"LSTM": [(1, "The LSTM so far")], "GRU": [(1, "The GRU so far")]}
    page.session_state["text_action"] = "stop"  # what the Stop button's callback leaves
    at = page.run()
    assert not at.exception and comparison.stopped_by_user and comparison.report is not None
    assert {"The LSTM so far", "The GRU so far"} <= {c.value for c in at.code}
    assert any("Stopped by you" in i.value for i in at.info)


def test_each_click_samples_with_a_new_seed_shown_so_it_can_be_written_again(page):
    """Issue 14: with a fixed seed 0, four prompts continued alike after a few characters."""
    at = press(page, "Train")
    at.slider(key="text_gen_length").set_value(200)
    at.slider(key="text_temperature").set_value(1.0)
    first = press(at, "Generate").session_state["text_generated"]
    second = press(at, "Generate").session_state["text_generated"]
    assert first.seed != second.seed and first.sample.text != second.sample.text
    assert any(f"Seed **{second.seed}**" in c.value for c in at.caption)  # shown, to reproduce it
    at.number_input(key="text_gen_seed").set_value(first.seed)
    again = press(at, "Generate").session_state["text_generated"]
    assert again.seed == first.seed and again.sample.full == first.sample.full
