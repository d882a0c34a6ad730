"""HTTP/1.1 inside one endpoint worker: many connections, one request answered at a time.

Each worker process accepts on the shared listening socket and answers its own
connections, so a request costs one process and no hop between processes (the
hop cost more than the query: ``benchmarks/SERVE.md``).  Reads and writes never
block the worker: a client that drips its request, promises a body it never
sends, or does not read its answer holds a buffer, not the worker, and is cut
off at the client deadline (the whole request within ``client_timeout``; an
answer must keep draining).  Only the answer itself runs on the worker's
thread, and the supervisor (:mod:`coopgraph.sparql.workers`) stops that when it
runs past the time limit: the worker marks what it is answering in a shared
``slot`` (when it started, which connection) and hands each accepted
connection's descriptor to the supervisor, which can then answer 503 on it.

A request head is at most :data:`MAX_HEAD` bytes and :data:`MAX_HEADERS` lines,
a body at most ``max_body`` bytes with a ``Content-Length`` (chunked bodies get
411); a malformed request gets a plain-text 4xx and the connection closes.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

Answer = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, extra headers
TEXT = "text/plain; charset=utf-8"
MAX_LINE = 65536
"""The longest request line (a GET query travels in it); longer gets 414, as http.server did."""
MAX_HEAD = 2 * MAX_LINE
MAX_HEADERS = 100
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"})
RECYCLE = "X-Coopgraph-Recycle"
"""A worker's own header (never sent): answer given, then this worker stops (it hit the memory cap)."""
REASONS = {status.value: status.phrase for status in HTTPStatus}
COMMON = (
    "Access-Control-Allow-Origin: *\r\nVary: Accept, Accept-Language\r\n"
    "X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\n"
)


class BadRequest(Exception):
    """A request we answer with ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Headers:
    """Request headers by case-insensitive name (the first value, or all of them)."""

    __slots__ = ("_items",)

    def __init__(self, items: dict[str, list[str]]) -> None:
        self._items = items

    def get(self, name: str, default: str | None = None) -> str | None:
        values = self._items.get(name.lower())
        return values[0] if values else default

    def get_all(self, name: str) -> list[str] | None:
        values = self._items.get(name.lower())
        return list(values) if values else None


@dataclass
class Message:
    """One request as read: what the endpoint routes on."""

    method: str
    path: str
    version: str
    headers: Headers
    body: bytes | None
    client: str


def parse_head(head: bytes) -> tuple[str, str, str, Headers]:
    """Method, target, version and headers of a request head (without its blank line)."""
    lines = head.decode("iso-8859-1").split("\n")
    words = lines[0].rstrip("\r").split()
    if len(lines[0]) > MAX_LINE:
        raise BadRequest(414, "the request line is too long")
    if len(words) != 3 or not words[2].startswith("HTTP/"):
        raise BadRequest(400, f"bad request line {lines[0].rstrip()[:100]!r}")
    method, target, version = words
    if version not in ("HTTP/1.1", "HTTP/1.0"):
        raise BadRequest(505, f"HTTP version {version[:20]} is not supported")
    if len(lines) - 1 > MAX_HEADERS:
        raise BadRequest(431, "too many headers")
    items: dict[str, list[str]] = {}
    for line in lines[1:]:
        name, colon, value = line.partition(":")
        if not colon or not name or name[-1] in " \t" or name[0] in " \t":
            raise BadRequest(400, f"malformed header line {line.rstrip()[:100]!r}")
        items.setdefault(name.lower(), []).append(value.strip())
    return method, target, version, Headers(items)


def body_length(headers: Headers, max_body: int) -> int:
    """The ``Content-Length`` of a request; BadRequest for a chunked, malformed or oversized one."""
    if headers.get("Transfer-Encoding"):
        raise BadRequest(411, "send the body with a Content-Length (chunked transfer is not accepted)")
    given = headers.get_all("Content-Length") or []
    if len(given) > 1:
        raise BadRequest(400, "more than one Content-Length header")
    text = (given[0] if given else "0").strip()
    if not text.isdigit() or len(text) > 18:
        raise BadRequest(400, f"Content-Length must be a whole number of bytes, not {text[:40]!r}")
    length = int(text)
    if length > max_body:
        raise BadRequest(413, f"request body too large (at most {max_body} bytes)")
    return length


_date = [0, ""]


def http_date() -> str:
    """The Date header's value, formatted once a second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, formatdate(now, usegmt=True)]
    return str(_date[1])


