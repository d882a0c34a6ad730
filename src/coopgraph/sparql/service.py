"""The endpoint's SPARQL 1.1 Service Description: what ``GET /sparql`` without a query answers.

It says what a client may rely on: the query language (no update, no
federation), the result and graph formats, the dataset (the union default
graph and each named graph with its size) and the limits a request runs
under, so a client can learn them before it hits one.
<https://www.w3.org/TR/sparql11-service-description/>

>>> triples = description("http://127.0.0.1:8000/sparql", {"https://w3id.org/coopgraph/graph/asserted": 10},
...                       limits={"timeout": 30.0})
>>> any(t.object.value.endswith("#SPARQL11Query") for t in triples)
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyoxigraph as ox

SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS = "http://www.w3.org/ns/formats/"
VOID = "http://rdfs.org/ns/void#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS_COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
ENTAILMENT = "http://www.w3.org/ns/entailment/Simple"
LIMITS = "https://w3id.org/coopgraph/service#"
"""Our own terms for the limits (Service Description has none)."""

RESULT_FORMATS = (
    "SPARQL_Results_JSON",
    "SPARQL_Results_XML",
    "SPARQL_Results_CSV",
    "SPARQL_Results_TSV",
    "Turtle",
    "N-Triples",
    "RDF_XML",
    "JSON-LD",
)
#: limit name -> (our property, the XSD datatype of its value)
LIMIT_TERMS = {
    "timeout": ("timeoutSeconds", "decimal"),
    "max_rows": ("maxRows", "integer"),
    "memory": ("memoryLimitMegabytes", "integer"),
    "max_body": ("maxRequestBodyBytes", "integer"),
    "client_timeout": ("clientTimeoutSeconds", "decimal"),
}


def description(endpoint: str, graphs: Mapping[str, int], *, limits: Mapping[str, float]) -> list[ox.Triple]:
    """The triples describing the service at ``endpoint``; ``graphs`` maps named graphs to their sizes."""
    import pyoxigraph as ox

    def iri(value: str) -> ox.NamedNode:
        return ox.NamedNode(value)

    service = iri(endpoint)
    dataset, default = ox.BlankNode("dataset"), ox.BlankNode("default")
    triples = [
        ox.Triple(service, iri(RDF_TYPE), iri(SD + "Service")),
        ox.Triple(service, iri(SD + "endpoint"), service),
        ox.Triple(service, iri(SD + "supportedLanguage"), iri(SD + "SPARQL11Query")),
        ox.Triple(service, iri(SD + "feature"), iri(SD + "UnionDefaultGraph")),
        ox.Triple(service, iri(SD + "defaultEntailmentRegime"), iri(ENTAILMENT)),
        ox.Triple(
            service,
            iri(RDFS_COMMENT),
            ox.Literal(
                "Read-only: SPARQL updates (LOAD included) and SERVICE (federation) are refused with 403 "
                "without being run; a request past a limit is stopped (503)."
            ),
        ),
        ox.Triple(service, iri(SD + "defaultDataset"), dataset),
        ox.Triple(dataset, iri(RDF_TYPE), iri(SD + "Dataset")),
        ox.Triple(dataset, iri(SD + "defaultGraph"), default),
        ox.Triple(default, iri(RDF_TYPE), iri(SD + "Graph")),
        ox.Triple(default, iri(VOID + "triples"), ox.Literal(str(sum(graphs.values())), datatype=_xsd("integer"))),
    ]
    triples += [ox.Triple(service, iri(SD + "resultFormat"), iri(FORMATS + name)) for name in RESULT_FORMATS]
    for position, (name, size) in enumerate(sorted(graphs.items())):
        named, graph = ox.BlankNode(f"named{position}"), ox.BlankNode(f"graph{position}")
        triples += [
            ox.Triple(dataset, iri(SD + "namedGraph"), named),
            ox.Triple(named, iri(RDF_TYPE), iri(SD + "NamedGraph")),
            ox.Triple(named, iri(SD + "name"), iri(name)),
            ox.Triple(named, iri(SD + "graph"), graph),
            ox.Triple(graph, iri(RDF_TYPE), iri(SD + "Graph")),
            ox.Triple(graph, iri(VOID + "triples"), ox.Literal(str(size), datatype=_xsd("integer"))),
        ]
    for key, value in sorted(limits.items()):
        if key in LIMIT_TERMS:
            prop, datatype = LIMIT_TERMS[key]
            text = str(int(value)) if datatype == "integer" else f"{float(value):g}"
            triples.append(ox.Triple(service, iri(LIMITS + prop), ox.Literal(text, datatype=_xsd(datatype))))
    return triples


def _xsd(name: str) -> ox.NamedNode:
    import pyoxigraph as ox

    return ox.NamedNode(f"http://www.w3.org/2001/XMLSchema#{name}")
