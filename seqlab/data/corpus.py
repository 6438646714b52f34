"""Texts for the character model: the built-in docs, a .txt upload, and Tiny Shakespeare (downloaded once, cached)."""

from __future__ import annotations

import collections
import contextlib
import os
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

from seqlab.config import DataConfig
from seqlab.data.task import DataError
from seqlab.data.text import BUILTIN_SOURCE, MIN_CORPUS_CHARS, Corpus, builtin_corpus

MAX_TEXT_BYTES = 2 * 2**20  # an uploaded .txt file; Tiny Shakespeare (1.1 MB) fits, with room to spare
MAX_SYMBOLS = 400  # distinct characters kept (the output layer has one unit each); rarer ones are removed
SHAKESPEARE_URL = "https://raw.githubusercontent.com/karpathy/char-rnn/master/data/tinyshakespeare/input.txt"
SHAKESPEARE_SOURCE = "Tiny Shakespeare (Karpathy's char-rnn; Shakespeare's plays, public domain)"
SHAKESPEARE_FILE = "tinyshakespeare.txt"
MAX_DOWNLOAD_BYTES = 4 * 2**20  # the real file is 1,115,394 bytes; anything far larger is not it
DOWNLOAD_DEADLINE = 10.0  # seconds before the built-in corpus is used instead
RETRY_SECONDS = 60.0  # after a failure, fall back at once for this long instead of waiting again
MAX_WAITING_WORKERS = 2  # hung downloads we tolerate before refusing to start more
URL_ENV, CACHE_ENV = "SEQLAB_SHAKESPEARE_URL", "SEQLAB_CACHE_DIR"

# Shared by every visitor on purpose: a public text's download state, nothing per user.
_workers: list[threading.Thread] = []
_last_failure: list[tuple[float, str]] = []  # at most one (monotonic time, reason)
_lock = threading.Lock()


def load_corpus(cfg: DataConfig, upload: bytes | None = None) -> Corpus:
    """The text `cfg.corpus` names: "python-docs", "shakespeare" (falls back offline) or "upload"."""
    if cfg.corpus == "upload":
        if upload is None:
            raise DataError("choose a .txt file to upload first")
        return corpus_from_upload(upload)
    if cfg.corpus == "shakespeare":
        return shakespeare()
    return Corpus(builtin_corpus(), "Python documentation", BUILTIN_SOURCE)


def corpus_from_upload(data: bytes, name: str = "your text", max_bytes: int = MAX_TEXT_BYTES) -> Corpus:
    """An uploaded .txt file as a corpus: UTF-8, not binary, not empty, at most `max_bytes`."""
    notes: list[str] = []
    text = decode_text(data, max_bytes)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        notes.append("Windows line endings (\\r\\n) were read as plain line breaks")
    text = cap_alphabet(text, MAX_SYMBOLS, notes)
    return Corpus(text, str(name)[:100], f"your file {str(name)[:100]}", tuple(notes))


def decode_text(data, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The file's text, or a DataError saying why it is too big, binary, not UTF-8, empty or too short."""
    if isinstance(data, (bytearray, memoryview)):
        data = bytes(data)
    if not isinstance(data, bytes):
        raise DataError(f"expected the file's bytes, got {type(data).__name__}: pass the uploaded content")
    if len(data) > max_bytes:
        raise DataError(f"the file is {_size(len(data))}, over the {_size(max_bytes)} limit for text: upload a "
                        "shorter excerpt")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise DataError("the file is UTF-16 text, not UTF-8: save it as UTF-8 (Save As > Encoding: UTF-8) and "
                        "upload again")
    if b"\x00" in data:
        raise DataError("this is a binary file (a PDF, Word document, zip or image?), not plain text: save it as "
                        "plain text (.txt, UTF-8) and upload again")
    try:
        text = data.decode("utf-8-sig")  # Notepad's "UTF-8 with BOM" starts with a byte-order mark
    except UnicodeDecodeError as e:
        raise DataError(f"the file is not UTF-8 text (the byte 0x{data[e.start]:02x} at position {e.start} cannot "
                        "be read): save it as UTF-8 (Save As > Encoding: UTF-8) and upload again") from None
    if not text.strip():
        raise DataError("the file is empty: choose a .txt file with some prose in it")
    if len(text.strip()) < MIN_CORPUS_CHARS:
        raise DataError(f"the text has only {len(text.strip())} characters; at least {MIN_CORPUS_CHARS} are "
                        "needed, and a model only gets interesting after tens of thousands: upload a longer text")
    return text


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 2**20:.3g} MB" if n_bytes >= 2**20 / 10 else f"{n_bytes / 1024:.3g} kB"


