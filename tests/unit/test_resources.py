"""The pre-flight estimate: what this process may use, peaks against measurements, refusals that name a fix,
evaluation in batches that fit, and a wall-time budget that covers scoring as well as training."""

import dataclasses
import importlib.util
import re
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

from seqlab import resources
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.models.recurrent import build_model
from seqlab.training import scoring as ev  # where scoring lives: patched there, it is patched for training too
from seqlab.training.loop import TrainingRun

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_resources.py"
SMALL = RunConfig(data=DataConfig(task="adding", length=10, n_samples=200), model=ModelConfig(hidden_size=8),
                  train=TrainConfig(epochs=50, batch_size=10, max_seconds=80))


def cgroup(tmp_path: Path, **files: str) -> str:
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text + "\n")
    return str(tmp_path)


def test_a_v2_memory_limit_is_read_and_max_means_none(tmp_path):
    assert resources.cgroup_memory_limit(cgroup(tmp_path, memory__max="1073741824")) == 2**30
    assert resources.cgroup_memory_limit(cgroup(tmp_path, memory__max="max")) is None
    assert resources.cgroup_memory_limit(str(tmp_path / "absent")) is None


def test_the_cpu_quota_cuts_the_affinity(tmp_path):
    root = cgroup(tmp_path, cpu__max="150000 100000")
    assert resources.cgroup_cpu_quota(root) == 1.5
    assert resources.usable_cpus(root) == 1  # 1.5 CPUs of time: one training at a time keeps a steady pace
    assert resources.cgroup_cpu_quota(cgroup(tmp_path, cpu__max="max 100000")) is None


def test_without_a_quota_the_affinity_counts(tmp_path, monkeypatch):
    monkeypatch.setattr(resources.os, "sched_getaffinity", lambda pid: {0, 1, 2})
    assert resources.usable_cpus(str(tmp_path)) == 3


def test_the_parameter_formula_matches_the_model():
    task = make_task(DataConfig(task="copy", length=20, n_samples=64))
    shape = resources.Shape.of(task)
    for arch in ("rnn", "lstm", "gru"):
        cfg = ModelConfig(arch=arch, hidden_size=24, num_layers=3)
        assert resources.param_estimate(cfg, shape) == sum(p.numel() for p in build_model(cfg, task).parameters())


def load_bench():
    spec = importlib.util.spec_from_file_location("bench_resources", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench


# Of bench_resources.CASES: steps, scoring and a recording. Not the vanilla RNN's recording: the same case peaks
# anywhere between 50 and 670 MB from one process to the next, and the estimate covers the worst.
MEASURED = [2, 4, 7, 10]


@pytest.mark.bench  # tens of seconds: out of the fast loop, in CI (pytest --all)
@pytest.mark.parametrize("index", MEASURED)
def test_the_estimate_lies_above_the_measured_peak_within_its_factor(index):
    bench = load_bench()
    row = bench.measure(bench.CASES[index])
    assert row["measured"] <= row["estimated"] <= bench.FACTOR * row["measured"], row


def test_evaluation_batches_shrink_for_long_sequences_and_big_states():
    shape = resources.Shape(1000, 2, 1, "regression", False, 0, 600, 600)
    big = ModelConfig(hidden_size=512, num_layers=4)
    assert resources.eval_batch_size(big, shape) <= 8
    assert resources.eval_sequence_bytes(big, shape) * resources.eval_batch_size(big, shape) <= resources.EVAL_BYTES
    assert resources.eval_batch_size(ModelConfig(), dataclasses.replace(shape, length=50)) == 512


def refusal_for(run, shape, budget):
    refusals = resources.check_training([run], shape, budget)
    assert len(refusals) == 1
    return refusals[0]


def test_a_refusal_names_the_setting_and_a_value_that_fits():
    shape = resources.Shape(1000, 2, 1, "regression", False, 35_000, 7500, 7500)
    run = RunConfig(model=ModelConfig(hidden_size=256), train=TrainConfig(batch_size=1024))
    budget = resources.Budget(training_bytes=1500 * resources.MB, data_bytes=0, seconds=3600)
    text = refusal_for(run, shape, budget)
    assert "batch 1024" in text and "allows 1.5 GB per training" in text
    batch = int(re.search(r"try batch (\d+)", text).group(1))
    fits = dataclasses.replace(run.train, batch_size=batch)
    twice = dataclasses.replace(run.train, batch_size=2 * batch)
    assert resources.estimate(run.replace(train=fits), shape).peak_bytes <= budget.training_bytes
    assert resources.estimate(run.replace(train=twice), shape).peak_bytes > budget.training_bytes


def test_a_run_that_fits_is_not_refused_but_told_how_many_epochs_fit():
    shape = resources.Shape(100, 2, 1, "regression", False, 7000, 1500, 1500)
    run = RunConfig(train=TrainConfig(epochs=500))
    budget = resources.Budget(training_bytes=2**30, data_bytes=0, seconds=60)
    assert resources.check_training([run], shape, budget) == []
    notice = resources.time_notice([run], shape, budget)
    assert notice and "of its 500 epochs" in notice
    assert resources.time_notice([run.replace(train=TrainConfig(epochs=1))], shape, budget) is None


def test_a_first_epoch_far_past_the_time_budget_is_refused():
    shape = resources.Shape(1000, 2, 1, "regression", False, 35_000, 7500, 7500)
    run = RunConfig(model=ModelConfig(hidden_size=256, num_layers=2), train=TrainConfig(batch_size=8))
    text = refusal_for(run, shape, resources.Budget(training_bytes=2**40, data_bytes=0, seconds=5))
    assert "for its first epoch" in text and "allows 5 s per training" in text and "try" in text


class Clock:
    """A fake perf_counter that moves one second on every forward pass: timings without waiting."""

    def __init__(self):
        self.now = 0.0

    def perf_counter(self):
        return self.now

    def tick(self, *_):
        self.now += 1.0


@pytest.fixture
def clock(monkeypatch):
    fake = Clock()
    for module in ("seqlab.training.scoring", "seqlab.training.loop"):
        monkeypatch.setattr(f"{module}.time", SimpleNamespace(perf_counter=fake.perf_counter))
    monkeypatch.setattr(ev, "batch_size_for", lambda model, x: 5)  # 30 validation sequences: 6 batches
    return fake


def test_scoring_stops_starting_batches_once_its_time_is_up(clock):
    task = make_task(SMALL.data)
    model = build_model(SMALL.model, task)
    model.register_forward_hook(clock.tick)
    scores = ev.evaluate(model, task, "val", seconds=2.5)
    assert scores["scored"] == 15 and clock.now == 3.0  # batches start at 0, 1 and 2 s: one batch past 2.5 s
    first = dataclasses.replace(task, x_val=task.x_val[:15], y_val=task.y_val[:15])
    assert scores["loss"] == pytest.approx(ev.evaluate(model, first, "val")["loss"])


def test_the_time_budget_covers_scoring_and_is_passed_by_one_batch_at_most(clock):
    task = make_task(SMALL.data)
    run = TrainingRun(SMALL, task)
    run.model.register_forward_hook(clock.tick)
    history = list(run)
    assert run.status == "out of time" and 1 < len(history) < SMALL.train.epochs
    assert "training and scoring" in run.reason
    assert all(rec["elapsed"] <= SMALL.train.max_seconds + 1.0 for rec in history)
    assert run.elapsed == pytest.approx(clock.now)  # every second spent, scoring included, is counted


def test_a_split_scored_in_batches_equals_one_scored_at_once():
    task = make_task(DataConfig(task="copy", length=20, n_samples=300))
    torch.manual_seed(0)
    model = build_model(ModelConfig(hidden_size=16), task)
    whole = ev.evaluate(model, task, "val")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ev, "batch_size_for", lambda model, x: 7)
        pieces = ev.evaluate(model, task, "val")
    assert pieces["loss"] == pytest.approx(whole["loss"], rel=1e-6)
    assert pieces["accuracy"] == pytest.approx(whole["accuracy"]) and "scored" not in pieces


