"""Every bounded number at, below and above its bounds: config fields, query parameters and the pages' widgets.

The cases are read from `seqlab.config` (fields with a range) and `seqlab.app.share` (parameters with limits),
so a new field or parameter is covered without touching this file.
"""

import dataclasses
import math

import pytest
from hostile import PAGES, TIMEOUT, clear, page, train
from streamlit.testing.v1 import AppTest

from seqlab.app import share
from seqlab.config import ARCHS, DataConfig, ModelConfig, TrainConfig, bounds

CONFIGS = (DataConfig, ModelConfig, TrainConfig)
FIELDS = [(cls, f.name) for cls in CONFIGS for f in dataclasses.fields(cls) if "range" in f.metadata]
FIELD_IDS = [f"{cls.__name__}.{name}" for cls, name in FIELDS]
TABLES = {"1_Lab.py": ("lab", share.LAB), "2_Gradient_flow.py": ("grad", share.GRAD), "4_Text.py": ("text", share.TEXT),
          "6_Translation.py": ("translate", share.TRANSLATE), "8_Music.py": ("music", share.MUSIC)}
PARAMS = [(file, name) for file, (_, table) in TABLES.items() for name, p in table.items() if p.limits]
PARAM_IDS = [f"{file[2:-3]}-{name}" for file, name in PARAMS]


def is_int(cls, name: str) -> bool:
    return cls.__dataclass_fields__[name].type in ("int", int)


def outside(lo, hi, whole: bool) -> tuple:
    """The nearest values just below `lo` and just above `hi`."""
    if whole:
        return lo - 1, hi + 1
    return math.nextafter(lo, -math.inf), math.nextafter(hi, math.inf)


@pytest.mark.parametrize("cls, name", FIELDS, ids=FIELD_IDS)
def test_a_config_field_takes_both_of_its_bounds(cls, name):
    lo, hi = bounds(cls, name)
    assert getattr(cls(**{name: lo}), name) == lo and getattr(cls(**{name: hi}), name) == hi


@pytest.mark.parametrize("cls, name", FIELDS, ids=FIELD_IDS)
def test_a_config_field_just_outside_its_bounds_names_the_field_and_the_range(cls, name):
    lo, hi = bounds(cls, name)
    for value in outside(lo, hi, is_int(cls, name)):
        with pytest.raises(ValueError) as caught:
            cls(**{name: value})
        clear(str(caught.value), f"{cls.__name__}.{name}", f"between {lo} and {hi}")


@pytest.mark.parametrize("cls, name", FIELDS, ids=FIELD_IDS)
def test_a_config_field_refuses_what_is_not_a_number(cls, name):
    for value in (math.nan, math.inf, -math.inf, "5", True, [1]):
        with pytest.raises(ValueError) as caught:
            cls(**{name: value})
        clear(str(caught.value), f"{cls.__name__}.{name}")


@pytest.mark.parametrize("cls, name", FIELDS, ids=FIELD_IDS)
def test_a_config_field_refuses_a_400_digit_number_in_a_short_message(cls, name):
    for value in (10**400, -(10**400)):
        with pytest.raises(ValueError) as caught:
            cls(**{name: value})
        assert len(clear(str(caught.value), f"{cls.__name__}.{name}", "between")) < 200


@pytest.mark.parametrize("file, name", PARAMS, ids=PARAM_IDS)
def test_a_query_parameter_takes_both_bounds_and_round_trips(file, name):
    table = TABLES[file][1]
    for bound in table[name].limits:
        values, ignored = share.parse_query(table, {name: table[name].format(bound)})
        assert not ignored and values == {name: bound}


@pytest.mark.parametrize("file, name", PARAMS, ids=PARAM_IDS)
def test_a_query_parameter_outside_its_bounds_is_ignored_with_the_reason(file, name):
    table = TABLES[file][1]
    lo, hi = table[name].limits
    for value in outside(lo, hi, whole=isinstance(lo, int)):
        values, ignored = share.parse_query(table, {name: repr(value)})
        assert values == {} and len(ignored) == 1
        clear(ignored[0], f"{name}=", f"must be between {share.bound_text(lo)} and {share.bound_text(hi)}")


