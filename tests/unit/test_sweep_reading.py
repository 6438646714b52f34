"""A sweep's files read back for a view: plain CSV, each part checked, sizes capped, clear sentences."""

import math

import pandas as pd
import pytest

from seqlab.charts.sweeps import setting_chart
from seqlab.sweep.reading import (
    MAX_SWEEP_BYTES,
    MAX_SWEEP_RUNS,
    point_table,
    read_history,
    read_results,
    swept_settings,
)


def test_results_read_back_with_their_settings_and_the_grid_table_aggregates_seeds(sweep):
    results = read_results(sweep[0])
    assert len(results) == 8 and set(results["label"]) == {"RNN", "GRU"}
    assert swept_settings(results) == ["model.arch", "model.hidden_size", "train.seed"]
    table = point_table(results)
    assert len(table) == 4 and set(table["runs"]) == {2} and set(table["metric"]) == {"mse"}
    one = results[(results["model.arch"] == "gru") & (results["model.hidden_size"] == 6)]
    row = table[(table["model.arch"] == "gru") & (table["model.hidden_size"] == 6)].iloc[0]
    assert math.isclose(row["mean"], one["test_mse"].mean()) and math.isclose(row["sd"], one["test_mse"].std())


def test_history_joins_its_runs_settings_and_the_setting_chart_draws_runs_and_means(sweep):
    results = read_results(sweep[0])
    history = read_history(sweep[1], results)
    assert len(history) == 8 * 3 and {"label", "train.seed", "model.hidden_size"} <= set(history.columns)
    spec = setting_chart(results, "model.hidden_size").to_dict()
    points, means = spec["layer"]
    assert points["mark"]["type"] == "circle" and means["mark"]["type"] == "line"
    assert len(spec["datasets"][means["data"]["name"]]) == 4  # 2 architectures x 2 sizes, seeds averaged


def damaged(data: bytes, column: str, value: str) -> bytes:
    frame = pd.read_csv(pd.io.common.BytesIO(data), dtype=str, keep_default_na=False)
    frame.loc[0, column] = value
    return frame.to_csv(index=False).encode()


@pytest.mark.parametrize("change, words", [
    (lambda r: b"\x89PNG\r\n\x1a\n\x00\xff", ["not UTF-8"]),
    (lambda r: b"", ["is empty"]),
    (lambda r: b"key,status,config\n", ["holds no rows"]),
    (lambda r: b"a,b\n1,2\n", ["no key, status, config column"]),
    (lambda r: b"x" * (MAX_SWEEP_BYTES + 1), ["larger than 5 MB"]),
    (lambda r: damaged(r, "val_loss", "lots"), ["'val_loss' in line 2 is not a number"]),
    (lambda r: damaged(r, "key", "../../etc"), ["key is not 10 hexadecimal"]),
    (lambda r: damaged(r, "status", "pwned"), ["unknown status"]),
    (lambda r: damaged(r, "config", '{"model": {"hidden_size": 100000}}'), ["line 2 is not valid",
                                                                            "between 1 and 512"]),
    (lambda r: damaged(r, "config", "{not json"), ["not valid JSON"]),
    (lambda r: damaged(r, "reason", "x" * 500), ["longer than 200"]),
])
def test_a_bad_results_file_is_refused_with_a_sentence(sweep, change, words):
    with pytest.raises(ValueError) as caught:
        read_results(change(sweep[0]))
    for word in words:
        assert word in str(caught.value)


def test_too_many_runs_are_refused_before_their_configs_are_read():
    header = "key,status,config\n"
    rows = "".join(f"{i:010x},done,{{}}\n" for i in range(MAX_SWEEP_RUNS + 1))
    with pytest.raises(ValueError, match=f"more than {MAX_SWEEP_RUNS:,} rows"):
        read_results((header + rows).encode())


@pytest.mark.parametrize("change, words", [
    (lambda h: damaged(h, "epoch", "900"), ["epoch outside"]),
    (lambda h: damaged(h, "key", "0123456789"), ["runs that its results file does not"]),
    (lambda h: damaged(h, "train_loss", "=cmd()"), ["'train_loss' in line 2 is not a number"]),
    (lambda h: b"key,epoch\n0123456789,1\n", ["no train_loss, val_loss column"]),
])
def test_a_bad_history_file_is_refused_with_a_sentence(sweep, change, words):
    results = read_results(sweep[0])
    with pytest.raises(ValueError) as caught:
        read_history(change(sweep[1]), results)
    for word in words:
        assert word in str(caught.value)
