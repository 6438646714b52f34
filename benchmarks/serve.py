"""A `streamlit run` server on a free 127.0.0.1 port, for the browser tests and the benchmarks that need one."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.request
from collections.abc import Callable

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


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
