"""The ontology's axioms as plain tables, for the rules and the contradiction checks.

An OWL reasoner reads the axioms as logic; the rules path (:mod:`coopgraph.reason.rules`)
needs them as lookup tables with the hierarchies already closed: every
superclass of a class, every property a property implies (super-properties,
inverses, symmetry), the classes a property's subjects and objects belong to.
Compiling takes milliseconds on our ontology.

>>> axioms = compile_axioms(read_ontology())              # doctest: +SKIP
>>> axioms.superclasses[str(COOP.Ministry)]                # doctest: +SKIP
frozenset({'…#GovernmentBody', '…#Organization', '…#Actor', 'http://www.w3.org/ns/org#FormalOrganization'})
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import OWL, RDF, RDFS, BNode, Graph, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from coopgraph.graph.vocab import COOP

Expr = tuple[str, bool]
"""A property expression: the property's IRI and whether it is taken inversely."""

TOP = frozenset({str(OWL.Thing), str(OWL.NamedIndividual), str(RDFS.Resource)})
"""Classes everything belongs to: never worth stating."""


@dataclass(frozen=True)
class Axioms:
    """What the rules need from the ontology, as tables of IRIs."""

    object_properties: frozenset[str]
    superclasses: Mapping[str, frozenset[str]]  # class -> its strict named superclasses, transitively
    implied: Mapping[str, frozenset[Expr]]  # property -> expressions it implies (super, inverse, symmetric)
    subject_types: Mapping[str, frozenset[str]]  # property -> classes of its subjects (domains, with supers)
    object_types: Mapping[str, frozenset[str]]  # property -> classes of its objects (ranges, with supers)
    chains: tuple[tuple[str, tuple[Expr, ...]], ...]  # (property, the chain that implies it)
    has_values: Mapping[str, frozenset[tuple[str, str]]]  # class -> (property, value) its members have
    disjoint: frozenset[tuple[str, str]]  # named classes with no common member (both orders)
    functional: frozenset[str]
    inverse_functional: frozenset[str]
    different: frozenset[tuple[str, str]]  # individuals declared different (both orders)
    individuals: frozenset[str]  # the ontology's own named individuals
    skipped: tuple[str, ...] = field(default=())  # axioms that give no named fact, so no rule

    def classes_of(self, cls: str) -> frozenset[str]:
        """The class and its superclasses."""
        return self.superclasses.get(cls, frozenset()) | {cls}

    def specificity(self, cls: str) -> int:
        """How deep a class sits (more superclasses: more specific); picks the clearest clash to report."""
        return len(self.superclasses.get(cls, ()))


