"""A sweep's grid: every point an ordinary RunConfig; a bad grid names what is wrong and starts nothing."""

import sys
import textwrap
import tomllib
from pathlib import Path

import pytest

from seqlab.cli import main
from seqlab.config import RunConfig
from seqlab.sweep.grid import HARD_MAX_POINTS, MAX_POINTS, GridTooLarge, parse_grid

GRID = """
seeds = 2
[[data]]
task = "adding"
length = [10, 20]
n_samples = 256
[[data]]
task = "digits"
[model]
arch = ["rnn", "gru"]
hidden_size = 8
[train]
epochs = [1, 2]
"""


def test_a_grid_is_the_product_of_its_lists_per_data_table():
    grid = parse_grid(GRID)
    assert len(grid.runs) == (2 + 1) * 2 * 2 * 2  # (lengths + digits) x archs x epochs x seeds
    assert all(isinstance(r, RunConfig) for r in grid.runs)
    assert {r.data.task for r in grid.runs} == {"adding", "digits"}
    assert {r.train.seed for r in grid.runs} == {0, 1} and {r.data.seed for r in grid.runs} == {0}  # data fixed
    assert {r.data.length for r in grid.runs if r.data.task == "adding"} == {10, 20}
    assert {r.data.length for r in grid.runs if r.data.task == "digits"} == {50}  # the config's default
    assert len({r.key() for r in grid.runs}) == len(grid.runs)
    assert grid.swept == ("data.task", "data.length", "model.arch", "train.epochs", "train.seed")


def test_seeds_as_a_list_and_as_train_seed():
    assert [r.train.seed for r in parse_grid('seeds = [3, 7]\n[data]\ntask = "sine"').runs] == [3, 7]
    assert [r.train.seed for r in parse_grid('[data]\ntask = "sine"\n[train]\nseed = [5]').runs] == [5]


@pytest.mark.parametrize("text, words", [
    ("", ["empty", "[[data]]"]),
    ("# only a comment\n", ["empty"]),
    ("[model]\narch = ['lstm']", ["names no task"]),
    ("[[data]]\nlength = 5", ["needs a task"]),
    ("[[data]]\ntask = 'adding'\n[model]\nhiden_size = [8]", ["hiden_size", "did you mean hidden_size"]),
    ("[[data]]\ntask = 'adding'\n[trian]\nepochs = 1", ["unknown key", "trian", "did you mean train"]),
    ("[[data]]\ntask = 'adding'\nlength = [10, 5000]", ["DataConfig.length", "between 2 and 1000", "5000",
                                                         "data.length=5000"]),
    ("[[data]]\ntask = 'adding'\n[model]\narch = ['lstm', 'cnn']", ["ModelConfig.arch", "one of", "'cnn'"]),
    ("[[data]]\ntask = 'adding'\n[train]\nlr = []", ["train.lr lists no values"]),
    ("[[data]]\ntask = 'adding'\n[train]\nlr = [0.1, 0.1]", ["repeats 0.1"]),
    ("[[data]]\ntask = 'adding'\n[train]\nlr = [[0.1]]", ["nested list"]),
    ("seeds = 99\n[[data]]\ntask = 'adding'", ["seeds must count 1 to 10"]),
    ("seeds = [1.5]\n[[data]]\ntask = 'adding'", ["whole numbers"]),
    ("seeds = 2\n[[data]]\ntask = 'adding'\n[train]\nseed = [1]", ["both seeds and train.seed"]),
    ("[[data]]\ntask = 'csv'", ["CSV file", "compare --csv"]),
    ("[[data]]\ntask = 'text'\ncorpus = 'upload'", ["upload"]),
    ("[[data]]\ntask = 'adding'\n[[data]]\ntask = 'adding'", ["same run twice"]),
    ("this is = not [toml", ["not valid TOML"]),
])
def test_a_bad_grid_is_refused_with_a_sentence_that_names_it(text, words):
    with pytest.raises(ValueError) as caught:
        parse_grid(text)
    for word in words:
        assert word in str(caught.value)


