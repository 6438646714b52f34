"""A temporal convolutional network (Bai, Kolter & Koltun 2018): causal dilated convolutions in residual blocks."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from seqlab.config import ModelConfig
from seqlab.models.recurrent import forward_transformed, task_loss

INIT_STD = 0.01  # Bai et al. draw every convolution's weights from N(0, 0.01)


def dropped(x: torch.Tensor, p: float, generator: torch.Generator, training: bool) -> torch.Tensor:
    """Inverted dropout drawn from `generator` (the model's own, never torch's global one: runs in parallel threads
    must not share draws), as nn.Dropout computes it: zero with probability p, scale the rest by 1/(1-p)."""
    if not training or p <= 0:
        return x
    keep = 1.0 - p
    return x * torch.empty_like(x).bernoulli_(keep, generator=generator) / keep


class CausalConv(nn.Conv1d):
    """A 1-D convolution that sees only the present and the past: y_t = b + sum_j W_j x_{t - d j}, j = 0..k-1.

    Padding d (k - 1) zeros on the left (none on the right) keeps the length T and makes step t blind to
    every step after it: the output at t never depends on x_{t+1}, ...
    """

    def __init__(self, channels_in: int, channels_out: int, kernel_size: int, dilation: int):
        super().__init__(channels_in, channels_out, kernel_size, dilation=dilation)
        self.left = dilation * (kernel_size - 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # (B, C, T) -> (B, C', T)
        return super().forward(F.pad(x, (self.left, 0)))


class TemporalBlock(nn.Module):
    """Two causal convolutions of dilation d with ReLU and dropout, plus a residual path:

        z = dropout(relu(conv2(dropout(relu(conv1(x))))))
        out = relu(z + x)          (x through a 1x1 convolution when the widths differ)

    Each block widens what an output sees by 2 d (k - 1) steps; doubling d per block makes that field grow
    exponentially with depth: 1 + 2 (k - 1)(2^L - 1) after L blocks.
    """

    def __init__(self, channels_in: int, channels: int, kernel_size: int, dilation: int):
        super().__init__()
        self.conv1 = CausalConv(channels_in, channels, kernel_size, dilation)
        self.conv2 = CausalConv(channels, channels, kernel_size, dilation)
        self.downsample = nn.Conv1d(channels_in, channels, 1) if channels_in != channels else None
        for conv in (self.conv1, self.conv2) if INIT_STD else ():
            nn.init.normal_(conv.weight, 0.0, INIT_STD)

    def forward(self, x: torch.Tensor, p: float, generator: torch.Generator) -> torch.Tensor:
        z = dropped(F.relu(self.conv1(x)), p, generator, self.training)  # (B, C, T)
        z = dropped(F.relu(self.conv2(z)), p, generator, self.training)
        return F.relu(z + (x if self.downsample is None else self.downsample(x)))


class TCN(nn.Module):
    """Embedding (token inputs only) -> `levels` temporal blocks of `hidden_size` channels -> linear head.

    Heads as SequenceModel's: regression and classification read the last step's channels (which see the last
    `receptive_field` inputs), next-token reads every step. forward(x, targets=None) -> (output, loss).
    """

    def __init__(self, cfg: ModelConfig, input_size: int, output_size: int, kind: str, token_input: bool = False):
        super().__init__()
        self.cfg, self.kind = cfg, kind
        self.embed = nn.Embedding(input_size, cfg.embedding_dim) if token_input else None
        width = cfg.embedding_dim if token_input else input_size
        blocks = []
        for level in range(cfg.levels):
            blocks.append(TemporalBlock(width, cfg.hidden_size, cfg.kernel_size, 2 ** level))
            width = cfg.hidden_size
        self.blocks = nn.ModuleList(blocks)
        self.head = nn.Linear(cfg.hidden_size, output_size)
        self.dropout = cfg.dropout
        self.dropout_generator = torch.Generator()  # TrainingRun seeds it from the run's seed
        self.transform = None  # a forecasting transform (build_model sets the task's)
        self.receptive_field = cfg.receptive_field

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the first block reads at each step: the features, or the token's embedding. (B, T, F)"""
        return self.embed(x) if self.embed is not None else x

    def from_inputs(self, e: torch.Tensor, targets: torch.Tensor | None = None):
        z = e.transpose(1, 2)  # (B, F, T): channels first, as Conv1d takes them
        for block in self.blocks:
            z = block(z, self.dropout, self.dropout_generator)  # (B, C, T)
        z = z.transpose(1, 2)  # (B, T, C)
        output = self.head(z) if self.kind == "next-token" else self.head(z[:, -1])  # (B, T, V) or (B, O)
        return output, None if targets is None else task_loss(output, targets, self.kind)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        return forward_transformed(self, x, targets)  # a forecasting transform, if the task has one, around it


__all__ = ["TCN", "CausalConv", "TemporalBlock", "dropped"]
