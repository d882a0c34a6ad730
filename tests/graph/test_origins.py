"""Origins: node -> where it was written, looked up by IRI text, URIRef or NamedNode; compact."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from coopgraph.errors import Location
from coopgraph.graph.origins import Origins

IRI = "https://w3id.org/coopgraph/id/agreement/x"


def test_any_form_of_the_iri_finds_the_place_and_the_last_setting_wins() -> None:
    origins = Origins({IRI: Location("a.yaml", 1)})
    origins[IRI + "-1"] = Location("a.yaml", 7)
    assert origins[URIRef(IRI)] == origins[ox.NamedNode(IRI)] == origins.get(IRI) == Location("a.yaml", 1)
    origins[IRI] = Location("b.yaml", 3)  # set again after a lookup: merged, the last kept
    assert origins[IRI] == Location("b.yaml", 3) and origins[IRI + "-1"] == Location("a.yaml", 7)
    assert len(origins) == 2 and IRI + "-1" in origins
    assert origins.get(IRI + "-2") is None and IRI + "-2" not in origins
    with pytest.raises(KeyError):
        origins[IRI + "-2"]
    assert not Origins() and origins


def test_a_node_costs_sixteen_bytes_and_a_file_name_is_kept_once() -> None:
    origins = Origins()
    for i in range(10_000):
        origins[f"{IRI}-{i}"] = Location("data/agreements/x.yaml", i + 1)
    assert origins[f"{IRI}-9999"] == Location("data/agreements/x.yaml", 10_000)
    assert origins.nbytes() == 16 * 10_000
    assert len(origins._files) == 1
