"""Shared by the hostile-input tests: pages driven by AppTest with tiny settings, and the checks every refusal must
pass (a message that says what was wrong and what to do, no traceback, the session still usable)."""

from pathlib import Path

from streamlit.testing.v1 import AppTest

PAGES = Path(__file__).parents[2] / "pages"
TIMEOUT = 120  # AppTest's 3 s default is far below a first torch import on a busy 2-core machine
RAW = ("Traceback", "Error tokenizing", "C error", "codec can't decode", "No columns to parse", "object at 0x",
       "Errno", "KeyError", "IndexError")  # what a message a person reads must never look like


def past_the_cap(header: bytes, row: bytes) -> bytes:
    """A CSV of `header` and `row` repeated until it is just over the upload cap."""
    from seqlab.data.upload import MAX_UPLOAD_BYTES

    return header + row * (MAX_UPLOAD_BYTES // len(row) + 1)


def wide(columns: int, row: str = "1", rows: int = 20) -> bytes:
    """A CSV with `columns` columns whose first physical line shows three: a quoted name holding a line break
    hides the rest, so only a reader that parses the header as a CSV reader does can count them."""
    header = 'date,value,"a quoted\nname"' + "".join(f",c{i}" for i in range(columns - 3))
    return "\n".join([header, *[",".join([row] * columns)] * rows]).encode()


def clear(message: str, *phrases: str) -> str:
    """`message`, checked to say what was wrong (each of `phrases`) without a programmer's wording."""
    assert not any(raw in message for raw in RAW), message
    for phrase in phrases:
        assert phrase.lower() in message.lower(), f"{phrase!r} not in {message!r}"
    return message


def crowded(runs: int, epochs: int, keyed: bool) -> dict:
    """A results file of `runs` runs that share one label and `epochs` history records spread over them in turn;
    `keyed`: each record names its run, as seqlab writes them."""
    per_run = -(-epochs // runs)
    return {
        "format": "seqlab-results/1", "task": {"title": "crowded"}, "results": [],
        "runs": [{"label": "GRU", "status": "done", "config": {"train": {"epochs": 500}},
                  **({"key": f"run-{i}"} if keyed else {})} for i in range(runs)],
        "history": [{"label": "GRU", "epoch": i % per_run, **({"run": f"run-{i // per_run}"} if keyed else {})}
                    for i in range(epochs)],
    }


def page(name: str, key: str, **state) -> AppTest:
    at = AppTest.from_file(str(PAGES / name), default_timeout=TIMEOUT)
    small = {f"{key}_archs": ["gru"], f"{key}_epochs": 1, f"{key}_hidden": 4, f"{key}_seeds": 1, **state}
    for k, value in small.items():
        at.session_state[k] = value
    return at.run()


def refused(at: AppTest, *phrases: str) -> str:
    """The page shows one clear error (no traceback) and offers no training."""
    assert not at.exception, at.exception
    assert len(at.error) == 1, [e.value for e in at.error]
    assert train_button(at).disabled
    return clear(at.error[0].value, "cannot be used", *phrases)


def train_button(at: AppTest):
    return next(b for b in at.button if b.label == "Train")


def train(at: AppTest) -> AppTest:
    """Press Train and check a report came back: the session is still usable."""
    assert not train_button(at).disabled
    train_button(at).click()
    at.run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    comparison = next(at.session_state[k] for k in at.session_state if k.endswith("_comparison"))
    assert comparison.report is not None
    return at


def upload(at: AppTest, name: str, data: bytes, mime: str = "text/csv") -> AppTest:
    at.get("file_uploader")[0].set_value((name, data, mime))
    return at.run()
