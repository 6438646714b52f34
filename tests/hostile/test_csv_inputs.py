"""Bad CSV files, through the library and the Lab: each ends in a message that says what is wrong and what to do."""

import numpy as np
import pandas as pd
import pytest
from hostile import clear, past_the_cap, refused, train, upload, wide

from seqlab.config import DataConfig
from seqlab.data import DataError, make_task
from seqlab.data.upload import read_csv_series


def rows(values, header: str = "date,value", sep: str = ",") -> bytes:
    """One row a day from 2021-01-01, with the given values (text, written as they are)."""
    days = pd.date_range("2021-01-01", periods=len(values), freq="D").strftime("%Y-%m-%d")
    return "\n".join([header.replace(",", sep), *(f"{d}{sep}{v}" for d, v in zip(days, values, strict=True))]).encode()


def good_csv(n: int = 120) -> bytes:
    return rows([f"{np.sin(i / 5) * 10 + i * 0.1:.3f}" for i in range(n)])


# (name, file's bytes, phrases the message must hold: what was wrong, then what to do)
BAD_FILES = [
    ("empty", b"", ["empty", "choose a CSV file"]),
    ("blank lines only", b"\n \n\t\n", ["empty", "header row"]),
    ("header only", b"date,value\n", ["no rows of data", "add at least"]),
    ("binary", bytes(range(256)) * 8, ["binary", "export it as CSV"]),
    ("zip archive", b"PK\x03\x04\x14\x00\x00\x00\x08\x00" + bytes(200), ["binary", "export it as CSV"]),
    ("latin-1", "date,caf\u00e9\n2021-01-01,1\n".encode("latin-1"), ["not UTF-8", "CSV UTF-8"]),
    ("UTF-16 with a BOM", good_csv().decode().encode("utf-16"), ["UTF-16", "CSV UTF-8"]),
    ("UTF-16 without a BOM", good_csv().decode().encode("utf-16-le"), ["UTF-16", "CSV UTF-8"]),
    ("semicolons and decimal commas", rows([f"{i},5" for i in range(40)], sep=";"),
     ["no numeric column", "'.' as the decimal point"]),
    ("all text", rows([f"word{i}" for i in range(40)]), ["no numeric column", "column of numbers"]),
    ("all NaN", rows(["NaN"] * 40), ["no numeric column", "column of numbers"]),
    ("all empty cells", rows([""] * 40), ["no numeric column", "column of numbers"]),
    ("all inf", rows(["inf"] * 40), ["'value' has no numbers", "numbers that change"]),
    ("constant", rows(["5"] * 40), ["constant", "numbers that change"]),
    ("one date repeated", b"date,value\n" + b"".join(b"2021-01-01,%d\n" % i for i in range(40)),
     ["only 1 usable row", "sharing a date", "one per date"]),
    ("too few rows", rows(["1", "2", "3", "4"]), ["only 4 usable rows", "add more rows"]),
    ("values that overflow", rows(["1e308", "-1e308"] * 20), ["too large", "divide the column"]),
    ("an unclosed quote", good_csv()[:39] + b'"' + good_csv()[39:], ["never closed", "close the quote"]),
    ("ragged rows", b"date,value\n" + b"2021-01-01,1\n" * 5 + b"a\nb,c,d,e,f,g\n" * 20,
     ["different number of fields", "same separator"]),
    ("repeated column names", b"a,a\n" + b"1,2\n" * 40, ["'a' appear more than once", "its own name"]),
    ("a 300-character column name", rows([str(i % 7) for i in range(40)], header="date," + "x" * 300),
     ["300 characters long", "shorten it in the header row"]),
    ("over the size cap", past_the_cap(b"date,value\n", b"2021-01-01,1.5\n"),
     ["over the 5 MB limit", "keep fewer rows"]),
    ("a pickle", b"\x80\x04\x95" + bytes(60) + b"cos\nsystem\n", ["binary", "export it as CSV"]),
    ("501 columns", b",".join(b"c%d" % i for i in range(501)) + b"\n" + (b",".join([b"1"] * 501) + b"\n") * 20,
     ["501 columns, more than the 500 allowed", "keep only the columns you need"]),
    ("60,000 columns behind a quoted line break", wide(60_000),
     ["60,000 columns, more than the 500 allowed", "keep only the columns you need"]),
]


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_the_reader_refuses_with_a_clear_message(data, phrases):
    with pytest.raises(DataError) as caught:
        make_task(DataConfig(task="csv", length=5), data)
    clear(str(caught.value), *phrases)


