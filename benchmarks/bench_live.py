"""Does the live view slow training down? The same 3-architecture run through the Lab page and headless.

The page run is the Lab driven by Streamlit's AppTest: press Train and wait for the results (training
with the progress bars and the live loss chart, then the report and every results chart). The
headless run is what a script does with seqlab alone: `train_interleaved` to the end, then
`summarise` for the same results. Both use one torch thread (the Lab's setting) and alternate,
page, headless, page, ..., after a warm-up of each; the median of the pairs' ratios is the figure.

    .venv/bin/python benchmarks/bench_live.py [--quick] [--repeats N] [--epochs N] [--json PATH]

Run it on an otherwise idle machine: it times whole runs, so another busy process shows in both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from streamlit.testing.v1 import AppTest  # noqa: E402

from seqlab.analysis.report import summarise  # noqa: E402
from seqlab.app.limits import current as current_limits  # noqa: E402
from seqlab.config import RECURRENT_ARCHS as ARCHS  # noqa: E402
from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig  # noqa: E402
from seqlab.data import make_task  # noqa: E402
from seqlab.training.loop import train_interleaved  # noqa: E402

LAB = ROOT / "pages" / "1_Lab.py"
TARGET = 1.10  # the page may take at most 10% longer than headless training
DEFAULT = {"epochs": 20, "hidden": 64, "samples": 2000}  # the Lab's default sine comparison
QUICK = {"epochs": 2, "hidden": 8, "samples": 500}


def page_run(settings: dict) -> float:
    """Seconds from pressing Train to the results, in the Lab page under AppTest."""
    at = AppTest.from_file(str(LAB), default_timeout=600)
    at.session_state["lab_epochs"] = settings["epochs"]
    at.session_state["lab_hidden"] = settings["hidden"]
    at.session_state["lab_samples"] = settings["samples"]
    at.session_state["lab_seeds"] = 1  # the same three runs as the headless side (the Lab trains 3 seeds by default)
    at.run()
    next(b for b in at.button if b.label == "Train").click()
    start = time.perf_counter()
    at.run()
    seconds = time.perf_counter() - start
    comparison = at.session_state["lab_comparison"]
    if at.exception or comparison.report is None:
        raise RuntimeError(f"the page run failed: {at.exception}")
    return seconds


def headless_run(settings: dict) -> float:
    """Seconds to train the same comparison with seqlab alone and summarise it."""
    data = DataConfig(task="sine", n_samples=settings["samples"])
    runs = [RunConfig(data=data, model=ModelConfig(arch=a, hidden_size=settings["hidden"]),
                      train=TrainConfig(epochs=settings["epochs"])) for a in ARCHS]
    task = make_task(data)
    start = time.perf_counter()
    training = train_interleaved(runs, task)
    for _ in training:
        pass
    summarise(training.runs, task)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="tiny run, for a smoke test")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--epochs", type=int, help="override the number of epochs")
    p.add_argument("--json", type=Path, help="write the figures here")
    a = p.parse_args(argv)
    settings = dict(QUICK if a.quick else DEFAULT)
    settings["epochs"] = a.epochs or settings["epochs"]
    torch.set_num_threads(current_limits().torch_threads)
    page_run(settings), headless_run(settings)  # warm-up: imports, caches, first allocations
    page, headless = [], []
    for _ in range(a.repeats):
        page.append(page_run(settings))
        headless.append(headless_run(settings))
    row = {**settings, "threads": current_limits().torch_threads, "repeats": a.repeats,
           "page_s": statistics.median(page), "headless_s": statistics.median(headless)}
    row["pair_ratios"] = [round(a / b, 3) for a, b in zip(page, headless, strict=True)]
    # the median of the pairs' ratios: each pair ran back to back, so a burst of load on the machine
    # spoils one pair, not the figure (a ratio of medians can pair a slow page with a quick headless run)
    row["ratio"] = statistics.median(page_s / headless_s for page_s, headless_s in zip(page, headless, strict=True))
    print(f"{'run':<34}{'page s':>9}{'headless s':>12}{'ratio':>8}")
    label = f"sine, RNN+LSTM+GRU, {settings['epochs']} epochs"
    print(f"{label:<34}{row['page_s']:>9.2f}"
          f"{row['headless_s']:>12.2f}{row['ratio']:>8.3f}")
    print(f"ratio of each page/headless pair: {row['pair_ratios']}")
    print(f"target: ratio <= {TARGET}; {'met' if row['ratio'] <= TARGET else 'NOT met'}")
    if a.json:
        a.json.write_text(json.dumps(row, indent=2))
    return row


if __name__ == "__main__":
    main()
