"""Training callbacks (seqlab.training.callbacks): when each hook runs, what it may add, and that the numbers of a
run stay the same with callbacks or without, alone or in parallel threads."""

import math

from seqlab.analysis.diagnostics import GradientRecording
from seqlab.training.callbacks import Callback
from seqlab.training.loop import train, train_interleaved
from seqlab.training.parallel import Parallel
from tests.helpers import tiny_run

TIMING = {"seconds", "elapsed"}


def numbers(history, extra=()):
    """Records without timings or the given extra fields; NaN made comparable."""
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    return [{k: same(v) for k, v in rec.items() if k not in TIMING and k not in extra} for rec in history]


class Counting(Callback):
    """Counts each hook per run and adds two fields to every record."""

    def __init__(self):
        self.calls = {}

    def _count(self, run, hook):
        counts = self.calls.setdefault(run.name, {"start": 0, "backward": 0, "epoch_end": 0})
        counts[hook] += 1

    def on_train_start(self, run):
        self._count(run, "start")
        assert run.history == [] and run.epoch == 0  # called once the run is built, before any record

    def after_backward(self, run):
        self._count(run, "backward")
        assert all(p.grad is not None for p in run.model.parameters())

    def on_epoch_end(self, run, record):
        self._count(run, "epoch_end")
        assert {"val_loss", "train_loss", "status"} <= set(record)  # the trainer's fields come first
        record["steps_seen"] = self.calls[run.name]["backward"]
        record["epoch_twice"] = 2 * record["epoch"]


def test_each_hook_runs_when_documented_and_its_fields_follow_the_trainers(sine_task):
    counting = Counting()
    history = list(train(tiny_run(epochs=3), sine_task, callbacks=[counting]))
    steps = sum(rec["steps"] for rec in history)
    assert counting.calls == {"LSTM": {"start": 1, "backward": steps, "epoch_end": 4}}  # epochs 0..3
    assert [rec["steps_seen"] for rec in history] == [0, *[sum(r["steps"] for r in history[:i + 1])
                                                            for i in range(1, 4)]]
    assert list(history[-1])[-2:] == ["steps_seen", "epoch_twice"]
    assert history[-1]["status"] == "done"  # set after the callbacks, as before


def test_callbacks_leave_every_number_of_a_run_as_it_was(sine_task):
    plain = list(train(tiny_run(epochs=3, seed=4), sine_task))
    hooked = list(train(tiny_run(epochs=3, seed=4, record_gradients=True), sine_task,
                        callbacks=[Counting(), GradientRecording()]))
    recorded = {"steps_seen", "epoch_twice", "grad_through_time", "layer_grad_norm_l0", "layer_grad_norm_head",
                "input_grad_through_time"}
    assert numbers(hooked, {"run", *recorded}) == numbers(plain, {"run"})  # the key hashes the flag
    assert len(hooked[-1]["grad_through_time"]) == 12


def test_one_callback_serves_runs_in_parallel_threads_each_with_its_own_state(sine_task):
    runs = [tiny_run(arch=a, epochs=2, record_gradients=True) for a in ("rnn", "gru")]
    recording = GradientRecording()
    together = Parallel(runs, sine_task, workers=2, callbacks=[recording])
    list(together)
    alone = train_interleaved(runs, sine_task, [GradientRecording()])
    list(alone)
    for a, b in zip(together.runs, alone.runs, strict=True):
        assert numbers(a.history) == numbers(b.history)  # the recorded curves and norms included
        assert len(recording.recorders[a].x) > 0


def test_without_the_callback_the_trainer_records_no_gradients(sine_task):
    """The trainer knows nothing of diagnostics: the config's flag is read by the callback alone."""
    history = list(train(tiny_run(epochs=1, record_gradients=True), sine_task))
    assert not any(k.startswith(("grad_through_time", "layer_grad_norm")) for k in history[-1])


def test_the_runs_python_snippet_passes_the_recording_callback_when_the_run_recorded():
    from seqlab.training.runlog import python_snippet

    run = tiny_run("adding", epochs=1, record_gradients=True)
    namespace: dict = {}
    exec(python_snippet(run), namespace)  # noqa: S102 (the snippet seqlab writes for the Runs page)
    assert len(namespace["history"][-1]["grad_through_time"]) == run.data.length
    assert "GradientRecording" not in python_snippet(tiny_run(epochs=1))
