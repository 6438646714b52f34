"""A sweep survives its faults: a run that raises is retried once, then recorded as failed while the rest finish;
Ctrl-C leaves files that a second sweep completes without training anything twice."""

import io
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from seqlab.sweep.grid import parse_grid
from seqlab.sweep.results import SweepFiles
from seqlab.sweep.runner import grid_results, report_text, run_sweep, summary
from seqlab.sweep.scoring import Tasks, train_and_score
from tests.helpers import ROOT, SWEEP_GRID


def read(folder):
    return (pd.read_csv(folder / "results.csv", dtype={"key": str}),
            pd.read_csv(folder / "history.csv", dtype={"key": str}))


def test_a_run_that_always_raises_is_retried_once_then_recorded_and_a_second_sweep_finishes_it(tmp_path):
    grid = parse_grid(SWEEP_GRID)
    broken = grid.runs[3].key()
    stream = io.StringIO()
    report = run_sweep(grid, tmp_path, workers=2, stream=stream,
                       faults={broken: {"mode": "raise", "message": "the disk is on fire"}})
    assert report.trained == 6 and [row["key"] for row in report.failed] == [broken]
    assert "RuntimeError: the disk is on fire (on each of 2 attempts)" == report.failed[0]["reason"]
    assert "6/6" in stream.getvalue() and "failed=1" in stream.getvalue()  # the progress bar counts it
    results, history = read(tmp_path)
    assert len(results) == 6 and results.set_index("key").loc[broken, "status"] == "failed"
    assert broken not in set(history["key"]) and history["key"].nunique() == 5  # no half history written
    said = report_text(report, summary(grid, grid_results(grid, tmp_path)), tmp_path)
    assert f"failed: {grid.runs[3].model.arch} seed {grid.runs[3].train.seed} (key {broken}): RuntimeError: the " \
           "disk is on fire" in said and "1 run(s) failed; run the same command again" in said
    assert "1 of 2" in said  # that grid point's summary counts one finished seed of two

    again = run_sweep(grid, tmp_path, progress=False)  # the fault is gone: only the missing run trains
    assert (again.skipped, again.trained, again.failed) == (5, 1, [])
    results, history = read(tmp_path)
    assert len(results) == 6 and set(results["status"]) == {"done"} and history["key"].nunique() == 6
    _, alone = train_and_score(grid.runs[3], Tasks())
    assert results.set_index("key").loc[broken, "test_mse"] == alone["test_mse"]


def test_a_run_that_raises_once_is_retried_from_scratch_to_its_own_numbers(tmp_path):
    grid = parse_grid(SWEEP_GRID)
    flaky = grid.runs[0]
    report = run_sweep(grid, tmp_path / "out", workers=2, progress=False,
                       faults={flaky.key(): {"mode": "raise", "once": str(tmp_path / "fired")}})
    assert report.failed == [] and (tmp_path / "fired").exists()
    results, _ = read(tmp_path / "out")
    _, alone = train_and_score(flaky, Tasks())
    assert results.set_index("key").loc[flaky.key(), "val_loss"] == alone["val_loss"]


def test_an_interruption_between_a_runs_two_writes_is_cleaned_up_and_resumed(tmp_path, monkeypatch):
    grid = parse_grid(SWEEP_GRID)
    real_add, calls = SweepFiles.add, []

    def add_then_interrupt(self, history, result):  # Ctrl-C after the 3rd run's history, before its results row
        calls.append(result["key"])
        if len(calls) == 3:
            self._append_history(history)
            raise KeyboardInterrupt
        real_add(self, history, result)

    monkeypatch.setattr(SweepFiles, "add", add_then_interrupt)
    report = run_sweep(grid, tmp_path, workers=2, progress=False)
    assert report.interrupted and report.trained == 2
    results, history = read(tmp_path)
    assert len(results) == 2 and history["key"].nunique() == 3  # the 3rd run's rows lack their results row
    monkeypatch.setattr(SweepFiles, "add", real_add)
    again = run_sweep(grid, tmp_path, workers=2, progress=False)
    assert (again.skipped, again.trained) == (2, 4)
    results, history = read(tmp_path)
    assert len(results) == 6 and len(history) == 6 * 3  # every run once, its epochs 0..2 once
    assert not history.duplicated(["key", "epoch"]).any()


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child process")
def test_ctrl_c_on_the_command_leaves_consistent_files_and_the_same_command_finishes(tmp_path):
    grid = tmp_path / "grid.toml"
    grid.write_text(SWEEP_GRID.replace("seeds = 2", "seeds = 3").replace("epochs = 2", "epochs = 8"))
    command = [sys.executable, "-m", "seqlab", "sweep", str(grid), "--quiet", "--workers", "1"]
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    results_file = tmp_path / "grid.sweep" / "results.csv"
    deadline = time.monotonic() + 240
    while not results_file.exists() and child.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 130, err
    assert "Stopped with Ctrl-C" in out and "Traceback" not in err
    results, history = read(tmp_path / "grid.sweep")
    assert 1 <= len(results) < 9
    assert set(history["key"]) <= set(results["key"])  # no history of a run without its results row
    rerun = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    assert f"{len(results)} finished before, {9 - len(results)} ended now" in rerun.stdout
    results, history = read(tmp_path / "grid.sweep")
    assert len(results) == 9 and len(history) == 9 * 9 and not history.duplicated(["key", "epoch"]).any()
