"""AppTest of the Lab: choose a task, train two architectures, read the results; bad uploads get a message."""

import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import half_trained

LAB = str(Path(__file__).parents[2] / "pages" / "1_Lab.py")


@pytest.fixture
def lab() -> AppTest:
    at = AppTest.from_file(LAB, default_timeout=180)
    at.session_state["lab_archs"] = ["lstm", "gru"]
    at.session_state["lab_epochs"] = 2
    at.session_state["lab_seeds"] = 1  # several seeds: test_lab_seeds.py
    at.session_state["lab_hidden"] = 8
    return at.run()


def train(at: AppTest) -> AppTest:
    next(b for b in at.button if b.label == "Train").click()
    return at.run()


def downloads(at: AppTest) -> dict[str, str]:
    return {b.proto.label: b for b in at.get("download_button")}


def test_lab_shows_the_data_and_sizes_before_training(lab):
    assert not lab.exception and not lab.error
    assert len(lab.get("vega_lite_chart")) == 1  # the series with its split
    assert [m.label.split(" ·")[0] for m in lab.metric] == ["LSTM", "GRU"]
    assert next(b for b in lab.button if b.label == "Stop").disabled  # nothing to stop yet


def test_training_two_architectures_on_a_series_gives_every_result(lab):
    at = train(lab)
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 4  # preview, loss, predictions (one- and multi-step), metrics
    table = at.dataframe[0].value
    assert list(table.loc[table["kind"] == "model", "label"]) == ["LSTM", "GRU"]
    assert {"persistence", "params", "sec_per_epoch", "mse", "beats persistence"} <= set(table["label"]) | set(
        table.columns)
    assert "Download the history (CSV)" in downloads(at) and "Download results and configs (JSON)" in downloads(at)
    assert any("persistence" in s.value for s in [*at.success, *at.info, *at.warning])  # the verdict names it


def test_the_downloads_hold_the_history_and_the_configs(lab):
    at = train(lab)
    comparison = at.session_state["lab_comparison"]
    history = pd.DataFrame(comparison.report.history)
    assert set(history["label"]) == {"LSTM", "GRU"} and history["epoch"].max() == 2
    results = json.loads(comparison.report.results_json)
    assert results["format"] == "seqlab-results/1"
    assert [r["config"]["model"]["arch"] for r in results["runs"]] == ["lstm", "gru"]


def test_changing_a_widget_after_training_redraws_without_retraining(lab):
    at = train(lab)
    before = at.session_state["lab_comparison"]
    at.toggle(key="lab_log").set_value(False).run()
    at.select_slider(key="lab_hidden").set_value(16).run()
    assert at.session_state["lab_comparison"] is before and before.report is not None
    assert len(at.get("vega_lite_chart")) == 4 and not at.exception


def test_a_synthetic_task_trains_and_shows_truth_against_prediction(lab):
    lab.selectbox(key="lab_task").set_value("adding").run()
    lab.select_slider(key="lab_length").set_value(10).run()
    lab.select_slider(key="lab_samples").set_value(500).run()
    at = train(lab)
    assert not at.exception and not at.error
    assert len(at.get("vega_lite_chart")) == 4  # example sequences, loss, truth against prediction, metrics
    assert "Adding problem" in at.subheader[-1].value


def test_the_chorales_train_against_the_note_ngrams_and_say_where_the_melodies_come_from(lab):
    lab.selectbox(key="lab_task").set_value("chorales").run()
    assert not lab.exception and not lab.error
    assert any("public domain" in c.value and "one note (pitch and length)" in c.value for c in lab.caption)
    at = train(lab)
    assert not at.exception and not at.error
    table = at.dataframe[0].value
    assert {"LSTM", "GRU", "symbol frequencies", "note 3-gram"} <= set(table["label"])


def test_a_broken_csv_shows_a_message_and_keeps_the_last_results(lab):
    at = train(lab)
    at.selectbox(key="lab_task").set_value("csv").run()
    assert any("Upload a CSV" in i.value for i in at.info) and not at.exception
    at.get("file_uploader")[0].set_value(("broken.csv", b"\x00\x01\x02 not a table \xff\xfe", "text/csv")).run()
    assert not at.exception
    assert at.error and "cannot be used" in at.error[0].value
    assert at.session_state["lab_comparison"].report is not None  # the earlier results are still shown
    assert len(at.dataframe) == 1


def test_stop_in_the_middle_keeps_what_was_learned(lab):
    comparison = half_trained(epochs=50, records=4)  # epochs 0 and 1 of both runs
    lab.session_state["lab_comparison"] = comparison
    lab.session_state["lab_action"] = "stop"  # what the Stop button's callback leaves
    at = lab.run()
    assert not at.exception and comparison.stopped_by_user and comparison.report is not None
    assert [r.status for r in comparison.training.runs] == ["stopped", "stopped"]
    assert len(comparison.report.history) == 4 and any("Stopped by you" in i.value for i in at.info)
    assert len(at.dataframe) == 1


