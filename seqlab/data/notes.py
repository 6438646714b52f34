"""Melodies as events: a pitch (a MIDI note number, or a rest) held for a number of beats, their names ("E4",
"Bb3"), the token symbols a next-event model reads ("E4:1"), and notes a person types ("C4 D4 E4:2")."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

NAMES = ("C", "C#", "D", "Eb", "E", "F", "F#", "G", "G#", "A", "Bb", "B")  # pitch classes as a melody in C spells them
STEPS = {"C": 0, "D": 2, "E": 4, "F": 5, "G": 7, "A": 9, "B": 11}
IN_KEY = frozenset({0, 2, 4, 5, 7, 9, 11})  # pitch classes of C major, which are those of A (natural) minor
REST, END = "rest", "|"  # a rest's name; the symbol that ends a chorale
LOWEST, HIGHEST = 36, 96  # C2 .. C7: what a typed note may be (a chorale's soprano stays within C4 .. A5)
DEFAULT_BEATS = 1.0  # a typed note without a length is a quarter note
MAX_BEATS = 8.0
MAX_TYPED = 64  # notes one opening may hold
_TYPED = re.compile(r"^(?:(?P<rest>rest|r)|(?P<step>[A-Ga-g])(?P<accidentals>(?:#|b|♯|♭){0,2})(?P<octave>-?\d))"
                    r"(?::(?P<beats>\d+(?:\.\d+)?|\d+/\d+))?$")


@dataclass(frozen=True)
class Event:
    """One note or rest: `pitch` is a MIDI note number (60 = C4, middle C) or None for a rest; `beats` its length in
    quarter notes (1 a quarter, 0.5 an eighth, 2 a half)."""

    pitch: int | None
    beats: float

    @property
    def name(self) -> str:
        return REST if self.pitch is None else pitch_name(self.pitch)

    @property
    def symbol(self) -> str:
        """The token a model reads and writes for this event: name and length, as in "E4:1" or "rest:0.5"."""
        return f"{self.name}:{self.beats:g}"

    @property
    def in_key(self) -> bool | None:
        """Whether the pitch belongs to C major (= A minor), the key every chorale is transposed to; None for a rest."""
        return None if self.pitch is None else self.pitch % 12 in IN_KEY


def pitch_name(pitch: int) -> str:
    """ "C4" for 60, "Bb3" for 58: the name of a MIDI note number, octave numbers as in scientific pitch notation."""
    return f"{NAMES[pitch % 12]}{pitch // 12 - 1}"


def from_symbol(symbol: str) -> Event | None:
    """The event a token symbol stands for; None for the end of a chorale (END)."""
    if symbol == END:
        return None
    name, beats = symbol.rsplit(":", 1)
    return Event(None if name == REST else parse_pitch(name), float(beats))


def parse_pitch(name: str) -> int:
    """The MIDI number of a note name such as "C4", "F#3", "Bb4" or "e♭5"; ValueError if it is none."""
    match = _TYPED.match(name.strip())
    if match is None or match["step"] is None or match["beats"] is not None:
        raise ValueError(f"{name!r} is not a note name like C4, F#3 or Bb4")
    return _pitch(match)


def _pitch(match: re.Match) -> int:
    shift = sum(+1 if a in "#♯" else -1 for a in match["accidentals"])
    return 12 * (int(match["octave"]) + 1) + STEPS[match["step"].upper()] + shift


def parse_notes(text: str, max_notes: int = MAX_TYPED) -> list[Event]:
    """The events of notes a person typed, separated by spaces or commas: "C4 D4 E4", "G4:2 rest:1 F#4:0.5" (a
    length in quarter notes after a colon, 1 if none). ValueError naming the token that is not a note, is out of
    range, has a length that is not a positive number of beats up to MAX_BEATS, or is one too many."""
    tokens = [t for t in re.split(r"[\s,]+", text.strip()) if t]
    if not tokens:
        raise ValueError("no notes given: type note names such as C4 D4 E4 (add :2 for a half note, e.g. E4:2)")
    if len(tokens) > max_notes:
        raise ValueError(f"{len(tokens)} notes is too many: an opening holds at most {max_notes} "
                         f"(the first one past it is {tokens[max_notes]!r})")
    return [_typed_event(token) for token in tokens]


def _typed_event(token: str) -> Event:
    match = _TYPED.match(token)
    if match is None:
        raise ValueError(f"{token!r} is not a note: write a letter A-G, an optional # or b, and an octave, such as "
                         "C4, F#3 or Bb4, or 'rest'; add a length in quarter notes after a colon, such as E4:2")
    beats = _beats(token, match["beats"])
    if match["rest"]:
        return Event(None, beats)
    pitch = _pitch(match)
    if not LOWEST <= pitch <= HIGHEST:
        raise ValueError(f"{token!r} is out of range: notes go from {pitch_name(LOWEST)} to {pitch_name(HIGHEST)} "
                         "(middle C is C4)")
    return Event(pitch, beats)


def _beats(token: str, text: str | None) -> float:
    if text is None:
        return DEFAULT_BEATS
    top, _, bottom = text.partition("/")
    beats = float(top) / float(bottom) if bottom and float(bottom) else float(top) if not bottom else math.inf
    if not (math.isfinite(beats) and 0 < beats <= MAX_BEATS):
        raise ValueError(f"{token!r} has a length of {text} beats: give a length above 0 and at most {MAX_BEATS:g} "
                         "quarter notes, such as 0.5 (an eighth), 1 (a quarter) or 2 (a half)")
    return beats


def names(events: list[Event]) -> str:
    """Events written back as a person would type them: "C4 D4 E4:2"."""
    return " ".join(e.name if e.beats == DEFAULT_BEATS else e.symbol for e in events)
