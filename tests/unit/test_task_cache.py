"""The shared task cache: bounded in bytes, least recently used dropped first, one build per key."""

import threading
import time

import pytest

from seqlab.config import DataConfig
from seqlab.data import make_task
from seqlab.data.cache import TaskCache


def adding(seed: int):
    cfg = DataConfig(task="adding", length=20, n_samples=1000, seed=seed)  # 1000 x (20 x 2 + 1) floats
    return cfg, make_task(cfg)


@pytest.fixture(scope="module")
def tasks():
    return dict(adding(seed) for seed in range(4))


def test_the_least_recently_used_task_is_dropped_once_over_the_byte_bound(tasks):
    configs = list(tasks)
    size = tasks[configs[0]].nbytes()
    cache = TaskCache(max_bytes=int(2.5 * size))
    for cfg in configs[:2]:
        cache.get(cfg, lambda cfg=cfg: tasks[cfg])
    cache.get(configs[0], pytest.fail)  # a hit: configs[1] is now the least recently used
    cache.get(configs[2], lambda: tasks[configs[2]])
    assert len(cache) == 2 and cache.nbytes <= 2.5 * size
    assert cache.get(configs[0], pytest.fail) is tasks[configs[0]]
    rebuilt = []
    cache.get(configs[1], lambda: rebuilt.append(1) or tasks[configs[1]])
    assert rebuilt == [1]


def test_a_task_over_the_bound_is_returned_but_not_kept(tasks):
    cfg, task = next(iter(tasks.items()))
    cache = TaskCache(max_bytes=task.nbytes() - 1)
    assert cache.get(cfg, lambda: task) is task
    assert len(cache) == 0 and cache.nbytes == 0


def test_the_entry_count_is_bounded_too(tasks):
    cache = TaskCache(max_bytes=2**40, max_entries=3)
    for cfg, task in tasks.items():
        cache.get(cfg, lambda task=task: task)
    assert len(cache) == 3


def test_an_expired_task_is_built_again(tasks):
    cfg, task = next(iter(tasks.items()))
    cache, builds = TaskCache(max_bytes=2**40), []
    cache.get(cfg, lambda: builds.append(1) or task, ttl=0.0)
    time.sleep(0.01)
    cache.get(cfg, lambda: builds.append(1) or task, ttl=0.0)
    assert builds == [1, 1]


def test_two_sessions_asking_at_once_build_the_task_once(tasks):
    cfg, task = next(iter(tasks.items()))
    cache, builds, got = TaskCache(max_bytes=2**40), [], []

    def slow_build():
        builds.append(1)
        time.sleep(0.2)
        return task

    threads = [threading.Thread(target=lambda: got.append(cache.get(cfg, slow_build))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert builds == [1] and len(got) == 3 and all(t is task for t in got)


def test_a_failed_build_is_not_kept_and_is_tried_again(tasks):
    cfg, task = next(iter(tasks.items()))
    cache = TaskCache(max_bytes=2**40)
    with pytest.raises(ValueError):
        cache.get(cfg, lambda: (_ for _ in ()).throw(ValueError("no")))
    assert cache.get(cfg, lambda: task) is task


def test_the_app_hands_every_session_the_same_task_object():
    """st.cache_data would unpickle a fresh copy of the whole task on every read of every session."""
    from seqlab.app import datasets as app_data

    cfg = DataConfig(task="adding", length=20, n_samples=500, seed=12345)
    first = app_data.cached_task(cfg)
    assert app_data.cached_task(cfg) is first
    assert app_data.cached_task(DataConfig(task="adding", length=20, n_samples=500, seed=54321)) is not first
