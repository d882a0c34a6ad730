"""cooperation: the date-dependent rule, case by case, on a real Oxigraph store (no Java)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from coopgraph.reason.cooperation import cooperation

PREFIXES = """
@prefix coop: <https://w3id.org/coopgraph/ontology#> .
@prefix country: <https://w3id.org/coopgraph/id/country/> .
@prefix organization: <https://w3id.org/coopgraph/id/organization/> .
@prefix membership: <https://w3id.org/coopgraph/id/membership/> .
@prefix agreement: <https://w3id.org/coopgraph/id/agreement/> .
@prefix signing: <https://w3id.org/coopgraph/id/signing/> .
@prefix status-change: <https://w3id.org/coopgraph/id/status-change/> .
@prefix meeting: <https://w3id.org/coopgraph/id/meeting/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
"""
ID = "https://w3id.org/coopgraph/id/"
COOP = "https://w3id.org/coopgraph/ontology#"


def _pairs(turtle: str) -> set[tuple[str, str, str]]:
    store = ox.Store()
    store.load((PREFIXES + turtle).encode(), ox.RdfFormat.TURTLE)
    return {
        (t.subject.value.removeprefix(ID), t.predicate.value.removeprefix(COOP), t.object.value.removeprefix(ID))
        for t in cooperation(store)
    }


BLOC = """
country:alpha a coop:Country .
country:beta a coop:Country .
organization:bloc a coop:IntergovernmentalOrganization .
membership:beta-in-bloc a coop:BlocMembership ; coop:member country:beta ; coop:bloc organization:bloc {span} .
agreement:a a coop:MemorandumOfUnderstanding ; coop:hasParty country:alpha , organization:bloc ;
    coop:hasSigning signing:a-1 .
