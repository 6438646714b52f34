"""The Ray engine: each run of a sweep as a Ray task, on a local Ray instance or an existing cluster.

Ray is an optional extra (`pip install -e .[ray]`, or `pip install -r requirements-ray.txt`); nothing else in
seqlab imports it. A task trains one run in a worker process with one torch thread and returns plain data (its
history rows and results row), through `seqlab.sweep.scoring` as the local engine does, so the numbers are the
same, digit for digit. Ray retries a task once, whether it raised or its worker died (`max_retries`,
`retry_exceptions`); after that the run is recorded as failed with its reason. The driver ships this checkout's
`seqlab` to the workers (`runtime_env` `py_modules`), so a cluster trains with the code that submitted the sweep.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path

import seqlab
from seqlab.config import RunConfig
from seqlab.sweep.scoring import ATTEMPTS, Tasks, error_text, failed_row, train_and_score

INSTALL = ("--ray needs Ray, an optional extra that is not installed here: pip install -e '.[ray]' "
           "(or pip install -r requirements-ray.txt), then run the sweep again")
KEPT_TASKS = 2  # data sets a worker process keeps between tasks (a sweep's runs often share one)
# ships this checkout's seqlab to every worker (a job-level setting: pass it to ray.init when you start Ray)
RUNTIME_ENV = {"py_modules": [str(Path(seqlab.__file__).parent)]}
_worker_tasks: dict = {}  # per worker process: DataConfig -> Tasks holding it (never shared between processes)


def import_ray():
    """Ray, or a ValueError that says how to install it."""
    try:
        import ray
    except ImportError:
        raise ValueError(INSTALL) from None
    return ray


def _train_remote(config_json: str, fault: dict | None) -> tuple[list[dict], dict]:
    """Runs in a Ray worker: train and score one run from its config's JSON."""
    import torch

    torch.set_num_threads(1)  # as the app and the local engine train: one torch thread per run
    run = RunConfig.from_json(config_json)
    if run.data not in _worker_tasks:
        while len(_worker_tasks) >= KEPT_TASKS:
            _worker_tasks.pop(next(iter(_worker_tasks)))
        _worker_tasks[run.data] = Tasks()
    return train_and_score(run, _worker_tasks[run.data], fault)


def _failure_reason(error: BaseException) -> str:
    cause = getattr(error, "cause", None)  # RayTaskError carries the exception the run raised
    if isinstance(cause, BaseException):
        return f"{error_text(cause)} (on each of {ATTEMPTS} attempts)"
    name = type(error).__name__
    if "WorkerCrashed" in name or "ActorDied" in name or "NodeDied" in name:
        return f"its Ray worker died ({name}) on each of {ATTEMPTS} attempts"
    return f"{error_text(error)} (on Ray, after {ATTEMPTS} attempts)"


def ray_outcomes(runs: Sequence[RunConfig], address: str = "local", cpus: int | None = None,
                 faults: dict[str, dict] | None = None) -> Iterator[tuple[list[dict], dict]]:
    """(history rows, results row) of each run as its Ray task ends. `address`: "local" starts a Ray instance
    here (with `cpus` CPUs, default all), "auto" or "HOST:PORT" / "ray://HOST:PORT" joins a running cluster. A
    Ray already initialised in this process is used as it is and left running (start it with `runtime_env=
    RUNTIME_ENV` so its workers import this seqlab)."""
    ray = import_ray()
    started_here = not ray.is_initialized()
    if started_here:
        try:
            ray.init(address=address, num_cpus=cpus if address == "local" else None, include_dashboard=False,
                     runtime_env=RUNTIME_ENV, log_to_driver=False)
        except ConnectionError as e:  # Ray's own message names its --address flag, not ours
            raise ValueError(f"--ray {address}: no running Ray cluster found there ({str(e).split('.')[0]}); start "
                             "one with `ray start --head`, give its address (HOST:6379 or ray://HOST:10001), or "
                             "use --ray local") from None
    faults = faults or {}
    remote = ray.remote(num_cpus=1, max_retries=ATTEMPTS - 1, retry_exceptions=True)(_train_remote)
    pending = {remote.remote(run.to_json(), faults.get(run.key())): run for run in runs}
    try:
        while pending:
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                run = pending.pop(ref)
                try:
                    history, result = ray.get(ref)
                except Exception as error:  # the run raised or its worker died, on every attempt
                    yield [], failed_row(run, _failure_reason(error))
                else:
                    yield history, result
    finally:
        for ref in pending:  # Ctrl-C, or the consumer stopped: nothing more is wanted
            ray.cancel(ref, force=True)
        if started_here:
            ray.shutdown()
