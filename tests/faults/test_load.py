"""Many visitors at once, small: 10 browser sessions train on one server that runs at most 2 trainings at a time
(benchmarks/load_test.py has the details and a bigger run)."""

import importlib.util
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def load_test_module():
    spec = importlib.util.spec_from_file_location("load_test", BENCHMARKS / "load_test.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["load_test"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def test_ten_sessions_complete_with_their_own_results_within_the_queue_and_memory_limits():
    # 4 epochs of 500 points: each comparison trains long enough that the ones behind it are seen "Queued"
    load = load_test_module()
    result = load.run_load_test(sessions=10, max_concurrent=2, epochs=4, samples=500, timeout=150)
    assert not result.errors  # no traceback or error shown, and no session's verdict differs from its config's
    assert result.completed == 10 and result.own_results == 10 and result.foreign_results == 0
    # a slot per epoch of every run (3 architectures, 4 epochs after the untrained score); 2 at most at once
    assert result.trainings_started == 10 * 3 * (4 + 1) and result.most_slots_held == 2
    assert result.sessions_queued >= 1  # a session that waits says so
    assert result.peak_rss_mb * 2**20 < load.MEMORY_BOUND
