"""Derived cooperation: which countries cooperate, and through which agreements.

Two different countries cooperate (``coop:cooperatesWith``, symmetric) when
both take part in the same agreement, each in one of three ways:

1. directly: the country is a party (``coop:hasParty``);
2. through a government body that serves it (a party ``coop:serves`` it);
3. through a bloc it was a member of when the agreement was made: the party is
   the bloc of a ``coop:BlocMembership`` of the country that covers a date of
   the agreement (a signing's ``coop:date``, the date of a status change to
   signed or adopted, or the start of the meeting that adopted it).

``?country coop:cooperatesThrough ?agreement`` says the country takes part in
the agreement alongside another country; the agreements that justify an edge
are those both ends cooperate through, so "why do Thailand and China
cooperate?" is one join and no edge node is needed::

    SELECT ?agreement { id:country/thailand coop:cooperatesThrough ?agreement .
                        id:country/china    coop:cooperatesThrough ?agreement . }

OWL cannot compare dates, so the rule is SPARQL, run by both reasoning paths
on the asserted graph before the OWL reasoner or the rules see it.

Dates keep their precision, so a date stands for every day it could mean
(``2024`` is 2024-01-01 … 2024-12-31, ``2024-02`` is 2024-02-01 … 2024-02-31,
which compares right as text).  A country counts as a member on the date only
when that is certain: the membership began (``coop:startDate``) no later than
the earliest day the date could mean, and had not ended (``coop:endDate``,
exclusive) by the latest.  A membership with no known start, or an agreement
with no known date, gives no cooperation through the bloc: unknown stays
unknown.

>>> triples = cooperation(store)                      # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from coopgraph.graph.vocab import COOP

if TYPE_CHECKING:
    import pyoxigraph as ox

TAKES_PART = "urn:coopgraph:rules:takesPart"
"""Scratch graph and predicate: country takes part in agreement; never leaves the scratch store."""


def _day(var: str, *, year: str, month: str) -> str:
    """SPARQL for a partial date's first or last possible day, as ``YYYY-MM-DD`` text."""
    return (
        f'IF(STRLEN({var}) = 4, CONCAT({var}, "{year}"), '
        f'IF(STRLEN({var}) = 7, CONCAT({var}, "{month}"), SUBSTR({var}, 1, 10)))'
    )


def _earliest(var: str) -> str:
    return _day(var, year="-01-01", month="-01")


def _latest(var: str) -> str:
    return _day(var, year="-12-31", month="-31")


_PARTIES = """{ SELECT DISTINCT ?agreement ?party WHERE {
      { ?agreement coop:hasParty ?party } UNION { ?party coop:partyTo ?agreement } } }"""

TAKES_PART_RULES = (
    f"""PREFIX coop: <{COOP._NS}>
INSERT {{ GRAPH <{TAKES_PART}> {{ ?country <{TAKES_PART}> ?agreement }} }}
WHERE {{
  {_PARTIES}
  {{ # (1) the country is a party
    ?party a coop:Country . BIND(?party AS ?country)
  }} UNION {{ # (2) a government body serving it is a party
    ?party coop:serves ?country .
  }}
}}""",
    f"""PREFIX coop: <{COOP._NS}>
INSERT {{ GRAPH <{TAKES_PART}> {{ ?country <{TAKES_PART}> ?agreement }} }}
WHERE {{ # (3) a bloc it belonged to when the agreement was made is a party
  {{ SELECT DISTINCT ?agreement ?m WHERE {{ # the dates the agreement was made
      {{ ?agreement coop:hasSigning ?signing . ?signing coop:date ?made . }}
      UNION {{ ?signing coop:signingOf ?agreement . ?signing coop:date ?made . }}
      UNION {{ ?agreement coop:hasStatusChange ?change . ?change coop:status ?status ; coop:date ?made .
               FILTER(?status IN (coop:Signed, coop:Adopted)) }}
      UNION {{ ?agreement coop:adoptedAt ?meeting . ?meeting coop:startDate ?made . }}
      BIND(STR(?made) AS ?m) }} }}
  {_PARTIES}
  ?membership coop:bloc ?party ; coop:startDate ?start .
  {{ ?membership coop:member ?country }} UNION {{ ?country coop:hasMembership ?membership }}
  OPTIONAL {{ ?membership coop:endDate ?end }}
  BIND(STR(?start) AS ?s) BIND(STR(?end) AS ?e)
  FILTER({_latest("?s")} <= {_earliest("?m")})
  FILTER(!BOUND(?end) || {_earliest("?e")} > {_latest("?m")})
}}""",
)
"""Which country takes part in which agreement, by the three ways above (two updates: each joins well)."""

COOPERATION = f"""PREFIX coop: <{COOP._NS}>
CONSTRUCT {{ ?a coop:cooperatesWith ?b . ?a coop:cooperatesThrough ?agreement . }}
WHERE {{
  GRAPH <{TAKES_PART}> {{ ?a <{TAKES_PART}> ?agreement . ?b <{TAKES_PART}> ?agreement . }}
  FILTER(?a != ?b)
}}"""
"""Two different countries taking part in one agreement cooperate, through it."""


def cooperation(store: ox.Store) -> list[ox.Triple]:
    """The derived cooperation triples, from the facts in the store's default graph."""
    for rule in TAKES_PART_RULES:
        store.update(rule)
    try:
        return list(store.query(COOPERATION))  # type: ignore[arg-type]
    finally:
        store.update(f"DROP SILENT GRAPH <{TAKES_PART}>")
