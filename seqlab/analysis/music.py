"""Melodies from a next-note model: written from an opening, judged by how many notes stay in the key, and the
next pitch guessed right; a training callback that writes them after every epoch.

Every chorale is transposed to C major or A minor (seqlab.data.chorales), so "in the key" means one of the seven
white-key pitch classes (`notes.IN_KEY`): a model that learned the music writes mostly those; an untrained one
draws among all the symbols it knows, the chromatic ones too.
"""

from __future__ import annotations

import functools
import math
import weakref
from dataclasses import dataclass

import numpy as np
import torch

from seqlab.config import MUSIC_TASKS, DataConfig
from seqlab.data import chorales
from seqlab.data.notes import END, Event, from_symbol
from seqlab.data.task import Task
from seqlab.models import generate
from seqlab.training.callbacks import Callback
from seqlab.training.scoring import batches

LIVE_NOTES, LIVE_TEMPERATURE = 24, 0.8  # each melody written after an epoch: its length, how bold
LIVE_SEED = 0  # the dice of the melodies written after every epoch: the same every epoch
LIVE_MELODIES = 8  # melodies per epoch, from the first test chorales' first bars: the in-key share counts them all
IN_KEY, MELODY = "in_key", "melody"  # the fields MelodyWriting adds to every record


def is_music(task: Task) -> bool:
    return task.name in MUSIC_TASKS and task.vocab is not None


@dataclass(frozen=True)
class Melody:
    """What a model wrote after an opening, and with which dice."""

    opening: tuple[Event, ...]
    notes: tuple[Event, ...]
    seed: int
    temperature: float

    @property
    def events(self) -> list[Event]:
        return [*self.opening, *self.notes]

    @property
    def in_key(self) -> float:
        return in_key_share(self.notes)


def in_key_share(events) -> float:
    """Of the pitched notes (rests left out), the share in C major / A minor; NaN when there are none."""
    keyed = [e.in_key for e in events if e.pitch is not None]
    return sum(keyed) / len(keyed) if keyed else math.nan


@functools.cache
def bach_in_key() -> float:
    """The in-key share of every note of the shipped chorales: what Bach wrote, moved to C major or A minor."""
    return in_key_share([e for c in chorales.load_chorales() for e in c.events])


def events_of(ids, vocab) -> list[Event | None]:
    """Token ids as events, None for END."""
    return [from_symbol(vocab[int(i)]) for i in ids]


def write(model, vocab, opening: list[Event], length: int = LIVE_NOTES, temperature: float = LIVE_TEMPERATURE,
          seed: int = 0, top_k: int = 0) -> Melody:
    """`length` notes the model writes after `opening`. It is asked for notes only: the end of a chorale is never
    drawn (a melody asked for 40 notes has 40), its probability shared among the notes. An empty opening starts
    where a chorale starts: after the end of the one before. A note the model has no symbol for: ValueError naming
    it (seqlab.data.chorales.encode)."""
    end = list(vocab).index(END)
    ids = chorales.encode(opening, vocab) or [end]
    written = generate.continue_ids(model, len(vocab), ids, length, temperature, top_k, seed, never=[end])
    return Melody(tuple(opening), tuple(events_of(written, vocab)), seed, temperature)


def openings(task: Task, cfg: DataConfig, count: int = LIVE_MELODIES) -> list[list[int]]:
    """The token ids of the first bars of the first `count` test chorales (seqlab.data.chorales.openings)."""
    return [chorales.encode(c.first_bar, task.vocab) for c in chorales.openings(cfg)[:count]]


