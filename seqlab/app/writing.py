"""The Text page's Streamlit side: a corpus to learn, samples written after every epoch, generation afterwards."""

from __future__ import annotations

import math
import secrets
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st
import torch

from seqlab.analysis import ngram
from seqlab.analysis.evaluate import NGRAM_ORDERS, ngram_label
from seqlab.app import live
from seqlab.app.datasets import cached_task, kept_upload, pick_steps
from seqlab.config import DataConfig, RunConfig, bounds
from seqlab.data import DataError, Task
from seqlab.data.corpus import DOWNLOAD_DEADLINE, MAX_TEXT_BYTES
from seqlab.export import state_dict_bytes, vocab_json
from seqlab.models import generate
from seqlab.training.loop import TrainingRun

CORPORA = {"python-docs": "Python's documentation (built in)", "shakespeare": "Tiny Shakespeare (downloaded once)",
           "upload": "Your own .txt file"}
LENGTHS = (20, 50, 100, 150, 200, 300)
CHARACTERS = (20_000, 50_000, 100_000, 200_000, 500_000, 1_000_000)
DEFAULT_LENGTH, DEFAULT_CHARACTERS = 100, 100_000
TASK_TTL = 120  # seconds before a Shakespeare fallback is tried again, as for stock tickers
EXCERPT_CHARS = 600
PROMPT = "The "  # starts the live samples and, by default, the generated text
LIVE_CHARS, LIVE_TEMPERATURE, LIVE_SEED = 120, 0.8, 0  # one seed: every epoch's sample draws the same dice


@dataclass
class TextChoice:
    """What the text widgets chose: DataConfig fields (checked by `load_text`) and an uploaded file's bytes."""

    fields: dict
    upload: bytes | None


