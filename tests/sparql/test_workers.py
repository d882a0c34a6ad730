"""serve: workers answer HTTP themselves; the supervisor stops, answers for and replaces them.

Real servers (``coopgraph serve`` as a process), real sockets, real signals.
The processes are found by what holds the sockets (``ss -p``); no timed assertions
but liveness bounds.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.servers import coopgraph_server
from tests.sparql.test_endpoint import SLOW, SMALL, latencies

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def serve_dir(shipped_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("workers-build")
    (out / "store").symlink_to((shipped_build / "store").resolve())
    return out


@pytest.fixture(scope="module")
def patient(serve_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server whose time limit is long enough to catch a worker in the act."""
    with coopgraph_server(serve_dir, tmp_path_factory.mktemp("patient-log"), "--timeout", "120") as base:
        yield base


def holders(port: int, *, peer: int | None = None) -> set[int]:
    """Process ids holding the listening socket on ``port``, or the connection from local port ``peer``."""
    if peer is None:
        command = ["ss", "-ltnpH", f"sport = :{port}"]
    else:
        command = ["ss", "-tnpH", "state", "established", f"( sport = :{port} and dport = :{peer} )"]
    listing = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return {int(found) for found in re.findall(r"pid=(\d+)", listing)}


def parent(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    return int(re.search(r"PPid:\s+(\d+)", status)[1])  # type: ignore[index]


def workers_of(port: int) -> tuple[int, set[int]]:
    """The supervisor's process id and its workers' (each worker holds the listening socket)."""
    pids = holders(port)
    supervisors = {pid for pid in pids if parent(pid) not in pids}
    assert len(supervisors) == 1, pids
    return supervisors.pop(), {pid for pid in pids if parent(pid) in pids}


def start_slow(base: str) -> tuple[socket.socket, int]:
    """A connection running a query that would take hours; and the worker answering it."""
    url = urllib.parse.urlsplit(base)
    sock = socket.create_connection((url.hostname, url.port), timeout=60)
    sock.sendall(f"GET /sparql?query={urllib.parse.quote(SLOW)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    _, workers = workers_of(url.port)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = holders(url.port, peer=sock.getsockname()[1]) & workers
        if busy:
            return sock, busy.pop()
        time.sleep(0.05)
    raise AssertionError("no worker took the connection")


def read_all(sock: socket.socket) -> bytes:
    chunks = []
    with contextlib.suppress(OSError):
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_a_worker_dying_mid_answer_is_answered_for_and_replaced(patient: str) -> None:
    """A worker killed while it answers (as the kernel's OOM killer would): its client gets a 503 from
    the supervisor, a new worker takes its place, and the server keeps answering."""
    port = urllib.parse.urlsplit(patient).port
    _, before = workers_of(port)
    sock, busy = start_slow(patient)
    with sock:
        os.kill(busy, signal.SIGKILL)
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 503 ") and b"Connection: close" in answer, answer
    assert b"memory" in answer
    assert max(latencies(patient, 3)) < 10
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and len(workers_of(port)[1]) < len(before):
        time.sleep(0.2)
    _, after = workers_of(port)
    assert len(after) == len(before) and busy not in after


def test_an_overdue_worker_is_replaced_and_its_other_clients_reconnect(serve_dir: Path, tmp_path: Path) -> None:
    """With one worker: a query past the time limit gets 503, the worker is replaced, and the server
    answers again (on a new connection) once the new worker has the store."""
    with coopgraph_server(serve_dir, tmp_path / "log", "--timeout", "1", "--workers", "1") as base:
        port = urllib.parse.urlsplit(base).port
        _, (first,) = workers_of(port)
        sock, busy = start_slow(base)
        with sock:
            answer = read_all(sock)
        assert busy == first and answer.startswith(b"HTTP/1.1 503 ") and b"time limit of 1 s" in answer, answer
        assert max(latencies(base, 3)) < 60
        _, (second,) = workers_of(port)
        assert second != first


def test_sigterm_stops_the_workers_too(serve_dir: Path, tmp_path: Path) -> None:
    """Graceful shutdown: SIGTERM to the server ends every worker (none is left holding the port)."""
    with coopgraph_server(serve_dir, tmp_path / "log") as base:
        port = urllib.parse.urlsplit(base).port
        supervisor, workers = workers_of(port)
        assert len(workers) == 2
    for pid in workers | {supervisor}:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()
    assert holders(port) == set()


# --- the HTTP layer of a worker -----------------------------------------------------------------------


def exchange(base: str, data: bytes, *, until_close: bool = True) -> bytes:
    url = urllib.parse.urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(data)
        if until_close:
            return read_all(sock)
        return sock.recv(65536)


def answers(raw: bytes) -> list[tuple[int, bytes]]:
    """Status and body of each response in a byte stream (Content-Length framed)."""
    found = []
    while raw:
        head, _, rest = raw.partition(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = int(re.search(rb"Content-Length: (\d+)", head)[1])  # type: ignore[index]
        found.append((status, rest[:length]))
        raw = rest[length:]
    return found


def test_pipelined_requests_are_answered_in_order(patient: str) -> None:
    ask = "/sparql?query=" + urllib.parse.quote("ASK { ?s ?p ?o }")
    nothing = "/sparql?query=" + urllib.parse.quote("ASK { <urn:no> <urn:no> <urn:no> }")
    data = (
        b"".join(
            f"GET {path} HTTP/1.1\r\nHost: x\r\nAccept: application/sparql-results+json\r\n\r\n".encode()
            for path in (ask, nothing, ask)
        )
        + b"GET /nothing-here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    got = answers(exchange(patient, data))
    assert [status for status, _ in got] == [200, 200, 200, 404]
    assert [json.loads(body)["boolean"] for _, body in got[:3]] == [True, False, True]


def test_expect_100_continue_and_a_get_with_a_body(patient: str) -> None:
    """curl sends Expect: 100-continue before a large POST; a GET's body is read, not taken for a request."""
    url = urllib.parse.urlsplit(patient)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        head = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
        head += b"Accept: application/sparql-results+json\r\nContent-Length: 6\r\n"
        sock.sendall(head + b"Expect: 100-continue\r\n\r\n")
        assert sock.recv(4096) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(b"ASK {}")
        sock.sendall(b"GET /nothing HTTP/1.1\r\nHost: x\r\nContent-Length: 22\r\nConnection: close\r\n\r\n"
                     b"GET /sparql HTTP/1.1\r\n")  # fmt: skip
        got = answers(read_all(sock))
    assert [s for s, _ in got] == [200, 404] and json.loads(got[0][1])["boolean"] is True


def test_http_1_0_closes_and_bad_requests_are_plain_text(patient: str) -> None:
    assert answers(exchange(patient, f"GET {SMALL} HTTP/1.0\r\n\r\n".encode()))[0][0] == 200
    for data, status in [
        (b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", 501),
        (b"GET /sparql HTTP/2.0\r\n\r\n", 505),
        (b"GET\r\n\r\n", 400),
        (b"GET /sparql HTTP/1.1\r\nno colon here\r\n\r\n", 400),
        (b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n", 414),
        (b"GET /sparql HTTP/1.1\r\nX-Big: " + b"a" * 140_000 + b"\r\n\r\n", 431),
        (b"GET / HTTP/1.1\r\n" + b"".join(b"X-%d: 1\r\n" % n for n in range(120)) + b"\r\n", 431),
    ]:
        answer = exchange(patient, data)
        assert answer.startswith(f"HTTP/1.1 {status} ".encode()), (data[:40], answer)
        assert b"Content-Type: text/plain" in answer and b"Connection: close" in answer


POST = b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
ASK_AGAIN = b"GET /sparql?query=ASK%7B%7D HTTP/1.1\r\nHost: x\r\n\r\n"  # smuggled, if the framing is misread


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (POST + b"Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + ASK_AGAIN, 400),
        (POST + b"Transfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + ASK_AGAIN, 400),
        (POST + b"Content-Length: 6\r\nContent-Length: 0\r\n\r\nASK {}" + ASK_AGAIN, 400),
        (POST + b"Content-Length: 6\r\nContent-Length: 6\r\n\r\nASK {}" + ASK_AGAIN, 400),
        (POST + b"Content-Length: 6, 0\r\n\r\nASK {}" + ASK_AGAIN, 400),
        (POST + b"Content-Length : 6\r\n\r\nASK {}" + ASK_AGAIN, 400),  # space before the colon
        (POST + b"Content Length: 6\r\n\r\nASK {}" + ASK_AGAIN, 400),  # a header name with a space
        (POST + b"X-A: 1\r\n Content-Length: 6\r\n\r\nASK {}" + ASK_AGAIN, 400),  # obs-fold
        (POST + b"Transfer-Encoding:\r\n chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\n" + ASK_AGAIN, 400),
        (POST + b"X-A: 1\rContent-Length: 6\r\n\r\nASK {}" + ASK_AGAIN, 400),  # a bare CR
        (POST.replace(b"\r\n", b"\n") + b"Content-Length: 6\n\nASK {}" + ASK_AGAIN, 400),  # bare LF
        (POST + b"X-A: a\x00b\r\nContent-Length: 6\r\n\r\nASK {}" + ASK_AGAIN, 400),
        (POST + b"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + ASK_AGAIN, 400),
        (POST + b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n" + ASK_AGAIN, 501),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n6x\r\nASK {}\r\n0\r\n\r\n" + ASK_AGAIN, 400),
        (POST + b"Transfer-Encoding: chunked\r\n\r\n6\nASK {}\n0\n\n" + ASK_AGAIN, 400),
        (b"GET /sparql\r\n\r\n" + ASK_AGAIN, 505),  # HTTP/0.9
        (b"GET /sparql HTTP/1.1 x\r\nHost: x\r\n\r\n" + ASK_AGAIN, 400),
    ],
)
def test_request_smuggling_material_gets_one_answer_and_a_close(patient: str, data: bytes, status: int) -> None:
    """Framing a proxy and we could read differently is refused: one plain-text 4xx/5xx, the
    connection closed, and nothing after it (the smuggled request) answered."""
    got = answers(exchange(patient, data))
    assert [answer[0] for answer in got] == [status], (data, got)
    raw = exchange(patient, data)
    assert b"Content-Type: text/plain" in raw and b"Connection: close" in raw


def test_chunked_request_bodies_are_read_and_capped(patient: str) -> None:
    """A chunked POST (with chunk extensions and a trailer) is answered like a Content-Length one."""
    chunked = b"Accept: application/sparql-results+json\r\nTransfer-Encoding: chunked\r\n\r\n"
    body = b"3;note=x\r\nASK\r\n3\r\n {}\r\n0\r\nX-Trailer: 1\r\n\r\n"
    got = answers(
        exchange(patient, POST + chunked + body + b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    )
    assert [s for s, _ in got] == [200, 404] and json.loads(got[0][1])["boolean"] is True
    url = urllib.parse.urlsplit(patient)
    with socket.create_connection((url.hostname, url.port), timeout=30) as sock:
        sock.sendall(POST + chunked)
        with contextlib.suppress(OSError):  # the server answers and closes once past 10 MB, mid-send
            for _ in range(11):
                sock.sendall(b"%x\r\n" % 1_000_000 + b"a" * 1_000_000 + b"\r\n")
        raw = read_all(sock)
    assert raw.startswith(b"HTTP/1.1 413 "), raw[:200]


def test_a_client_that_does_not_read_its_answer_holds_no_worker(patient: str) -> None:
    """Many large answers asked for and never read: the worker keeps answering others."""
    url = urllib.parse.urlsplit(patient)
    big = "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o }")
    stalled = []
    try:
        for _ in range(4):
            sock = socket.create_connection((url.hostname, url.port), timeout=30)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(f"GET {big} HTTP/1.1\r\nHost: x\r\n\r\n".encode() * 3)
            stalled.append(sock)
        done = threading.Event()
        found: list[float] = []
        thread = threading.Thread(target=lambda: (found.extend(latencies(patient, 3)), done.set()))
        thread.start()
        thread.join(timeout=60)
        assert done.is_set() and max(found) < 10
    finally:
        for sock in stalled:
            sock.close()