signing:a-1 a coop:Signing ; coop:signingOf agreement:a ; coop:date {made} .
"""


def _through_bloc(span: str, made: str) -> bool:
    pairs = _pairs(BLOC.format(span=span, made=made))
    return ("country/alpha", "cooperatesWith", "country/beta") in pairs


@pytest.mark.parametrize(
    ("span", "made", "member"),
    [
        ('; coop:startDate "1967-08-08"^^xsd:date', '"2024-02-02"^^xsd:date', True),
        ('; coop:startDate "2024-02-02"^^xsd:date', '"2024-02-02"^^xsd:date', True),  # joined that day
        ('; coop:startDate "2024-02-03"^^xsd:date', '"2024-02-02"^^xsd:date', False),  # joined the next day
        ('; coop:startDate "2025-10-26"^^xsd:date', '"2024-02-02"^^xsd:date', False),  # Timor-Leste and ASEAN
        ('; coop:startDate "1967"^^xsd:gYear', '"2024-02-02"^^xsd:date', True),
        ('; coop:startDate "2024"^^xsd:gYear', '"2024-02-02"^^xsd:date', False),  # maybe later in 2024
        ('; coop:startDate "2024-01"^^xsd:gYearMonth', '"2024-02-02"^^xsd:date', True),
        ('; coop:startDate "2024-02"^^xsd:gYearMonth', '"2024-02-02"^^xsd:date', False),  # maybe after the 2nd
        ('; coop:startDate "2023-12-31"^^xsd:date', '"2024"^^xsd:gYear', True),
        ('; coop:startDate "2024-01-01"^^xsd:date', '"2024"^^xsd:gYear', True),
        ('; coop:startDate "2024-01-02"^^xsd:date', '"2024"^^xsd:gYear', False),  # the signing may be on 1 Jan
        ('; coop:startDate "2024-02-29"^^xsd:date', '"2024-02"^^xsd:gYearMonth', False),
        ('; coop:startDate "1990"^^xsd:gYear ; coop:endDate "2024-02-03"^^xsd:date', '"2024-02-02"^^xsd:date', True),
        ('; coop:startDate "1990"^^xsd:gYear ; coop:endDate "2024-02-02"^^xsd:date', '"2024-02-02"^^xsd:date', False),
        ('; coop:startDate "1990"^^xsd:gYear ; coop:endDate "2024-12"^^xsd:gYearMonth', '"2024"^^xsd:gYear', False),
        ('; coop:startDate "1990"^^xsd:gYear ; coop:endDate "2025"^^xsd:gYear', '"2024"^^xsd:gYear', True),
        ("", '"2024-02-02"^^xsd:date', False),  # no known start: unknown stays unknown
    ],
)
def test_bloc_membership_on_the_date(span: str, made: str, member: bool) -> None:
    assert _through_bloc(span, made) is member


def test_direct_party_and_ministry_and_why() -> None:
    pairs = _pairs("""
        country:alpha a coop:Country .
        country:beta a coop:Country .
        country:omega a coop:Country .
        organization:beta-ministry a coop:Ministry ; coop:serves country:beta .
        organization:acme a coop:Company .
        agreement:a a coop:Agreement ; coop:hasParty country:alpha , organization:beta-ministry .
        agreement:b a coop:Agreement ; coop:hasParty country:omega , organization:acme .
    """)
    assert pairs == {
        ("country/alpha", "cooperatesWith", "country/beta"),
        ("country/beta", "cooperatesWith", "country/alpha"),
        ("country/alpha", "cooperatesThrough", "agreement/a"),
        ("country/beta", "cooperatesThrough", "agreement/a"),
    }  # omega signed only with a company: no partner country, no edge, no "through"


def test_dates_from_status_change_or_adopting_meeting() -> None:
    common = """
        country:alpha a coop:Country . country:beta a coop:Country .
        organization:bloc a coop:IntergovernmentalOrganization .
        membership:alpha-in-bloc coop:member country:alpha ; coop:bloc organization:bloc ;
            coop:startDate "2000"^^xsd:gYear .
        country:beta coop:hasMembership membership:beta-in-bloc .
        membership:beta-in-bloc coop:bloc organization:bloc ; coop:startDate "2010"^^xsd:gYear .
        agreement:d a coop:Declaration ; coop:hasParty organization:bloc .
    """
    adopted = _pairs(
        common
        + """
        agreement:d coop:hasStatusChange status-change:d-1 .
        status-change:d-1 coop:status coop:Adopted ; coop:date "2025-01-17"^^xsd:date .
    """
    )
    assert ("country/alpha", "cooperatesWith", "country/beta") in adopted
    planned = _pairs(
        common
        + """
        agreement:d coop:hasStatusChange status-change:d-1 .
        status-change:d-1 coop:status coop:Planned ; coop:date "2025-01-17"^^xsd:date .
    """
    )
    assert planned == set()  # a plan is not the date the agreement was made
    at_meeting = _pairs(
        common
        + """
        agreement:d coop:adoptedAt meeting:m . meeting:m coop:startDate "2005-05-05"^^xsd:date .
    """
    )
    assert at_meeting == set()  # beta joined in 2010: alpha alone, no pair


# --------------------------------------------------------------------------- country groups
def test_groups_keep_the_largest_bloc_whole_and_split_the_rest() -> None:
    from coopgraph.reason.cooperation import groups

    found = groups({"a", "b", "c", "d", "e", "f"}, {"x": {"a", "b", "c"}, "y": {"c", "d", "e"}, "z": {"e"}})
    assert found == [frozenset("abc"), frozenset("de"), frozenset("f")]  # c once, in the first (equal size: sorted)
    assert groups({"a", "b"}, {}) == [frozenset("a"), frozenset("b")]
    assert groups({"a", "b", "c"}, {"x": {"a", "b", "c"}}) == [frozenset("abc")]  # a party that is also a member


OVERLAPPING = """
country:a a coop:Country . country:b a coop:Country . country:c a coop:Country .
country:d a coop:Country . country:e a coop:Country . country:f a coop:Country .
organization:f-ministry a coop:Ministry ; coop:serves country:f .
organization:x a coop:IntergovernmentalOrganization . organization:y a coop:IntergovernmentalOrganization .
membership:xa coop:member country:a ; coop:bloc organization:x ; coop:startDate "2000"^^xsd:gYear .
membership:xb coop:member country:b ; coop:bloc organization:x ; coop:startDate "2000"^^xsd:gYear .
membership:xc coop:member country:c ; coop:bloc organization:x ; coop:startDate "2000"^^xsd:gYear .
membership:yc coop:member country:c ; coop:bloc organization:y ; coop:startDate "2000"^^xsd:gYear .
membership:yd coop:member country:d ; coop:bloc organization:y ; coop:startDate "2000"^^xsd:gYear .
membership:ye coop:member country:e ; coop:bloc organization:y ; coop:startDate "2020"^^xsd:gYear .
agreement:m1 coop:hasParty organization:x , organization:y , country:a , organization:f-ministry ;
    coop:hasSigning signing:m1 .
