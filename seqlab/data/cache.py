"""A cache of built tasks bounded in bytes, not only in entries: what one process may keep for all its visitors."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable

from seqlab.data.task import Task


class TaskCache:
    """Tasks by key, the least recently used dropped first once they hold more than `max_bytes` together.

    An entry count alone bounds nothing: one copy task can hold 800 MB, a sine task 1 MB. Tasks are
    handed out as they are, not copied: every reader shares one object, so it must be read-only (nothing
    in seqlab writes into a task's tensors after building it). A task bigger than `max_bytes` is built
    and returned but not kept. Two callers asking for the same key at once build it once.
    """

    def __init__(self, max_bytes: int, max_entries: int = 64):
        self.max_bytes, self.max_entries = max_bytes, max_entries
        self._tasks: OrderedDict[Hashable, tuple[Task, int, float]] = OrderedDict()  # key -> task, bytes, expiry
        self._building: dict[Hashable, threading.Lock] = {}
        self._lock = threading.Lock()  # guards the two dicts, never held while building

    def get(self, key: Hashable, build: Callable[[], Task], ttl: float | None = None) -> Task:
        """The task kept under `key`, else `build()` kept for `ttl` seconds (None: until dropped for room)."""
        with self._lock:
            building = self._building.setdefault(key, threading.Lock())
        with building:
            task = self._kept(key)
            if task is not None:
                return task
            try:
                task = build()
                self._keep(key, task, ttl)  # before the key's lock goes, so a newcomer finds the task
            finally:
                with self._lock:
                    self._building.pop(key, None)
            return task

    def clear(self) -> None:
        with self._lock:
            self._tasks.clear()

    @property
    def nbytes(self) -> int:
        with self._lock:
            return sum(size for _, size, _ in self._tasks.values())

    def __len__(self) -> int:
        with self._lock:
            return len(self._tasks)

    def _kept(self, key: Hashable) -> Task | None:
        with self._lock:
            entry = self._tasks.get(key)
            if entry is None:
                return None
            if entry[2] < time.monotonic():
                del self._tasks[key]
                return None
            self._tasks.move_to_end(key)
            return entry[0]

    def _keep(self, key: Hashable, task: Task, ttl: float | None) -> None:
        size = task.nbytes()
        if size > self.max_bytes:
            return
        expiry = time.monotonic() + ttl if ttl is not None else float("inf")
        with self._lock:
            self._tasks[key] = (task, size, expiry)
            total = sum(s for _, s, _ in self._tasks.values())
            while total > self.max_bytes or len(self._tasks) > self.max_entries:
                _, (_, dropped, _) = self._tasks.popitem(last=False)
                total -= dropped
