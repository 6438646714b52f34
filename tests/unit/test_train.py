import math

import pandas as pd
import pytest

from seqlab.training.loop import train, train_interleaved
from tests.helpers import tiny_run

TIMING = {"seconds", "elapsed"}


def losses(history):
    """Records without their timings; NaN (no gradient at epoch 0) made comparable."""
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    return [{k: same(v) for k, v in rec.items() if k not in TIMING} for rec in history]


def test_one_record_per_epoch_starting_at_initialisation(sine_task):
    history = list(train(tiny_run(epochs=3), sine_task))
    assert [r["epoch"] for r in history] == [0, 1, 2, 3]
    assert history[-1]["status"] == "done" and all(r["status"] == "running" for r in history[:-1])
    assert history[0]["steps"] == 0 and history[1]["steps"] == math.ceil(len(sine_task.x_train) / 32)
    table = pd.DataFrame(history)
    assert {"arch", "train_loss", "val_loss", "grad_norm", "seconds", "lr", "val_rmse", "val_mase"} <= set(table)


def test_same_config_and_seed_give_the_same_history_bit_for_bit(sine_task):
    a, b = (list(train(tiny_run(epochs=3, seed=7), sine_task)) for _ in range(2))
    c = list(train(tiny_run(epochs=3, seed=8), sine_task))
    assert losses(a) == losses(b) and losses(a) != losses(c)


def test_interleaving_gives_each_architecture_its_separate_result(sine_task):
    runs = [tiny_run(arch=a, epochs=2) for a in ("rnn", "lstm", "gru")]
    together = train_interleaved(runs, sine_task)
    order = [(r["label"], r["epoch"]) for r in together]
    assert order[:3] == [("RNN", 0), ("LSTM", 0), ("GRU", 0)]  # round robin: curves grow together
    for run, trained in zip(runs, together.runs, strict=True):
        assert losses(trained.history) == losses(list(train(run, sine_task)))


def test_dropout_runs_stay_deterministic_when_interleaved(sine_task):
    from seqlab.config import ModelConfig
    run = tiny_run(epochs=2).replace(model=ModelConfig(hidden_size=8, num_layers=2, dropout=0.5))
    other = tiny_run(arch="rnn", epochs=2)
    together = train_interleaved([run, other], sine_task)
    list(together)
    assert losses(together.runs[0].history) == losses(list(train(run, sine_task)))


def test_stopping_iteration_keeps_model_and_history(sine_task):
    session = train(tiny_run(epochs=50), sine_task)
    for rec in session:
        if rec["epoch"] == 2:
            break
    session.stop()
    assert len(session.history) == 3 and session.status == "stopped"
    assert session.history[-1]["status"] == "stopped" and session.model is not None
    assert list(session) == []  # a stopped run trains no further


def test_divergence_ends_one_architecture_and_the_others_go_on(sine_task):
    from seqlab.config import TrainConfig
    wild = tiny_run(arch="rnn", epochs=4).replace(train=TrainConfig(lr=10.0, optimizer="sgd", clip=0.0, epochs=4,
                                                                    batch_size=32))
    calm = tiny_run(arch="lstm", epochs=4)
    session = train_interleaved([wild, calm], sine_task)
    list(session)
    bad, good = session.runs
    assert bad.status == "diverged" and "learning rate" in bad.reason and bad.history[-1]["reason"] == bad.reason
    assert len(bad.history) <= 2  # stopped within its first epoch
    assert good.status == "done" and len(good.history) == 5


def test_wall_time_budget_ends_training_with_a_reason(adding_task):
    session = train(tiny_run("adding", epochs=500, max_seconds=1.0), adding_task)
    list(session)
    assert session.status == "out of time" and "budget" in session.reason
    assert session.elapsed < 3.0


def test_gradient_norm_is_recorded_before_clipping(sine_task):
    history = list(train(tiny_run(epochs=1, clip=1e-4), sine_task))
    assert history[-1]["grad_norm"] > 1e-4 and history[-1]["clip_rate"] == 1.0
    unclipped = list(train(tiny_run(epochs=1, clip=0.0), sine_task))
    assert unclipped[-1]["clip_rate"] == 0.0 and unclipped[-1]["grad_norm"] > 0


def test_training_lowers_the_loss(sine_task):
    history = list(train(tiny_run(epochs=8), sine_task))
    assert history[-1]["val_loss"] < 0.5 * history[0]["val_loss"]


def test_duplicate_architectures_get_distinct_labels(sine_task):
    from seqlab.config import ModelConfig
    runs = [tiny_run(), tiny_run().replace(model=ModelConfig(hidden_size=16))]
    assert [r.label for r in train_interleaved(runs, sine_task).runs] == ["LSTM h=8", "LSTM h=16"]
    with pytest.raises(ValueError, match="at least one"):
        train_interleaved([], sine_task)
