"""Seconds to synthesise a melody as a WAV (seqlab.audio.wav_bytes) against the floor: bare sines, as many samples.

The melody: quarter notes walking up and down two octaves at 90 beats a minute, as many as fill `--seconds` of audio
(15 notes for the issue's 10 s), at 22,050 Hz. The reference, timed side by side in the same process: the same notes
as one `np.sin` each over the same sample count, no partials, no envelope, no WAV: what any synthesis of these
samples must at least cost. Each is timed `--repeats` times in alternation after a warm-up; medians are the figures.
The issue's target: 10 s of audio in at most 0.2 s.

    .venv/bin/python benchmarks/bench_audio.py [--quick] [--seconds S] [--repeats N] [--rate HZ] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout without installing

from seqlab.audio import TAIL, duration_seconds, frequency, wav_bytes  # noqa: E402
from seqlab.data.notes import Event  # noqa: E402

TARGET = 0.2  # seconds to synthesise 10 s of audio (issue 19)
TEMPO = 90
SCALE = (60, 62, 64, 65, 67, 69, 71, 72, 74, 76, 77, 79, 81, 83, 84)  # C4 .. C6, up then down


def melody(seconds: float) -> list[Event]:
    """Quarter notes at TEMPO filling `seconds` (the WAV adds TAIL)."""
    count = max(1, round(seconds * TEMPO / 60))
    walk = SCALE + SCALE[-2:0:-1]
    return [Event(walk[i % len(walk)], 1.0) for i in range(count)]


def bare_sines(events: list[Event], rate: int) -> np.ndarray:
    """The floor: each note one sine over its samples (the WAV's count, tail included), nothing else."""
    bounds = np.round(np.cumsum([0.0] + [e.beats for e in events]) * 60 / TEMPO * rate).astype(np.int64)
    bounds[-1] += round(TAIL * rate)
    which = np.repeat(np.arange(len(events)), np.diff(bounds))
    f0 = np.array([frequency(e.pitch) for e in events])
    t = (np.arange(bounds[-1]) - bounds[:-1][which]) / rate
    return np.sin(2 * np.pi * f0[which] * t)


def measure(seconds: float, rate: int, repeats: int) -> dict:
    events = melody(seconds)
    synth, floor = [], []
    wav, sines = wav_bytes(events, TEMPO, rate), bare_sines(events, rate)  # warm-up
    for _ in range(repeats):
        start = time.perf_counter()
        wav = wav_bytes(events, TEMPO, rate)
        synth.append(time.perf_counter() - start)
        start = time.perf_counter()
        sines = bare_sines(events, rate)
        floor.append(time.perf_counter() - start)
    audio = duration_seconds(events, TEMPO) + TAIL
    assert len(wav) == 44 + 2 * len(sines)  # the same sample count (a WAV header is 44 bytes)
    synth_s, floor_s = statistics.median(synth), statistics.median(floor)
    per_10s = synth_s * 10 / audio
    return {"notes": len(events), "rate": rate, "audio_seconds": audio, "samples": len(sines), "repeats": repeats,
            "synth_seconds": synth_s, "floor_seconds": floor_s, "synth_over_floor": synth_s / floor_s,
            "synth_over_audio": synth_s / audio, "seconds_per_10s_audio": per_10s, "ok": per_10s <= TARGET}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2 s of audio, 2 repeats: a smoke run")
    parser.add_argument("--seconds", type=float, default=None, help="seconds of melody (default 10; 2 quick)")
    parser.add_argument("--repeats", type=int, default=None, help="timed calls of each (default 9; 2 quick)")
    parser.add_argument("--rate", type=int, default=22_050, help="samples a second (default 22,050)")
    parser.add_argument("--json", type=Path, help="also write the row to this file")
    args = parser.parse_args(argv)
    seconds = args.seconds or (2.0 if args.quick else 10.0)
    repeats = args.repeats or (2 if args.quick else 9)
    row = measure(seconds, args.rate, repeats)
    print(f"numpy {np.__version__}, {row['notes']} notes, {row['audio_seconds']:.2f} s of audio "
          f"({row['samples']:,} samples at {row['rate']:,} Hz, tail included), median of {repeats}")
    print(f"{'wav_bytes':<28}{row['synth_seconds'] * 1000:>9.1f} ms")
    print(f"{'bare sines (the floor)':<28}{row['floor_seconds'] * 1000:>9.1f} ms")
    print(f"synthesis / floor {row['synth_over_floor']:.2f}; synthesis / audio duration {row['synth_over_audio']:.4f}; "
          f"per 10 s of audio {row['seconds_per_10s_audio']:.3f} s (target: ≤ {TARGET} s "
          f"{'✓' if row['ok'] else '✗'})")
    if args.json:
        args.json.write_text(json.dumps(row, indent=2))
    return row


if __name__ == "__main__":
    main()
