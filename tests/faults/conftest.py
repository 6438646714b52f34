"""A misbehaving server on 127.0.0.1 for the network fault tests: it refuses, hangs, answers nothing or says 429."""

import socket
import threading
from collections.abc import Iterator

import pytest

MODES = ("refused", "hang", "empty", "429")
TOO_MANY = (b"HTTP/1.1 429 Too Many Requests\r\nRetry-After: 3600\r\nContent-Type: text/plain\r\n"
            b"Content-Length: 17\r\nConnection: close\r\n\r\nToo Many Requests")


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused, as with no network at all."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FaultServer:
    """Accepts connections and, by `mode`: holds them open without a byte ("hang"), reads the request and
    closes without answering ("empty"), or answers HTTP 429 ("429"). Counts the connections it saw."""

    def __init__(self, mode: str):
        self.mode, self.connections = mode, 0
        self._held: list[socket.socket] = []
        self._stop = threading.Event()
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self._socket.listen(32)
        self._socket.settimeout(0.1)
        self._thread = threading.Thread(target=self._accept, name=f"fault-server-{mode}", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._socket.getsockname()[1]}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._socket.accept()
            except OSError:
                continue
            self.connections += 1
            if self.mode == "hang":
                self._held.append(conn)  # accepted, never answered: the client waits on its own timeouts
                continue
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(2)
            try:
                conn.recv(65536)  # the request head (a GET, or a proxy's CONNECT)
                if self.mode == "429":
                    conn.sendall(TOO_MANY)
            except OSError:
                pass

    def close(self) -> None:
        """Stop accepting and drop held connections, so abandoned client threads end too."""
        self._stop.set()
        self._thread.join(2)
        for conn in self._held:
            conn.close()
        self._socket.close()


@pytest.fixture(params=MODES)
def faulty_url(request) -> Iterator[tuple[str, FaultServer | None]]:
    """(base URL, server) for each fault; no server for "refused"."""
    if request.param == "refused":
        yield f"http://127.0.0.1:{closed_port()}", None
        return
    server = FaultServer(request.param)
    try:
        yield server.url, server
    finally:
        server.close()


@pytest.fixture
def hanging_server() -> Iterator[FaultServer]:
    """A server that accepts connections and never answers, closed after the test."""
    server = FaultServer("hang")
    try:
        yield server
    finally:
        server.close()
