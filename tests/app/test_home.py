from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app.home import PAGES

ROOT = Path(__file__).parents[2]


def home() -> AppTest:
    return AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60).run()


def test_home_page_starts_and_lists_every_task():
    at = home()
    assert not at.exception
    assert "seqlab" in at.title[0].value
    names = set(at.table[0].value["name"])
    assert {"sine", "adding", "copy", "seattle", "stock", "csv"} <= names


def test_the_data_set_table_shows_every_row_with_an_honest_task_and_source():
    from seqlab.data import REGISTRY

    table = home().table[0].value  # st.table: every row drawn, nothing scrolled away or cut
    assert list(table.index) == [info.title for info in REGISTRY.values()]
    assert "Microsoft stock (shipped)" in table.index
    task, source = table["task"].to_dict(), table["source"].to_dict()
    assert {task[t] for t in ("Noisy sine mixture", "Seattle daily weather", "Microsoft stock (shipped)",
                              "Your CSV file")} == {"forecasting"}
    assert task["Adding problem"] == "regression" and task["Handwritten digits"] == "classification"
    assert source["Text (characters)"] != "synthetic" and source["Handwritten digits"] == "real data"
    assert not any("series" in value for value in source.values())


def test_home_page_explains_the_cells_beside_a_diagram():
    at = home()
    text = " ".join(m.value for m in at.markdown)
    assert all(word in text for word in ("Hidden state", "Backpropagation through time", "Gates", "forget"))
    assert "digraph" in at.get("graphviz_chart")[0].proto.spec


def test_every_page_card_links_to_a_page_that_exists():
    from seqlab.app.home import PAGES

    for page in PAGES:
        assert (ROOT / page.path).is_file() and (ROOT / page.picture).is_file()
    assert len(at_links := home().get("page_link")) == len(PAGES)
    assert [link.proto.label for link in at_links] == [p.title for p in PAGES]


DEMO_WORDS = {"forgetting": ("steps back from the loss", "RNN: 10^"), "memory": ("Test digits named correctly",),
              "forecast": ("persistence",), "spelling": ("Share of the words written",),
              "attention": ("of the test dates exactly right", "GRU + attention"),
              "beyond": ("Test cross-entropy", "TCN", "Transformer"),
              "bach": ("Notes out of C major / A minor", "untrained", "note 3-gram", "bits per note")}


def conclusion_of(at: AppTest) -> str:
    """The demo's conclusion: in a green box when its story held, blue or yellow when it did not (one of them)."""
    boxes = [b for b in [*at.success, *at.info, *at.warning] if b.icon in (":material/lightbulb:", ":material/info:",
                                                                            ":material/warning:")]
    found = [b.value for b in boxes if "seed" in b.value]
    assert len(found) == 1, [b.value for b in boxes]
    return found[0]


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
@pytest.mark.parametrize("key", list(DEMO_WORDS))
def test_each_guided_demo_runs_to_a_conclusion_drawn_from_its_results(key):
    from seqlab.demos import BY_KEY

    at = home()
    at.button(key=f"demo_{key}_start").click().run()
    assert not at.exception
    conclusion = conclusion_of(at)
    assert all(word in conclusion for word in DEMO_WORDS[key]), conclusion
    assert any(char.isdigit() for char in conclusion)
    comparison = at.session_state[f"demo_{key}_comparison"]
    assert comparison.report is not None and len(comparison.training.runs) == len(BY_KEY[key].runs)
    assert "seeds" in conclusion  # it counts them
    assert all(r.epoch - 1 == BY_KEY[key].template.train.epochs for r in comparison.training.runs)
    link = at.get("page_link")[-len(PAGES) - 1].proto
    assert link.page_script_hash and "Explore" in link.label and "epochs" in link.query_string


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_the_bach_demo_draws_and_plays_what_each_model_wrote():
    at = home()
    at.button(key="demo_bach_start").click().run()
    assert not at.exception and not at.error
    assert len(at.get("audio")) == 3  # the last melody of RNN, LSTM and GRU, each playable
    titles = [str(c.proto.spec) for c in at.get("vega_lite_chart")]
    assert sum("Notes written in the key" in t for t in titles) == 1 and sum("The melody" in t for t in titles) == 3


@pytest.mark.slow  # tens of seconds: out of the fast loop, in CI (pytest --all)
def test_a_second_demo_replaces_the_first_and_both_keep_their_results():
    at = home()
    at.button(key="demo_forecast_start").click().run()
    first = conclusion_of(at)
    at.button(key="demo_memory_start").click().run()
    assert not at.exception and conclusion_of(at) != first and "digits" in conclusion_of(at)
    assert at.session_state["demo_forecast_comparison"].report is not None


def test_each_page_card_names_the_key_its_page_keeps_its_state_under():
    for page in PAGES:
        source = (ROOT / page.path).read_text()
        assert f'KEY = "{page.key}"' in source or f'show_paused("{page.key}")' in source, page.path


def test_the_forgetting_demo_draws_every_epoch_live_and_then_disables_stop(monkeypatch):
    """Issue 14: both live charts stayed at epoch 4 while the bars reached 10/10. Record what the live placeholders
    are drawn with: the loss chart's furthest epoch, and the epoch of the gradient curves beside it."""
    from seqlab.app.live import LiveLossChart
    from seqlab.charts import diagnostics
    from seqlab.demos import BY_KEY

    loss_epochs, decay_epochs = [], []
    spec_for, decay_chart = LiveLossChart.spec_for, diagnostics.grad_through_time_chart

    def recorded_spec(self, history):
        spec = spec_for(self, history)
        loss_epochs.append(max(row["epoch"] for row in spec["datasets"][self.losses]))
        return spec

    def recorded_decay(frame, *args, **kwargs):
        decay_epochs.append(int(frame["epoch"].max()))
        return decay_chart(frame, *args, **kwargs)

    monkeypatch.setattr(LiveLossChart, "spec_for", recorded_spec)
    monkeypatch.setattr(diagnostics, "grad_through_time_chart", recorded_decay)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600).run()  # a shared CPU may be slow
    at.button(key="demo_forgetting_start").click().run()
    assert not at.exception
    epochs = BY_KEY["forgetting"].template.train.epochs
    assert set(range(1, epochs + 1)) <= set(loss_epochs), loss_epochs
    assert set(range(1, epochs + 1)) <= set(decay_epochs), decay_epochs
    assert loss_epochs == sorted(loss_epochs)  # it grows, epoch by epoch
    stop = next(b for b in at.button if b.label == "Stop")
    assert stop.disabled  # nothing runs any more


def test_the_menu_calls_the_home_page_home_and_keeps_every_page_at_its_address(monkeypatch):
    import streamlit as st

    from seqlab.app import navigation

    menus, navigate = [], st.navigation

    def recorded(pages, *args, **kwargs):
        menus.append([(page.title, page.url_path) for page in pages])
        return navigate(pages, *args, **kwargs)

    monkeypatch.setattr(navigation.st, "navigation", recorded)
    at = home()
    assert not at.exception and "seqlab" in at.title[0].value  # the home page, drawn under the menu
    assert menus[-1] == [("Home", ""), ("Lab", "Lab"), ("Gradient flow", "Gradient_flow"),
                         ("Inside the cell", "Inside_the_cell"), ("Text", "Text"), ("Runs", "Runs"),
                         ("Translation", "Translation"), ("Table 1", "Table_1"), ("Music", "Music")]
