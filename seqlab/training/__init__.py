"""Training wing: today the parallel engine; the loop, callbacks and run log move here in "Fit and finish"."""

from seqlab.training.parallel import Parallel, train_parallel

__all__ = ["Parallel", "train_parallel"]
