"""The Translation page's Streamlit side: data and model widgets, the live view of translations, the results by
input length and the attention heatmaps."""

from __future__ import annotations

import dataclasses
import re

import streamlit as st
import torch

from seqlab.analysis import translation as tr
from seqlab.app import live
from seqlab.app.datasets import cached_task, kept_upload, pick_steps
from seqlab.app.settings import HIDDEN, seeds_from
from seqlab.charts import translation as charts
from seqlab.config import ARCHS, DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import DataError, Task
from seqlab.data.pair_upload import MAX_LINE_CHARS, MAX_PAIR_BYTES
from seqlab.data.pairs import UNK, encode_sources
from seqlab.models.recurrent import LABELS
from seqlab.presets import TRANSLATION_DEMO, comparison_runs
from seqlab.training.loop import TrainingRun

PAIRS = (500, 1000, 2000, 3000, 5000, 10_000)
ATTENTION = {"on": "with attention", "off": "without"}
EXAMPLES = 4  # fixed test inputs translated after every epoch, from the shortest to the longest
MARKDOWN = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$=:])")


SOURCES = {"dates": "Dates in 7 languages (built in)", "pairs": "Your CSV of pairs"}


def pick_data(key: str) -> tuple[dict, bytes | None]:
    """DataConfig fields (dates or an upload; how many pairs; whether the test inputs are all longer) and the
    uploaded file's bytes."""
    task = st.radio("Pairs to learn", list(SOURCES), format_func=SOURCES.get, key=f"{key}_task")
    upload = None
    if task == "pairs":
        upload = kept_upload("Your pairs", ["csv", "tsv", "txt"], f"{key}_upload",
                             f"Two columns: a text, then its translation (an export of Tatoeba's sentence pairs, "
                             f"say). UTF-8, at most {MAX_PAIR_BYTES // 2**20} MB; each side at most "
                             f"{MAX_LINE_CHARS} characters.")
    n = pick_steps("Pairs to learn from", PAIRS, TRANSLATION_DEMO.data.n_samples, f"{key}_pairs",
                   help="At most this many pairs (a text and its translation): 70% train, 15% validate, 15% test.")
    longer = st.toggle("Test only on longer inputs", key=f"{key}_longer",
                       help="Keep the longest ~15% of the inputs for the test, longer than any the models train "
                            "on: can they generalise to length?")
    return {"task": task, "n_samples": n, "longer_test": longer}, upload


def pick_models(key: str) -> tuple[ModelConfig, list[str], list[bool]]:
    """The cell(s), attention on and/or off, and the size, in the sidebar."""
    archs = st.pills("Cell", ARCHS, selection_mode="multi", default=[TRANSLATION_DEMO.model.arch],
                     key=f"{key}_archs", format_func=LABELS.get, help="Encoder and decoder use the same cell.")
    attention = st.pills("Attention", list(ATTENTION), selection_mode="multi", default=list(ATTENTION),
                         key=f"{key}_attention", format_func=ATTENTION.get,
                         help="With attention, the decoder looks back at every encoder state (Luong's dot "
                              "product); without, it only gets the encoder's final state.")
    hidden = pick_steps("Hidden units", HIDDEN, TRANSLATION_DEMO.model.hidden_size, f"{key}_hidden")
    model = dataclasses.replace(TRANSLATION_DEMO.model, hidden_size=hidden)
    return model, [a for a in ARCHS if a in (archs or [])], [a == "on" for a in ATTENTION if a in (attention or [])]


def training_defaults(key: str) -> None:
    """Open the shared training widgets at the translation demo's settings (before they are drawn)."""
    t = TRANSLATION_DEMO.train
    for name, value in (("epochs", t.epochs), ("batch", t.batch_size), ("lr", t.lr), ("clip", t.clip)):
        st.session_state.setdefault(f"{key}_{name}", value)


