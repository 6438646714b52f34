"""Training with `TrainConfig.record_gradients` and the `GradientRecording` callback: extra per-epoch fields, the
same training, JSON and CLI out."""

import json
import math

import pandas as pd

from seqlab.analysis.diagnostics import GradientRecording, grad_through_time_history, layer_grad_norm_history
from seqlab.analysis.evaluate import results_table
from seqlab.cli import main
from seqlab.export import results_dict
from seqlab.training.loop import train, train_interleaved
from tests.helpers import tiny_run

EXTRA = ("grad_through_time", "input_grad_through_time", "layer_grad_norm_")


def without_extras(history):
    """Records without run key, timings and recorded gradients; NaN made comparable."""
    same = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
    return [{k: same(v) for k, v in rec.items() if k not in ("run", "seconds", "elapsed") and not k.startswith(EXTRA)}
            for rec in history]


def test_recording_adds_a_curve_and_layer_norms_to_every_epoch(adding_task):
    history = list(train(tiny_run("adding", arch="gru", epochs=2, record_gradients=True), adding_task,
                         callbacks=[GradientRecording()]))
    assert all(len(rec["grad_through_time"]) == 12 for rec in history)  # T = 12, index = steps back
    assert math.isnan(history[0]["layer_grad_norm_l0"])  # epoch 0 has no training step
    assert all(history[1][f"layer_grad_norm_{g}"] > 0 for g in ("l0", "head"))
    assert history[1]["grad_through_time"] != history[0]["grad_through_time"]  # training moved it


def test_recording_does_not_change_the_training(sine_task):
    on = list(train(tiny_run(epochs=3, record_gradients=True), sine_task, callbacks=[GradientRecording()]))
    off = list(train(tiny_run(epochs=3), sine_task, callbacks=[GradientRecording()]))  # recording off in its config
    assert without_extras(on) == without_extras(off)
    assert "grad_through_time" not in off[-1] and not any(k.startswith("layer_grad") for k in off[-1])


def test_recorded_history_exports_to_strict_json_and_tidy_tables(sine_task):
    runs = [tiny_run(arch=a, epochs=1, record_gradients=True) for a in ("rnn", "lstm")]
    session = train_interleaved(runs, sine_task, [GradientRecording()])
    list(session)
    text = json.dumps(results_dict(session.runs, sine_task, results_table(session.runs, sine_task)), allow_nan=False)
    assert "grad_through_time" in text
    curves = grad_through_time_history(session.history)
    assert set(curves["label"]) == {"RNN", "LSTM"} and len(curves) == 2 * 2 * 12  # runs x epochs x steps
    norms = layer_grad_norm_history(session.history)
    assert set(norms["layer"]) == {"l0", "head", "total"} and (norms["epoch"] == 1).all()


def test_cli_flag_records_gradients(tmp_path, capsys):
    csv = tmp_path / "h.csv"
    code = main(["compare", "--task", "adding", "--length", "6", "--samples", "100", "--archs", "lstm",
                 "--epochs", "1", "--hidden", "4", "--record-gradients", "--quiet", "--history-csv", str(csv)])
    assert code == 0
    history = pd.read_csv(csv)
    assert {"grad_through_time", "layer_grad_norm_l0"} <= set(history) and len(history) == 2
