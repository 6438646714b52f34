"""Text generation: greedy decoding against re-running the whole prefix, top-k, seeds, prompts, modes."""

import math
import threading

import pytest
import torch
import torch.nn.functional as F

from seqlab.analysis.evaluate import evaluate
from seqlab.config import DataConfig, ModelConfig
from seqlab.data import make_task
from seqlab.data.text import Vocab
from seqlab.models.generate import MAX_LENGTH, sample, step
from seqlab.models.recurrent import build_model


@pytest.fixture(scope="module")
def text_task():
    return make_task(DataConfig(task="text", length=16, n_samples=120))


def char_model(task, arch="lstm", **kwargs):
    torch.manual_seed(1)
    return build_model(ModelConfig(arch=arch, hidden_size=16, embedding_dim=8, **kwargs), task)


@torch.no_grad()
def full_logits(model, ids: list[int]) -> torch.Tensor:
    """(len(ids), V) logits from one forward pass over the whole sequence: the oracle."""
    model.eval()
    return model(torch.tensor([ids]))[0][0]


def greedy_by_rerun(model, ids: list[int], length: int) -> list[int]:
    """Argmax decoding that re-runs the model over the whole prefix at every step."""
    ids = list(ids)
    for _ in range(length):
        ids.append(int(full_logits(model, ids)[-1].argmax()))
    return ids


@pytest.mark.parametrize("arch", ["rnn", "lstm", "gru"])
def test_temperature_zero_equals_argmax_decoding_of_the_whole_prefix(text_task, arch):
    model = char_model(text_task, arch)
    vocab = Vocab.from_symbols(text_task.vocab)
    out = sample(model, vocab, "The value", length=40, temperature=0)
    expected = greedy_by_rerun(model, vocab.encode("The value"), 40)
    assert vocab.encode(out.full) == expected


def test_temperature_near_zero_equals_argmax(text_task):
    model = char_model(text_task)
    greedy = sample(model, text_task.vocab, "import ", 60, temperature=0)
    assert sample(model, text_task.vocab, "import ", 60, temperature=1e-6, seed=3).text == greedy.text
    assert sample(model, text_task.vocab, "import ", 60, temperature=1.0, top_k=1, seed=3).text == greedy.text


def test_top_k_never_emits_a_token_outside_the_top_k(text_task):
    model, k = char_model(text_task, "gru"), 3
    vocab = Vocab.from_symbols(text_task.vocab)
    out = sample(model, vocab, "for x in", 150, temperature=5.0, top_k=k, seed=0)  # hot: near-uniform among k
    ids = vocab.encode(out.full)
    logits = full_logits(model, ids)  # (T, V)
    start = len(out.prompt)
    for t in range(start, len(ids)):
        assert ids[t] in logits[t - 1].topk(k).indices.tolist(), f"step {t}"
    assert len({ids[t] for t in range(start, len(ids))}) > 3  # it did draw, not just take the argmax


def test_the_same_seed_gives_the_same_text_and_another_seed_another(text_task):
    model = char_model(text_task)
    first, again, other = (sample(model, text_task.vocab, "a", 80, temperature=1.0, seed=s) for s in (7, 7, 8))
    assert first == again and first.text != other.text and len(first.text) == 80


def test_sampling_leaves_the_global_random_state_alone(text_task):
    model = char_model(text_task)
    state = torch.get_rng_state()
    sample(model, text_task.vocab, "a", 20, temperature=1.0)
    assert torch.equal(state, torch.get_rng_state())


def test_prompt_characters_outside_the_vocabulary_are_dropped_and_reported(text_task):
    model = char_model(text_task)
    prompt = "naïve ∑ sum ∑"
    out = sample(model, text_task.vocab, prompt, 10, temperature=0)
    unknown = "".join(dict.fromkeys(c for c in prompt if c not in text_task.vocab))
    assert "∑" in unknown and out.dropped == unknown  # each once
    assert out.prompt == "".join(c for c in prompt if c in text_task.vocab)
    assert "∑" in out.note and len(out.text) == 10


def test_an_empty_prompt_starts_from_a_line_break(text_task):
    model = char_model(text_task)
    out = sample(model, text_task.vocab, "", 10, temperature=0)
    assert out.prompt == "\n" and "empty" in out.note and len(out.text) == 10
    assert sample(model, text_task.vocab, "∑∑", 5).prompt == "\n"


def test_a_long_prompt_is_read_in_one_call_and_continues_correctly(text_task):
    model = char_model(text_task)
    prompt = "def f(x):\n    return x\n" * 20
    out = sample(model, text_task.vocab, prompt, 5, temperature=0)
    assert out.prompt == prompt
    assert Vocab.from_symbols(text_task.vocab).encode(out.full) == greedy_by_rerun(
        model, Vocab.from_symbols(text_task.vocab).encode(prompt), 5)


