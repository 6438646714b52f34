"""Melodies from a next-note model: writing them (batched and one by one agree), the in-key share, the next pitch
guessed right, the callback that writes them after every epoch, the Bach demo's check, and the CLI's melodies."""

import io
import math
import wave

import pytest
import torch

from seqlab import demos
from seqlab.analysis import demo_checks, music, ngram, recorders
from seqlab.analysis.report import summarise
from seqlab.cli import main
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task
from seqlab.data.notes import END, Event
from seqlab.models import generate
from seqlab.models.recurrent import build_model
from seqlab.training.loop import TrainingRun

DATA = DataConfig(task="chorales", length=16)


@pytest.fixture(scope="module")
def task():
    return make_task(DATA)


def model_for(task, arch="gru", seed=0):
    torch.manual_seed(seed)
    return build_model(ModelConfig(arch=arch, hidden_size=16), task)


def test_the_in_key_share_counts_pitched_notes_only():
    notes = [Event(60, 1), Event(61, 1), Event(None, 2), Event(67, 0.5)]
    assert music.in_key_share(notes) == pytest.approx(2 / 3)
    assert math.isnan(music.in_key_share([Event(None, 1)]))
    assert 0.95 < music.bach_in_key() < 1  # Bach, moved to C major or A minor: a few leading tones and accidentals


@pytest.mark.parametrize("arch", ["lstm", "gru", "rnn"])
def test_greedy_melodies_in_a_batch_are_those_written_one_by_one(task, arch):
    model = model_for(task, arch)
    prompts = music.openings(task, DATA, 4)
    end = list(task.vocab).index(END)
    batched = generate.continue_many(model, len(task.vocab), prompts, 12, temperature=0, never=[end])
    alone = [generate.continue_ids(model, len(task.vocab), p, 12, temperature=0, never=[end]) for p in prompts]
    assert batched == alone


def test_a_melody_has_the_notes_asked_for_never_the_end_of_a_chorale_and_its_seed_writes_it_again(task):
    model = model_for(task)
    end = list(task.vocab).index(END)
    with torch.no_grad():  # make the end of a chorale by far the likeliest symbol: it must still never come
        model.head.bias[end] = 50.0
    opening = [Event(60, 1), Event(62, 1), Event(64, 2)]
    first = music.write(model, task.vocab, opening, 30, temperature=1.0, seed=3)
    assert len(first.notes) == 30 and first.opening == tuple(opening) and None not in first.notes
    assert music.write(model, task.vocab, opening, 30, temperature=1.0, seed=3) == first
    assert music.write(model, task.vocab, opening, 30, temperature=1.0, seed=4) != first


def test_a_note_the_model_never_saw_is_refused_naming_it(task):
    with pytest.raises(ValueError, match="C5:0.3"):
        music.write(model_for(task), task.vocab, [Event(72, 0.3)], 5)


class Oracle(torch.nn.Module):
    """A "model" whose likeliest next symbol is a fixed one at every step."""

    def __init__(self, vocab_size, favourite):
        super().__init__()
        self.vocab_size, self.favourite = vocab_size, favourite

    def forward(self, x, targets=None):
        logits = torch.zeros(*x.shape, self.vocab_size)
        logits[..., self.favourite] = 5.0
        return logits, None


def test_next_pitch_accuracy_sums_a_pitch_over_its_lengths(task):
    of, names = music.pitch_of(task.vocab)
    y = task.y_test.flatten()
    for pitch in ("G4", "C5"):
        lengths = [i for i, s in enumerate(task.vocab) if s.startswith(pitch + ":")]
        # one symbol of the pitch is likeliest, but the pitch wins only summed over its lengths: set them all up
        model = Oracle(len(task.vocab), lengths)
        expected = float((of[y.numpy()] == names.index(pitch)).mean())
        assert music.pitch_accuracy(model, task) == pytest.approx(expected)
    commonest = music.baseline_pitch_accuracy(task)
    train = of[ngram.training_text(task).numpy()]
    top = max(set(train.tolist()), key=train.tolist().count)
    assert commonest == pytest.approx(float((of[y.numpy()] == top).mean()))
    assert commonest < music.baseline_pitch_accuracy(task, n=3) < 1  # counting what came before helps


