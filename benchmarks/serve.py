"""A `streamlit run` server on a free 127.0.0.1 port, for the browser tests and the benchmarks that need one."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = os.environ.get("SEQLAB_CHROMIUM", "/usr/bin/chromium")  # Debian's package; `playwright install` fails here
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def launch_chromium(playwright):
    """Headless Chromium with the flags these machines need."""
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def streamlit_command(script, port: int, *options: str) -> list[str]:
    """`streamlit run script`, headless on 127.0.0.1:port, with any further options."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true", *options]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, server: subprocess.Popen, seconds: float, poll: float = 0.3,
                 output: Callable[[], str] | None = None) -> None:
    """Poll Streamlit's health endpoint until it answers 200; raise if the server exits or `seconds` pass."""
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            said = output() if output else (server.stdout.read() if server.stdout else "")
            raise RuntimeError(f"streamlit exited with code {server.returncode}:\n{said[-3000:]}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(poll)
    raise TimeoutError(f"streamlit did not answer on {url} within {seconds:g} s")


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


@contextmanager
def served(cwd: Path, script: str = "dashboard.py", env: dict | None = None,
           seconds: float = 60) -> Iterator[tuple[str, subprocess.Popen]]:
    """A healthy `streamlit run script` server in `cwd` for the `with` block: (its URL, its process); stopped after."""
    port = free_port()
    server = subprocess.Popen(streamlit_command(script, port), cwd=cwd, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, server, seconds=seconds)
        yield url, server
    finally:
        stop(server)
