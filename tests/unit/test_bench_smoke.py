"""Every benchmark still runs end to end on a tiny setting (timings are never asserted here)."""

import math

import torch

from tests.helpers import run_bench

ARCHS = ("rnn", "lstm", "gru")
ALL_ARCHS = (*ARCHS, "tcn", "transformer")  # bench_train times every architecture




def finite(row: dict, keys) -> bool:
    return all(math.isfinite(row[k]) and row[k] > 0 for k in keys)


def test_training_benchmark_gives_a_finite_row_per_config_and_arch(tmp_path, capsys):
    bench, rows = run_bench("bench_train", ["--quick", "--threads", "1"], tmp_path)
    assert {(r["config"], r["arch"]) for r in rows} == {(c, a) for c in bench.CONFIGS for a in ALL_ARCHS}
    assert all(r["steps"] >= 2 and finite(r, ("plain_ms", "seqlab_ms", "ratio")) for r in rows)
    assert "worst ratio" in capsys.readouterr().out


def test_live_benchmark_times_the_page_and_headless_runs(tmp_path, capsys):
    _, row = run_bench("bench_live", ["--quick", "--repeats", "1"], tmp_path)
    assert finite(row, ("page_s", "headless_s", "ratio")) and len(row["pair_ratios"]) == 1
    assert "target: ratio <= 1.1" in capsys.readouterr().out


def test_generation_benchmark_gives_a_finite_row_per_arch(tmp_path, capsys):
    _, rows = run_bench("bench_generate", ["--quick", "--threads", "1"], tmp_path)
    *rows, cost = rows
    assert [r["arch"] for r in rows] == list(ARCHS)
    assert all(r["length"] == 50 and r["hidden"] == 16 for r in rows)
    assert all(finite(r, ("cells_cps", "fused_cps", "fused_no_onednn_cps", "speedup")) for r in rows)
    assert finite(cost, ("training_step_off_over_on",))
    assert "sampling leaves oneDNN on" in capsys.readouterr().out
    assert torch.backends.mkldnn.enabled  # the benchmark leaves oneDNN as it found it


def test_diagnostics_benchmark_gives_a_finite_row_per_config_and_arch(tmp_path, capsys):
    bench, rows = run_bench("bench_diagnostics", ["--quick", "--threads", "1", "--probe-size", "8"], tmp_path)
    assert {(r["config"], r["arch"]) for r in rows} == {(c, a) for c in bench.CONFIGS for a in ARCHS}
    assert all(r["steps"] >= 2 and r["probe_size"] == 8 for r in rows)
    assert all(finite(r, ("off_ms", "on_ms", "ratio", "probe_ms")) for r in rows)
    assert "worst ratio" in capsys.readouterr().out


def test_demo_benchmark_concludes_every_demo_headless(tmp_path, capsys):
    _, rows = run_bench("bench_demos", ["--quick"], tmp_path)
    from seqlab.demos import DEMOS
    assert [r["demo"] for r in rows] == [demo.key for demo in DEMOS]
    assert {"forgetting", "memory", "forecast", "spelling", "attention"} <= {r["demo"] for r in rows}
    assert all(r["headless_s"] > 0 and r["conclusion"] for r in rows)
    assert "headless" in capsys.readouterr().out


def test_epoch_profile_finds_onednn_kernels_for_the_lstm_only(tmp_path, capsys):
    _, rows = run_bench("profile_epoch", ["--epochs", "1", "--hidden", "8", "--points", "300"], tmp_path)
    share = {r["arch"]: r["fused_share"] for r in rows}
    assert share["lstm"] > 0.2 and share["rnn"] == share["gru"] == 0.0  # torch's CPU build fuses only the LSTM
    assert all(r["epoch_ms"] > 0 and len(r["top_ops"]) == 3 for r in rows)
    assert "in oneDNN" in capsys.readouterr().out


def test_baselines_benchmark_scores_the_counted_ngrams(tmp_path, capsys):
    _, rows = run_bench("bench_baselines", ["--quick"], tmp_path)
    bits = {r["baseline"]: r["test_bits_per_char"] for r in rows}
    assert bits["character 5-gram"] < bits["character 3-gram"] < bits["symbol frequencies"]
    assert "bits/char" in capsys.readouterr().out


def test_parallel_benchmark_times_both_comparisons_at_each_core_count(tmp_path, capsys):
    import os

    affinity = os.sched_getaffinity(0)
    _, result = run_bench("bench_parallel", ["--quick", "--cores", "1", "2"], tmp_path)
    assert os.sched_getaffinity(0) == affinity  # the benchmark gives back every core it narrowed to
    assert [r["cores"] for r in result["rows"]] == [c for c in (1, 2) if c <= len(affinity)]  # each truly narrowed
    assert all(finite(r, ("serial_3", "parallel_3", "parallel_9")) and len(r["run_seconds"]) == 3
               for r in result["rows"])
    assert "parallel / serial" in capsys.readouterr().out or len(affinity) < 2


def test_sweep_benchmark_times_the_local_engine_against_serial_runs(tmp_path, capsys):
    _, result = run_bench("bench_sweep", ["--quick", "--no-ray"], tmp_path)
    assert finite(result["local"], ("serial", "local", "ratio", "mean_run"))
    assert result["ray"] is None and finite(result["extrapolated"], ("serial_300", "local_2_cores_300"))
    assert "extrapolated, not measured" in capsys.readouterr().out


def test_audio_benchmark_times_the_synthesis_against_bare_sines(tmp_path, capsys):
    _, row = run_bench("bench_audio", ["--quick"], tmp_path)
    assert row["notes"] == 3 and row["samples"] == round(row["audio_seconds"] * row["rate"])
    assert finite(row, ("synth_seconds", "floor_seconds", "synth_over_floor", "seconds_per_10s_audio"))
    assert "target: ≤ 0.2 s" in capsys.readouterr().out