# (name, file's bytes, phrases) of files the reader accepts but that cannot make a task at this window
TOO_SHORT = [
    ("shorter than the window", good_csv(40), DataConfig(task="csv", length=50),
     ["too few for a window of 50", "lower the window length to at most"]),
    ("barely above the row minimum", good_csv(12), DataConfig(task="csv", length=2),
     ["too few for a window of 2", "use a longer series"]),
    ("training part varies by 1e-300", rows(["1e-300", "-1e-300"] * 30), DataConfig(task="csv", length=5),
     ["vary by only", "multiply the column"]),
]


@pytest.mark.parametrize("data, cfg, phrases", [c[1:] for c in TOO_SHORT], ids=[c[0] for c in TOO_SHORT])
def test_a_readable_file_that_cannot_be_windowed_says_why(data, cfg, phrases):
    read_csv_series(data)  # the file itself is fine
    with pytest.raises(DataError) as caught:
        make_task(cfg, data)
    clear(str(caught.value), *phrases)


def test_duplicated_and_unsorted_dates_are_repaired_and_said():
    days = pd.date_range("2021-01-01", periods=60, freq="D").strftime("%Y-%m-%d").tolist()
    shuffled = [days[i] for i in np.random.default_rng(0).permutation(60)]
    lines = [f"{d},{int(d[-2:]) * 1.5}" for d in shuffled] + [f"{shuffled[0]},0", f"{shuffled[1]},0"]
    data = read_csv_series(("date,value\n" + "\n".join(lines)).encode())
    assert data.frame["date"].is_monotonic_increasing and data.frame["date"].is_unique and len(data.frame) == 60
    assert any("2 repeated 'date' values" in n and "averaged" in n for n in data.notes)


def test_infinite_values_among_numbers_are_filled_and_said():
    data = read_csv_series(rows([("inf" if i % 5 == 0 else f"{i}.5") for i in range(40)]))
    assert np.isfinite(data.frame["value"]).all()
    assert any("8 infinite values" in n for n in data.notes)


def test_column_names_holding_html_and_markdown_are_offered_as_plain_names(lab):
    names = ["<img src=x onerror=alert(1)>", "[click](javascript:alert(1))"]
    values = [f"{np.sin(i / 3):.3f},{i % 5}" for i in range(60)]
    at = upload(lab_on_csv(lab), "tricky.csv", rows(values, header=f"date,{names[0]},{names[1]}"))
    assert not at.exception and not at.error
    assert at.selectbox(key="lab_column_csv").options == names
    train(at)


def lab_on_csv(lab):
    lab.selectbox(key="lab_task").set_value("csv").run()
    assert any("Upload a CSV" in i.value for i in lab.info) and not lab.exception
    return lab


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_the_lab_shows_the_message_and_takes_a_good_file_after(lab, data, phrases):
    at = upload(lab_on_csv(lab), "bad.csv", data)
    refused(at, *phrases)
    at = upload(at, "good.csv", good_csv())
    assert not at.exception and not at.error
    assert at.selectbox(key="lab_column_csv").value == "value" and len(at.get("vega_lite_chart")) == 1


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_a_session_survives_every_bad_file_and_keeps_its_results(lab):
    at = train(lab)
    report = at.session_state["lab_comparison"].report
    at = lab_on_csv(at)
    too_short = good_csv(15), ["too few for a window of 10", "lower the window length to at most 3"]
    for data, phrases in [c[1:] for c in BAD_FILES] + [too_short]:
        refused(upload(at, "bad.csv", data), *phrases)
        assert at.session_state["lab_comparison"].report is report  # what was computed is still there
        assert any("Results" in s.value for s in at.subheader)  # ...and still shown
    at = upload(at, "good.csv", good_csv())
    at = train(at)
    assert at.session_state["lab_comparison"].report is not report
    assert "value" in at.subheader[-1].value
