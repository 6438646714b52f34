"""The TCN and the Transformer: every task kind, causality, the receptive field, sizes, budgets, seeds, the CLI."""

import dataclasses
import math
import re

import pytest
import torch

from seqlab import cli, resources
from seqlab.analysis.diagnostics import attention_table
from seqlab.app.share import ARCH_LIST
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig, receptive_field_notice
from seqlab.data import make_task
from seqlab.models.generate import sample
from seqlab.models.recurrent import build_model, count_params, equal_budget, seeded
from seqlab.presets import comparison_runs
from seqlab.training import Parallel
from seqlab.training.loop import train

BEYOND = ("tcn", "transformer")
TASKS = {
    "regression": DataConfig(task="adding", length=12, n_samples=64),
    "classification": DataConfig(task="digits", reading="rows"),
    "next-token": DataConfig(task="copy", length=6, n_samples=64),
}


@pytest.fixture(scope="module")
def tasks():
    return {kind: make_task(cfg) for kind, cfg in TASKS.items()}


def small(arch, **kw):
    return ModelConfig(arch=arch, hidden_size=kw.pop("hidden_size", 8), **kw)


@pytest.mark.parametrize("arch", BEYOND)
@pytest.mark.parametrize("kind", list(TASKS))
def test_every_task_kind_gives_the_head_its_shape_and_a_loss_that_trains(arch, kind, tasks):
    task = tasks[kind]
    with seeded(0):
        model = build_model(small(arch), task)
    x, y = task.x_train[:16], task.y_train[:16]
    output, loss = model(x, y)
    expected = (16, x.shape[1], task.output_size) if kind == "next-token" else (16, task.output_size)
    assert tuple(output.shape) == expected and math.isfinite(loss.item())
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    first = loss.item()
    for _ in range(30):
        opt.zero_grad()
        model(x, y)[1].backward()
        opt.step()
    assert model(x, y)[1].item() < first


@pytest.mark.parametrize("arch", BEYOND)
def test_no_step_sees_the_future_where_the_task_predicts_forward(arch, tasks):
    task = tasks["next-token"]
    model = build_model(small(arch), task).eval()
    x = task.x_test[:2].clone()
    changed = x.clone()
    changed[:, 10:] = (changed[:, 10:] + 1) % task.input_size
    a, b = model(x)[0], model(changed)[0]
    assert torch.equal(a[:, :10], b[:, :10]) and not torch.allclose(a[:, 10:], b[:, 10:])


def test_a_tcn_output_depends_on_exactly_the_last_receptive_field_steps(tasks):
    cfg = small("tcn", kernel_size=2, levels=2)  # sees 1 + 2 (2 - 1)(4 - 1) = 7 steps
    assert cfg.receptive_field == 7
    model = build_model(cfg, tasks["regression"]).eval()
    with torch.no_grad():  # weights large enough that no ReLU hides the edge step
        for p in model.parameters():
            p.normal_(0.0, 1.0)
    x = torch.rand(1, 12, 2)
    for step, matters in ((12 - 7, True), (12 - 8, False), (0, False)):
        moved = x.clone()
        moved[0, step] += 1.0
        assert torch.equal(model(x)[0], model(moved)[0]) != matters, step


def test_attention_rows_sum_to_one_and_masked_steps_get_none(tasks):
    model = build_model(small("transformer", num_layers=2, heads=2), tasks["regression"])
    table = attention_table(model, tasks["regression"].x_test[0])
    assert set(table["layer"]) == {0, 1} and set(table["head"]) == {0, 1}
    sums = table.groupby(["layer", "head", "query"])["weight"].sum()
    assert sums.sub(1).abs().max() < 1e-5
    assert table.loc[table["key"] > table["query"], "weight"].max() == 0


def test_a_tcn_too_short_for_the_task_gets_a_notice_with_the_levels_that_fit():
    tcn = ModelConfig(arch="tcn")
    assert re.search(r"ModelConfig.levels.*sees the last 61 steps.*100 steps.*use 5 levels",
                     receptive_field_notice(tcn, DataConfig(task="adding", length=100)))
    assert re.search(r"copy memory recalls each symbol 110 steps.*use 5 levels \(sees 125",
                     receptive_field_notice(tcn, DataConfig(task="copy", length=100)))
    assert receptive_field_notice(tcn, DataConfig(task="adding", length=61)) is None
    assert receptive_field_notice(tcn, DataConfig(task="sine", length=200)) is None  # forecasting: a shorter view
    assert receptive_field_notice(ModelConfig(arch="gru"), DataConfig(task="adding", length=1000)) is None


def test_heads_that_do_not_divide_d_model_are_refused_naming_heads_that_fit():
    with pytest.raises(ValueError, match=r"heads \(4\) must divide hidden_size \(6\).*try heads 1, 2, 3, 6"):
        ModelConfig(arch="transformer", hidden_size=6, heads=4)
    ModelConfig(arch="lstm", hidden_size=6, heads=4)  # only the Transformer reads heads
    with pytest.raises(ValueError, match="bidirectional is for recurrent cells only"):
        ModelConfig(arch="tcn", bidirectional=True)
    for name, value in (("levels", 11), ("kernel_size", 1), ("heads", 9)):
        with pytest.raises(ValueError, match=f"ModelConfig.{name} must be between"):
            ModelConfig(**{name: value})


