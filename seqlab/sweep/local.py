"""The local engine: a sweep's runs in worker threads on this machine, with the app's parallel training.

`seqlab.training.parallel.Parallel` trains the runs, up to `workers` at once with one torch thread each, taking
them in order (not `together`), so runs end one by one and are written as they end. What it trains here is a
`SweepRun`: built on its first epoch in the worker that reaches it (so a 300-run sweep holds a few models at a
time, not 300), tried once more from scratch if it raises, scored in that worker once it ends, then let go.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from seqlab.analysis.diagnostics import GradientRecording
from seqlab.config import RunConfig
from seqlab.resources import usable_cpus
from seqlab.sweep.scoring import ATTEMPTS, Tasks, error_text, failed_row, history_rows, inject, result_row
from seqlab.training.loop import TrainingRun
from seqlab.training.parallel import Parallel

RECORDING = (GradientRecording(),)  # records only for runs whose config asks (record_gradients)

UNLIMITED = 1 << 30  # epochs a worker may train ahead of the consumer: a sweep's consumer only writes files


class SweepRun:
    """One run of a sweep as `Parallel` sees it (finished, epoch, history, next, interrupt, stop)."""

    def __init__(self, run: RunConfig, tasks: Tasks, fault: dict | None = None):
        self.run, self.key, self.tasks, self.fault = run, run.key(), tasks, fault
        self.finished, self.epoch, self.attempts = False, 0, 0
        self.history: list[dict] = []  # set once the run has ended, with its `result`
        self.result: dict | None = None
        self._training: TrainingRun | None = None

    def __iter__(self):
        return self

    def __next__(self) -> dict:
        if self.finished:
            raise StopIteration
        try:
            if self._training is None:
                self.attempts += 1
                inject(self.fault)
                self._training = TrainingRun(self.run, self.tasks.get(self.run.data)[0], callbacks=RECORDING)
            record = next(self._training)
            self.epoch = self._training.epoch
            if self._training.finished:
                self._end(history_rows(self._training), self._score())
            return record
        except Exception as error:  # this attempt is lost; the next starts from scratch, to the same numbers
            self._training, self.epoch = None, 0
            if self.attempts < ATTEMPTS:
                return {"run": self.key, "status": "retrying", "reason": error_text(error)}
            reason = f"{error_text(error)} (on each of {ATTEMPTS} attempts)"
            self._end([], failed_row(self.run, reason))
            return {"run": self.key, "status": self.result["status"], "reason": reason}

    def _score(self) -> dict:
        task, bars = self.tasks.get(self.run.data)
        return result_row(self.run, self._training, task, bars)

    def _end(self, history: list[dict], result: dict) -> None:
        self.history, self.result, self._training = history, result, None
        self.tasks.release(self.run.data)
        self.finished = True

    def interrupt(self) -> None:
        if self._training is not None:
            self._training.interrupt()

    def stop(self, reason: str = "") -> None:
        """Ctrl-C: the run is dropped unwritten (a later sweep trains it again)."""
        self.finished, self._training = True, None


def local_outcomes(runs: Sequence[RunConfig], workers: int | None = None, faults: dict[str, dict] | None = None,
                   tasks: Tasks | None = None) -> Iterator[tuple[list[dict], dict]]:
    """(history rows, results row) of each run as it ends, trained `workers` at once (default: the usable CPUs).
    Stopping the iteration (Ctrl-C) stops the workers after their current step; nothing unfinished is returned.
    `tasks`, if given, holds the data sets built already, for exactly these runs."""
    if not runs:
        return
    faults = faults or {}
    tasks = tasks if tasks is not None else Tasks(list(runs))
    swept = [SweepRun(run, tasks, faults.get(run.key())) for run in runs]
    by_key = {r.key: r for r in swept}
    engine = Parallel(swept, workers=workers or usable_cpus(), threads=1, ahead=UNLIMITED, together=False)
    try:
        for record in engine:
            sweep_run = by_key[record["run"]]
            if sweep_run.finished and sweep_run.result is not None:
                yield sweep_run.history, sweep_run.result
                sweep_run.history, sweep_run.result = [], None
    finally:
        if not engine.finished:
            engine.stop("stopped with Ctrl-C")
