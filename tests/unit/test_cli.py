import json
import subprocess
import sys

import pandas as pd
import pytest

from seqlab.cli import main
from seqlab.config import RunConfig


def test_compare_prints_a_table_and_writes_history_and_results(tmp_path, capsys):
    csv, js = tmp_path / "h.csv", tmp_path / "r.json"
    code = main(["compare", "--task", "adding", "--length", "10", "--samples", "200", "--archs", "rnn,gru",
                 "--epochs", "2", "--hidden", "8", "--history-csv", str(csv), "--results-json", str(js)])
    out = capsys.readouterr().out
    assert code == 0 and "RNN" in out and "GRU" in out and "training mean" in out
    assert "Levels on test MSE: " in out and "Solved means a test MSE below" in out  # the verdict, with its bars
    history = pd.read_csv(csv)
    assert len(history) == 6 and set(history.label) == {"RNN", "GRU"}
    results = json.loads(js.read_text())
    config = RunConfig.from_dict(results["runs"][0]["config"])
    assert config.data.length == 10 and config.model.arch == "rnn"


def test_equal_budget_changes_hidden_sizes(capsys):
    main(["compare", "--task", "adding", "--length", "5", "--samples", "100", "--archs", "rnn,lstm",
          "--epochs", "1", "--equal-budget", "--quiet"])
    out = capsys.readouterr().out
    rows = {line.split()[0]: int(line.split()[1]) for line in out.splitlines()[2:4]}
    assert max(rows.values()) / min(rows.values()) < 1.1


@pytest.mark.parametrize("args, word", [
    (["compare", "--hidden", "0"], "hidden_size"), (["compare", "--archs", "cnn"], "archs"),
    (["compare", "--epochs", "lots"], "epochs"), (["compare", "--task", "csv"], "--csv"),
    (["compare", "--task", "nope"], "task"), (["frobnicate"], "invalid choice"),
    (["compare", "--task", "csv", "--csv", "/no/such/file.csv"], "cannot read"),
])
def test_bad_arguments_give_one_line_and_exit_2(args, word, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert word in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_bad_csv_file_gives_a_data_error(tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(b"\x00\x01\x02binary")
    assert main(["compare", "--task", "csv", "--csv", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_module_and_installed_command_show_help():
    for cmd in ([sys.executable, "-m", "seqlab", "--help"], [str(__import__("shutil").which("seqlab")
                                                               or sys.executable.replace("python", "seqlab")),
                                                           "--help"]):
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0 and "compare" in done.stdout
