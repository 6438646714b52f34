"""Texts for the character model: the built-in docs, a .txt upload, and Tiny Shakespeare (downloaded once, cached)."""

from __future__ import annotations

import collections
import contextlib
import os
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from seqlab.config import DataConfig
from seqlab.data.deadline import DeadlineRunner, FetchFailed
from seqlab.data.task import DataError
from seqlab.data.text import BUILTIN_SOURCE, MIN_CORPUS_CHARS, Corpus, builtin_corpus
from seqlab.data.upload import UploadKind, decode_upload, file_size

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
_runner = DeadlineRunner("seqlab-shakespeare", MAX_WAITING_WORKERS)
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


TEXT_FILE = UploadKind("text", "save it as UTF-8 (Save As > Encoding: UTF-8) and upload again",
                       "this is a binary file (a PDF, Word document, zip or image?), not plain text: save it as "
                       "plain text (.txt, UTF-8) and upload again", "upload a shorter excerpt")


def decode_text(data, max_bytes: int = MAX_TEXT_BYTES) -> str:
    """The file's text, or a DataError saying why it is too big, binary, not UTF-8, empty or too short."""
    text = decode_upload(data, max_bytes, TEXT_FILE)
    if not text.strip():
        raise DataError("the file is empty: choose a .txt file with some prose in it")
    if len(text.strip()) < MIN_CORPUS_CHARS:
        n = len(text.strip())
        raise DataError(f"the text has only {n} character{'s' * (n != 1)}; at least {MIN_CORPUS_CHARS} are "
                        "needed, and a model only gets interesting after tens of thousands: upload a longer text")
    return text


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
    except FetchFailed as e:
        notice = (f"Could not download Tiny Shakespeare ({e}). "
                  "Offline: training on Python's documentation instead.")
        return Corpus(builtin_corpus(), "Python documentation", BUILTIN_SOURCE, warnings=(notice,))
    return Corpus(text, "Tiny Shakespeare", SHAKESPEARE_SOURCE)


def _download(url: str, timeout: float) -> bytes:
    """One HTTP GET, at most MAX_DOWNLOAD_BYTES + 1 bytes read; tests replace this function."""
    request = urllib.request.Request(url, headers={"User-Agent": "seqlab"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.read(MAX_DOWNLOAD_BYTES + 1)


def _fetch_with_deadline(deadline: float) -> str:
    """Download, check and cache the text within `deadline` seconds (see seqlab.data.deadline); after a
    failure, fail at once for RETRY_SECONDS. An abandoned download that finishes later still fills the cache."""
    url = shakespeare_url()

    def fetch_and_cache() -> str:
        try:
            data = _download(url, deadline)
        except (TimeoutError, urllib.error.URLError) as e:  # the socket's timeout can beat the runner's by a hair
            if isinstance(e, TimeoutError) or isinstance(getattr(e, "reason", None), TimeoutError):
                raise FetchFailed(f"no answer within {deadline:g} s") from None  # the runner's own words
            raise
        text = _check_download(data)
        with contextlib.suppress(OSError):  # a read-only cache still lets the downloaded text be used
            _write_atomically(cache_dir() / SHAKESPEARE_FILE, text)
        return text

    with _lock:
        if _last_failure and time.monotonic() - _last_failure[0][0] < RETRY_SECONDS:
            raise FetchFailed(_last_failure[0][1])
    try:
        return _runner.run(fetch_and_cache, deadline)
    except FetchFailed as e:
        with _lock:
            _last_failure[:] = [(time.monotonic(), str(e))]
        raise


def _check_download(data: bytes) -> str:
    if len(data) > MAX_DOWNLOAD_BYTES:
        raise DataError(f"the answer is over {file_size(MAX_DOWNLOAD_BYTES)}, so it is not Tiny Shakespeare")
    try:
        return decode_text(data, MAX_DOWNLOAD_BYTES)
    except DataError as e:
        raise DataError(f"the answer is not usable text ({e})") from None


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
