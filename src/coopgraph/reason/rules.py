"""The rules path: the ontology's axioms as SPARQL updates, run to a fixpoint on Oxigraph.

What an OWL reasoner derives from our ontology is OWL 2 RL: class and property
hierarchies, domains and ranges, inverse and symmetric properties, property
chains, ``owl:hasValue``.  Each kind of axiom here is one SPARQL ``INSERT``
whose rows come from a table compiled from the ontology
(:func:`coopgraph.reason.axioms.compile_axioms`, hierarchies already closed, so one
step gives every superclass and super-property).  The updates run
semi-naively: a round joins only the triples new in the previous round, so no
fact is derived twice, and three or four rounds reach the fixpoint.  On the
shipped data this gives exactly what HermiT gives (a test compares them), and
it scales to millions of triples.

Axioms that give no named fact (``someValuesFrom`` superclasses, enumerations,
union domains) get no rule; they matter for consistency, which
:mod:`coopgraph.reason.contradictions` checks.

The scratch store: all facts in the default graph; those derived in round *n*
also in the graph ``INFERRED/n`` (so round *n + 1* joins them as the new ones),
and those derived elsewhere (cooperation, the OWL reasoner) in :data:`INFERRED`.

In the build's own store (``facts=``: the named graphs holding the ontology and
the asserted data, possibly on disk) nothing is copied: the facts are those
graphs plus :data:`INFERRED` and the rounds' graphs, read as one default graph
(``USING`` in the updates, ``default_graph=`` in the queries: :class:`Facts`),
and derived facts are stored once, in their round's graph.  There a round is
read-only queries, one ``CONSTRUCT`` per rule, whose answers are written in
batches with ``bulk_extend`` (:func:`derive_round`, :func:`write_batches`): an
update is one transaction held in memory until it commits, and one update (and
one flush) per rule row made the rules most of a 100k build's time.

>>> inferred = infer(read_ontology(), asserted)          # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, cast

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from coopgraph.graph.vocab import COOP
from coopgraph.perf import release_memory
from coopgraph.reason.axioms import TOP, Axioms, Expr, compile_axioms
from coopgraph.reason.cooperation import derive

if TYPE_CHECKING:
    import pyoxigraph as ox

INFERRED = "urn:coopgraph:rules:inferred"

FLUSH_EACH_UPDATE = True
"""With the updates in the build's store (``close(streamed=False)``), flush after each update: RocksDB's write
buffers (one set per index) otherwise fill to about 1.3 GB within a round, whatever the world's size
(measured at 10k)."""

FLUSH_EACH_ROUND = True
"""In the build's store, flush after each round: RocksDB's write buffers otherwise grow with the round's facts."""

DERIVED_PROPERTIES = frozenset({str(COOP.cooperatesWith), str(COOP.cooperatesThrough)})


def values_clause(names: str, rows: Iterable[tuple[str, ...]]) -> str:
    """A SPARQL ``VALUES`` block of IRIs, sorted so the query text is stable."""
    body = " ".join("(" + " ".join(f"<{v}>" for v in row) + ")" for row in sorted(set(rows)))
    return f"VALUES ({names}) {{ {body} }}"


def _step(subject: str, step: Expr, obj: str) -> str:
    prop, inverse = step
    return f"{obj} <{prop}> {subject} ." if inverse else f"{subject} <{prop}> {obj} ."


