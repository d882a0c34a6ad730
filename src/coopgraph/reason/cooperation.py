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
      UNION {{ # not made (yet): the dates of its pending steps, so a planned MOU counts alike
               # through a bloc and through a ministry (and, by default, as a partner through neither)
               ?agreement coop:hasStatusChange ?change . ?change coop:status ?status ; coop:date ?made .
               FILTER(?status IN (coop:Planned, coop:Announced, coop:CabinetApproved))
               FILTER NOT EXISTS {{ ?agreement coop:hasSigning|^coop:signingOf ?s . ?s coop:date ?d }}
               FILTER NOT EXISTS {{ ?agreement coop:hasStatusChange/coop:status ?made2 .
                                    FILTER(?made2 IN (coop:Signed, coop:Adopted, coop:InForce)) }}
               FILTER NOT EXISTS {{ ?agreement coop:adoptedAt/coop:startDate ?d2 }} }}
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

PAIRS = f"""SELECT DISTINCT ?a ?b ?agreement
WHERE {{
  GRAPH <{TAKES_PART}> {{ ?a <{TAKES_PART}> ?agreement . ?b <{TAKES_PART}> ?agreement . }}
  FILTER(?a != ?b)
}}"""
"""Two different countries taking part in one agreement."""


def cooperation(store: ox.Store) -> list[ox.Triple]:
    """The derived cooperation edges (IRIs only: what the OWL reasoner may see), from the store's default graph."""
    return derive(store)[0]


def derive(store: ox.Store) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The cooperation edges, and the dated nodes only the inferred graph gets (no reasoner sees literals).

    Edges: ``coop:cooperatesWith`` / ``coop:cooperatesThrough`` for agreements that were in
    effect at some time, or have no dated step at all (unknown stays unknown); a planned,
    approved or cancelled-before-signing MOU makes no partner link.  Nodes: each
    agreement's status intervals (:mod:`coopgraph.reason.status`) and one ``coop:Cooperation``
    per country and agreement, naming each partner (``coop:partner``), saying over which period it held (``coop:from``,
    ``coop:until``: the agreement's time in effect; none for one never in effect).
    """
    import pyoxigraph as ox

    from coopgraph.reason.status import agreement_intervals, in_effect_span, status_triples

    intervals = agreement_intervals(store)
    for rule in TAKES_PART_RULES:
        store.update(rule)
    try:
        pairs = sorted((r["a"].value, r["b"].value, r["agreement"].value) for r in store.query(PAIRS))  # type: ignore[union-attr]
    finally:
        store.update(f"DROP SILENT GRAPH <{TAKES_PART}>")
    term = ox.NamedNode
    with_, through = term(COOP._NS + "cooperatesWith"), term(COOP._NS + "cooperatesThrough")
    has, kind = term(COOP._NS + "hasCooperation"), term(COOP._NS + "Cooperation")
    partner_p, through_p = term(COOP._NS + "partner"), term(COOP._NS + "through")
    start_p, until_p = term(COOP._NS + "from"), term(COOP._NS + "until")
    rdf_type = term("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    date = term("http://www.w3.org/2001/XMLSchema#date")
    edges: set[ox.Triple] = set()
    nodes: list[ox.Triple] = list(status_triples(intervals))
    partners: dict[tuple[str, str], list[str]] = {}  # (agreement, country) -> its partners, in order
    for a, b, agreement in pairs:
        partners.setdefault((agreement, a), []).append(b)
    for (agreement, a), others in sorted(partners.items()):
        span = in_effect_span(intervals.get(agreement, []))
        if span is not None or agreement not in intervals:  # no dated step: unknown, not "never made"
            edges.update(ox.Triple(term(a), with_, term(b)) for b in others)
            edges.add(ox.Triple(term(a), through, term(agreement)))
        # one node per country and agreement, naming every partner: per pair, a bloc agreement of
        # 27 members made 702 nodes of five or six triples each (most of the inferred graph at 100k)
        node = term(f"{agreement}/cooperation/{a.rpartition('/')[2]}")
        nodes += [ox.Triple(term(a), has, node), ox.Triple(node, rdf_type, kind), ox.Triple(node, through_p, term(agreement))]
        nodes += [ox.Triple(node, partner_p, term(b)) for b in others]
        if span is not None:
            nodes.append(ox.Triple(node, start_p, ox.Literal(span[0].isoformat(), datatype=date)))
            if span[1] is not None:
                nodes.append(ox.Triple(node, until_p, ox.Literal(span[1].isoformat(), datatype=date)))
    return sorted(edges, key=str), nodes
