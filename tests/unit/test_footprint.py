"""The bytes a task will hold, estimated from its config before building it, against what it holds once built."""

import numpy as np
import pytest

from seqlab.config import DataConfig
from seqlab.data import estimate_task_bytes, make_task


def series_csv(rows: int) -> bytes:
    values = np.sin(np.arange(rows) / 9) * 5 + np.arange(rows) * 0.01
    return ("day,value\n" + "".join(f"{i},{v:.3f}\n" for i, v in enumerate(values))).encode()


def reviews(rows: int) -> bytes:
    texts = ["a fine film", "a dull and very long film sadly", "loved it", "hated every minute of it"]
    return ("review,label\n" + "".join(f"{texts[i % 4]} number {i},{'pos' if i % 2 else 'neg'}\n"
                                       for i in range(rows))).encode()


PROSE = ("The quick brown fox jumps over the lazy dog, and then it naps in the sun. " * 200).encode()

# (config, upload) over every kind of task, each at a few sizes
GRID = [
    *[(DataConfig(task="adding", length=T, n_samples=n), None) for T in (5, 50, 300) for n in (64, 1000, 5000)],
    *[(DataConfig(task="copy", length=T, n_samples=n), None) for T in (2, 30, 200) for n in (64, 2000)],
    *[(DataConfig(task="sine", length=L, horizon=H, n_samples=n), None)
      for L, H, n in ((5, 1, 200), (50, 3, 2000), (200, 10, 20_000))],
    *[(DataConfig(task="digits", reading=r), None) for r in ("rows", "pixels")],
    *[(DataConfig(task="text", length=T, n_samples=n), None) for T, n in ((20, 100), (100, 2000), (500, 5000))],
    (DataConfig(task="text", corpus="upload", length=30, n_samples=50_000), PROSE),
    *[(DataConfig(task="chorales", length=T, n_samples=n), None) for T, n in ((16, 2000), (64, 100), (500, 2000))],
    *[(DataConfig(task=name, length=L), None) for name, L in (("airline", 12), ("sunspots", 30), ("msft", 200))],
    (DataConfig(task="msft", length=50, max_rows=1000), None),
    *[(DataConfig(task="csv", length=L), series_csv(n)) for L, n in ((5, 100), (100, 5000))],
    *[(DataConfig(task="sentiment", length=L), reviews(n)) for L, n in ((10, 60), (40, 2000))],
]


@pytest.mark.parametrize("cfg, upload", GRID, ids=[f"{c.task}-{c.length}-{c.n_samples}" for c, _ in GRID])
def test_the_estimate_is_never_below_the_built_task_and_at_most_a_tenth_above(cfg, upload):
    assert 1.0 <= estimate_task_bytes(cfg, upload) / make_task(cfg, upload).nbytes() <= 1.1


def test_an_unknown_upload_is_bounded_by_the_row_limit():
    small, large = (estimate_task_bytes(DataConfig(task="csv", length=50, max_rows=m)) for m in (1000, 200_000))
    assert large > 100 * small and large > 200_000 * 8  # the limit bounds what an upload can hold


def test_the_largest_copy_task_is_seen_before_it_is_built():
    cfg = DataConfig(task="copy", length=1000, n_samples=50_000)
    assert estimate_task_bytes(cfg) == 2 * 50_000 * 1020 * 8  # 816 MB, the case that pickled to 2.3 GB
