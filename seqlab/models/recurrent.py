"""One recurrent model for RNN, LSTM and GRU and every head; the model registry (with the TCN and Transformer) and
parameter budgets."""

from __future__ import annotations

import contextlib
import dataclasses
import threading
from collections.abc import Iterator

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch.func import functional_call

from seqlab.config import ARCHS, ModelConfig, bounds
from seqlab.data import transforms

# torch has one default random generator per process, and weight initialisation draws from it. A shared server
# builds several sessions' models in threads at once: without this lock one run's seeded draws interleave with
# another's, and the same seed no longer gives the same run (the load test saw it: benchmarks/load_test.py).
# Dropout never draws from it: each model has its own generator (see SequenceModel.dropout_generator).
GLOBAL_RNG = threading.Lock()


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Draw from torch's global generator seeded with `seed`, alone, and leave its state as it was."""
    with GLOBAL_RNG, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield

RECURRENT = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
LABELS = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU", "tcn": "TCN", "transformer": "Transformer"}
BUDGET_REFERENCE = "gru"  # equal budgets give every architecture the parameters of a GRU of the chosen size


class SequenceModel(nn.Module):
    """Embedding (token inputs only) -> fused recurrent layers -> linear head.

    Heads by task kind: `regression` and `classification` read the final hidden state of the
    last layer (both directions if bidirectional); `next-token` reads every step.
    forward(x, targets=None) -> (output, loss), the same contract for every architecture.

    Dropout between stacked layers draws from `dropout_generator`, the model's own: the fused
    module's built-in dropout would draw from torch's global generator, which runs training in
    parallel threads share, and the same seed would no longer give the same numbers. So `rnn`
    is built without dropout (its weights, names and explicit-cell oracle unchanged), and a
    training step with dropout runs its layers one at a time with a mask between them.
    """

    def __init__(self, cfg: ModelConfig, input_size: int, output_size: int, kind: str, token_input: bool = False,
                 transform=None):
        super().__init__()
        if cfg.bidirectional and kind != "classification":
            raise ValueError("ModelConfig.bidirectional is for classification tasks only: a forecaster or a "
                             "next-token model must not read the future")
        self.cfg, self.kind = cfg, kind
        # forecasting: what the network predicts (seqlab.data.transforms.Transform); its output is always the level
        self.transform = active_transform(transform)
        self.embed = nn.Embedding(input_size, cfg.embedding_dim) if token_input else None
        kwargs = {"nonlinearity": "tanh"} if cfg.arch == "rnn" else {}
        self.rnn = RECURRENT[cfg.arch](
            cfg.embedding_dim if token_input else input_size, cfg.hidden_size, cfg.num_layers,
            batch_first=True, bidirectional=cfg.bidirectional, **kwargs,
        )
        self.dropout = cfg.dropout if cfg.num_layers > 1 else 0.0
        self.dropout_generator = torch.Generator()  # TrainingRun seeds it from the run's seed
        self._layers = _single_layers(self.rnn) if self.dropout > 0 else ()
        self.directions = 2 if cfg.bidirectional else 1
        self.head = nn.Linear(cfg.hidden_size * self.directions, output_size)
        if cfg.arch == "lstm" and cfg.forget_bias is not None:
            set_forget_bias(self.rnn, cfg.forget_bias)

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the first layer reads at each step: the features, or the token's embedding. (B, T, F)"""
        return self.embed(x) if self.embed is not None else x  # (B, T) ids -> (B, T, E)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        return forward_transformed(self, x, targets)

    def from_inputs(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        """forward() from the first layer's input on (B, T, F), without the forecasting transform: where the gradient
        with respect to each step's input is taken (seqlab.analysis.diagnostics.input_grad_norms)."""
        if self.training and self.dropout > 0:
            out, state = self._stacked(x)
        else:
            out, state = self.rnn(x)  # out: (B, T, D*H)
        if self.kind == "next-token":
            output = self.head(out)  # (B, T, V)
        else:
            h_n = state[0] if isinstance(state, tuple) else state  # (layers*D, B, H)
            last = h_n[-self.directions:].transpose(0, 1).reshape(x.shape[0], -1)  # (B, D*H)
            output = self.head(last)  # (B, H) or (B, C)
        loss = None if targets is None else task_loss(output, targets, self.kind)
        return output, loss

    def _stacked(self, x: torch.Tensor):
        """What `self.rnn(x)` computes in training mode, dropout drawn from `dropout_generator`: each layer of the
        fused module runs alone (a weightless single-layer module given that layer's weights), and the output of
        every layer but the last is dropped out, scaled by 1/(1-p) as nn.Dropout does."""
        keep, states = 1.0 - self.dropout, []
        for layer, (module, names) in enumerate(self._layers):
            weights = {name: getattr(self.rnn, name.replace("_l0", f"_l{layer}")) for name in names}
            x, state = functional_call(module, weights, (x,))  # (B, T, D*H)
            states.append(state)
            if layer < len(self._layers) - 1:
                x = x * torch.empty_like(x).bernoulli_(keep, generator=self.dropout_generator) / keep
        if isinstance(states[0], tuple):  # LSTM: (h_n, c_n), each (layers*D, B, H) as the fused module gives
            return x, tuple(torch.cat(parts) for parts in zip(*states, strict=True))
        return x, torch.cat(states)


def _single_layers(fused: nn.RNNBase) -> tuple:
    """(module, parameter names) per layer: a one-layer module of the fused one's kind on the meta device (no
    memory, no random draws), to be called with that layer's weights. A tuple, so they are not submodules and
    the state dict keeps only the fused module's names."""
    kwargs = {"nonlinearity": fused.nonlinearity} if isinstance(fused, nn.RNN) else {}
    layers, width = [], fused.input_size
    for _ in range(fused.num_layers):
        with torch.device("meta"):
            module = type(fused)(width, fused.hidden_size, 1, bias=fused.bias, batch_first=True,
                                 bidirectional=fused.bidirectional, **kwargs)
        layers.append((module, tuple(name for name, _ in module.named_parameters())))
        width = fused.hidden_size * (2 if fused.bidirectional else 1)
    return tuple(layers)


def task_loss(output: torch.Tensor, targets: torch.Tensor, kind: str) -> torch.Tensor:
    """MSE for regression; cross-entropy (nats) for classes and tokens."""
    if kind == "regression":
        return F.mse_loss(output, targets)
    return F.cross_entropy(output.reshape(-1, output.shape[-1]), targets.reshape(-1))


@torch.no_grad()
def set_forget_bias(lstm: nn.LSTM, value: float) -> None:
    """Start every forget gate at sigmoid(value) (Gers et al. 2000; Jozefowicz et al. 2015 use 1.0).

    PyTorch keeps two bias vectors per layer, gates ordered (input, forget, cell, output); their
    sum is the gate's bias, so the forget slice of one is set to `value` and of the other to 0.
    """
    h = lstm.hidden_size
    for name, bias in lstm.named_parameters():
        if name.startswith("bias_ih"):
            bias[h:2 * h] = value
        elif name.startswith("bias_hh"):
            bias[h:2 * h] = 0.0


def build_model(cfg: ModelConfig, task) -> nn.Module:
    """The model of `cfg.arch` that fits a task's input, output and kind: the registry of architectures (an
    encoder-decoder for translation tasks). Every one has the contract forward(x, targets=None) -> (output, loss),
    `inputs(x)` and `from_inputs(e, targets)`, a `head`, an `embed` (or None), its own `dropout_generator`, and the
    task's forecasting `transform` applied around it (forward_transformed)."""
    if task.kind == "translation":
        from seqlab.models.seq2seq import build_seq2seq
        return build_seq2seq(cfg, task)
    from seqlab.models.tcn import TCN
    from seqlab.models.transformer import Transformer

    kinds = {"tcn": TCN, "transformer": Transformer}
    model = kinds.get(cfg.arch, SequenceModel)(cfg, task.input_size, task.output_size, task.kind, task.token_input)
    model.transform = active_transform(getattr(task, "transform", None))
    return model


def active_transform(transform):
    """The forecasting transform a model applies around itself, or None when it predicts the level."""
    return transform if transform is not None and transform.target != "level" else None


def forward_transformed(model: nn.Module, x: torch.Tensor, targets: torch.Tensor | None = None):
    """forward() of every architecture: with a forecasting transform (seqlab.data.transforms), the window is encoded
    (e.g. relative to its last value) before the network reads it, and its output decoded back to the series, so
    the loss and every metric stay on the series whatever the network predicts."""
    if model.transform is None:
        return model.from_inputs(model.inputs(x), targets)
    x, ctx = transforms.encode(x, model.transform)
    output, _ = model.from_inputs(model.inputs(x))
    output = transforms.decode(output, ctx)
    return output, None if targets is None else task_loss(output, targets, model.kind)


def is_recurrent(model: nn.Module) -> bool:
    """True for the models with a hidden state carried step to step (RNN, LSTM, GRU): the ones with cells, gates
    and a gradient with respect to each hidden state."""
    return isinstance(model, SequenceModel)


def param_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def count_params(cfg: ModelConfig, task) -> int:
    """Parameters of the model `cfg` would build for `task`, without allocating its weights."""
    with torch.device("meta"):
        return param_count(build_model(cfg, task))


def hidden_for_budget(cfg: ModelConfig, task, budget: int) -> int:
    """The hidden size (TCN channels, Transformer d_model: a multiple of its heads) whose parameter count is closest
    to `budget` (counts grow with size)."""
    step = cfg.heads if cfg.arch == "transformer" else 1
    lo, hi = 1, bounds(ModelConfig, "hidden_size")[1] // step  # search k, the size being k * step

    def params(k):
        return count_params(dataclasses.replace(cfg, hidden_size=k * step), task)

    while lo < hi:  # smallest h with params(h) >= budget
        mid = (lo + hi) // 2
        lo, hi = (mid + 1, hi) if params(mid) < budget else (lo, mid)
    if lo > 1 and budget - params(lo - 1) < params(lo) - budget:
        return (lo - 1) * step
    return lo * step


def equal_budget(configs: list[ModelConfig], task) -> list[ModelConfig]:
    """Resize each config so all have about the parameters of a GRU of the first config's size.

    This is the fair comparison of Chung et al. (2014): equal parameter counts, not equal units.
    """
    reference = dataclasses.replace(configs[0], arch=BUDGET_REFERENCE)
    budget = count_params(reference, task)
    return [dataclasses.replace(c, hidden_size=hidden_for_budget(c, task, budget)) for c in configs]


def equalise(runs: list, task) -> list:
    """The same RunConfigs with each hidden size resized to the equal parameter budget of `equal_budget`."""
    sized = equal_budget([r.model for r in runs], task)
    return [r.replace(model=m) for r, m in zip(runs, sized, strict=True)]


__all__ = ["ARCHS", "LABELS", "SequenceModel", "build_model", "count_params", "equal_budget", "equalise",
           "hidden_for_budget", "is_recurrent", "param_count", "set_forget_bias", "task_loss"]
