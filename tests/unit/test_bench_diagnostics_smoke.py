"""The diagnostics benchmark still runs end to end (timings are not asserted here)."""

import importlib.util
import json
import math
from pathlib import Path

import torch

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_diagnostics.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_diagnostics", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_gives_a_finite_row_per_config_and_arch(tmp_path, capsys):
    bench = load_bench()
    out = tmp_path / "rows.json"
    threads = torch.get_num_threads()
    try:
        rows = bench.main(["--quick", "--threads", "1", "--probe-size", "8", "--json", str(out)])
    finally:
        torch.set_num_threads(threads)  # leave the rest of the suite as it was
    assert {(r["config"], r["arch"]) for r in rows} == {(c, a) for c in bench.CONFIGS for a in ("rnn", "lstm", "gru")}
    for r in rows:
        assert r["steps"] >= 2 and r["probe_size"] == 8
        assert all(math.isfinite(r[k]) and r[k] > 0 for k in ("off_ms", "on_ms", "ratio", "probe_ms"))
    assert json.loads(out.read_text()) == rows
    assert "worst ratio" in capsys.readouterr().out
