"""The encoder-decoder: attention against a hand computation, teacher forcing against greedy decoding, seeding,
labels, scores, the CLI and the pre-flight estimate."""

import dataclasses

import pytest
import torch

from seqlab import cli, resources
from seqlab.analysis import criteria, translation
from seqlab.analysis.evaluate import headline_metric, results_table
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.models.recurrent import build_model, count_params, seeded
from seqlab.models.seq2seq import Seq2Seq
from seqlab.training.loop import run_labels, training_runs
from seqlab.training.parallel import Parallel


@pytest.fixture(scope="module")
def task():
    return make_task(DataConfig(task="dates", n_samples=256, seed=3))


def tiny(task, arch="gru", attention=True, seed=0, epochs=2):
    return RunConfig(data=DataConfig(task="dates", n_samples=256, seed=3),
                     model=ModelConfig(arch=arch, hidden_size=12, embedding_dim=6, attention=attention),
                     train=TrainConfig(epochs=epochs, batch_size=32, seed=seed))


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_attention_is_the_softmax_of_dot_products_over_real_source_characters(task, arch):
    with seeded(0):
        model = build_model(ModelConfig(arch=arch, hidden_size=8, embedding_dim=4, attention=True), task)
    x, y = task.x_train[:5], task.y_train[:5]
    inputs = torch.cat([torch.ones_like(y[:, :1]), y[:, :-1]], 1)
    enc, state, mask = model.encode(x)
    logits, _, weights = model.decode(inputs, state, enc, mask)
    dec, _ = model.decoder(model.tgt_embed(inputs), state)
    for b in range(5):  # by hand, one example at a time, on its real characters only
        real = x[b] != 0
        s = enc[b, real]  # (S_b, H)
        a = torch.softmax(dec[b] @ s.T, -1)  # (T, S_b)
        assert torch.allclose(weights[b][:, real], a, atol=1e-6)
        assert float(weights[b][:, ~real].detach().abs().sum()) == 0.0  # padding never attended
        c = a @ s
        h = torch.tanh(model.combine(torch.cat([c, dec[b]], -1)))
        assert torch.allclose(logits[b], model.head(h), atol=1e-5)


@pytest.mark.parametrize("attention", [False, True])
def test_greedy_decoding_gives_teacher_forcings_logits_when_it_follows_the_truth(task, attention):
    """Teacher forcing runs the decoder once over the whole target; greedy runs it a step at a time. Fed the same
    characters they compute the same thing, so each greedy step equals teacher forcing on its own output."""
    with seeded(1):
        model = build_model(ModelConfig(arch="lstm", hidden_size=10, embedding_dim=5, attention=attention), task)
    model.eval()
    x = task.x_train[:4]
    logits, ids, weights = model.greedy(x, steps=6)
    forced, _ = model(x, torch.cat([ids, torch.zeros_like(ids[:, :1])], 1))
    assert torch.allclose(logits, forced[:, :6], atol=1e-5)
    assert (weights is None) != attention


def test_loss_ignores_padding_and_starts_at_a_uniform_guess(task):
    with seeded(0):
        model = build_model(ModelConfig(arch="gru", hidden_size=16, embedding_dim=8), task)
    y = task.y_train[:64]
    with torch.no_grad():
        logits, loss = model(task.x_train[:64], y)
    assert abs(float(loss) - torch.log(torch.tensor(float(task.output_size)))) < 0.5
    log_p = logits.log_softmax(-1).gather(2, y.unsqueeze(-1)).squeeze(-1)  # (B, T)
    assert float(loss) == pytest.approx(float(-log_p[y != 0].mean()), rel=1e-5)  # padding counted nowhere


def test_parameter_formula_matches_the_model_and_attention_adds_w_c(task):
    shape = resources.Shape.of(task)
    for arch in ("rnn", "lstm", "gru"):
        for layers in (1, 2):
            for attention in (False, True):
                cfg = ModelConfig(arch=arch, hidden_size=20, embedding_dim=7, num_layers=layers, attention=attention)
                assert count_params(cfg, task) == resources.param_estimate(cfg, shape)
    off, on = (count_params(ModelConfig(hidden_size=20, attention=a), task) for a in (False, True))
    assert on - off == 2 * 20 * 20 + 20


def test_labels_say_attention_and_attention_is_refused_elsewhere():
    runs = [tiny(None, attention=a) for a in (True, False)]
    assert run_labels(runs) == ["GRU + attention", "GRU"]
    with pytest.raises(ValueError, match="attention is for the translation tasks"):
        RunConfig(data=DataConfig(task="adding"), model=ModelConfig(attention=True))
    with pytest.raises(ValueError, match="record_gradients"):
        RunConfig(data=DataConfig(task="dates"), train=TrainConfig(record_gradients=True))
    with pytest.raises(ValueError, match="bidirectional"):
        Seq2Seq(ModelConfig(bidirectional=True), 10, 10, 5)