class MelodyWriting(Callback):
    """After every epoch (epoch 0, untrained, included), each run of a music task writes LIVE_MELODIES melodies of
    LIVE_NOTES notes from the first bars of the first test chorales, in one batch with fixed dice (LIVE_SEED), so
    what changes from epoch to epoch is the model alone. Adds to the record `in_key` (the share of their notes in
    the key) and `melody` (the first one's symbols, opening included, "|" between them). Other tasks are left alone; the
    training's numbers are the same with it or without it (generation draws from its own generator)."""

    def __init__(self, melodies: int = LIVE_MELODIES, length: int = LIVE_NOTES):
        self.melodies, self.length = melodies, length
        self.openings = weakref.WeakKeyDictionary()  # TrainingRun of a music task -> its openings' ids

    def on_train_start(self, run) -> None:
        if is_music(run.task):
            self.openings[run] = openings(run.task, run.run.data, self.melodies)

    def on_epoch_end(self, run, record: dict) -> None:
        if run not in self.openings or not math.isfinite(record.get("val_loss", math.nan)):
            return
        prompts, vocab = self.openings[run], run.task.vocab
        try:
            written = generate.continue_many(run.model, len(vocab), prompts, self.length, LIVE_TEMPERATURE,
                                             seed=LIVE_SEED, never=[list(vocab).index(END)])
        except (RuntimeError, ValueError):  # NaN weights make no probabilities
            return
        notes = [e for ids in written for e in events_of(ids, vocab)]
        record[IN_KEY] = in_key_share(notes)
        if written:
            record[MELODY] = (" ".join(vocab[i] for i in prompts[0]) + " | " + " ".join(vocab[i] for i in written[0]))


def split_melody(text: str) -> tuple[list[Event], list[Event]]:
    """A record's `melody` field back as (opening, written notes)."""
    opening, _, notes = text.partition(" | ")
    return ([from_symbol(s) for s in opening.split()], [from_symbol(s) for s in notes.split()])


def pitch_of(vocab) -> tuple[np.ndarray, list[str]]:
    """For each token id, the index of its pitch among the distinct pitches (rest and END count as their own), and
    those pitches' names."""
    names = [s.rsplit(":", 1)[0] if s != END else END for s in vocab]
    distinct = sorted(set(names))
    return np.array([distinct.index(n) for n in names]), distinct


@torch.no_grad()
def pitch_accuracy(model, task: Task, part: str = "test") -> float:
    """How often the likeliest next pitch (the model's probabilities summed over the lengths each pitch comes
    with) is the pitch that follows: the melody's guess without its rhythm."""
    of, distinct = pitch_of(task.vocab)
    x, y = getattr(task, f"x_{part}"), getattr(task, f"y_{part}")
    if not len(x):
        return math.nan
    group, right = torch.as_tensor(of), 0
    for rows, logits in batches(model, x):  # logits (B, T, V), in eval mode
        p = torch.softmax(logits.float(), -1)
        pitch_p = torch.zeros(*p.shape[:2], len(distinct)).index_add_(2, group, p)  # (B, T, P)
        right += int((pitch_p.argmax(-1) == group[y[rows]]).sum())
    return right / y.numel()


def baseline_pitch_accuracy(task: Task, part: str = "test", n: int = 0) -> float:
    """The same for counting: the commonest training pitch every time (n=0), or an order-n n-gram's likeliest."""
    from seqlab.analysis import ngram

    of, distinct = pitch_of(task.vocab)
    y = getattr(task, f"y_{part}").numpy()
    train = of[ngram.training_text(task).numpy()]
    if n == 0:
        return float((of[y] == np.bincount(train, minlength=len(distinct)).argmax()).mean())
    counted = ngram.fit(task, n)
    x = getattr(task, f"x_{part}").numpy()
    contexts = counted.contexts(x).reshape(y.size, n - 1)  # (M, n-1)
    every = np.arange(len(task.vocab))
    right = 0
    for rows in np.array_split(np.arange(len(contexts)), max(1, len(contexts) // 512)):
        p = counted.probability(np.repeat(contexts[rows], len(every), 0), np.tile(every, len(rows)))
        pitch_p = np.zeros((len(rows), len(distinct)))
        np.add.at(pitch_p, (np.repeat(np.arange(len(rows)), len(every)), np.tile(of, len(rows))), p)
        right += int((pitch_p.argmax(1) == of[y.reshape(-1)[rows]]).sum())
    return right / y.size
