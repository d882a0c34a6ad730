"""A local TCP listener that records every connection: the proof that a query made no request."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest


@dataclass
class Listener:
    """A loopback port that accepts (and records) connections; ``url`` is what a hostile query names."""

    port: int
    contacts: list[bytes] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def contacted(self, *, wait: float = 0.5) -> list[bytes]:
        """What was received so far, after giving a late request ``wait`` seconds to arrive."""
        time.sleep(wait)
        return list(self.contacts)


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    found = Listener(server.getsockname()[1])
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                conn.settimeout(1)
                try:
                    found.contacts.append(conn.recv(4096) or b"(connected)")
                except OSError:
                    found.contacts.append(b"(connected)")
                # answer nothing: a hanging target, as in the issue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield found
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
