"""benchmarks/bench_darts_accuracy.py: without Darts it says how to make its environment; seqlab's side scores
the same test targets Darts is scored on (timings and ratios are never asserted here)."""

import importlib.util
import math
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_darts_accuracy.py"


def load():
    spec = importlib.util.spec_from_file_location("bench_darts_accuracy", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


def test_without_darts_it_says_how_to_make_the_environment(capsys):  # the app's own venv never has Darts
    result = load().main(["--quick"])
    assert result == {"darts_version": None, "rows": []}
    assert "bash benchmarks/darts_env.sh" in capsys.readouterr().out


def test_seqlab_side_gives_a_finite_test_mse_on_the_test_targets():
    bench = load()
    assert math.isfinite(bench.seqlab_mse("co2", "lstm", 0, bench.QUICK))
