"""What the Gradient-flow page shows, on real training: the RNN's gradient vanishes, the gated cells' does not."""

import pytest
import torch

from seqlab.analysis.diagnostics import GradientRecording, forget_bias_effect, grad_through_time_history
from seqlab.data import make_task
from seqlab.presets import GRADIENT_DEMO, comparison_runs
from seqlab.training.loop import train_interleaved


def log10_ratio(curve) -> float:
    """log10(||dL/dh_1|| / ||dL/dh_T||) from a curve ordered by steps back."""
    ordered = curve.sort_values("steps_back")["log10_norm"]
    return float(ordered.iloc[-1] - ordered.iloc[0])


@pytest.mark.slow
def test_after_training_the_rnn_gradient_vanishes_and_the_gated_ones_survive():
    task = make_task(GRADIENT_DEMO.data)
    training = train_interleaved(comparison_runs(GRADIENT_DEMO), task, [GradientRecording()])
    for _ in training:
        pass
    curves = grad_through_time_history(training.history)
    final = curves[curves["epoch"] == GRADIENT_DEMO.train.epochs]
    ratios = {label: log10_ratio(curve) for label, curve in final.groupby("label")}
    print("log10(||dL/dh_1|| / ||dL/dh_T||) after training:", ratios)
    assert ratios["RNN"] < -10
    assert ratios["LSTM"] > -3 and ratios["GRU"] > -3


def test_a_forget_bias_of_one_makes_the_initial_lstm_decay_less_steep():
    torch.manual_seed(0)
    task = make_task(GRADIENT_DEMO.data)
    for seed in (0, 1, 2):
        frame = forget_bias_effect(GRADIENT_DEMO.model, task, seed, bias=1.0)
        ratios = {label: log10_ratio(curve) for label, curve in frame.groupby("label")}
        assert ratios["LSTM, forget bias 1"] > ratios["LSTM, default start"] + 2, ratios
