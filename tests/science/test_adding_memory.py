"""The lesson the app teaches, checked on real training: gated cells remember, a plain RNN does not."""

import pytest

from seqlab.analysis.evaluate import evaluate
from seqlab.config import RECURRENT_ARCHS as ARCHS
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.training.loop import train_interleaved


@pytest.mark.slow
def test_lstm_and_gru_solve_the_adding_problem_at_t50_and_the_rnn_does_not():
    data = DataConfig(task="adding", length=50, n_samples=4000, seed=0)
    task = make_task(data)
    preset = TrainConfig(epochs=20, batch_size=64, lr=1e-2, clip=1.0, seed=0)
    runs = [RunConfig(data=data, model=ModelConfig(arch=a, hidden_size=64), train=preset) for a in ARCHS]
    session = train_interleaved(runs, task)
    list(session)
    mse = {r.run.model.arch: evaluate(r.model, task, "test")["mse"] for r in session.runs}
    print("test MSE at T=50:", mse)
    assert mse["lstm"] < 0.02 and mse["gru"] < 0.02
    assert mse["rnn"] > 0.1
