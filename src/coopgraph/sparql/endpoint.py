"""A read-only SPARQL 1.1 Protocol endpoint over the built store, with entity pages.

    GET|POST /sparql           SPARQL 1.1 Protocol: results as JSON, XML, CSV, TSV (or HTML) by Accept;
                               graphs as Turtle, N-Triples, JSON-LD or RDF/XML; updates get 403
    GET      /queries          the saved questions;  /queries/NAME?param=value runs one
    GET      /coopgraph/id/... an entity under the base IRI: HTML for a browser, RDF by Accept
    GET      /resource?iri=... any other IRI in the graph, the same way
    GET      /graph            build/coopgraph.html, when it has been written

Every query is parsed and run in a worker process that holds the store open
read-only, under the time limit and a memory cap: a query past either has its
worker killed and replaced (HTTP 503), so a runaway query cannot hold the
server.  Updates, ``LOAD`` and ``SERVICE`` are refused (403) after a parse in
that worker, never run, so no query makes this machine send a request.
Results beyond the row cap are cut (entity pages too; a query's evaluation
stops there), and the ``X-Coopgraph-Truncated`` header says so.  Answers are
written from Oxigraph's own output (:func:`~coopgraph.sparql.results.write_solutions`).  The HTTP side reads a request
within a deadline (a slow or lying client is cut off), answers a malformed
one with 400, and writes each response in one piece.  Every HTML page carries
a Content-Security-Policy that allows no network access.  The server binds to
the loopback interface unless told otherwise.  ``GET /sparql`` without a query
is the SPARQL Service Description.

>>> serve(Settings(Path("build")), host="127.0.0.1", port=8000)    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import re
import signal
import socket
import sys
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from coopgraph.errors import CoopgraphError
from coopgraph.graph.vocab import DEFAULT_BASE

if TYPE_CHECKING:
    import pyoxigraph as ox

    from coopgraph.sparql.queryfile import SavedQuery

Answer = tuple[int, str, bytes, dict[str, str]]  # status, content type, body, extra headers
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
READ_ONLY = "this endpoint is read-only: SPARQL updates and graph writes are refused\n"
RECYCLE = "X-Coopgraph-Recycle"
"""A worker's own header (never sent): answer given, now replace me (I hit the memory cap)."""
CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
"""Every HTML page of ours: inline CSS, a form back to this server, nothing else (no script, no fetch)."""
GRAPH_CSP = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; "
    "font-src data:; connect-src 'none'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'"
)
"""The explorer at /graph: one self-contained file whose inline script draws the network; no network access."""
CHARSETS = {"utf-8": "utf-8", "utf8": "utf-8", "us-ascii": "ascii", "ascii": "ascii"}
CHARSETS |= {name: "latin-1" for name in ("iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1")}
"""Body charsets read (others get 415): UTF-8 as the protocol says, and ASCII's single-byte kin."""

#: media type -> format name, for SELECT/ASK results and for graphs
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
    "text/html": "html",
}
GRAPH_TYPES = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "ntriples",
    "text/plain": "ntriples",
    "application/ld+json": "jsonld",
    "application/json": "jsonld",
    "application/rdf+xml": "rdfxml",
    "application/xml": "rdfxml",
    "text/html": "html",
}
FORMAT_NAMES = {"json", "xml", "csv", "tsv", "html", "turtle", "ntriples", "jsonld", "rdfxml"}


@dataclass(frozen=True)
class Settings:
    """What the server serves and its limits."""

    out_dir: Path
    base: str = DEFAULT_BASE
    timeout: float = 30.0
    max_rows: int = 10_000
    workers: int = 2
    store: str = "auto"
    """Where each worker keeps the graph: ``memory`` (a private copy: queries 2-7x faster than on
    disk, measured in ``benchmarks/``), ``disk`` (the build's store, read-only: no copy), or ``auto``
    (memory up to :data:`MEMORY_LIMIT` quads)."""
    memory: int = 1024
    """Megabytes a worker may allocate beyond what it holds once the store is open (0: no cap)."""
    client_timeout: float = 10.0
    """Seconds a client has to send a whole request (line, headers, body), and to be silent between reads."""
    max_body: int = 10 * 1024 * 1024


MEMORY_LIMIT = 3_000_000
"""Quads up to which ``--store auto`` copies the graph into each worker's memory (about 1 GB each)."""