def test_a_budget_spent_before_the_first_epoch_ends_the_run_there_with_a_partial_score(clock):
    task = make_task(SMALL.data)
    run = TrainingRun(SMALL.replace(train=dataclasses.replace(SMALL.train, max_seconds=20)), task)
    run.model.register_forward_hook(clock.tick)
    history = list(run)  # scoring 140 training sequences for the untrained model alone takes 28 s here
    assert [rec["epoch"] for rec in history] == [0] and run.status == "out of time"
    assert run.elapsed <= 20 + 1.0 and history[0]["val_loss"] == history[0]["val_loss"]  # a number, not NaN


def test_the_check_costs_a_sliver_of_a_lab_run_and_the_record_reads_it():
    bench = load_bench()
    cost = bench.check_cost(epochs=1)
    assert 0 < cost["check_seconds"] < cost["training_seconds"]
    spec = importlib.util.spec_from_file_location("run_all", BENCH.parent / "run_all.py")
    run_all = importlib.util.module_from_spec(spec)
    import sys

    sys.modules["run_all"] = run_all  # its dataclasses look their module up here
    spec.loader.exec_module(run_all)
    case = {"case": "train lstm", "measured": 100, "estimated": 150, "ratio": 1.5, "ok": True}
    rows = run_all.resources_rows({"cases": [case], "check": cost})
    assert [r.ratio for r in rows] == [1.5, cost["ratio"]] and rows[0].met


def test_many_seeds_of_a_wide_model_are_refused_together_with_the_seeds_that_fit():
    from seqlab.presets import comparison_runs

    shape = resources.Shape(5, 2, 1, "regression", False, 1400, 300, 300)
    template = RunConfig(model=ModelConfig(hidden_size=512, num_layers=4), train=TrainConfig(batch_size=8))
    budget = resources.Budget(training_bytes=250 * resources.MB, data_bytes=0, seconds=300,
                              comparison_bytes=500 * resources.MB)
    one = comparison_runs(template, seeds=(0,))
    assert resources.check_training(one, shape, budget) == []  # each run alone fits
    text = resources.check_training(comparison_runs(template, seeds=range(10)), shape, budget)[0]
    fit = int(re.search(r"try at most (\d+) seeds?", text).group(1))
    assert "30 runs (3 architectures × 10 seeds)" in text and 1 <= fit < 10
    assert resources.check_training(comparison_runs(template, seeds=range(fit)), shape, budget) == []
    assert resources.check_training(comparison_runs(template, seeds=range(fit + 1)), shape, budget)
