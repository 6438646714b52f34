"""The generation benchmark still runs end to end (speeds are not asserted here)."""

import importlib.util
import json
import math
from pathlib import Path

import torch

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_generate.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_generate", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_gives_a_finite_row_per_arch(tmp_path, capsys):
    bench = load_bench()
    out = tmp_path / "rows.json"
    threads = torch.get_num_threads()
    try:
        rows = bench.main(["--quick", "--threads", "1", "--json", str(out)])
    finally:
        torch.set_num_threads(threads)  # leave the rest of the suite as it was
    assert [r["arch"] for r in rows] == ["rnn", "lstm", "gru"]
    for r in rows:
        assert r["length"] == 50 and r["hidden"] == 16
        assert all(math.isfinite(r[k]) and r[k] > 0 for k in ("onednn_on_cps", "onednn_off_cps", "speedup"))
    assert json.loads(out.read_text()) == rows
    assert "oneDNN off c/s" in capsys.readouterr().out
    assert torch.backends.mkldnn.enabled  # the benchmark leaves oneDNN as it found it