def test_an_unfinished_comparison_carries_on_after_a_rerun(lab):
    comparison = half_trained(epochs=3, records=2)  # as if the person left the page during epoch 1
    lab.session_state["lab_comparison"] = comparison
    at = lab.run()
    assert not at.exception and comparison.report is not None and not comparison.stopped_by_user
    assert [r.epoch - 1 for r in comparison.training.runs] == [3, 3]


def test_a_diverging_architecture_is_marked_and_the_others_carry_on(lab):
    for key, value in {"lab_samples": 500, "lab_lr": 1.0, "lab_optimizer": "sgd", "lab_clip": 0.0,
                       "lab_epochs": 2, "lab_seeds": 1}.items():
        lab.session_state[key] = value
    lab.session_state["lab_archs"] = ["rnn", "lstm"]
    at = train(lab.run())
    assert not at.exception
    runs = {r.label: r for r in at.session_state["lab_comparison"].training.runs}
    assert runs["RNN"].status == "diverged" and runs["RNN"].epoch - 1 == 1  # exploded in its first epoch
    assert runs["LSTM"].epoch - 1 == 2  # it trained its next epoch although the RNN had stopped
    # (and its own validation loss then rose 1.2 -> 7 -> 270: at lr 1 without clipping it diverges too)
    error = next(e.value for e in at.error if e.value.startswith("RNN diverged"))  # a failure: an error box
    assert "lower the learning rate" in error and "clip" in error
    assert len(at.dataframe) == 1 and not at.success  # no good news in green beside it


def test_a_ticker_that_cannot_be_fetched_shows_the_fallback_and_its_notice(lab, monkeypatch):
    from seqlab.data import stocks

    def offline(*args, **kwargs):
        raise ConnectionError("Could not resolve host: query1.finance.yahoo.com")

    monkeypatch.setattr(stocks, "_download", offline)
    stocks.clear_cache()
    lab.selectbox(key="lab_task").set_value("stock").run()
    lab.text_input(key="lab_ticker").set_value("NOPE").run()
    assert not lab.exception and not lab.error
    notice = next(w.value for w in lab.warning if "NOPE" in w.value)
    assert "Could not fetch 'NOPE'" in notice and "MSFT" in notice
    assert len(lab.get("vega_lite_chart")) == 1  # the fallback prices are previewed


def test_a_silly_ticker_gets_a_message_not_a_traceback(lab):
    lab.selectbox(key="lab_task").set_value("stock").run()
    lab.text_input(key="lab_ticker").set_value("../../etc/passwd").run()
    assert not lab.exception
    assert "ticker" in lab.error[0].value and next(b for b in lab.button if b.label == "Train").disabled


def test_equal_budget_resizes_the_models_to_about_the_same_parameter_count(lab):
    lab.session_state["lab_archs"] = ["rnn", "lstm", "gru"]
    lab.session_state["lab_hidden"] = 64
    lab.toggle(key="lab_equal").set_value(True).run()
    counts = [int(m.value.split()[0].replace(",", "")) for m in lab.metric]
    assert max(counts) / min(counts) < 1.05
    assert len({m.label for m in lab.metric}) == 3 and "GRU · 64 units" in lab.metric[2].label


def test_digits_show_a_confusion_matrix_and_the_misclassified_digits(lab):
    lab.selectbox(key="lab_task").set_value("digits").run()
    lab.radio(key="lab_reading").set_value("pixels").run()
    lab.session_state["lab_epochs"] = 1
    at = train(lab.run())
    assert not at.exception and not at.error
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    titles = [str(s.get("title")) for s in specs]
    assert sum("confusion matrix" in t for t in titles) == 2  # one per architecture
    assert sum("misclassified test digits" in t for t in titles) == 2  # a gallery of 8x8 images each
    table = at.dataframe[0].value
    assert "accuracy" in table and "Handwritten digits, 64 pixels" in at.subheader[-1].value


def reviews_csv(rows: int = 80) -> bytes:
    good = ["a wonderful film, loved it", "great acting and a great story", "fun and moving, well done"]
    bad = ["a dull film, hated it", "awful acting and a boring story", "slow and silly, badly done"]
    lines = ["id,review,sentiment"] + [f'{i},"{(good if i % 2 else bad)[i % 3]}",{"pos" if i % 2 else "neg"}'
                                       for i in range(rows)]
    return "\n".join(lines).encode()


