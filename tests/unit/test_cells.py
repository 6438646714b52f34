"""The explicit cells against PyTorch's fused modules as the oracle, on the same weights and input."""

import pytest
import torch
import torch.nn as nn

from seqlab.config import ModelConfig
from seqlab.models.cells import GATE_RANGES, GATES, run_cells, run_model
from seqlab.models.recurrent import SequenceModel

FUSED = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}


def fused(arch: str, layers: int, **kwargs) -> nn.Module:
    module = FUSED[arch](3, 5, layers, batch_first=True, **kwargs)
    with torch.no_grad():  # larger weights than the default init, so the gates leave their middle
        for p in module.parameters():
            p.mul_(3.0)
    return module


@pytest.mark.parametrize("layers", [1, 2])
@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_explicit_cells_match_the_fused_module(arch, layers):
    module, x = fused(arch, layers), torch.randn(4, 7, 3)
    out, state = module(x)
    trace = run_cells(module, x)
    h_n = state[0] if arch == "lstm" else state  # (layers, B, H)
    torch.testing.assert_close(trace.output, out, rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(torch.stack([h[:, -1] for h in trace.hidden]), h_n, rtol=1e-5, atol=1e-6)
    if arch == "lstm":
        torch.testing.assert_close(torch.stack([c[:, -1] for c in trace.cell]), state[1], rtol=1e-5, atol=1e-6)


def test_relu_rnn_and_a_module_without_bias_match_too():
    for module in (fused("rnn", 2, nonlinearity="relu"), fused("gru", 1, bias=False)):
        x = torch.randn(2, 6, 3)
        torch.testing.assert_close(run_cells(module, x).output, module(x)[0], rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_gates_and_states_have_their_shapes_and_ranges(arch):
    trace = run_cells(fused(arch, 2), torch.randn(4, 7, 3) * 3)
    assert set(trace.gates) == set(GATES[arch]) and trace.num_layers == 2
    assert len(trace.hidden_steps[1]) == 7 and trace.hidden_steps[1][0].shape == (4, 5)
    for name, per_layer in trace.gates.items():
        assert len(per_layer) == 2 and per_layer[0].shape == (4, 7, 5)
        if name in GATE_RANGES:
            lo, hi = GATE_RANGES[name]
            values = torch.cat(per_layer)
            assert lo <= values.min() and values.max() <= hi
            assert values.max() - values.min() > 0.5  # not stuck at one value
    assert (trace.cell is None) == (arch != "lstm")


def test_lstm_cell_state_follows_its_gate_equation():
    trace = run_cells(fused("lstm", 1), torch.randn(2, 5, 3))
    i, f, g = (trace.gates[k][0] for k in "ifg")
    c = trace.cell[0]  # (B, T, H)
    torch.testing.assert_close(c[:, 1:], f[:, 1:] * c[:, :-1] + i[:, 1:] * g[:, 1:])


def test_float64_run_matches_the_float32_module():
    module, x = fused("lstm", 2), torch.randn(3, 9, 3)
    trace = run_cells(module, x, dtype=torch.float64)
    assert trace.output.dtype == torch.float64
    torch.testing.assert_close(trace.output.float(), module(x)[0], rtol=1e-5, atol=1e-6)


def test_forget_bias_shows_in_the_forget_gate():
    x = torch.randn(8, 10, 2)
    gates = {}
    for bias in (None, 3.0):
        model = SequenceModel(ModelConfig(arch="lstm", hidden_size=16, forget_bias=bias), 2, 1, "regression")
        gates[bias] = run_model(model, x).gates["f"][0].mean().item()
    assert abs(gates[None] - 0.5) < 0.1 and gates[3.0] > 0.9  # sigmoid(3) = 0.95


def test_run_model_goes_through_the_embedding_of_a_token_model():
    model = SequenceModel(ModelConfig(arch="gru", hidden_size=6, num_layers=2), 10, 10, "next-token",
                          token_input=True)
    ids = torch.randint(0, 10, (3, 8))
    out, _ = model.rnn(model.embed(ids))
    torch.testing.assert_close(run_model(model, ids).output, out, rtol=1e-5, atol=1e-6)


def test_differentiable_trace_gives_a_gradient_for_every_step():
    trace = run_cells(fused("gru", 2), torch.randn(2, 4, 3), differentiable=True)
    loss = trace.hidden_steps[1][-1].sum()
    grads = torch.autograd.grad(loss, trace.hidden_steps[0] + trace.hidden_steps[1])
    assert all(g.abs().sum() > 0 for g in grads)


@pytest.mark.parametrize("module, word", [
    (nn.LSTM(3, 4, batch_first=True, bidirectional=True), "bidirectional"),
    (nn.LSTM(3, 4, batch_first=True, proj_size=2), "proj_size"),
    (nn.GRU(3, 4), "batch_first"),
    (nn.Linear(3, 4), "nn.RNN"),
])
def test_unsupported_modules_are_refused_clearly(module, word):
    with pytest.raises(ValueError, match=word):
        run_cells(module, torch.randn(2, 4, 3))
