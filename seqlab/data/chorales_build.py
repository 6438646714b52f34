"""Builds the shipped chorale file from music21's corpus: each Bach chorale's soprano line, transposed to C major or
A minor, as (MIDI pitch, beats) events. The only module that imports music21 (see requirements-dev.txt).

    python -m seqlab.data.chorales_build [--out PATH] [--limit N]

writes PATH (default seqlab/data/files/chorales.json.gz) and its provenance beside it (chorales.md). The same corpus
and music21 version give the same bytes: sorted keys, a gzip header with no time and no file name.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import re
import sys
import time
from pathlib import Path

FILES = Path(__file__).with_name("files")
OUT = FILES / "chorales.json.gz"
FORMAT = 1  # bump when the layout of the file changes
GRID = 8  # lengths are rounded to 1/GRID of a quarter note (a 32nd note); every length in the corpus lies on it
TONIC = {"major": 0, "minor": 9}  # the key every chorale is moved to: C major or A minor (one set of pitch classes)
COMMAND = "python -m seqlab.data.chorales_build"
# Files of the composer 'bach' that are not read, and why (kept chorales and duplicates are counted separately)
ANALYSIS = "a Roman-numeral analysis (.rntxt), not a score"
HUMDRUM = ("a Humdrum (.krn) encoding of a chorale read from its MusicXML file instead; it is (c) 1994 CCARH, "
           "with rights to derived electronic formats reserved")
NO_SOPRANO = "no part named Soprano: not a chorale"
DUPLICATE = "the same soprano line (after transposition) as "
BUILD_SECONDS = 65  # a full build, measured on one core of the shared 2-core machine it was first built on
PROVENANCE = """\
# Bach chorale melodies: `chorales.json.gz`

The soprano line of {kept} chorales by Johann Sebastian Bach ({events:,} notes and rests), each transposed to C major
({major} chorales) or A minor ({minor}), as (MIDI pitch, length in quarter notes) events. The "chorales" task of
seqlab (`seqlab/data/chorales.py`) reads it; the app does not need music21.

Rebuilt by `{command}` (with music21 {music21}: `pip install -r requirements-dev.txt`); a full build
parses {files} corpus files and takes about {seconds} s on one core. The same corpus and music21 version give the
same bytes (`tests/unit/test_chorales_build.py` checks the first chorales in the plain suite, every byte with
`-m slow`).

## Where it comes from, and licences

- **The music**: J. S. Bach (1685-1750), public domain.
- **The encodings**: the files music21's corpus lists for the composer `bach` (`music21.corpus.getComposer("bach")`,
  `music21/corpus/bach/`). Most of its MusicXML files credit "PDF (c) 2004 Margaret Greentree" (jsbchorales.net),
  a few "used by permission"; none carries a licence of its own. music21's corpus notice (`corpus/license.txt`)
  says the corpus is distributed with the permission of its encoders and that each piece is, to the best of its
  authors' knowledge, out of copyright in the United States or licensed for use, "though there may be restrictions
  on commercial use". This file keeps no encoding, only each melody's pitches and lengths, transposed.
- **music21** (used to build the file, not shipped): BSD 3-Clause ("Copyright (c) 2006-2026 Michael Scott Asato
  Cuthbert", `LICENSE` in its package); its README adds that the licence covers music21's code and documentation
  and that "the encoded musical scores in the corpus have their own copyrights and licenses."

## What was done

- Files read: the MusicXML ones (`.mxl`, `.xml`); the soprano is the first part whose name starts with "Soprano".
- Key: music21's analysis of the whole score (`score.analyze("key")`: Aarden-Essen key profiles over all four
  voices), not the key signature: over the 409 score files with a soprano part, the last soprano note falls in
  the tonic chord of the analysed key in 388, of the signature's key (with the mode the file states) in 361, and
  the analysed tonic is the bass's last note in 349 against 323 (Bach often wrote minor keys with a flat fewer).
  Of the {kept} chorales kept, the key signature's scale, moved by the same transposition, is C major's in {same};
  in {one} it lies one sharp or flat away, in {more} two.
- Transposition: by the nearer way (-6 to +5 semitones) so that the tonic is C (major) or A (minor); no
  transposition augmentation.
- Events: tied notes merged into one; grace notes dropped; rests in a row merged into one; rests before the first
  note and after the last dropped. Lengths are exact quarter lengths rounded to {grid_text} of a quarter note
  ({rounded} lengths moved by the rounding). A rest longer than a bar (the soprano waiting through an
  instrumental interlude, in a few cantata settings) is cut to one bar: {shortened} rests. Repeats are kept as
  written, not expanded; fermatas are ignored.
- Opening (`opening`): the first note's bar if it starts there, else the pickup (an incomplete bar, or the notes
  after rests in a first bar) and the whole bar after it.
- Duplicates: a chorale whose transposed soprano line is identical to an earlier one's (the same tune harmonised
  again, note for note) is dropped. Settings of one tune that differ remain; the task keeps every setting of a tune
  in the same part of its train/validation/test split (`seqlab/data/chorales.py`, `tunes`).