@pytest.mark.parametrize("file, name", PARAMS, ids=PARAM_IDS)
def test_a_query_parameter_that_is_not_a_finite_number_is_ignored(file, name):
    table = TABLES[file][1]
    for text in ("", "nan", "inf", "-inf", "1e999", "0x10", "ten", "1,5", "--1", "\x00", "9" * 400):
        values, ignored = share.parse_query(table, {name: text})
        assert values == {} and len(ignored) == 1
        clear(ignored[0], f"{name}=")
        assert any(r in ignored[0] for r in ("not a number", "not an integer", "not a finite number", "between"))


def link(file: str, query: dict) -> AppTest:
    at = AppTest.from_file(str(PAGES / file), default_timeout=TIMEOUT)
    at.query_params.update(query)
    return at.run()


def state(at: AppTest, key: str, name: str):
    return at.session_state[f"{key}_{name}"]


def every_arch(table: dict) -> dict:
    """The TCN picked beside the recurrent cells, where the page has the TCN's own settings: their widgets (and so
    their link values) exist only while it is picked. (Not the Transformer: its heads must divide the hidden size,
    which the smallest hidden size, 1, refuses by design; test_oversize and the config tests check that refusal.)"""
    return {"archs": ",".join(a for a in ARCHS if a != "transformer")} if "kernel" in table else {}


@pytest.mark.parametrize("file", TABLES)
@pytest.mark.parametrize("which", ["lo", "hi"])
def test_a_link_with_every_number_at_a_bound_opens_the_page_with_it(file, which):
    key, table = TABLES[file]
    query = {**every_arch(table), **{n: p.format(p.limits[which == "hi"]) for n, p in table.items() if p.limits}}
    at = link(file, query)
    assert not at.exception and not at.warning, [w.value for w in at.warning]
    errors = [e.value for e in at.error]
    if which == "hi":  # the largest sizes open, but the pre-flight check will not train them (test_oversize.py)
        assert all("Too big for this server" in e or "too big" in e.lower() for e in errors), errors
    else:
        assert not errors, errors
    for name, p in table.items():
        if p.limits:
            assert state(at, key, name) == p.limits[which == "hi"], name
    assert at.query_params == {**at.query_params, **query}  # the address bar keeps them


@pytest.mark.parametrize("file", TABLES)
def test_a_link_with_every_number_out_of_bounds_opens_the_defaults_with_a_notice(file):
    key, table = TABLES[file]
    query = every_arch(table)
    for i, (name, p) in enumerate((n, p) for n, p in table.items() if p.limits):
        lo, hi = p.limits
        query[name] = repr(outside(lo, hi, whole=isinstance(lo, int))[i % 2])  # below, above, below...
    defaults = link(file, every_arch(table))
    at = link(file, query)
    assert not at.exception and not at.error
    notice = clear(at.warning[0].value, "Ignored from the link")
    for name, p in table.items():
        if p.limits:
            assert f"{name}=" in notice and f"between {share.bound_text(p.limits[0])} and " \
                                             f"{share.bound_text(p.limits[1])}" in notice
            assert state(at, key, name) == state(defaults, key, name), name


@pytest.mark.parametrize("file", TABLES)
def test_a_link_with_400_digit_numbers_opens_the_defaults_with_a_notice(file):
    key, table = TABLES[file]
    at = link(file, {name: "9" * 400 for name, p in table.items() if p.limits})
    assert not at.exception and not at.error
    assert clear(at.warning[0].value, "Ignored from the link", "must be between")


HOSTILE_TEXTS = ["", "../../etc/passwd", "<script>alert(1)</script>", "$(reboot)", "; rm -rf /", "\x00", "9" * 400,
                 "a" * 10_000, "[Log in](https://evil.example/login)", "**BIG**", "1\n2", "%00", "ls `id`"]
ALL_PARAMS = [(file, name) for file, (_, table) in TABLES.items() for name in table]


@pytest.mark.parametrize("file, name", ALL_PARAMS, ids=[f"{f[2:-3]}-{n}" for f, n in ALL_PARAMS])
def test_any_query_parameter_takes_a_valid_value_or_ignores_hostile_text_with_a_reason(file, name):
    table = TABLES[file][1]
    for text in HOSTILE_TEXTS:
        values, ignored = share.parse_query(table, {name: text})
        assert len(values) + len(ignored) == 1
        if ignored:
            assert ignored[0].startswith(f"{name}=") and len(ignored[0]) < 200
            assert "](" not in ignored[0] and "**" not in ignored[0]  # no link or formatting gets through


