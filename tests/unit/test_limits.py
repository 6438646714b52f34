"""Shared-deployment limits: read from the environment with safe defaults; a bounded number of trainings at once."""

import threading

import pytest

from seqlab.app import limits


def test_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", "3")
    monkeypatch.setenv("SEQLAB_MAX_SECONDS", "45")
    monkeypatch.setenv("SEQLAB_MEMORY_MB", "2700")
    assert limits.current() == limits.Limits(max_concurrent=3, max_seconds=45.0, memory_mb=2700.0,
                                             memory_source="SEQLAB_MEMORY_MB")


def test_the_memory_budget_is_shared_by_the_trainings_that_run_at_once(monkeypatch):
    monkeypatch.setenv("SEQLAB_MEMORY_MB", "2700")
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", "2")
    budget = limits.current().budget()
    rest = (2700 - limits.RESERVE_MB) * 2**20
    assert budget.training_bytes == int(rest * limits.TRAINING_SHARE / 2)
    assert budget.data_bytes == int(rest * limits.DATA_SHARE) and budget.seconds == 300.0
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", "1")
    assert limits.current().budget().training_bytes == 2 * budget.training_bytes


def test_without_a_setting_the_memory_is_the_containers_limit(monkeypatch):
    monkeypatch.delenv("SEQLAB_MEMORY_MB", raising=False)
    monkeypatch.setattr(limits.resources, "cgroup_memory_limit", lambda root="": 1500 * 2**20)
    current = limits.current()
    assert current.memory_mb == 1500 and current.memory_source == "the container's memory limit"


@pytest.mark.parametrize("value", ["abc", "0", "1e9"])
def test_a_bad_torch_thread_count_keeps_one(monkeypatch, value):
    monkeypatch.setenv("SEQLAB_TORCH_THREADS", value)  # read at import with a bare int(), "abc" crashed the app
    assert limits.current().torch_threads == 1


def test_trainings_at_once_default_to_the_cpus_this_process_may_use(monkeypatch):
    monkeypatch.delenv("SEQLAB_MAX_CONCURRENT", raising=False)
    monkeypatch.setattr(limits.resources, "cgroup_cpu_quota", lambda root="": 1.0)  # a hosted 1-CPU share
    assert limits.current().max_concurrent == 1


@pytest.mark.parametrize("value", ["abc", "0", "-2", "nan", "1e9", ""])
def test_a_bad_setting_keeps_the_default(monkeypatch, value):
    monkeypatch.setenv("SEQLAB_MAX_SECONDS", value)
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", value)
    assert limits.current().max_seconds == 300.0 and limits.current().max_concurrent >= 1


def test_one_slot_makes_the_second_training_wait_and_say_so():
    slots, order, waits = limits.TrainingSlots(1), [], []
    holding, second_waited = threading.Event(), threading.Event()

    def train(name, until=None):
        with slots.hold(on_wait=lambda n: (waits.append(n), second_waited.set()), poll=0.02):
            order.append(f"{name} starts")
            holding.set()
            if until is not None:
                assert until.wait(10)  # hold the slot until the second has been told it waits
            order.append(f"{name} ends")

    first = threading.Thread(target=train, args=("first", second_waited))
    first.start()
    assert holding.wait(10)  # no sleep: the first holds its slot before the second asks
    train("second")
    first.join()
    assert order == ["first starts", "first ends", "second starts", "second ends"]
    assert waits and set(waits) == {1} and slots.waiting == 0


def test_a_failing_training_gives_its_slot_back():
    slots = limits.TrainingSlots(1)
    with pytest.raises(RuntimeError), slots.hold():
        raise RuntimeError("diverged, or a rerun interrupted the page")
    with slots.hold(on_wait=lambda n: pytest.fail("the slot was not released")):
        pass
