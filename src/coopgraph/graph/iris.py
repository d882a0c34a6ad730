"""coopgraph's IRIs as plain text, without rdflib: what the commands that must start fast need.

Importing rdflib takes 0.3-0.5 s, more than `coopgraph query` may spend
before it answers.  :mod:`coopgraph.graph.vocab` builds its rdflib namespaces from
these strings, so every IRI is still written once, here.

>>> prefix_iris()["country"]
'https://w3id.org/coopgraph/id/country/'
"""

from __future__ import annotations

ONTOLOGY_IRI = "https://w3id.org/coopgraph/ontology"
DEFAULT_BASE = "https://w3id.org/coopgraph/id/"
GRAPH_BASE = "https://w3id.org/coopgraph/graph/"

#: the standard vocabularies coopgraph reuses, by their usual prefix
STANDARD: dict[str, str] = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

#: kind of individual -> the path segment of its IRIs (``<base>country/thailand``)
KIND_SEGMENTS: dict[str, str] = {
    "country": "country",
    "organization": "organization",
    "person": "person",
    "place": "place",
    "post": "post",
    "tenure": "tenure",
    "membership": "membership",
    "change": "change",
    "agreement": "agreement",
    "area": "area",
    "status-change": "status-change",
    "signing": "signing",
    "signature": "signature",
    "date-claim": "date-claim",
    "role-claim": "role-claim",
    "package": "package",
    "meeting": "meeting",
    "topic": "topic",
    "source": "source",
}


def prefix_iris(base: str = DEFAULT_BASE) -> dict[str, str]:
    """The prefixes every output declares (ours, then the standards), as text."""
    ours = {kind: f"{base}{kind}/" for kind in ("agreement", "country", "organization", "person", "topic")}
    return {"coop": ONTOLOGY_IRI + "#", "id": base, **ours, **STANDARD}
