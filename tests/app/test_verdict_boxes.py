"""The results' verdict and problems are drawn in the box of their meaning (AppTest, no training)."""

from streamlit.testing.v1 import AppTest


def verdict_page(linear: float, problem: str = "") -> None:
    import pandas as pd

    from seqlab.analysis.report import Report, verdict
    from seqlab.app import results

    rows = [{"label": "LSTM", "kind": "model", "mse": 0.7, "level": "learned something"},
            {"label": "persistence", "kind": "baseline", "mse": 1.0},
            {"label": "linear", "kind": "baseline", "mse": linear}]
    table = pd.DataFrame(rows)
    table.attrs.update(headline="mse", baseline="persistence", strongest="linear", criterion="forecast")
    problems = (problem,) if problem else ()
    results.show_verdict(Report("t", pd.DataFrame(), table, None, "", None, verdict(table), problems, "", ""), False)


def run(**kwargs) -> AppTest:
    at = AppTest.from_function(verdict_page, kwargs=kwargs, default_timeout=60).run()
    assert not at.exception
    return at


def test_a_linear_baseline_beating_every_network_is_not_drawn_as_success():
    at = run(linear=0.5)
    assert not at.success
    assert len(at.warning) == 1 and "does better than every model" in at.warning[0].value
    assert at.warning[0].icon == ":material/warning:"


def test_a_network_beating_every_baseline_is_a_success_with_a_tick():
    at = run(linear=0.9)
    assert len(at.success) == 1 and at.success[0].icon == ":material/check_circle:" and not at.warning


def test_a_divergence_is_an_error():
    at = run(linear=0.9, problem="RNN diverged: the validation loss became nan in epoch 2; lower the learning rate")
    assert len(at.error) == 1 and "diverged" in at.error[0].value and at.error[0].icon == ":material/error:"


def table_page() -> None:
    import pandas as pd

    from seqlab.analysis.report import Report
    from seqlab.app import results

    rows = [{"label": "LSTM", "kind": "model", "mse": 0.16, "val_loss": 0.2, "train_loss": 0.2}] * 12
    rows += [{"label": "persistence", "kind": "baseline", "mse": 0.0004547, "val_loss": 0.0000123}]
    table = pd.DataFrame(rows)
    table.attrs.update(headline="mse", baseline="persistence", strongest="persistence", criterion="forecast")
    results.show_table(Report("t", pd.DataFrame(), table, None, "", None, "", (), "", "", loss_units="MSE"))


def test_the_results_tables_numbers_are_given_the_width_of_their_longest_value():
    import json

    from seqlab.app.runs import number_width

    at = AppTest.from_function(table_page, default_timeout=60).run()
    assert not at.exception
    widths = {name: c.get("width") for name, c in json.loads(at.dataframe[0].proto.columns).items()}
    # the baseline's row comes last, below the rows Streamlit sizes its columns by
    assert widths["mse"] >= number_width([0.0004547], "MSE") and widths["val_loss"] >= number_width([1.23e-05], "")