signing:m1 coop:date "2010-05-05"^^xsd:date .
agreement:m2 coop:hasParty organization:x , organization:y ; coop:hasSigning signing:m2 ;
    coop:term "P2Y"^^xsd:duration .
signing:m2 coop:date "2021-01"^^xsd:gYearMonth .
agreement:m3 coop:hasParty country:a , country:b ; coop:hasSigning signing:m3 .
signing:m3 coop:date "2012"^^xsd:gYear .
agreement:m4 coop:hasParty country:b , country:a ; coop:hasSigning signing:m4 .
signing:m4 coop:date "2013-03-03"^^xsd:date .
agreement:m5 coop:hasParty organization:x , country:e ; coop:hasStatusChange status-change:m5 .
status-change:m5 coop:status coop:Planned ; coop:date "2024-01-10"^^xsd:date .
agreement:m6 coop:hasParty country:c , country:d .
"""
"""Two blocs sharing a member, a member that is also a party, a member that joined later, a ministry,
the same two countries in two agreements, a planned MOU and one with no date: what the groups must cover."""


def overlapping_store() -> ox.Store:
    """The :data:`OVERLAPPING` world as a build lays it out: ontology, asserted and the dated nodes."""
    from coopgraph.graph.store import graph_node
    from coopgraph.pipeline import ontology_ntriples
    from coopgraph.reason.reasoner import dated_store

    store = ox.Store()
    store.bulk_load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=graph_node("ontology"))
    store.load((PREFIXES + OVERLAPPING).encode(), ox.RdfFormat.TURTLE, to_graph=graph_node("asserted"))
    dated_store(store)
    return store


def test_country_groups_cover_each_agreements_pairs_once() -> None:
    store = overlapping_store()
    partners: dict[str, set[tuple[str, str]]] = {}
    for row in store.query(
        f"PREFIX coop: <{COOP}> SELECT ?agreement ?a ?b WHERE {{ ?a coop:hasCooperation ?n . "
        "?n coop:through ?agreement ; coop:partner ?b }",
        use_default_graph_as_union=True,
    ):
        partners.setdefault(row["agreement"].value.removeprefix(ID), set()).add((row["a"].value, row["b"].value))
    grouped: dict[str, list[set[str]]] = {}
    for row in store.query(
        f"PREFIX coop: <{COOP}> SELECT ?agreement ?group (GROUP_CONCAT(STR(?c)) AS ?members) WHERE {{ "
        "?agreement coop:hasCountryGrouping ?grouping . ?grouping coop:hasCountryGroup ?group . "
        "?group a coop:CountryGroup ; coop:groupMember ?c } GROUP BY ?agreement ?group",
        use_default_graph_as_union=True,
    ):
        grouped.setdefault(row["agreement"].value.removeprefix(ID), []).append(set(row["members"].value.split()))
    assert set(grouped) == set(partners) == {f"agreement/m{i}" for i in range(1, 7)}
    for agreement, found in grouped.items():
        members = [c for group in found for c in group]
        assert len(members) == len(set(members)), agreement  # disjoint
        pairs = {(a, b) for i, g in enumerate(found) for h in found[i:] for a in g for b in h if a != b}
        assert pairs | {(b, a) for a, b in pairs} == partners[agreement], agreement
    short = {k: sorted(sorted(c.removeprefix(ID + "country/") for c in g) for g in v) for k, v in grouped.items()}
    assert short["agreement/m1"] == [["a", "b", "c"], ["d"], ["f"]]  # e joined y in 2020
    assert short["agreement/m2"] == [["a", "b", "c"], ["d", "e"]]
    query = f"PREFIX coop: <{COOP}> SELECT ?g WHERE {{ ?a coop:hasCountryGrouping ?g }}"
    groupings = {row[0].value for row in store.query(query, use_default_graph_as_union=True)}
    assert len(groupings) == 5  # m3 and m4 (a and b) share one
