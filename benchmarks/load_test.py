"""Many visitors at once: browser sessions train on one `streamlit run dashboard.py` server behind a queue limit.

One server on a free 127.0.0.1 port, with SEQLAB_MAX_CONCURRENT set; one headless Chromium (Debian's, through
Playwright) with a browser context per session. Each session opens a shared link to a small 3-architecture
comparison on the Lab with its own seed and hidden size, presses Train and waits for its results. Checked:

- every session completes, within the time limit;
- each shows its own results: its verdict sentence (every model's test metric, 3 digits) is the one the same
  config gives headlessly, and no other session's;
- the queue limit holds: the server logs every training slot taken and given back (SEQLAB_SLOT_TRACE), and at no
  time more than the limit were held; sessions that had to wait showed the "Queued" notice;
- the server's resident memory (the sum over its process tree, from /proc) stays under the bound.

    .venv/bin/python benchmarks/load_test.py [--sessions 12] [--max-concurrent 2] [--epochs 3] [--json PATH]

It is bounded: at most --timeout seconds, then the server and the browser are stopped whatever happened.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

from benchmarks.serve import free_port, launch_chromium, stop, streamlit_command, wait_healthy  # noqa: E402

MEMORY_BOUND = 2**30  # bytes: the documented bound for a shared server (issue 6: under 1 GB with 8 sessions)
BASE_HIDDEN = 8  # session i trains hidden size BASE_HIDDEN + i with seed i, so no two sessions share results


@dataclass(frozen=True)
class Setup:
    """One session's comparison: sine, RNN, LSTM and GRU, the Lab's training defaults otherwise."""

    seed: int
    hidden: int
    epochs: int = 3
    samples: int = 500
    length: int = 20

    def link(self, url: str) -> str:
        return (f"{url}/Lab?task=sine&length={self.length}&samples={self.samples}&archs=rnn,lstm,gru"
                f"&hidden={self.hidden}&epochs={self.epochs}&seed={self.seed}&seeds=1")


def expected_verdict(setup: Setup) -> str:
    """The verdict the Lab shows for this setup, computed headlessly (the same numbers: tests/faults)."""
    import torch

    from seqlab.analysis.report import summarise
    from seqlab.config import DataConfig, ModelConfig, RunConfig, TrainConfig
    from seqlab.data import make_task
    from seqlab.presets import comparison_runs
    from seqlab.training.loop import train_interleaved

    torch.set_num_threads(1)  # the server's setting (SEQLAB_TORCH_THREADS)
    data = DataConfig(task="sine", length=setup.length, n_samples=setup.samples, seed=setup.seed)
    template = RunConfig(data=data, model=ModelConfig(hidden_size=setup.hidden),
                         train=TrainConfig(epochs=setup.epochs, seed=setup.seed))
    task = make_task(data)
    training = train_interleaved(comparison_runs(template), task)
    for _ in training:
        pass
    return summarise(training.runs, task).verdict


# ---- the server and its memory -------------------------------------------------------------------------------

@contextmanager
def streamlit_server(env: dict[str, str], seconds: float = 90):
    """`streamlit run dashboard.py` on a free port: yields (url, process); stopped on the way out."""
    port = free_port()
    log = tempfile.TemporaryFile(mode="w+")
    server = subprocess.Popen(streamlit_command("dashboard.py", port, "--browser.gatherUsageStats", "false"),
                              cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, seconds, output=lambda: log.seek(0) or log.read())
        yield url, server
    finally:
        stop(server)
        log.close()


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        todo.extend(children.get(p, []))
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        total += int(match.group(1)) * 1024 if match else 0
    return total


class PeakRss:
    """Samples the tree's RSS every `every` seconds in a thread; `.peak` is the largest seen."""

    def __init__(self, pid: int, every: float = 0.25):
        self.pid, self.every, self.peak = pid, every, tree_rss(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.wait(self.every):
            self.peak = max(self.peak, tree_rss(self.pid))

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(2)
        self.peak = max(self.peak, tree_rss(self.pid))


def slot_trace(path: Path) -> tuple[int, int]:
    """(trainings started, the most slots held at once) from the server's SEQLAB_SLOT_TRACE file."""
    starts, most = 0, 0
    for line in path.read_text().splitlines() if path.exists() else []:
        _, event, busy, _ = line.split()
        starts += event == "start"
        most = max(most, int(busy.split("=")[1]))
    return starts, most


# ---- the browser sessions ------------------------------------------------------------------------------------

@contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = launch_chromium(p)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Session:
    setup: Setup
    page: object
    started: float = 0.0
    finished: float | None = None
    was_queued: bool = False
    verdict: str = ""
    errors: list[str] = field(default_factory=list)


def open_sessions(browser, url: str, setups: list[Setup], seconds: float) -> list[Session]:
    """A browser context per setup, each on its shared link, waiting until its Train button can be pressed."""
    sessions = []
    for setup in setups:
        page = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
        page.goto(setup.link(url), wait_until="commit")
        sessions.append(Session(setup, page))
    from playwright.sync_api import expect

    for s in sessions:  # its own sizes before training: the link was read and the page is drawn
        expect(s.page.get_by_text(f"GRU · {s.setup.hidden} units")).to_be_visible(timeout=seconds * 1000)
        expect(s.page.get_by_role("button", name="Train")).to_be_enabled(timeout=seconds * 1000)
    return sessions


def press_train(sessions: list[Session]) -> None:
    for s in sessions:
        s.page.get_by_role("button", name="Train").click()
        s.started = time.monotonic()


def alerts(page) -> list[str]:
    return [t.strip() for t in page.locator('[data-testid="stAlert"]').all_inner_texts()]


def watch(sessions: list[Session], seconds: float, every: float = 0.3) -> list[int]:
    """Poll every page until each shows its results; return how many showed "Queued" at each poll."""
    queued_counts, deadline = [], time.monotonic() + seconds
    while any(s.finished is None and not s.errors for s in sessions) and time.monotonic() < deadline:
        queued = 0
        for s in sessions:
            if s.finished is not None or s.errors:
                continue
            crashed = s.page.get_by_test_id("stException").all_inner_texts()
            if crashed:  # a traceback on the page: say which, and stop waiting for this session
                s.errors += [f"session {s.setup.seed} shows an exception: {' '.join(t.split())[:400]}"
                             for t in crashed]
                continue
            texts = alerts(s.page)
            if any("Queued:" in t for t in texts):  # after the icon's name, which is text too
                queued += 1
                s.was_queued = True
            if s.page.get_by_role("heading", name=re.compile(r"^Results ·")).count():
                s.finished = time.monotonic()
            s.errors += [t for t in texts if "Traceback" in t or t.startswith("Error")]
        queued_counts.append(queued)
        time.sleep(every)
    return queued_counts


def read_verdict(session: Session) -> str:
    """The one-sentence verdict the page shows (it names the baseline and each model's test figure)."""
    found = [t for t in alerts(session.page) if " on test " in t]
    if not found:
        return ""
    text = found[0]  # after the box's icon name ("check_circle", "warning"), which is text too
    starts = [i for i in (text.find("Levels on test"), text.find("On test")) if i >= 0]
    return " ".join(text[min(starts, default=0):].split())


# ---- the test as a whole -------------------------------------------------------------------------------------

@dataclass
class LoadResult:
    sessions: int
    max_concurrent: int
    completed: int
    wall_seconds: float
    peak_rss_mb: float
    idle_rss_mb: float
    trainings_started: int  # slots taken in the server's trace: one per epoch of every run (a worker holds one
    # while it trains an epoch, seqlab.training.parallel), so sessions x 3 architectures x (epochs + 1)
    epochs: int
    most_slots_held: int
    sessions_queued: int
    most_queued_at_once: int
    own_results: int  # sessions whose verdict is exactly their own config's
    foreign_results: int  # sessions showing a verdict that belongs to another session
    errors: list[str]
    slowest_session_seconds: float

    @property
    def ok(self) -> bool:
        return (self.completed == self.sessions and self.own_results == self.sessions and not self.foreign_results
                and self.most_slots_held <= self.max_concurrent
                and self.trainings_started == self.sessions * 3 * (self.epochs + 1)
                and self.peak_rss_mb * 2**20 < MEMORY_BOUND and not self.errors)


def run_load_test(sessions: int = 12, max_concurrent: int = 2, epochs: int = 3, samples: int = 500,
                  timeout: float = 600) -> LoadResult:
    setups = [Setup(seed=i, hidden=BASE_HIDDEN + i, epochs=epochs, samples=samples) for i in range(sessions)]
    with tempfile.TemporaryDirectory() as tmp:
        trace = Path(tmp) / "slots.log"
        env = {"SEQLAB_MAX_CONCURRENT": str(max_concurrent), "SEQLAB_SLOT_TRACE": str(trace),
               "SEQLAB_TORCH_THREADS": "1"}
        started = time.monotonic()
        with streamlit_server(env) as (url, server), chromium() as browser:
            idle = tree_rss(server.pid)
            with PeakRss(server.pid) as memory:
                opened = open_sessions(browser, url, setups, seconds=timeout / 2)
                press_train(opened)
                queued_counts = watch(opened, seconds=max(timeout - (time.monotonic() - started), 10))
                for s in opened:
                    s.verdict = read_verdict(s) if s.finished else ""
                    if not s.finished and os.environ.get("SEQLAB_LOAD_DEBUG"):
                        s.page.screenshot(path=f"{os.environ['SEQLAB_LOAD_DEBUG']}/stuck-{s.setup.seed}.png",
                                          full_page=True)
            wall = time.monotonic() - started
        starts, most = slot_trace(trace)
    expected = [expected_verdict(s) for s in setups]
    own = sum(s.verdict == " ".join(e.split()) and bool(e) for s, e in zip(opened, expected, strict=True))
    mismatches = [f"session {s.setup.seed} shows {s.verdict!r}, its config gives {e!r}"
                  for s, e in zip(opened, expected, strict=True) if s.finished and s.verdict != " ".join(e.split())]
    foreign = sum(s.verdict in [" ".join(e.split()) for j, e in enumerate(expected) if j != i]
                  for i, s in enumerate(opened))
    return LoadResult(
        sessions=sessions, max_concurrent=max_concurrent, completed=sum(s.finished is not None for s in opened),
        wall_seconds=round(wall, 1), peak_rss_mb=round(memory.peak / 2**20, 1), idle_rss_mb=round(idle / 2**20, 1),
        trainings_started=starts, epochs=epochs, most_slots_held=most,
        sessions_queued=sum(s.was_queued for s in opened),
        most_queued_at_once=max(queued_counts, default=0), own_results=own, foreign_results=foreign,
        errors=[e for s in opened for e in s.errors] + mismatches,
        slowest_session_seconds=round(max((s.finished or time.monotonic()) - s.started for s in opened), 1))


def print_table(result: LoadResult) -> None:
    rows = [("sessions", result.sessions), ("completed", result.completed),
            ("wall time (s)", result.wall_seconds), ("slowest session, Train to results (s)",
                                                     result.slowest_session_seconds),
            ("server RSS idle (MB)", result.idle_rss_mb), ("server RSS peak (MB)", result.peak_rss_mb),
            ("queue limit (SEQLAB_MAX_CONCURRENT)", result.max_concurrent),
            ("most trainings at once (server trace)", result.most_slots_held),
            ("trainings started (server trace)", result.trainings_started),
            ("sessions that showed Queued", result.sessions_queued),
            ("most sessions Queued at once", result.most_queued_at_once),
            ("sessions showing their own results", result.own_results),
            ("sessions showing another's results", result.foreign_results)]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    print("PASS" if result.ok else f"FAIL{': ' + '; '.join(result.errors) if result.errors else ''}")


def main(argv: list[str] | None = None) -> dict:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--sessions", type=int, default=12)
    p.add_argument("--max-concurrent", type=int, default=2)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--samples", type=int, default=500)
    p.add_argument("--timeout", type=float, default=600, help="seconds before everything is stopped")
    p.add_argument("--json", type=Path, help="also write the figures here")
    a = p.parse_args(argv)
    result = run_load_test(a.sessions, a.max_concurrent, a.epochs, a.samples, a.timeout)
    print_table(result)
    figures = {**asdict(result), "ok": result.ok}
    if a.json:
        a.json.write_text(json.dumps(figures, indent=2))
    return figures


if __name__ == "__main__":
    sys.exit(0 if main()["ok"] else 1)
