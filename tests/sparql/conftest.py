"""The SPARQL tests' fixtures: builds the saved queries are compared on, and a local TCP listener that
records every connection (the proof that a query made no request)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import SHIPPED


def _built(factory: pytest.TempPathFactory, data: Path, name: str, reasoner: str) -> Path:
    """``data`` built once into a fresh directory named ``name`` (read-only for the tests)."""
    from coopgraph.pipeline import build

    out = factory.mktemp(name)
    build(data, out, reasoner=reasoner)
    return out


@pytest.fixture(scope="session")
def synthetic_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated world of 300 agreements (``benchmarks/generate.py``), written once."""
    from benchmarks.generate import generate

    world = tmp_path_factory.mktemp("world-300")
    generate(300, world)
    return world


@pytest.fixture(scope="session")
def synthetic_build(tmp_path_factory: pytest.TempPathFactory, synthetic_world: Path) -> Path:
    """The 300-agreement world built without a reasoner."""
    return _built(tmp_path_factory, synthetic_world, "world-300-build", "none")


@pytest.fixture(scope="session")
def reasoned_synthetic(tmp_path_factory: pytest.TempPathFactory, synthetic_world: Path) -> Path:
    """The 300-agreement world built with the rules reasoner."""
    return _built(tmp_path_factory, synthetic_world, "world-300-rules", "rules")


@pytest.fixture(scope="session")
def reasoned_shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built with the rules reasoner (every saved query returns rows there)."""
    return _built(tmp_path_factory, SHIPPED, "shipped-rules", "rules")


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
