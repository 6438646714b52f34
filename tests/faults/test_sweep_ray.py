"""The Ray engine on a local Ray instance started here: the local engine's numbers digit for digit; a killed worker
retried, a run that always raises recorded as failed, and a second sweep that trains only what is missing."""

import math
import subprocess
import sys

import pandas as pd
import pytest
import ray

from seqlab.cli import main
from seqlab.sweep.grid import parse_grid
from seqlab.sweep.ray_engine import RUNTIME_ENV
from seqlab.sweep.runner import run_sweep
from tests.helpers import ROOT, SWEEP_GRID, SWEEP_TIMING


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray instance started by the test, as one would start a cluster's head (the engine then uses it)."""
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, runtime_env=RUNTIME_ENV)
    yield
    ray.shutdown()


def numbers(frame: pd.DataFrame) -> list[dict]:
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    rows = frame.drop(columns=[c for c in SWEEP_TIMING if c in frame]).to_dict("records")
    return sorted(({k: same(v) for k, v in r.items()} for r in rows), key=lambda r: (r["key"], r.get("epoch", 0)))


def read(folder):
    return (pd.read_csv(folder / "results.csv", dtype={"key": str}),
            pd.read_csv(folder / "history.csv", dtype={"key": str}))


def test_a_sweep_on_ray_gives_the_local_engines_numbers_digit_for_digit(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text(SWEEP_GRID)
    # the command as a person runs it, in its own process: it starts a local Ray instance and stops it after
    command = [sys.executable, "-m", "seqlab", "sweep", str(grid), "--ray", "local", "--ray-cpus", "2", "--quiet",
               "--out", str(tmp_path / "ray")]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "6 runs in the grid: 0 finished before, 6 ended now" in done.stdout
    assert main(["sweep", str(grid), "--quiet", "--out", str(tmp_path / "local")]) == 0
    on_ray, here = read(tmp_path / "ray"), read(tmp_path / "local")
    assert len(on_ray[0]) == 6 and len(on_ray[1]) == 18
    assert numbers(on_ray[0]) == numbers(here[0])  # test metrics, levels, losses: every digit
    assert numbers(on_ray[1]) == numbers(here[1])  # every epoch's record


def test_ray_auto_without_a_cluster_says_so_in_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    grid = tmp_path / "grid.toml"
    grid.write_text(SWEEP_GRID)
    assert not ray.is_initialized()
    assert main(["sweep", str(grid), "--ray", "auto", "--quiet"]) == 2
    err = capsys.readouterr().err
    assert "--ray auto: no running Ray cluster found" in err and "--ray local" in err and "Traceback" not in err
    assert not (tmp_path / "grid.sweep" / "results.csv").exists()


def test_a_killed_worker_is_retried_a_raising_run_recorded_and_a_second_sweep_finishes_it(tmp_path, local_ray):
    grid = parse_grid(SWEEP_GRID)
    killed, broken = grid.runs[1].key(), grid.runs[4].key()
    faults = {killed: {"mode": "exit", "once": str(tmp_path / "killed-once")},  # the worker process dies
              broken: {"mode": "raise", "message": "out of cheese"}}
    report = run_sweep(grid, tmp_path / "out", ray="local", faults=faults, progress=False)
    assert (tmp_path / "killed-once").exists()  # the worker did die once, and its retry finished the run
    assert report.trained == 6 and [row["key"] for row in report.failed] == [broken]
    assert report.failed[0]["reason"] == "RuntimeError: out of cheese (on each of 2 attempts)"
    results, history = read(tmp_path / "out")
    status = results.set_index("key")["status"]
    assert status[broken] == "failed" and status[killed] == "done" and (status == "done").sum() == 5
    assert broken not in set(history["key"])

    again = run_sweep(grid, tmp_path / "out", ray="local", progress=False)  # only the missing run trains
    assert (again.skipped, again.trained, again.failed) == (5, 1, [])
    results, history = read(tmp_path / "out")
    assert set(results["status"]) == {"done"} and history["key"].nunique() == 6 and len(history) == 18

