"""Downloads of a trained text model: its weights (state dict) and its vocabulary, read back safely."""

import json
import pickle

import pytest
import torch

from seqlab.config import DataConfig, ModelConfig
from seqlab.data import make_task
from seqlab.export import load_state_dict_bytes, state_dict_bytes, vocab_from_json, vocab_json
from seqlab.models.generate import sample
from seqlab.models.recurrent import build_model


@pytest.fixture(scope="module")
def text_task():
    return make_task(DataConfig(task="text", length=16, n_samples=120))


def test_weights_round_trip_into_a_fresh_model_that_generates_the_same_text(text_task):
    cfg = ModelConfig(arch="gru", hidden_size=12, embedding_dim=6)
    torch.manual_seed(0)
    trained = build_model(cfg, text_task)
    data = state_dict_bytes(trained)
    torch.manual_seed(1)
    fresh = build_model(cfg, text_task)
    fresh.load_state_dict(load_state_dict_bytes(data))
    for name, tensor in trained.state_dict().items():
        assert torch.equal(fresh.state_dict()[name], tensor), name
    assert sample(fresh, text_task.vocab, "x = ", 40, temperature=0) == sample(trained, text_task.vocab, "x = ", 40,
                                                                                temperature=0)


@pytest.mark.parametrize("arch", ["tcn", "transformer"])
def test_a_model_without_recurrence_round_trips_and_writes_the_same_text(arch, text_task):
    cfg = ModelConfig(arch=arch, hidden_size=12, embedding_dim=6, levels=2)
    torch.manual_seed(0)
    trained = build_model(cfg, text_task)
    trained(text_task.x_train[:4], text_task.y_train[:4])  # a training step's forward: a Transformer notes the length
    fresh = build_model(cfg, text_task)
    fresh.load_state_dict(load_state_dict_bytes(state_dict_bytes(trained)))
    assert sample(fresh, text_task.vocab, "x = ", 40, seed=3) == sample(trained, text_task.vocab, "x = ", 40, seed=3)


def test_loading_refuses_a_file_that_would_run_code():
    class Evil:
        def __reduce__(self):
            return (print, ("this must never run",))

    with pytest.raises(pickle.UnpicklingError):
        load_state_dict_bytes(pickle.dumps({"weight": Evil()}, protocol=2))


def test_vocabulary_json_round_trip_keeps_every_symbol_in_id_order(text_task):
    text = vocab_json(text_task.vocab)
    assert vocab_from_json(text) == text_task.vocab
    payload = json.loads(text)
    assert payload["tokens"] == "char" and "classes" not in payload


def test_a_classifier_vocabulary_carries_its_classes():
    payload = json.loads(vocab_json(("<pad>", "<unk>", "good"), tokens="word", classes=("neg", "pos")))
    assert payload["classes"] == ["neg", "pos"] and payload["tokens"] == "word"


@pytest.mark.parametrize("text", ['{"symbols": ["a"]}', "[1, 2]", '{"format": "seqlab-vocab/1", "symbols": [1]}',
                                  "not json"])
def test_anything_else_is_not_read_as_a_vocabulary(text):
    with pytest.raises(ValueError):
        vocab_from_json(text)
