"""The parallel engine: same seed, same numbers; Stop, pause and resume; errors and server slots."""

import dataclasses
import math
import threading
import time

import pytest

from seqlab.config import ModelConfig
from seqlab.presets import comparison_runs
from seqlab.training import Parallel
from seqlab.training.loop import train, train_interleaved, training_runs
from tests.helpers import tiny_run

TIMING = {"seconds", "elapsed"}


def numbers(history):
    """Records without their timings; NaN (no gradient at epoch 0) made comparable."""
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    return [{k: same(v) for k, v in rec.items() if k not in TIMING} for rec in history]


def stacked(epochs=3, **train):
    """A two-layer model with dropout between the layers: the case torch's global generator used to decide."""
    run = tiny_run(epochs=epochs, **train)
    return run.replace(model=ModelConfig(hidden_size=8, num_layers=2, dropout=0.3))


def settle(engine, seconds=0.3):
    """Wait until no worker is left, or `seconds` pass."""
    deadline = time.monotonic() + seconds
    while engine._alive and time.monotonic() < deadline:
        time.sleep(0.01)


def test_a_run_in_a_parallel_comparison_gives_the_numbers_it_gives_alone(sine_task):
    runs = comparison_runs(stacked(), seeds=(0, 5))  # 3 architectures x 2 seeds, dropout between layers
    runs += comparison_runs(tiny_run(epochs=3), archs=("gru",), seeds=(9,))  # and one single-layer run
    together = Parallel(runs, sine_task, workers=3)
    records = list(together)
    assert len(records) == sum(len(r.history) for r in together.runs) == 7 * 4 and together.finished
    for config, run in zip(runs, together.runs, strict=True):
        alone = list(train(config, sine_task))
        assert numbers(run.history) == [{**rec, "run_name": run.name} for rec in numbers(alone)]
        assert run.history[-1]["seed"] == config.train.seed and run.history[-1]["status"] == "done"
    interleaved = train_interleaved(runs, sine_task)
    list(interleaved)
    assert numbers(interleaved.history) == numbers(together.history)


def test_seeds_change_the_numbers_and_labels_stay_the_architectures(sine_task):
    together = Parallel(comparison_runs(stacked(epochs=1), archs=("lstm",), seeds=(0, 1)), sine_task)
    list(together)
    a, b = together.runs
    assert (a.label, b.label) == ("LSTM", "LSTM") and (a.name, b.name) == ("LSTM · seed 0", "LSTM · seed 1")
    assert numbers(a.history)[-1]["val_loss"] != numbers(b.history)[-1]["val_loss"]


def test_stop_ends_every_worker_within_an_epoch_and_keeps_the_histories(sine_task):
    together = Parallel(comparison_runs(tiny_run(epochs=200)), sine_task, workers=2)
    taken = []
    for record in together:
        taken.append(record)
        if len(taken) == 4:
            together.stop("stopped by the test")
            break
    settle(together)
    assert together._alive == 0
    lengths = [len(r.history) for r in together.runs]
    time.sleep(0.2)
    assert [len(r.history) for r in together.runs] == lengths  # nothing trains after Stop returns
    assert all(r.status == "stopped" and r.history[-1]["status"] == "stopped" for r in together.runs)
    for run in together.runs:  # at most the epoch in progress beyond what the consumer had taken
        assert len(run.history) <= sum(rec["run_name"] == run.name for rec in taken) + 1
    rest = list(together)  # what finished while the consumer was away comes still, then iteration ends
    assert len(taken) + len(rest) == sum(lengths) and together.finished