def test_the_melody_callback_writes_every_epoch_and_changes_no_number(task):
    run = RunConfig(DATA, ModelConfig(arch="lstm", hidden_size=16), TrainConfig(epochs=2, batch_size=64))
    plain = list(TrainingRun(run, task))
    written = list(TrainingRun(run, task, callbacks=recorders()))
    assert [r["val_loss"] for r in plain] == [r["val_loss"] for r in written]
    assert [r["epoch"] for r in written if music.IN_KEY in r] == [0, 1, 2]
    opening, notes = music.split_melody(written[-1][music.MELODY])
    assert len(notes) == music.LIVE_NOTES and list(opening) == list(music.chorales.openings(DATA)[0].first_bar)
    adding = make_task(DataConfig(task="adding", length=10, n_samples=200))
    other = list(TrainingRun(run.replace(data=DataConfig(task="adding", length=10, n_samples=200)), adding,
                             callbacks=recorders()))
    assert not any(music.IN_KEY in r or music.MELODY in r for r in other)  # other tasks are left alone


def bach_report(before, after, beats=True):
    """A one-seed report whose models' in-key shares go from `before` to `after`."""
    runs = [TrainingRun(RunConfig(DATA, ModelConfig(arch=a, hidden_size=8), TrainConfig(epochs=1)), make_task(DATA))
            for a in ("lstm", "gru")]
    for run in runs:
        for record in run:
            record[music.IN_KEY] = before if record["epoch"] == 0 else after
    report = summarise(runs, runs[0].task)
    report.table["beats_baseline"] = beats
    report.history[music.IN_KEY] = [before if e == 0 else after for e in report.history["epoch"]]
    return report


def test_the_bach_demo_holds_when_notes_out_of_the_key_are_halved_and_the_frequencies_beaten():
    assert demo_checks.learned_key(0.8, 0.9) and not demo_checks.learned_key(0.8, 0.85)
    assert demo_checks.bach_held(bach_report(0.8, 0.97))
    assert not demo_checks.bach_held(bach_report(0.8, 0.85))  # out of the key: 20% -> 15%, not halved
    assert not demo_checks.bach_held(bach_report(0.8, 0.97, beats=False))
    text = demos.conclude_bach(bach_report(0.8, 0.97))
    assert text.startswith("They learned the key") and "LSTM 20% untrained, 3% after epoch 1" in text
    assert demos.conclude_bach(bach_report(0.8, 0.82)).startswith("Not yet")
    assert "counting alone still predicts better than" in text or "every network predicts better" in text


def test_the_cli_writes_each_models_melody_as_midi_and_wav(tmp_path, capsys):
    assert main(["compare", "--task", "chorales", "--archs", "gru,lstm", "--epochs", "1", "--hidden", "8",
                 "--length", "16", "--melodies", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "GRU: in the key" in out and "LSTM: in the key" in out
    for arch in ("gru", "lstm"):
        assert (tmp_path / f"{arch}.mid").read_bytes()[:4] == b"MThd"
        with wave.open(io.BytesIO((tmp_path / f"{arch}.wav").read_bytes())) as read:
            assert read.getnframes() > 0
        assert torch.load(tmp_path / f"{arch}.pt", weights_only=True)
    assert (tmp_path / "vocab.json").exists()


def test_the_cli_refuses_melodies_for_a_task_that_has_none_before_training(capsys):
    assert main(["compare", "--task", "adding", "--melodies", "out"]) == 2
    assert "--melodies is for a music task" in capsys.readouterr().err


@pytest.mark.parametrize("arch", ["tcn", "transformer"])
def test_a_tcn_and_a_transformer_write_melodies_too(task, arch):
    run = RunConfig(DATA, ModelConfig(arch=arch, hidden_size=16), TrainConfig(epochs=1, batch_size=64))
    history = list(TrainingRun(run, task, callbacks=recorders()))
    assert [r["epoch"] for r in history if music.IN_KEY in r] == [0, 1]
    _, notes = music.split_melody(history[-1][music.MELODY])
    assert len(notes) == music.LIVE_NOTES


def test_a_melodys_report_says_bits_per_note_and_a_texts_bits_per_character():
    assert bach_report(0.8, 0.9).metric_names["bits_per_char"] == "bits per note"
    from seqlab.analysis.metrics import metric_names

    assert metric_names("text")["bits_per_char"] == "bits per character"