def rule_bodies(axioms: Axioms, *, new: str | None, split: bool = False) -> list[tuple[str, str]]:
    """One round's rules as (head, body): each derives what follows from a triple of graph ``new``.

    ``new=None`` reads the premises from the default graph (all facts): the
    first round, where every triple is new.  Otherwise one premise of each
    rule comes from ``new`` (the previous round's facts) and the others from
    all facts: semi-naive evaluation.  The body holds the rule's ``FILTER NOT
    EXISTS { head }`` (only facts not yet known).  ``split``: one body per row
    of a rule's table instead of one per rule.
    """

    def fresh(pattern: str) -> str:
        return f"{{ {pattern} }}" if new is None else f"GRAPH <{new}> {{ {pattern} }}"

    rules: list[tuple[str, str, list[tuple[str, ...]], str, str]] = [
        # head, VALUES variables, rows, premise, a variable that must not be a literal
        ("?x ?q ?y", "?p ?q", [(p, q) for p, es in axioms.implied.items() for q, inv in es if not inv], "?x ?p ?y", ""),
        ("?y ?q ?x", "?p ?q", [(p, q) for p, es in axioms.implied.items() for q, inv in es if inv], "?x ?p ?y", "y"),
        ("?x a ?c", "?p ?c", [(p, c) for p, cs in axioms.subject_types.items() for c in cs], "?x ?p ?y", ""),
        ("?y a ?c", "?p ?c", [(p, c) for p, cs in axioms.object_types.items() for c in cs], "?x ?p ?y", "y"),
        ("?x a ?c", "?b ?c", [(b, c) for b, cs in axioms.superclasses.items() for c in cs], "?x a ?b", ""),
        ("?x ?p ?v", "?b ?p ?v", [(b, p, v) for b, pvs in axioms.has_values.items() for p, v in pvs], "?x a ?b", ""),
    ]
    bodies = []
    for head, names, rows, premise, resource in rules:
        guard = f" FILTER(!isLiteral(?{resource}))" if resource else ""
        for group in ([[row] for row in sorted(set(rows))] if split else [rows]) if rows else []:
            body = f"{values_clause(names, group)} {fresh(premise)}{guard}"
            bodies.append((head, f"{body} FILTER NOT EXISTS {{ {head} }}"))
    for prop, chain in axioms.chains:
        steps = [_step(f"?v{i}", step, f"?v{i + 1}") for i, step in enumerate(chain)]
        head = f"?v0 <{prop}> ?v{len(chain)}"
        for i in [0] if new is None else range(len(chain)):  # step i new, the others old or new
            body = " ".join(fresh(s) if j == i else s for j, s in enumerate(steps))
            bodies.append((head, f"{body} FILTER NOT EXISTS {{ {head} }}"))
    return bodies


def rule_updates(axioms: Axioms, *, new: str | None, into: str, using: list[str] | None = None) -> list[str]:
    """One round as SPARQL updates: each derives into graph ``into`` (see :func:`rule_bodies`).

    ``using``: the graphs that are all facts (else the default graph); then one
    update per rule row (an update is one transaction held in memory until it
    commits).  The scratch store's path, and the reference the streamed rounds
    of :func:`close` are compared with.
    """
    dataset = ""
    if using is not None:
        dataset = "".join(f" USING <{g}>" for g in using) + (f" USING NAMED <{new}>" if new is not None else "")
    return [
        f"INSERT {{ GRAPH <{into}> {{ {head} }} }}{dataset} WHERE {{ {body} }}"
        for head, body in rule_bodies(axioms, new=new, split=using is not None)
    ]


WRITE_BATCH = 100_000
"""Derived quads written per call in the streamed rounds: what one write holds in memory."""


def derive_round(
    store: ox.Store, axioms: Axioms, *, new: str | None, into: str, graphs: list[Any]
) -> Iterator[ox.Quad]:
    """One round read-only: the quads of graph ``into`` that each rule derives (a fact may come twice).

    Each rule is one ``CONSTRUCT`` over ``graphs`` as the default graph (all its
    table's rows at once), streamed.  The round's graph is not among ``graphs``,
    so whether its quads are written as they come or after does not change what
    the round derives (no rule sees what another derived in the same round).
    """
    import pyoxigraph as ox

    graph = ox.NamedNode(into)
    named: list[Any] | None = None if new is None else [ox.NamedNode(new)]
    for head, body in rule_bodies(axioms, new=new):
        query = f"CONSTRUCT {{ {head} }} WHERE {{ {body} }}"
        for t in cast("ox.QueryTriples", store.query(query, default_graph=graphs, named_graphs=named)):
            yield ox.Quad(t.subject, t.predicate, t.object, graph)


