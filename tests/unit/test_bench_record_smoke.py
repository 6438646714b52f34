"""The performance record's new parts run end to end on tiny settings, with no Darts environment needed."""

import importlib.util
import json
import math
import sys
from pathlib import Path

import numpy as np
import torch

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load(name: str):
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up here
    spec.loader.exec_module(module)
    return module


def test_darts_benchmark_without_darts_times_seqlab_and_says_how_to_make_the_env(tmp_path, capsys):
    bench = load("bench_darts")
    out = tmp_path / "darts.json"
    threads = torch.get_num_threads()
    result = bench.main(["--quick", "--archs", "lstm", "--json", str(out)])
    assert torch.get_num_threads() == threads  # the benchmark leaves torch's threads as it found them
    assert json.loads(out.read_text()) == result
    assert result["darts_version"] is None and result["speedup"] is None  # the app's venv has no Darts
    (row,) = result["rows"]
    assert row["arch"] == "lstm" and row["steps"] >= 2
    assert row["darts_epoch_s"] is None and row["darts_extra_ms_per_step"] is None
    assert math.isfinite(row["seqlab_epoch_s"]) and row["seqlab_epoch_s"] > 0
    assert "bash benchmarks/darts_env.sh" in capsys.readouterr().out


def test_darts_gets_the_values_seqlab_windows_train_and_validate_on():
    bench = load("bench_darts")
    window = bench.QUICK["window"]
    task = bench.make_task(bench.seqlab_run(bench.QUICK, "gru").data)
    train, val = bench.darts_values(task, window)
    assert train.dtype == val.dtype == np.float32  # float64 would make Darts train in double precision
    assert len(train) - window == len(task.x_train)  # one Darts sample per seqlab window
    assert len(val) - window == len(task.x_val)
    np.testing.assert_allclose(train[:window], task.x_train[0, :, 0].numpy(), rtol=1e-6)
    np.testing.assert_allclose(val[-window - 1:-1], task.x_val[-1, :, 0].numpy(), rtol=1e-6)
    np.testing.assert_allclose(val[-1], task.y_val[-1, 0].numpy(), rtol=1e-6)


def test_run_all_writes_one_table_with_a_row_saying_how_to_make_the_missing_darts_env(tmp_path, capfd):
    run_all = load("run_all")
    markdown, rows_json = tmp_path / "record.md", tmp_path / "record.json"
    rows = run_all.main(["--quick", "--only", "train", "darts", "--darts-python", str(tmp_path / "no-python"),
                         "--markdown", str(markdown), "--json", str(rows_json)])
    assert json.loads(rows_json.read_text()) == rows
    trains = [r for r in rows if r["benchmark"].startswith("bench_train ")]
    bench_train = load("bench_train")
    assert len(trains) == len(bench_train.ARCHS) * len(bench_train.CONFIGS)  # every config and architecture
    assert all(r["ratio"] > 0 and r["target"] == "≤ 1.05" for r in trains)
    (darts,) = [r for r in rows if r["benchmark"].startswith("bench_darts")]
    assert darts["ratio"] is None and darts["met"] is None and "darts_env.sh" in darts["compared"]
    text = markdown.read_text()
    assert text.startswith("| benchmark |") and "| n/a |" in text and "QUICK" in text
    assert "Performance record" in capfd.readouterr().out


def test_cold_start_benchmark_opens_the_lab_and_the_reference_page_in_chromium(tmp_path, capsys):
    bench = load("bench_cold_start")
    out = tmp_path / "cold.json"
    row = bench.main(["--quick", "--json", str(out)])
    assert json.loads(out.read_text()) == row
    assert row["url_path"] == "/Lab" and len(row["app_all_s"]) == len(row["reference_all_s"]) == 1
    for name in ("app", "reference"):
        assert 0 < row[f"{name}_up_s"] <= row[f"{name}_title_s"] <= row[f"{name}_s"]
    assert "target <= 1.3" in capsys.readouterr().out


def test_cold_start_reference_page_imports_torch_and_draws_one_chart():
    bench = load("bench_cold_start")
    source = bench.REFERENCE_PAGE
    compile(source, "reference.py", "exec")
    assert "import torch" in source and source.count("st.altair_chart(") == 1
