"""Explicit RNN, LSTM and GRU cells that reuse a fused module's weights and expose every step's gates and states.

PyTorch's fused `nn.RNN`, `nn.LSTM` and `nn.GRU` return only the hidden states of the last
layer. To see inside the cell, and to take dL/dh_t for every step t of every layer, this module
runs the same arithmetic one step at a time with the trained module's weights. The oracle tests
check that it gives the fused module's outputs to float32 tolerance.

For diagnostics only: weights are detached (no weight gradients) and there is no dropout
between layers (the model as it is evaluated).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn

GATES = {"rnn": ("pre",), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}
GATE_NAMES = {  # for legends and titles
    "pre": "pre-activation a", "i": "input gate i", "f": "forget gate f", "g": "candidate g",
    "o": "output gate o", "r": "reset gate r", "z": "update gate z", "n": "candidate n",
    "h": "hidden state h", "c": "cell state c",
}
GATE_RANGES = {"i": (0, 1), "f": (0, 1), "o": (0, 1), "r": (0, 1), "z": (0, 1), "g": (-1, 1), "n": (-1, 1),
               "h": (-1, 1)}  # tanh RNN; pre-activations and the LSTM cell state are unbounded
ARCH_OF = {nn.RNN: "rnn", nn.LSTM: "lstm", nn.GRU: "gru"}


@dataclass
class Trace:
    """Every step of every layer of one run through the explicit cells.

    `hidden_steps[l][t]` is h_t of layer l, shape (B, H): the very tensor the next step and the
    next layer read, so `torch.autograd.grad(loss, hidden_steps[l])` gives dL/dh_t (the total
    derivative, through every path) when the trace was made with `differentiable=True`.
    """

    arch: str  # "rnn", "lstm" or "gru"
    hidden_steps: list[list[torch.Tensor]]  # [layer][t] -> (B, H)
    cell_steps: list[list[torch.Tensor]] | None  # LSTM cell states c_t, same layout; None otherwise
    gates: dict[str, list[torch.Tensor]]  # gate name (see GATES) -> [layer] (B, T, H)

    @property
    def hidden(self) -> list[torch.Tensor]:
        """h of every step, per layer: [layer] (B, T, H)."""
        return [torch.stack(steps, dim=1) for steps in self.hidden_steps]

    @property
    def cell(self) -> list[torch.Tensor] | None:
        """LSTM cell state of every step, per layer: [layer] (B, T, H); None for RNN and GRU."""
        return None if self.cell_steps is None else [torch.stack(steps, dim=1) for steps in self.cell_steps]

    @property
    def num_layers(self) -> int:
        return len(self.hidden_steps)

    @property
    def output(self) -> torch.Tensor:
        """The last layer's h at every step, (B, T, H): what the fused module returns as `out`."""
        return self.hidden[-1]


def _weights(module: nn.RNNBase, layer: int, dtype: torch.dtype) -> tuple[torch.Tensor, ...]:
    """(W_ih, W_hh, b_ih, b_hh) of one layer, detached; zero biases when the module has none."""
    w_ih = getattr(module, f"weight_ih_l{layer}").detach().to(dtype)  # (G*H, I), G gates stacked
    w_hh = getattr(module, f"weight_hh_l{layer}").detach().to(dtype)  # (G*H, H)
    if not module.bias:
        zeros = w_ih.new_zeros(w_ih.shape[0])
        return w_ih, w_hh, zeros, zeros
    b_ih = getattr(module, f"bias_ih_l{layer}").detach().to(dtype)
    b_hh = getattr(module, f"bias_hh_l{layer}").detach().to(dtype)
    return w_ih, w_hh, b_ih, b_hh


def rnn_layer(x: torch.Tensor, weights: tuple, h: torch.Tensor, nonlinearity: str = "tanh") -> tuple[list, dict]:
    """Elman RNN, one step at a time:

        a_t = W_ih x_t + b_ih + W_hh h_{t-1} + b_hh      (the pre-activation)
        h_t = tanh(a_t)                                 (or relu(a_t))

    dh_t/dh_{t-1} = diag(1 - h_t^2) W_hh: products of these over many steps shrink or blow up
    the gradient (Bengio et al. 1994; Pascanu et al. 2013).
    """
    w_ih, w_hh, b_ih, b_hh = weights
    act = torch.tanh if nonlinearity == "tanh" else torch.relu
    xw = x @ w_ih.T + b_ih  # (B, T, H): the input's share of every step, at once
    hs, pre = [], []
    for t in range(x.shape[1]):
        a = xw[:, t] + h @ w_hh.T + b_hh  # (B, H)
        h = act(a)
        hs.append(h)
        pre.append(a)
    return hs, {"pre": pre}