def compile_axioms(ontology: Graph) -> Axioms:
    """The rule tables of an ontology."""
    o = ontology
    skipped: list[str] = []

    def members(node: Node | None) -> list[Node]:
        return list(Collection(o, node)) if node is not None else []

    def union_members(node: Node) -> set[str]:
        """A class expression as the named classes it is the union of (for disjointness only)."""
        if isinstance(node, URIRef):
            return {str(node)}
        union = o.value(node, OWL.unionOf)
        return set().union(*(union_members(m) for m in members(union))) if union is not None else set()

    # classes: subclass and equivalence between named classes, closed
    parents: dict[str, set[str]] = defaultdict(set)
    for sub, sup in o.subject_objects(RDFS.subClassOf):
        if isinstance(sub, URIRef) and isinstance(sup, URIRef):
            parents[str(sub)].add(str(sup))
        elif isinstance(sub, URIRef) and isinstance(sup, BNode) and o.value(sup, OWL.hasValue) is None:
            skipped.append(f"{short(sub)} ⊑ an anonymous class")
    for a, b in o.subject_objects(OWL.equivalentClass):
        if isinstance(a, URIRef) and isinstance(b, URIRef):
            parents[str(a)].add(str(b))
            parents[str(b)].add(str(a))
        elif isinstance(a, URIRef):
            skipped.append(f"{short(a)} ≡ an anonymous class")
    superclasses = {c: frozenset(_reach(c, parents) - {c} - TOP) for c in list(parents)}

    # properties: sub-property, equivalence, inverse and symmetry as edges between expressions, closed
    object_properties = {str(p) for p in o.subjects(RDF.type, OWL.ObjectProperty)}
    for kind in (OWL.SymmetricProperty, OWL.TransitiveProperty, OWL.InverseFunctionalProperty):
        object_properties |= {str(p) for p in o.subjects(RDF.type, kind)}
    datatype_properties = {str(p) for p in o.subjects(RDF.type, OWL.DatatypeProperty)}

    def expr(node: Node) -> Expr | None:
        if isinstance(node, URIRef):
            return (str(node), False)
        inverse = o.value(node, OWL.inverseOf)
        return (str(inverse), True) if isinstance(inverse, URIRef) else None

    edges: dict[Expr, set[Expr]] = defaultdict(set)

    def implies(a: Expr | None, b: Expr | None) -> None:
        if a and b:
            edges[a].add(b)
            edges[(a[0], not a[1])].add((b[0], not b[1]))

    for sub, sup in o.subject_objects(RDFS.subPropertyOf):
        implies(expr(sub), expr(sup))
    for one, other in o.subject_objects(OWL.equivalentProperty):
        implies(expr(one), expr(other))
        implies(expr(other), expr(one))
    for one, other in o.subject_objects(OWL.inverseOf):
        forward, backward = expr(one), expr(other)
        if isinstance(one, URIRef) and forward and backward:
            implies(forward, (backward[0], not backward[1]))
            implies((backward[0], not backward[1]), forward)
    for symmetric in o.subjects(RDF.type, OWL.SymmetricProperty):
        implies((str(symmetric), False), (str(symmetric), True))
    properties = object_properties | datatype_properties | {e[0] for e in edges}
    implied = {p: frozenset(_reach((p, False), edges) - {(p, False)}) for p in sorted(properties)}

    def named(prop: str, axis: URIRef) -> set[str]:
        """Named domains or ranges; a union (``chair``: an actor or a person) names no class."""
        return {str(c) for c in o.objects(URIRef(prop), axis) if isinstance(c, URIRef)}

    def closed(classes: Iterable[str]) -> frozenset[str]:
        out: set[str] = set()
        for c in classes:
            out |= superclasses.get(c, frozenset()) | {c}
        return frozenset(out - TOP)

    subject_types: dict[str, frozenset[str]] = {}
    object_types: dict[str, frozenset[str]] = {}
    for p in sorted(properties):
        subj: set[str] = set()
        obj: set[str] = set()
        for q, inverse in {(p, False)} | implied[p]:
            (obj if inverse else subj).update(named(q, RDFS.domain))
            (subj if inverse else obj).update(named(q, RDFS.range))
        if subj:
            subject_types[p] = closed(subj)
        if obj and p not in datatype_properties:  # a datatype property's range is a datatype
            object_types[p] = closed(obj)

    chains: list[tuple[str, tuple[Expr, ...]]] = []
    for head, chain in o.subject_objects(OWL.propertyChainAxiom):
        steps = [expr(m) for m in members(chain)]
        if isinstance(head, URIRef) and all(steps):
            chains.append((str(head), tuple(s for s in steps if s)))
    for transitive in o.subjects(RDF.type, OWL.TransitiveProperty):
        chains.append((str(transitive), ((str(transitive), False), (str(transitive), False))))

    direct_values: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for owner, restriction in o.subject_objects(RDFS.subClassOf):
        prop, value = o.value(restriction, OWL.onProperty), o.value(restriction, OWL.hasValue)
        if isinstance(owner, URIRef) and isinstance(prop, URIRef) and isinstance(value, URIRef):
            direct_values[str(owner)].add((str(prop), str(value)))
    has_values: dict[str, frozenset[tuple[str, str]]] = {}
    for cls in set(superclasses) | set(direct_values):
        values = set().union(*(direct_values.get(c, set()) for c in superclasses.get(cls, frozenset()) | {cls}))
        if values:
            has_values[cls] = frozenset(values)

    disjoint: set[tuple[str, str]] = set()

    def clash(a: Node, b: Node) -> None:
        for x in union_members(a):
            for y in union_members(b):
                disjoint.update({(x, y), (y, x)})

    for a, b in o.subject_objects(OWL.disjointWith):
        clash(a, b)
    for group in o.subjects(RDF.type, OWL.AllDisjointClasses):
        listed = members(o.value(group, OWL.members))
        for i, a in enumerate(listed):
            for b in listed[i + 1 :]:
                clash(a, b)

    different: set[tuple[str, str]] = set()
    for group in o.subjects(RDF.type, OWL.AllDifferent):
        names = [str(m) for m in members(o.value(group, OWL.distinctMembers) or o.value(group, OWL.members))]
        different.update((x, y) for x in names for y in names if x != y)
    for x_node, y_node in o.subject_objects(OWL.differentFrom):
        different.update({(str(x_node), str(y_node)), (str(y_node), str(x_node))})

    return Axioms(
        object_properties=frozenset(object_properties),
        superclasses={c: s for c, s in superclasses.items() if s},
        implied={p: e for p, e in implied.items() if e},
        subject_types=subject_types,
        object_types=object_types,
        chains=tuple(sorted(chains)),
        has_values=has_values,
        disjoint=frozenset(disjoint),
        functional=frozenset(str(p) for p in o.subjects(RDF.type, OWL.FunctionalProperty)),
        inverse_functional=frozenset(str(p) for p in o.subjects(RDF.type, OWL.InverseFunctionalProperty)),
        different=frozenset(different),
        individuals=frozenset(str(i) for i in o.subjects(RDF.type, OWL.NamedIndividual) if isinstance(i, URIRef)),
        skipped=tuple(sorted(set(skipped))),
    )


def _reach(start: Any, edges: Mapping[Any, set[Any]]) -> set[Any]:
    seen = {start}
    todo = [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def short(iri: object) -> str:
    """``coop:Person`` / ``'person/ada-alpha'`` rather than a full IRI, for messages."""
    text = str(iri)
    if text.startswith(str(COOP._NS)):
        return "coop:" + text[len(str(COOP._NS)) :]
    if "/id/" in text:
        return "'" + text.split("/id/", 1)[1] + "'"
    for ns, prefix in ((str(OWL), "owl:"), (str(RDFS), "rdfs:"), ("http://www.wikidata.org/entity/", "wd:")):
        if text.startswith(ns):
            return prefix + text[len(ns) :]
    return f"<{text}>"
