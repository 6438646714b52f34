"""Cold start in a real browser: `streamlit run` of the app to its first chart, against a bare page that imports torch.

Each start is timed from just before `streamlit run` is spawned to the moment the page's first chart
(a Vega-Lite `svg.marks`) is visible in Chromium, driven by Playwright. The app's figure is the Lab's
deep link (`/Lab`) and its data-preview chart: the home page has no data chart (its cards are
pictures, its one diagram is graphviz), and the Lab is where a shared link lands. The reference is a
bare Streamlit page written to a temporary file: it imports torch, pandas and Altair and draws one
line chart. Both run with the repository's `.streamlit/config.toml` (cwd is the repository).

Chromium is started once, before any timing (a user's browser is already open); every start gets a
fresh browser context, so nothing is cached. The first start of each is a warm-up (the OS file cache
then holds the libraries for both); then app and reference alternate, swapping who goes first each
repeat. The figure is the ratio of the medians, app / reference; `server up` (the health endpoint
answers) and `title` (the page's h1 is visible: the script has run up to it) show where the time goes.

    .venv/bin/python benchmarks/bench_cold_start.py [--quick] [--repeats N] [--page lab|home] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from benchmarks.serve import free_port, launch_chromium, stop, streamlit_command, wait_healthy  # noqa: E402

TARGET = 1.3  # the app may take at most 30% longer than a bare torch page to show its first chart
DEADLINE = 180.0  # seconds one start may take before the benchmark gives up
VEGA = "[data-testid='stVegaLiteChart'] svg.marks"
PAGES = {  # name -> (script, path in the address, the first chart's selector)
    "lab": ("dashboard.py", "/Lab", VEGA),  # the data preview
    "home": ("dashboard.py", "/", "[data-testid='stGraphVizChart'] svg"),  # the RNN/LSTM diagram
}
REFERENCE_PAGE = '''"""A bare Streamlit page that imports torch and draws one chart: the cold-start reference."""
import altair as alt
import pandas as pd
import streamlit as st
import torch

st.title("Reference")
values = torch.sin(torch.arange(300) / 10.0).numpy()
frame = pd.DataFrame({"step": range(len(values)), "value": values})
st.altair_chart(alt.Chart(frame).mark_line().encode(x="step", y="value"))
'''


def cold_start(browser, script: Path, path: str, selector: str) -> dict:
    """Seconds from spawning `streamlit run script` to its server answering, its title and its first chart."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    start = time.perf_counter()
    server = subprocess.Popen(streamlit_command(script, port), cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    context = None
    try:
        wait_healthy(url, server, DEADLINE - (time.perf_counter() - start), poll=0.05)
        up = time.perf_counter() - start
        context = browser.new_context(viewport={"width": 1440, "height": 1000})
        page = context.new_page()
        page.goto(url + path, wait_until="commit")
        page.locator("h1").first.wait_for(state="visible", timeout=ms_left(start))
        title = time.perf_counter() - start
        page.locator(selector).first.wait_for(state="visible", timeout=ms_left(start))
        chart = time.perf_counter() - start
    finally:
        if context is not None:
            context.close()
        stop(server)
    return {"up_s": up, "title_s": title, "chart_s": chart}


def ms_left(start: float) -> float:
    return max(1000 * (start + DEADLINE - time.perf_counter()), 1)


def measure(page_name: str, repeats: int, reference: Path, warm_up: bool = True) -> dict:
    """Warm up each, then alternate app and reference `repeats` times; medians and their ratio."""
    from playwright.sync_api import sync_playwright

    script, path, selector = PAGES[page_name]
    starts = {"app": (ROOT / script, path, selector), "reference": (reference, "/", VEGA)}
    times = {"app": [], "reference": []}
    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            for args in starts.values() if warm_up else ():  # warm-up, not counted
                cold_start(browser, *args)
            for i in range(repeats):
                order = ("app", "reference") if i % 2 == 0 else ("reference", "app")
                for name in order:
                    times[name].append(cold_start(browser, *starts[name]))
        finally:
            browser.close()
    row = {"page": page_name, "url_path": path, "repeats": repeats}
    for name, runs in times.items():
        row[f"{name}_s"] = statistics.median(r["chart_s"] for r in runs)
        row[f"{name}_up_s"] = statistics.median(r["up_s"] for r in runs)
        row[f"{name}_title_s"] = statistics.median(r["title_s"] for r in runs)
        row[f"{name}_all_s"] = [round(r["chart_s"], 3) for r in runs]
    row["ratio"] = row["app_s"] / row["reference_s"]
    row["ok"] = row["ratio"] <= TARGET
    return row


def print_row(row: dict) -> None:
    print(f"{'start':<28}{'server up s':>12}{'title s':>9}{'first chart s':>15}  every start (chart s)")
    label = f"app {row['url_path']}"
    for name, shown in (("app", label), ("reference", "bare page importing torch")):
        print(f"{shown:<28}{row[f'{name}_up_s']:>12.2f}{row[f'{name}_title_s']:>9.2f}{row[f'{name}_s']:>15.2f}"
              f"  {row[f'{name}_all_s']}")
    verdict = "met" if row["ok"] else "NOT met"
    print(f"ratio of medians (app / reference): {row['ratio']:.3f}; target <= {TARGET}: {verdict}")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="one start of each and no warm-up, for a smoke test")
    p.add_argument("--repeats", type=int, default=None, help="timed starts of each (default 5; 1 quick)")
    p.add_argument("--page", choices=list(PAGES), default="lab", help="which page of the app to open")
    p.add_argument("--json", type=Path, help="write the figures here")
    a = p.parse_args(argv)
    repeats = a.repeats or (1 if a.quick else 5)
    with tempfile.TemporaryDirectory(prefix="seqlab-cold-start-") as tmp:
        reference = Path(tmp) / "reference.py"
        reference.write_text(REFERENCE_PAGE)
        row = measure(a.page, repeats, reference, warm_up=not a.quick)
    print_row(row)
    if a.json:
        a.json.write_text(json.dumps(row, indent=2))
    return row


if __name__ == "__main__":
    main()
