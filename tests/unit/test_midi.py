"""Melodies as Standard MIDI Files, written by hand and read back by music21 (a dev dependency) as the oracle."""

import struct

import music21  # requirements-dev.txt only: the app writes MIDI without it
import pytest

from seqlab.data.notes import Event, parse_notes
from seqlab.midi import TICKS_PER_QUARTER, midi_bytes, variable_length

TUNE = parse_notes("C4 D4:0.5 E4:0.5 rest:1 G4:2 Bb4:1.5 F#4:0.5 C5:3 rest:2")


def midi_file(data: bytes):
    """music21's low-level reading of the bytes: format, division and each track's events."""
    mf = music21.midi.MidiFile()
    mf.readstr(data)
    return mf


def sounding(data: bytes) -> list[tuple[float, float, int]]:
    """(offset, length in quarter notes, MIDI number) of every note music21 hears, ties across bar lines joined."""
    score = music21.converter.parse(data, format="midi").stripTies()
    return [(float(n.offset), float(n.quarterLength), n.pitch.midi) for n in score.flatten().notes]


@pytest.mark.parametrize("value, expected", [(0, "00"), (0x40, "40"), (0x7F, "7f"), (0x80, "81 00"),
                                             (480, "83 60"), (0x2000, "c0 00"), (0x3FFF, "ff 7f"),
                                             (0x0FFFFFFF, "ff ff ff 7f")])
def test_variable_length_quantities_match_the_ones_worked_by_hand(value, expected):
    # 480 = 3 * 128 + 96: the high group 3 with its continuation bit (0x83), then 96 (0x60)
    assert variable_length(value).hex(" ") == expected


def test_a_variable_length_quantity_out_of_range_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        variable_length(1 << 28)


def test_the_header_says_format_0_one_track_and_the_ticks_per_quarter_note():
    data = midi_bytes(TUNE)
    assert data[:14] == b"MThd" + bytes([0, 0, 0, 6, 0, 0, 0, 1]) + TICKS_PER_QUARTER.to_bytes(2, "big")
    assert data[14:18] == b"MTrk" and struct.unpack(">I", data[18:22])[0] == len(data) - 22
    assert data.endswith(b"\xff\x2f\x00")  # end of track


def test_pitches_offsets_and_lengths_come_back_through_music21():
    expected, at = [], 0.0
    for event in TUNE:
        if event.pitch is not None:
            expected.append((at, event.beats, event.pitch))
        at += event.beats
    assert sounding(midi_bytes(TUNE)) == expected


def test_tempo_instrument_and_title_come_back_through_music21():
    data = midi_bytes(TUNE, tempo=72, program=19, title="Chorale, epoch 3")
    score = music21.converter.parse(data, format="midi")
    assert score.flatten().getElementsByClass("MetronomeMark")[0].number == 72
    events = midi_file(data).tracks[0].events
    assert any(e.type == music21.midi.MetaEvents.SEQUENCE_TRACK_NAME and e.data == b"Chorale, epoch 3" for e in events)
    assert [e.data for e in events if e.type == music21.midi.ChannelVoiceMessages.PROGRAM_CHANGE] == [19]


def test_the_tempo_is_written_as_microseconds_per_quarter_note_in_three_bytes():
    assert b"\xff\x51\x03" + (1_000_000).to_bytes(3, "big") in midi_bytes(TUNE, tempo=60)
    assert b"\xff\x51\x03" + bytes.fromhex("0a2c2b") in midi_bytes(TUNE, tempo=90)  # 666,667 µs


def test_a_trailing_rest_counts_in_the_length_of_the_track():
    track = midi_file(midi_bytes(TUNE)).tracks[0]
    ticks = sum(e.time or 0 for e in track.events if e.type == "DeltaTime")
    assert ticks == sum(e.beats for e in TUNE) * TICKS_PER_QUARTER  # 12 quarter notes, the last two of rest


def test_triplets_round_to_ticks_without_drifting():
    triplets = [Event(60 + i % 3, 1 / 3) for i in range(30)]  # 160 ticks each: 10 quarter notes exactly
    track = midi_file(midi_bytes(triplets)).tracks[0]
    deltas = [e.time for e in track.events if e.type == "DeltaTime" and e.time]
    assert sum(deltas) == 10 * TICKS_PER_QUARTER and set(deltas) == {160}


def test_an_empty_melody_is_a_valid_file_with_no_notes():
    data = midi_bytes([])
    assert midi_file(data).format == 0 and sounding(data) == []


@pytest.mark.parametrize("kwargs, message", [
    ({"tempo": 5}, "tempo 5 is out of range"),
    ({"program": 128}, "program 128 is out of range"),
    ({"title": "x" * 500}, "at most 120 characters"),
    ({"events": [Event(60, -1.0)]}, r"event 0 \(C4\) lasts -1.0 beats"),
    ({"events": [Event(60, 4.0)] * 46, "tempo": 90}, "at most 120 s"),  # 184 beats: 122.7 s at 90
])
def test_bad_input_is_refused_with_a_message_naming_it(kwargs, message):
    with pytest.raises(ValueError, match=message):
        midi_bytes(**{"events": TUNE, **kwargs})
