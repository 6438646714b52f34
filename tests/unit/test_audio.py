"""Melodies as WAV files: the format, the length the tempo gives, silent rests, no clipping, no clicks, the pitch
heard, and bad input refused with a message."""

import io
import wave

import numpy as np
import pytest

from seqlab import audio
from seqlab.audio import duration_seconds, synthesise, wav_bytes
from seqlab.data.notes import Event, parse_notes

RATE = 22_050
TUNE = parse_notes("C4 D4:0.5 E4:0.5 F4 rest:2 G4:2 C5:0.25 B4:0.25 A4:0.5 E4:3")


def read(data: bytes) -> tuple[wave.Wave_read, np.ndarray]:
    """The WAV's header and its samples as floats in [-1, 1]."""
    wav = wave.open(io.BytesIO(data))
    return wav, np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2") / 32767


def note_bounds(events, tempo, rate=RATE) -> list[tuple[int, int, Event]]:
    """(first sample, end sample, event) of each event, as a listener's clock would place them."""
    spans, at = [], 0.0
    for event in events:
        spans.append((round(at * 60 / tempo * rate), round((at + event.beats) * 60 / tempo * rate), event))
        at += event.beats
    return spans


def test_a_melody_is_a_mono_16_bit_wav_that_the_standard_library_reads():
    wav, samples = read(wav_bytes(TUNE, tempo=90, sample_rate=RATE))
    assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
    assert len(samples) == wav.getnframes() > 0 and np.abs(samples).max() > 0.5


@pytest.mark.parametrize("tempo", [60, 90, 144])
def test_the_length_follows_the_tempo_plus_the_tail_the_last_note_rings_in(tempo):
    beats = sum(e.beats for e in TUNE)  # 12 quarter notes
    assert duration_seconds(TUNE, tempo) == pytest.approx(beats * 60 / tempo)
    wav, _ = read(wav_bytes(TUNE, tempo=tempo))
    assert wav.getnframes() == round(beats * 60 / tempo * RATE) + round(audio.TAIL * RATE)


def test_rests_are_silent_and_notes_are_not():
    x = synthesise(TUNE, tempo=90)
    for first, end, event in note_bounds(TUNE, 90):
        body = np.abs(x[first:end])
        assert (body.max() == 0) == (event.pitch is None), event


def test_the_peak_is_normalised_below_full_scale_so_nothing_clips():
    loud = [Event(p, 1.0) for p in (36, 48, 60, 72, 84, 96)]  # low notes have strong partials that add up
    for events in (TUNE, loud, [Event(60, 0.25)]):
        _, samples = read(wav_bytes(events))
        assert np.abs(samples).max() == pytest.approx(audio.PEAK, abs=1e-4) and np.abs(samples).max() < 1


def test_every_note_starts_and_ends_at_silence_so_none_clicks():
    """A note cut at a non-zero sample is a click: every note's first and last samples are near 0, however short the
    note, although its middle is loud; the step from one sample to the next is never larger there than inside."""
    events = parse_notes("A4 A4 A4:0.25 A4:0.25 C5:0.5 G3 rest:0.5 E5 B4:2")  # repeated notes too: each re-struck
    x = synthesise(events, tempo=120)
    spans = note_bounds(events, 120)
    spans[-1] = (spans[-1][0], len(x), spans[-1][2])  # the last note ends with the tail it rings in
    for first, end, event in spans:
        if event.pitch is None:
            continue
        assert abs(x[first]) < 1e-3 and abs(x[end - 1]) < 0.02, (event, x[first], x[end - 1])
        assert np.abs(x[first:end]).max() > 0.2
    steps = np.abs(np.diff(x))
    edges = [b for first, end, _ in spans for b in (first, end - 1) if 0 < b < len(steps)]
    assert steps[edges].max() < steps.max() / 4


