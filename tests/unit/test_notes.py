"""Melodies as events: pitch names, the symbols a model reads, and notes a person types."""

import pytest

from seqlab.data.notes import END, MAX_TYPED, Event, from_symbol, names, parse_notes, parse_pitch, pitch_name


@pytest.mark.parametrize("pitch, name", [(60, "C4"), (58, "Bb3"), (61, "C#4"), (69, "A4"), (21, "A0"), (59, "B3")])
def test_pitch_names_follow_scientific_pitch_notation(pitch, name):
    assert pitch_name(pitch) == name and parse_pitch(name) == pitch


@pytest.mark.parametrize("spelled, pitch", [("e♭5", 75), ("D#4", 63), ("Cb4", 59), ("B#3", 60), ("F##4", 67)])
def test_other_spellings_read_as_the_same_midi_number(spelled, pitch):
    assert parse_pitch(spelled) == pitch


def test_a_symbol_names_pitch_and_length_and_reads_back():
    events = [Event(64, 1.0), Event(58, 0.5), Event(None, 2.0), Event(72, 1.5)]
    assert [e.symbol for e in events] == ["E4:1", "Bb3:0.5", "rest:2", "C5:1.5"]
    assert [from_symbol(e.symbol) for e in events] == events
    assert from_symbol(END) is None


def test_in_key_is_c_major_and_none_for_a_rest():
    assert [Event(p, 1).in_key for p in (60, 61, 62, 69, 70, 71)] == [True, False, True, True, False, True]
    assert Event(None, 1).in_key is None


def test_typed_notes_with_and_without_lengths():
    assert parse_notes("C4 D4, E4:2  rest:0.5 F#3:1/2 r") == [
        Event(60, 1.0), Event(62, 1.0), Event(64, 2.0), Event(None, 0.5), Event(54, 0.5), Event(None, 1.0)]


def test_names_writes_what_parse_notes_reads():
    events = [Event(60, 1.0), Event(70, 0.5), Event(None, 2.0), Event(67, 1.0)]
    assert names(events) == "C4 Bb4:0.5 rest:2 G4" and parse_notes(names(events)) == events


@pytest.mark.parametrize("text, named", [
    ("C4 H4 E4", "'H4'"),  # not a note
    ("C4 D", "'D'"),  # no octave
    ("C4 C8", "'C8' is out of range"),
    ("C1", "'C1' is out of range"),
    ("E4:0", "'E4:0' has a length of 0"),
    ("E4:9", "'E4:9' has a length of 9"),
    ("E4:1/0", "'E4:1/0' has a length of 1/0"),
    ("E4:-1", "'E4:-1'"),
])
def test_bad_notes_are_refused_naming_the_token(text, named):
    with pytest.raises(ValueError) as refused:
        parse_notes(text)
    assert named in str(refused.value)


def test_empty_and_too_many_notes_are_refused_with_the_fix():
    for empty in ("", "  ,, "):
        with pytest.raises(ValueError, match="no notes given"):
            parse_notes(empty)
    with pytest.raises(ValueError, match=f"at most {MAX_TYPED}.*'G4'"):
        parse_notes(" ".join(["C4"] * MAX_TYPED + ["G4"]))
    assert len(parse_notes(" ".join(["C4"] * MAX_TYPED))) == MAX_TYPED


def test_parse_pitch_refuses_a_length_or_a_rest():
    for bad in ("E4:2", "rest", "X"):
        with pytest.raises(ValueError, match="not a note name"):
            parse_pitch(bad)