def test_a_consumer_that_stops_iterating_pauses_the_workers_and_resumes_them_to_the_same_end(sine_task):
    runs = comparison_runs(stacked(epochs=6), seeds=(0, 1))
    paused = Parallel(runs, sine_task, workers=2)
    for taken, _ in enumerate(paused, start=1):
        if taken == 5:
            break  # the page was left
    settle(paused, seconds=5)
    assert paused._alive == 0
    counts = [len(r.history) for r in paused.runs]
    time.sleep(0.2)
    assert [len(r.history) for r in paused.runs] == counts and not paused.finished  # idle, not finished
    assert sum(counts) <= 5 + len(runs)  # at most one epoch per run beyond what the consumer took
    rest = list(paused)  # the page is opened again
    assert paused.finished and len(rest) == sum(len(r.history) for r in paused.runs) - 5
    for config, run in zip(runs, paused.runs, strict=True):
        assert numbers(run.history) == [{**rec, "run_name": run.name} for rec in numbers(train(config, sine_task))]


def test_an_exception_in_a_worker_reaches_the_consumer(sine_task):
    runs = training_runs(comparison_runs(tiny_run(epochs=3)), sine_task)

    def broken():
        raise RuntimeError("the GRU's worker broke")

    runs[2]._train_epoch = broken
    together = Parallel(runs, workers=2)
    with pytest.raises(RuntimeError, match="the GRU's worker broke"):
        for _ in together:
            pass
    assert runs[2].epoch == 1  # epoch 0 scored; its first training epoch raised


class CountingSlots:
    """A server's slots as seqlab.app.limits.TrainingSlots offers them, counting how many are held at once."""

    def __init__(self, size):
        self.free, self.held, self.most, self.lock = threading.Semaphore(size), 0, 0, threading.Lock()

    def hold(self, on_wait=lambda waiting: None):
        slots = self

        class Held:
            def __enter__(self):
                while not slots.free.acquire(timeout=0.05):
                    on_wait(1)
                with slots.lock:
                    slots.held += 1
                    slots.most = max(slots.most, slots.held)

            def __exit__(self, *exc):
                with slots.lock:
                    slots.held -= 1
                slots.free.release()

        return Held()


def test_each_worker_holds_a_server_slot_and_a_full_server_is_reported_in_the_consumers_thread(sine_task):
    slots = CountingSlots(1)
    together = Parallel(comparison_runs(tiny_run(epochs=2)), sine_task, workers=3, slots=slots)
    told = []
    together.on_wait = lambda waiting: told.append(threading.get_ident())
    slots.free.acquire()  # another session holds the only slot for a moment
    threading.Timer(1.2, slots.free.release).start()
    assert len(list(together)) == 9 and together.finished
    assert slots.most == 1  # one training at a time: the server's limit counts threads
    assert told and set(told) == {threading.get_ident()}  # said by the consumer, never by a worker


def test_labels_leave_seeds_out_and_names_tell_them_apart():
    from seqlab.training.loop import run_labels, run_names

    runs = comparison_runs(tiny_run(), archs=("lstm", "gru"), seeds=(3, 7))
    assert run_labels(runs) == ["LSTM", "LSTM", "GRU", "GRU"]
    assert run_names(runs) == ["LSTM · seed 3", "LSTM · seed 7", "GRU · seed 3", "GRU · seed 7"]
    small, large = (runs[0].replace(model=dataclasses.replace(runs[0].model, hidden_size=h)) for h in (8, 16))
    assert run_labels([small, large]) == ["LSTM h=8", "LSTM h=16"]  # one architecture twice with one seed
    assert run_names(runs[:1]) == ["LSTM"]  # one seed: the name is the label, as before


def test_stop_does_not_wait_for_a_full_server(sine_task):
    slots = CountingSlots(1)
    slots.free.acquire()  # another session holds the only slot, for longer than this test lasts
    together = Parallel(comparison_runs(tiny_run(epochs=2)), sine_task, workers=2, slots=slots)
    together.on_wait = lambda waiting: together.stop("stopped while queued")  # the page's Stop, pressed while queued
    started = time.monotonic()
    assert list(together) == [] and together.finished
    assert time.monotonic() - started < 5 and all(r.status == "stopped" and not r.history for r in together.runs)
    settle(together, seconds=2)
    assert together._alive == 0 and slots.held == 0