# --- content negotiation ------------------------------------------------------------------------


def negotiate(accept: str | None, choices: Mapping[str, str], default: str, asked: str | None = None) -> str:
    """The format to answer in: a ``format=`` parameter first, then the best ``Accept`` entry.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", RESULT_TYPES, "json")
    'xml'
    """
    if asked:
        asked = asked.strip().lower()
        if asked in FORMAT_NAMES and asked in choices.values():
            return asked
        if asked in choices:
            return choices[asked]
    ranked = []
    for position, entry in enumerate((accept or "").split(",")):
        media, *options = [part.strip() for part in entry.split(";")]
        quality = 1.0
        for option in options:
            if option.startswith("q="):
                try:
                    quality = float(option[2:])
                except ValueError:
                    quality = 0.0
        ranked.append((-quality, position, media.lower()))
    for quality, _, media in sorted(ranked):
        if quality == 0:
            continue
        if media in choices:
            return choices[media]
        if media in ("*/*", "application/*", "text/*"):
            return default
    return default


def media_type(fmt: str) -> str:
    from coopgraph.sparql.results import MEDIA_TYPES

    return HTML if fmt == "html" else f"{MEDIA_TYPES[fmt]}; charset=utf-8"


# --- work done in the worker processes ----------------------------------------------------------


def local_link(iri: str, base: str) -> str:
    """Where this server shows an IRI: its own path under the base, else ``/resource?iri=``."""
    if iri.startswith(base):
        return urlsplit(base).path + iri[len(base) :]
    return "/resource?iri=" + quote(iri, safe="")


def run_job(store: ox.Store, job: Mapping[str, Any], base: str) -> Answer:
    """Answer one job (a query or an entity) from the store; the worker's whole task."""
    if job["kind"] == "entity":
        return _entity(store, job, base)
    return _query(store, job, base)


def _query(store: ox.Store, job: Mapping[str, Any], base: str) -> Answer:
    import pyoxigraph as ox

    from coopgraph.sparql import pages
    from coopgraph.sparql.query import collect, execute, query_prefixes
    from coopgraph.sparql.results import SOLUTION_FORMATS, compact, render, write_solutions, write_triples

    prefixes = query_prefixes(base)
    if job.get("check"):
        from coopgraph.sparql.query import check_names

        check_names(store, job["bindings"], job["check"], prefixes, where=job["source"])
    answer = execute(
        store,
        job["text"],
        bindings=job["bindings"],
        prefixes=prefixes,
        source=job["source"],
        default_graphs=job["default_graphs"],
        named_graphs=job["named_graphs"],
        base_iri=base,
    )
    cut = {"X-Coopgraph-Truncated": f"cut at {job['max_rows']}"}
    if isinstance(answer, ox.QuerySolutions):
        fmt = negotiate(job["accept"], RESULT_TYPES, "json", job["format"])
        if fmt in SOLUTION_FORMATS:  # straight from Oxigraph's rows: no Result in between
            try:
                body, truncated = write_solutions(answer, fmt, limit=job["max_rows"])
            except OSError as error:
                raise CoopgraphError(f"{job['source']}: the query failed while running ({error})") from None
            return 200, media_type(fmt), body, cut if truncated else {}
    elif isinstance(answer, ox.QueryTriples):
        fmt = negotiate(job["accept"], GRAPH_TYPES, "turtle", job["format"])
        if fmt != "html":
            try:
                body, truncated = write_triples(answer, fmt, prefixes=prefixes, limit=job["max_rows"])
            except OSError as error:
                raise CoopgraphError(f"{job['source']}: the query failed while running ({error})") from None
            return 200, media_type(fmt), body, cut if truncated else {}
    result = collect(answer, job["bindings"], limit=job["max_rows"], source=job["source"])
    headers = cut if result.truncated else {}
    if result.kind == "graph":
        fmt = negotiate(job["accept"], GRAPH_TYPES, "turtle", job["format"])
        if fmt == "html":
            from html import escape

            turtle = render(result, "turtle", prefixes=prefixes).decode("utf-8")
            body = pages.page("Query results", f"<h1>Query results</h1><pre>{escape(turtle)}</pre>")
            return 200, HTML, body, headers
        return 200, media_type(fmt), render(result, fmt, prefixes=prefixes), headers
    fmt = negotiate(job["accept"], RESULT_TYPES, "json", job["format"])
    if fmt == "html":
        body = pages.page(
            "Query results",
            pages.results_page(
                result,
                job["text"],
                shown=lambda t: compact(t, prefixes),
                link=lambda i: local_link(i, base),
            ),
        )
        return 200, HTML, body, headers
    return 200, media_type(fmt), render(result, fmt, prefixes=prefixes), headers


