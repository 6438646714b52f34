"""A character-level encoder-decoder (RNN, LSTM or GRU cells), with or without attention.

Without attention (Sutskever et al. 2014; Cho et al. 2014) the encoder's final state is all the decoder ever
learns of the source: every character must squeeze through one vector, and long inputs suffer.

With attention the decoder looks back at every encoder state at every output step. seqlab uses Luong et al.'s
(2015) *global dot-product* attention, without input feeding, because it lets the decoder run as one fused
recurrent module over the whole target under teacher forcing (Bahdanau's additive attention feeds the context
into the recurrence, so it needs a Python loop over steps). For decoder state h_t and encoder states s_1..s_S:

    score(t, j) = h_t · s_j                       dot product; source padding masked out
    a_t         = softmax_j score(t, j)           the attention weights: a row of the heatmap
    c_t         = Σ_j a_t[j] s_j                  the context: what the decoder reads from the source now
    h̃_t         = tanh(W_c [c_t; h_t])            attentional state
    p(y_t)      = softmax(W_o h̃_t)

Training uses teacher forcing (the decoder reads the true previous character); `greedy` feeds back its own
choice, one step at a time, as at test time. forward(x, targets=None) -> (logits, loss), seqlab's one contract.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from seqlab.config import ModelConfig

RECURRENT = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}
BOS_ID, EOS_ID = 1, 2  # seqlab.data.pairs: target id 0 pads, 1 starts, 2 ends


class Seq2Seq(nn.Module):
    """Embeddings -> encoder RNN -> decoder RNN started from the encoder's final state -> (attention) -> head."""

    def __init__(self, cfg: ModelConfig, source_size: int, target_size: int, max_target: int):
        super().__init__()
        if cfg.bidirectional:
            raise ValueError("ModelConfig.bidirectional: the translation models read the source one way only; "
                             "turn it off")
        if cfg.dropout > 0 and cfg.num_layers > 1:
            raise ValueError("ModelConfig.dropout: the translation models use no dropout; set it to 0")
        self.cfg, self.kind, self.max_target = cfg, "translation", max_target
        e, h, layers = cfg.embedding_dim, cfg.hidden_size, cfg.num_layers
        kwargs = {"nonlinearity": "tanh"} if cfg.arch == "rnn" else {}
        self.src_embed = nn.Embedding(source_size, e, padding_idx=0)
        self.tgt_embed = nn.Embedding(target_size, e, padding_idx=0)
        self.encoder = RECURRENT[cfg.arch](e, h, layers, batch_first=True, **kwargs)
        self.decoder = RECURRENT[cfg.arch](e, h, layers, batch_first=True, **kwargs)
        self.combine = nn.Linear(2 * h, h) if cfg.attention else None  # W_c
        self.head = nn.Linear(h, target_size)  # W_o
        self.dropout_generator = torch.Generator()  # the trainer seeds it; nothing here draws from it
        if cfg.arch == "lstm" and cfg.forget_bias is not None:
            from seqlab.models.recurrent import set_forget_bias
            set_forget_bias(self.encoder, cfg.forget_bias)
            set_forget_bias(self.decoder, cfg.forget_bias)

    def encode(self, x: torch.Tensor):
        """Encoder states (B, S, H), final state (to start the decoder) and the source mask (B, S)."""
        states, final = self.encoder(self.src_embed(x))
        return states, final, x != 0

    def decode(self, inputs: torch.Tensor, state, enc: torch.Tensor, mask: torch.Tensor):
        """Logits (B, T, V) for decoder inputs (B, T), the state after them, and the attention (B, T, S) or None."""
        out, state = self.decoder(self.tgt_embed(inputs), state)  # (B, T, H)
        weights = None
        if self.combine is not None:
            scores = out @ enc.transpose(1, 2)  # (B, T, S): h_t · s_j
            scores = scores.masked_fill(~mask.unsqueeze(1), torch.finfo(scores.dtype).min)
            weights = scores.softmax(-1)  # a_t
            context = weights @ enc  # (B, T, H): c_t
            out = torch.tanh(self.combine(torch.cat([context, out], -1)))  # h̃_t
        return self.head(out), state, weights

    def forward(self, x: torch.Tensor, targets: torch.Tensor | None = None):
        if targets is None:
            logits, _, _ = self.greedy(x)
            return logits, None
        bos = torch.full_like(targets[:, :1], BOS_ID)
        inputs = torch.cat([bos, targets[:, :-1]], 1)  # teacher forcing: the true previous character
        enc, state, mask = self.encode(x)
        logits, _, _ = self.decode(inputs, state, enc, mask)
        loss = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1), ignore_index=0)
        return logits, loss

    @torch.no_grad()
    def greedy(self, x: torch.Tensor, steps: int | None = None):
        """Translate by feeding back the likeliest character: logits (B, T, V), ids (B, T) and the attention
        (B, T, S) or None. Stops after `steps` (default: the longest training target) or once every row ended."""
        enc, state, mask = self.encode(x)
        token = torch.full((len(x), 1), BOS_ID, dtype=torch.long)
        ended = torch.zeros(len(x), dtype=torch.bool)
        logits, ids, weights = [], [], []
        for _ in range(steps or self.max_target):
            step_logits, state, step_weights = self.decode(token, state, enc, mask)
            token = step_logits.argmax(-1)  # (B, 1)
            logits.append(step_logits)
            ids.append(token)
            if step_weights is not None:
                weights.append(step_weights)
            ended |= token[:, 0] == EOS_ID
            if ended.all():
                break
        attention = torch.cat(weights, 1) if weights else None
        return torch.cat(logits, 1), torch.cat(ids, 1), attention


def build_seq2seq(cfg: ModelConfig, task) -> Seq2Seq:
    """The encoder-decoder that fits a translation task's vocabularies and longest target."""
    return Seq2Seq(cfg, task.input_size, task.output_size, int(task.y_train.shape[1]))


__all__ = ["Seq2Seq", "build_seq2seq"]
