"""A comparison's runs (architectures × seeds) trained side by side in worker threads, read by one consumer.

torch releases the GIL inside its kernels, so plain threads train several small models at once: three runs
(RNN, LSTM, GRU) side by side on 2 cores took about half the time of one after another
(benchmarks/bench_parallel.py). Each run owns its generators (weights, shuffling, dropout; see
seqlab.training.loop.TrainingRun), so a run gives the same numbers, digit for digit, alone or beside others, whichever
thread trains which of its epochs.

The consumer's iteration drives the workers, as it drives `seqlab.training.loop.Interleaved`, whose drop-in this is:
a worker trains a run's next epoch only while someone iterates and only `ahead` epochs beyond the records the
consumer has taken. A page that is left stops iterating: each worker finishes the epoch it is in and goes;
iterating again brings workers back. Only the consumer draws; workers touch nothing but their runs.
"""

from __future__ import annotations

import contextlib
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence

import torch

from seqlab.config import RunConfig
from seqlab.data.task import Task
from seqlab.resources import usable_cpus
from seqlab.training.callbacks import Callback
from seqlab.training.loop import TrainingRun, training_runs

POLL = 0.5  # seconds between the consumer's looks at a queue for the server's training slots


class _Withdrawn(Exception):
    """A worker stopped waiting for a server slot: Stop was pressed, or nobody iterates any more."""