def write_batches(store: ox.Store, quads: Iterable[ox.Quad], *, batch: int | None = None) -> int:
    """Write quads :data:`WRITE_BATCH` distinct at a time with ``bulk_extend`` (no transaction); return how many.

    Duplicates within a batch are written once; across batches a quad written
    twice is stored once (a store is a set).
    """
    import itertools

    size, written = batch or WRITE_BATCH, 0
    iterator = iter(quads)
    while chunk := set(itertools.islice(iterator, size)):
        store.bulk_extend(chunk)
        written += len(chunk)
    return written


def close(
    store: ox.Store,
    axioms: Axioms,
    *,
    semi_naive: bool = True,
    max_rounds: int = 100,
    facts: list[ox.NamedNode] | None = None,
    streamed: bool | None = None,
) -> int:
    """Run the rules to a fixpoint over the store's default graph; return the number of rounds.

    ``semi_naive=False`` re-reads every fact every round (the textbook loop, for comparison).
    ``facts``: the named graphs to reason over instead of the default graph; each
    round's facts then stay in their round's graph only (see :class:`Facts`).
    ``streamed`` (the default with ``facts``): each round is read by queries and
    written in batches (:func:`derive_round`, :func:`write_batches`), no update
    transaction; else each round is SPARQL updates (:func:`rule_updates`).
    """
    streamed = facts is not None if streamed is None else streamed
    if streamed and facts is None:
        raise ValueError("the streamed rounds read named graphs: give facts")
    for n in range(1, max_rounds + 1):
        into = f"{INFERRED}/{n}"
        new = f"{INFERRED}/{n - 1}" if semi_naive and n > 1 else None
        graphs = None if facts is None else Facts(store, facts).graphs
        if streamed:
            if not write_batches(store, derive_round(store, axioms, new=new, into=into, graphs=graphs or [])):
                return n
        else:
            using = None if graphs is None else [g.value for g in graphs]
            for update in rule_updates(axioms, new=new, into=into, using=using):
                store.update(update)
                if facts is not None and FLUSH_EACH_UPDATE:
                    store.flush()
            if not store.query(f"ASK {{ GRAPH <{into}> {{ ?s ?p ?o }} }}"):
                store.update(f"DROP SILENT GRAPH <{into}>")
                return n
        if facts is None:
            store.update(f"ADD <{into}> TO DEFAULT")
        elif FLUSH_EACH_ROUND:
            store.flush()  # an on-disk store's write buffers to its files (a no-op in memory)
            release_memory()
    raise RuntimeError(f"the rules did not reach a fixpoint in {max_rounds} rounds")  # pragma: no cover


def inferred_graphs(store: ox.Store) -> list[ox.NamedNode]:
    """The graphs holding derived facts: :data:`INFERRED` and one per round of the rules."""
    import pyoxigraph as ox

    return sorted(
        (g for g in store.named_graphs() if isinstance(g, ox.NamedNode) and g.value.startswith(INFERRED)),
        key=lambda g: g.value,
    )