def _entity(store: ox.Store, job: Mapping[str, Any], base: str) -> Answer:
    import itertools

    import pyoxigraph as ox

    from coopgraph.sparql import pages
    from coopgraph.sparql.query import query_prefixes
    from coopgraph.sparql.results import compact, write_graph

    node = ox.NamedNode(job["iri"])
    cap = int(job.get("max_rows") or 10_000)
    # read at most cap + 1 quads each way: a hub with a million links costs no more than the cap
    out_quads = list(itertools.islice(store.quads_for_pattern(node, None, None), cap + 1))
    in_quads = list(itertools.islice(store.quads_for_pattern(None, None, node), cap + 1))
    outgoing = sorted({(q.predicate.value, q.object) for q in out_quads}, key=str)
    incoming = sorted({(q.subject, q.predicate.value) for q in in_quads}, key=str)
    if not outgoing and not incoming:
        return 404, TEXT, f"{job['iri']} is not in the graph\n".encode(), {}
    truncated = len(out_quads) > cap or len(in_quads) > cap or len(outgoing) + len(incoming) > cap
    outgoing = outgoing[:cap]
    incoming = incoming[: cap - len(outgoing)]
    headers = {"X-Coopgraph-Truncated": f"cut at {cap}"} if truncated else {}
    prefixes = query_prefixes(base)
    fmt = negotiate(job["accept"], GRAPH_TYPES, "turtle", job["format"])
    if fmt != "html":
        triples = [ox.Triple(node, ox.NamedNode(p), o) for p, o in outgoing]
        triples += [ox.Triple(s, ox.NamedNode(p), node) for s, p in incoming]
        return 200, media_type(fmt), write_graph(triples, fmt, prefixes=prefixes), headers
    lang = job["lang"]
    linked = {o.value for _, o in outgoing if isinstance(o, ox.NamedNode)}
    linked |= {s.value for s, _ in incoming if isinstance(s, ox.NamedNode)} | {job["iri"]}
    labels = {iri: label for iri in sorted(linked) if (label := _label(store, iri, lang))}
    title = labels.get(job["iri"]) or compact(node, prefixes)
    body = pages.entity_page(
        job["iri"],
        title,
        outgoing,
        incoming,
        shown=lambda t: compact(t, prefixes),
        link=lambda i: local_link(i, base),
        labels=labels,
    )
    if truncated:
        body += f'<p class="note">Cut at the endpoint\'s limit of {cap} statements.</p>'
    return 200, HTML, pages.page(title, body, lang=lang), headers


def _label(store: ox.Store, iri: str, lang: str) -> str | None:
    import pyoxigraph as ox

    found: dict[str, str] = {}
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    for quad in store.quads_for_pattern(ox.NamedNode(iri), label, None):
        if isinstance(quad.object, ox.Literal):
            found.setdefault(quad.object.language or "", quad.object.value)
    return found.get(lang) or found.get("en") or found.get("")


def worker_store(store_path: str, where: str = "auto") -> ox.Store:
    """The store a worker answers from: the build's, read-only, or a copy of it in memory (see :class:`Settings`)."""
    import pyoxigraph as ox

    disk = ox.Store.read_only(store_path)
    if where == "disk" or (where == "auto" and len(disk) > MEMORY_LIMIT):
        return disk
    memory = ox.Store()
    memory.bulk_load(disk.dump(format=ox.RdfFormat.N_QUADS), ox.RdfFormat.N_QUADS)  # keeps the named graphs
    return memory