## Counts

{files} files read, {kept} chorales kept.

| not kept because | files | which |
| --- | --- | --- |
{rows}

## Layout

JSON, gzip-compressed: `format`, `music21` (version), `grid` (the rounding step, in quarter notes), `rounded`,
`shortened`, `files`, `dropped` (file, reason) and `chorales`, each with `id` (the corpus file name without suffix, e.g.
`bwv1.6`), `title` (from music21's chorale catalogues; "" where none), `key` (the analysed original key), `mode`,
`semitones` (added to the original pitches), `sharps` (the original key signature, negative for flats), `meter`,
`opening` (events in the first bar) and `events` (`[[midi or null for a rest, beats], ...]`).
"""


class Skip(Exception):
    """A corpus file that gives no chorale, with the reason recorded in the provenance."""


def natural(path: Path) -> tuple:
    """Sort key: bwv2.6 before bwv10.7, whatever the suffix."""
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", path.name))


def corpus_files() -> list[Path]:
    from music21 import corpus

    return sorted(corpus.getComposer("bach"), key=natural)


def titles() -> dict[str, str]:
    """BWV number ("269", "153.1") -> the chorale's title, from the two catalogues music21 carries."""
    from music21.corpus import chorales

    found = {str(bwv): entry["title"] for bwv, entry in chorales.ChoraleList().byBWV.items()}
    found.update({str(bwv): entry["title"] for bwv, entry in chorales.ChoraleListRKBWV().byBWV.items()})
    return found


def title_of(file_id: str, catalogue: dict[str, str]) -> str:
    """"bwv248.23-2" is BWV 248.23 in a second setting: the title of its number, without the variant's suffix."""
    number = file_id.removeprefix("bwv")
    return catalogue.get(number) or catalogue.get(number.split("-")[0], "")


def key_name(k) -> str:
    """ "Bb major", "E minor": music21's key with a flat written as b."""
    return f"{k.tonic.name.replace('-', 'b')} {k.mode}"


def read_chorale(path: Path, catalogue: dict[str, str]) -> tuple[dict, dict[str, int]]:
    """One chorale's entry (its soprano line transposed to C major or A minor) and what the reading changed (see
    `soprano_events`). Skip if the file gives no chorale."""
    from music21 import corpus

    if path.suffix == ".rntxt":
        raise Skip(ANALYSIS)
    if path.suffix == ".krn":
        if not path.with_suffix(".mxl").is_file():
            raise RuntimeError(f"{path.name}: no MusicXML twin, so the reason recorded for skipping it is wrong")
        raise Skip(HUMDRUM)
    score = corpus.parse(path, forceSource=True)  # from the source file: no pickle read from or written to scratch
    soprano = next((p for p in score.parts if (p.partName or "").startswith("Soprano")), None)
    if soprano is None:
        raise Skip(NO_SOPRANO)
    if soprano.recurse().getElementsByClass("Voice") or soprano.recurse().getElementsByClass("Chord"):
        raise Skip("the soprano part holds several voices or chords")
    found = score.analyze("key")  # Aarden-Essen key profiles over all four voices
    semitones = (TONIC[found.mode] - found.tonic.pitchClass + 6) % 12 - 6  # the nearer way: -6 .. +5
    signature = soprano.recurse().getElementsByClass("KeySignature").first()
    meter = soprano.recurse().getElementsByClass("TimeSignature").first()
    bar = float(meter.barDuration.quarterLength) if meter is not None else 4.0
    events, opening, changed = soprano_events(soprano, semitones, bar)
    file_id = path.stem
    return {"id": file_id, "title": title_of(file_id, catalogue), "key": key_name(found), "mode": found.mode,
            "semitones": semitones, "sharps": signature.sharps if signature is not None else 0,
            "meter": meter.ratioString if meter is not None else "", "opening": opening, "events": events}, changed


def soprano_events(part, semitones: int, bar: float) -> tuple[list[list], int, dict[str, int]]:
    """([[midi or None, beats], ...], events in the opening, {"rounded": lengths the rounding moved, "shortened":
    rests cut to a bar}): tied notes as one note, grace notes dropped, a run of rests as one rest and at most `bar`
    beats long (the soprano's silence during an instrumental interlude, up to 49 beats, would be a symbol of its
    own), no rest before the first note or after the last. The opening is the events that start before the end of
    the first complete bar that starts with or after the first note (a pickup, if any, and one whole bar)."""
    flat = part.stripTies().flatten()
    raw, rounded = [], 0
    for element in flat.notesAndRests:
        if element.duration.isGrace:
            continue
        beats = round(float(element.quarterLength) * GRID) / GRID
        rounded += beats != float(element.quarterLength)
        if beats <= 0:
            continue
        pitch = None if element.isRest else element.pitch.midi + semitones
        if pitch is None and raw and raw[-1][1] is None:
            raw[-1][2] += beats  # rests in a row are one silence
        else:
            raw.append([float(element.offset), pitch, beats])
    while raw and raw[0][1] is None:
        raw.pop(0)
    while raw and raw[-1][1] is None:
        raw.pop()
    long_rests = [r for r in raw if r[1] is None and r[2] > bar]
    for rest in long_rests:
        rest[2] = bar
    end = opening_end(part, raw[0][0] if raw else 0.0)
    opening = sum(1 for onset, _, _ in raw if onset < end)
    return [[pitch, beats] for _, pitch, beats in raw], opening, {"rounded": rounded, "shortened": len(long_rests)}


def opening_end(part, first_note: float) -> float:
    """Where the first complete bar that starts with or after the first note ends, in quarter notes from the start:
    a pickup (an incomplete bar, or a bar that begins with rests) is followed by one whole bar."""
    for measure in part.getElementsByClass("Measure"):
        if measure.duration.quarterLength >= measure.barDuration.quarterLength and measure.offset >= first_note:
            return float(measure.offset + measure.duration.quarterLength)
    return float("inf")


def build(limit: int | None = None, log=None) -> dict:
    """The file's content: every chorale kept (the first `limit` corpus files only, if given) and what was not."""
    import music21

    catalogue, kept, dropped, seen, changed = titles(), [], [], {}, {"rounded": 0, "shortened": 0}
    files = corpus_files()[:limit]
    for path in files:
        try:
            entry, edits = read_chorale(path, catalogue)
        except Skip as why:
            dropped.append({"file": path.name, "reason": str(why)})
            continue
        line = json.dumps(entry["events"])
        if line in seen:  # the same tune harmonised again, note for note: one copy is enough
            dropped.append({"file": path.name, "reason": DUPLICATE + seen[line]})
            continue
        seen[line] = entry["id"]
        kept.append(entry)
        changed = {k: changed[k] + edits[k] for k in changed}
        if log:
            print(f"{len(kept):4d} {entry['id']:<16} {entry['key']:<9} {len(entry['events']):4d} events", file=log)
    return {"format": FORMAT, "music21": music21.__version__, "grid": 1 / GRID, **changed,
            "files": len(files), "chorales": kept, "dropped": dropped}


def file_bytes(data: dict) -> bytes:
    """The gzip bytes of `data`: the same data, the same bytes (no time or name in the gzip header)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, compresslevel=9, mtime=0) as out:
        out.write(text)
    return buffer.getvalue()


def notes_path(out: Path) -> Path:
    return out.with_name(out.name.removesuffix(".gz").removesuffix(".json") + ".md")


def _accidentals_apart(chorale: dict) -> int:
    """How many sharps or flats the key signature's scale, moved as the chorale was, lies from C major's: 0 when the
    analysed key and the signature agree up to relative major and minor."""
    fifths = (chorale["semitones"] + 7 * chorale["sharps"]) * 7 % 12  # a semitone shift as steps round the fifths
    return min(fifths, 12 - fifths)


def provenance(data: dict, limit: int | None = None) -> str:
    """The Markdown written beside the file: where it comes from, its licences, what was kept and dropped."""
    chorales, dropped = data["chorales"], data["dropped"]
    events = sum(len(c["events"]) for c in chorales)
    modes = {m: sum(c["mode"] == m for c in chorales) for m in TONIC}
    apart = [_accidentals_apart(c) for c in chorales]
    reasons: dict[str, list[str]] = {}
    for d in dropped:  # a duplicate names the chorale it repeats
        reason, _, twin = d["reason"].partition(DUPLICATE)
        named = d["file"] + (f" (= {twin})" if twin else "")
        reasons.setdefault(reason or DUPLICATE + "a chorale kept", []).append(named)
    rows = "\n".join(f"| {reason} | {len(files)} | {', '.join(files)} |" for reason, files in reasons.items())
    command = COMMAND + (f" --limit {limit}" if limit else "")
    return PROVENANCE.format(**data, command=command, kept=len(chorales), events=events, rows=rows,
                             same=apart.count(0), one=apart.count(1), more=len(apart) - apart.count(0) - apart.count(1),
                             major=modes["major"], minor=modes["minor"], seconds=BUILD_SECONDS, grid_text=f"1/{GRID}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m seqlab.data.chorales_build", description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"where to write the file (default {OUT})")
    parser.add_argument("--limit", type=int, default=None, help="read only the first N corpus files (a quick check)")
    parser.add_argument("--quiet", action="store_true", help="no line per chorale")
    a = parser.parse_args(argv)
    if a.limit is not None and a.limit < 1:
        parser.error(f"--limit must be at least 1, got {a.limit}")
    try:
        import music21  # noqa: F401
    except ImportError:
        print("seqlab: the chorale build needs music21: pip install -r requirements-dev.txt", file=sys.stderr)
        return 2
    start = time.perf_counter()
    data = build(a.limit, log=None if a.quiet else sys.stderr)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    a.out.write_bytes(file_bytes(data))
    notes_path(a.out).write_text(provenance(data, a.limit), encoding="utf-8")
    print(f"wrote {a.out} ({len(data['chorales'])} chorales, {len(data['dropped'])} files not kept) "
          f"in {time.perf_counter() - start:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