def cap_alphabet(text: str, max_symbols: int, notes: list[str]) -> str:
    """The text without its rarest characters when it has more than `max_symbols` distinct ones."""
    counts = collections.Counter(text)
    if len(counts) <= max_symbols:
        return text
    keep = {c for c, _ in counts.most_common(max_symbols)}
    removed = sum(n for c, n in counts.items() if c not in keep)
    notes.append(f"{len(counts) - max_symbols} rare characters ({removed / len(text):.1%} of the text) were removed "
                 f"to keep the {max_symbols} most frequent")
    return "".join(c for c in text if c in keep)


def cache_dir() -> Path:
    """Where downloads are kept: $SEQLAB_CACHE_DIR, else the user's cache folder, never the working directory."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "seqlab"


def shakespeare_url() -> str:
    return os.environ.get(URL_ENV) or SHAKESPEARE_URL


def shakespeare(deadline: float = DOWNLOAD_DEADLINE) -> Corpus:
    """Tiny Shakespeare from the disk cache, else downloaded within `deadline` seconds, else the
    built-in corpus with a warning that says why. Never raises for a network problem."""
    cached = _read_cache(cache_dir() / SHAKESPEARE_FILE)
    if cached is not None:
        return Corpus(cached, "Tiny Shakespeare", SHAKESPEARE_SOURCE)
    try:
        text = _fetch_with_deadline(deadline)
    except _FetchFailed as e:
        notice = (f"Could not download Tiny Shakespeare ({e}). "
                  "Offline: training on Python's documentation instead.")
        return Corpus(builtin_corpus(), "Python documentation", BUILTIN_SOURCE, warnings=(notice,))
    return Corpus(text, "Tiny Shakespeare", SHAKESPEARE_SOURCE)


class _FetchFailed(Exception):
    """A reason to fall back, said in words for the notice."""


def _download(url: str, timeout: float) -> bytes:
    """One HTTP GET, at most MAX_DOWNLOAD_BYTES + 1 bytes read; tests replace this function."""
    request = urllib.request.Request(url, headers={"User-Agent": "seqlab"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read(MAX_DOWNLOAD_BYTES + 1)


def _fetch_with_deadline(deadline: float) -> str:
    """Download, check and cache the text in a daemon thread; stop waiting after `deadline` seconds.

    As for stock prices: a daemon thread can be abandoned on a network that drops packets, and dies
    with the process. An abandoned download that finishes later still fills the cache.
    """
    box: dict = {}
    url = shakespeare_url()

    def work():
        try:
            box["text"] = _check_download(_download(url, deadline))
            _write_atomically(cache_dir() / SHAKESPEARE_FILE, box["text"])
        except OSError as e:
            box.setdefault("error", e)  # a read-only cache still lets the downloaded text be used
        except Exception as e:  # any failure becomes the reason in the notice
            box["error"] = e

    with _lock:
        if _last_failure and time.monotonic() - _last_failure[0][0] < RETRY_SECONDS:
            raise _FetchFailed(_last_failure[0][1])
        _workers[:] = [w for w in _workers if w.is_alive()]
        if len(_workers) >= MAX_WAITING_WORKERS:
            raise _FetchFailed("earlier downloads are still waiting for an answer")
        worker = threading.Thread(target=work, name="seqlab-shakespeare", daemon=True)
        _workers.append(worker)
    worker.start()
    worker.join(deadline)
    if "text" in box:
        return box["text"]
    reason = f"no answer within {deadline:g} s" if worker.is_alive() else _reason(box.get("error"))
    with _lock:
        _last_failure[:] = [(time.monotonic(), reason)]
    raise _FetchFailed(reason)


def _check_download(data: bytes) -> str:
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise DataError(f"the answer is over {_size(MAX_DOWNLOAD_BYTES)}, so it is not Tiny Shakespeare")
    try:
        return decode_text(data, MAX_DOWNLOAD_BYTES)
    except DataError as e:
        raise DataError(f"the answer is not usable text ({e})") from None


def _reason(error: Exception | None) -> str:
    """The first line of an error, short enough for a notice."""
    text = str(error or "").split("\n")[0].strip() or type(error).__name__
    return text[:120] + ("…" if len(text) > 120 else "")


def _read_cache(path: Path) -> str | None:
    """The cached text, or None when it is missing or damaged (it is then downloaded again)."""
    try:
        return decode_text(path.read_bytes(), MAX_DOWNLOAD_BYTES)
    except (OSError, DataError):
        return None


def _write_atomically(path: Path, text: str) -> None:
    """Write to a temporary file beside `path`, then rename: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(text.encode("utf-8"))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
