"""Blocking network calls with a hard deadline: each in a daemon thread that is abandoned when it is late."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable


class FetchFailed(Exception):
    """A reason to fall back to offline data, said in words for the notice."""


class DeadlineRunner:
    """Runs a call in a daemon thread and stops waiting for it after a deadline.

    Clients such as yfinance can hang for minutes on a network that drops packets, whatever their own
    timeout says. A daemon thread can be abandoned (an executor's shutdown would wait for it) and dies
    with the process. At most `max_waiting` abandoned calls may still run; past that, calls fail at once.
    """

    def __init__(self, name: str, max_waiting: int):
        self.name, self.max_waiting = name, max_waiting
        self._workers: list[threading.Thread] = []
        self._lock = threading.Lock()

    def run(self, call: Callable[[], object], deadline: float):
        """`call()`'s result, or FetchFailed with the reason: its error, the deadline, or too many waiting."""
        box: dict = {}

        def work():
            try:
                box["value"] = call()
            except Exception as e:  # any failure, ours or the client's, becomes the reason in the notice
                box["error"] = e

        with self._lock:
            self._workers[:] = [w for w in self._workers if w.is_alive()]
            if len(self._workers) >= self.max_waiting:
                raise FetchFailed("too many earlier requests are still waiting for an answer")
            worker = threading.Thread(target=work, name=self.name, daemon=True)
            self._workers.append(worker)
        worker.start()
        worker.join(deadline)
        if "value" in box:
            return box["value"]
        if worker.is_alive():
            raise FetchFailed(f"no answer within {deadline:g} s")
        raise FetchFailed(short_reason(box.get("error")))


def short_reason(error: Exception | None) -> str:
    """The first line of an error, short enough for a notice, without curl's "Failed to perform" preamble."""
    text = str(error or "").split("\n")[0].split(". See ")[0].strip() or type(error).__name__
    text = re.sub(r"^Failed to perform, curl: \(\d+\) ", "", text)  # curl_cffi's wording, under yfinance
    return text[:120] + ("…" if len(text) > 120 else "")
