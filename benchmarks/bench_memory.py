"""The server's resident memory: idle, after one default Lab comparison, and with 8 sessions that each trained once.

One `streamlit run dashboard.py` on 127.0.0.1 and headless Chromium sessions (see load_test.py). Each session opens
the Lab with its defaults (sine; RNN, LSTM and GRU; hidden 64; 20 epochs), presses Train and waits for its results;
sessions stay open, so the server keeps what each of them holds. Memory is the RSS of the server's process tree.

    .venv/bin/python benchmarks/bench_memory.py [--sessions 8] [--epochs 20] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_test import MEMORY_BOUND, PeakRss, chromium, streamlit_server, tree_rss  # noqa: E402

SETTLE = 3.0  # seconds after the last result before memory is read: the reruns that draw it are over


def open_lab(browser, url: str, epochs: int):
    from playwright.sync_api import expect

    page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{url}/Lab" + (f"?epochs={epochs}" if epochs != 20 else ""))
    expect(page.get_by_role("button", name="Train")).to_be_enabled(timeout=120_000)
    return page


def train_and_wait(pages, seconds: float) -> None:
    import re

    from playwright.sync_api import expect

    for page in pages:
        page.get_by_role("button", name="Train").click()
    for page in pages:
        expect(page.get_by_role("heading", name=re.compile(r"^Results ·"))).to_be_visible(timeout=seconds * 1000)


def mb(n: int) -> float:
    return round(n / 2**20, 1)


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=8)
    p.add_argument("--epochs", type=int, default=20, help="the Lab's default is 20")
    p.add_argument("--max-concurrent", type=int, default=2)
    p.add_argument("--json", type=Path)
    a = p.parse_args(argv)
    figures, started = {}, time.monotonic()
    env = {"SEQLAB_MAX_CONCURRENT": str(a.max_concurrent), "SEQLAB_TORCH_THREADS": "1"}
    with streamlit_server(env) as (url, server), chromium() as browser, PeakRss(server.pid) as peak:
        figures["idle, no session (MB)"] = mb(tree_rss(server.pid))
        first = open_lab(browser, url, a.epochs)
        time.sleep(SETTLE)
        figures["idle, one Lab page open (MB)"] = mb(tree_rss(server.pid))
        train_and_wait([first], seconds=600)
        time.sleep(SETTLE)
        figures["after one 3-architecture run (MB)"] = mb(tree_rss(server.pid))
        others = [open_lab(browser, url, a.epochs) for _ in range(a.sessions - 1)]
        train_and_wait(others, seconds=1200)
        time.sleep(SETTLE)
        figures[f"{a.sessions} sessions, each trained once (MB)"] = mb(tree_rss(server.pid))
        figures["peak during the whole run (MB)"] = mb(peak.peak)
    figures["wall time (s)"] = round(time.monotonic() - started, 1)
    width = max(map(len, figures))
    for name, value in figures.items():
        print(f"{name:<{width}}  {value}")
    ok = figures["peak during the whole run (MB)"] * 2**20 < MEMORY_BOUND
    print(f"target: under {MEMORY_BOUND // 2**20} MB with {a.sessions} sessions: {'met' if ok else 'MISSED'}")
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    main()
