"""Text generation from a trained next-character model: prompt, temperature, top-k, one step at a time."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from seqlab.data.text import Vocab
from seqlab.models.recurrent import SequenceModel, is_recurrent

MAX_LENGTH = 10_000  # characters one call may generate: a few seconds at worst on a shared CPU
MAX_PROMPT = 2_000  # prompt characters fed to the model; earlier ones are cut
MAX_TEMPERATURE = 10.0
DEFAULT_CONTEXT = 64  # tokens a Transformer reads per step when it does not know its training length


@dataclass(frozen=True)
class Sample:
    """What `sample` wrote: the prompt it used, the continuation, and what it had to leave out."""

    prompt: str  # the prompt as fed to the model (characters outside the vocabulary removed)
    text: str  # the generated continuation, without the prompt
    dropped: str  # prompt characters not in the vocabulary, each once, in order of appearance
    note: str = ""  # said to the user when the prompt had to change; "" otherwise

    @property
    def full(self) -> str:
        return self.prompt + self.text


# torch's one-step kernels, by the recurrent module's `mode`
CELLS = {"LSTM": torch.lstm_cell, "GRU": torch.gru_cell, "RNN_TANH": torch.rnn_tanh_cell,
         "RNN_RELU": torch.rnn_relu_cell}


def step(rnn: torch.nn.RNNBase, x: torch.Tensor, state):
    """One time step of a one-way recurrent module for one sequence, layer by layer with torch's cell kernels.

    The same arithmetic as `rnn(x[None], state)` in eval mode (no dropout), without the fused call's setup, which
    for one step of batch 1 costs more than the work (oneDNN's above all, for an LSTM). Only this call changes:
    oneDNN stays on for everything else in the process (training in other threads, which it makes faster and
    keeps to the same numbers). x: (1, input); state: h (layers, 1, H), or (h, c) for an LSTM. Returns the top
    layer's output (1, H) and the new state, shaped as the module's.
    """
    cell, lstm = CELLS[rnn.mode], rnn.mode == "LSTM"
    h, c = state if lstm else (state, None)
    hs, cs = [], []
    for layer in range(rnn.num_layers):
        weights = [getattr(rnn, f"weight_{part}_l{layer}") for part in ("ih", "hh")]
        biases = [getattr(rnn, f"bias_{part}_l{layer}") for part in ("ih", "hh")] if rnn.bias else [None, None]
        if lstm:
            x, c_layer = cell(x, (h[layer], c[layer]), *weights, *biases)
            cs.append(c_layer)
        else:
            x = cell(x, h[layer], *weights, *biases)
        hs.append(x)
    return x, ((torch.stack(hs), torch.stack(cs)) if lstm else torch.stack(hs))


def sample(model: SequenceModel, vocab: Vocab | Sequence[str], prompt: str = "", length: int = 200,
           temperature: float = 1.0, top_k: int = 0, seed: int = 0, fast: bool = True) -> Sample:
    """Continue `prompt` by `length` characters drawn from the model one step at a time.

    The prompt is read once; each new character is fed back with the recurrent state carried along,
    so a step costs the same at character 10 and at character 5000. `temperature` 0 means argmax
    (greedy) decoding; `top_k` > 0 draws only among the k likeliest characters; the same `seed`
    gives the same text. `fast` steps with torch's cell kernels (see `step`); without it, every step is a
    call of the fused module, as in training.
    """
    vocab = vocab if isinstance(vocab, Vocab) else Vocab.from_symbols(vocab)
    _check(model, vocab, length, temperature, top_k)
    used, dropped, note = _prepare_prompt(prompt, vocab)
    ids = _generate(model, vocab.encode(used), length, temperature, top_k, seed, fast)
    return Sample(prompt=used, text=vocab.decode(ids), dropped=dropped, note=note)


def continue_ids(model: SequenceModel, vocab_size: int, prompt_ids: Sequence[int], length: int,
                 temperature: float = 1.0, top_k: int = 0, seed: int = 0, never: Sequence[int] = ()) -> list[int]:
    """`length` token ids drawn after `prompt_ids`, as `sample` draws characters: for tokens that are not characters
    (a melody's notes). The prompt must hold at least one id; only its last MAX_PROMPT are read. Ids in `never` are
    never drawn (their probability goes to the others, as if the model had never learned them)."""
    _check(model, Vocab.from_symbols(range(vocab_size)), length, temperature, top_k)
    prompt_ids = [int(i) for i in prompt_ids][-MAX_PROMPT:]
    if not prompt_ids or not all(0 <= i < vocab_size for i in prompt_ids):
        raise ValueError(f"the prompt needs at least one id, each between 0 and {vocab_size - 1}")
    return _generate(model, prompt_ids, length, temperature, top_k, seed, never=tuple(never))


@torch.inference_mode()
def continue_many(model: SequenceModel, vocab_size: int, prompts: Sequence[Sequence[int]], length: int,
                  temperature: float = 1.0, seed: int = 0, never: Sequence[int] = ()) -> list[list[int]]:
    """`continue_ids` for several prompts at once: a recurrent model reads each prompt alone, then writes every
    continuation in one batch, a step for all of them together (a TCN or a Transformer writes them one by one).
    One generator, seeded with `seed`, draws for the whole batch: the same prompts and seed write the same ids."""
    _check(model, Vocab.from_symbols(range(vocab_size)), length, temperature, 0)
    prompts = [[int(i) for i in p][-MAX_PROMPT:] for p in prompts]
    if not all(p and all(0 <= i < vocab_size for i in p) for p in prompts):
        raise ValueError(f"every prompt needs at least one id, each between 0 and {vocab_size - 1}")
    if not prompts:
        return []
    if not is_recurrent(model):
        return [continue_ids(model, vocab_size, p, length, temperature, 0, seed + i, never)
                for i, p in enumerate(prompts)]
    was_training = model.training
    model.eval()
    try:
        generator = torch.Generator().manual_seed(seed)
        read = [model.rnn(model.embed(torch.tensor([p]))) for p in prompts]  # each (out (1, P, H), state)
        out = torch.cat([o[:, -1] for o, _ in read])  # (B, H)
        lstm = model.rnn.mode == "LSTM"
        state = (tuple(torch.cat([st[k] for _, st in read], 1) for k in range(2)) if lstm
                 else torch.cat([st for _, st in read], 1))  # (layers, B, H), batch along dim 1
        written = []
        for _ in range(length):
            logits = _without(model.head(out), tuple(never))  # (B, V)
            nxt = (logits.argmax(-1) if temperature == 0 else
                   torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=generator)[:, 0])  # (B,)
            written.append(nxt)
            out, state = step(model.rnn, model.embed(nxt), state)  # (B, H)
        return torch.stack(written, 1).tolist()  # (B, length)
    finally:
        model.train(was_training)


def _check(model: SequenceModel, vocab: Vocab, length: int, temperature: float, top_k: int) -> None:
    if model.kind != "next-token" or model.embed is None:
        raise ValueError("sample needs a next-token model with token input (a model trained on text)")
    if model.embed.num_embeddings != len(vocab) or model.head.out_features != len(vocab):
        raise ValueError(f"the vocabulary has {len(vocab)} symbols but the model was built for "
                         f"{model.embed.num_embeddings}: use the vocabulary of the task it was trained on")
    if not 0 <= length <= MAX_LENGTH:
        raise ValueError(f"length must be between 0 and {MAX_LENGTH}, got {length!r}")
    if not 0 <= temperature <= MAX_TEMPERATURE:
        raise ValueError(f"temperature must be between 0 and {MAX_TEMPERATURE:g}, got {temperature!r}")
    if not 0 <= top_k <= len(vocab):
        raise ValueError(f"top_k must be between 0 (off) and the vocabulary size {len(vocab)}, got {top_k!r}")


def _prepare_prompt(prompt: str, vocab: Vocab) -> tuple[str, str, str]:
    """(the prompt as the model reads it, the unknown characters it held, a note for the user or "")."""
    if not isinstance(prompt, str):
        raise ValueError(f"prompt must be text, got {type(prompt).__name__}")
    known = "".join(c for c in prompt if c in vocab.index)
    dropped = "".join(dict.fromkeys(c for c in prompt if c not in vocab.index))
    notes = [f"left out of the prompt (not in the model's alphabet): {dropped!r}"] if dropped else []
    if len(known) > MAX_PROMPT:
        known = known[-MAX_PROMPT:]
        notes.append(f"only the last {MAX_PROMPT:,} characters of the prompt were read")
    if not known:
        known = _start_symbol(vocab)
        notes.append(f"the prompt was empty, so generation starts from {known!r}")
    return known, dropped, "; ".join(notes)


def _start_symbol(vocab: Vocab) -> str:
    """What an empty prompt starts from: a line break or a space, as text usually does."""
    return next((c for c in ("\n", " ") if c in vocab.index), vocab.chars[0])


@torch.inference_mode()
def _generate(model: SequenceModel, prompt_ids: list[int], length: int, temperature: float, top_k: int,
              seed: int, fast: bool = True, never: tuple[int, ...] = ()) -> list[int]:
    """Token ids of the continuation; the model is put in eval mode (no dropout) and restored."""
    was_training = model.training
    model.eval()
    try:
        generator = torch.Generator().manual_seed(seed)
        if not is_recurrent(model):
            return _generate_windowed(model, prompt_ids, length, temperature, top_k, generator, never)
        out, state = model.rnn(model.embed(torch.tensor([prompt_ids])))  # (1, P, H): the prompt in one call
        out = out[:, -1]  # (1, H)
        ids = []
        for _ in range(length):
            logits = model.head(out[0])  # (V,)
            nxt = _pick(_without(logits, never), temperature, top_k, generator)
            ids.append(nxt)
            if fast:
                out, state = step(model.rnn, model.embed(torch.tensor([nxt])), state)  # (1, H)
            else:
                out, state = model.rnn(model.embed(torch.tensor([[nxt]])), state)
                out = out[:, -1]
        return ids
    finally:
        model.train(was_training)


def _generate_windowed(model, prompt_ids: list[int], length: int, temperature: float, top_k: int,
                       generator: torch.Generator, never: tuple[int, ...] = ()) -> list[int]:
    """A TCN or Transformer has no state to carry: each step reads the last `context_window` tokens again."""
    window, ids, seen = context_window(model), [], list(prompt_ids)
    for _ in range(length):
        logits, _ = model(torch.tensor([seen[-window:]]))  # (1, W, V)
        nxt = _pick(_without(logits[0, -1], never), temperature, top_k, generator)
        ids.append(nxt)
        seen.append(nxt)
    return ids


def context_window(model) -> int:
    """Tokens a non-recurrent model reads per step when writing: a TCN's receptive field; a Transformer, the longest
    sequence it trained on (positions beyond it it never saw), else DEFAULT_CONTEXT."""
    return model.receptive_field or int(getattr(model, "longest", 0)) or DEFAULT_CONTEXT


def _without(logits: torch.Tensor, never: tuple[int, ...]) -> torch.Tensor:
    """(..., V) logits with the `never` ids at -inf: no draw, argmax or top-k can pick them."""
    if not never:
        return logits
    logits = logits.clone()
    logits[..., list(never)] = -math.inf
    return logits


def _pick(logits: torch.Tensor, temperature: float, top_k: int, generator: torch.Generator) -> int:
    """One token id from (V,) logits: argmax at temperature 0, else a draw among the top k (all if 0)."""
    if temperature == 0 or top_k == 1:
        return int(logits.argmax())
    if top_k:
        top, where = logits.topk(top_k)  # (k,)
        return int(where[torch.multinomial(torch.softmax(top / temperature, -1), 1, generator=generator)])
    return int(torch.multinomial(torch.softmax(logits / temperature, -1), 1, generator=generator))