def infer_store(
    store: ox.Store, axioms: Axioms, *, facts: list[ox.NamedNode] | None = None, streamed: bool | None = None
) -> Iterator[ox.Triple]:
    """Derive into a store holding ontology and asserted data: cooperation, then the rules to a fixpoint.

    Returns the dated nodes (status intervals, qualified cooperation) that go into the
    inferred graph as they are: they carry literals, which the rules do not reason over.
    They are made as they are iterated, once (see :func:`coopgraph.reason.cooperation.derive`).
    ``facts``: the data is in these named graphs, not the default graph (:class:`Facts`).
    ``streamed``: how :func:`close` writes the rounds (its default unless given).
    """
    import pyoxigraph as ox

    inferred = ox.NamedNode(INFERRED)
    view: Any = store if facts is None else Facts(store, facts)
    edges, nodes = derive(view)
    derived = [t for t in edges if ox.Quad(t.subject, t.predicate, t.object) not in view]
    if facts is None:
        store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in derived])
        store.extend([ox.Quad(t.subject, t.predicate, t.object, inferred) for t in derived])
    else:  # the build's store, maybe on disk: no transaction holding them all
        write_batches(store, (ox.Quad(t.subject, t.predicate, t.object, inferred) for t in derived))
    close(store, axioms, facts=facts, streamed=streamed)
    return nodes


DROP_BATCH = 50_000


