"""The local engine: a sweep's runs in parallel threads give each run's own numbers, written as they end."""

import math

import pandas as pd

from seqlab.cli import main
from seqlab.sweep.grid import parse_grid
from seqlab.sweep.runner import run_sweep
from seqlab.sweep.scoring import Tasks, train_and_score
from tests.helpers import SWEEP_GRID, SWEEP_TIMING


def numbers(row: dict) -> dict:
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    return {k: same(v) for k, v in row.items() if k not in SWEEP_TIMING}


def test_a_sweep_in_threads_gives_each_run_the_numbers_it_gives_alone(tmp_path):
    grid = parse_grid(SWEEP_GRID)
    report = run_sweep(grid, tmp_path, workers=2, progress=False)
    assert (report.total, report.skipped, report.trained, report.failed) == (6, 0, 6, [])
    results = pd.read_csv(tmp_path / "results.csv", dtype={"key": str}).set_index("key")
    history = pd.read_csv(tmp_path / "history.csv", dtype={"key": str})
    assert len(history) == 6 * 3 and set(history["key"]) == set(results.index)  # epochs 0, 1, 2 of each run
    for run in grid.runs[:3:2]:  # two of them, trained alone in this thread
        alone_history, alone = train_and_score(run, Tasks())
        written = results.loc[run.key()].to_dict()
        assert written["val_loss"] == alone["val_loss"] and written["test_mse"] == alone["test_mse"]
        assert written["level"] == alone["level"] and written["model.arch"] == run.model.arch
        rows = history[history["key"] == run.key()].to_dict("records")
        assert [r["train_loss"] for r in rows] == [r["train_loss"] for r in alone_history]


def test_the_command_prints_a_summary_over_seeds_and_resumes(tmp_path, capsys):
    grid = tmp_path / "grid.toml"
    grid.write_text(SWEEP_GRID)
    assert main(["sweep", str(grid), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "2 of 2" in out and "mse " in out and " ± " in out and "solved" in out
    assert "6 runs in the grid: 0 finished before, 6 ended now" in out
    written = (tmp_path / "grid.sweep" / "results.csv").read_text()
    assert main(["sweep", str(grid), "--quiet"]) == 0
    assert "6 finished before, 0 ended now" in capsys.readouterr().out
    assert (tmp_path / "grid.sweep" / "results.csv").read_text() == written  # nothing trained twice


def test_a_grown_grid_trains_only_its_new_points(tmp_path):
    run_sweep(parse_grid(SWEEP_GRID), tmp_path, progress=False)
    grown = parse_grid(SWEEP_GRID.replace('hidden_size = 6', 'hidden_size = [6, 4]'))
    report = run_sweep(grown, tmp_path, progress=False)
    assert (report.total, report.skipped, report.trained) == (12, 6, 6)
    assert len(pd.read_csv(tmp_path / "results.csv")) == 12


def test_a_run_too_big_for_the_memory_is_refused_before_anything_starts(tmp_path, capsys):
    grid = tmp_path / "big.toml"
    grid.write_text("[[data]]\ntask = 'adding'\nlength = 200\nn_samples = 500\n[model]\narch = ['lstm', 'gru']\n"
                    "hidden_size = 512\nnum_layers = 4\n[train]\nbatch_size = 1024")
    assert main(["sweep", str(grid), "--memory-mb", "200"]) == 2
    err = capsys.readouterr().err
    assert "too big to train here, nothing started" in err and "LSTM with batch 1024" in err
    assert "per training: try " in err  # the setting to lower, as `seqlab compare` says it
    assert not (tmp_path / "big.sweep").exists()


def test_the_local_engine_ends_runs_one_by_one_in_grid_order(tmp_path):
    grid = parse_grid(SWEEP_GRID)
    run_sweep(grid, tmp_path, workers=1, progress=False)  # one worker: each run trains to its end before the next
    assert list(pd.read_csv(tmp_path / "results.csv", dtype={"key": str})["key"]) == [r.key() for r in grid.runs]
    history = pd.read_csv(tmp_path / "history.csv", dtype={"key": str})
    assert list(history["key"]) == [r.key() for r in grid.runs for _ in range(3)]
