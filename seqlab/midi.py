"""Melodies as Standard MIDI Files (format 0, one track), written byte by byte: no MIDI library at runtime."""

from __future__ import annotations

import numbers
import struct

import numpy as np

from seqlab.audio import TEMPO, check_melody
from seqlab.data.notes import Event

TICKS_PER_QUARTER = 480  # divides into halves, thirds, quarters, fifths...: every length a chorale uses is whole
VELOCITY = 80  # how hard each note is struck, 1..127 (mezzo-forte)
MAX_TITLE = 120  # characters of the track name


def variable_length(value: int) -> bytes:
    """A MIDI variable-length quantity: 7 bits a byte, most significant first, the top bit set on all but the last
    (0 -> 00, 127 -> 7F, 128 -> 81 00, 480 -> 83 60)."""
    if not 0 <= value < 1 << 28:
        raise ValueError(f"{value} does not fit a MIDI variable-length quantity (0 to {(1 << 28) - 1})")
    groups = [value & 0x7F]
    while value > 0x7F:
        value >>= 7
        groups.append(0x80 | (value & 0x7F))
    return bytes(reversed(groups))


def _meta(kind: int, data: bytes) -> bytes:
    """A meta event at delta time 0: FF, its kind, its length, its data."""
    return b"\x00\xff" + bytes([kind]) + variable_length(len(data)) + data


def track_events(events: list[Event], program: int = 0, channel: int = 0) -> bytes:
    """The program change and every note-on and note-off, each after its delta time in ticks. A rest is no event,
    only time that the next note-on waits. Tick positions come from the running total of beats, so rounding
    never accumulates into drift."""
    ticks = np.round(np.cumsum([0.0] + [float(e.beats) for e in events]) * TICKS_PER_QUARTER).astype(int)
    out, last = bytearray([0, 0xC0 | channel, program]), 0  # delta 0: program change
    for event, start, end in zip(events, ticks[:-1], ticks[1:], strict=True):
        if event.pitch is None or end == start:  # a rest, or a note too short for one tick
            continue
        out += variable_length(int(start - last)) + bytes([0x90 | channel, event.pitch, VELOCITY])
        out += variable_length(int(end - start)) + bytes([0x80 | channel, event.pitch, 0x40])
        last = end
    # a trailing rest still counts: end of track waits for it
    return bytes(out) + variable_length(int(ticks[-1] - last)) + b"\xff\x2f\x00"


def midi_bytes(events: list[Event], tempo: float = TEMPO, program: int = 0, title: str = "") -> bytes:
    """The melody as a Standard MIDI File: format 0, one track, TICKS_PER_QUARTER ticks a quarter note, `tempo`
    quarter notes a minute, General MIDI `program` (0 = acoustic grand piano, 19 = church organ, 52 = choir aahs),
    and `title` as the track's name. ValueError naming the problem for a bad event, tempo, program or title, or a
    melody longer than audio.MAX_SECONDS (the same rules as the audio)."""
    check_melody(events, tempo)
    if isinstance(program, bool) or not isinstance(program, numbers.Integral) or not 0 <= program <= 127:
        raise ValueError(f"program {program!r} is out of range: a General MIDI instrument is a number from 0 to 127")
    if not isinstance(title, str) or len(title) > MAX_TITLE:
        raise ValueError(f"the title must be text of at most {MAX_TITLE} characters")
    per_quarter = round(60_000_000 / tempo)  # microseconds a quarter note, in the 3 bytes MIDI gives it
    body = _meta(0x03, title.encode("utf-8")) if title else b""
    body += _meta(0x51, per_quarter.to_bytes(3, "big"))
    body += _meta(0x58, bytes([4, 2, 24, 8]))  # 4/4: chorales are in four (a reader shows bars, not a count of beats)
    body += track_events(events, int(program))
    header = b"MThd" + struct.pack(">IHHH", 6, 0, 1, TICKS_PER_QUARTER)  # length 6, format 0, one track, division
    return header + b"MTrk" + struct.pack(">I", len(body)) + body
