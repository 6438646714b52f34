"""A small Transformer encoder (Vaswani et al. 2017), pre-norm, causal where the task predicts forward."""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from seqlab.config import ModelConfig
from seqlab.models.recurrent import forward_transformed, task_loss
from seqlab.models.tcn import dropped

FFN_WIDTH = 4  # the feed-forward layer is 4 d_model wide, as in Vaswani et al.


def sinusoidal_positions(length: int, d_model: int) -> torch.Tensor:
    """(T, d) positional encoding: PE[t, 2i] = sin(t / 10000^(2i/d)), PE[t, 2i+1] = cos(t / 10000^(2i/d)).

    Fixed, not learned: no parameters, and any sequence length works."""
    t = torch.arange(length, dtype=torch.float32).unsqueeze(1)  # (T, 1)
    rates = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32) * (-math.log(10000.0) / d_model))  # (d/2,)
    pe = torch.zeros(length, d_model)
    pe[:, 0::2] = torch.sin(t * rates)
    pe[:, 1::2] = torch.cos(t * rates[: d_model // 2])
    return pe


class SelfAttention(nn.Module):
    """Multi-head self-attention: for each head, softmax(Q K^T / sqrt(d_head) + M) V, with Q, K, V = x W_q, x W_k,
    x W_v, heads concatenated and mixed by W_o. M is -inf above the diagonal when causal (step t attends to steps
    0..t only), else 0. Training runs torch's fused scaled_dot_product_attention; `weights` computes the same
    softmax explicitly, for the attention maps."""

    def __init__(self, d_model: int, heads: int):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)

    def _split(self, x: torch.Tensor):
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)  # each (B, h, T, dh)
        return q, k, v

    def forward(self, x: torch.Tensor, causal: bool) -> torch.Tensor:
        q, k, v = self._split(x)
        z = F.scaled_dot_product_attention(q, k, v, is_causal=causal)  # (B, h, T, dh)
        return self.out(z.transpose(1, 2).reshape(x.shape))  # (B, T, d)

    def weights(self, x: torch.Tensor, causal: bool) -> torch.Tensor:
        """(B, h, T, T): how much each step (row) attends to each step (column), rows summing to 1."""
        q, k, _ = self._split(x)
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (B, h, T, T)
        if causal:
            t = x.shape[1]
            scores = scores.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1), float("-inf"))
        return scores.softmax(dim=-1)


class Block(nn.Module):
    """Pre-norm encoder layer (Xiong et al. 2020):  a = x + attn(LN(x));  out = a + FFN(LN(a)),
    FFN(a) = W_2 gelu(W_1 a). Normalising before each sublayer keeps the residual path an identity, which lets
    a small model train at a large learning rate without warm-up."""

    def __init__(self, d_model: int, heads: int):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d_model), nn.LayerNorm(d_model)
        self.attn = SelfAttention(d_model, heads)
        self.ff1, self.ff2 = nn.Linear(d_model, FFN_WIDTH * d_model), nn.Linear(FFN_WIDTH * d_model, d_model)

    def forward(self, x: torch.Tensor, causal: bool, p: float, generator: torch.Generator) -> torch.Tensor:
        x = x + dropped(self.attn(self.norm1(x), causal), p, generator, self.training)  # (B, T, d)
        return x + dropped(self.ff2(F.gelu(self.ff1(self.norm2(x)))), p, generator, self.training)


class Transformer(nn.Module):
    """Input (a linear map of the features, or a token embedding of width d_model) + sinusoidal positions ->
    `num_layers` pre-norm blocks -> final LayerNorm -> linear head.

    Causal masking where the task predicts forward (regression: forecasting and the adding problem, whose answer
    is read at the last step; next-token), so no step sees the future; classification reads the whole sequence
    both ways. Heads as SequenceModel's: the last step, or every step for next-token.
    forward(x, targets=None) -> (output, loss).
    """

    def __init__(self, cfg: ModelConfig, input_size: int, output_size: int, kind: str, token_input: bool = False):
        super().__init__()
        d = cfg.hidden_size
        self.cfg, self.kind, self.causal = cfg, kind, kind != "classification"
        self.embed = nn.Embedding(input_size, d) if token_input else None
        self.project = None if token_input else nn.Linear(input_size, d)
        self.blocks = nn.ModuleList(Block(d, cfg.heads) for _ in range(cfg.num_layers))
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, output_size)
        self.dropout = cfg.dropout
        self.dropout_generator = torch.Generator()  # TrainingRun seeds it from the run's seed
        self.transform = None  # a forecasting transform (build_model sets the task's)
        self._positions = torch.zeros(0, d)  # grown on demand; a buffer would enter the state dict
        # the longest sequence trained on, saved with the weights: text generation reads no more (models.generate)
        self.register_buffer("longest", torch.zeros((), dtype=torch.long))
        self.receptive_field = None  # sees the whole past

    def positions(self, length: int) -> torch.Tensor:
        if len(self._positions) < length:
            self._positions = sinusoidal_positions(max(length, 2 * len(self._positions)), self.cfg.hidden_size)
        return self._positions[:length]  # (T, d)

    def inputs(self, x: torch.Tensor) -> torch.Tensor:
        """What the model reads at each step: the features, or the token's embedding. (B, T, F)"""
        return self.embed(x) if self.embed is not None else x

    def _first(self, e: torch.Tensor) -> torch.Tensor:
        z = e if self.project is None else self.project(e)  # (B, T, d)
        return z + self.positions(e.shape[1]).to(z.dtype)

    def from_inputs(self, e: torch.Tensor, targets: torch.Tensor | None = None):
        if self.training and e.shape[1] > self.longest:
            self.longest.fill_(e.shape[1])
        z = self._first(e)
        for block in self.blocks:
            z = block(z, self.causal, self.dropout, self.dropout_generator)
        z = self.norm(z)  # (B, T, d)
        output = self.head(z) if self.kind == "next-token" else self.head(z[:, -1])  # (B, T, V) or (B, O)
        return output, None if targets is None else task_loss(output, targets, self.kind)

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        return forward_transformed(self, x, targets)  # a forecasting transform, if the task has one, around it

    @torch.no_grad()
    def attention_maps(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Per layer, the attention weights (B, heads, T, T) on a batch, in evaluation mode (no dropout)."""
        was = self.training
        self.eval()
        z, maps = self._first(self.inputs(x)), []
        for block in self.blocks:
            maps.append(block.attn.weights(block.norm1(z), self.causal))
            z = block(z, self.causal, 0.0, self.dropout_generator)
        self.train(was)
        return maps


__all__ = ["Block", "SelfAttention", "Transformer", "sinusoidal_positions"]
