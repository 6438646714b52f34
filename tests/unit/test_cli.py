import dataclasses
import json
import shlex
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


@pytest.mark.parametrize("seeds, word", [
    ("0", "count 1 to 10"), ("11", "count 1 to 10"), ("abc", "'abc'"), ("7" * 400, "far too large"),
    ("3,7,3", "repeats 3"), ("1,2,3,4,5,6,7,8,9,10,11", "count 1 to 10"), ("3,-1", "whole-number"),
    ("2,9999999999", "between 0 and 2147483647"),
])
def test_bad_seeds_give_one_line_that_says_what_is_allowed(seeds, word, capsys):
    assert main(["compare", "--seeds", seeds, "--epochs", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("seqlab: error: --seeds") and word in err and len(err.splitlines()) == 1
    assert len(err) < 300  # the 400 digits are not echoed back


def test_seeds_train_every_architecture_per_seed_with_one_row_each_and_an_aggregate(tmp_path, capsys):
    csv = tmp_path / "h.csv"
    code = main(["compare", "--task", "adding", "--length", "6", "--samples", "120", "--archs", "rnn,gru",
                 "--epochs", "1", "--hidden", "4", "--seeds", "3,7", "--quiet", "--history-csv", str(csv)])
    out = capsys.readouterr().out
    assert code == 0
    rows = [line.split() for line in out.splitlines()[2:6]]
    assert [(r[0], r[1]) for r in rows] == [("RNN", "3"), ("RNN", "7"), ("GRU", "3"), ("GRU", "7")]
    aggregate = out.split("Across seeds")[1].splitlines()
    assert aggregate[2].split()[:2] == ["RNN", "2"] and "±" in aggregate[2] and "0 of 2" in aggregate[2]
    history = pd.read_csv(csv)
    assert history.groupby(["label", "seed"]).size().to_dict() == {("GRU", 3): 2, ("GRU", 7): 2, ("RNN", 3): 2,
                                                                   ("RNN", 7): 2}
    assert set(history.run_name) == {"RNN · seed 3", "RNN · seed 7", "GRU · seed 3", "GRU · seed 7"}


@pytest.mark.parametrize("extra", [["--seeds", "3"], ["--seeds", "4,9,2"], ["--seeds", "5,6", "--data-seed", "1"],
                                   ["--seed", "8"], []])
def test_one_command_reproduces_a_whole_multi_seed_comparison(extra):
    from seqlab import cli
    from seqlab.presets import parse_seeds

    argv = ["compare", "--task", "adding", "--length", "7", "--archs", "gru,rnn", "--dropout", "0.2"] + extra
    runs = cli.run_configs(cli._parser().parse_args(argv))
    command = cli.comparison_command(runs)
    assert "\n" not in command
    again = cli.run_configs(cli._parser().parse_args(shlex.split(command)[3:]))
    assert again == runs
    seeds = parse_seeds(extra[1]) if extra[:1] == ["--seeds"] else (int(extra[1]) if extra else 0,)
    assert [r.train.seed for r in runs] == list(seeds) * 2 and {r.model.arch for r in runs} == {"gru", "rnn"}
    assert {r.data.seed for r in runs} == {1 if "--data-seed" in extra else seeds[0]}  # one data set for all


def test_runs_sized_apart_get_one_command_per_setting():
    from seqlab import cli

    runs = cli.run_configs(cli._parser().parse_args(["compare", "--archs", "rnn,lstm", "--seeds", "2"]))
    runs = [r.replace(model=dataclasses.replace(r.model, hidden_size=10 if r.model.arch == "rnn" else 20))
            for r in runs]
    lines = cli.comparison_command(runs).splitlines()
    assert len(lines) == 2
    again = [r for line in lines for r in cli.run_configs(cli._parser().parse_args(shlex.split(line)[3:]))]
    assert again == runs
