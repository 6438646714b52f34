"""The Lab trains its runs in worker threads, each holding one of the server's training slots per epoch."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

from seqlab.app import limits
from seqlab.training import Parallel

LAB = str(Path(__file__).parents[2] / "pages" / "1_Lab.py")


def test_the_lab_trains_in_parallel_and_each_epoch_holds_a_slot(tmp_path, monkeypatch):
    trace = tmp_path / "slots.txt"
    monkeypatch.setenv(limits.TRACE_ENV, str(trace))
    monkeypatch.setenv("SEQLAB_MAX_CONCURRENT", "2")
    at = AppTest.from_file(LAB, default_timeout=120)
    for key, value in {"lab_archs": ["rnn", "lstm", "gru"], "lab_hidden": 8, "lab_epochs": 2, "lab_seeds": 1}.items():
        at.session_state[key] = value
    at.run()
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert not at.exception and not at.error
    comparison = at.session_state["lab_comparison"]
    assert isinstance(comparison.training, Parallel) and comparison.report is not None
    assert [(r.label, r.status, len(r.history)) for r in comparison.training.runs] == [
        ("RNN", "done", 3), ("LSTM", "done", 3), ("GRU", "done", 3)]
    events = trace.read_text().split("\n")[:-1]
    starts = [line for line in events if " start " in line]
    assert len(starts) == 9  # one slot per epoch of each run (epoch 0 scores the untrained model)
    assert max(int(line.split("busy=")[1].split()[0]) for line in starts) <= 2  # never more than the server allows
