"""AppTest: the five architectures train side by side in the Lab, and land on the Runs page with the command that
trains them again, their own settings (levels, heads) included."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).parents[2]


def test_five_architectures_train_in_the_lab_and_reach_the_runs_page():
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=240).run()
    at.switch_page("pages/1_Lab.py")
    at.query_params.update(task="adding", length="20", samples="300", epochs="1", hidden="8", seeds="1",
                           archs="rnn,lstm,gru,tcn,transformer", levels="2", heads="4")
    at.run()
    assert not at.exception and not at.error
    said = [m.label for m in at.metric]
    assert any(s.startswith("TCN · 8 channels × 2 levels") for s in said)
    assert any(s.startswith("Transformer · d 8 × 1, 4 heads") for s in said)
    assert any("sees the last 13 steps" in w.value for w in at.warning)  # 13 < 20: said before training
    next(b for b in at.button if b.label == "Train").click().run()
    assert not at.exception
    at.switch_page("pages/5_Runs.py").run()
    assert not at.exception
    log = at.session_state["runs_log"]
    assert [r.label for r in log.runs] == ["RNN", "LSTM", "GRU", "TCN", "Transformer"]
    assert "--archs rnn,lstm,gru,tcn,transformer" in at.code[0].value and "--levels 2 --heads 4" in at.code[0].value


def test_heads_that_do_not_divide_the_hidden_size_are_named_and_nothing_trains():
    at = AppTest.from_file(str(ROOT / "pages" / "1_Lab.py"), default_timeout=120)
    at.query_params.update(task="adding", length="12", hidden="4", archs="gru,transformer", heads="8")
    at.run()
    assert not at.exception
    assert any("heads (8) must divide hidden_size (4)" in e.value and "try heads 1, 2, 4" in e.value for e in at.error)
    assert not any(b.label == "Train" and not b.disabled for b in at.button)
