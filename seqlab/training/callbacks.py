"""Optional behaviour that plugs into training, as in skorch and Lightning: the trainer calls its callbacks at
fixed points and knows nothing of what they do (gradient recording, for one, is
`seqlab.analysis.diagnostics.GradientRecording`).

A callback subclasses `Callback` and overrides the hooks it needs; the others do nothing. Every hook receives the
`seqlab.training.loop.TrainingRun` (its `run` config, `task`, `model`, `optimizer`, `epoch`, `history`):

- `on_train_start(run)`: once, when the run is built, after its model and optimizer (the weights are the
  untrained ones); the place to take what the callback keeps per run.
- `after_backward(run)`: every training step, after `loss.backward()` and before gradient clipping and the
  optimizer's step (the gradients are the raw ones). It runs on every step: keep it cheap.
- `on_epoch_end(run, record)`: once per record, epoch 0 (the untrained model's score) included, after the
  validation scoring; add fields to `record` (a flat dict, JSON-friendly values). The time it takes counts in
  the run's wall-time budget, as the scoring does.

One callback object may serve several runs, also in parallel threads (each run calls it from its own thread):
keep per-run state keyed by the run (`self.state[run]`), never in a shared field. A callback must not touch the
model's weights, the optimizer or a random generator other than its own: a run gives the same numbers, digit for
digit, with or without it. Pass callbacks as `TrainingRun(run, task, callbacks=[...])`, or to `train`,
`train_interleaved`, `training_runs` and `seqlab.training.parallel.Parallel`, which hand the same list to each run.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from seqlab.training.loop import TrainingRun


class Callback:
    """A no-op at every hook; subclass it and override the hooks you need (see the module's docstring)."""

    def on_train_start(self, run: TrainingRun) -> None:
        """Once, when the run is built (untrained weights)."""

    def after_backward(self, run: TrainingRun) -> None:
        """Every step, after backward, before clipping and the optimizer's step."""

    def on_epoch_end(self, run: TrainingRun, record: dict) -> None:
        """Once per record (epoch 0 included), after validation: add fields to `record`."""
