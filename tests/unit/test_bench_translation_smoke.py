"""The translation benchmark runs end to end on a tiny setting (timings are never asserted here)."""

import math

from tests.helpers import BENCHMARKS, run_bench


def test_translation_benchmark_gives_a_finite_row_per_case(tmp_path, capsys):
    bench, rows = run_bench("bench_translation", ["--quick"], tmp_path)
    assert [r["case"] for r in rows] == list(bench.CASES)
    assert all(r["steps"] >= 2 and math.isfinite(r["ratio"]) and r["ratio"] > 0 for r in rows)
    assert "target" in capsys.readouterr().out


def test_the_preflight_estimate_of_a_translation_step_lies_above_its_measured_peak_within_four_times():
    import importlib.util


    spec = importlib.util.spec_from_file_location("bench_translation", BENCHMARKS / "bench_translation.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    row = bench.measure_memory(bench.MEMORY_CASES[0])  # a GRU with attention, batch 256, hidden 256
    assert row["measured"] <= row["estimated"] <= 4 * row["measured"], row
