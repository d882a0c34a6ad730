"""RDFS entailment at query time: the subclass, subproperty, domain and range closures the shapes need."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib.namespace import RDFS

from coopgraph.checks.shapes_graph import _ASSERTED, _ONTOLOGY, _TYPE, _select

if TYPE_CHECKING:
    import pyoxigraph as ox

    _Term = ox.NamedNode | ox.BlankNode | ox.Literal


# --------------------------------------------------------------------------- RDFS entailment


@dataclass(frozen=True)
class _Schema:
    """The RDFS closures of the store's schema triples (both graphs), as SPARQL IRIs."""

    sub_classes: dict[str, frozenset[str]]  # class -> itself and every (indirect) subclass
    sub_properties: dict[str, frozenset[str]]  # property -> itself and every (indirect) subproperty
    domains: dict[str, frozenset[str]]  # property -> its declared rdfs:domain classes
    ranges: dict[str, frozenset[str]]
    # What occurs at all, so that a query leaves out lookups that cannot match (a third of the time):
    asserted_types: frozenset[str]  # classes with an rdf:type triple in asserted
    ontology_predicates: frozenset[str]
    ontology_types: frozenset[str]

    @classmethod
    def read(cls, store: ox.Store) -> _Schema:
        query = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ <{RDFS.subClassOf}> <{RDFS.subPropertyOf}> "
            f"<{RDFS.domain}> <{RDFS.range}> }} {{ GRAPH {_ASSERTED} {{ ?s ?p ?o }} }} UNION "
            f"{{ GRAPH {_ONTOLOGY} {{ ?s ?p ?o }} }} }}"
        )
        edges: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in _select(store, query):
            edges.setdefault(p.value, []).append((str(s), str(o)))

        def terms(where: str) -> frozenset[str]:
            return frozenset(str(x) for (x,) in _select(store, f"SELECT DISTINCT ?x WHERE {{ {where} }}"))

        return cls(
            _downward(edges.get(str(RDFS.subClassOf), [])),
            _downward(edges.get(str(RDFS.subPropertyOf), [])),
            _grouped(edges.get(str(RDFS.domain), [])),
            _grouped(edges.get(str(RDFS.range), [])),
            terms(f"GRAPH {_ASSERTED} {{ ?s {_TYPE} ?x }}"),
            terms(f"GRAPH {_ONTOLOGY} {{ ?s ?x ?o }}"),
            terms(f"GRAPH {_ONTOLOGY} {{ ?s {_TYPE} ?x }}"),
        )

    def classes(self, cls: str) -> frozenset[str]:
        return self.sub_classes.get(cls, frozenset([cls]))

    def properties(self, prop: str) -> frozenset[str]:
        return self.sub_properties.get(prop, frozenset([prop]))

    def typing(self, cls: str, declared: dict[str, frozenset[str]]) -> frozenset[str]:
        """Every property whose use types its subject (domain) or object (range) as an instance of ``cls``."""
        classes = self.classes(cls)
        return frozenset(q for p, ds in declared.items() if ds & classes for q in self.properties(p))


def _downward(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """node -> the node and everything below it, from (sub, super) pairs: rdfs5/rdfs11 plus reflexivity."""
    below: dict[str, set[str]] = {}
    for sub, sup in pairs:
        below.setdefault(sup, set()).add(sub)
    closed = {}
    for top in below:
        seen, todo = {top}, [top]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closed[top] = frozenset(seen)
    return closed


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


