import torch

from seqlab.config import DataConfig
from seqlab.data import make_task
from seqlab.data.preview import example_sequences, key_steps


def test_adding_examples_mark_exactly_the_two_summed_steps():
    task = make_task(DataConfig(task="adding", length=20, n_samples=100))
    frame = example_sequences(task, n=3)
    assert set(frame.channel) == {"value"} and frame.sequence.nunique() == 3
    marked = frame[frame.marked]
    assert (marked.groupby("sequence").size() == 2).all()
    sums = marked.groupby("sequence").value.sum().to_numpy()
    assert torch.allclose(torch.tensor(sums, dtype=torch.float32), task.y_train[:3, 0])


def test_copy_examples_mark_the_symbols_to_recall():
    task = make_task(DataConfig(task="copy", length=15, n_samples=64))
    assert key_steps(task, task.x_train[:2]).sum() == 20
    frame = example_sequences(task, n=2)
    assert set(frame.channel) == {"symbol"} and len(frame) == 2 * (15 + 20)


def test_series_examples_have_one_unmarked_channel():
    task = make_task(DataConfig(task="sine", length=10, n_samples=200))
    frame = example_sequences(task, n=2)
    assert len(frame) == 20 and not frame.marked.any()
