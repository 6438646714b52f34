"""Wall time of each guided demo: from the click to its conclusion on the home page, and the same training headless.

The page figure runs the real home page in Streamlit's AppTest (no browser): the button is clicked and the
time runs until the script has drawn the conclusion, so it holds the task's loading, the live charts, the
samples of the text demo and the report. The headless figure trains the same runs with `train_interleaved`
and writes the conclusion, with nothing drawn. They alternate, page then headless, `--repeats` times; the
median is the figure. Target: about 10 s per demo on a 2-core laptop, one torch thread (as the app trains).

    .venv/bin/python benchmarks/bench_demos.py [--repeats N] [--demos forgetting memory ...] [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import statistics
import sys
import time
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from seqlab import demos  # noqa: E402
from seqlab.analysis.demo_checks import run_seed  # noqa: E402
from seqlab.app.writing import live_sample  # noqa: E402

TARGET = 10.0  # seconds a class will wait


def headless(demo: demos.Demo) -> tuple[float, str]:
    """Seconds to load, train and conclude a demo's seed 0 without a page, and its conclusion."""
    started = time.perf_counter()
    run = run_seed(demo.runs, 0, live_sample if demo.writes else None)
    words = demos.corpus_words(run.task) if demo.writes else set()
    return time.perf_counter() - started, demo.conclude(run.report, run.samples, words)


def on_page(demo: demos.Demo) -> tuple[float, str]:
    """Seconds from the click on the home page's demo button to the drawn conclusion, and that conclusion."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600).run()
    button = at.button(key=f"demo_{demo.key}_start")
    started = time.perf_counter()
    button.click().run()
    seconds = time.perf_counter() - started
    if at.exception or not at.success:
        raise RuntimeError(f"the {demo.key} demo did not conclude: {at.exception}")
    return seconds, at.success[0].value


def quick(demo: demos.Demo) -> demos.Demo:
    """The demo with one epoch, for a smoke test."""
    train = dataclasses.replace(demo.template.train, epochs=1)
    return dataclasses.replace(demo, template=demo.template.replace(train=train))


def main(argv: list[str] | None = None) -> list[dict]:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--demos", nargs="+", default=[d.key for d in demos.DEMOS], choices=list(demos.BY_KEY))
    p.add_argument("--quick", action="store_true", help="one epoch, headless only: a smoke test")
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    torch.set_num_threads(1)
    rows = []
    for key in a.demos:
        demo = demos.BY_KEY[key]
        page, alone, said = [], [], ""
        for _ in range(1 if a.quick else a.repeats):
            if not a.quick:
                seconds, said = on_page(demo)
                page.append(seconds)
            seconds, said_alone = headless(quick(demo) if a.quick else demo)
            alone.append(seconds)
            said = said or said_alone
        row = {"demo": key, "title": demo.title, "epochs": demo.template.train.epochs,
               "page_s": statistics.median(page) if page else None, "headless_s": statistics.median(alone),
               "conclusion": said}
        row["ok"] = (row["page_s"] or row["headless_s"]) <= TARGET
        rows.append(row)
        page_text = f"{row['page_s']:6.1f} s" if page else "     —  "
        print(f"{demo.title:<28} page {page_text}  headless {row['headless_s']:6.1f} s  "
              f"{'ok' if row['ok'] else f'over {TARGET:g} s'}", flush=True)
        print(f"    {said}", flush=True)
    if a.json:
        a.json.write_text(json.dumps(rows, indent=2))
    return rows


if __name__ == "__main__":
    main()