def test_runs_logged_before_the_new_settings_keep_their_keys():
    # computed with the code before the TCN, the Transformer and the forecasting transforms existed; a forecast
    # then predicted the level of an unlogged series, which is what `target="level", log="off"` asks for now
    before = DataConfig(target="level", log="off")
    assert RunConfig(data=before).key() == "c874df25f9"
    assert RunConfig().key() != "c874df25f9"  # the default now picks a transform from the training part: a new run
    run = RunConfig(DataConfig(task="adding", length=40, target="level", log="off"), ModelConfig(arch="gru",
                                                                                              hidden_size=32))
    assert run.key() == "4e593b395a"
    assert run.replace(model=dataclasses.replace(run.model, levels=5)).key() != run.key()


@pytest.mark.parametrize("kind", list(TASKS))
def test_the_parameter_formula_matches_the_model(kind, tasks):
    shape = resources.Shape.of(tasks[kind])
    for cfg in (small("tcn", levels=3, kernel_size=4), small("tcn", hidden_size=2),
                small("transformer", num_layers=3, heads=4)):
        assert resources.param_estimate(cfg, shape) == count_params(cfg, tasks[kind])


def test_equal_budget_sizes_every_architecture_near_a_grus_parameters(tasks):
    task = tasks["regression"]
    archs = ("gru", "rnn", "lstm", "tcn", "transformer")
    sized = equal_budget([ModelConfig(arch=a, hidden_size=32, heads=4) for a in archs], task)
    budget = count_params(sized[0], task)
    for cfg in sized:
        assert abs(count_params(cfg, task) - budget) / budget < 0.15, cfg
    assert sized[-1].hidden_size % 4 == 0


def test_a_run_gives_the_same_numbers_alone_and_in_parallel_with_dropout(tasks):
    template = RunConfig(data=TASKS["regression"], model=ModelConfig(hidden_size=8, dropout=0.3, levels=3),
                         train=TrainConfig(epochs=2, batch_size=16))
    runs = comparison_runs(template, BEYOND + ("gru",), seeds=(0, 4))
    together = Parallel(runs, tasks["regression"], workers=3)
    list(together)
    for config, run in zip(runs, together.runs, strict=True):
        alone = [{k: v for k, v in rec.items() if k not in ("seconds", "elapsed", "run_name")}
                 for rec in train(config, tasks["regression"])]
        mine = [{k: v for k, v in rec.items() if k not in ("seconds", "elapsed", "run_name")} for rec in run.history]
        assert repr(mine) == repr(alone)  # repr: NaN equals NaN
    assert together.runs[0].history[-1]["val_loss"] != together.runs[1].history[-1]["val_loss"]  # seeds differ


@pytest.mark.parametrize("arch", BEYOND)
def test_a_text_model_without_recurrence_writes(arch):
    task = make_task(DataConfig(task="text", length=20, n_samples=64))
    model = build_model(small(arch, levels=3), task)
    out = sample(model, task.vocab, prompt="the", length=30, seed=1)
    assert len(out.text) == 30 and out.text == sample(model, task.vocab, prompt="the", length=30, seed=1).text


def test_links_and_the_cli_name_an_unknown_architecture():
    assert ARCH_LIST.parse("transformer,rnn,tcn") == ["rnn", "tcn", "transformer"]
    with pytest.raises(ValueError, match="unknown architecture \\(mamba\\)"):
        ARCH_LIST.parse("rnn,mamba")
    with pytest.raises(ValueError, match="--archs does not know 'mamba'"):
        cli.parse_archs("lstm,mamba", "--archs")


def test_the_cli_trains_all_five_and_writes_a_command_that_repeats_the_tcn(capsys, tmp_path):
    args = ["compare", "--task", "adding", "--length", "12", "--samples", "64", "--epochs", "1", "--hidden", "8",
            "--levels", "3", "--heads", "4", "--archs", "rnn,lstm,gru,tcn,transformer", "--quiet",
            "--results-json", str(tmp_path / "r.json")]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert all(label in out for label in ("RNN", "LSTM", "GRU", "TCN", "Transformer"))
    run = RunConfig(data=TASKS["regression"], model=ModelConfig(arch="tcn", hidden_size=8, levels=3))
    command = cli.command_for(run)
    assert "--archs tcn" in command and "--levels 3" in command
    parsed = cli.run_configs(cli._parser().parse_args(command.split()[3:]))
    assert parsed[0].model == run.model
    assert cli.main(["compare", "--task", "adding", "--length", "70", "--samples", "64", "--epochs", "1",
                     "--hidden", "4", "--archs", "tcn", "--quiet"]) == 0
    assert "warning: ModelConfig.levels" in capsys.readouterr().err
