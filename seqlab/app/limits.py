"""Limits for a shared deployment, set in one place: environment variables first, then st.secrets, then defaults.

| setting                 | environment variable     | default                  |
| ----------------------- | ------------------------ | ------------------------ |
| trainings at once       | SEQLAB_MAX_CONCURRENT    | the CPUs this process may use (affinity and cgroup quota) |
| seconds per architecture| SEQLAB_MAX_SECONDS       | 300, training and scoring alike |
| runs kept per session   | SEQLAB_MAX_RUNS          | 30 (the Runs page)       |
| torch threads per training | SEQLAB_TORCH_THREADS  | 1                        |
| weights kept per session| SEQLAB_MAX_WEIGHTS_MB    | 64 MB (the Runs page)    |
| memory of the server    | SEQLAB_MEMORY_MB         | the cgroup's memory limit, else the machine's |

The memory budget follows from the last: RESERVE_MB for the server itself, then TRAINING_SHARE of the rest shared
by the trainings that may run at once, and DATA_SHARE of it for one data set (see `budget`).

In `.streamlit/secrets.toml` the same names work in lower case without the prefix (`max_concurrent = 4`).
A local user can raise them; a value that is not a positive number is ignored (the default holds).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from seqlab import resources
from seqlab.config import TrainConfig, bounds
from seqlab.training.runlog import MAX_RUNS, MAX_WEIGHT_BYTES

RESERVE_MB = 500  # the server, torch and a page or two (361 MB measured with one Lab page open)
TRAINING_SHARE = 0.5  # of the rest, shared by the trainings that run at once; the other half holds data and results
DATA_SHARE = 0.125  # of the rest, for one data set (the cache holds a few; see seqlab.app.datasets)


@dataclass(frozen=True)
class Limits:
    max_concurrent: int  # trainings that run at once on this server; the others wait, shown as queued
    max_seconds: float  # wall time of one architecture's training in one comparison
    max_runs: int = MAX_RUNS  # finished runs a session keeps for the Runs page; the oldest go first
    # Intra-op threads of one training. One: the server and the browser share the CPU with training, and two
    # spinning OpenMP threads on a busy 2-core machine made epochs up to 50x slower; one thread stays steady.
    torch_threads: int = 1
    max_weights_mb: float = MAX_WEIGHT_BYTES / 2**20  # weights those runs keep; the oldest runs' weights go first
    memory_mb: float = 2048.0  # what the whole server may use; the budgets below derive from it
    memory_source: str = "the default"  # where memory_mb came from, said in refusals

    def budget(self) -> resources.Budget:
        """What one training and one data set may take here, from the server's memory and trainings at once."""
        rest = max(self.memory_mb - RESERVE_MB, 64) * resources.MB
        return resources.Budget(training_bytes=int(rest * TRAINING_SHARE / self.max_concurrent),
                                comparison_bytes=int(rest * TRAINING_SHARE),
                                data_bytes=int(rest * DATA_SHARE), seconds=self.max_seconds,
                                where=f"this server ({resources.size_text(self.memory_mb * resources.MB)}, "
                                      f"{self.memory_source})")


def _setting(name: str, default: float, lo: float, hi: float) -> float:
    raw = os.environ.get(f"SEQLAB_{name.upper()}")
    if raw is None:
        try:
            raw = st.secrets.get(name)
        except Exception:  # no secrets file: Streamlit raises rather than returning nothing
            raw = None
    try:
        value = float(raw) if raw is not None else default
    except (TypeError, ValueError):
        return default
    return value if lo <= value <= hi else default


def current() -> Limits:
    """The limits in force, read afresh so a changed environment applies to the next run."""
    lo, hi = bounds(TrainConfig, "max_seconds")
    memory, source = resources.process_memory()
    memory_mb = _setting("memory_mb", -1, 256, 2**22)
    return Limits(max_concurrent=int(_setting("max_concurrent", resources.usable_cpus(), 1, 256)),
                  max_seconds=_setting("max_seconds", TrainConfig.max_seconds, lo, hi),
                  max_runs=int(_setting("max_runs", MAX_RUNS, 1, 1000)),
                  torch_threads=int(_setting("torch_threads", 1, 1, 64)),
                  max_weights_mb=_setting("max_weights_mb", MAX_WEIGHT_BYTES / 2**20, 1, 65_536),
                  memory_mb=memory_mb if memory_mb > 0 else memory / resources.MB,
                  memory_source="SEQLAB_MEMORY_MB" if memory_mb > 0 else source)


class TrainingSlots:
    """A counting semaphore that knows how many trainings wait, so a page can say where it stands."""

    def __init__(self, size: int):
        self.size = size
        self._slots = threading.Semaphore(size)
        self._lock = threading.Lock()
        self.waiting = 0
        self.busy = 0  # trainings holding a slot now

    @contextmanager
    def hold(self, on_wait: Callable[[int], None] = lambda ahead: None, poll: float = 0.5) -> Iterator[None]:
        """Run the body in a free slot; while none is free call `on_wait(number waiting)` every `poll` seconds."""
        with self._lock:
            self.waiting += 1
        try:
            while not self._slots.acquire(timeout=poll):
                on_wait(self.waiting)
        finally:
            with self._lock:
                self.waiting -= 1
        with self._lock:
            self.busy += 1
            _trace("start", self.busy, self.waiting)
        try:
            yield
        finally:
            with self._lock:
                self.busy -= 1
                _trace("end", self.busy, self.waiting)
            self._slots.release()


TRACE_ENV = "SEQLAB_SLOT_TRACE"  # a file path: each slot taken or given back is appended to it (the load test)


def _trace(event: str, busy: int, waiting: int) -> None:
    path = os.environ.get(TRACE_ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(f"{time.time():.3f} {event} busy={busy} waiting={waiting}\n")


@st.cache_resource
def slots(size: int) -> TrainingSlots:
    """The server's one set of training slots of this size (shared by every session on purpose)."""
    return TrainingSlots(size)


def wait_message(waiting: int, started: float) -> str:
    at_once = current().max_concurrent
    return (f"Queued: this server trains at most {at_once} comparison{'s' if at_once > 1 else ''} at a time. Yours "
            f"starts as soon as one finishes ({waiting} waiting, yours included; {time.monotonic() - started:.0f} s "
            "so far).")
