"""A guided demo's "explore further" link opens its page on exactly the demo's runs: every setting of every run
(data, model, training, architectures and seeds) read back from the page the link opens."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from seqlab.app import live, share
from seqlab.demos import DEMOS

PAGES = Path(__file__).parents[2]


def runs_the_page_would_train(monkeypatch, page: str, query: dict) -> list:
    """Open `page` with `query` and return the runs its Train button would start (nothing trains)."""
    seen = []

    def controls(key, action, runs, task, **kwargs):
        seen.append(list(runs))
        return None, True

    monkeypatch.setattr(live, "controls", controls)
    at = AppTest.from_file(str(PAGES / page), default_timeout=120)
    at.query_params.update(query)
    at.run()
    assert not at.exception, at.exception
    assert not at.warning, [w.value for w in at.warning]  # nothing in the link was ignored
    assert seen, "the page never reached its Train button"
    return seen[-1]


@pytest.mark.parametrize("demo", DEMOS, ids=[d.key for d in DEMOS])
def test_the_link_reproduces_the_demos_runs_exactly(monkeypatch, demo):
    runs = runs_the_page_would_train(monkeypatch, demo.page, share.demo_query(demo))
    assert runs == demo.runs


def test_the_forgetting_demos_link_carries_its_samples_batch_and_forget_bias():
    demo = next(d for d in DEMOS if d.key == "forgetting")
    query = share.demo_query(demo)
    assert query["samples"] == str(demo.template.data.n_samples)
    assert query["batch"] == str(demo.template.train.batch_size)
    assert query["forget"] == "true" and query["seeds"] == str(len(demo.seeds))


def test_a_run_a_page_cannot_hold_is_refused_by_name():
    demo = next(d for d in DEMOS if d.key == "memory")
    odd = [r.replace(model=r.model.__class__(**{**r.model.__dict__, "forget_bias": 2.0})) for r in demo.runs]
    with pytest.raises(ValueError, match="forget-gate bias"):
        share.query_for(share.LAB, odd)
    with pytest.raises(ValueError, match="consecutive seeds"):
        share.query_for(share.LAB, [demo.runs[0], demo.runs[2]])
