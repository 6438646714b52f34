"""Handwritten 8x8 digits read as sequences: 8 rows of 8 pixels, or 64 pixels one by one."""

from __future__ import annotations

import functools
import math
from pathlib import Path

import numpy as np
import pandas as pd
import torch

from seqlab.config import DataConfig
from seqlab.data.task import Task

DIGITS_FILE = Path(__file__).parent / "files" / "digits_8x8.csv.gz"
DIGITS_SOURCE = (
    "UCI Optical Recognition of Handwritten Digits (Alpaydin & Kaynak), CC BY 4.0, as shipped by scikit-learn"
)


@functools.lru_cache(maxsize=1)
def load_digits() -> tuple[np.ndarray, np.ndarray]:
    """Pixels (N, 64) as grey levels 0..16, and labels (N,)."""
    frame = pd.read_csv(DIGITS_FILE)
    pixels = frame[[f"p{i}" for i in range(64)]].to_numpy(dtype=np.float32)
    labels = frame["label"].to_numpy(dtype=np.int64)
    pixels.setflags(write=False)
    labels.setflags(write=False)
    return pixels, labels


def digit_sequences(pixels: np.ndarray, reading: str) -> torch.Tensor:
    """(N, 8, 8) for row-by-row reading, (N, 64, 1) for pixel-by-pixel; scaled to [0, 1]."""
    x = torch.from_numpy(pixels / 16.0)
    return x.view(-1, 8, 8) if reading == "rows" else x.view(-1, 64, 1)


def digits_task(cfg: DataConfig) -> Task:
    """Classify each digit after reading it; the split is a seeded shuffle (digits are independent)."""
    pixels, labels = load_digits()
    order = np.random.default_rng(cfg.seed).permutation(len(labels))
    x, y = digit_sequences(pixels[order], cfg.reading), torch.from_numpy(labels[order].copy())
    n_val, n_test = round(len(y) * cfg.val_fraction), round(len(y) * cfg.test_fraction)
    a, b = len(y) - n_val - n_test, len(y) - n_test
    steps = "8 rows of 8 pixels" if cfg.reading == "rows" else "64 pixels one by one"
    return Task(
        name="digits", title=f"Handwritten digits, {steps}", kind="classification",
        x_train=x[:a], y_train=y[:a], x_val=x[a:b], y_val=y[a:b], x_test=x[b:], y_test=y[b:],
        input_size=x.shape[-1], output_size=10,
        step_meaning="a row of 8 pixels" if cfg.reading == "rows" else "one pixel",
        target_meaning="the digit 0-9", classes=tuple(str(d) for d in range(10)),
        baseline_loss=math.log(10), baseline_name="guess uniformly among 10 digits",
        source=DIGITS_SOURCE,
    )
