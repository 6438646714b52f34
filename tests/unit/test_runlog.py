import contextlib
import dataclasses
import io
import json
import math
import shlex

import pandas as pd
import pytest

from seqlab import cli
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.export import read_results_json
from seqlab.training import runlog
from tests.helpers import trained


def test_the_log_keeps_the_newest_runs_and_counts_the_dropped():
    log = runlog.RunLog(limit=3)
    log.add(trained())
    log.add(trained(seed=1))
    assert [r.id for r in log.runs] == [2, 3, 4] and log.dropped == 1
    assert log.runs[-1].weights and log.runs[-1].config.train.seed == 1


def test_a_saved_run_holds_its_history_result_and_baselines():
    rnn, gru = trained()
    assert rnn.label == "RNN" and rnn.epochs_trained == 2 and len(rnn.history) == 3
    assert rnn.result["label"] == "RNN" and rnn.headline == "mse" and rnn.baselines
    table = runlog.summary_table([rnn, gru])
    assert list(table["arch"]) == ["RNN", "GRU"] and len(table.loc[0, "curve"]) == 3


def test_smoothing_is_tensorboards_debiased_average():
    assert runlog.smooth([1.0, 2.0, 3.0], 0) == [1.0, 2.0, 3.0]
    assert runlog.smooth([5.0, 5.0, 5.0], 0.9) == pytest.approx([5.0, 5.0, 5.0])  # no pull towards zero
    noisy = [1.0, 3.0] * 10
    smoothed = runlog.smooth(noisy, 0.8)
    assert pd.Series(smoothed[5:]).std() < pd.Series(noisy[5:]).std() / 3
    gap = runlog.smooth([1.0, float("nan"), 3.0], 0.5)
    assert math.isnan(gap[1]) and gap[2] == pytest.approx((0.25 + 1.5) / 0.75)


def test_results_json_round_trip_through_the_import():
    saved = trained()
    payload = read_results_json(json.dumps(runlog.results_payload(saved)).encode())
    back = runlog.from_results(payload, "imported from r.json")
    assert [b.config for b in back] == [s.config for s in saved]
    assert [b.final("val_loss") for b in back] == pytest.approx([s.final("val_loss") for s in saved])
    assert back[0].weights is None and back[0].result["mse"] == pytest.approx(saved[0].result["mse"])


@pytest.mark.parametrize("text, words", [
    (b"{not json", "not valid JSON"), (b'{"format": "something-else"}', "not a seqlab results file"),
    (b"[1, 2, 3]", "not a seqlab results file"),
    (json.dumps({"format": "seqlab-results/1", "task": {}, "runs": "x", "results": [], "history": []}).encode(),
     '"runs" part'),
    (json.dumps({"format": "seqlab-results/1", "task": {}, "runs": [{"label": "RNN", "status": "done",
                 "config": {"model": {"hidden_size": 99999}}}], "results": [], "history": []}).encode(),
     "hidden_size"),
])
def test_a_bad_results_file_is_refused_with_the_reason(text, words):
    with pytest.raises(ValueError, match=words):
        read_results_json(text)


@pytest.mark.parametrize("run", [
    RunConfig(),
    RunConfig(DataConfig(task="adding", length=30, n_samples=500, seed=7),
              ModelConfig(arch="gru", hidden_size=17, num_layers=2, dropout=0.25),
              TrainConfig(epochs=3, batch_size=16, lr=3e-3, optimizer="sgd", clip=0.0, seed=3, max_seconds=60,
                          record_gradients=True)),
    RunConfig(DataConfig(task="text", corpus="upload", length=40, val_fraction=0.2, test_fraction=0.1),
              ModelConfig(arch="lstm", forget_bias=1.0, embedding_dim=16)),
    RunConfig(DataConfig(task="stock", ticker="BRK-B", start="2015-01-02", end="2020-01-02", column="Close")),
    RunConfig(DataConfig(task="sentiment", tokens="word", text_column="review text", label_column="it's"),
              ModelConfig(bidirectional=True)),
])
def test_the_command_parses_back_to_the_same_config(run):
    words = shlex.split(cli.command_for(run, "my file.csv"))
    assert words[:3] == ["python", "-m", "seqlab"]
    parsed = cli._parser().parse_args(words[3:])
    assert cli.run_configs(parsed)[0] == run