def pick_corpus(key: str = "text") -> TextChoice:
    """Widgets for the text and how it is cut into training sequences, to be called in the sidebar."""
    corpus = st.radio("Text to learn", list(CORPORA), format_func=CORPORA.get, key=f"{key}_corpus")
    upload = None
    if corpus == "upload":
        upload = kept_upload("Your text", ["txt"], f"{key}_upload",
                             f"Plain text saved as UTF-8, at most {MAX_TEXT_BYTES // 2**20} MB")
    length = pick_steps("Sequence length (characters)", LENGTHS, DEFAULT_LENGTH, f"{key}_length",
                        help="Characters in one training sequence: how far back the gradient travels.")
    chars = st.select_slider("Characters to train on", CHARACTERS, DEFAULT_CHARACTERS, key=f"{key}_chars",
                             format_func=lambda n: f"{n // 1000:,}k" if n < 10**6 else f"{n // 10**6:,}M",
                             help="At most this much of the text, from its beginning: 70% trains, 15% validates "
                                  "and 15% tests. More text teaches more per epoch, and takes longer.")
    n_samples = min(max(chars // (length + 1), bounds(DataConfig, "n_samples")[0]), bounds(DataConfig, "n_samples")[1])
    return TextChoice({"task": "text", "corpus": corpus, "length": length, "n_samples": n_samples}, upload)


def _text_task(cfg: DataConfig, upload: bytes | None) -> Task:
    return cached_task(cfg, upload, f"Preparing the text (a download waits at most {DOWNLOAD_DEADLINE:g} s)…",
                       ttl=TASK_TTL)


def load_text(choice: TextChoice, **overrides) -> tuple[DataConfig, Task] | None:
    """The data config and next-character task chosen; None, with a message a person can act on, if impossible."""
    try:
        cfg = DataConfig(**{**choice.fields, **overrides})
        if cfg.corpus == "upload" and choice.upload is None:
            st.info("Upload a .txt file in the sidebar: a book, your notes, song lyrics… at least a few thousand "
                    "characters, and ideally hundreds of thousands.")
            return None
        return cfg, _text_task(cfg, choice.upload if cfg.corpus == "upload" else None)
    except (DataError, ValueError) as error:
        st.error(f"**This text cannot be used:** {error}")
        return None


def excerpt(task: Task, chars: int = EXCERPT_CHARS) -> str:
    """The beginning of the training text: whole training sequences in reading order."""
    rows = math.ceil(chars / (task.x_train.shape[1] + 1))
    ids = torch.cat([task.x_train[:rows], task.y_train[:rows, -1:]], 1).flatten()[:chars]  # (rows * (T+1),)
    return "".join(task.vocab[i] for i in ids.tolist())


def show_corpus(task: Task) -> None:
    """Sizes, alphabet and source, then the beginning of the text as the models read it."""
    sizes = task.sizes()
    length = task.x_train.shape[1]
    st.caption(f"**{task.title}** · {len(task.vocab)} distinct characters · sequences of {length} characters: "
               f"{sizes['train']:,} for training ({sizes['train'] * length:,} characters), {sizes['validation']:,} "
               f"for validation, {sizes['test']:,} for the test · source: {task.source}")
    st.code(excerpt(task), language=None, wrap_lines=True, height=180)
    for note in task.notes:
        st.caption(f"ℹ️ {note}")


def start(key: str, runs: list[RunConfig], task: Task) -> live.Comparison:
    """A fresh comparison, with no samples and no generated text yet, but the counted n-gram's sample: it
    needs no training, and shows beside the networks what counting alone writes."""
    st.session_state[f"{key}_samples"] = {}
    st.session_state.pop(f"{key}_generated", None)
    st.session_state[f"{key}_counted"] = counted_sample(task)
    return live.start(key, runs, task)


def counted_sample(task: Task) -> tuple[str, str] | None:
    """(label, text) written by the strongest counted n-gram from the live samples' prompt, dice and length."""
    n = NGRAM_ORDERS[-1]
    written = ngram.write(task, n, PROMPT, LIVE_CHARS, LIVE_TEMPERATURE, LIVE_SEED)
    return None if written is None else (ngram_label(n), written)


def counted(key: str) -> tuple[str, str] | None:
    return st.session_state.get(f"{key}_counted")


def samples(key: str) -> dict[str, list[tuple[int, str]]]:
    """The session's live samples: architecture label -> [(epoch, text), ...], in the order they were written."""
    return st.session_state.setdefault(f"{key}_samples", {})


def live_sample(run: TrainingRun, task: Task) -> str | None:
    """The run's sample for this epoch, or None when its weights cannot be sampled (a diverged run)."""
    if not run.history or not math.isfinite(run.history[-1]["val_loss"]):
        return None
    try:
        return generate.sample(run.model, task.vocab, PROMPT, LIVE_CHARS, LIVE_TEMPERATURE, seed=LIVE_SEED).full
    except (RuntimeError, ValueError):  # NaN weights make no probabilities
        return None


def show_latest(found: dict[str, list[tuple[int, str]]], labels: list[str],
                counted_by: tuple[str, str] | None = None) -> None:
    """Each architecture's latest sample, side by side, and the counted n-gram's last."""
    columns = st.columns(len(labels) + (counted_by is not None))
    for column, label in zip(columns, labels, strict=False):
        if found.get(label):
            epoch, text = found[label][-1]
            column.markdown(f"**{label}** · " + ("untrained" if epoch == 0 else f"after epoch {epoch}"))
            column.code(text, language=None, wrap_lines=True)
    if counted_by is not None:
        columns[-1].markdown(f"**{counted_by[0]}** · counted, no training")
        columns[-1].code(counted_by[1], language=None, wrap_lines=True)


def train_live(comparison: live.Comparison, log_scale: bool, key: str) -> None:
    """`live.train_live` with samples: after each epoch every architecture writes from the same prompt (with
    several seeds, its first seed's model writes: one line per architecture stays readable)."""
    found, labels = samples(key), list(dict.fromkeys(r.label for r in comparison.training.runs))
    first_of = {r.label: r.name for r in reversed(comparison.training.runs)}  # each label's first run

    def below():
        st.markdown(f"**What each model writes** after the prompt {PROMPT!r} ({LIVE_CHARS} characters, "
                    f"temperature {LIVE_TEMPERATURE:g}): from noise to words, epoch by epoch.")
        latest = st.empty()

        def add_sample(record: dict, run: TrainingRun) -> None:
            if first_of[run.label] != run.name:
                return
            text = live_sample(run, comparison.task)
            if text is not None:
                found.setdefault(run.label, []).append((record["epoch"], text))
                with latest.container():
                    show_latest(found, labels, counted(key))
        return add_sample

    live.train_live(comparison, log_scale, below=below)


def samples_table(found: dict[str, list[tuple[int, str]]]) -> pd.DataFrame:
    """One row per epoch, one column per architecture; line breaks drawn as ↵ so a row stays one line."""
    rows: dict[int, dict] = {}
    for label, items in found.items():
        for epoch, text in items:
            rows.setdefault(epoch, {"epoch": epoch})[label] = text.replace("\n", "↵")
    return pd.DataFrame([rows[e] for e in sorted(rows)])


def show_samples(key: str, labels: list[str]) -> None:
    found = samples(key)
    if not found:
        return
    with st.container(key=f"{key}_latest_samples"):  # the home page's card is a picture of this
        st.markdown(f"**What each model wrote** after the prompt {PROMPT!r} at the end of training, and, last, "
                    "what counting which character follows the previous four in the training text writes:")
        show_latest(found, [label for label in labels if label in found], counted(key))


def show_sample_history(key: str) -> None:
    if samples(key):
        with st.expander("Samples epoch by epoch"):
            st.dataframe(samples_table(samples(key)), hide_index=True, width="stretch")


MAX_SEED = 2**31 - 1


@dataclass(frozen=True)
class Generated:
    """A text written on request, and how fast it was written."""

    label: str
    sample: generate.Sample
    seconds: float
    seed: int  # the sampling seed: the same one, settings and model write the same text

    @property
    def chars_per_second(self) -> float:
        return len(self.sample.text) / max(self.seconds, 1e-9)


def writers(comparison: live.Comparison) -> dict[str, TrainingRun]:
    """The runs that can write (trained, not diverged), the lowest validation loss first, by name ("LSTM", or
    "LSTM · seed 3" with several seeds)."""
    usable = [r for r in comparison.training.runs if r.history and math.isfinite(r.history[-1]["val_loss"])]
    return {r.name: r for r in sorted(usable, key=lambda r: r.history[-1]["val_loss"])}


def generation(comparison: live.Comparison, key: str) -> None:
    """Prompt, length, temperature, top-k and seed; the text appears below, with its speed, without retraining."""
    runs, vocab = writers(comparison), comparison.task.vocab
    if not runs:
        st.info("No model can write: none finished an epoch with a finite loss.")
        return
    with st.form(f"{key}_generate"):
        top = st.columns([3, 1])
        prompt = top[0].text_input("Prompt", PROMPT, max_chars=generate.MAX_PROMPT, key=f"{key}_prompt")
        label = top[1].selectbox("Model", list(runs), key=f"{key}_writer", help="The best one is first.")
        knobs = st.columns(4)
        length = knobs[0].slider("Characters", 50, 3000, 500, 50, key=f"{key}_gen_length")
        temperature = knobs[1].slider("Temperature", 0.0, 2.0, 0.8, 0.05, key=f"{key}_temperature",
                                      help="Low: safe, repetitive text (0 always takes the likeliest character). "
                                           "High: bolder, more misspelt text.")
        top_k = knobs[2].slider("Top-k", 0, len(vocab), 0, key=f"{key}_top_k_{len(vocab)}",
                                help="Draw only among the k likeliest characters; 0 draws among all of them.")
        seed = knobs[3].number_input("Seed", 0, MAX_SEED, None, key=f"{key}_gen_seed", placeholder="new each time",
                                     help="Empty: every click draws a new seed, shown under the text. The same seed "
                                          "and settings write the same text again.")
        pressed = st.form_submit_button("Generate", type="primary", icon=":material/edit:")
    if pressed and label in runs:
        used = new_seed() if seed is None else int(seed)
        began = time.perf_counter()
        written = generate.sample(runs[label].model, vocab, prompt, length, temperature, top_k, used)
        st.session_state[f"{key}_generated"] = Generated(label, written, time.perf_counter() - began, used)
    shown: Generated | None = st.session_state.get(f"{key}_generated")
    if shown is not None:
        show_generated(shown)


def show_generated(shown: Generated) -> None:
    if shown.sample.note:
        st.info(f"Prompt changed: {shown.sample.note}.")
    st.code(shown.sample.full, language=None, wrap_lines=True)
    st.caption(f"{shown.label} wrote {len(shown.sample.text):,} characters in {shown.seconds:.3f} s: "
               f"**{shown.chars_per_second:,.0f} characters a second**, one character at a time on this server's "
               f"CPU (the prompt, {len(shown.sample.prompt):,} characters, is read first in one call). "
               f"Seed **{shown.seed}**: give it as the Seed to write this text again.")


def new_seed() -> int:
    """A sampling seed of its own for each click, so prompts do not all continue alike (a fixed seed 0 made four
    prompts end the same way after a few characters)."""
    return secrets.randbelow(MAX_SEED + 1)


def show_model_downloads(comparison: live.Comparison, name: str, tokens: str = "char") -> None:
    """Each trained model's weights (a state dict, made on click) and the vocabulary its ids refer to (`tokens`:
    "char" for a text's characters, "note" for a melody's notes)."""
    vocab = vocab_json(comparison.task.vocab, tokens)
    runs = [r for r in comparison.training.runs if r.history]
    several, width = len({r.seed for r in runs}) > 1, max(min(len(runs), 3), 2)
    columns = [column for start in range(0, len(runs), width) for column in st.columns(width)]  # rows of 3
    for column, run in zip(columns, runs, strict=False):
        arch = run.run.model.arch + (f"-seed{run.seed}" if several else "")
        column.download_button(f"{run.name} weights (.pt)", lambda model=run.model: state_dict_bytes(model),
                               f"{name}-{arch}.pt", "application/octet-stream", key=f"{name}_{arch}_weights",
                               on_click="ignore", icon=":material/download:", width="stretch")
        column.download_button(f"{run.name} vocabulary (JSON)", vocab, f"{name}-{arch}-vocab.json",
                               "application/json", key=f"{name}_{arch}_vocab", on_click="ignore",
                               icon=":material/download:", width="stretch")
    st.caption("Load the weights with `torch.load(file, weights_only=True)` into "
               "`seqlab.models.recurrent.build_model(config.model, task)`: each run's config is in the results JSON. "
               f"{'Note' if tokens == 'note' else 'Character'} i of the vocabulary is the model's input and output "
               "id i.")