def test_training_mode_is_restored_and_onednn_left_alone(text_task):
    model = char_model(text_task, num_layers=2, dropout=0.5)
    model.train()
    enabled = torch.backends.mkldnn.enabled
    a = sample(model, text_task.vocab, "x", 30, temperature=0)
    b = sample(model, text_task.vocab, "x", 30, temperature=0)
    assert a == b  # dropout was off while sampling
    assert model.training and torch.backends.mkldnn.enabled == enabled


def test_cell_steps_and_fused_calls_write_the_same_greedy_text(text_task):
    model = char_model(text_task)
    fast = sample(model, text_task.vocab, "The", 50, temperature=0, fast=True)
    assert sample(model, text_task.vocab, "The", 50, temperature=0, fast=False) == fast


@pytest.mark.parametrize("kwargs, phrase", [
    ({"temperature": -0.1}, "temperature"),
    ({"temperature": math.nan}, "temperature"),
    ({"top_k": -1}, "top_k"),
    ({"top_k": 10_000}, "top_k"),
    ({"length": MAX_LENGTH + 1}, "length"),
])
def test_bad_settings_are_refused_with_the_setting_named(text_task, kwargs, phrase):
    model = char_model(text_task)
    with pytest.raises(ValueError, match=phrase):
        sample(model, text_task.vocab, "a", **{"length": 5, **kwargs})


def test_a_vocabulary_of_another_size_is_refused(text_task):
    with pytest.raises(ValueError, match="vocabulary"):
        sample(char_model(text_task), "abc", "a", 5)


def test_a_model_that_is_not_a_text_model_is_refused(adding_task, text_task):
    model = build_model(ModelConfig(hidden_size=4), adding_task)
    with pytest.raises(ValueError, match="next-token"):
        sample(model, text_task.vocab, "a", 5)


def test_bits_per_character_of_a_model_is_its_cross_entropy_over_ln2(text_task):
    model = char_model(text_task)
    scores = evaluate(model, text_task, "test")
    with torch.no_grad():
        logits = model(text_task.x_test)[0]  # (N, T, V)
        ce = float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), text_task.y_test.reshape(-1)))
    assert scores["bits_per_char"] == pytest.approx(ce / math.log(2), rel=1e-5)
    assert scores["perplexity"] == pytest.approx(math.exp(ce), rel=1e-5)


def test_vocabulary_from_symbols_keeps_the_id_order_and_round_trips(text_task):
    vocab = Vocab.from_symbols(text_task.vocab)
    text = "Return the value of x.\n"
    assert vocab.chars == text_task.vocab and vocab.decode(vocab.encode(text)) == text
    with pytest.raises(ValueError, match="twice"):
        Vocab.from_symbols("aba")


def test_sampling_never_turns_onednn_off_for_the_rest_of_the_process(text_task):
    """Another session's LSTM trains in another thread while a model samples: oneDNN must stay on for it (off, its
    steps are slower and its numbers differ in the last digits)."""
    model = char_model(text_task)
    assert torch.backends.mkldnn.enabled
    seen, done = set(), threading.Event()

    def watch():
        while not done.is_set():
            seen.add(torch.backends.mkldnn.enabled)

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        for _ in range(3):
            sample(model, text_task.vocab, "The", 400, temperature=1.0)
    finally:
        done.set()
        watcher.join()
    assert seen == {True}


@pytest.mark.parametrize("mode, layers, bias", [("LSTM", 2, True), ("GRU", 3, True), ("RNN", 2, True),
                                                 ("LSTM", 1, False), ("RNN_RELU", 2, True)])
def test_one_cell_step_computes_what_the_fused_module_computes(mode, layers, bias):
    torch.manual_seed(3)
    kind = {"RNN_RELU": "RNN"}.get(mode, mode)
    extra = {"nonlinearity": "relu"} if mode == "RNN_RELU" else {}
    rnn = getattr(torch.nn, kind)(5, 7, num_layers=layers, bias=bias, batch_first=True, **extra).eval()
    x = torch.randn(1, 6, 5)
    with torch.no_grad():
        _, state = rnn(x[:, :5])
        want_out, want_state = rnn(x[:, 5:], state)
        out, got_state = step(rnn, x[:, 5], state)
    torch.testing.assert_close(out, want_out[:, -1])
    for got, want in zip(got_state if kind == "LSTM" else [got_state], want_state if kind == "LSTM" else [want_state],
                         strict=True):
        assert got.shape == want.shape
        torch.testing.assert_close(got, want)


def test_only_the_end_of_a_very_long_prompt_is_read_with_a_note(text_task):
    out = sample(char_model(text_task), text_task.vocab, "ab" * 3000, 3, temperature=0)
    assert out.prompt == ("ab" * 3000)[-2000:] and "last 2,000" in out.note
