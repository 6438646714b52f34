"""AppTest of Gradient flow with all five architectures: ||dL/dx_t|| for each, the TCN's receptive-field edge, a
sentence per architecture; and Inside the cell's plain words and attention maps for the non-recurrent ones."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).parents[2] / "pages"


def test_five_architectures_get_an_input_gradient_curve_and_the_tcn_its_edge():
    at = AppTest.from_file(str(PAGES / "2_Gradient_flow.py"), default_timeout=300)
    at.query_params.update({"archs": "rnn,lstm,gru,tcn,transformer", "length": "20", "hidden": "8", "epochs": "2",
                            "seeds": "1", "levels": "2", "kernel": "2"})
    at.run()
    assert any("sees the last 7 steps" in w.value for w in at.warning)  # too short for T=20: said, not refused
    next(b for b in at.button if b.label == "Run the demo").click()
    at.run()
    assert not at.exception and not at.error
    history = at.session_state["grad_comparison"].training.history
    assert {rec["label"] for rec in history} == {"RNN", "LSTM", "GRU", "TCN", "Transformer"}
    assert all(len(rec["input_grad_through_time"]) == 20 for rec in history)
    assert all(("grad_through_time" in rec) == (rec["arch"] in ("rnn", "lstm", "gru")) for rec in history)
    specs = [str(c.proto) for c in at.get("vega_lite_chart")]
    assert any("||dL/dx_t||" in s and "TCN sees 7 steps" in s for s in specs)
    said = "\n".join(m.value for m in at.markdown)
    assert "exactly zero for 13 of the 13 older steps" in said
    assert "does not fade with distance" in said and "decays geometrically" in said

    inside = AppTest.from_file(str(PAGES / "3_Inside_the_cell.py"), default_timeout=300)
    inside.session_state["grad_comparison"] = at.session_state["grad_comparison"]
    inside.run()
    names = inside.selectbox(key="cell_model").options
    transformer = next(n for n in names if n.startswith("Transformer"))
    inside.selectbox(key="cell_model").set_value(transformer).run()
    assert not inside.exception
    assert any("has no cell" in i.value for i in inside.info)
    assert any("Where each step of the Transformer looks" in str(c.proto.spec) for c in inside.get("vega_lite_chart"))
    tcn = next(n for n in names if n.startswith("TCN"))
    inside.selectbox(key="cell_model").set_value(tcn).run()
    assert not inside.exception and any("last 7 inputs" in i.value for i in inside.info)