def test_the_last_note_rings_on_into_the_tail_and_a_last_rest_stays_silent():
    end = round(2 * 60 / 90 * RATE)
    ringing = synthesise([Event(60, 2.0)], tempo=90)
    assert np.abs(ringing[end:end + RATE // 10]).max() > 0.1 and abs(ringing[-1]) < 1e-3
    resting = synthesise([Event(60, 1.0), Event(None, 1.0)], tempo=90)
    assert np.abs(resting[end:]).max() == 0


@pytest.mark.parametrize("pitch, hz", [(69, 440.0), (60, 261.63), (76, 659.26)])
def test_the_loudest_frequency_is_the_notes_pitch(pitch, hz):
    x = synthesise([Event(pitch, 4.0)], tempo=60)  # 4 s: 0.25 Hz resolution
    spectrum = np.abs(np.fft.rfft(x))
    assert np.fft.rfftfreq(len(x), 1 / RATE)[spectrum.argmax()] == pytest.approx(hz, abs=0.5)


def test_partials_above_the_nyquist_frequency_are_left_out_rather_than_aliased():
    x = synthesise([Event(120, 4.0)], tempo=60)  # 8,372 Hz: its second partial, 16,744 Hz, is above 11,025
    spectrum, freqs = np.abs(np.fft.rfft(x)), np.fft.rfftfreq(len(x), 1 / RATE)
    alias = spectrum[np.abs(freqs - (RATE - 2 * 8372.02)) < 20].max()  # where it would fold back to, 5,306 Hz
    assert alias < spectrum.max() * 1e-3


def test_the_same_melody_gives_the_same_bytes():
    assert wav_bytes(TUNE) == wav_bytes(list(TUNE))


def test_an_empty_melody_is_a_short_silent_wav_a_player_can_still_show():
    wav, samples = read(wav_bytes([]))
    assert wav.getnframes() == round(audio.TAIL * RATE) and not samples.any()
    assert duration_seconds([]) == 0


def test_a_melody_over_the_bound_is_refused_with_a_message_that_says_so():
    long = [Event(60, 4.0)] * 46  # 184 beats: 122.7 s at 90, 92 s at 120
    with pytest.raises(ValueError, match=r"lasts 123 s at 90 .*at most 120 s"):
        wav_bytes(long, tempo=90)
    assert len(wav_bytes(long, tempo=120)) > 0


@pytest.mark.parametrize("events, tempo, rate, message", [
    ([Event(60, 1.0)], 0, RATE, "tempo 0 is out of range"),
    ([Event(60, 1.0)], 1000, RATE, "tempo 1000 is out of range"),
    ([Event(60, 1.0)], 90, 100, "sample rate 100 is out of range"),
    ([Event(128, 1.0)], 90, RATE, "event 0 has pitch 128"),
    ([Event(60, 1.0), Event(62, 0.0)], 90, RATE, r"event 1 \(D4\) lasts 0.0 beats"),
    ([Event(None, float("nan"))], 90, RATE, r"event 0 \(rest\) lasts nan beats"),
    ([Event(60, 1.0), "D4"], 90, RATE, r"event 1 \('D4'\) is not a note or a rest"),
])
def test_bad_input_is_refused_with_a_message_naming_it(events, tempo, rate, message):
    with pytest.raises(ValueError, match=message):
        wav_bytes(events, tempo=tempo, sample_rate=rate)


def test_long_melodies_are_computed_block_by_block_to_the_same_samples(monkeypatch):
    events = TUNE * 3
    whole = synthesise(events)
    monkeypatch.setattr(audio, "BLOCK", 1000)  # 1,000 samples at a time: block edges fall inside notes
    np.testing.assert_allclose(synthesise(events), whole, atol=1e-6)


def test_the_longest_playable_beginning_fits_the_bound_and_one_more_note_would_not():
    from seqlab.audio import MAX_SECONDS, longest_playable

    melody = [Event(60 + i % 12, 1.5) for i in range(200)]  # 300 beats: 180 s at 100 a minute
    heard = longest_playable(melody)
    assert duration_seconds(heard) <= MAX_SECONDS < duration_seconds(melody[:len(heard) + 1])
    assert wav_bytes(heard) and longest_playable(melody[:10]) == melody[:10]