def test_a_link_cannot_put_a_link_into_the_pages_notice():
    at = link("1_Lab.py", {"[Log in again](https://evil.example/login)": "1", "epochs": "[win](https://e.x)"})
    assert not at.exception
    notice = at.warning[0].value
    assert "\\[Log in again\\]\\(https\\://evil" in notice and "](" not in notice


def test_a_links_column_cannot_put_a_link_into_the_pages_notice():
    at = link("1_Lab.py", {"task": "msft", "column": "[Log in again](https://evil.example/login)"})
    assert not at.exception and not at.error
    notice = next(w.value for w in at.warning if "column=" in w.value)
    assert "\\[Log in again\\]\\(https\\://evil" in notice and "](" not in notice
    assert at.selectbox(key="lab_column_msft").value == "close"  # the data set's own default


def test_after_an_out_of_bounds_link_the_lab_still_trains():
    at = link("1_Lab.py", {"epochs": "0", "hidden": "513", "lr": "-1", "length": "1001", "batch": "1e9"})
    assert not at.exception and "Ignored from the link" in at.warning[0].value
    for name, value in {"archs": ["gru"], "epochs": 1, "hidden": 4, "samples": 500, "length": 10}.items():
        at.session_state[f"lab_{name}"] = value
    train(at.run())


NUMERIC_WIDGETS = ("select_slider", "slider", "number_input")


@pytest.mark.parametrize("file", TABLES)
def test_every_numeric_widget_is_in_the_link_and_offers_only_values_in_bounds(file):
    """A number a person can set is checked by the link's parser and never offers a value its config refuses."""
    key, table = TABLES[file]
    at = link(file, every_arch(table))
    seen = set()
    for kind in NUMERIC_WIDGETS:
        for widget in at.sidebar.get(kind):
            name = widget.key.removeprefix(f"{key}_")
            assert name in table, f"{widget.key} is not mirrored in the link, so a link cannot set it"
            if table[name].limits is None:
                continue
            lo, hi = table[name].limits
            offered = [float(o) for o in widget.options] if kind == "select_slider" \
                else [widget.proto.min, widget.proto.max]
            assert lo <= min(offered) and max(offered) <= hi, (widget.key, offered, (lo, hi))
            seen.add(name)
    assert seen == {n for n, p in table.items() if p.limits and p.shown({"task": "sine"})}


def trained_text_page() -> AppTest:
    return train(page("4_Text.py", "text", text_length=20, text_chars=20_000))


def test_generation_takes_every_knob_at_its_bounds():
    at = trained_text_page()
    vocab = len(at.session_state["text_comparison"].task.vocab)
    for length, temperature, top_k, seed in ((50, 0.0, 0, 0), (3000, 2.0, vocab, 2**31 - 1), (50, 2.0, 1, 7)):
        at.slider(key="text_gen_length").set_value(length)
        at.slider(key="text_temperature").set_value(temperature)
        at.slider(key=f"text_top_k_{vocab}").set_value(top_k)
        at.number_input(key="text_gen_seed").set_value(seed)
        next(b for b in at.button if b.label == "Generate").click()
        at.run()
        assert not at.exception and not at.error
        assert len(at.session_state["text_generated"].sample.text) == length


def test_inside_the_cell_shows_the_first_and_the_last_test_sequence():
    from seqlab.app.inside import MAX_SEQUENCES
    from seqlab.app.live import Comparison
    from seqlab.config import RunConfig
    from seqlab.data import make_task
    from seqlab.training.loop import train_interleaved

    data = DataConfig(task="adding", length=10, n_samples=200)
    task = make_task(data)
    training = train_interleaved([RunConfig(data, ModelConfig(arch="lstm", hidden_size=4), TrainConfig(epochs=2))],
                                 task)
    comparison = Comparison(task, training)
    list(training)
    comparison.finish()
    at = AppTest.from_file(str(PAGES / "3_Inside_the_cell.py"), default_timeout=TIMEOUT)
    at.session_state["lab_comparison"] = comparison
    at.run()
    last = min(len(task.x_test), MAX_SEQUENCES) - 1
    assert at.number_input(key="cell_index").proto.max == last
    for index in (0, last, 0):
        at.number_input(key="cell_index").set_value(index).run()
        assert not at.exception and not at.error and at.number_input(key="cell_index").value == index
        assert at.get("vega_lite_chart")
