"""A read-only SPARQL 1.1 Protocol endpoint over the built store, with entity pages.

    GET|POST /sparql           SPARQL 1.1 Protocol: results as JSON, XML, CSV, TSV (or HTML) by Accept;
                               graphs as Turtle, N-Triples, JSON-LD or RDF/XML; updates get 403
    GET      /queries          the saved questions;  /queries/NAME?param=value runs one
    GET      /coopgraph/id/... an entity under the base IRI: HTML for a browser, RDF by Accept
    GET      /resource?iri=... any other IRI in the graph, the same way
    GET      /graph            build/coopgraph.html, when it has been written

Every request is read and answered in a worker process that holds the store
open read-only and accepts on the shared listening socket (HTTP in
:mod:`~coopgraph.sparql.wire`), under the time limit and a memory cap: a query
past either has its worker killed and replaced, and its client answered 503 by
the supervisor (:mod:`~coopgraph.sparql.workers`), so a runaway query cannot
hold the server.  Updates, ``LOAD`` and ``SERVICE`` are refused (403) after a parse in
that worker, never run, so no query makes this machine send a request.
Results beyond the row cap are cut (entity pages too; a query's evaluation
stops there), and the ``X-Coopgraph-Truncated`` header says so.  Answers are
written from Oxigraph's own output (:func:`~coopgraph.sparql.results.write_solutions`).  A worker reads a request
within a deadline without blocking (a slow or lying client is cut off and holds
no worker), answers a malformed one with 4xx, and writes each response in one piece.  Every HTML page carries
a Content-Security-Policy that allows no network access.  The server binds to
the loopback interface unless told otherwise.  ``GET /sparql`` without a query
is the SPARQL Service Description.

>>> serve(Settings(Path("build")), host="127.0.0.1", port=8000)    # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re
import signal
import socket
import sys
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, quote, urlsplit

from coopgraph.errors import CoopgraphError
from coopgraph.graph.vocab import DEFAULT_BASE
from coopgraph.sparql.wire import RECYCLE, TEXT, Answer, BadRequest, Message

if TYPE_CHECKING:
    import pyoxigraph as ox

    from coopgraph.sparql.queryfile import SavedQuery

HTML = "text/html; charset=utf-8"
READ_ONLY = "this endpoint is read-only: SPARQL updates and graph writes are refused\n"
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
    log: bool = True
    """A line on stderr for each request (``coopgraph serve -q``: none)."""


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

    prefixes = _PREFIXES.get(base) or _PREFIXES.setdefault(base, query_prefixes(base))
    check = [n for n in job.get("check") or () if _named(job["bindings"].get(n)) not in _FOUND]
    if check:
        from coopgraph.sparql.query import check_names

        check_names(store, job["bindings"], check, prefixes, where=job["source"])
        if len(_FOUND) > 100_000:
            _FOUND.clear()
        _FOUND.update(_named(job["bindings"].get(n)) for n in check)
    answer = execute(
        store,
        job["text"],
        bindings=job["bindings"],
        prefixes=used_prefixes(job["text"], prefixes),
        source=job["source"],
        default_graphs=job["default_graphs"],
        named_graphs=job["named_graphs"],
        base_iri=base,
        inline=job.get("inline", False),
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


_PREFIXES: dict[str, dict[str, str]] = {}
"""base -> :func:`~coopgraph.sparql.query.query_prefixes` (a worker asks for the same ones every request)."""
_FOUND: set[str | None] = set()
"""IRIs given to a saved query that are in the graph: a worker's store never changes, so each is checked once."""


def _named(term: object) -> str | None:
    return getattr(term, "value", None) if type(term).__name__ == "NamedNode" else None


def used_prefixes(text: str, prefixes: Mapping[str, str]) -> dict[str, str]:
    """The prefixes a text may use undeclared: those whose ``name:`` it contains (the rule of
    :func:`~coopgraph.sparql.query.with_prefixes`); Oxigraph parses a query faster without the rest."""
    if len(text) > 4096:
        return dict(prefixes)
    names = _used_names(text, tuple(prefixes))
    return {name: prefixes[name] for name in names}