def test_a_huge_grid_is_refused_before_any_config_is_built():
    huge = "[[data]]\ntask = 'adding'\nlength = [{}]\n[model]\nhidden_size = [{}]\n[train]\nlr = [{}]".format(
        ", ".join(map(str, range(2, 102))), ", ".join(map(str, range(1, 101))),
        ", ".join(str(0.001 * i) for i in range(1, 101)))  # 10^6 points
    with pytest.raises(ValueError, match=f"1,000,000 runs, more than a sweep takes \\({HARD_MAX_POINTS:,}\\)"):
        parse_grid(huge, confirm_large=True)  # counted from the lists' lengths, even with --yes


def test_a_grid_above_the_cap_needs_yes():
    lengths = ", ".join(map(str, range(2, 202)))
    big = f"[[data]]\ntask = 'adding'\nlength = [{lengths}]\n[model]\nhidden_size = [1, 2, 3, 4, 5, 6]"  # 1,200
    with pytest.raises(GridTooLarge, match=f"1,200 runs, more than {MAX_POINTS:,}: add --yes"):
        parse_grid(big)
    assert len(parse_grid(big, confirm_large=True).runs) == 1200


@pytest.mark.parametrize("content, words", [
    (b"\x89PNG\r\n\x1a\n\x00\x00", ["not a text file"]),
    (b"[[data]]\ntask = 'adding'\nlength = [5, 0]", ["between 2 and 1000", "got 0"]),
    (b"", ["empty"]),
    (b"# a comment\n" * 8000, ["96,000 bytes", "a grid is a short TOML file"]),
])
def test_the_command_refuses_a_bad_grid_in_one_line_and_writes_nothing(tmp_path, capsys, content, words):
    grid = tmp_path / "grid.toml"
    grid.write_bytes(content)
    assert main(["sweep", str(grid)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("seqlab: error: ") and "Traceback" not in err
    for word in words:
        assert word in err
    assert not (tmp_path / "grid.sweep").exists()


def test_the_command_says_a_missing_grid_cannot_be_read(tmp_path, capsys):
    assert main(["sweep", str(tmp_path / "nope.toml")]) == 2
    assert "cannot read the grid" in capsys.readouterr().err


def test_ray_without_ray_installed_says_how_to_install_it_and_starts_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "ray", None)  # `import ray` raises ImportError, as where it is not installed
    grid = tmp_path / "grid.toml"
    grid.write_text("[[data]]\ntask = 'adding'")
    assert main(["sweep", str(grid), "--ray", "auto"]) == 2
    err = capsys.readouterr().err
    assert "pip install -e '.[ray]'" in err and "requirements-ray.txt" in err and "Traceback" not in err
    assert not (tmp_path / "grid.sweep").exists()


def test_ray_is_an_extra_kept_out_of_the_apps_requirements():
    root = Path(__file__).resolve().parents[2]
    assert "ray" not in {line.split("==")[0].strip() for line in (root / "requirements.txt").read_text().splitlines()}
    assert "ray==" in (root / "requirements-ray.txt").read_text()
    assert "-r requirements-ray.txt" in (root / "requirements-dev.txt").read_text()  # so CI tests the Ray engine
    dynamic = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]["dynamic"]
    assert dynamic["optional-dependencies"]["ray"] == {"file": ["requirements-ray.txt"]}  # pip install -e '.[ray]'


def test_the_grids_in_the_help_and_the_module_docstring_are_valid():
    from seqlab.sweep import command, grid

    example = command.EXAMPLE.split("\n\n")[0].split("\n", 1)[1]
    assert len(parse_grid(textwrap.dedent(example)).runs) == 2 * 3 * 3  # lengths x archs x seeds
    documented = textwrap.dedent(grid.__doc__.split("\n\n", 1)[1].split("\n\nEvery point")[0])
    assert len(parse_grid(documented).runs) == (2 + 1) * 3 * 2 * 3  # (adding lengths + digits) x archs x sizes x seeds
