"""Determinism: the same config and seed give the same history twice, in the Lab and from the command line,
and the Lab's numbers are the command line's."""

import io
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]
TIMING = ["seconds", "elapsed"]  # wall-clock columns: the only ones allowed to differ between two runs
SETUP = {"archs": ["rnn", "lstm", "gru"], "hidden": 16, "epochs": 3, "samples": 500, "length": 20, "seeds": 1}
CLI = ["compare", "--task", "sine", "--archs", "rnn,lstm,gru", "--hidden", "16", "--epochs", "3", "--samples", "500",
       "--length", "20", "--quiet"]


def lab_history(seed: int) -> pd.DataFrame:
    """The history CSV the Lab offers for download after training SETUP with this seed."""
    at = AppTest.from_file(str(ROOT / "pages" / "1_Lab.py"), default_timeout=120)
    for name, value in {**SETUP, "seed": seed}.items():
        at.session_state[f"lab_{name}"] = value
    at.run()
    next(b for b in at.button if b.label == "Train").click()
    at.run()
    assert not at.exception
    return pd.read_csv(io.StringIO(at.session_state["lab_comparison"].report.history_csv))


def cli_history(seed: int, path: Path) -> pd.DataFrame:
    subprocess.run([sys.executable, "-m", "seqlab", *CLI, "--seed", str(seed), "--history-csv", str(path)],
                   cwd=ROOT, check=True, capture_output=True, timeout=120)
    return pd.read_csv(path)


@pytest.fixture(scope="module")
def lab_seed_7() -> pd.DataFrame:
    return lab_history(7)


@pytest.fixture(scope="module")
def cli_seed_7(tmp_path_factory) -> pd.DataFrame:
    return cli_history(7, tmp_path_factory.mktemp("cli") / "first.csv")


def test_the_lab_gives_the_same_history_twice(lab_seed_7):
    again = lab_history(7)
    assert len(lab_seed_7) == 12 and set(lab_seed_7["label"]) == {"RNN", "LSTM", "GRU"}
    pd.testing.assert_frame_equal(lab_seed_7.drop(columns=TIMING), again.drop(columns=TIMING))


def test_another_seed_gives_another_history(lab_seed_7):
    other = lab_history(8)
    assert not (other["val_loss"] == lab_seed_7["val_loss"]).any()


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_the_command_line_gives_the_same_history_twice(cli_seed_7, tmp_path):
    again = cli_history(7, tmp_path / "second.csv")
    assert list(again.columns) == list(cli_seed_7.columns) and len(again) == 12
    pd.testing.assert_frame_equal(cli_seed_7.drop(columns=TIMING), again.drop(columns=TIMING))


def test_the_lab_and_the_command_line_give_the_same_numbers(lab_seed_7, cli_seed_7):
    # `run` is left out: the Lab's data config names the sine series' column ("value"), the command line leaves
    # it empty, so the same run gets two config keys although every number is the same.
    same = [c for c in lab_seed_7.columns if c not in [*TIMING, "run"]]
    assert list(lab_seed_7.columns) == list(cli_seed_7.columns)
    pd.testing.assert_frame_equal(lab_seed_7[same], cli_seed_7[same])


def test_runs_started_in_threads_at_once_keep_their_own_seeds():
    """A shared server starts sessions' runs in threads at once; each must get its own seed's weights."""
    import threading

    import torch

    from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
    from seqlab.data import make_task
    from seqlab.training.loop import TrainingRun

    data = DataConfig(task="sine", length=20, n_samples=300)
    task = make_task(data)

    def weights(seed: int) -> list[torch.Tensor]:
        run = RunConfig(data=data, model=ModelConfig(arch="gru", hidden_size=64), train=TrainConfig(seed=seed))
        return [p.detach().clone() for p in TrainingRun(run, task).model.parameters()]

    alone = weights(3)
    done = threading.Event()

    def another_session():
        while not done.is_set():
            weights(5)

    other = threading.Thread(target=another_session, daemon=True)
    other.start()
    try:
        together = [weights(3) for _ in range(20)]
    finally:
        done.set()
        other.join(10)
    assert all(all(torch.equal(a, b) for a, b in zip(alone, w, strict=True)) for w in together)