def _worker(conn: Connection, store_path: str, base: str, where: str = "auto", memory: int = 0) -> None:
    """A worker process: open the store (or copy it into memory), cap its memory, then answer jobs
    until told to stop.  Past the cap a query fails (MemoryError here, or an abort inside
    Oxigraph); either way the pool replaces this worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store = worker_store(store_path, where)
    from coopgraph.sparql import pages, query, results  # noqa: F401 - loaded before the clock of a first query starts

    query.inspect("ASK {}")  # loads rdflib's SPARQL grammar now, not in a first request
    cap_memory(memory)
    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server went away
            return
        if job is None:
            return
        recycle = False
        try:
            answer = run_job(store, job, base)
        except query.Refused as refused:
            answer = (403, TEXT, f"{refused}\n".encode(), {})
        except CoopgraphError as error:
            answer = (400, TEXT, f"{error}\n".encode(), {})
        except MemoryError:
            answer, recycle = (503, TEXT, memory_message(memory), {RECYCLE: "1"}), True
        except RecursionError:
            answer = (400, TEXT, b"the query is nested too deeply\n", {})
        except Exception as error:
            answer = (500, TEXT, f"internal error: {error!r}\n".encode(), {})
        conn.send(answer)
        if recycle:
            return


def memory_message(memory: int) -> bytes:
    return f"the query needed more memory than the limit of {memory} MB; it was stopped\n".encode()


def cap_memory(megabytes: int) -> None:
    """Limit this process's address space to what it holds now plus ``megabytes`` (Linux; 0: no cap)."""
    if megabytes <= 0:
        return
    import resource

    try:
        status = Path("/proc/self/status").read_text(encoding="ascii")
    except OSError:
        return
    found = re.search(r"VmSize:\s+(\d+) kB", status)
    if found is None:
        return
    limit = int(found[1]) * 1024 + megabytes * 1024 * 1024
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


# --- the pool of workers ------------------------------------------------------------------------


class _Worker:
    def __init__(self, context: Any, store_path: str, base: str, where: str = "auto", memory: int = 0) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, store_path, base, where, memory), daemon=True)
        self.process.start()
        child.close()

    def ready(self, seconds: float = 120.0) -> bool:
        """Wait until the worker has opened the store; False when it died or hung instead."""
        try:
            return bool(self.conn.poll(seconds) and self.conn.recv() == "ready")
        except (EOFError, OSError):
            return False

    def stop(self, *, kill: bool = False) -> None:
        if kill:
            self.process.kill()
        else:
            with contextlib.suppress(OSError):
                self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.process.kill()
            self.process.join(timeout=5)
        self.conn.close()


class Pool:
    """Worker processes that each hold the store; a query past the time limit costs its worker."""

    def __init__(self, store_path: Path, settings: Settings) -> None:
        self.context = multiprocessing.get_context("spawn")
        self.store_path = str(store_path)
        self.settings = settings
        self.idle: queue.Queue[_Worker] = queue.Queue()
        self.all: set[_Worker] = set()
        self.lock = threading.Lock()
        for _ in range(max(1, settings.workers)):
            self._add(wait=True)

    def _add(self, *, wait: bool = False) -> None:
        """Start a worker; it joins the idle ones once it has the store open (so its start costs no query time)."""
        settings = self.settings
        worker = _Worker(self.context, self.store_path, settings.base, settings.store, settings.memory)
        with self.lock:
            self.all.add(worker)

        def join() -> bool:
            if worker.ready():
                self.idle.put(worker)
                return True
            with self.lock:
                self.all.discard(worker)
            worker.stop(kill=True)
            return False

        if wait:
            if not join():
                raise CoopgraphError(f"{self.store_path}: a query worker could not open the store")
        else:
            threading.Thread(target=join, daemon=True).start()

    def run(self, job: Mapping[str, Any]) -> Answer:
        limit = self.settings.timeout
        try:
            worker = self.idle.get(timeout=limit)
        except queue.Empty:
            return 503, TEXT, b"the endpoint is busy; try again\n", {"Retry-After": "5"}
        timed_out = False
        try:
            worker.conn.send(dict(job))
            if worker.conn.poll(limit):
                answer: Answer = worker.conn.recv()
                if RECYCLE not in answer[3]:
                    self.idle.put(worker)
                    return answer
                self._replace(worker)
                return answer[0], answer[1], answer[2], {k: v for k, v in answer[3].items() if k != RECYCLE}
            timed_out = True
        except (EOFError, OSError):
            pass
        self._replace(worker)
        if timed_out:
            return 503, TEXT, f"the query ran longer than the time limit of {limit:g} s\n".encode(), {}
        if worker.process.exitcode in (-signal.SIGABRT, -signal.SIGKILL):
            # Oxigraph aborts when an allocation fails under the cap (Rust's out-of-memory handler)
            return 503, TEXT, memory_message(self.settings.memory), {}
        return 500, TEXT, b"the query's worker process failed; it has been replaced\n", {}

    def _replace(self, worker: _Worker) -> None:
        with self.lock:
            self.all.discard(worker)
        worker.stop(kill=True)
        self._add()

    def close(self) -> None:
        with self.lock:
            workers, self.all = list(self.all), set()
        for worker in workers:
            worker.stop()