def test_a_sentiment_csv_picks_its_columns_and_trains_a_text_classifier(lab):
    lab.selectbox(key="lab_task").set_value("sentiment").run()
    assert any("Upload a CSV" in i.value for i in lab.info) and not lab.exception
    lab.radio(key="lab_tokens").set_value("word").run()
    lab.get("file_uploader")[0].set_value(("reviews.csv", reviews_csv(), "text/csv")).run()
    assert not lab.exception and not lab.error
    assert lab.selectbox(key="lab_text_column").value == "review"
    assert lab.selectbox(key="lab_label_column").value == "sentiment"
    assert "story" in " ".join(lab.dataframe[0].value["text as read"])  # the texts as the model reads them
    lab.select_slider(key="lab_length").set_value(10).run()
    at = train(lab)
    assert not at.exception and not at.error
    titles = [str(json.loads(c.proto.spec).get("title")) for c in at.get("vega_lite_chart")]
    assert sum("confusion matrix" in t for t in titles) == 2
    table = next(d.value for d in at.dataframe if "accuracy" in d.value)
    assert set(table.loc[table["kind"] == "model", "label"]) == {"LSTM", "GRU"}
    mistakes = [d.value for d in at.dataframe if "predicted" in d.value]  # each model's misread texts
    assert len(mistakes) == 2 and all(set(m["true"]) <= {"neg", "pos"} for m in mistakes)
    assert "sentiment of review (words)" in at.subheader[-1].value


def test_a_sentiment_csv_with_one_class_gets_a_message(lab):
    lab.selectbox(key="lab_task").set_value("sentiment").run()
    one_class = "\n".join(["review,sentiment"] + [f"text number {i},pos" for i in range(40)]).encode()
    lab.get("file_uploader")[0].set_value(("reviews.csv", one_class, "text/csv")).run()
    assert not lab.exception
    assert lab.error and "cannot be used" in lab.error[0].value and "label" in lab.error[0].value
    lab.get("file_uploader")[0].set_value(("photo.csv", b"\x89PNG\r\n\x1a\n\x00\x00" * 40, "text/csv")).run()
    assert not lab.exception and lab.error and "binary" in lab.error[0].value
    assert next(b for b in lab.button if b.label == "Train").disabled


def test_copy_memory_draws_its_predict_blanks_baseline_on_the_loss_chart(lab):
    lab.selectbox(key="lab_task").set_value("copy").run()
    lab.select_slider(key="lab_length").set_value(10).run()
    lab.select_slider(key="lab_samples").set_value(500).run()
    lab.session_state["lab_epochs"] = 1
    at = train(lab.run())
    assert not at.exception and not at.error
    report = at.session_state["lab_comparison"].report
    value, name = report.loss_baseline
    assert name.startswith("predict blanks")
    loss = next(c for c in at.get("vega_lite_chart") if "epoch (0 = before training)" in c.proto.spec)
    assert '"rule"' in loss.proto.spec  # the baseline is drawn as a horizontal rule...
    assert f"{name} · validation loss {value:.4g}".encode() in loss.proto.SerializeToString()  # ...labelled
    assert value == report.table.set_index("label").loc[name, "val_loss"]  # with the table's number


def test_a_good_csv_upload_offers_its_columns_and_trains_a_forecast(lab):
    days = pd.date_range("2020-01-01", periods=400, freq="D")
    frame = pd.DataFrame({"day": days.strftime("%d/%m/%Y"), "sales": (pd.Series(range(400)) % 7 * 3.0 + 10),
                          "visitors": pd.Series(range(400)) * 0.5})
    lab.selectbox(key="lab_task").set_value("csv").run()
    lab.select_slider(key="lab_length").set_value(20).run()
    lab.get("file_uploader")[0].set_value(("shop.csv", frame.to_csv(index=False, sep=";").encode(), "text/csv")).run()
    assert not lab.exception and not lab.error
    column = lab.selectbox(key="lab_column_csv")
    assert set(column.options) == {"sales", "visitors"}
    column.set_value("visitors").run()
    at = train(lab)
    assert not at.exception and not at.error
    assert "visitors" in at.subheader[-1].value and len(at.get("vega_lite_chart")) == 4


def test_the_servers_wall_time_limit_caps_every_run(lab, monkeypatch):
    monkeypatch.setenv("SEQLAB_MAX_SECONDS", "7")
    at = train(lab)
    assert not at.exception
    assert {r.run.train.max_seconds for r in at.session_state["lab_comparison"].training.runs} == {7.0}


def test_stop_before_the_first_record_shows_an_empty_result_not_an_error(lab):
    comparison = half_trained(epochs=5, records=0)  # as if Stop came while the run was still queued
    lab.session_state["lab_comparison"] = comparison
    lab.session_state["lab_action"] = "stop"
    at = lab.run()
    assert not at.exception and comparison.report is not None


def test_results_of_other_settings_say_so_and_stay_until_the_next_run(lab):
    at = train(lab)
    assert not any("trained before" in i.value for i in at.info)  # the results match the sidebar
    at.session_state["lab_hidden"] = 16
    at.run()
    notice = next(i.value for i in at.info if "trained before" in i.value)
    assert "hidden size 8 → 16" in notice and "Press **Train**" in notice
    assert at.session_state["lab_comparison"].report is not None  # kept until the next run
