"""Melodies made audible: additive synthesis with numpy into a mono 16-bit WAV, no sound files and no synthesiser."""

from __future__ import annotations

import io
import math
import numbers
import wave
from dataclasses import dataclass

import numpy as np

from seqlab.data.notes import Event

TEMPO = 100  # quarter notes a minute, unless told: a chorale's walking pace (the page, the CLI and MIDI files alike)
MIN_TEMPO, MAX_TEMPO = 20.0, 400.0  # quarter notes a minute
MIN_RATE, MAX_RATE = 8_000, 48_000  # samples a second
MAX_SECONDS = 120.0  # what one call may synthesise: at 22,050 Hz a 5 MB WAV (at 48,000 Hz 11.5 MB)
TAIL = 0.6  # seconds the last note rings on, fading, after the melody ends
ATTACK = 0.008  # seconds from silence to full level: quicker clicks, slower blurs a fast run
RELEASE = 0.04  # seconds each note fades out at its end, so it never stops at a non-zero sample (a click)
SUSTAIN = 0.35  # the level a held note settles to, as a share of its strike
DECAY = 0.9  # seconds for the fundamental's strike to fall by e towards SUSTAIN; partial k falls k times faster
# Partials 1..6 of the fundamental, each weaker than the last: a soft, slightly piano-like tone (a pure sine sounds
# thin and its pitch is hard to place on a laptop's small speakers, which barely play a low fundamental)
PARTIALS = (1.0, 0.5, 0.3, 0.16, 0.08, 0.04)
BLOCK = 1 << 18  # samples computed at once (12 s at 22,050 Hz): about 20 MB of working arrays, however long the melody
PEAK = 0.9  # the loudest sample, as a share of full scale: headroom against clipping in the player's resampling


def duration_seconds(events: list[Event], tempo: float = TEMPO) -> float:
    """How long the melody plays at `tempo` quarter notes a minute (the WAV adds TAIL seconds of ringing)."""
    check_tempo(tempo)
    return sum(float(e.beats) for e in events) * 60.0 / tempo


def check_tempo(tempo: float) -> None:
    """ValueError unless `tempo` is a number of quarter notes a minute from MIN_TEMPO to MAX_TEMPO."""
    if isinstance(tempo, bool) or not isinstance(tempo, numbers.Real) or not MIN_TEMPO <= tempo <= MAX_TEMPO:
        raise ValueError(f"tempo {tempo!r} is out of range: give {MIN_TEMPO:g} to {MAX_TEMPO:g} quarter notes a minute")


def check_melody(events: list[Event], tempo: float = TEMPO) -> None:
    """ValueError naming the first event that is not a note or rest of a positive length, or a tempo out of range,
    or a melody longer than MAX_SECONDS at that tempo. The audio and the MIDI file hold melodies to the same rules."""
    check_tempo(tempo)
    for i, event in enumerate(events):
        if not isinstance(event, Event):
            raise ValueError(f"event {i} ({event!r}) is not a note or a rest (seqlab.data.notes.Event)")
        pitch, beats = event.pitch, event.beats
        if pitch is not None and (isinstance(pitch, bool) or not isinstance(pitch, numbers.Integral)
                                  or not 0 <= pitch <= 127):
            raise ValueError(f"event {i} has pitch {pitch!r}: a pitch is a MIDI note number from 0 to 127, or None "
                             "for a rest")
        if isinstance(beats, bool) or not isinstance(beats, numbers.Real) or not (math.isfinite(beats) and beats > 0):
            raise ValueError(f"event {i} ({event.name}) lasts {beats!r} beats: a length is a positive number of "
                             "quarter notes")
    seconds = sum(float(e.beats) for e in events) * 60.0 / tempo
    if seconds > MAX_SECONDS:
        raise ValueError(f"the melody lasts {seconds:.0f} s at {tempo:g} beats a minute: at most {MAX_SECONDS:g} s "
                         "can be played or saved at once; shorten it or raise the tempo")


def longest_playable(events: list[Event], tempo: float = TEMPO) -> list[Event]:
    """The longest beginning of the melody that one call may synthesise (MAX_SECONDS at `tempo`)."""
    most, beats = MAX_SECONDS * tempo / 60.0, 0.0
    for i, event in enumerate(events):
        beats += float(event.beats)
        if beats > most:
            return events[:i]
    return events


def frequency(pitch: int) -> float:
    """Hz of a MIDI note number in equal temperament, A4 (69) at 440 Hz."""
    return 440.0 * 2.0 ** ((pitch - 69) / 12)


