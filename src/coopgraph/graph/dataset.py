"""The dataset: three named graphs (ontology, asserted, inferred) and how it is written.

The default graph for queries is their union.  Output is deterministic: the
ontology's blank nodes are canonicalised and the serialisers sort, so the same
data gives byte-identical files.  Files are written atomically: everything is
serialised in memory first, then each file replaces its predecessor by rename.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from rdflib import BNode, Graph, Namespace
from rdflib import Dataset as RdfDataset
from rdflib.compare import to_canonical_graph

from coopgraph.graph.iris import prefix_iris
from coopgraph.graph.vocab import DEFAULT_BASE, graph_iri
from coopgraph.resources import ontology_file

GRAPH_NAMES = ("ontology", "asserted", "inferred")


def prefixes(base: str = DEFAULT_BASE) -> dict[str, Namespace]:
    """The prefixes every output declares, ours and the standards we reuse (text in :mod:`coopgraph.graph.iris`)."""
    return {name: Namespace(iri) for name, iri in prefix_iris(base).items()}


def new_graph(base: str = DEFAULT_BASE) -> Graph:
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in prefixes(base).items():
        graph.bind(prefix, namespace)
    return graph


def read_ontology(path: Path | None = None) -> Graph:
    """The ontology (TBox) with its blank nodes canonicalised, so outputs are stable."""
    parsed = Graph(bind_namespaces="none")
    parsed.parse(path or ontology_file(), format="turtle")
    graph = new_graph()
    graph += to_canonical_graph(parsed)
    return graph


@dataclass(frozen=True)
class Parts:
    """The three graphs of a built dataset."""

    ontology: Graph
    asserted: Graph
    inferred: Graph

    def named(self) -> Mapping[str, Graph]:
        return {"ontology": self.ontology, "asserted": self.asserted, "inferred": self.inferred}

    def union(self, *, base: str = DEFAULT_BASE) -> Graph:
        graph = new_graph(base)
        for part in self.named().values():
            graph += part
        return graph

    def dataset(self, *, base: str = DEFAULT_BASE) -> RdfDataset:
        dataset = RdfDataset(default_union=True)
        dataset.namespace_manager = new_graph(base).namespace_manager
        for name, part in self.named().items():
            target = dataset.graph(graph_iri(name))
            target += part
        return dataset


def serialise_turtle(graph: Graph) -> bytes:
    """Deterministic, diff-friendly Turtle.

    The serializer sorts; blank nodes need stable labels, which the ontology's
    already have (:func:`read_ontology`).  Canonicalising the whole graph again
    costs seconds, so it happens only when a blank node from elsewhere shows up.
    """
    return graph.serialize(format="longturtle", canon=not _canonical_blank_nodes(graph), encoding="utf-8")


def _canonical_blank_nodes(graph: Graph) -> bool:
    return all(
        str(term).startswith("cb")
        for triple in graph
        for term in (triple[0], triple[2])
        if isinstance(term, BNode)
    )


def serialise_trig(parts: Parts, *, base: str = DEFAULT_BASE) -> bytes:
    return parts.dataset(base=base).serialize(format="trig", encoding="utf-8")


