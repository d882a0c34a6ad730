"""publish: the shipped graph pushed to real triple stores answers every saved question as the embedded store does."""

from __future__ import annotations

import base64
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from coopgraph.cli import main
from coopgraph.errors import CoopgraphError
from coopgraph.graph.store import open_store
from coopgraph.sparql.publish import batches, graph_url, publish, triples_of
from coopgraph.sparql.query import Result, query_prefixes, run, run_remote
from coopgraph.sparql.queryfile import bind, saved_queries
from coopgraph.sparql.remote import request
from tests.servers import Server, oxigraph_server, virtuoso_server

pytestmark = pytest.mark.server

GRAPH = "https://example.org/coopgraph/published"
COUNTRY = "https://w3id.org/coopgraph/id/country/"
FIXED = {"as_of": "2027-06-01", "date": "2025-01-01"}  # dates that do not move with the calendar
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def published(request: pytest.FixtureRequest, shipped_build: Path) -> Server:
    """Each real store with the shipped graph published into GRAPH by the CLI."""
    server: Server = request.getfixturevalue(request.param)
    credentials = ["--user", server.user, "--password", server.password or ""] if server.user else []
    code = main(
        ["publish", "--endpoint", server.store_url, "--graph", GRAPH, "--out", str(shipped_build), *credentials]
    )
    assert code == 0
    return server


def cells(result: Result) -> object:
    """A result as plain values: term kind, text, language, datatype (xsd:string and plain are one)."""
    if result.kind == "ask":
        return result.boolean
    if result.kind == "graph":
        return sorted(str(t) for t in result.triples)

    def cell(term: object) -> object:
        if isinstance(term, ox.Literal):
            datatype = None if term.language or term.datatype.value == XSD_STRING else term.datatype.value
            return ("literal", term.value, term.language, datatype)
        return None if term is None else (type(term).__name__, getattr(term, "value", str(term)))

    return [tuple(cell(t) for t in row) for row in result.rows]


VIRTUOSO_GYEAR: set[str] = set()
"""Virtuoso 7.2 dropped the rows of `partners-of-country` whose `latest` a BIND after its sub-select rebuilt as an
xsd:gYear, and with the country groups published it hung on that BIND (no CPU, no answer): the same expression in
the SELECT answers every row (benchmarks/WHY.md, "Scale, fourth session: cooperation-network")."""
VIRTUOSO_FEWER = {"agreements-in-period"}
"""Virtuoso 7.2 leaves out rows Oxigraph gives since these queries read the status on `as_of` (the Singapore
Declaration, adopted 2024-02, in `agreements-in-period`); not yet traced to a Virtuoso defect or to the queries.
`cooperation-network` was here (150 of 166 rows) until it counted per country grouping: now the same rows."""
VIRTUOSO_ESTIMATE: set[str] = set()
"""Virtuoso 7.2 refuses these before running them when its optimiser estimates hours (it did, 7,486 s, for
`cooperation-network` while coop:Cooperation nodes were one per pair; with one per country and agreement it runs)."""


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_every_saved_query_gives_the_same_rows_remotely(published: Server, shipped_build: Path, name: str) -> None:
    saved = saved_queries()[name]
    prefixes = query_prefixes()
    bindings = bind(saved.params, {k: v for k, v in FIXED.items() if k in saved.params}, prefixes, where=name)
    here = run(open_store(shipped_build), saved.text, bindings=bindings, prefixes=prefixes)
    try:
        there = run_remote(published.query_url, saved.text, bindings=bindings, prefixes=prefixes,
                           default_graphs=[GRAPH], timeout=60)
    except CoopgraphError as error:
        if published.name == "virtuoso" and name in VIRTUOSO_ESTIMATE | VIRTUOSO_FEWER and "exceeds the limit" in str(
            error
        ):
            # strict for VIRTUOSO_ESTIMATE (any other answer fails below); for a query Virtuoso already answers
            # wrongly, its estimate swings with the statistics of what earlier tests loaded (437-1,433 s seen for
            # cooperation-network against its 400 s limit, in some whole-suite runs only)
            pytest.xfail(f"Virtuoso 7.2 estimates {name} too slow to run")
        if published.name == "virtuoso" and "no answer within" in str(error):
            # Virtuoso 7.2's optimiser sometimes spends minutes planning a query of many OPTIONALs (seen for
            # `signatories` and `partners-of-country`, each fast in other runs): its speed is not ours to test
            pytest.xfail(f"Virtuoso did not answer {name} within 60 s")
        raise
    assert not (published.name == "virtuoso" and name in VIRTUOSO_ESTIMATE), f"Virtuoso now runs {name}: drop it from VIRTUOSO_ESTIMATE"
    if published.name == "virtuoso" and name in VIRTUOSO_FEWER:
        assert cells(there) != cells(here), f"Virtuoso now answers {name} right: drop it from VIRTUOSO_FEWER"
        assert set(map(str, cells(there))) < set(map(str, cells(here)))  # a subset: rows missing, none wrong
        pytest.xfail(f"Virtuoso 7.2 leaves rows out of {name}")
    if published.name == "virtuoso" and name in VIRTUOSO_GYEAR:
        # Virtuoso 7.2 drops the rows whose `latest` is rebuilt as an xsd:gYear after the sub-select (STRDT
        # alone works there). Strict: the day Virtuoso agrees, this fails and the exception goes.
        assert cells(there) != cells(here), f"Virtuoso now answers {name} right: drop it from VIRTUOSO_GYEAR"
        assert len(cells(there)) > len(cells(here)) // 2  # the rest of the answer is there
        pytest.xfail(f"Virtuoso 7.2 and xsd:gYear in {name}")
    assert cells(there) == cells(here)
    assert there.columns == here.columns
    if here.kind == "select":
        assert here.rows, f"{name} answers something on the shipped data"


