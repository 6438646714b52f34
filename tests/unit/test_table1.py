"""The mini Table 1: every architecture per task with the paper's figure beside it, the verdicts, CLI and page."""

import dataclasses
import json
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from seqlab import cli
from seqlab.analysis import table1
from seqlab.config import DataConfig

PAGE = str(Path(__file__).parents[2] / "pages" / "7_Table_1.py")
ROWS = {row.name: row for row in table1._rows(False)}  # before any test swaps _rows for tiny_rows


def tiny_rows(scale=False):
    """Two of the table's rows at a few seconds' size."""
    rows = ROWS
    return [dataclasses.replace(rows["adding problem"], data=DataConfig(task="adding", length=8, n_samples=80),
                                epochs=1, hidden=6),
            dataclasses.replace(rows["copy memory"], data=DataConfig(task="copy", length=4, n_samples=80),
                                epochs=1, hidden=6)]


def test_every_architecture_is_sized_to_a_grus_budget_and_the_tcn_sees_the_whole_task():
    row = table1._rows(False)[1]  # copy memory at T=20: a symbol is recalled 30 steps later
    task = table1.make_task(dataclasses.replace(row.data, n_samples=64))
    runs = table1.row_runs(row, ("rnn", "tcn", "transformer"), (0, 1), task)
    assert [(r.model.arch, r.train.seed) for r in runs] == [("rnn", 0), ("rnn", 1), ("tcn", 0), ("tcn", 1),
                                                            ("transformer", 0), ("transformer", 1)]
    tcn = runs[2].model
    assert tcn.receptive_field >= 31 and tcn.levels == 4


def test_the_table_puts_the_papers_figures_beside_ours_and_says_what_holds(monkeypatch):
    results = table1.run_table(("rnn", "gru", "tcn", "transformer"), (0, 1), rows=tiny_rows(), workers=2)
    frame = table1.table_frame(results)
    assert list(frame["architecture"]) == ["RNN", "GRU", "TCN", "Transformer"] * 2
    adding = frame[frame["task"] == "adding problem"].set_index("architecture")
    assert adding.loc["GRU", "paper"] == "5.30e-05" and adding.loc["Transformer", "paper"] == "—"
    assert all(" ± " in v for v in frame["ours"]) and set(frame["seeds"]) == {2}
    said = table1.verdicts(results)
    assert len(said) == 2 and said[0].startswith("adding problem: the paper ranks GRU > TCN > RNN")
    assert all(("— its best" in s) and ("holds." in s or "does not hold at this scale." in s) for s in said)


def test_the_cli_prints_and_writes_the_table(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(table1, "_rows", tiny_rows)
    out_csv, out_json = tmp_path / "t.csv", tmp_path / "t.json"
    code = cli.main(["table1", "--seeds", "1", "--archs", "lstm,tcn", "--csv", str(out_csv), "--json", str(out_json),
                     "--quiet"])
    assert code == 0
    printed = capsys.readouterr().out
    assert "Bai, Kolter & Koltun (2018)" in printed and "copy memory: the paper ranks" in printed
    assert list(pd.read_csv(out_csv)["architecture"]) == ["LSTM", "TCN"] * 2
    assert {r["arch"] for r in json.loads(out_json.read_text())["results"]} == {"lstm", "tcn"}
    assert cli.main(["table1", "--archs", "lstm,mamba"]) == 2
    assert "--archs does not know 'mamba'" in capsys.readouterr().err


@pytest.mark.parametrize("seeds", ["0", "11"])
def test_the_cli_refuses_seed_counts_out_of_range(seeds, capsys):
    assert cli.main(["table1", "--seeds", seeds]) == 2
    assert "--seeds must count 1 to 10" in capsys.readouterr().err


def test_the_page_runs_the_quick_table_live_and_shows_it(monkeypatch):
    from seqlab.app import table1 as page_parts

    monkeypatch.setattr(page_parts, "quick_rows", tiny_rows)
    at = AppTest.from_file(PAGE, default_timeout=300).run()
    assert not at.exception and any("No table yet" in i.value for i in at.info)
    at.button(key="table1_run").click().run()
    assert not at.exception and not at.error
    shown = at.dataframe[0].value
    assert set(shown["architecture"]) == {"RNN", "LSTM", "GRU", "TCN", "Transformer"}
    assert any("the paper ranks" in m.value for m in at.markdown)
