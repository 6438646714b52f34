"""The Music page's Streamlit side: the chorales, the melodies each model writes after every epoch (drawn as a piano
roll and played), and melodies continued on request, with their MIDI file."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from seqlab import audio, midi
from seqlab.analysis import music
from seqlab.analysis.evaluate import NGRAM_ORDERS
from seqlab.app import live
from seqlab.app.datasets import cached_task, pick_steps
from seqlab.app.writing import MAX_SEED, new_seed, writers
from seqlab.charts import music as charts
from seqlab.config import DataConfig
from seqlab.data import DataError, Task
from seqlab.data import chorales as corpus
from seqlab.data import notes as note_names
from seqlab.data.notes import Event
from seqlab.training.loop import TrainingRun

LENGTHS = (16, 24, 32, 48, 64, 96, 128)
TYPED_EXAMPLE = "C4 D4 E4 F4 G4:2"
LENGTH_NOTES = (8, 200, 32)  # the notes one click may write: least, most, default
REDRAW_MELODIES = 2.0  # seconds between redraws of the live melodies, at least


def pick_data(key: str = "music") -> dict:
    """The sequence length, in notes, to be called in the sidebar: DataConfig fields for `load`."""
    length = pick_steps("Sequence length (notes)", LENGTHS, corpus.DEFAULT_LENGTH, f"{key}_length",
                        help="Notes in one training sequence, each a pitch and a length: how far back the gradient "
                             "travels. A chorale's melody has about 50.")
    return {"task": "chorales", "length": length}


def load(fields: dict, **overrides) -> tuple[DataConfig, Task] | None:
    """The data config and the chorales task; None, with a message a person can act on, if impossible."""
    try:
        cfg = DataConfig(**{**fields, **overrides})
        return cfg, cached_task(cfg, spinner="Reading the chorales…")
    except (DataError, ValueError) as error:
        st.error(f"**The chorales cannot be used so:** {error}")
        return None


def show_melody(events: list[Event], opening: int, label: str, caption: str = "", key: str = "",
                play: bool = True) -> None:
    """A melody as a piano roll (its first `opening` notes marked as the opening, the rest in `label`'s colour) with
    a player under it (`play`)."""
    frame = pd.concat([charts.roll_frame(events[:opening], charts.OPENING),
                       charts.roll_frame(events[opening:], label, start=sum(e.beats for e in events[:opening]))],
                      ignore_index=True)
    st.altair_chart(charts.piano_roll(frame), width="stretch", key=key or None)
    heard = audio.longest_playable(events) if play else events
    if play:
        st.audio(audio.wav_bytes(heard), format="audio/wav")
    if len(heard) < len(events):
        caption = (caption + " " if caption else "") + (f"The player holds its first {len(heard)} notes: "
                                                        f"{audio.MAX_SECONDS:g} s at {audio.TEMPO} beats a minute.")
    if caption:
        st.caption(caption)


def in_key_text(share: float) -> str:
    return "no notes" if math.isnan(share) else f"{share:.0%} of its notes in the key"


def show_corpus(cfg: DataConfig, task: Task) -> None:
    """Sizes, source and what was done to the melodies, then the first training chorale, drawn and played."""
    sizes, length = task.sizes(), task.x_train.shape[1]
    st.caption(f"**{task.title}** · {len(task.vocab)} distinct notes (a pitch and a length each) · sequences of "
               f"{length} notes: {sizes['train']:,} for training, {sizes['validation']:,} for validation, "
               f"{sizes['test']:,} for the test, split by tune · source: {task.source}")
    for note in task.notes:
        st.caption(f"ℹ️ {note}")
    first = corpus.split(cfg)["train"][0]
    st.markdown(f"The first chorale of the training part, {first.label}, as the models read it:")
    show_melody(list(first.events), 0, "Bach", note_names.names(first.events), key="music_corpus_roll")


def melodies(comparison: live.Comparison, epoch: int | None = None) -> dict[str, tuple[int, str, float]]:
    """Each architecture's melody (its first seed's) of `epoch`, or its newest: label -> (epoch, melody field, in-key
    share over that epoch's melodies)."""
    found, first_of = {}, {r.label: r.name for r in reversed(comparison.training.runs)}
    for record in comparison.training.history:
        if record.get(music.MELODY) and record["run_name"] == first_of[record["label"]] \
                and (epoch is None or record["epoch"] == epoch):
            found[record["label"]] = (record["epoch"], record[music.MELODY], record.get(music.IN_KEY, math.nan))
    return found


def show_melodies(found: dict[str, tuple[int, str, float]], key: str, play: bool = True) -> None:
    """Melodies side by side (in rows of at most three), with players if `play`."""
    labels = list(found)
    width = max(min(len(labels), 3), 1)
    columns = [c for start in range(0, len(labels), width) for c in st.columns(width)]
    for column, label in zip(columns, labels, strict=False):
        epoch, text, share = found[label]
        opening, written = music.split_melody(text)
        with column:
            st.markdown(f"**{label}** · " + ("untrained" if epoch == 0 else f"after epoch {epoch}"))
            show_melody([*opening, *written], len(opening), label, f"{in_key_text(share)} (over its "
                        f"{music.LIVE_MELODIES} melodies this epoch)", key=f"{key}_roll_{label}_{epoch}", play=play)


def train_live(comparison: live.Comparison, log_scale: bool, key: str) -> None:
    """`live.train_live` with melodies: after each epoch every architecture's first seed writes from the same
    opening, drawn as a piano roll. A redraw costs a tenth of a second or more, so it comes at most every
    REDRAW_MELODIES seconds; no player while training (each redraw would replace it mid-note): the results play
    every epoch's melodies."""
    first_of = {r.label: r.name for r in reversed(comparison.training.runs)}  # each label's first run
    drawn = [-math.inf]

    def below():
        st.markdown(f"**What each model writes** after the first bar of the first test chorale ({music.LIVE_NOTES} "
                    f"notes, temperature {music.LIVE_TEMPERATURE:g}), epoch by epoch; when training ends, hear each "
                    "epoch's.")
        latest = st.empty()

        def add_melody(record: dict, run: TrainingRun) -> None:
            if not record.get(music.MELODY) or first_of[run.label] != run.name:
                return
            if time.perf_counter() - drawn[0] < REDRAW_MELODIES and record["epoch"] > 0:
                return
            drawn[0] = time.perf_counter()
            with latest.container():
                show_melodies(melodies(comparison), f"{key}_live", play=False)
        return add_melody

    live.train_live(comparison, log_scale, below=below)


def in_key_frame(history: pd.DataFrame) -> pd.DataFrame:
    """label, seed, epoch, in_key: the in-key share of every run's melodies, epoch by epoch."""
    if music.IN_KEY not in history:
        return pd.DataFrame(columns=["label", "seed", "epoch", "in_key"])
    return history.dropna(subset=[music.IN_KEY])[["label", "seed", "epoch", music.IN_KEY]]


def pitch_table(comparison: live.Comparison) -> pd.DataFrame:
    """Next pitch guessed right on the test chorales: each model (mean over its seeds), then counting."""
    task, rows = comparison.task, {}
    for run in comparison.training.runs:
        if run.history and math.isfinite(run.history[-1]["val_loss"]):
            rows.setdefault(run.label, []).append(music.pitch_accuracy(run.model, task))
    table = [{"model or baseline": label if len(v) == 1 else f"{label} (mean of {len(v)} seeds)",
              "next pitch right": sum(v) / len(v)} for label, v in rows.items()]
    table.append({"model or baseline": "commonest pitch", "next pitch right": music.baseline_pitch_accuracy(task)})
    table += [{"model or baseline": f"note {n}-gram", "next pitch right": music.baseline_pitch_accuracy(task, n=n)}
              for n in NGRAM_ORDERS]
    return pd.DataFrame(table)


def pitch_table_once(comparison: live.Comparison, key: str) -> pd.DataFrame:
    """`pitch_table`, computed once per finished comparison and kept in the session."""
    kept = st.session_state.get(f"{key}_pitch_table")
    if kept is None or kept[0] is not comparison.report:
        kept = (comparison.report, pitch_table(comparison))
        st.session_state[f"{key}_pitch_table"] = kept
    return kept[1]


def show_last_melodies(comparison: live.Comparison, key: str) -> None:
    """Each architecture's melody of the epoch picked (the last by default), drawn and playable."""
    epochs = sorted({r["epoch"] for r in comparison.training.history if r.get(music.MELODY)})
    if not epochs:
        return
    with st.container(key=f"{key}_latest_melodies"):  # the home page's card is a picture of this
        st.markdown("**What each model wrote** after the first bar of the first test chorale: pick an epoch, press "
                    "play.")
        epoch = epochs[-1] if len(epochs) == 1 else st.select_slider(
            "Epoch", epochs, epochs[-1], key=f"{key}_hear_epoch",
            format_func=lambda e: "untrained" if e == 0 else f"epoch {e}",
            help="Every epoch's melodies are kept: hear the noise of the untrained models turn into tunes.")
        show_melodies(melodies(comparison, epoch), f"{key}_done")


def show_in_key(comparison: live.Comparison) -> None:
    """The in-key share of every model's melodies, epoch by epoch, beside Bach's own."""
    frame = in_key_frame(comparison.report.history)
    if len(frame):
        st.altair_chart(charts.in_key_chart(frame, bach=music.bach_in_key()), width="stretch")
        st.caption("The share of written notes in the key (C major or A minor, where every chorale was moved): an "
                   "untrained model draws among all the notes it knows; one that learned the chorales stays mostly "
                   "on the white keys, as Bach did.")


def show_results(comparison: live.Comparison, key: str) -> None:
    """The last melodies, the in-key share epoch by epoch, and the next pitch guessed right."""
    show_last_melodies(comparison, key)
    show_in_key(comparison)
    table = pitch_table_once(comparison, key)
    st.dataframe(table, hide_index=True, column_config={
        "next pitch right": st.column_config.ProgressColumn("next pitch right", format="percent", min_value=0.0,
                                                            max_value=1.0)})
    st.caption("How often the likeliest next pitch is the one Bach wrote, on the test chorales (lengths ignored: a "
               "model's probabilities are summed over the lengths of each pitch).")


@dataclass(frozen=True)
class Written:
    """A melody written on request, and how it was asked for."""

    label: str
    melody: music.Melody
    seconds: float


def pick_opening(cfg: DataConfig, key: str) -> list[Event] | None:
    """A chorale's opening or notes the person types; None, with the reason shown, when the notes cannot be read."""
    source = st.radio("Opening", ["A chorale's first bar", "Notes I type"], horizontal=True, key=f"{key}_source")
    if source == "Notes I type":
        typed = st.text_input("Notes", TYPED_EXAMPLE, max_chars=600, key=f"{key}_typed",
                              help="Note names with their octave, middle C is C4: C4 D4 Eb4 F#4, or rest. Add a "
                                   "length in quarter notes after a colon: E4:2 is a half note, G4:0.5 an eighth.")
        try:
            return note_names.parse_notes(typed)
        except ValueError as error:
            st.error(f"**These notes cannot be read:** {error}")
            return None
    choices = corpus.openings(cfg)
    index = st.selectbox("Chorale", range(len(choices)), format_func=lambda i: choices[i].label,
                         key=f"{key}_chorale", help="The test chorales: no setting of their tunes was trained on.")
    st.caption(f"Its first bar: {note_names.names(choices[index].first_bar)}")
    return list(choices[index].first_bar)


def continuation(comparison: live.Comparison, key: str) -> None:
    """Opening, model, length, temperature and seed; the melody appears below, drawn, playable and downloadable."""
    runs, task = writers(comparison), comparison.task
    if not runs:
        st.info("No model can write: none finished an epoch with a finite loss.")
        return
    opening = pick_opening(comparison.training.runs[0].run.data, key)
    with st.form(f"{key}_continue"):
        top = st.columns([2, 1, 1, 1])
        label = top[0].selectbox("Model", list(runs), key=f"{key}_writer", help="The best one is first.")
        low, high, default = LENGTH_NOTES
        length = top[1].slider("Notes", low, high, default, key=f"{key}_notes")
        temperature = top[2].slider("Temperature", 0.0, 2.0, 0.8, 0.05, key=f"{key}_temperature",
                                    help="Low: safe, repetitive tunes (0 always takes the likeliest note). High: "
                                         "bolder, wandering ones.")
        seed = top[3].number_input("Seed", 0, MAX_SEED, None, key=f"{key}_gen_seed", placeholder="new each time",
                                   help="Empty: every click draws a new seed. The same seed and settings write the "
                                        "same melody again.")
        pressed = st.form_submit_button("Continue the melody", type="primary", icon=":material/music_note:",
                                        disabled=opening is None)
    if pressed and opening is not None and label in runs:
        _write(runs[label], task, opening, length, temperature, new_seed() if seed is None else int(seed), key)
    shown: Written | None = st.session_state.get(f"{key}_written")
    if shown is not None:
        _show_written(shown, key)


def _write(run: TrainingRun, task: Task, opening: list[Event], length: int, temperature: float, seed: int,
           key: str) -> None:
    began = time.perf_counter()
    try:
        melody = music.write(run.model, task.vocab, opening, length, temperature, seed)
    except ValueError as error:
        st.error(f"**The model cannot read this opening:** {error}.")
        return
    st.session_state[f"{key}_written"] = Written(run.name, melody, time.perf_counter() - began)


def _show_written(shown: Written, key: str) -> None:
    melody = shown.melody
    show_melody(melody.events, len(melody.opening), shown.label.split(" ·")[0], key=f"{key}_written_roll")
    st.code(note_names.names(melody.events), language=None, wrap_lines=True)
    st.caption(f"{shown.label} wrote {len(melody.notes)} notes in {shown.seconds:.3f} s, "
               f"{in_key_text(melody.in_key)}. Seed **{melody.seed}**, temperature {melody.temperature:g}.")
    st.download_button("Melody (MIDI)", lambda: midi.midi_bytes(melody.events,
                                                                title=f"seqlab {shown.label}"),
                       f"seqlab-melody-seed{melody.seed}.mid", "audio/midi", key=f"{key}_midi", on_click="ignore",
                       icon=":material/download:")
