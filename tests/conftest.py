"""Shared fixtures: tiny configs and tasks so the unit suite runs in seconds."""

import pytest
import torch

from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
from seqlab.data import make_task

# One torch thread: the suite's models are tiny, and two spinning OpenMP threads stall badly whenever
# another process (the e2e server, a browser) holds the second core.
torch.set_num_threads(1)


@pytest.fixture(autouse=True)
def seed():
    torch.manual_seed(0)


def tiny_run(task="sine", arch="lstm", **train) -> RunConfig:
    data = DataConfig(task=task, length=12, n_samples=300)
    return RunConfig(data=data, model=ModelConfig(arch=arch, hidden_size=8),
                     train=TrainConfig(**{"epochs": 2, "batch_size": 32, **train}))


@pytest.fixture(scope="session")
def sine_task():
    return make_task(tiny_run().data)


@pytest.fixture(scope="session")
def adding_task():
    return make_task(tiny_run("adding").data)


def walk(node):
    """Every dict in a chart spec, depth first (for chart tests)."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for child in node:
            yield from walk(child)
