"""The build script reproduces the shipped chorale file: the first chorales in the plain suite, every byte with -m slow.
Needs music21 (requirements-dev.txt); skipped where it is not installed."""

import gzip
import json

import pytest

pytest.importorskip("music21", reason="the chorale build needs music21 (pip install -r requirements-dev.txt)")

from seqlab.data import chorales_build  # noqa: E402
from seqlab.data.chorales_build import HUMDRUM, OUT, Skip, file_bytes, main, notes_path, read_chorale  # noqa: E402


def shipped() -> dict:
    return json.loads(gzip.decompress(OUT.read_bytes()))


def rebuilt(tmp_path, *options) -> tuple[dict, bytes, str]:
    out = tmp_path / "chorales.json.gz"
    assert main(["--out", str(out), "--quiet", *options]) == 0
    return json.loads(gzip.decompress(out.read_bytes())), gzip.decompress(out.read_bytes()), \
        notes_path(out).read_text(encoding="utf-8")


def test_the_first_chorales_rebuild_exactly_as_shipped(tmp_path):
    data, _, notes = rebuilt(tmp_path, "--limit", "6")
    ship = {c["id"]: c for c in shipped()["chorales"]}
    assert len(data["chorales"]) == 6 and data["files"] == 6
    for chorale in data["chorales"]:
        assert chorale == ship[chorale["id"]]  # every field: key, transposition, opening, each event
    assert "python -m seqlab.data.chorales_build --limit 6" in notes and "6 chorales kept" in notes


def test_files_that_are_no_chorale_are_skipped_with_their_reason():
    paths = {p.name: p for p in chorales_build.corpus_files()}
    with pytest.raises(Skip, match="Roman-numeral analysis"):
        read_chorale(paths["riemenschneider001.rntxt"], {})
    with pytest.raises(Skip) as humdrum:
        read_chorale(paths["bwv277.krn"], {})
    assert str(humdrum.value) == HUMDRUM
    with pytest.raises(Skip, match="no part named Soprano"):
        read_chorale(paths["bwv846.mxl"], {})  # a keyboard prelude, not a chorale


def test_the_shipped_file_records_every_corpus_file_once():
    data = shipped()
    names = [p.name for p in chorales_build.corpus_files()]
    kept = [c["id"] for c in data["chorales"]]
    assert data["files"] == len(names) == len(kept) + len(data["dropped"])
    assert sorted(kept + [d["file"].rsplit(".", 1)[0] for d in data["dropped"]]) == \
        sorted(n.rsplit(".", 1)[0] for n in names)


def test_the_same_data_give_the_same_bytes_with_no_time_in_the_header():
    data = {"b": [1, 2.5, None], "a": "Ach Gott, vom Himmel sieh’ darein"}
    first = file_bytes(data)
    assert first == file_bytes(dict(reversed(data.items())))  # key order does not matter
    assert first[4:8] == b"\0\0\0\0" and json.loads(gzip.decompress(first)) == data


@pytest.mark.slow
def test_a_full_build_reproduces_the_shipped_file_and_its_notes(tmp_path):
    """The JSON text byte for byte (the gzip layer's bytes depend on the zlib build too), and the provenance."""
    _, text, notes = rebuilt(tmp_path)
    assert text == gzip.decompress(OUT.read_bytes())
    assert notes == notes_path(OUT).read_text(encoding="utf-8")