def lstm_layer(x: torch.Tensor, weights: tuple, h: torch.Tensor, c: torch.Tensor) -> tuple[list, list, dict]:
    """LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000), one step at a time.

    PyTorch stacks the four gates in the order i, f, g, o in `weight_ih` (4H, I) and `weight_hh` (4H, H):

        i_t = σ(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)     input gate: how much of the candidate to write
        f_t = σ(W_if x_t + b_if + W_hf h_{t-1} + b_hf)     forget gate: how much of c_{t-1} to keep
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)  candidate cell content
        o_t = σ(W_io x_t + b_io + W_ho h_{t-1} + b_ho)     output gate: how much of the cell to show
        c_t = f_t ⊙ c_{t-1} + i_t ⊙ g_t
        h_t = o_t ⊙ tanh(c_t)

    The cell path c_{t-1} -> c_t is multiplied only by f_t, never squashed: with f near 1 the
    gradient travels back through many steps (the "constant error carousel").
    """
    w_ih, w_hh, b_ih, b_hh = weights
    xw = x @ w_ih.T + b_ih  # (B, T, 4H)
    hs, cs, gates = [], [], {name: [] for name in GATES["lstm"]}
    for t in range(x.shape[1]):
        i, f, g, o = (xw[:, t] + h @ w_hh.T + b_hh).chunk(4, dim=1)  # each (B, H)
        i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
        c = f * c + i * g
        h = o * torch.tanh(c)
        hs.append(h)
        cs.append(c)
        for name, value in zip("ifgo", (i, f, g, o), strict=True):
            gates[name].append(value)
    return hs, cs, gates


def gru_layer(x: torch.Tensor, weights: tuple, h: torch.Tensor) -> tuple[list, dict]:
    """GRU (Cho et al. 2014), one step at a time, exactly as PyTorch computes it.

    PyTorch stacks the gates in the order r, z, n, and puts the reset gate *inside* the
    candidate's recurrent term (after the matrix product, with its bias b_hn):

        r_t = σ(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)            reset gate
        z_t = σ(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)            update gate: how much of h_{t-1} to keep
        n_t = tanh(W_in x_t + b_in + r_t ⊙ (W_hn h_{t-1} + b_hn))  candidate
        h_t = (1 - z_t) ⊙ n_t + z_t ⊙ h_{t-1}

    With z near 1 the state is copied forward almost unchanged, and so is its gradient.
    """
    w_ih, w_hh, b_ih, b_hh = weights
    xw = x @ w_ih.T + b_ih  # (B, T, 3H)
    hs, gates = [], {name: [] for name in GATES["gru"]}
    for t in range(x.shape[1]):
        x_r, x_z, x_n = xw[:, t].chunk(3, dim=1)  # each (B, H)
        h_r, h_z, h_n = (h @ w_hh.T + b_hh).chunk(3, dim=1)
        r, z = torch.sigmoid(x_r + h_r), torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        hs.append(h)
        for name, value in zip("rzn", (r, z, n), strict=True):
            gates[name].append(value)
    return hs, gates


def check_supported(module: nn.Module) -> str:
    """The module's architecture name; ValueError for what the explicit cells do not cover."""
    arch = ARCH_OF.get(type(module))
    if arch is None:
        raise ValueError(f"explicit cells need an nn.RNN, nn.LSTM or nn.GRU, got {type(module).__name__}")
    if module.bidirectional:
        raise ValueError("explicit cells run one direction only: a bidirectional module is not supported")
    if getattr(module, "proj_size", 0):
        raise ValueError("explicit cells do not support an LSTM with proj_size > 0")
    if not module.batch_first:
        raise ValueError("explicit cells expect a batch_first=True module, as seqlab builds")
    return arch


def run_cells(module: nn.RNNBase, x: torch.Tensor, dtype: torch.dtype | None = None,
              differentiable: bool = False) -> Trace:
    """Run a fused recurrent module's weights over x (B, T, I) step by step, from zero initial states.

    `dtype` (e.g. torch.float64) casts the weights and input; default: the module's own dtype.
    `differentiable=True` makes every h_t part of an autograd graph (the zero initial states become
    leaves that require grad), so dL/dh_t can be taken even though the weights are detached.
    """
    arch = check_supported(module)
    dtype = dtype or module.weight_ih_l0.dtype
    layer_input = x.detach().to(dtype)  # (B, T, I)
    hidden, cells, gates = [], [] if arch == "lstm" else None, {name: [] for name in GATES[arch]}
    for layer in range(module.num_layers):
        weights = _weights(module, layer, dtype)
        start = layer_input.new_zeros(len(x), module.hidden_size).requires_grad_(differentiable)  # (B, H)
        if arch == "lstm":
            hs, cs, step_gates = lstm_layer(layer_input, weights, start, torch.zeros_like(start))
            cells.append(cs)
        elif arch == "gru":
            hs, step_gates = gru_layer(layer_input, weights, start)
        else:
            hs, step_gates = rnn_layer(layer_input, weights, start, module.nonlinearity)
        hidden.append(hs)
        for name, steps in step_gates.items():
            gates[name].append(torch.stack(steps, dim=1))  # (B, T, H)
        layer_input = torch.stack(hs, dim=1)  # (B, T, H): the next layer reads these very tensors
    return Trace(arch, hidden, cells, gates)


def run_model(model: nn.Module, x: torch.Tensor, dtype: torch.dtype | None = None,
              differentiable: bool = False) -> Trace:
    """Run a SequenceModel's recurrent layers through the explicit cells; token ids go through its embedding.

    x: (B, T, F) features, or (B, T) token ids when the model has an embedding. The head is not
    applied: read `trace.hidden[-1]` and apply `model.head` as the model does.
    """
    if getattr(model, "embed", None) is not None:
        with torch.no_grad():
            x = model.embed(x)  # (B, T) ids -> (B, T, E)
    return run_cells(model.rnn, x, dtype=dtype, differentiable=differentiable)


__all__ = ["GATES", "GATE_NAMES", "GATE_RANGES", "Trace", "check_supported", "gru_layer", "lstm_layer",
           "rnn_layer", "run_cells", "run_model"]
