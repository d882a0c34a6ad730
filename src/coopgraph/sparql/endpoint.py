"""A read-only SPARQL 1.1 Protocol endpoint over the built store, with entity pages.

    GET|POST /sparql           SPARQL 1.1 Protocol: results as JSON, XML, CSV, TSV (or HTML) by Accept;
                               graphs as Turtle, N-Triples, JSON-LD or RDF/XML; updates get 403
    GET      /queries          the saved questions;  /queries/NAME?param=value runs one
    GET      /coopgraph/id/... an entity under the base IRI: HTML for a browser, RDF by Accept
    GET      /resource?iri=... any other IRI in the graph, the same way
    GET      /graph            build/coopgraph.html, when it has been written

Every query runs in a worker process that holds the store open read-only.  A
query that outlives the time limit has its worker killed and replaced (HTTP
503), so a runaway query cannot hold the server; results beyond the row cap
are cut, and the ``X-Coopgraph-Truncated`` header says so.  The server binds
to the loopback interface unless told otherwise.

>>> serve(Settings(Path("build")), host="127.0.0.1", port=8000)    # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import signal
import sys
import threading
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
MAX_BODY = 10 * 1024 * 1024
HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
READ_ONLY = "this endpoint is read-only: SPARQL updates and graph writes are refused\n"

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
    from coopgraph.sparql import pages
    from coopgraph.sparql.query import collect, execute, query_prefixes
    from coopgraph.sparql.results import compact, render

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
    )
    result = collect(answer, job["bindings"], limit=job["max_rows"], source=job["source"])
    headers = {"X-Coopgraph-Truncated": f"cut at {job['max_rows']}"} if result.truncated else {}
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
    import pyoxigraph as ox

    from coopgraph.sparql import pages
    from coopgraph.sparql.query import query_prefixes
    from coopgraph.sparql.results import compact, write_graph

    node = ox.NamedNode(job["iri"])
    outgoing = sorted({(q.predicate.value, q.object) for q in store.quads_for_pattern(node, None, None)}, key=str)
    incoming = sorted({(q.subject, q.predicate.value) for q in store.quads_for_pattern(None, None, node)}, key=str)
    if not outgoing and not incoming:
        return 404, TEXT, f"{job['iri']} is not in the graph\n".encode(), {}
    prefixes = query_prefixes(base)
    fmt = negotiate(job["accept"], GRAPH_TYPES, "turtle", job["format"])
    if fmt != "html":
        triples = [ox.Triple(node, ox.NamedNode(p), o) for p, o in outgoing]
        triples += [ox.Triple(s, ox.NamedNode(p), node) for s, p in incoming]
        return 200, media_type(fmt), write_graph(triples, fmt, prefixes=prefixes), {}
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
    return 200, HTML, pages.page(title, body, lang=lang), {}


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


def _worker(conn: Connection, store_path: str, base: str, where: str = "auto") -> None:
    """A worker process: open the store (or copy it into memory), then answer jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    store = worker_store(store_path, where)
    from coopgraph.sparql import pages, query, results  # noqa: F401 - loaded before the clock of a first query starts

    conn.send("ready")
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the server went away
            return
        if job is None:
            return
        try:
            answer = run_job(store, job, base)
        except CoopgraphError as error:
            answer = (400, TEXT, f"{error}\n".encode(), {})
        except Exception as error:
            answer = (500, TEXT, f"internal error: {error!r}\n".encode(), {})
        conn.send(answer)


# --- the pool of workers ------------------------------------------------------------------------


class _Worker:
    def __init__(self, context: Any, store_path: str, base: str, where: str = "auto") -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_worker, args=(child, store_path, base, where), daemon=True)
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
        worker = _Worker(self.context, self.store_path, self.settings.base, self.settings.store)
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
                self.idle.put(worker)
                return answer
            timed_out = True
        except (EOFError, OSError):
            pass
        with self.lock:
            self.all.discard(worker)
        worker.stop(kill=True)
        self._add()
        if timed_out:
            return 503, TEXT, f"the query ran longer than the time limit of {limit:g} s\n".encode(), {}
        return 500, TEXT, b"the query's worker process failed; it has been replaced\n", {}

    def close(self) -> None:
        with self.lock:
            workers, self.all = list(self.all), set()
        for worker in workers:
            worker.stop()