def response(answer: Answer, *, head: bool = False, close: bool = False) -> bytes:
    """Status line, headers and body as one piece (two writes meet Nagle and delayed ACKs: ~40 ms)."""
    status, ctype, body, extra = answer
    lines = [
        f"HTTP/1.1 {status} {REASONS.get(status, 'Unknown')}\r\nServer: coopgraph\r\nDate: {http_date()}\r\n"
        f"Content-Type: {ctype}\r\nContent-Length: {len(body)}\r\n{COMMON}"
    ]
    for key, value in extra.items():
        lines.append(f"{key}: {value}\r\n")
    if close and "Connection" not in extra:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    start = "".join(lines).encode("latin-1")
    return start if head else start + body


class _Conn:
    __slots__ = ("buf", "client", "closing", "deadline", "fd", "out", "pending", "sock", "writing")

    def __init__(self, sock: socket.socket, client: str, deadline: float) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.client = client
        self.buf = bytearray()
        self.out: memoryview | None = None
        self.deadline = deadline
        self.pending: tuple[str, str, str, Headers, int] | None = None  # a head read, its body awaited
        self.closing = False
        self.writing = False


class Loop:
    """One worker's connections.  ``respond`` answers a :class:`Message`; ``slot`` is the shared
    ``[started, fd]`` the supervisor watches; ``control`` is the socket to the supervisor."""

    def __init__(
        self,
        listener: socket.socket,
        control: socket.socket,
        slot: Any,
        respond: Callable[[Message], Answer],
        *,
        client_timeout: float,
        max_body: int,
        log: bool = True,
    ) -> None:
        self.listener = listener
        self.control = control
        self.slot = slot
        self.respond = respond
        self.client_timeout = client_timeout
        self.max_body = max_body
        self.log = log
        self.selector = selectors.DefaultSelector()
        self.conns: dict[int, _Conn] = {}
        self.stopping = False
        self.next_sweep = 0.0

    # -- the loop ------------------------------------------------------------------------------
    def run(self) -> None:
        """Serve until the supervisor says stop (or goes away), or this worker must be recycled."""
        listener, control = self.listener, self.control
        listener.setblocking(False)
        self.selector.register(listener, selectors.EVENT_READ, None)
        self.selector.register(control, selectors.EVENT_READ, control)
        stop_by = float("inf")
        while not self.stopping or (self.conns and time.monotonic() < stop_by):
            for key, mask in self.selector.select(self._wait()):
                data = key.data
                if data is None:
                    self._accept()
                elif data is control:
                    if not self._control():
                        self.stop()
                elif mask & selectors.EVENT_READ:
                    self._readable(data)
                else:
                    self._flush(data)
            now = time.monotonic()
            if now >= self.next_sweep:
                self._sweep(now)
            if self.stopping and stop_by == float("inf"):
                stop_by = now + 5
        for conn in list(self.conns.values()):
            self._close(conn)

    def _wait(self) -> float:
        return max(0.0, min(self.next_sweep - time.monotonic(), 1.0))

    def stop(self) -> None:
        """Take no more connections; close the idle ones; finish writing the others."""
        if self.stopping:
            return
        self.stopping = True
        self.selector.unregister(self.listener)
        self.listener.close()
        for conn in list(self.conns.values()):
            if conn.out is None:
                self._close(conn)
            else:
                conn.closing = True

    def _control(self) -> bool:
        try:
            said = self.control.recv(64)
        except BlockingIOError:
            return True
        except OSError:
            return False
        return bool(said) and said != b"stop"

    def _accept(self) -> None:
        try:
            sock, address = self.listener.accept()  # one at a time: the other workers get their share
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        sock.setblocking(False)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            socket.send_fds(self.control, [b"open %d" % sock.fileno()], [sock.fileno()])
        except OSError:
            sock.close()
            return
        conn = _Conn(sock, str(address[0]) if address else "-", time.monotonic() + self.client_timeout)
        self.conns[conn.fd] = conn
        self.selector.register(sock, selectors.EVENT_READ, conn)

    def _sweep(self, now: float) -> None:
        """Cut off connections past their deadline: a slow request gets 408 when its head is in, else a close."""
        self.next_sweep = now + min(0.25, self.client_timeout / 4)
        for conn in [c for c in self.conns.values() if c.deadline < now]:
            if conn.pending is not None and conn.out is None:
                waited = f"{self.client_timeout:g}"
                self._fail(conn, BadRequest(408, f"the request body did not arrive within {waited} s"))
                if conn.fd in self.conns:  # not sent at once: give up on it
                    self._close(conn)
            else:
                self._close(conn)

    # -- reading -------------------------------------------------------------------------------
    def _readable(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(262144)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._close(conn)
            return
        conn.buf += data
        if conn.out is None and not conn.closing:
            self._advance(conn)

    def _advance(self, conn: _Conn) -> None:
        """Answer the requests complete in the buffer, one after another, while the answers drain."""
        while conn.out is None and not conn.closing and conn.fd in self.conns:
            buf = conn.buf
            if conn.pending is None:
                end, skip = buf.find(b"\r\n\r\n"), 4
                if end < 0:
                    end, skip = buf.find(b"\n\n"), 2
                if end < 0 and len(buf) <= MAX_HEAD:
                    return
                if end < 0 or end > MAX_HEAD:
                    too_long = buf.find(b"\n", 0, MAX_LINE) < 0
                    self._fail(conn, BadRequest(414 if too_long else 431, "the request head is too long"))
                    return
                if end == 0 or not buf.strip():
                    del buf[:skip]  # blank lines before a request (RFC 9112: ignore them)
                    continue
                try:
                    method, target, version, headers = parse_head(bytes(buf[:end]))
                    length = body_length(headers, self.max_body)
                except BadRequest as error:
                    self._fail(conn, error)
                    return
                del buf[: end + skip]
                conn.pending = (method, target, version, headers, length)
                if length > len(buf) and (headers.get("Expect") or "").lower() == "100-continue":
                    self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n", keep=True)
            method, target, version, headers, length = conn.pending
            if len(buf) < length:
                return
            body = bytes(buf[:length]) if length or method == "POST" else None
            del buf[:length]
            conn.pending = None
            self._answer(conn, Message(method, target, version, headers, body, conn.client))

    def _answer(self, conn: _Conn, message: Message) -> None:
        connection = (message.headers.get("Connection") or "").lower()
        close = connection == "close" or (message.version == "HTTP/1.0" and connection != "keep-alive")
        if message.method not in METHODS:
            answer: Answer = (501, TEXT, f"method {message.method[:20]} is not supported\n".encode(), {})
            close = True
        else:
            slot = self.slot
            slot[1] = conn.fd
            slot[0] = time.monotonic()  # from here the supervisor may stop this worker (and answer 503)
            try:
                answer = self.respond(message)
            finally:
                slot[0] = 0.0
        recycle = RECYCLE in answer[3]
        if recycle:
            answer = answer[0], answer[1], answer[2], {k: v for k, v in answer[3].items() if k != RECYCLE}
        close = close or answer[3].get("Connection") == "close" or recycle or self.stopping
        if self.log:
            line = f"{message.method} {message.path} {message.version}"
            stamp = time.strftime("%d/%b/%Y %H:%M:%S")
            sys.stderr.write(f'{message.client} - - [{stamp}] "{line[:2000]}" {answer[0]} -\n')
        self._send(conn, response(answer, head=message.method == "HEAD", close=close), keep=not close)
        if recycle:
            self.stop()

    def _fail(self, conn: _Conn, error: BadRequest) -> None:
        answer = (error.status, TEXT, f"{error}\n".encode(), {"Connection": "close"})
        if self.log:
            sys.stderr.write(f"{conn.client} - - bad request: {error.status} {error}\n")
        self._send(conn, response(answer), keep=False)

    # -- writing -------------------------------------------------------------------------------
    def _send(self, conn: _Conn, data: bytes, *, keep: bool) -> None:
        conn.out = memoryview(data)
        conn.closing = conn.closing or not keep
        self._flush(conn)

    def _flush(self, conn: _Conn) -> None:
        out = conn.out
        while out is not None:
            try:
                sent = conn.sock.send(out)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self._close(conn)
                return
            conn.deadline = time.monotonic() + self.client_timeout  # a reader must keep draining
            out = out[sent:] if sent < len(out) else None
        conn.out = out
        if out is not None:
            if not conn.writing:
                conn.writing = True
                self.selector.modify(conn.sock, selectors.EVENT_WRITE, conn)
            return
        if conn.writing:
            conn.writing = False
            self.selector.modify(conn.sock, selectors.EVENT_READ, conn)
        if conn.closing:
            self._close(conn)
        elif conn.buf and conn.pending is None:
            self._advance(conn)  # a pipelined request waiting behind the answer

    def _close(self, conn: _Conn) -> None:
        """Close a connection for real (the supervisor holds a copy: shut it down, then say so)."""
        if self.conns.pop(conn.fd, None) is None:
            return
        with contextlib.suppress(KeyError, ValueError):
            self.selector.unregister(conn.sock)
        with contextlib.suppress(OSError):
            conn.sock.shutdown(socket.SHUT_WR)
        conn.sock.close()
        with contextlib.suppress(OSError):
            self.control.send(b"shut %d" % conn.fd)


def serve_connections(
    listener: socket.socket,
    control: socket.socket,
    slot: Any,
    respond: Callable[[Message], Answer],
    settings: Mapping[str, Any],
) -> None:
    """Run a worker's :class:`Loop` until it is told to stop."""
    Loop(listener, control, slot, respond, **settings).run()
