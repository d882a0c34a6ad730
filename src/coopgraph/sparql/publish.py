"""Push the built graph to any SPARQL 1.1 Graph Store Protocol store, replacing one named graph.

The first batch is a ``PUT`` (replace the graph), the rest ``POST`` (add to it),
so graphs larger than a server takes in one request go through.  Triples that
share a blank node travel in the same batch: a blank node means the same node
only within one request.  Batches are sorted N-Triples (valid Turtle, which
every store accepts), so the same build sends the same bytes.  A batch counts
as stored only when the server answers 200, 201 or 204 (what the protocol
gives for a stored graph); anything else, a redirect included (never
followed: :mod:`coopgraph.sparql.remote`), stops the run, and from the second
batch on the error says the remote graph is incomplete: publish again.

>>> publish(open_store(Path("build")), "http://127.0.0.1:7878/store", "https://example.org/g")   # doctest: +SKIP
Published(triples=5321, batches=1)
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopgraph.errors import CoopgraphError
from coopgraph.graph.vocab import GRAPH_BASE
from coopgraph.sparql.remote import DEFAULT_TIMEOUT

if TYPE_CHECKING:
    import pyoxigraph as ox

PARTS = ("ontology", "asserted", "inferred")
DEFAULT_GRAPH = GRAPH_BASE + "all"
BATCH = 50_000
STORED = (200, 201, 204)
"""The answers by which a Graph Store Protocol server says it stored a PUT or POST."""


@dataclass(frozen=True)
class Published:
    triples: int
    batches: int

    def __str__(self) -> str:
        return f"published {self.triples} triples in {self.batches} request{'s' if self.batches != 1 else ''}"


def triples_of(store: ox.Store, parts: Sequence[str] = PARTS) -> list[ox.Triple]:
    """The triples of the chosen named graphs of the store, once each, sorted."""
    import pyoxigraph as ox

    seen = set()
    for part in parts:
        for quad in store.quads_for_pattern(None, None, None, ox.NamedNode(GRAPH_BASE + part)):
            seen.add(quad.triple)
    return sorted(seen, key=str)


def batches(triples: Sequence[ox.Triple], size: int = BATCH) -> Iterator[list[ox.Triple]]:
    """Cut triples into batches of about ``size``, never splitting the triples of one blank-node cluster."""
    import pyoxigraph as ox

    parent: dict[str, str] = {}

    def root(node: str) -> str:
        while parent.setdefault(node, node) != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def blanks(triple: ox.Triple) -> list[str]:
        return [t.value for t in (triple.subject, triple.object) if isinstance(t, ox.BlankNode)]

    for triple in triples:
        found = blanks(triple)
        for other in found[1:]:
            parent[root(other)] = root(found[0])
    units: dict[str, list[ox.Triple]] = {}
    plain: list[list[ox.Triple]] = []
    for triple in triples:
        found = blanks(triple)
        if found:
            units.setdefault(root(found[0]), []).append(triple)
        else:
            plain.append([triple])
    batch: list[ox.Triple] = []
    for unit in [*plain, *units.values()]:
        if batch and len(batch) + len(unit) > size:
            yield batch
            batch = []
        batch.extend(unit)
    if batch:
        yield batch


def graph_url(endpoint: str, graph: str) -> str:
    """The Graph Store Protocol URL of a named graph (``?graph=IRI``, added to any existing query)."""
    separator = "&" if "?" in endpoint else "?"
    return f"{endpoint}{separator}{urllib.parse.urlencode({'graph': graph})}"


def publish(
    store: ox.Store,
    endpoint: str,
    graph: str = DEFAULT_GRAPH,
    *,
    parts: Sequence[str] = PARTS,
    user: str | None = None,
    password: str | None = None,
    batch_size: int = BATCH,
    timeout: float = DEFAULT_TIMEOUT,
) -> Published:
    """Replace ``graph`` in the store at ``endpoint`` with the chosen parts of the built dataset."""
    return send(
        triples_of(store, parts), endpoint, graph, user=user, password=password, batch_size=batch_size, timeout=timeout
    )


def send(
    triples: Sequence[ox.Triple],
    endpoint: str,
    graph: str,
    *,
    user: str | None = None,
    password: str | None = None,
    batch_size: int = BATCH,
    timeout: float = DEFAULT_TIMEOUT,
) -> Published:
    """PUT the first batch, POST the others; an empty graph is a PUT of nothing (it clears the graph)."""
    import pyoxigraph as ox

    from coopgraph.sparql.remote import request

    _check_iri(graph)
    url = graph_url(endpoint, graph)
    count = 0
    sent = 0
    for count, batch in enumerate(_at_least_one(batches(triples, batch_size)), start=1):
        body = ox.serialize(batch, format=ox.RdfFormat.N_TRIPLES)
        try:
            answer = request(
                "PUT" if count == 1 else "POST",
                url,
                data=body,
                headers={"Content-Type": "text/turtle; charset=utf-8"},
                user=user,
                password=password,
                timeout=timeout,
            )
            if answer.status not in STORED:
                raise CoopgraphError(
                    f"{url.split('?', 1)[0]}: HTTP {answer.status}: the server did not say it stored the batch "
                    f"(expected {', '.join(map(str, STORED))})"
                )
        except CoopgraphError as error:
            if count > 1:
                raise CoopgraphError(
                    f"{error} (batch {count} failed after {sent} triples: <{graph}> is incomplete; publish again)"
                ) from None
            raise
        sent += len(batch)
    return Published(sent, count)


def _at_least_one(items: Iterable[list[ox.Triple]]) -> Iterator[list[ox.Triple]]:
    empty = True
    for item in items:
        empty = False
        yield item
    if empty:
        yield []


def _check_iri(graph: str) -> None:
    import pyoxigraph as ox

    try:
        ox.NamedNode(graph)
    except ValueError as error:
        raise CoopgraphError(f"--graph {graph}: not an absolute IRI ({error})") from None
