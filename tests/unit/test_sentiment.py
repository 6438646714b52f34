"""Text classification from a CSV: column choice, tokens, padding, stratified split, clear errors, training."""

import csv
import io
import random

import numpy as np
import pytest
import torch

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import REGISTRY, DataError, make_task
from seqlab.data import sentiment as sent
from seqlab.data.sentiment import PAD, UNK, candidate_columns, stratified_split, tokenize
from seqlab.training.loop import train

GOOD = ["great", "lovely", "wonderful", "superb", "moving"]
BAD = ["awful", "boring", "terrible", "dull", "clumsy"]


def reviews_csv(n: int = 120, seed: int = 0, labels=("positive", "negative"), extra=None) -> bytes:
    """A small labelled CSV: the review's adjective gives its class away; an id column and a numeric one."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "review", "stars", "label"])
    for i in range(n):
        label = labels[i % len(labels)]
        word = rng.choice(GOOD if label == labels[0] else BAD)
        writer.writerow([i, f"The film was {word}, and the cast {rng.choice(['was', 'seemed'])} {word} too.",
                         rng.randint(1, 5), label])
    for row in extra or []:
        writer.writerow(row)
    return out.getvalue().encode()


def sentiment(data: bytes, **cfg):
    return make_task(DataConfig(task="sentiment", **{"length": 30, **cfg}), upload=data)


def test_sentiment_is_registered_as_classification_of_your_data():
    assert REGISTRY["sentiment"].kind == "classification" and REGISTRY["sentiment"].group == "your data"


def test_candidate_columns_put_the_texts_and_the_labels_first():
    choice = candidate_columns(reviews_csv())
    assert choice.text[0] == "review" and "id" not in choice.text and "stars" not in choice.text
    assert choice.label[0] == "label" and "stars" in choice.label and choice.default_label == "label"


@pytest.mark.parametrize("tokens, first", [("char", "the film was "), ("word", "the film was")])
def test_texts_become_front_padded_token_ids(tokens, first):
    task = sentiment(reviews_csv(), tokens=tokens, length=60)
    x = task.x_train  # (N, 60)
    assert x.dtype == torch.long and x.shape[1] == 60 and task.token_input
    assert task.vocab[:2] == (PAD, UNK) and task.input_size == len(task.vocab)
    assert (x[:, -1] != 0).all()  # every text ends at the last step the model reads
    row = [task.vocab[i] for i in x[0].tolist() if i != 0]
    assert ("" if tokens == "char" else " ").join(row).startswith(first)


def test_long_texts_are_cut_to_their_beginning_with_a_note():
    task = sentiment(reviews_csv(), tokens="word", length=4)
    assert all(task.vocab[i] for i in task.x_train[:, 0].tolist())  # no padding left
    assert {task.vocab[i] for i in task.x_train[:, 0].tolist()} == {"the"}
    assert any("cut to their beginning" in n for n in task.notes)


def test_the_vocabulary_comes_from_the_training_texts_only():
    task = sentiment(reviews_csv(), tokens="word")
    seen = set(task.x_train.unique().tolist())
    assert seen | {0, 1} == set(range(len(task.vocab)))


def test_rare_words_beyond_the_cap_read_as_unknown(monkeypatch):
    monkeypatch.setattr(sent, "MAX_WORDS", 5)
    task = sentiment(reviews_csv(), tokens="word")
    assert len(task.vocab) == 7 and (task.x_train == 1).any()
    assert any("5 most frequent" in n for n in task.notes)


def test_the_split_is_stratified_seeded_and_covers_every_row_once():
    y = np.array([0] * 80 + [1] * 20)
    parts = stratified_split(y, 0.15, 0.15, seed=3)
    rows = np.concatenate(list(parts.values()))
    assert sorted(rows.tolist()) == list(range(100))
    assert [int((y[parts[p]] == 1).sum()) for p in ("train", "val", "test")] == [14, 3, 3]
    again = stratified_split(y, 0.15, 0.15, seed=3)
    assert all(np.array_equal(parts[k], again[k]) for k in parts)


def test_classes_are_named_and_numeric_labels_sorted_as_numbers():
    task = sentiment(reviews_csv(labels=("10", "2", "1")), label_column="label")
    assert task.classes == ("1", "2", "10") and task.output_size == 3
    assert task.baseline_name == "class frequencies" and task.baseline_loss == pytest.approx(np.log(3), abs=0.01)


def test_chosen_columns_are_used():
    task = sentiment(reviews_csv(), text_column="review", label_column="stars")
    assert task.classes == ("1", "2", "3", "4", "5") and "stars" in task.title


def test_rows_without_text_or_label_are_left_out_with_a_note():
    task = sentiment(reviews_csv(extra=[[999, "", 3, "positive"], [1000, "fine", 3, ""]]))
    assert sum(task.sizes().values()) == 120
    assert any("2 rows without a text or a label" in n for n in task.notes)


def test_more_rows_than_the_limit_are_sampled_with_a_note():
    task = sentiment(reviews_csv(n=200), max_rows=100)
    assert sum(task.sizes().values()) == 100 and any("100 of the 200 rows" in n for n in task.notes)


@pytest.mark.parametrize("data, cfg, phrase", [
    (b"id,score\n" + b"".join(f"{i},{i % 2}\n".encode() for i in range(50)), {}, "no text column"),
    (reviews_csv(labels=("positive",)), {"label_column": "label"}, "one class only"),
    (reviews_csv(), {"label_column": "id"}, "at most 20 classes"),
    (reviews_csv(), {"text_column": "comment"}, "no column 'comment'"),
    (reviews_csv(), {"text_column": "stars"}, "holds numbers or nothing, not texts"),
    (reviews_csv(), {"text_column": "review", "label_column": "review"}, "both the text and the label"),
    (reviews_csv(n=10), {}, "at least 20"),
    (b"", {}, "empty"),
    (b"review,label\n", {}, "no rows"),
    (b"PK\x03\x04\x00\x00binary", {}, "binary"),
])
def test_bad_files_get_a_clear_message(data, cfg, phrase):
    with pytest.raises(DataError, match=phrase):
        sentiment(data, **cfg)


def test_a_file_over_the_size_cap_is_refused():
    with pytest.raises(DataError, match="over the .* MB limit"):
        sent.sentiment_task(DataConfig(task="sentiment"), reviews_csv(), max_bytes=1000)


def test_without_a_file_the_task_asks_for_one():
    with pytest.raises(DataError, match="upload"):
        make_task(DataConfig(task="sentiment"))


def test_tokenize_lowercases_and_splits_words_from_punctuation():
    assert tokenize("Don't stop!", "word") == ["don't", "stop", "!"]
    assert tokenize("Ab", "char") == ["a", "b"]


@pytest.mark.parametrize("tokens", ["char", "word"])
def test_a_small_gru_learns_the_front_padded_texts(tokens):
    data = DataConfig(task="sentiment", tokens=tokens, length=50 if tokens == "char" else 12)
    task = make_task(data, upload=reviews_csv(n=160))
    run = RunConfig(data=data, model=ModelConfig(arch="gru", hidden_size=16, embedding_dim=8),
                    train=TrainConfig(epochs=8, batch_size=16, lr=1e-2, seed=0))
    history = list(train(run, task))
    assert history[-1]["val_accuracy"] >= 0.9  # chance is 0.5


def test_the_command_line_trains_on_a_labelled_csv(tmp_path, capsys):
    from seqlab.cli import main

    path = tmp_path / "reviews.csv"
    path.write_bytes(reviews_csv())
    code = main(["compare", "--task", "sentiment", "--csv", str(path), "--tokens", "word", "--length", "12",
                 "--archs", "gru", "--epochs", "1", "--hidden", "4", "--quiet"])
    assert code == 0 and "class frequencies" in capsys.readouterr().out