class Parallel:
    """Several runs on one task, each epoch trained in a worker thread, at most `workers` at once.

    `slots`, if given, is anything with a `hold(on_wait)` context manager (seqlab.app.limits.TrainingSlots):
    a worker holds one while it trains an epoch, so a server's limit counts threads that train. While workers
    wait for one and no record comes, the consumer's iteration calls `on_wait(waiting)`, in its own thread.
    `threads` is torch's intra-op threads per worker (set in each worker thread; the caller's stays as it was).
    `together` (a comparison) has a free worker take the run furthest behind, so curves grow together; without
    it (a sweep) a worker takes the first unfinished run that no one trains, so runs end one by one, in order.
    An exception in a worker is raised again in the consumer when it reaches that run's turn.
    `callbacks` (seqlab.training.callbacks) go to every run built here from a config; each run calls them from
    the thread that trains it.
    """

    def __init__(self, runs: Sequence[RunConfig] | Sequence[TrainingRun], task: Task | None = None,
                 workers: int | None = None, slots=None, threads: int = 1, ahead: int = 1, together: bool = True,
                 callbacks: Sequence[Callback] = ()):
        if runs and not any(isinstance(r, RunConfig) for r in runs):  # built already: TrainingRun, SweepRun
            self.runs = list(runs)
        else:
            self.runs = training_runs(runs, task, callbacks)
        self.workers, self.slots, self.threads, self.ahead = workers or usable_cpus(), slots, threads, ahead
        self.together = together
        self.on_wait: Callable[[int], None] | None = None
        self.queued = 0  # workers of this comparison waiting for a slot
        self.waiting = 0  # trainings waiting for a slot on the whole server, as the slots last said
        self._cv = threading.Condition()
        self._records: deque[tuple[int, dict | BaseException]] = deque()  # finished, not yet taken
        self._untaken = [0] * len(self.runs)  # per run: records the consumer has not taken yet
        self._busy: set[int] = set()  # runs a worker is training now
        self._failed: set[int] = set()
        self._alive = 0  # worker threads
        self._consumers = 0  # iterations in progress: workers start epochs only while there is one
        self._stopping = False

    @property
    def history(self) -> list[dict]:
        return [rec for r in self.runs for rec in r.history]

    @property
    def finished(self) -> bool:
        return all(r.finished or i in self._failed for i, r in enumerate(self.runs))

    def __iter__(self) -> Iterator[dict]:
        with self._cv:
            self._consumers += 1
        try:
            while (taken := self._take()) is not None:
                if isinstance(taken, BaseException):
                    raise taken
                yield taken
        finally:  # the consumer went (finished, broke off, or its page was left): workers finish their epoch
            with self._cv:
                self._consumers -= 1

    def stop(self, reason: str = "stopped before the last epoch") -> None:
        """Stop every run: epochs in progress end after their current step, and nothing learned is lost.
        Returns once no worker trains, so the models can be scored at once."""
        with self._cv:
            self._stopping = True
            for i in self._busy:
                self.runs[i].interrupt()
            while self._busy:
                self._cv.wait()
        for r in self.runs:
            r.stop(reason)

    def _take(self) -> dict | BaseException | None:
        """The next record (or a worker's exception), waiting for one; None once nothing more will come."""
        while True:
            with self._cv:
                self._start_workers()
                if self._records:
                    i, item = self._records.popleft()
                    self._untaken[i] -= 1
                    self._start_workers()
                    return item
                if not self._busy and self._next_run() is None:
                    return None
                self._cv.wait(POLL)
                queued, waiting = self.queued and not self._records, self.waiting
            if queued and self.on_wait is not None:
                self.on_wait(waiting)

    def _ready(self) -> list[int]:
        """Runs (the lock held) a free worker may train now; none once Stop was pressed or while nobody iterates."""
        if self._stopping or not self._consumers:
            return []
        return [i for i, r in enumerate(self.runs) if not r.finished and i not in self._busy
                and i not in self._failed and self._untaken[i] < self.ahead]

    def _next_run(self) -> int | None:
        """The run a free worker should train next: the one furthest behind, so curves grow together (or, not
        `together`, the first in order)."""
        if not self.together:
            return min(self._ready(), default=None)
        return min(self._ready(), key=lambda i: (self.runs[i].epoch, i), default=None)

    def _start_workers(self) -> None:
        """Start workers (the lock held) while there are free runs and room for another thread."""
        while self._alive < min(self.workers, len(self._busy) + len(self._ready())):
            self._alive += 1
            threading.Thread(target=self._work, name=f"seqlab-worker-{self._alive}", daemon=True).start()

    def _work(self) -> None:
        torch.set_num_threads(self.threads)  # this thread's own setting: OpenMP keeps one per thread
        while True:
            with self._cv:
                i = self._next_run()
                if i is None:
                    self._alive -= 1
                    self._cv.notify_all()
                    return
                self._busy.add(i)
            item: dict | BaseException | None
            try:
                with self._slot():
                    item = next(self.runs[i], None)
            except _Withdrawn:
                item = None
            except Exception as error:  # raised again in the consumer, where someone can see it
                item = error
            with self._cv:
                self._busy.discard(i)
                if isinstance(item, BaseException):
                    self._failed.add(i)
                if item is not None:
                    self._records.append((i, item))
                    self._untaken[i] += 1
                self._cv.notify_all()

    @contextlib.contextmanager
    def _slot(self) -> Iterator[None]:
        """Hold one of the server's slots for an epoch, counted in `queued` while waiting for it."""
        if self.slots is None:
            yield
            return
        with self._cv:
            self.queued += 1
        holding = False
        try:
            with self.slots.hold(self._note_waiting):
                with self._cv:
                    self.queued -= 1
                holding = True
                yield
        finally:
            if not holding:
                with self._cv:
                    self.queued -= 1

    def _note_waiting(self, waiting: int) -> None:
        """Called by the slots while a worker waits: gives up the place in the queue once it is not wanted."""
        self.waiting = waiting
        if self._stopping or not self._consumers:
            raise _Withdrawn


def train_parallel(runs: Sequence[RunConfig], task: Task, workers: int | None = None, slots=None,
                   callbacks: Sequence[Callback] = ()) -> Parallel:
    """Train several runs (architectures × seeds) on the same data, each epoch in a worker thread."""
    return Parallel(runs, task, workers=workers, slots=slots, callbacks=callbacks)
