"""The piano roll: one bar per note where the melody puts it, the opening told from the model's notes by more than
colour, out-of-key notes marked, note names on the pitch axis, and a chart that renders in real Vega-Lite."""

import re

import pandas as pd
import pytest
import vl_convert as vlc

from seqlab.charts.music import OUT_OF_KEY, piano_roll, roll_frame
from seqlab.data.notes import parse_notes
from tests.helpers import walk

OPENING = parse_notes("C4 D4 E4 rest F4:2")
WRITTEN = parse_notes("G4 F#4:0.5 E4:0.5 rest:2 C#5 C4:2")


def melody() -> pd.DataFrame:
    return pd.concat([roll_frame(OPENING, "opening"), roll_frame(WRITTEN, "LSTM", start=6.0)], ignore_index=True)


def layer_with(spec: dict, mark: str) -> list[dict]:
    return [v for v in walk(spec) if isinstance(v.get("mark"), dict | str) and mark in str(v["mark"])]


def test_roll_frame_places_each_note_at_its_beat_and_skips_rests_but_not_their_time():
    frame = roll_frame(OPENING, "opening", start=2.0)
    assert frame["name"].tolist() == ["C4", "D4", "E4", "F4"]
    assert frame["start"].tolist() == [2.0, 3.0, 4.0, 6.0] and frame["end"].tolist() == [3.0, 4.0, 5.0, 8.0]
    assert frame["pitch"].tolist() == [60, 62, 64, 65] and set(frame["part"]) == {"opening"}


def test_roll_frame_says_which_notes_are_out_of_the_key():
    frame = roll_frame(WRITTEN, "LSTM")
    assert dict(zip(frame["name"], frame["in_key"], strict=True)) == {
        "G4": True, "F#4": False, "E4": True, "C#5": False, "C4": True}


def test_an_empty_melody_gives_an_empty_frame_with_the_columns_and_an_empty_state_chart():
    frame = roll_frame(parse_notes("rest:2"), "LSTM")
    assert frame.empty and {"start", "beats", "pitch", "name", "part", "in_key"} <= set(frame.columns)
    spec = piano_roll(frame).to_dict()
    assert spec["mark"]["type"] == "text" and "no notes to draw yet" in str(spec)


def test_one_bar_per_note_from_its_start_to_its_end_at_its_pitch():
    spec = piano_roll(melody()).to_dict()
    (bars,) = layer_with(spec, "rect")
    enc = bars["encoding"]
    assert (enc["x"]["field"], enc["x2"]["field"], enc["y"]["field"], enc["y2"]["field"]) == ("start", "end", "low",
                                                                                              "high")
    rows = spec["datasets"][bars.get("data", spec.get("data"))["name"]]
    assert len(rows) == 9 and all(r["low"] < r["pitch"] < r["high"] and r["start"] < r["end"] for r in rows)


def test_the_opening_and_the_models_notes_differ_in_opacity_as_well_as_colour():
    enc = layer_with(piano_roll(melody()).to_dict(), "rect")[0]["encoding"]
    assert enc["color"]["field"] == enc["opacity"]["field"] == "part"
    opacity = dict(zip(enc["opacity"]["scale"]["domain"], enc["opacity"]["scale"]["range"], strict=True))
    colour = dict(zip(enc["color"]["scale"]["domain"], enc["color"]["scale"]["range"], strict=True))
    assert opacity["opening"] < 0.5 < opacity["LSTM"] and colour["opening"] != colour["LSTM"]


def test_a_rule_marks_where_the_model_takes_over_and_only_when_there_is_an_opening():
    spec = piano_roll(melody()).to_dict()
    (rule,) = layer_with(spec, "rule")
    assert spec["datasets"][rule["data"]["name"]][0]["start"] == 6.0  # the first written note
    assert not layer_with(piano_roll(roll_frame(WRITTEN, "LSTM")).to_dict(), "rule")


def test_out_of_key_notes_get_an_outline_and_a_cross_with_a_legend():
    spec = piano_roll(melody()).to_dict()
    bars = layer_with(spec, "rect")[0]["encoding"]
    assert bars["stroke"]["condition"]["test"] == "datum.in_key" and bars["strokeWidth"]["value"] == 2
    (crosses,) = layer_with(spec, "point")
    assert crosses["encoding"]["shape"]["scale"]["domain"] == [OUT_OF_KEY]
    assert "2 out of key" in spec["description"]
    in_key_only = piano_roll(roll_frame(OPENING, "opening")).to_dict()
    assert not layer_with(in_key_only, "point") and "0 out of key" in in_key_only["description"]


def test_the_chart_fits_its_container_and_describes_the_melody():
    spec = piano_roll(melody(), title="LSTM, epoch 3").to_dict()
    assert spec["width"] == "container" and spec["autosize"]["type"] == "fit-x"
    assert spec["description"] == ("Piano roll of 9 notes from C4 to C#5 over 13 beats (4 opening, 5 LSTM), 2 out of "
                                   "key, for opening, LSTM.")
    tips = {t.get("title", t["field"]) for t in layer_with(spec, "rect")[0]["encoding"]["tooltip"]}
    assert {"note", "starts at beat", "length (beats)"} <= tips


def test_the_frame_may_leave_out_names_and_keys():
    spec = piano_roll(melody().drop(columns=["name", "in_key"])).to_dict()
    assert "from C4 to C#5" in spec["description"] and "2 out of key" in spec["description"]


@pytest.mark.parametrize("width", [390, 1400])
def test_the_piano_roll_renders_with_every_note_name_played_on_the_pitch_axis(width):
    svg = vlc.vegalite_to_svg({**piano_roll(melody()).to_dict(), "width": width})
    labels = set(re.findall(r">([A-G][#b]?\d)</text>", svg))
    assert labels == {"C4", "D4", "E4", "F4", "G4", "F#4", "C#5"}


def test_a_wide_melody_thins_its_pitch_labels_to_the_naturals_or_the_cs():
    wide = roll_frame(parse_notes(" ".join(f"{n}{o}" for o in (2, 3, 4, 5) for n in "CDEFGAB") + " C6 C#6"), "GRU")
    svg = vlc.vegalite_to_svg({**piano_roll(wide).to_dict(), "width": 390})
    labels = re.findall(r">([A-G][#b]?\d)</text>", svg)
    assert "C4" in labels and "C#6" not in labels and len(labels) <= 440 // 16
