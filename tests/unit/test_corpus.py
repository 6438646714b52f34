"""Corpora: .txt uploads and their errors, Tiny Shakespeare's cache, deadline and offline fallback."""

import socket
import threading
import time

import pytest

from seqlab.config import DataConfig
from seqlab.data import DataError, make_task
from seqlab.data import corpus as corpora
from seqlab.data.corpus import corpus_from_upload, decode_text, shakespeare
from seqlab.data.deadline import DeadlineRunner
from seqlab.data.text import builtin_corpus

PROSE = ("It was the best of times, it was the worst of times, it was the age of wisdom, "
         "it was the age of foolishness. ") * 40
SHAKESPEARE = "First Citizen:\nBefore we proceed any further, hear me speak.\n\nAll:\nSpeak, speak.\n" * 30


@pytest.fixture(autouse=True)
def fresh_state(monkeypatch, tmp_path):
    """A private cache folder, the real URL, no remembered failure and no waiting workers."""
    monkeypatch.setenv(corpora.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.delenv(corpora.URL_ENV, raising=False)
    monkeypatch.setattr(corpora, "_runner", DeadlineRunner("seqlab-shakespeare", corpora.MAX_WAITING_WORKERS))
    monkeypatch.setattr(corpora, "_last_failure", [])


def serve(monkeypatch, fn) -> list:
    """Replace the network call; return the list of URLs asked for."""
    calls = []

    def fake(url, timeout):
        calls.append(url)
        return fn()

    monkeypatch.setattr(corpora, "_download", fake)
    return calls


def offline():
    raise OSError("[Errno -3] Temporary failure in name resolution")


# --- .txt uploads -----------------------------------------------------------------------------

def test_a_utf8_upload_becomes_the_text_task():
    task = make_task(DataConfig(task="text", corpus="upload", length=20), upload=PROSE.encode())
    assert task.kind == "next-token" and set(task.vocab) == set(PROSE)
    assert task.source.startswith("your file") and task.warnings == ()


def test_the_text_task_without_an_upload_asks_for_one():
    with pytest.raises(DataError, match="upload"):
        make_task(DataConfig(task="text", corpus="upload"))


def test_byte_order_mark_and_windows_line_ends_are_handled():
    text = corpus_from_upload(b"\xef\xbb\xbf" + PROSE.replace(". ", ".\r\n").encode())
    assert not text.text.startswith("\ufeff") and "\r" not in text.text
    assert any("line endings" in n for n in text.notes)


@pytest.mark.parametrize("data, phrases", [
    (PROSE.encode("latin-1") + "café".encode("latin-1"), ["not UTF-8 text", "save it as UTF-8"]),
    (PROSE.encode("utf-16"), ["UTF-16", "save it as UTF-8"]),
    (b"%PDF-1.7\n\x00\x01\x02 binary" * 50, ["binary", ".txt"]),
    (b"", ["empty"]),
    (b" \n\t\n  ", ["empty"]),
    (b"Too short to learn from.", ["only 24 characters", "at least 200"]),
])
def test_bad_uploads_get_a_message_that_says_what_to_do(data, phrases):
    with pytest.raises(DataError) as error:
        decode_text(data)
    for phrase in phrases:
        assert phrase in str(error.value)


def test_an_upload_over_the_size_cap_is_refused():
    with pytest.raises(DataError, match=r"the file is 8\.59 kB, over the 2 kB limit for text"):
        decode_text(PROSE.encode() * 2, max_bytes=2048)


def test_the_size_cap_is_documented_and_fits_tiny_shakespeare():
    assert corpora.MAX_TEXT_BYTES >= 1_115_394


def test_an_alphabet_over_the_cap_keeps_the_most_frequent_characters(monkeypatch):
    monkeypatch.setattr(corpora, "MAX_SYMBOLS", 20)
    text = corpus_from_upload((PROSE + "ζβγ").encode())
    assert len(set(text.text)) == 20 and "ζ" not in text.text
    assert any("rare characters" in n for n in text.notes)


# --- Tiny Shakespeare -------------------------------------------------------------------------

def test_a_download_is_cached_atomically_and_not_repeated(monkeypatch, tmp_path):
    calls = serve(monkeypatch, lambda: SHAKESPEARE.encode())
    first = shakespeare()
    second = make_task(DataConfig(task="text", corpus="shakespeare", length=20, n_samples=100))
    assert first.text == SHAKESPEARE and first.title == "Tiny Shakespeare" and first.warnings == ()
    assert second.title == "Tiny Shakespeare (characters)" and len(calls) == 1
    assert calls == [corpora.SHAKESPEARE_URL]
    files = sorted(p.name for p in (tmp_path / "cache").iterdir())
    assert files == [corpora.SHAKESPEARE_FILE]  # no half-written temporary file left behind


def test_a_cached_copy_is_used_with_no_network(monkeypatch, tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / corpora.SHAKESPEARE_FILE).write_text(SHAKESPEARE, encoding="utf-8")
    calls = serve(monkeypatch, offline)
    assert shakespeare().text == SHAKESPEARE and calls == []


def test_a_damaged_cache_is_downloaded_again(monkeypatch, tmp_path):
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / corpora.SHAKESPEARE_FILE).write_bytes(b"\xff\xfe\x00garbage")
    calls = serve(monkeypatch, lambda: SHAKESPEARE.encode())
    assert shakespeare().text == SHAKESPEARE and len(calls) == 1


