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

Requests are parsed by httptools (llhttp, Node.js's parser), not by hand: it
rejects what request smuggling is made of (``Content-Length`` beside
``Transfer-Encoding``, two ``Content-Length`` headers, obs-fold, bare CR or LF,
invalid header names).  h11 was measured first and cost 120 µs a request against
5 µs (``benchmarks/SERVE.md``, run 3).  On top of it we keep our own limits: a
request line of at most :data:`MAX_LINE` bytes (414), a head of at most
:data:`MAX_HEAD` bytes and :data:`MAX_HEADERS` headers (431), a body of at most
``max_body`` bytes (413), with a ``Content-Length`` or chunked; a malformed
request gets a plain-text 4xx and the connection closes.  The answer is framed
here: always one ``Content-Length`` body from our own values, one write.
"""

from __future__ import annotations

import contextlib
import selectors
import socket
import sys
import time
from collections import deque
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from email.utils import formatdate
from http import HTTPStatus
from typing import Any

import httptools

Answer = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, extra headers
TEXT = "text/plain; charset=utf-8"
MAX_LINE = 65536
"""The longest request line (a GET query travels in it); longer gets 414, as http.server did."""
MAX_HEAD = 2 * MAX_LINE
MAX_HEADERS = 100
SLICE = 16384
"""Bytes fed to the parser at a time: a head still incomplete after MAX_HEAD bytes is caught within a slice."""
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
    keep: bool = True
    """The client keeps the connection (HTTP/1.1 without ``Connection: close``, or 1.0 with keep-alive)."""


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
        if "\n" in value or "\r" in value:  # our values only, but never let one split the head
            raise ValueError(f"header {key} has a line break")
        lines.append(f"{key}: {value}\r\n")
    if close and "Connection" not in extra:
        lines.append("Connection: close\r\n")
    lines.append("\r\n")
    start = "".join(lines).encode("latin-1")
    return start if head else start + body


class _Conn:
    """One client connection, and the parser's callbacks for it (they queue each whole request)."""

    __slots__ = (
        "body", "client", "closing", "deadline", "expect", "fd", "in_body", "in_head", "items", "keep",
        "max_body", "method", "nheaders", "out", "parser", "queue", "raw", "reading", "size", "sock", "url",
        "version", "writing",
    )  # fmt: skip

    def __init__(self, sock: socket.socket, client: str, deadline: float, max_body: int) -> None:
        self.sock = sock
        self.fd = sock.fileno()
        self.client = client
        self.out: memoryview | None = None
        self.deadline = deadline
        self.max_body = max_body
        self.closing = False
        self.writing = False
        self.reading = True  # False once the parser failed or the client asked for an upgrade
        self.queue: deque[Message | BadRequest] = deque()  # read, not yet answered (pipelining)
        self.parser = httptools.HttpRequestParser(self)
        self.in_head = self.in_body = self.expect = False
        self.raw = 0

    def feed(self, data: bytes) -> None:
        """Parse what arrived; whole requests (or the error that ends the connection) go to the queue."""
        try:
            for start in range(0, len(data), SLICE):
                piece = data[start : start + SLICE]
                self.parser.feed_data(piece)
                if self.in_head:  # bytes the parser holds for a header not yet whole count too
                    self.raw += len(piece)
                    if self.raw > MAX_HEAD:
                        raise BadRequest(431, "the request head is too long")
        except httptools.HttpParserUpgrade:
            self.reading = False  # no upgrades: answer what came before, then close
        except httptools.HttpParserCallbackError as error:
            cause = error.__context__
            self._failed(cause if isinstance(cause, BadRequest) else BadRequest(400, str(error)))
        except httptools.HttpParserInvalidMethodError as error:
            self._failed(
                BadRequest(501 if str(error) == "Invalid method encountered" else 400, f"bad request: {error}")
            )
        except httptools.HttpParserError as error:
            self._failed(BadRequest(400, f"bad request: {error}"))
        except BadRequest as error:
            self._failed(error)

    def _failed(self, error: BadRequest) -> None:
        self.queue.append(error)
        self.reading = False

    # -- httptools callbacks -------------------------------------------------------------------
    def on_message_begin(self) -> None:
        self.url = b""
        self.items: dict[str, list[str]] = {}
        self.nheaders = self.size = 0
        self.body: bytearray | None = None
        self.raw = 0
        self.in_head = True

    def on_url(self, url: bytes) -> None:
        self.url += url
        if len(self.url) > MAX_LINE:
            raise BadRequest(414, "the request line is too long")

    def on_header(self, name: bytes, value: bytes) -> None:
        self.nheaders += 1
        if self.nheaders > MAX_HEADERS:
            raise BadRequest(431, "too many headers")
        self.size += len(name) + len(value) + 4
        if self.size + len(self.url) > MAX_HEAD:
            raise BadRequest(431, "the request head is too long")
        self.items.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))

    def on_headers_complete(self) -> None:
        self.in_head = False
        self.in_body = True
        parser, items = self.parser, self.items
        version = parser.get_http_version()
        if version not in ("1.1", "1.0"):
            raise BadRequest(505, f"HTTP version {version[:20]} is not supported")
        self.version = "HTTP/" + version
        self.method = parser.get_method().decode("latin-1")
        self.keep = parser.should_keep_alive()
        coding = items.get("transfer-encoding")
        if coding and [value.strip().lower() for value in coding] != ["chunked"]:
            raise BadRequest(501, "the only transfer coding accepted is chunked")
        length = items.get("content-length")
        if length and int(length[0]) > self.max_body:  # the parser checked it is one whole number
            raise BadRequest(413, f"request body too large (at most {self.max_body} bytes)")
        self.expect = (items.get("expect") or [""])[0].lower() == "100-continue"

    def on_body(self, data: bytes) -> None:
        if self.body is None:
            self.body = bytearray()
        self.body += data
        if len(self.body) > self.max_body:
            raise BadRequest(413, f"request body too large (at most {self.max_body} bytes)")

    def on_message_complete(self) -> None:
        self.in_body = self.expect = False
        body = self.body
        kept = bytes(body) if body is not None else (b"" if self.method == "POST" else None)
        url = self.url.decode("latin-1")
        self.queue.append(Message(self.method, url, self.version, Headers(self.items), kept, self.client, self.keep))


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
        client = str(address[0]) if address else "-"
        conn = _Conn(sock, client, time.monotonic() + self.client_timeout, self.max_body)
        self.conns[conn.fd] = conn
        self.selector.register(sock, selectors.EVENT_READ, conn)

    def _sweep(self, now: float) -> None:
        """Cut off connections past their deadline: a slow request gets 408 when its head is in, else a close."""
        self.next_sweep = now + min(0.25, self.client_timeout / 4)
        for conn in [c for c in self.conns.values() if c.deadline < now]:
            if conn.in_body and conn.out is None and not conn.queue:
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
        if conn.reading:
            conn.feed(data)
        if conn.out is None and not conn.closing:
            self._advance(conn)

    def _advance(self, conn: _Conn) -> None:
        """Answer the requests read, one after another, while the answers drain."""
        queue = conn.queue
        while conn.out is None and not conn.closing and conn.fd in self.conns:
            if not queue:
                if not conn.reading:
                    self._close(conn)  # the parser stopped (an upgrade asked for) and all is answered
                elif conn.expect:
                    conn.expect = False
                    self._send(conn, b"HTTP/1.1 100 Continue\r\n\r\n", keep=True)
                return
            item = queue.popleft()
            if isinstance(item, BadRequest):
                self._fail(conn, item)
                return
            self._answer(conn, item)

    def _answer(self, conn: _Conn, message: Message) -> None:
        close = not message.keep
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
        elif conn.queue or conn.expect or not conn.reading:
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