@functools.lru_cache(maxsize=512)
def _used_names(text: str, names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(n for n in names if re.search(rf"(?<![\w?$]){re.escape(n)}:", text))


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


def answer(store: ox.Store, job: Mapping[str, Any], base: str, memory: int = 0) -> Answer:
    """A job's answer, every failure an HTTP status: refused 403, bad 400, over the memory cap 503
    (and this worker is recycled: :data:`~coopgraph.sparql.wire.RECYCLE`)."""
    from coopgraph.sparql import query

    try:
        return run_job(store, job, base)
    except query.Refused as refused:
        return 403, TEXT, f"{refused}\n".encode(), {}
    except CoopgraphError as error:
        return 400, TEXT, f"{error}\n".encode(), {}
    except MemoryError:
        return 503, TEXT, memory_message(memory), {RECYCLE: "1"}
    except RecursionError:
        return 400, TEXT, b"the query is nested too deeply\n", {}
    except Exception as error:
        return 500, TEXT, f"internal error: {error!r}\n".encode(), {}


def _worker(
    listener: socket.socket,
    control: socket.socket,
    slot: Any,
    store_path: str,
    settings: Settings,
    graphs: Mapping[str, int],
    address: tuple[str, int],
) -> None:
    """A worker process: open the store (or copy it into memory), cap its memory, then answer HTTP
    on the shared listening socket until told to stop.  Past the cap a query fails (MemoryError
    here: answered 503, then this worker exits; or an abort inside Oxigraph: the supervisor
    answers); either way a fresh worker takes its place."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    store = worker_store(store_path, settings.store)
    from coopgraph.sparql import pages, query, results  # noqa: F401 - loaded before the clock of a first query starts
    from coopgraph.sparql.queryfile import saved_queries
    from coopgraph.sparql.wire import serve_connections

    query.inspect("ASK {}")  # loads rdflib's SPARQL grammar now, not in a first request
    site = Site(settings, store, saved_queries(), dict(graphs), address)
    cap_memory(settings.memory)
    control.send(b"ready")
    if control.recv(64) != b"go":  # the supervisor stopped before every worker was ready
        return
    options = {"client_timeout": settings.client_timeout, "max_body": settings.max_body, "log": settings.log}
    serve_connections(listener, control, slot, lambda message: Request(site, message).answer(), options)


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


# --- HTTP requests, answered in the worker -----------------------------------------------------------


@dataclass
class Site:
    """What a worker answers from: the settings, its store, the saved queries, the graphs' sizes, the address."""

    settings: Settings
    store: ox.Store
    saved: Mapping[str, SavedQuery]
    graphs: Mapping[str, int]
    address: tuple[str, int]


class Request:
    """One request routed to its answer (read by :mod:`coopgraph.sparql.wire`, answered here)."""

    __slots__ = ("body", "headers", "method", "path", "site")

    def __init__(self, site: Site, message: Message) -> None:
        self.site = site
        self.path = message.path
        self.headers = message.headers
        self.body = message.body
        self.method = message.method

    def answer(self) -> Answer:
        """The answer to the request: status, content type, body, extra headers (HTML pages get the CSP)."""
        method = self.method
        if method in ("PUT", "DELETE", "PATCH"):
            found: Answer = (403, TEXT, READ_ONLY.encode(), {})
        elif method == "OPTIONS":
            allow = {"Allow": "GET, HEAD, POST, OPTIONS", "Access-Control-Allow-Headers": "Content-Type, Accept"}
            found = (204, TEXT, b"", allow)
        else:
            try:
                found = self._route(self.body if method == "POST" else None)
            except BadRequest as error:
                found = error.status, TEXT, f"{error}\n".encode(), {}
        if found[1].startswith("text/html"):
            found[3].setdefault("Content-Security-Policy", CSP)
            found[3].setdefault("X-Frame-Options", "DENY")
        return found

    def _route(self, body: bytes | None) -> Answer:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        path = url.path
        settings = self.site.settings
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
            bound = self.site.address
            host = f"{bound[0]!s}:{bound[1]}"
        return f"http://{host}/sparql"

    def _description(self) -> Answer:
        from coopgraph.sparql.results import write_graph
        from coopgraph.sparql.service import description

        settings = self.site.settings
        limits = {
            "timeout": settings.timeout,
            "max_rows": settings.max_rows,
            "memory": settings.memory,
            "max_body": settings.max_body,
            "client_timeout": settings.client_timeout,
        }
        triples = description(self._endpoint_iri(), self.site.graphs, limits=limits)
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
        inline: bool = False,
    ) -> Answer:
        job = {
            "inline": inline,
            "check": list(check),
            "kind": "query",
            "text": text,
            "bindings": dict(bindings),
            "source": source,
            "default_graphs": list(default_graphs),
            "named_graphs": None if named_graphs is None else list(named_graphs),
            "accept": self._accept(),
            "format": _first(params, "format") or _first(params, "output"),
            "max_rows": self.site.settings.max_rows,
        }
        return answer(self.site.store, job, self.site.settings.base, self.site.settings.memory)

    def _front(self) -> Answer:
        from coopgraph.sparql import pages

        body = pages.front_page(has_graph=self._graph_file().is_file(), queries=list(self.site.saved.values()))
        return 200, HTML, pages.page("coopgraph", body), {}

    def _list(self) -> Answer:
        import json

        from coopgraph.sparql import pages

        saved = list(self.site.saved.values())
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

        saved = self.site.saved.get(name)
        if saved is None:
            names = ", ".join(self.site.saved)
            return 404, TEXT, f"no saved query '{name}'; saved queries: {names}\n".encode(), {}
        given = {k: v[-1] for k, v in params.items() if k not in ("format", "output")}
        try:
            bindings = bind(saved.params, given, query_prefixes(self.site.settings.base), where=f"/queries/{name}")
        except CoopgraphError as error:
            return 400, TEXT, f"{error}\n".encode(), {}
        check = [n for n in given if saved.params[n].type == "iri"]  # a value naming nothing: 400 + did-you-mean
        return self._run(saved.text, bindings, params, source=f"queries/{name}.rq", check=check, inline=True)

    def _graph_file(self) -> Path:
        return self.site.settings.out_dir / "coopgraph.html"

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
            "max_rows": self.site.settings.max_rows,
        }
        try:
            import pyoxigraph as ox

            ox.NamedNode(iri)
        except ValueError:
            return 400, TEXT, f"not an IRI: {iri}\n".encode(), {}
        return answer(self.site.store, job, self.site.settings.base, self.site.settings.memory)


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
    from coopgraph.sparql.workers import Supervisor

    built = open_store(settings.out_dir)  # a clear error now when there is no build
    graphs = {g.value: sum(1 for _ in built.quads_for_pattern(None, None, None, g)) for g in built.named_graphs()}
    del built
    store_path = str((settings.out_dir / STORE_LINK).resolve())
    try:
        listener = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        listener.listen(max(128, 32 * settings.workers))  # listen backlog: no SYN retries under load
    except OSError as error:
        raise CoopgraphError(f"cannot listen on {host}:{port} ({error.strerror or error})") from None
    bound = listener.getsockname()
    address = (str(bound[0]), int(bound[1]))
    supervisor = Supervisor(
        listener,
        _worker,
        (store_path, settings, graphs, address),
        count=settings.workers,
        timeout=settings.timeout,
        died_message=lambda code: _died(code, settings.memory),
    )
    try:
        supervisor.start()
    except BaseException:
        listener.close()
        raise
    print(f"coopgraph: serving http://{address[0]}:{address[1]}/ (SPARQL at /sparql); Ctrl-C stops", file=sys.stderr)
    supervisor.release()  # the first answer comes after that line
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"coopgraph: listening on {host}: anyone who can reach this address can query", file=sys.stderr)

    def stop(*_: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop) if threading.current_thread() is threading.main_thread() else None
    try:
        supervisor.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        supervisor.close()
        listener.close()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _died(exitcode: int | None, memory: int) -> tuple[int, bytes]:
    """What the client of a worker that died while answering is told."""
    if exitcode in (-signal.SIGABRT, -signal.SIGKILL):
        # Oxigraph aborts when an allocation fails under the cap (Rust's out-of-memory handler)
        return 503, memory_message(memory)
    return 500, b"the query's worker process failed; it has been replaced\n"