def test_query_command_runs_saved_queries_on_a_remote_store(
    published: Server, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["query", "partners-of-country", "--endpoint", published.query_url, "--default-graph", GRAPH, "-f", "csv"]
    )
    out, err = capsys.readouterr()
    assert code == 0, err
    partners = {line.split(",")[0].removeprefix(COUNTRY) for line in out.splitlines()[1:]}
    assert {"indonesia", "china"} <= partners
    code = main(["query", "partners-of-country", "--endpoint", published.query_url, "--graph", "inferred"])
    assert code == 1 and "with --endpoint use --default-graph" in capsys.readouterr().err


# --- batches, blank nodes, replacing ---------------------------------------------------------------------


def test_batches_keep_blank_node_clusters_together(shipped_build: Path) -> None:
    triples = triples_of(open_store(shipped_build))
    cut = list(batches(triples, 100))
    assert len(cut) > 10 and sum(len(b) for b in cut) == len(triples)
    where: dict[str, int] = {}
    for number, batch in enumerate(cut):
        for triple in batch:
            for term in (triple.subject, triple.object):
                if isinstance(term, ox.BlankNode):
                    assert where.setdefault(term.value, number) == number, "a blank node spans two requests"
    assert where, "the shipped ontology has blank nodes, so this test means something"


def test_batched_publish_is_the_same_graph(oxigraph: Server, shipped_build: Path) -> None:
    store = open_store(shipped_build)
    done = publish(store, oxigraph.store_url, GRAPH + "/batched", batch_size=250)
    local = triples_of(store)
    assert done.triples == len(local) and done.batches > 10
    answer = request(
        "GET", graph_url(oxigraph.store_url, GRAPH + "/batched"), headers={"Accept": "application/n-triples"}
    )
    remote = Graph().parse(data=answer.body, format="nt")
    mine = Graph().parse(data=ox.serialize(local, format=ox.RdfFormat.N_TRIPLES), format="nt")
    assert isomorphic(remote, mine)  # blank nodes included


def test_publish_replaces_the_graph(
    oxigraph: Server, shipped_build: Path, tiny_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = GRAPH + "/replaced"
    for build in (shipped_build, tiny_build):
        assert main(["publish", "--endpoint", oxigraph.store_url, "--graph", target, "--out", str(build)]) == 0
    assert f"published {len(triples_of(open_store(tiny_build)))} triples in 1 request" in capsys.readouterr().err
    count = run_remote(oxigraph.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[target])
    assert int(count.rows[0][0].value) == len(triples_of(open_store(tiny_build)))  # type: ignore[union-attr]


# --- authentication and failures ---------------------------------------------------------------------------


@pytest.fixture
def own_virtuoso(tmp_path: Path) -> Iterator[Server]:
    """A Virtuoso of the test's own: a refused upload can leave the server slow to answer later queries
    (seen here: the shared server then took minutes over `signatories`), so it must not be the shared one."""
    with virtuoso_server(tmp_path / "virtuoso") as server:
        yield server


def test_wrong_password_is_a_clear_error(
    own_virtuoso: Server, tiny_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    virtuoso = own_virtuoso
    code = main(
        [
            "publish",
            "--endpoint",
            virtuoso.store_url,
            "--graph",
            GRAPH + "/x",
            "--out",
            str(tiny_build),
            "--user",
            "dba",
            "--password",
            "wrong",
        ]
    )
    err = capsys.readouterr().err
    assert code == 1 and "HTTP 401" in err and "check --user and --password" in err and len(err.splitlines()) == 1


class _BasicAuthStore(BaseHTTPRequestHandler):
    """A small Graph Store Protocol server that takes only basic auth (Virtuoso takes only digest)."""

    store = ox.Store()
    expected = "Basic " + base64.b64encode(b"editor:s3cret").decode()

    def _authorised(self) -> bool:
        if self.headers.get("Authorization") == self.expected:
            return True
        self.send_response(401)
        self.send_header("WWW-Authenticate", 'Basic realm="graphs"')
        self.send_header("Content-Length", "0")
        self.end_headers()
        return False

    def do_HEAD(self) -> None:
        if self._authorised():
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    def _write(self, replace: bool) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if not self._authorised():
            return
        graph = ox.NamedNode(urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)["graph"][0])
        if replace and self.store.contains_named_graph(graph):
            self.store.remove_graph(graph)
        self.store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in ox.parse(body, ox.RdfFormat.TURTLE))
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_PUT(self) -> None:
        self._write(replace=True)

    def do_POST(self) -> None:
        self._write(replace=False)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def basic_store() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _BasicAuthStore)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/store"
    finally:
        server.shutdown()
        server.server_close()


