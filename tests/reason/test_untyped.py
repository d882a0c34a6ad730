"""The rules and HermiT agree on a world where no node is typed: every type comes from rdfs:domain or rdfs:range.

The shipped data types every node, so a rules path without its domain rule (or its range rule)
still matched HermiT there.  Here each node is typed only by the properties it is used with,
several of them properties without an inverse (a literal value, or no inverse declared), so the
types can come from nowhere else.  (Objects get an rdfs:label so they count as our nodes, whose
inferences are kept.)  Both paths are run as the library calls them (``reason`` on
rdflib graphs) and as the build does (``reason_store`` on an Oxigraph store).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import RDF, Graph, Namespace
from rdflib.compare import isomorphic

from coopgraph.graph.dataset import read_ontology
from coopgraph.graph.store import graph_node
from coopgraph.graph.vocab import COOP
from coopgraph.reason.reasoner import reason, reason_store

ID = Namespace("https://w3id.org/coopgraph/id/")

UNTYPED = """
@prefix coop: <https://w3id.org/coopgraph/ontology#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix agreement: <https://w3id.org/coopgraph/id/agreement/> .
@prefix country: <https://w3id.org/coopgraph/id/country/> .
@prefix area: <https://w3id.org/coopgraph/id/area/> .
@prefix topic: <https://w3id.org/coopgraph/id/topic/> .
@prefix status: <https://w3id.org/coopgraph/id/status/> .
@prefix signing: <https://w3id.org/coopgraph/id/signing/> .
@prefix signature: <https://w3id.org/coopgraph/id/signature/> .
@prefix person: <https://w3id.org/coopgraph/id/person/> .
@prefix tenure: <https://w3id.org/coopgraph/id/tenure/> .
@prefix post: <https://w3id.org/coopgraph/id/post/> .
@prefix source: <https://w3id.org/coopgraph/id/source/> .

agreement:u coop:hasParty country:p , country:q ; coop:hasArea area:u-1 ;
    coop:automaticRenewal true ; coop:hasStatusChange status:u-1 .
area:u-1 coop:areaNumber 1 ; coop:areaTopic topic:t .
status:u-1 coop:status coop:Signed .
signing:u-1 coop:signingOf agreement:u ; coop:hasSignature signature:u-1 ; coop:witness person:w .
signature:u-1 coop:signatory person:s ; coop:onBehalfOf country:p .
tenure:s-1 coop:tenureOf post:m .
source:d coop:url "https://example.org/d"^^xsd:anyURI .
person:w rdfs:label "W"@en .
person:s rdfs:label "S"@en .
country:p rdfs:label "P"@en .
country:q rdfs:label "Q"@en .
topic:t rdfs:label "T"@en .
post:m rdfs:label "M"@en .
"""

# Types that follow from a domain alone (no inverse brings them), then from a range alone.
FROM_DOMAIN = {
    "area/u-1": COOP.CooperationArea,  # areaNumber (a literal), areaTopic
    "status/u-1": COOP.StatusChange,  # status
    "source/d": COOP.SourceDocument,  # url (a literal)
    "tenure/s-1": COOP.Tenure,  # tenureOf
    "signature/u-1": COOP.Signature,  # onBehalfOf
}
FROM_RANGE = {"person/w": COOP.Person, "person/s": COOP.Person, "country/p": COOP.Actor}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_ontology()


@pytest.fixture(scope="module")
def asserted() -> Graph:
    return Graph(bind_namespaces="none").parse(data=UNTYPED, format="turtle")


def _expected_types(inferred: Graph) -> None:
    for node, cls in {**FROM_DOMAIN, **FROM_RANGE}.items():
        assert (ID[node], RDF.type, cls) in inferred, (node, cls)


@pytest.mark.java
def test_rules_and_hermit_agree_without_asserted_types(ontology: Graph, asserted: Graph) -> None:
    assert not set(asserted.triples((None, RDF.type, None)))
    inferred = {r: reason(ontology, asserted, reasoner=r) for r in ("hermit", "rules")}
    _expected_types(inferred["hermit"])
    assert sorted(set(inferred["rules"]) ^ set(inferred["hermit"])) == []
    assert isomorphic(inferred["rules"], inferred["hermit"])


def _store_inferred(ontology: Graph, asserted: Graph, reasoner: str) -> Graph:
    store = ox.Store()
    for name, graph in (("ontology", ontology), ("asserted", asserted)):
        store.bulk_load(
            graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=graph_node(name)
        )
    reason_store(store, reasoner=reasoner)
    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph_node("inferred")) or b""
    return Graph(bind_namespaces="none").parse(data=text, format="nt")


@pytest.mark.java
def test_the_build_store_path_agrees_with_hermit_without_asserted_types(ontology: Graph, asserted: Graph) -> None:
    """``reason_store`` is what ``build`` runs: its rules path (a scratch store) against its HermiT path."""
    inferred = {r: _store_inferred(ontology, asserted, r) for r in ("hermit", "rules")}
    _expected_types(inferred["rules"])
    assert sorted(set(inferred["rules"]) ^ set(inferred["hermit"])) == []
    assert set(inferred["rules"]) == set(reason(ontology, asserted, reasoner="rules"))
