"""Bad text uploads: a .txt for the Text page and a CSV of labelled texts for the Lab, refused with a clear message."""

import pytest
from hostile import clear, past_the_cap, refused, train, upload, wide

from seqlab.config import DataConfig
from seqlab.data import DataError, make_task
from seqlab.data.corpus import MAX_TEXT_BYTES, corpus_from_upload

PROSE = "".join(f"Line {i}: the cat sat on the mat, and the dog sat on the log.\n" for i in range(300)).encode()

# (name, the .txt file's bytes, phrases: what was wrong, then what to do)
BAD_TEXTS = [
    ("empty", b"", ["empty", "choose a .txt file"]),
    ("only spaces and line breaks", b" \n\n\t \r\n" * 50, ["empty", "choose a .txt file"]),
    ("one character", b"a", ["only 1 character;", "upload a longer text"]),
    ("199 characters", b"x" * 199, ["only 199 characters", "upload a longer text"]),
    ("binary", bytes(range(256)) * 4, ["binary file", "save it as plain text"]),
    ("a PDF", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00" * 30, ["binary file", "save it as plain text"]),
    ("latin-1", "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e. ".encode("latin-1") * 40, ["not UTF-8", "save it as UTF-8"]),
    ("UTF-16", PROSE.decode().encode("utf-16"), ["UTF-16", "save it as UTF-8"]),
    ("huge", b"word " * (MAX_TEXT_BYTES // 5 + 1), ["over the 2 MB limit", "upload a shorter excerpt"]),
]


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_TEXTS], ids=[c[0] for c in BAD_TEXTS])
def test_the_corpus_reader_refuses_with_a_clear_message(data, phrases):
    with pytest.raises(DataError) as caught:
        corpus_from_upload(data)
    clear(str(caught.value), *phrases)


def test_a_text_too_short_for_the_sequence_length_says_what_to_change():
    cfg = DataConfig(task="text", corpus="upload", length=300, n_samples=1000)
    with pytest.raises(DataError) as caught:
        make_task(cfg, b"A short note, long enough to read but not to train on. " * 20)
    clear(str(caught.value), "only", "shorten the sequence length or use a longer text")


def text_upload(page):
    page.radio(key="text_corpus").set_value("upload").run()
    assert any("Upload a .txt file" in i.value for i in page.info) and not page.exception
    return page


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_TEXTS], ids=[c[0] for c in BAD_TEXTS])
def test_the_text_page_shows_the_message_and_takes_a_good_text_after(text_page, data, phrases):
    at = upload(text_upload(text_page), "bad.txt", data, "text/plain")
    refused(at, *phrases)
    at = upload(at, "cats.txt", PROSE, "text/plain")
    assert not at.exception and not at.error and "the cat sat" in at.code[0].value


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_a_text_session_survives_every_bad_text_and_keeps_its_results(text_page):
    at = train(text_page)
    report = at.session_state["text_comparison"].report
    at = text_upload(at)
    for _, data, phrases in BAD_TEXTS:
        refused(upload(at, "bad.txt", data, "text/plain"), *phrases)
        assert at.session_state["text_comparison"].report is report
        assert any("Results" in s.value for s in at.subheader)
    at = train(upload(at, "cats.txt", PROSE, "text/plain"))
    assert at.session_state["text_comparison"].report is not report
    assert set(at.session_state["text_samples"]) == {"GRU"}


def reviews(rows: int = 60) -> bytes:
    good, bad = "a wonderful film, loved it", "a dull film, hated it"
    return "\n".join(["review,sentiment"] + [f'"{good if i % 2 else bad}",{"pos" if i % 2 else "neg"}'
                                             for i in range(rows)]).encode()


BAD_LABELLED = [
    ("empty", b"", ["empty", "choose a CSV file"]),
    ("one character", b"a", ["no rows", "add rows of texts and their labels"]),
    ("header only", b"review,sentiment\n", ["no rows", "add rows of texts and their labels"]),
    ("binary", bytes(range(256)) * 4, ["binary", "export it as CSV"]),
    ("not UTF-8", reviews().decode().replace("wonderful", "merveilleux \u00e9").encode("cp1252"),
     ["not UTF-8", "CSV UTF-8"]),
    ("huge", past_the_cap(b"review,sentiment\n", b'"a long and winding review of a film that goes on",pos\n'),
     ["over the 5 MB limit", "keep fewer rows"]),
    ("numbers only", b"a,b\n" + b"".join(b"%d,%d\n" % (i, i % 2) for i in range(40)),
     ["no text column", "a column of texts"]),
    ("one class", b"review,sentiment\n" + b"".join(b"text number %d,pos\n" % i for i in range(40)),
     ["one class only", "at least two classes"]),
    ("a label per row", b"review,label\n" + b"".join(b"text number %d,%d\n" % (i, i) for i in range(40)),
     ["40 different values", "is it really the column of labels"]),
    ("a 300-character column name", reviews().replace(b"review,", b"r" * 300 + b","),
     ["300 characters long", "shorten it in the header row"]),
    ("too few rows", reviews(6), ["6 rows", "add more rows"]),
    ("60,000 columns behind a quoted line break", wide(60_000, row="a review", rows=5),
     ["60,000 columns, more than the 500 allowed", "keep only the columns you need"]),
]


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_LABELLED], ids=[c[0] for c in BAD_LABELLED])
def test_the_labelled_text_reader_refuses_with_a_clear_message(data, phrases):
    with pytest.raises(DataError) as caught:
        make_task(DataConfig(task="sentiment", length=10), data)
    clear(str(caught.value), *phrases)


@pytest.mark.parametrize("data, phrases", [c[1:] for c in BAD_LABELLED], ids=[c[0] for c in BAD_LABELLED])
def test_the_lab_refuses_a_bad_labelled_csv_then_takes_a_good_one(lab, data, phrases):
    lab.selectbox(key="lab_task").set_value("sentiment").run()
    refused(upload(lab, "bad.csv", data), *phrases)
    at = upload(lab, "reviews.csv", reviews())
    assert not at.exception and not at.error
    assert at.selectbox(key="lab_label_column").value == "sentiment"


def test_a_labelled_text_session_trains_after_bad_files(lab):
    lab.selectbox(key="lab_task").set_value("sentiment").run()
    for _, data, phrases in BAD_LABELLED:
        refused(upload(lab, "bad.csv", data), *phrases)
    at = train(upload(lab, "reviews.csv", reviews()))
    assert "sentiment of review" in at.subheader[-1].value