def test_basic_auth_and_batches(basic_store: str, tiny_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["publish", "--endpoint", basic_store, "--graph", GRAPH, "--out", str(tiny_build), "--batch", "40"]
    assert main(args) == 1 and "HTTP 401" in capsys.readouterr().err
    assert main([*args, "--user", "editor", "--password", "s3cret"]) == 0
    stored = {q.triple for q in _BasicAuthStore.store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH))}
    assert stored == set(triples_of(open_store(tiny_build)))
    assert "requests" in capsys.readouterr().err


def test_unreachable_store_is_a_clear_error(tiny_build: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/store"
    assert main(["publish", "--endpoint", url, "--out", str(tiny_build)]) == 1
    assert capsys.readouterr().err.startswith(f"{url}: cannot reach the server")


def test_one_part_only(oxigraph: Server, tiny_build: Path) -> None:
    target = GRAPH + "/asserted-only"
    assert (
        main(
            [
                "publish",
                "--endpoint",
                oxigraph.store_url,
                "--graph",
                target,
                "--part",
                "asserted",
                "--out",
                str(tiny_build),
            ]
        )
        == 0
    )
    count = run_remote(oxigraph.query_url, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", default_graphs=[target])
    assert int(count.rows[0][0].value) == len(triples_of(open_store(tiny_build), ["asserted"]))  # type: ignore[union-attr]


def test_queries_through_virtuosos_digest_protected_endpoint(virtuoso: Server) -> None:
    protected = virtuoso.query_url.replace("/sparql", "/sparql-auth")
    answer = run_remote(protected, "ASK { ?s ?p ?o }", user="dba", password="dba")
    assert answer.kind == "ask" and answer.boolean is True
    with pytest.raises(CoopgraphError, match="HTTP 401"):
        run_remote(protected, "ASK { ?s ?p ?o }", user="dba", password="wrong")


# --- hostile or broken stores: redirects, a failed batch, a hang, plain HTTP --------------------------------------


class _Scripted(BaseHTTPRequestHandler):
    """Answers each request with the next scripted status (the last repeats); records what it was sent."""

    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        server = self.server
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server.seen.append((self.command, self.headers.get("Authorization"), len(body)))  # type: ignore[attr-defined]
        script = server.script  # type: ignore[attr-defined]
        status = script[min(len(server.seen), len(script)) - 1]  # type: ignore[attr-defined]
        if status == "hang":
            server.release.wait(60)  # type: ignore[attr-defined]
            return
        self.send_response(status)
        if 300 <= status < 400:
            self.send_header("Location", server.location)  # type: ignore[attr-defined]
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_HEAD = do_PUT = do_POST = do_GET = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[object]:
    """Start scripted stores: ``start(script, location=..., host=...)`` gives (url, the server)."""
    servers: list[ThreadingHTTPServer] = []

    def start(script: list[object], location: str = "", host: str = "127.0.0.1") -> tuple[str, ThreadingHTTPServer]:
        server = ThreadingHTTPServer((host, 0), _Scripted)
        server.daemon_threads = True
        server.script, server.location, server.seen = script, location, []  # type: ignore[attr-defined]
        server.release = threading.Event()  # type: ignore[attr-defined]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://{host}:{server.server_address[1]}/store", server

    yield start
    for server in servers:
        server.release.set()  # type: ignore[attr-defined]
        server.shutdown()
        server.server_close()


def _publish(url: str, build: Path, *extra: str) -> list[str]:
    return ["publish", "--endpoint", url, "--graph", GRAPH, "--out", str(build), *extra]


def test_a_redirect_is_an_error_and_nothing_goes_to_its_target(
    scripted: object, tiny_build: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere, target = scripted([204])  # type: ignore[operator]
    url, origin = scripted([302], location=elsewhere)  # type: ignore[operator]
    monkeypatch.setenv("COOPGRAPH_PASSWORD", "s3cret")
    assert main(_publish(url, tiny_build, "--user", "editor")) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"{url}: HTTP 302") and f"redirects to {elsewhere}; not followed" in line, line
    assert target.seen == []  # neither the batch nor the credentials went there
    assert [method for method, _, _ in origin.seen] == ["HEAD"]


@pytest.mark.parametrize("second", [500, 302, 202])
def test_success_only_when_every_batch_is_stored(
    scripted: object, tiny_build: Path, capsys: pytest.CaptureFixture[str], second: int
) -> None:
    elsewhere, target = scripted([200])  # type: ignore[operator]
    url, store = scripted([201, second, 204], location=elsewhere)  # type: ignore[operator]
    assert main(_publish(url, tiny_build, "--batch", "40")) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert f"HTTP {second}" in line and "(batch 2 failed after 40 triples" in line and "is incomplete" in line, line
    assert [method for method, _, _ in store.seen] == ["PUT", "POST"]
    assert target.seen == []


@pytest.mark.parametrize("with_user", [False, True], ids=["no-auth", "auth-HEAD-first"])
def test_a_store_that_never_answers_times_out(
    scripted: object, tiny_build: Path, capsys: pytest.CaptureFixture[str], with_user: bool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, store = scripted(["hang"])  # type: ignore[operator]
    monkeypatch.setenv("COOPGRAPH_PASSWORD", "x")
    credentials = ["--user", "editor"] if with_user else []
    assert main(_publish(url, tiny_build, "--timeout", "0.5", *credentials)) == 1
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line == f"{url}: no answer within 0.5 s (--timeout)"
    assert [method for method, _, _ in store.seen] == (["HEAD"] if with_user else ["PUT"])  # one request, not two


def test_the_password_from_the_environment_or_a_file(
    basic_store: str, tiny_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    args = _publish(basic_store, tiny_build, "--user", "editor")
    monkeypatch.setenv("COOPGRAPH_PASSWORD", "s3cret")
    assert main(args) == 0
    monkeypatch.delenv("COOPGRAPH_PASSWORD")
    secret = tmp_path / "password"
    secret.write_text("s3cret\n")
    assert main([*args, "--password-file", str(secret)]) == 0
    assert "visible" not in caplog.text
    assert main([*args, "--password-file", str(tmp_path / "missing")]) == 1
    assert main([*args, "--password", "s3cret"]) == 0  # still works, with a warning
    assert "warning: --password is visible to every user of this machine" in caplog.text


def test_credentials_over_plain_http_to_another_host_are_warned_about(caplog: pytest.LogCaptureFixture) -> None:
    from coopgraph.sparql.remote import is_loopback, warn_plain_http

    assert all(is_loopback(h) for h in ("localhost", "127.0.0.1", "127.8.9.1", "::1", "db.localhost"))
    assert not any(is_loopback(h) for h in ("192.0.2.7", "example.org", "fd00::2", "127.0.0.1.example.org"))
    assert not warn_plain_http("https://store.example.org/gsp")
    assert not warn_plain_http("http://127.0.0.1:7878/store")
    assert warn_plain_http("http://store.example.org/gsp")
    assert "warning: sending credentials over plain http:// to store.example.org" in caplog.text
    assert not warn_plain_http("http://store.example.org/other")  # once per host


def _own_address() -> str | None:
    """An address of this machine that is not loopback (a UDP connect sends nothing)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.mark.skipif(_own_address() is None, reason="this machine has no non-loopback IPv4 address")
def test_publish_warns_for_credentials_over_plain_http(
    basic_store: str, scripted: object, tiny_build: Path, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    url, _ = scripted([401, 204], host=_own_address())  # type: ignore[operator]
    monkeypatch.setenv("COOPGRAPH_PASSWORD", "s3cret")
    main(_publish(url, tiny_build, "--user", "editor"))
    assert f"warning: sending credentials over plain http:// to {_own_address()}" in caplog.text
    caplog.clear()
    assert main(_publish(basic_store, tiny_build, "--user", "editor")) == 0
    assert "plain http" not in caplog.text