# --- HTTP -----------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    """One thread per connection; a reaper closes connections whose request is overdue."""

    daemon_threads = True

    def __init__(
        self,
        address: tuple[str, int],
        settings: Settings,
        pool: Pool,
        saved: Mapping[str, SavedQuery],
        graphs: Mapping[str, int] | None = None,
    ):
        self.settings = settings
        self.pool = pool
        self.saved = saved
        self.graphs = dict(graphs or {})
        self.reading: dict[Handler, float] = {}  # connection -> the moment its request is overdue
        self.reading_lock = threading.Lock()
        self.request_queue_size = max(128, 32 * settings.workers)  # listen backlog: no SYN retries under load
        super().__init__(address, Handler)
        threading.Thread(target=self._reap, daemon=True).start()

    def _reap(self) -> None:
        """Cut off clients that take longer than ``client_timeout`` to send a request (slow-loris)."""
        while True:
            time.sleep(min(1.0, self.settings.client_timeout / 4))
            now = time.monotonic()
            with self.reading_lock:
                overdue = [handler for handler, deadline in self.reading.items() if deadline < now]
            for handler in overdue:
                with contextlib.suppress(OSError):
                    handler.connection.shutdown(socket.SHUT_RDWR)


class BadRequest(Exception):
    """A request we answer with ``status`` and close the connection."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "coopgraph"
    protocol_version = "HTTP/1.1"
    error_content_type = TEXT  # http.server's own errors (bad request line, headers too long): plain text
    error_message_format = "%(code)d %(message)s: %(explain)s\n"

    def setup(self) -> None:
        super().setup()
        with contextlib.suppress(OSError):
            self.connection.settimeout(self.server.settings.client_timeout)  # each read and write
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle_one_request(self) -> None:
        """One request, read within the client deadline (the reaper enforces it while we wait)."""
        with self.server.reading_lock:
            self.server.reading[self] = time.monotonic() + self.server.settings.client_timeout
        try:
            super().handle_one_request()
        finally:
            with self.server.reading_lock:
                self.server.reading.pop(self, None)

    def _read_done(self) -> None:
        """The request is read: no client deadline while the answer is computed."""
        with self.server.reading_lock:
            self.server.reading.pop(self, None)

    # -- verbs ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._read_done()
        self._dispatch(None)

    def do_HEAD(self) -> None:
        self._read_done()
        self._dispatch(None, head=True)

    def do_POST(self) -> None:
        try:
            body = self._body()
        except BadRequest as error:
            self._fail(error)
            return
        self._read_done()
        self._dispatch(body)

    def do_PUT(self) -> None:
        self._refuse()

    def do_DELETE(self) -> None:
        self._refuse()

    def do_PATCH(self) -> None:
        self._refuse()

    def do_OPTIONS(self) -> None:
        self._read_done()
        self._send(
            204,
            TEXT,
            b"",
            {"Allow": "GET, HEAD, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type, Accept"},
        )

    def _refuse(self) -> None:
        try:
            self._body()
        except BadRequest as error:
            self._fail(error)
            return
        self._read_done()
        self._send(403, TEXT, READ_ONLY.encode())

    def _body(self) -> bytes:
        """The request body, read within the client deadline; BadRequest for a malformed or oversized one."""
        if self.headers.get("Transfer-Encoding"):
            raise BadRequest(411, "send the body with a Content-Length (chunked transfer is not accepted)")
        given = self.headers.get_all("Content-Length") or []
        if len(given) > 1:
            raise BadRequest(400, "more than one Content-Length header")
        text = (given[0] if given else "0").strip()
        if not text.isdigit() or len(text) > 18:
            raise BadRequest(400, f"Content-Length must be a whole number of bytes, not {text[:40]!r}")
        length = int(text)
        if length > self.server.settings.max_body:
            raise BadRequest(413, f"request body too large (at most {self.server.settings.max_body} bytes)")
        chunks, remaining = [], length
        while remaining > 0:
            try:
                chunk = self.rfile.read1(min(remaining, 65536))
            except (TimeoutError, OSError):
                chunk = b""
            if not chunk:
                waited = self.server.settings.client_timeout
                raise BadRequest(408, f"the request body did not arrive within {waited:g} s")
            chunks.append(chunk)
            remaining -= len(chunk)
        return b"".join(chunks)

    def _fail(self, error: BadRequest) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self._send(error.status, TEXT, f"{error}\n".encode(), {"Connection": "close"})

    # -- routing -------------------------------------------------------------------------------
    def _dispatch(self, body: bytes | None, *, head: bool = False) -> None:
        try:
            answer = self._route(body)
        except BadRequest as error:
            answer = error.status, TEXT, f"{error}\n".encode(), {}
        status, ctype, content, headers = answer
        self._send(status, ctype, content, headers, head=head)

    def _route(self, body: bytes | None) -> Answer:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        settings = self.server.settings
        base_path = urlsplit(settings.base).path
        if path in ("/sparql", "/sparql/"):
            return self._sparql(params, body)
        if path in ("/update", "/sparql/update", "/store", "/data"):
            return 403, TEXT, READ_ONLY.encode(), {}
        if body is not None and self._content_type()[0] == "application/x-www-form-urlencoded":
            for key, values in self._form(body).items():
                params.setdefault(key, []).extend(values)
        if path == "/":
            return self._front()
        if path in ("/queries", "/queries/"):
            return self._list()
        if path.startswith("/queries/"):
            return self._saved(path[len("/queries/") :], params)
        if path in ("/graph", "/graph/"):
            return self._graph()
        if path == "/resource" and params.get("iri"):
            return self._entity(params["iri"][0], params)
        if path.startswith(base_path) and len(path) > len(base_path):
            return self._entity(settings.base + path[len(base_path) :], params)
        if base_path != "/id/" and path.startswith("/id/") and len(path) > 4:
            return self._entity(settings.base + path[4:], params)
        return 404, TEXT, f"nothing at {path}; see / for what this server offers\n".encode(), {}

    def _content_type(self) -> tuple[str, str | None]:
        """The media type of the body (lower case) and its charset parameter, if any."""
        media, *options = (self.headers.get("Content-Type") or "").split(";")
        charset = None
        for option in options:
            key, _, value = option.partition("=")
            if key.strip().lower() == "charset":
                charset = value.strip().strip('"').lower()
        return media.strip().lower(), charset

    def _decode(self, body: bytes, charset: str | None) -> str:
        encoding = CHARSETS.get(charset or "utf-8")
        if encoding is None:
            raise BadRequest(415, f"charset {charset} is not accepted; send the query in UTF-8")
        try:
            return body.decode(encoding)
        except UnicodeDecodeError:
            raise BadRequest(400, f"the body is not valid {charset or 'UTF-8'}") from None

    def _form(self, body: bytes) -> dict[str, list[str]]:
        """An url-encoded form body; its percent-escapes decode as UTF-8 (or the charset given)."""
        text = self._decode(body, None)
        encoding = CHARSETS.get(self._content_type()[1] or "utf-8")
        if encoding is None:
            raise BadRequest(415, f"charset {self._content_type()[1]} is not accepted; send the form in UTF-8")
        try:
            return parse_qs(text, keep_blank_values=True, encoding=encoding, errors="strict")
        except UnicodeDecodeError:
            raise BadRequest(400, "the form's values are not valid UTF-8") from None

    def _accept(self) -> str:
        return self.headers.get("Accept") or ""

    def _wants_html(self) -> bool:
        return negotiate(self._accept(), {"text/html": "html", "application/json": "json"}, "other") == "html"

    def _sparql(self, params: dict[str, list[str]], body: bytes | None) -> Answer:
        """The SPARQL 1.1 Protocol's query operation: GET, POST form, or POST of the query itself."""
        from coopgraph.sparql import pages

        media, charset = self._content_type()
        sent: list[str] = []
        if body is not None:
            if media == "application/x-www-form-urlencoded":
                form = self._form(body)
                if "update" in form:
                    return 403, TEXT, READ_ONLY.encode(), {}
                sent = form.pop("query", [])
                for key, values in form.items():
                    params.setdefault(key, []).extend(values)
            elif media == "application/sparql-query":
                sent = [self._decode(body, charset)]
            elif media == "application/sparql-update":
                return 403, TEXT, READ_ONLY.encode(), {}
            else:
                return (
                    415,
                    TEXT,
                    (
                        b"POST a query as application/sparql-query, or as the query field of an "
                        b"application/x-www-form-urlencoded form\n"
                    ),
                    {},
                )
        if "update" in params:
            return 403, TEXT, READ_ONLY.encode(), {}
        texts = params.get("query", []) + sent
        if len(texts) > 1:
            return 400, TEXT, b"give exactly one query (the query parameter, a form field or the body)\n", {}
        if not texts:
            if self._wants_html():
                return 200, HTML, pages.page("SPARQL", "<h1>SPARQL</h1>" + pages.query_form("")), {}
            return self._description()
        return self._run(
            texts[0],
            {},
            params,
            source="query",
            default_graphs=params.get("default-graph-uri", []),
            named_graphs=params.get("named-graph-uri"),
        )

    def _endpoint_iri(self) -> str:
        """This endpoint's own IRI, from the Host the client used when it is a plain host[:port]."""
        host = self.headers.get("Host") or ""
        if not re.fullmatch(r"[A-Za-z0-9.-]+(:\d{1,5})?|\[[0-9A-Fa-f:.]+\](:\d{1,5})?", host):
            bound = self.server.server_address
            host = f"{bound[0]!s}:{bound[1]}"
        return f"http://{host}/sparql"

    def _description(self) -> Answer:
        from coopgraph.sparql.results import write_graph
        from coopgraph.sparql.service import description

        settings = self.server.settings
        limits = {
            "timeout": settings.timeout,
            "max_rows": settings.max_rows,
            "memory": settings.memory,
            "max_body": settings.max_body,
            "client_timeout": settings.client_timeout,
        }
        triples = description(self._endpoint_iri(), self.server.graphs, limits=limits)
        fmt = negotiate(self._accept(), {k: v for k, v in GRAPH_TYPES.items() if v != "html"}, "turtle")
        prefixes = {"sd": "http://www.w3.org/ns/sparql-service-description#", "void": "http://rdfs.org/ns/void#"}
        prefixes |= {"formats": "http://www.w3.org/ns/formats/", "limits": "https://w3id.org/coopgraph/service#"}
        prefixes |= {"xsd": "http://www.w3.org/2001/XMLSchema#"}
        return 200, media_type(fmt), write_graph(triples, fmt, prefixes=prefixes), {}

    def _run(
        self,
        text: str,
        bindings: Mapping[str, object],
        params: Mapping[str, list[str]],
        *,
        source: str,
        default_graphs: Sequence[str] = (),
        named_graphs: Sequence[str] | None = None,
        check: Sequence[str] = (),
    ) -> Answer:
        job = {
            "check": list(check),
            "kind": "query",
            "text": text,
            "bindings": dict(bindings),
            "source": source,
            "default_graphs": list(default_graphs),
            "named_graphs": None if named_graphs is None else list(named_graphs),
            "accept": self._accept(),
            "format": _first(params, "format") or _first(params, "output"),
            "max_rows": self.server.settings.max_rows,
        }
        return self.server.pool.run(job)

    def _front(self) -> Answer:
        from coopgraph.sparql import pages

        body = pages.front_page(has_graph=self._graph_file().is_file(), queries=list(self.server.saved.values()))
        return 200, HTML, pages.page("coopgraph", body), {}

    def _list(self) -> Answer:
        import json

        from coopgraph.sparql import pages

        saved = list(self.server.saved.values())
        if self._wants_html():
            return 200, HTML, pages.page("Saved questions", pages.queries_page(saved)), {}
        listing = [
            {
                "name": q.name,
                "url": f"/queries/{q.name}",
                "title": dict(q.title),
                "description": q.description,
                "parameters": [{"name": p.name, "type": p.type, "default": p.default} for p in q.params.values()],
                "tags": list(q.tags),
            }
            for q in saved
        ]
        return (
            200,
            "application/json; charset=utf-8",
            (json.dumps(listing, ensure_ascii=False, indent=1) + "\n").encode(),
            {},
        )

    def _saved(self, name: str, params: Mapping[str, list[str]]) -> Answer:
        from coopgraph.sparql.query import query_prefixes
        from coopgraph.sparql.queryfile import bind

        saved = self.server.saved.get(name)
        if saved is None:
            names = ", ".join(self.server.saved)
            return 404, TEXT, f"no saved query '{name}'; saved queries: {names}\n".encode(), {}
        given = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}
        try:
            bindings = bind(saved.params, given, query_prefixes(self.server.settings.base), where=f"/queries/{name}")
        except CoopgraphError as error:
            return 400, TEXT, f"{error}\n".encode(), {}
        check = [n for n in given if saved.params[n].type == "iri"]  # a value naming nothing: 400 + did-you-mean
        return self._run(saved.text, bindings, params, source=f"queries/{name}.rq", check=check)

    def _graph_file(self) -> Path:
        return self.server.settings.out_dir / "coopgraph.html"

    def _graph(self) -> Answer:
        path = self._graph_file()
        if not path.is_file():
            return 404, TEXT, b"no HTML graph in the build; run `coopgraph visualise` first\n", {}
        return 200, HTML, path.read_bytes(), {"Content-Security-Policy": GRAPH_CSP}

    def _entity(self, iri: str, params: Mapping[str, list[str]]) -> Answer:
        lang = _first(params, "lang") or _language(self.headers.get("Accept-Language"))
        job = {
            "kind": "entity",
            "iri": iri,
            "accept": self._accept(),
            "format": _first(params, "format"),
            "lang": lang,
            "max_rows": self.server.settings.max_rows,
        }
        try:
            import pyoxigraph as ox

            ox.NamedNode(iri)
        except ValueError:
            return 400, TEXT, f"not an IRI: {iri}\n".encode(), {}
        return self.server.pool.run(job)

    # -- output --------------------------------------------------------------------------------
    def _send(
        self, status: int, ctype: str, body: bytes, headers: Mapping[str, str] | None = None, *, head: bool = False
    ) -> None:
        """Status, headers and body in one write (two writes meet Nagle and delayed ACKs: ~40 ms a request)."""
        extra = dict(headers or {})
        if ctype.startswith("text/html"):
            extra.setdefault("Content-Security-Policy", CSP)
            extra.setdefault("X-Frame-Options", "DENY")
        if self.close_connection and "Connection" not in extra:
            extra["Connection"] = "close"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept, Accept-Language")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        for key, value in extra.items():
            self.send_header(key, value)
        pending: list[bytes] = getattr(self, "_headers_buffer", [])  # what send_header gathered
        data = b"".join(pending) + b"\r\n" + (b"" if head else body)
        pending.clear()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.address_string()} {format % args}\n")