def test_the_reproduce_snippets_give_the_same_final_losses(tmp_path, monkeypatch):
    """Trained as the app trains (two architectures interleaved, the GRU stopped after its second epoch),
    the GRU's command and Python snippet each train it again to the same losses, digit for digit."""
    rnn, gru = trained(stop_after=5, epochs=4)  # records RNN 0, GRU 0, RNN 1, GRU 1, RNN 2: the GRU trained 1 epoch
    assert gru.status == "stopped" and gru.epochs_trained == 1
    shown = runlog.reproduce(gru)
    monkeypatch.chdir(tmp_path)
    assert cli.main(shlex.split(shown.command)[3:] + ["--quiet"]) == 0
    again = pd.read_csv(tmp_path / "history.csv").iloc[-1]
    assert again["epoch"] == gru.epochs_trained
    assert (again["train_loss"], again["val_loss"]) == (gru.final("train_loss"), gru.final("val_loss"))
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(shown.python, {})
    assert out.getvalue().split() == [repr(gru.final("train_loss")), repr(gru.final("val_loss"))]


def test_a_stopped_run_is_reproduced_with_the_epochs_it_trained():
    saved = trained(archs=("lstm",), stop_after=2, epochs=5)[0]
    assert saved.status == "stopped" and saved.epochs_trained == 1
    assert saved.reproducible().train.epochs == 1 and "--epochs 1" in runlog.reproduce(saved).command
    assert dataclasses.replace(saved, status="done").reproducible().train.epochs == 5


def test_runs_sharing_a_label_read_back_each_with_its_own_history():
    first, again = trained(archs=("gru",)), trained(archs=("gru",))  # the same settings twice
    other = trained(archs=("gru",), seed=1, stop_after=2)  # the same label, other settings, stopped early
    log = runlog.RunLog()
    saved = log.add(first + again + other)
    back = runlog.from_results(read_results_json(json.dumps(runlog.results_payload(saved))), "imported")
    assert [len(b.history) for b in back] == [len(s.history) for s in saved] == [3, 3, 2]
    assert [b.label for b in back] == ["GRU #1", "GRU #2", "GRU"]  # numbered only where label and settings agree
    assert [b.result["mse"] for b in back] == pytest.approx([s.result["mse"] for s in saved])


def test_weights_beyond_the_byte_limit_go_oldest_first_and_the_runs_stay():
    runs = trained() + trained(seed=1) + trained(seed=2)  # six runs, each with its weights
    sizes = [len(r.weights) for r in runs]
    log = runlog.RunLog(limit=30, max_weight_bytes=sum(sizes[-3:]))  # room for the newest three runs' weights
    for i in range(0, 6, 2):
        log.add(runs[i:i + 2])
    assert [r.weights is None for r in log.runs] == [True] * 3 + [False] * 3
    assert [r.weights_dropped for r in log.runs] == [True] * 3 + [False] * 3 and log.weights_dropped == 3
    assert log.weight_bytes == sum(sizes[-3:]) and len(log.runs) == 6 and log.dropped == 0
    assert [len(r.history) for r in log.runs] == [len(r.history) for r in runs]  # histories and results kept
    assert all(r.result for r in log.runs)


def test_runs_that_differ_only_in_their_seed_are_counted_together():
    import pandas as pd

    from seqlab.training.runlog import seeds_table

    base = {"source": "Lab", "task": "Adding", "arch": "LSTM", "headline": "mse", "hidden_size": 8, "num_layers": 1,
            "dropout": 0.0, "lr": 0.01, "batch_size": 64, "clip": 1.0, "optimizer": "adam", "length": 10}
    rows = [{**base, "seed": s, "headline_value": v, "val_loss": v, "level": level}
            for s, v, level in ((0, 0.01, "solved"), (1, 0.03, "solved"), (2, 0.17, "no better than the baseline"))]
    rows.append({**base, "lr": 0.1, "seed": 0, "headline_value": 0.2, "val_loss": 0.2, "level": "solved"})  # alone
    over = seeds_table(pd.DataFrame(rows))
    assert len(over) == 1 and over.iloc[0]["seeds"] == 3 and over.iloc[0]["solved"] == "2 of 3"
    assert abs(over.iloc[0]["test metric"] - 0.07) < 1e-9


def test_runs_of_one_task_from_two_pages_are_named_by_page_and_settings():
    lab = runlog.RunLog()
    saved = trained(archs=("gru",))
    grad = [dataclasses.replace(s, source="Gradient flow") for s in saved]
    first, second = lab.add(saved + grad)
    assert first.task == second.task and first.label == second.label  # same task, same architecture...
    assert first.name.removeprefix("#1") != second.name.removeprefix("#2")  # ...told apart without the number
    assert " · Lab · " in first.name and " · Gradient flow · " in second.name
    assert "hidden 8, lr 0.01, 2 epochs, batch 32" in first.name
    other = dataclasses.replace(saved[0], config=saved[0].config.replace(
        model=dataclasses.replace(saved[0].config.model, hidden_size=16, num_layers=2)))
    assert "hidden 16 × 2 layers" in other.name