def synthesise(events: list[Event], tempo: float = TEMPO, sample_rate: int = 22_050) -> np.ndarray:
    """The melody as samples in [-PEAK, PEAK], float32, (duration + TAIL) * sample_rate of them. Each note is a sum
    of PARTIALS under an envelope that rises over ATTACK, decays towards SUSTAIN and falls back to zero over its last
    RELEASE seconds (the last note over TAIL): every note starts and ends at silence, so none clicks. Rests, and an
    empty melody's tail, are silence. Computed whole arrays at a time, BLOCK samples at once (which bounds memory)."""
    check_melody(events, tempo)
    if isinstance(sample_rate, bool) or not isinstance(sample_rate, numbers.Integral) \
            or not MIN_RATE <= sample_rate <= MAX_RATE:
        raise ValueError(f"sample rate {sample_rate!r} is out of range: give a whole number of samples a second from "
                         f"{MIN_RATE:,} to {MAX_RATE:,}")
    tail = round(TAIL * sample_rate)
    if not events:
        return np.zeros(tail, dtype=np.float32)
    # Note boundaries rounded from the running total of beats, so rounding never accumulates into drift: (E+1,)
    beats = np.array([float(e.beats) for e in events])
    bounds = np.round(np.concatenate([[0.0], np.cumsum(beats)]) * 60.0 / tempo * sample_rate).astype(np.int64)
    bounds[-1] += tail  # the last event (a note rings, a rest stays silent) holds the tail
    notes = _Notes.of(events, bounds, tail, sample_rate)
    out = np.empty(bounds[-1], dtype=np.float32)
    for first in range(0, len(out), BLOCK):
        n = np.arange(first, min(first + BLOCK, len(out)))  # (B,) sample numbers
        which = np.searchsorted(bounds, n, side="right") - 1  # (B,) the event each sample belongs to
        out[first:first + len(n)] = notes.samples(which, n - bounds[which])
    loudest = max(float(out.max()), -float(out.min()))  # not np.abs(out): a second copy of the melody
    if loudest > 0:
        out *= np.float32(PEAK / loudest)
    return out


@dataclass(frozen=True)
class _Notes:
    """Per event (E,): its fundamental in Hz (0 for a rest), its length, attack and release in samples."""

    f0: np.ndarray
    lengths: np.ndarray
    attacks: np.ndarray
    releases: np.ndarray
    sample_rate: int

    @classmethod
    def of(cls, events: list[Event], bounds: np.ndarray, tail: int, sample_rate: int) -> _Notes:
        lengths = np.diff(bounds)
        attacks = np.maximum(np.minimum(ATTACK * sample_rate, 0.3 * lengths), 1).astype(np.float32)
        # a short note keeps most of its body; the last one rings on, fading, over the tail
        releases = np.maximum(np.minimum(RELEASE * sample_rate, 0.4 * lengths), 1).astype(np.float32)
        releases[-1] = max(releases[-1], tail)
        f0 = np.array([0.0 if e.pitch is None else frequency(e.pitch) for e in events])
        return cls(f0, lengths, attacks, releases, sample_rate)

    def samples(self, which: np.ndarray, count: np.ndarray) -> np.ndarray:
        """(B,) float32: the samples `count` samples into events `which`, before normalising."""
        return self.partials(which, count) * self.envelope(which, count) * (self.f0 > 0)[which]  # a rest is silence

    def partials(self, which: np.ndarray, count: np.ndarray) -> np.ndarray:
        """(B,) float32: PARTIALS of the note's fundamental, partial k fading towards SUSTAIN as e^(-kt/DECAY)
        (higher partials die sooner, as on a struck string), every note starting at phase 0."""
        cycles = (self.f0 / self.sample_rate)[which] * count  # (B,) float64 turns since the note began
        cycles -= np.floor(cycles)
        theta = (2 * np.pi * cycles).astype(np.float32)  # the fundamental's phase, in [0, 2π)
        # sin kθ for every k from one sin and one cos, by sin (k+1)θ = 2 cos θ sin kθ - sin (k-1)θ; and e^(-kt/DECAY)
        # as the k-th power of e^(-t/DECAY): three transcendental passes in all instead of twelve
        twice_cos, below, here = 2 * np.cos(theta), np.zeros_like(theta), np.sin(theta)
        fade = np.exp(count.astype(np.float32) / np.float32(-self.sample_rate * DECAY))
        fading, out = np.ones_like(fade), np.zeros_like(fade)
        for k, weight in enumerate(PARTIALS, start=1):
            fading *= fade
            # a partial above Nyquist would alias to a wrong, lower pitch: left out
            audible = (weight * (k * self.f0 < self.sample_rate / 2)).astype(np.float32)
            out += audible[which] * (SUSTAIN + (1 - SUSTAIN) * fading) * here
            below, here = here, twice_cos * here - below
        return out

    def envelope(self, which: np.ndarray, count: np.ndarray) -> np.ndarray:
        """(B,) float32 in [0, 1]: 0 at an event's first sample, up over its attack, down over its release to nearly
        0 at its last, by raised cosines, whose slope is 0 at both ends, so neither level nor slope jumps."""
        rise = np.minimum(count / self.attacks[which], 1, dtype=np.float32)
        fall = np.minimum((self.lengths[which] - count) / self.releases[which], 1, dtype=np.float32)
        return (0.5 - 0.5 * np.cos(np.pi * rise)) * (0.5 - 0.5 * np.cos(np.pi * fall))


def to_wav(samples: np.ndarray, sample_rate: int) -> bytes:
    """Mono 16-bit PCM WAV bytes of samples in [-1, 1]."""
    scaled = np.clip(samples, -1, 1)  # one float copy, then in place
    scaled *= 32767
    pcm = np.round(scaled, out=scaled).astype("<i2")
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(memoryview(pcm).cast("B"))  # bytes as they are, without a copy
    return buffer.getvalue()


def wav_bytes(events: list[Event], tempo: float = TEMPO, sample_rate: int = 22_050) -> bytes:
    """The melody as a WAV file's bytes (mono, 16-bit, `sample_rate` Hz), for `st.audio` or a download. An empty
    melody gives TAIL seconds of silence, a valid file a player can show; a bad event, tempo or sample rate, or a
    melody over MAX_SECONDS, a ValueError that names it."""
    return to_wav(synthesise(events, tempo, sample_rate), sample_rate)
