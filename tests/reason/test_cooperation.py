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
