"""Training wing: the loop (loop.py), its callbacks (callbacks.py), per-epoch scoring (scoring.py), the parallel engine
and the run log; it imports nothing from analysis, charts or the app (tests/unit/test_wings.py)."""

from seqlab.training.parallel import Parallel, train_parallel

__all__ = ["Parallel", "train_parallel"]