def _first(params: Mapping[str, list[str]], key: str) -> str | None:
    values = params.get(key)
    return values[0] if values else None


def _language(header: str | None) -> str:
    """``th`` when the browser prefers Thai to English, else ``en``."""
    for entry in (header or "").split(","):
        tag = entry.split(";")[0].strip().lower()
        if tag.startswith("th"):
            return "th"
        if tag.startswith("en"):
            return "en"
    return "en"


def serve(settings: Settings, *, host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM); workers and sockets are closed on the way out."""
    from coopgraph.graph.store import STORE_LINK, open_store
    from coopgraph.sparql.queryfile import saved_queries

    built = open_store(settings.out_dir)  # a clear error now when there is no build
    graphs = {g.value: sum(1 for _ in built.quads_for_pattern(None, None, None, g)) for g in built.named_graphs()}
    del built
    store_path = (settings.out_dir / STORE_LINK).resolve()
    saved = saved_queries()
    pool = Pool(store_path, settings)
    try:
        server = Server((host, port), settings, pool, saved, graphs)
    except OSError as error:
        pool.close()
        raise CoopgraphError(f"cannot listen on {host}:{port} ({error.strerror or error})") from None
    bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
    print(f"coopgraph: serving http://{bound_host}:{bound_port}/ (SPARQL at /sparql); Ctrl-C stops", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"coopgraph: listening on {host}: anyone who can reach this address can query", file=sys.stderr)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if threading.current_thread() is threading.main_thread() else None
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        pool.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
