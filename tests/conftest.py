"""Shared fixtures (tiny configs and tasks so the unit suite runs in seconds) and the suite's kinds of test.

A plain `pytest` is the fast loop for development: it leaves out the kinds below (pyproject.toml's addopts).
`pytest --all` runs every test, as CI does (the README's test command); `-m browser` (or science, load, bench,
slow) runs one kind."""

from pathlib import Path

import pytest
import torch

from seqlab.data import make_task
from tests.helpers import tiny_run, walk  # noqa: F401 (older tests import them from here)

# One torch thread: the suite's models are tiny, and two spinning OpenMP threads stall badly whenever
# another process (the e2e server, a browser) holds the second core.
torch.set_num_threads(1)


# Every test under a place is of its kind, so a new file there is marked too: (path prefix, marker).
KINDS = (("e2e/", "browser"), ("science/", "science"), ("faults/test_load.py", "load"),
         ("unit/test_bench_smoke.py", "bench"), ("unit/test_bench_record_smoke.py", "bench"),
         ("unit/test_bench_translation_smoke.py", "bench"), ("unit/test_bench_darts_accuracy.py", "bench"))
TESTS = Path(__file__).parent


def pytest_addoption(parser):
    parser.addoption("--all", action="store_true", help="run every test: the browser, load, science and "
                                                        "benchmark-smoke tests too (CI does)")


def pytest_configure(config):
    if config.getoption("--all"):
        config.option.markexpr = ""  # addopts' fast-loop filter, lifted


def pytest_collection_modifyitems(config, items):
    for item in items:
        where = Path(item.fspath).relative_to(TESTS).as_posix() if TESTS in Path(item.fspath).parents else ""
        for prefix, kind in KINDS:
            if where.startswith(prefix):
                item.add_marker(kind)


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def sine_task():
    return make_task(tiny_run().data)


@pytest.fixture(scope="session")
def adding_task():
    return make_task(tiny_run("adding").data)


@pytest.fixture(scope="module")
def sweep(tmp_path_factory):
    """The bytes of (results.csv, history.csv) of a small sweep (tests.helpers.SIZED_SWEEP_GRID), run once per
    module: what the reading rules and the Runs page open."""
    from seqlab.sweep.grid import parse_grid
    from seqlab.sweep.runner import run_sweep
    from tests.helpers import SIZED_SWEEP_GRID

    folder = tmp_path_factory.mktemp("sweep")
    run_sweep(parse_grid(SIZED_SWEEP_GRID), folder, progress=False)
    return (folder / "results.csv").read_bytes(), (folder / "history.csv").read_bytes()