def load(fields: dict, upload: bytes | None, seed: int) -> tuple[DataConfig, Task] | None:
    try:
        cfg = DataConfig(**fields, seed=seed)
        if cfg.task == "pairs" and upload is None:
            st.info("Upload a CSV file in the sidebar: each line a text, then its translation, such as "
                    "`Good morning,Bonjour`. A few thousand short pairs train in minutes.")
            return None
        return cfg, cached_task(cfg, upload if cfg.task == "pairs" else None, spinner="Preparing the pairs…")
    except (DataError, ValueError) as error:
        st.error(f"**These data cannot be used:** {error}")
        return None


def show_data(task: Task) -> None:
    sizes = task.sizes()
    st.caption(f"**{task.title}** · {sizes['train']:,} pairs to train on, {sizes['validation']:,} to validate, "
               f"{sizes['test']:,} to test · {len(task.vocab) - 2} source characters · source: {task.source}")
    frame = tr.translations_of(task, range(min(8, sizes["train"])), "train")
    st.dataframe(frame, hide_index=True, width="stretch")
    for note in task.notes:
        st.caption(f"ℹ️ {note}")


def comparison(data: DataConfig, model: ModelConfig, train: TrainConfig, archs: list[str], attention: list[bool],
               seeds: int) -> list[RunConfig]:
    runs = []
    for on in attention:
        template = RunConfig(data=data, model=dataclasses.replace(model, attention=on), train=train)
        runs += comparison_runs(template, archs, seeds_from(train.seed, seeds))
    return runs


def start(key: str, runs: list[RunConfig], task: Task) -> live.Comparison:
    st.session_state[f"{key}_examples"] = {}
    st.session_state.pop(f"{key}_by_length", None)
    return live.start(key, runs, task)


def example_rows(task: Task) -> list[int]:
    """EXAMPLES test rows spread from the shortest input to the longest."""
    order = torch.argsort(tr.source_lengths(task.x_test), stable=True).tolist()
    picks = [order[round(i * (len(order) - 1) / max(EXAMPLES - 1, 1))] for i in range(min(EXAMPLES, len(order)))]
    return list(dict.fromkeys(picks))


def escape(text: str) -> str:
    """Text with every markdown character escaped."""
    return MARKDOWN.sub(r"\\\1", text)


def marked(translation: str, target: str) -> str:
    """The translation as markdown, each character that differs from the target's in red (missing ones as ·)."""
    out = []
    for i in range(max(len(translation), len(target))):
        char = translation[i] if i < len(translation) else "·"
        right = i < len(translation) and i < len(target) and translation[i] == target[i]
        shown = escape(char)
        out.append(shown if right else f":red-background[{shown}]")
    return "".join(out) or "*(nothing)*"


def train_live(comparison: live.Comparison, log_scale: bool, key: str) -> None:
    """`live.train_live`, with each model's translation of the fixed test inputs after every epoch (its first
    seed's model: one line per model stays readable)."""
    rows, task = example_rows(comparison.task), comparison.task
    first_of = {r.label: r.name for r in reversed(comparison.training.runs)}
    found = st.session_state.setdefault(f"{key}_examples", {})

    def below():
        st.markdown("**What each model writes** for the same test inputs, shortest to longest, after every "
                    "epoch (wrong characters in red):")
        slot = st.empty()

        def add(record: dict, run: TrainingRun) -> None:
            if first_of[run.label] == run.name:
                found[run.label] = (record["epoch"], tr.translations(run.model, task, rows))
                with slot.container():
                    show_examples(found)
        return add

    live.train_live(comparison, log_scale, below=below)


def show_examples(found: dict) -> None:
    for label, (epoch, frame) in found.items():
        st.markdown(f"**{label}** · " + ("untrained" if epoch == 0 else f"after epoch {epoch}"))
        lines = [f"{escape(s)} → {marked(t, target)}" + (" ✓" if ok else "")
                 for s, t, target, ok in frame[["source", "translation", "target", "right"]].itertuples(index=False)]
        st.markdown("  \n".join(lines))