def test_a_run_gives_the_same_numbers_alone_and_in_parallel(task):
    runs = [tiny(task, attention=a, seed=s) for a in (True, False) for s in (0, 1)]
    alone = training_runs(runs[:1], task)[0]
    for _ in alone:
        pass
    together = Parallel(runs, task, workers=2)
    for _ in together:
        pass
    first = together.runs[0]
    assert [h["val_loss"] for h in alone.history] == [h["val_loss"] for h in first.history]
    assert first.history[-1]["val_loss"] != together.runs[1].history[-1]["val_loss"]  # another seed


def test_results_table_scores_exact_match_and_characters_against_the_trivial_translation(task):
    session = Parallel([tiny(task, attention=True, epochs=1)], task, workers=1)
    for _ in session:
        pass
    table = results_table(session.runs, task)
    assert headline_metric(task) == "exact_match" and table.attrs["criterion"] == "translation"
    base = table[table["label"] == translation.BASELINE].iloc[0]
    assert 0.3 < base["char_accuracy"] < 0.7 and base["exact_match"] < 0.05  # "19..-0.-..", never a whole date
    model = table[table["kind"] == "model"].iloc[0]
    assert 0 <= model["char_accuracy"] <= 1 and model["level"] in criteria.LEVELS


def test_character_accuracy_counts_missing_and_extra_characters_as_wrong():
    truth = torch.tensor([[3, 4, 5, 2], [3, 4, 5, 2], [3, 4, 5, 2]])
    predicted = torch.tensor([[3, 4, 5, 2], [3, 4, 2, 0], [3, 9, 5, 5]])
    exact, right, total = translation.match_counts(predicted, truth)
    assert exact.tolist() == [1, 0, 0] and right.tolist() == [3, 2, 2] and total.tolist() == [3, 3, 4]
    assert translation.scores_from_counts(exact, right, total)["char_accuracy"] == pytest.approx(7 / 10)


def test_translation_levels_need_ninety_percent_exact_to_be_solved():
    assert criteria.level("translation", 0.95, 0.0) == criteria.SOLVED
    assert criteria.level("translation", 0.5, 0.0) == criteria.LEARNED
    assert criteria.level("translation", 0.04, 0.0) == criteria.NO_BETTER
    assert criteria.translation_level(0.0, 0.0, 0.73, 0.45) == criteria.LEARNED  # years and dashes, no whole date
    assert criteria.translation_level(0.0, 0.0, 0.47, 0.45) == criteria.NO_BETTER


def test_the_cli_trains_with_and_without_attention_and_its_command_round_trips(tmp_path, capsys):
    args = ["compare", "--task", "dates", "--archs", "gru", "--attention", "on,off", "--samples", "128",
            "--epochs", "1", "--hidden", "8", "--embedding", "4", "--seeds", "2", "--quiet"]
    assert cli.main(args) == 0
    out = capsys.readouterr().out
    assert "GRU + attention" in out and "exact_match" in out and translation.BASELINE in out
    runs = cli.run_configs(cli._parser().parse_args(args))
    command = cli.comparison_command(runs)
    assert command.count("\n") == 0 and "--attention on,off" in command and "--seeds 2" in command
    again = cli.run_configs(cli._parser().parse_args(command.split()[3:]))
    assert again == runs


@pytest.mark.parametrize("bad", ["maybe", "on,on", ""])
def test_bad_attention_values_get_one_line(bad, capsys):
    assert cli.main(["compare", "--task", "dates", "--attention", bad]) == 2
    assert "--attention must be on, off or on,off" in capsys.readouterr().err


def test_preflight_estimates_a_translation_and_refuses_one_too_big(task):
    shape = resources.Shape.of(task)
    assert shape.target_length == task.y_train.shape[1] and shape.steps == shape.length + shape.target_length
    small, big = tiny(task), tiny(task).replace(model=ModelConfig(hidden_size=512, num_layers=4, attention=True))
    budget = resources.Budget(training_bytes=300 * resources.MB, data_bytes=10**9, seconds=60)
    assert resources.check_training([small], shape, budget) == []
    big = big.replace(train=dataclasses.replace(big.train, batch_size=1024))
    refusal = resources.check_training([big], shape, budget)
    assert refusal and "try" in refusal[0]
    more_attention = resources.estimate(small.replace(model=dataclasses.replace(small.model, attention=True)), shape)
    assert more_attention.peak_bytes >= resources.estimate(small.replace(
        model=dataclasses.replace(small.model, attention=False)), shape).peak_bytes
