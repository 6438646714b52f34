import dataclasses

import pytest
import torch

from seqlab.config import ModelConfig
from seqlab.models.recurrent import SequenceModel, count_params, equal_budget, param_count


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


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("bidirectional", [False, True])
def test_layer_by_layer_training_path_computes_what_the_fused_module_does(arch, bidirectional):
    """With a vanishing dropout the mask keeps everything: the per-layer path must then give the fused output."""
    cfg = ModelConfig(arch=arch, hidden_size=5, num_layers=3, dropout=0.5, bidirectional=bidirectional)
    model = SequenceModel(cfg, 3, 2, "classification")
    model.dropout = 1e-12
    x = torch.randn(4, 7, 3)
    (out, state), (fused_out, fused_state) = model._stacked(x), model.rnn(x)
    assert torch.allclose(out, fused_out, atol=1e-6)
    for a, b in zip(*((s if isinstance(s, tuple) else (s,)) for s in (state, fused_state)), strict=True):
        assert a.shape == b.shape and torch.allclose(a, b, atol=1e-6)
    assert sorted(model.state_dict()) == sorted(SequenceModel(dataclasses.replace(cfg, dropout=0.0), 3, 2,
                                                              "classification").state_dict())


def test_dropout_draws_from_the_models_own_generator_not_torchs():
    model = SequenceModel(ModelConfig(arch="lstm", hidden_size=6, num_layers=2, dropout=0.5), 3, 1, "regression")
    x, outputs = torch.randn(8, 5, 3), []
    for noise in (1, 2):
        torch.manual_seed(noise)  # whatever torch's global generator holds
        model.dropout_generator.manual_seed(0)
        outputs.append(model(x)[0])
        after = torch.rand(1)
        torch.manual_seed(noise)
        assert torch.equal(after, torch.rand(1))  # the training step drew nothing from it
    assert torch.equal(outputs[0], outputs[1])
    assert not torch.equal(model(x)[0], outputs[0])  # the generator moved on: a fresh mask
    model.eval()
    assert torch.equal(model(x)[0], model(x)[0])  # no dropout when evaluating
