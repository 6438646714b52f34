import pytest
import torch

from seqlab.config import DataConfig
from seqlab.data import REGISTRY, DataError, make_task
from seqlab.data.digits import digits_task
from seqlab.data.text import Vocab, builtin_corpus


# offline and needing no upload
@pytest.mark.parametrize("name", [n for n in REGISTRY if n not in ("stock", "csv", "sentiment", "pairs")])
def test_every_offline_task_builds_finite_tensors_of_its_kind(name):
    task = make_task(DataConfig(task=name, length=12, n_samples=400))
    assert task.kind == REGISTRY[name].kind
    for part in ("train", "val", "test"):
        x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
        assert len(x) == len(y) > 0
        if x.is_floating_point():
            assert torch.isfinite(x).all() and torch.isfinite(y).all()
    assert task.step_meaning and task.target_meaning


def test_csv_task_without_a_file_asks_for_one():
    with pytest.raises(DataError, match="upload"):
        make_task(DataConfig(task="csv"))


def test_csv_task_reads_the_uploaded_bytes():
    rows = "\n".join(f"2020-01-{d:02d},{d * 1.5}" for d in range(1, 31))
    task = make_task(DataConfig(task="csv", length=5), upload=f"date,sales\n{rows}\n".encode())
    assert task.kind == "regression" and "sales" in task.title


def test_digits_readings_have_the_right_shapes_and_labels():
    rows, pixels = (digits_task(DataConfig(task="digits", reading=r)) for r in ("rows", "pixels"))
    assert rows.x_train.shape[1:] == (8, 8) and pixels.x_train.shape[1:] == (64, 1)
    assert torch.equal(rows.x_train.reshape(len(rows.x_train), -1), pixels.x_train.squeeze(-1))
    assert torch.equal(rows.y_train, pixels.y_train) and set(rows.y_train.tolist()) == set(range(10))
    assert float(rows.x_train.max()) == 1.0 and float(rows.x_train.min()) == 0.0


def test_vocabulary_round_trip():
    text = builtin_corpus()[:5000]
    vocab = Vocab(text)
    assert vocab.decode(vocab.encode(text)) == text


def test_text_task_targets_are_inputs_shifted_by_one():
    task = make_task(DataConfig(task="text", length=20, n_samples=100))
    assert torch.equal(task.x_train[:, 1:], task.y_train[:, :-1])
    assert task.x_train.dtype == torch.long and task.input_size == len(task.vocab)
