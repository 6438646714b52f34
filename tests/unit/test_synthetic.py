import math

import torch

from seqlab.config import DataConfig
from seqlab.data import make_task
from seqlab.data.synthetic import adding_problem, copy_blank_baseline, copy_memory, sine_series


def test_adding_problem_marks_one_value_in_each_half_and_sums_them():
    x, y = adding_problem(200, 30, seed=1)
    assert x.shape == (200, 30, 2) and y.shape == (200, 1)
    marks = x[..., 1]
    assert torch.all(marks.sum(1) == 2)
    assert torch.all(marks[:, :15].sum(1) == 1) and torch.all(marks[:, 15:].sum(1) == 1)
    assert torch.allclose((x[..., 0] * marks).sum(1, keepdim=True), y)
    assert x[..., 0].min() >= 0 and x[..., 0].max() <= 1


def test_adding_baseline_is_the_variance_of_the_sum():
    _, y = adding_problem(20000, 10, seed=0)
    assert abs(float(((y - 1) ** 2).mean()) - 1 / 6) < 0.01


def test_same_seed_same_data_other_seed_other_data():
    a, b, c = (make_task(DataConfig(task="adding", n_samples=100, seed=s)) for s in (3, 3, 4))
    assert torch.equal(a.x_train, b.x_train) and not torch.equal(a.x_train, c.x_train)
    assert sine_series(100, 0.1, 5).frame.equals(sine_series(100, 0.1, 5).frame)


def test_copy_memory_layout():
    x, y = copy_memory(50, blanks=7, seed=0)
    assert x.shape == y.shape == (50, 27)
    assert torch.all((x[:, :10] >= 1) & (x[:, :10] <= 8))
    assert torch.all(x[:, 10:16] == 0) and torch.all(x[:, 16:] == 9)  # T-1 blanks, then 11 delimiters
    assert torch.all(y[:, :17] == 0) and torch.equal(y[:, -10:], x[:, :10])


def test_copy_blank_baseline_is_the_loss_of_predicting_blanks_then_guessing():
    task = make_task(DataConfig(task="copy", length=30, n_samples=64))
    logits = torch.full((*task.y_test.shape, 10), -1e9)
    logits[:, :-10, 0] = 0.0  # certain of blank until the recall steps
    logits[:, -10:, 1:9] = 0.0  # uniform over the 8 symbols there
    ce = torch.nn.functional.cross_entropy(logits.reshape(-1, 10), task.y_test.reshape(-1))
    assert math.isclose(float(ce), copy_blank_baseline(30), rel_tol=1e-5)
    assert task.baseline_loss == copy_blank_baseline(30)