def by_length(comparison: live.Comparison, key: str):
    """Accuracy by input length of every run, computed once per comparison."""
    cached = st.session_state.get(f"{key}_by_length")
    if cached is None or cached[0] is not comparison:
        frame = tr.accuracy_by_length(comparison.training.runs, comparison.task)
        cached = (comparison, frame)
        st.session_state[f"{key}_by_length"] = cached
    return cached[1]


def show_by_length(comparison: live.Comparison, key: str) -> None:
    frame = by_length(comparison, key)
    st.info(tr.length_verdict(frame), icon=":material/straighten:")
    left, right = st.columns(2)
    left.altair_chart(charts.length_accuracy_chart(frame, "exact_match"), width="stretch")
    right.altair_chart(charts.length_accuracy_chart(frame, "char_accuracy"), width="stretch")
    st.caption("Test inputs in groups of about equal size by length. Lines: the mean over seeds; bands: from the "
               "lowest to the highest seed. Bahdanau et al. (2014), Figure 2, in miniature.")


def attending(comparison: live.Comparison) -> list[TrainingRun]:
    """Each attention model's first seed."""
    firsts: dict[str, TrainingRun] = {}
    for run in comparison.training.runs:
        firsts.setdefault(run.label, run)
    return [run for run in firsts.values() if run.run.model.attention]


def show_attention(comparison: live.Comparison, key: str) -> None:
    runs, task = attending(comparison), comparison.task
    if not runs:
        st.info("Train a model with attention to see where it looks.")
        return
    run = runs[0]
    if len(runs) > 1:
        names = {r.label: r for r in runs}
        run = names[st.radio("Model", list(names), horizontal=True, key=f"{key}_heat_model")]
    sources = [tr.decode_source(x, task.vocab) for x in task.x_test]
    left, right = st.columns(2)
    with left:
        i = st.selectbox("A test example", range(len(sources)), format_func=lambda i: sources[i], key=f"{key}_heat_i")
        draw_map(run, task, task.x_test[i], f"{run.label} · test example")
    with right:
        dates = task.name == "dates"
        typed = st.text_input("Or type a date" if dates else "Or type a text", "", key=f"{key}_typed",
                              placeholder="le 3 mars 1999" if dates else "a text to translate")
        if typed:
            row, problem, unknown = typed_row(typed, task)
            if problem:
                st.error(problem)
            else:
                if unknown:
                    st.warning(f"The models never saw {unknown}: they read {'it' if ' ' not in unknown else 'them'} "
                               f"as one unknown symbol ({UNK}).")
                draw_map(run, task, row, f"{run.label} · your input")
    st.caption("Each row is one output character, each column one input character; dark cells are where the "
               "decoder looked while writing it." + (" The year's last two digits look at the source's last two, "
                                                    "in order: a diagonal." if task.name == "dates" else ""))


def draw_map(run: TrainingRun, task: Task, row: torch.Tensor, title: str) -> None:
    frame = tr.attention_map(run.model, task.vocab, task.target_vocab, row)
    written = escape(tr.translation_of(run.model, task, row))
    st.markdown(f"→ **{written or '(nothing)'}**")
    st.altair_chart(charts.attention_heatmap(frame, title), width="stretch")


def typed_row(text: str, task: Task) -> tuple[torch.Tensor | None, str, str]:
    """(source ids, problem, unknown characters named) for a typed input."""
    cleaned = text.strip()
    longest = int(task.x_train.shape[1])
    if not cleaned:
        return None, "Type something: the input is empty (only spaces).", ""
    if len(cleaned) > longest:
        return None, (f"That is {len(cleaned)} characters; the models read at most {longest} (the longest input "
                      "of the data). Shorten it."), ""
    unknown = sorted({c for c in cleaned if c not in task.vocab[2:]})
    named = ", ".join(repr(c) for c in unknown)
    return encode_sources([cleaned], task.vocab, longest)[0], "", named