# --- HTTP -----------------------------------------------------------------------------------------


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], settings: Settings, pool: Pool, saved: Mapping[str, SavedQuery]):
        self.settings = settings
        self.pool = pool
        self.saved = saved
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: Server
    server_version = "coopgraph"
    protocol_version = "HTTP/1.1"

    # -- verbs ---------------------------------------------------------------------------------
    def do_GET(self) -> None:
        self._dispatch(None)

    def do_HEAD(self) -> None:
        self._dispatch(None, head=True)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._send(413, TEXT, b"request body too large\n")
            return
        self._dispatch(self.rfile.read(length) if length else b"")

    def do_PUT(self) -> None:
        self._refuse()

    def do_DELETE(self) -> None:
        self._refuse()

    def do_PATCH(self) -> None:
        self._refuse()

    def do_OPTIONS(self) -> None:
        self._send(
            204,
            TEXT,
            b"",
            {"Allow": "GET, HEAD, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type, Accept"},
        )

    def _refuse(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if 0 < length <= MAX_BODY:
            self.rfile.read(length)
        self._send(403, TEXT, READ_ONLY.encode())

    # -- routing -------------------------------------------------------------------------------
    def _dispatch(self, body: bytes | None, *, head: bool = False) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if body is not None and content_type == "application/x-www-form-urlencoded":
            for key, values in parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True).items():
                params.setdefault(key, []).extend(values)
        path = url.path
        settings = self.server.settings
        base_path = urlsplit(settings.base).path
        if path in ("/sparql", "/sparql/"):
            answer = self._sparql(params, body, content_type)
        elif path in ("/update", "/sparql/update", "/store", "/data"):
            answer = 403, TEXT, READ_ONLY.encode(), {}
        elif path == "/":
            answer = self._front()
        elif path in ("/queries", "/queries/"):
            answer = self._list()
        elif path.startswith("/queries/"):
            answer = self._saved(path[len("/queries/") :], params)
        elif path in ("/graph", "/graph/"):
            answer = self._graph()
        elif path == "/resource" and params.get("iri"):
            answer = self._entity(params["iri"][0], params)
        elif path.startswith(base_path) and len(path) > len(base_path):
            answer = self._entity(settings.base + path[len(base_path) :], params)
        elif base_path != "/id/" and path.startswith("/id/") and len(path) > 4:
            answer = self._entity(settings.base + path[4:], params)
        else:
            answer = 404, TEXT, f"nothing at {path}; see / for what this server offers\n".encode(), {}
        status, ctype, content, headers = answer
        self._send(status, ctype, content, headers, head=head)

    def _accept(self) -> str:
        return self.headers.get("Accept") or ""

    def _wants_html(self) -> bool:
        return negotiate(self._accept(), {"text/html": "html", "application/json": "json"}, "other") == "html"

    def _sparql(self, params: dict[str, list[str]], body: bytes | None, content_type: str) -> Answer:
        from coopgraph.sparql import pages
        from coopgraph.sparql.query import is_update

        if "update" in params or content_type == "application/sparql-update":
            return 403, TEXT, READ_ONLY.encode(), {}
        texts = params.get("query") or []
        if body is not None and content_type == "application/sparql-query":
            texts = [body.decode("utf-8", "replace")]
        if len(texts) != 1:
            if not texts and self._wants_html():
                return 200, HTML, pages.page("SPARQL", "<h1>SPARQL</h1>" + pages.query_form("")), {}
            return 400, TEXT, b"give exactly one query (the query parameter or an application/sparql-query body)\n", {}
        text = texts[0]
        if is_update(text):
            return 403, TEXT, READ_ONLY.encode(), {}
        return self._run(
            text,
            {},
            params,
            source="query",
            default_graphs=params.get("default-graph-uri", []),
            named_graphs=params.get("named-graph-uri") or None,
        )

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
        return 200, HTML, path.read_bytes(), {}

    def _entity(self, iri: str, params: Mapping[str, list[str]]) -> Answer:
        lang = _first(params, "lang") or _language(self.headers.get("Accept-Language"))
        job = {"kind": "entity", "iri": iri, "accept": self._accept(), "format": _first(params, "format"), "lang": lang}
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
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept, Accept-Language")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

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

    open_store(settings.out_dir)  # a clear error now when there is no build
    store_path = (settings.out_dir / STORE_LINK).resolve()
    saved = saved_queries()
    pool = Pool(store_path, settings)
    try:
        server = Server((host, port), settings, pool, saved)
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