def drop_graphs(store: ox.Store, graphs: Iterable[ox.NamedNode]) -> None:
    """Remove named graphs :data:`DROP_BATCH` quads at a time.

    Not one ``DROP GRAPH``: an update is one transaction, held in memory until it
    commits, and dropping the 746k quads of the 10k world's inferred graph that way
    took 1 GB of memory (at 100k the rounds' graphs hold millions).
    """
    import itertools

    import pyoxigraph as ox

    for graph in graphs:
        while batch := list(itertools.islice(store.quads_for_pattern(None, None, None, graph), DROP_BATCH)):
            blank = [q for q in batch if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
            for quad in blank:  # DELETE DATA takes no blank nodes: one by one (the ontology's few)
                store.remove(quad)
            text = " ".join(f"{q.subject} {q.predicate} {q.object} ." for q in batch if q not in blank)
            store.update(f"DELETE DATA {{ GRAPH {graph} {{ {text} }} }}")
        store.update(f"DROP SILENT GRAPH {ox.NamedNode(graph.value)}")  # the now empty graph's name


class Facts:
    """Named graphs of a store read as one default graph: the data, :data:`INFERRED` and the rounds' graphs.

    What the rules' scratch store held in its default graph, without copying
    the data: queries get ``default_graph=``, pattern reads on the default
    graph go through each graph.  A triple in two of the graphs (the ontology
    and the asserted data may share one) is read twice; every reader here
    collects into sets or asks ``DISTINCT``.
    """

    def __init__(self, store: ox.Store, data: list[ox.NamedNode]) -> None:
        self.store, self.data = store, list(data)

    @property
    def graphs(self) -> list[Any]:
        return [*self.data, *inferred_graphs(self.store)]

    def query(self, query: str, **options: Any) -> Any:
        return self.store.query(query, default_graph=self.graphs, **options)

    def quads_for_pattern(self, subject: Any, predicate: Any, obj: Any, graph: Any = None) -> Iterator[ox.Quad]:
        import pyoxigraph as ox

        if not isinstance(graph, ox.DefaultGraph):
            yield from self.store.quads_for_pattern(subject, predicate, obj, graph)
            return
        for name in self.graphs:
            for quad in self.store.quads_for_pattern(subject, predicate, obj, name):
                yield ox.Quad(quad.subject, quad.predicate, quad.object)

    def __contains__(self, quad: ox.Quad) -> bool:
        import pyoxigraph as ox

        if isinstance(quad.graph_name, ox.DefaultGraph):
            return any(ox.Quad(quad.subject, quad.predicate, quad.object, g) in self.store for g in self.graphs)
        return quad in self.store

    def named_graphs(self) -> Iterator[Any]:
        return self.store.named_graphs()


def with_nodes(graph: Graph, nodes: Iterable[ox.Triple]) -> Graph:
    """An rdflib graph with the dated nodes of :func:`infer_store` added."""
    from coopgraph.graph.store import rdflib_term

    graph.addN((rdflib_term(t.subject), rdflib_term(t.predicate), rdflib_term(t.object), graph) for t in nodes)
    return graph


def infer(ontology: Graph, asserted: Graph, *, axioms: Axioms | None = None) -> Graph:
    """The inferred graph by the rules alone (contradictions are not checked: see :mod:`coopgraph.reason.reasoner`)."""
    axioms = axioms or compile_axioms(ontology)
    store = scratch_store(ontology, asserted)
    nodes = infer_store(store, axioms)
    return with_nodes(to_rdflib(inferred_triples(store, nodes_of(asserted, axioms), axioms)), nodes)


def inferred_triples(store: ox.Store, nodes: set[str], axioms: Axioms) -> Iterator[tuple[str, str, str]]:
    """What the inferred graph keeps: class memberships, and object-property values between our nodes.

    The OWL path keeps the same (see :mod:`coopgraph.reason.reasoner`), so the two compare.
    """
    import pyoxigraph as ox

    rdf_type = str(RDF.type)
    quads = (q for g in inferred_graphs(store) for q in store.quads_for_pattern(None, None, None, g))
    for quad in quads:
        s, p, o = quad.subject, quad.predicate, quad.object
        if not isinstance(s, ox.NamedNode) or not isinstance(o, ox.NamedNode) or s.value not in nodes:
            continue
        if p.value == rdf_type:
            if o.value not in TOP:
                yield s.value, p.value, o.value
        elif o.value in nodes and (p.value in axioms.object_properties or p.value in DERIVED_PROPERTIES):
            yield s.value, p.value, o.value


def nodes_of(asserted: Graph, axioms: Axioms) -> set[str]:
    """Our nodes: the asserted graph's subjects and the ontology's individuals (not Wikidata's IRIs)."""
    return {str(s) for s in asserted.subjects() if isinstance(s, URIRef)} | set(axioms.individuals)


def subjects(store: ox.Store) -> set[str]:
    """The IRIs that are subjects in the store's default graph (before inference: the asserted nodes)."""
    import pyoxigraph as ox

    solutions = store.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    return {row[0].value for row in solutions if isinstance(row[0], ox.NamedNode)}  # type: ignore[union-attr]


def to_rdflib(triples: Iterable[tuple[str, str, str]]) -> Graph:
    graph = Graph(bind_namespaces="none")
    graph.addN((URIRef(s), URIRef(p), URIRef(o), graph) for s, p, o in set(triples))
    return graph


def scratch_store(*graphs: Graph) -> ox.Store:
    """An in-memory store with the graphs' triples in its default graph."""
    import pyoxigraph as ox

    store = ox.Store()
    for graph in graphs:
        load(store, graph)
    return store


def load(store: ox.Store, graph: Graph, *, inferred: bool = False) -> None:
    """Add an rdflib graph's triples to the default graph (and to ``INFERRED`` when they were inferred)."""
    import pyoxigraph as ox

    convert = _Converter()
    triples = [convert.triple(t) for t in graph]
    store.extend([ox.Quad(*t) for t in triples])
    if inferred:
        store.extend([ox.Quad(*t, ox.NamedNode(INFERRED)) for t in triples])


class _Converter:
    """rdflib terms to pyoxigraph terms, each distinct term converted once."""

    def __init__(self) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.cache: dict[Node, Any] = {}

    def term(self, node: Node) -> Any:
        done = self.cache.get(node)
        if done is None:
            ox = self.ox
            if isinstance(node, URIRef):
                done = ox.NamedNode(str(node))
            elif isinstance(node, BNode):
                done = ox.BlankNode(str(node))
            elif isinstance(node, Literal) and node.language:
                done = ox.Literal(str(node), language=node.language)
            elif isinstance(node, Literal) and node.datatype:
                done = ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
            else:
                done = ox.Literal(str(node))
            self.cache[node] = done
        return done

    def triple(self, t: tuple[Node, Node, Node]) -> tuple[Any, Any, Any]:
        return self.term(t[0]), self.term(t[1]), self.term(t[2])
