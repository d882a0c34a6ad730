"""Stage 3: reasoning.  What follows from the asserted graph goes into the inferred graph.

Two paths give the same inferred graph on the shipped data (a test compares
them):

- ``hermit`` / ``pellet``: the ontology and the asserted graph are loaded into
  a fresh owlready2 ``World`` (as N-Triples: owlready2 reads no Turtle) and a
  real OWL reasoner runs on Java.  It checks consistency and gives class
  memberships (with every superclass) and object-property values (with
  inverses, super-properties, symmetric values and chains).
- ``rules``: the same consequences from SPARQL rules compiled from the
  ontology and run to a fixpoint on Oxigraph (:mod:`coopgraph.reason.rules`); seconds
  where HermiT takes minutes.

Both add the derived cooperation edges (:mod:`coopgraph.reason.cooperation`: they
depend on dates, which OWL cannot compare), and both explain a contradiction
by the YAML record behind it (:mod:`coopgraph.reason.contradictions`), since HermiT
says only "inconsistent".

``auto`` (the default of ``coopgraph build``) picks HermiT when Java is there
and the asserted graph has at most :data:`HERMIT_LIMIT` triples, the rules
otherwise, saying so on stderr when Java is missing.  When the Java it picked
fails or runs past the time limit (:data:`REASONER_TIMEOUT`), ``auto`` falls
back to the rules with a warning; ``hermit`` chosen by name stops with one line.

>>> inferred = reason(read_ontology(), asserted, reasoner="rules")      # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, cast

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, URIRef

from coopgraph.errors import CoopgraphError, Location
from coopgraph.reason import rules
from coopgraph.reason.axioms import Axioms, compile_axioms
from coopgraph.reason.contradictions import contradictions, problems
from coopgraph.reason.cooperation import derive

if TYPE_CHECKING:
    import pyoxigraph as ox

log = logging.getLogger("coopgraph")

OWL_REASONERS = ("hermit", "pellet")
HERMIT_LIMIT = 5_000
"""Asserted triples up to which ``auto`` uses HermiT.  Measured CPU time: HermiT ≈ 5 s on the shipped
2,300 triples, ≈ 30 s on 14,000 (100 synthetic agreements), ≈ 150 s on 44,000; the rules take
0.2, 0.4 and 1.2 s (``benchmarks/bench_reason.py``)."""

REASONER_TIMEOUT = 300.0
"""Seconds the OWL reasoner's Java may run (``--reasoner-timeout``).  ``auto`` picks HermiT only up to
:data:`HERMIT_LIMIT` triples (≈10 s): a Java still running after minutes is stuck, not slow."""

JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"
"""A short-lived JVM starts faster with the quick compiler only: HermiT on the shipped data in half the time."""

_OWL2_XSD = """string normalizedString token language Name NCName NMTOKEN anyURI boolean decimal integer
    nonNegativeInteger nonPositiveInteger positiveInteger negativeInteger long int short byte unsignedLong
    unsignedInt unsignedShort unsignedByte double float hexBinary base64Binary dateTime dateTimeStamp"""
OWL2_DATATYPES = {str(XSD[name]) for name in _OWL2_XSD.split()} | {str(RDF.PlainLiteral), str(RDFS.Literal)}
"""The OWL 2 datatype map; HermiT rejects the rest (xsd:date, xsd:gYear, xsd:gYearMonth, xsd:duration)."""

ANNOTATIONS = {str(RDFS.label), str(RDFS.comment), str(RDFS.seeAlso), str(RDFS.isDefinedBy), str(OWL.versionInfo)}
"""Built-in annotation properties (the ontology declares its others)."""


def reason(
    ontology: Graph,
    asserted: Graph,
    *,
    reasoner: str = "auto",
    origins: Mapping[Any, Location] | None = None,
    timeout: float | None = None,
    fallback: bool | None = None,
) -> Graph:
    """The inferred graph: only triples that follow and are not asserted (nor in the ontology).

    Raises :class:`CoopgraphError` when the data contradicts the ontology,
    naming the YAML record (from ``origins``: node IRI -> where it was written)
    and what clashes; and when the chosen reasoner cannot run.  With
    ``fallback`` (the default for ``auto``), a Java that fails or runs past
    ``timeout`` seconds gives the rules' inferences instead, with a warning.
    """
    origins = origins or {}
    fallback = reasoner == "auto" if fallback is None else fallback
    chosen = choose(reasoner, len(asserted))
    axioms = compile_axioms(ontology)
    store = rules.scratch_store(ontology, asserted)
    nodes = rules.nodes_of(asserted, axioms)
    if chosen == "rules":
        dated = rules.infer_store(store, axioms)
        _raise_contradictions(store, axioms, origins)
        return rules.with_nodes(rules.to_rdflib(rules.inferred_triples(store, nodes, axioms)), dated)
    derived, dated = derive(store)
    try:
        found = owl_inferences(_reasoner_input(ontology, asserted, derived), nodes, reasoner=chosen, timeout=timeout)
    except ReasonerFailed as failure:
        if not fallback:
            raise
        log.warning("warning: %s; reasoning with the rules instead", failure)
        return reason(ontology, asserted, reasoner="rules", origins=origins)
    except _Inconsistent as inconsistent:
        rules.close(store, axioms)  # the rules' closure holds the culprit HermiT does not name
        _raise_contradictions(store, axioms, origins)
        raise CoopgraphError(
            f"the data contradicts the ontology ({chosen} found it inconsistent{inconsistent.detail}), "
            "but no disjoint classes or functional properties explain it; try --reasoner rules to compare"
        ) from None
    known = asserted + ontology
    graph = Graph(bind_namespaces="none")
    graph.addN((s, p, o, graph) for s, p, o in found if (s, p, o) not in known)
    rules.load(store, graph, inferred=True)  # for what the reasoner is not shown: shared identifiers
    _raise_contradictions(store, axioms, origins)
    return rules.with_nodes(graph, dated)


def reason_store(
    store: ox.Store,
    *,
    reasoner: str = "auto",
    origins: Mapping[Any, Location] | None = None,
    owl_input: Callable[[str], Graph] | None = None,
    timeout: float | None = None,
) -> None:
    """Add the graph ``inferred`` to a store holding the graphs ``ontology`` and ``asserted``.

    The rules work in the store itself: they read the ``ontology`` and
    ``asserted`` graphs (with their own rounds' graphs) as one default graph
    (:class:`coopgraph.reason.rules.Facts`), write each round into a graph of
    its own, and drop those graphs once the ``inferred`` graph is written.  No
    copy, no rdflib Graph of the data: what lets a build of 100k agreements
    fit in memory (in an on-disk store).  The
    OWL reasoners get rdflib graphs from ``owl_input(name)`` (small worlds only:
    ``auto`` picks them up to :data:`HERMIT_LIMIT` triples).
    """
    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node

    origins = origins or {}
    asserted, ontology, inferred = (graph_node(name) for name in ("asserted", "ontology", "inferred"))
    chosen = choose(reasoner, _size(store, asserted) if reasoner == "auto" else 0)  # only auto looks at the size
    if chosen != "rules":
        read = owl_input or (lambda name: _rdflib_graph(store, graph_node(name)))
        found = reason(
            read("ontology"), read("asserted"), reasoner=chosen, origins=origins, timeout=timeout,
            fallback=reasoner == "auto",
        )
        store.bulk_load(found.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=inferred)
        return
    axioms = compile_axioms(_rdflib_graph(store, ontology))
    view: Any = rules.Facts(store, [asserted])  # read like a store
    nodes = rules.subjects(view) | set(axioms.individuals)
    facts = [ontology, asserted]
    try:
        dated = rules.infer_store(store, axioms, facts=facts)
        view = rules.Facts(store, facts)
        _raise_contradictions(view, axioms, origins)
        found_triples = rules.inferred_triples(store, nodes, axioms)
        # in bounded batches: bulk_extend buffers up to a million quads of a long iterator in memory
        rules.write_batches(
            store, (ox.Quad(ox.NamedNode(s), ox.NamedNode(p), ox.NamedNode(o), inferred) for s, p, o in found_triples)
        )
        rules.write_batches(store, (ox.Quad(t.subject, t.predicate, t.object, inferred) for t in dated))
    finally:  # the rounds' graphs go, whether the inferred graph was written or a contradiction stopped it
        rules.drop_graphs(store, rules.inferred_graphs(store))


def _size(store: ox.Store, graph: ox.NamedNode) -> int:
    """The number of triples in a graph, counted in the store (not quad by quad in Python: seconds at 10k)."""
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}"
    solutions = cast("ox.QuerySolutions", store.query(query))
    return int(next(iter(solutions))[0].value)


def dated_store(store: ox.Store) -> None:
    """Without a reasoner: add only the dated nodes (status intervals, qualified cooperation) to ``inferred``."""
    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node

    facts: Any = rules.Facts(store, [graph_node("asserted"), graph_node("ontology")])  # read in place, no copy
    inferred = graph_node("inferred")
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, inferred) for t in derive(facts)[1])


def _rdflib_graph(store: ox.Store, graph: ox.NamedNode) -> Graph:
    from coopgraph.graph.store import (
        rdflib_graph,  # term by term: rdflib's N-Triples parser is quadratic in a literal's length
    )

    return rdflib_graph(store, graph)


def reason_ntriples(ontology: Graph, asserted: bytes, *, origins: Mapping[Any, Location] | None = None) -> bytes:
    """The rules path on N-Triples, for big worlds: no rdflib Graph of the data is ever built.

    Same inferences and the same contradiction errors as ``reason(..., reasoner="rules")``;
    the inferred graph comes back as sorted N-Triples (``origins`` may be keyed by IRI text).

    >>> inferred = reason_ntriples(read_ontology(), ntriples(curate(data))[0])   # doctest: +SKIP
    """
    import pyoxigraph as ox

    axioms = compile_axioms(ontology)
    store = ox.Store()
    store.bulk_load(asserted, ox.RdfFormat.N_TRIPLES)
    nodes = rules.subjects(store) | set(axioms.individuals)
    rules.load(store, ontology)
    dated = rules.infer_store(store, axioms)
    _raise_contradictions(store, axioms, origins or {})
    lines = sorted(
        {f"<{s}> <{p}> <{o}> .\n" for s, p, o in rules.inferred_triples(store, nodes, axioms)}
        | {f"{t.subject} {t.predicate} {t.object} .\n" for t in dated}
    )
    return "".join(lines).encode("utf-8")


def choose(reasoner: str, size: int) -> str:
    """The reasoner to run: ``auto`` becomes HermiT for small graphs with Java, else the rules."""
    if reasoner != "auto":
        if reasoner in OWL_REASONERS:
            require_java(reasoner)
        return reasoner
    if size > HERMIT_LIMIT:
        log.info("%d asserted triples: reasoning with the rules (HermiT up to %d)", size, HERMIT_LIMIT)
        return "rules"
    if java() is None:
        log.warning(
            "warning: no Java found (`java` is not on PATH): reasoning with the rules instead of HermiT; "
            "install a Java runtime (e.g. default-jre-headless) to run the OWL reasoner"
        )
        return "rules"
    return "hermit"


def java() -> str | None:
    """The Java executable owlready2 would run, if there is one."""
    import owlready2

    return shutil.which(str(owlready2.JAVA_EXE))


def require_java(reasoner: str) -> None:
    if java() is None:
        raise CoopgraphError(
            f"--reasoner {reasoner} needs Java, and `java` is not on PATH: install a Java runtime "
            "(e.g. Debian's default-jre-headless), or use --reasoner rules (the same inferences, no Java)"
        )


# --------------------------------------------------------------------------- the OWL path


class ReasonerFailed(CoopgraphError):
    """The OWL reasoner could not give an answer (Java failed or ran too long): ``auto`` falls back on it."""


class _Inconsistent(Exception):
    def __init__(self, detail: str = "") -> None:
        super().__init__(detail)
        self.detail = detail


def _reasoner_input(ontology: Graph, asserted: Graph, derived: list[Any]) -> bytes:
    """N-Triples for the OWL reasoner: the axioms and the facts that carry meaning in OWL.

    Left out: annotations (labels, notes, titles: no logical meaning, much
    text), properties the ontology does not declare, and ``owl:sameAs`` links
    to Wikidata (merging individuals makes HermiT 1.4's property-value
    classification crash, and two records sharing an identifier are reported
    by :mod:`coopgraph.reason.contradictions`).  Literals of datatypes outside
    the OWL 2 datatype map (dates, durations) become strings, so functional
    date properties still clash on two different dates.
    """
    declared = {
        str(p)
        for kind in (OWL.ObjectProperty, OWL.DatatypeProperty, OWL.FunctionalProperty)
        for p in ontology.subjects(RDF.type, kind)
    }
    annotations = {str(p) for p in ontology.subjects(RDF.type, OWL.AnnotationProperty)} | ANNOTATIONS
    graph = Graph(bind_namespaces="none")
    for s, p, o in ontology:
        if str(p) not in annotations:
            graph.add((s, p, o))
    for s, p, o in asserted:
        if p == RDF.type or str(p) in declared:
            if isinstance(o, Literal) and o.datatype is not None and str(o.datatype) not in OWL2_DATATYPES:
                o = Literal(str(o))
            graph.add((s, p, o))
    for t in derived:
        graph.add((URIRef(t.subject.value), URIRef(t.predicate.value), URIRef(t.object.value)))
    return graph.serialize(format="nt", encoding="utf-8")


def owl_inferences(
    ntriples: bytes, nodes: set[str], *, reasoner: str, timeout: float | None = None
) -> set[tuple[URIRef, URIRef, URIRef]]:
    """Run HermiT or Pellet through owlready2 on a fresh World; every class membership and object value.

    owlready2 stores only the reasoner's direct types and the property values
    it did not already have (not the inverse of a stored triple; HermiT
    reports no values of super-properties).  So the memberships are read with
    their superclasses (``INDIRECT_is_a``) and the values completed through the
    property hierarchy the reasoner computed, inverses and symmetric
    properties.  Only our nodes are kept (no ``owl:Thing``, no outside IRIs).
    """
    import owlready2 as o2

    world = o2.World()
    try:
        onto = world.get_ontology("urn:coopgraph:reasoning").load(fileobj=io.BytesIO(ntriples), format="ntriples")
        with onto, _jvm_options(), _time_limit(timeout or REASONER_TIMEOUT):
            _run(o2, world, reasoner, timeout or REASONER_TIMEOUT)
        return set(_read_off(o2, world, nodes))
    finally:
        world.close()


def _run(o2: Any, world: Any, reasoner: str, timeout: float) -> None:
    import subprocess

    try:
        if reasoner == "pellet":
            o2.sync_reasoner_pellet(world, infer_property_values=True, debug=0)
        else:
            o2.sync_reasoner_hermit(world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=True)
    except o2.OwlReadyInconsistentOntologyError as error:
        raise _Inconsistent(f": {error}" if str(error).strip() else "") from None
    except o2.OwlReadyJavaError as error:
        raise ReasonerFailed(_java_failure(reasoner, str(error))) from None
    except subprocess.TimeoutExpired:  # owlready2's subprocess call killed Java
        raise ReasonerFailed(
            f"--reasoner {reasoner}: Java did not finish within {timeout:g} s (--reasoner-timeout); "
            "try --reasoner rules"
        ) from None
    except (FileNotFoundError, PermissionError) as error:  # java vanished (or is not runnable) since the check
        raise ReasonerFailed(
            f"--reasoner {reasoner}: cannot run Java ({error.strerror or error}); try --reasoner rules"
        ) from None


def _java_failure(reasoner: str, message: str) -> str:
    """One line for a reasoner that could not run, instead of a Java stack trace."""
    if "UnsupportedClassVersionError" in message:
        return (
            f"--reasoner {reasoner}: the {reasoner.capitalize()} bundled with owlready2 needs a newer Java than "
            f"this one ({_java_version()}); owlready2 0.51's Pellet is built for Java 25. "
            "Use --reasoner hermit or rules, or install a newer Java"
        )
    lines = [line.strip() for line in message.splitlines() if "Exception" in line or "Error" in line]
    said = [line.strip() for line in message.strip().splitlines() if line.strip()]
    first = lines[1] if len(lines) > 1 else (lines[0] if lines else (said[-1] if said else "no message"))
    return f"--reasoner {reasoner} failed in Java: {first}; try --reasoner rules"


def _java_version() -> str:
    import subprocess

    exe = java()
    if exe is None:
        return "no Java"
    try:
        out = subprocess.run([exe, "-version"], capture_output=True, text=True, check=False, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown Java"
    lines = [line.strip() for line in (out.stderr or out.stdout).splitlines() if not line.startswith("Picked up")]
    return lines[0] if lines else "unknown Java"


@contextlib.contextmanager
def _jvm_options() -> Iterator[None]:
    """Options for the reasoner's JVM (owlready2 builds the command line, so through the environment)."""
    before = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = f"{before} {JVM_OPTIONS}" if before else JVM_OPTIONS
    try:
        yield
    finally:
        if before is None:
            del os.environ["JAVA_TOOL_OPTIONS"]
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = before


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """A timeout on owlready2's Java call: it passes ``_subprocess_kargs`` to ``subprocess``, which kills Java."""
    from owlready2 import reasoning

    kargs = reasoning._subprocess_kargs
    before = kargs.get("timeout")
    kargs["timeout"] = seconds
    try:
        yield
    finally:
        if before is None:
            kargs.pop("timeout", None)
        else:
            kargs["timeout"] = before


def _read_off(o2: Any, world: Any, nodes: set[str]) -> Iterator[tuple[URIRef, URIRef, URIRef]]:
    rdf_type = URIRef(str(RDF.type))
    values: set[tuple[str, Any, str]] = set()
    for iri in sorted(nodes):
        entity = world[iri]
        if not isinstance(entity, o2.Thing):
            continue
        for cls in entity.INDIRECT_is_a:
            if isinstance(cls, o2.ThingClass) and cls is not o2.Thing:
                yield URIRef(iri), rdf_type, URIRef(cls.iri)
        for prop in entity.get_properties():
            if isinstance(prop, o2.ObjectPropertyClass):
                values.update((iri, prop, v.iri) for v in prop[entity] if getattr(v, "iri", None) in nodes)
    for s, prop, o in _complete(o2, values):
        yield URIRef(s), URIRef(prop.iri), URIRef(o)


def _complete(o2: Any, values: set[tuple[str, Any, str]]) -> set[tuple[str, Any, str]]:
    """Close property values under the reasoner's property hierarchy, inverses and symmetry."""
    done: set[tuple[str, Any, str]] = set()
    todo = list(values)
    while todo:
        s, prop, o = todo.pop()
        if (s, prop, o) in done:
            continue
        done.add((s, prop, o))
        for sup in prop.ancestors():
            if isinstance(sup, o2.ObjectPropertyClass) and sup is not prop and not sup.iri.startswith(str(OWL)):
                todo.append((s, sup, o))
        inverse = prop.inverse_property
        if inverse is not None:
            todo.append((o, inverse, s))
        if o2.SymmetricProperty in prop.is_a:
            todo.append((o, prop, s))
    return done


# --------------------------------------------------------------------------- contradictions


def _raise_contradictions(store: ox.Store, axioms: Axioms, origins: Mapping[Any, Location]) -> None:
    clashes = contradictions(store, axioms)
    if clashes:
        raise CoopgraphError(problems(clashes, origins))
