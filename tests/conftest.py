"""Shared fixtures: tiny configs and tasks so the unit suite runs in seconds."""

import pytest
import torch

from seqlab.data import make_task
from tests.helpers import tiny_run, walk  # noqa: F401 (older tests import them from here)

# One torch thread: the suite's models are tiny, and two spinning OpenMP threads stall badly whenever
# another process (the e2e server, a browser) holds the second core.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


@pytest.fixture(scope="session")
def sine_task():
    return make_task(tiny_run().data)


@pytest.fixture(scope="session")
def adding_task():
    return make_task(tiny_run("adding").data)
