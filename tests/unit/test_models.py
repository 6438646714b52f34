import pytest
import torch

from seqlab.config import ModelConfig
from seqlab.models import SequenceModel, count_params, equal_budget, param_count


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("kind, x, y, out_shape", [
    ("regression", torch.randn(4, 7, 3), torch.randn(4, 2), (4, 2)),
    ("classification", torch.randn(4, 7, 3), torch.randint(0, 2, (4,)), (4, 2)),
])
def test_heads_give_one_output_per_sequence(arch, kind, x, y, out_shape):
    model = SequenceModel(ModelConfig(arch=arch, hidden_size=5, num_layers=2), 3, 2, kind)
    out, loss = model(x, y)
    assert out.shape == out_shape and loss.ndim == 0 and torch.isfinite(loss)


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_next_token_head_predicts_every_step(arch):
    model = SequenceModel(ModelConfig(arch=arch, hidden_size=5, embedding_dim=4), 11, 11, "next-token", True)
    out, loss = model(torch.randint(0, 11, (3, 9)), torch.randint(0, 11, (3, 9)))
    assert out.shape == (3, 9, 11) and loss is not None


def test_regression_reads_the_last_step_of_the_last_layer():
    model = SequenceModel(ModelConfig(arch="gru", hidden_size=5, num_layers=2), 3, 1, "regression")
    x = torch.randn(2, 6, 3)
    seq, _ = model.rnn(x)
    assert torch.allclose(model(x)[0], model.head(seq[:, -1]))


def test_bidirectional_only_for_classification():
    SequenceModel(ModelConfig(bidirectional=True, hidden_size=4), 3, 5, "classification")
    with pytest.raises(ValueError, match="classification"):
        SequenceModel(ModelConfig(bidirectional=True, hidden_size=4), 3, 1, "regression")


def test_lstm_parameter_count_matches_the_formula():
    i, h, out = 3, 10, 2
    model = SequenceModel(ModelConfig(arch="lstm", hidden_size=h), i, out, "regression")
    assert param_count(model) == 4 * (h * i + h * h + 2 * h) + h * out + out


def test_forget_bias_sets_the_forget_slice_only():
    model = SequenceModel(ModelConfig(arch="lstm", hidden_size=6, num_layers=2, forget_bias=1.0), 2, 1, "regression")
    for layer in range(2):
        b = getattr(model.rnn, f"bias_ih_l{layer}") + getattr(model.rnn, f"bias_hh_l{layer}")
        assert torch.allclose(b[6:12], torch.ones(6))
        assert not torch.allclose(b[:6], torch.ones(6))


class _Shape:
    input_size, output_size, kind, token_input = 1, 1, "regression", False


def test_equal_budget_brings_parameter_counts_within_five_percent():
    configs = [ModelConfig(arch=a, hidden_size=64) for a in ("rnn", "lstm", "gru")]
    counts = [count_params(c, _Shape) for c in equal_budget(configs, _Shape)]
    assert max(counts) / min(counts) < 1.05
    assert [c.hidden_size for c in equal_budget(configs, _Shape)][0] > 64  # the RNN gets more units
