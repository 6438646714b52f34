"""The training benchmark still runs end to end (timings are not asserted here)."""

import importlib.util
import json
import math
from pathlib import Path

import torch

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_train.py"


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_train", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_quick_benchmark_gives_a_finite_row_per_config_and_arch(tmp_path, capsys):
    bench = load_bench()
    out = tmp_path / "rows.json"
    # one thread: tiny models on two threads crawl when another process holds the second core
    threads = torch.get_num_threads()
    try:
        rows = bench.main(["--quick", "--threads", "1", "--json", str(out)])
    finally:
        torch.set_num_threads(threads)  # leave the rest of the suite as it was
    assert {(r["config"], r["arch"]) for r in rows} == {(c, a) for c in bench.CONFIGS for a in ("rnn", "lstm", "gru")}
    for r in rows:
        assert r["steps"] >= 2
        assert all(math.isfinite(r[k]) and r[k] > 0 for k in ("plain_ms", "seqlab_ms", "ratio"))
    assert json.loads(out.read_text()) == rows
    assert "worst ratio" in capsys.readouterr().out


def test_quick_live_benchmark_times_the_page_and_headless_runs(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_live", BENCH.with_name("bench_live.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    threads = torch.get_num_threads()
    try:
        row = bench.main(["--quick", "--repeats", "1", "--json", str(tmp_path / "live.json")])
    finally:
        torch.set_num_threads(threads)
    assert row["page_s"] > 0 and row["headless_s"] > 0 and math.isfinite(row["ratio"])
    assert json.loads((tmp_path / "live.json").read_text()) == row
    assert "target: ratio <= 1.1" in capsys.readouterr().out