@pytest.mark.parametrize("download, reason", [
    (offline, "name resolution"),
    (lambda: b"<html>\x00</html>", "not usable text"),
    (lambda: b"x" * (corpora.MAX_DOWNLOAD_BYTES + 1), "not Tiny Shakespeare"),
])
def test_a_failed_download_falls_back_to_the_builtin_corpus_with_a_warning(monkeypatch, download, reason):
    serve(monkeypatch, download)
    task = make_task(DataConfig(task="text", corpus="shakespeare", length=20, n_samples=100))
    assert task.title == "Python documentation (characters)"
    (warning,) = task.warnings
    assert warning.startswith("Could not download Tiny Shakespeare") and reason in warning
    assert "Python's documentation instead" in warning


def test_after_a_failure_the_next_request_falls_back_at_once(monkeypatch):
    calls = serve(monkeypatch, offline)
    shakespeare()
    again = shakespeare()
    assert len(calls) == 1 and "name resolution" in again.warnings[0]


def test_the_url_can_be_pointed_elsewhere(monkeypatch):
    monkeypatch.setenv(corpora.URL_ENV, "http://127.0.0.1:9/input.txt")
    calls = serve(monkeypatch, lambda: SHAKESPEARE.encode())
    shakespeare()
    assert calls == ["http://127.0.0.1:9/input.txt"]


@pytest.fixture
def silent_server():
    """A local server that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.1)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}/input.txt"
    stop.set()
    thread.join(2)
    for conn in held:
        conn.close()
    server.close()


def test_a_server_that_never_answers_is_abandoned_at_the_deadline(monkeypatch, silent_server):
    monkeypatch.setenv(corpora.URL_ENV, silent_server)
    started = time.monotonic()
    text = shakespeare(deadline=0.5)
    assert time.monotonic() - started < 2
    assert text.text == builtin_corpus() and "no answer within 0.5 s" in text.warnings[0]


def test_too_many_hung_downloads_fall_back_without_starting_another(monkeypatch):
    release = threading.Event()
    calls = serve(monkeypatch, release.wait)
    try:
        for _ in range(corpora.MAX_WAITING_WORKERS):
            monkeypatch.setattr(corpora, "_last_failure", [])  # pretend the retry pause is over
            shakespeare(deadline=0.05)
        monkeypatch.setattr(corpora, "_last_failure", [])
        text = shakespeare(deadline=5)
    finally:
        release.set()
    assert "still waiting" in text.warnings[0] and len(calls) == corpora.MAX_WAITING_WORKERS


def test_the_cache_lives_in_the_user_cache_folder_not_the_working_directory(monkeypatch, tmp_path):
    monkeypatch.delenv(corpora.CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert corpora.cache_dir() == tmp_path / "xdg" / "seqlab"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert corpora.cache_dir().parts[-2:] == (".cache", "seqlab") and corpora.cache_dir().is_absolute()


def test_real_download_attempt_ends_within_the_deadline():
    started = time.monotonic()
    text = shakespeare(deadline=3)
    assert time.monotonic() - started < 5
    assert text.title == "Tiny Shakespeare" or text.warnings[0].startswith("Could not download")


def test_the_command_line_reads_a_text_file_for_the_upload_corpus(tmp_path, capsys):
    from seqlab.cli import main

    path = tmp_path / "prose.txt"
    path.write_text(PROSE, encoding="utf-8")
    code = main(["compare", "--task", "text", "--corpus", "upload", "--text", str(path), "--length", "20",
                 "--samples", "64", "--archs", "lstm", "--epochs", "1", "--hidden", "4", "--quiet"])
    assert code == 0 and "LSTM" in capsys.readouterr().out
    assert main(["compare", "--task", "text", "--corpus", "upload"]) == 2
    assert "--text PATH" in capsys.readouterr().err
