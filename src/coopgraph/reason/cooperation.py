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

OWL cannot compare dates, so the rule runs outside the reasoners (SPARQL
reads, the date comparison in Python: see :func:`takes_part`), on the asserted
graph before the OWL reasoner or the rules see it.

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

import hashlib
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from coopgraph.graph.vocab import COOP

if TYPE_CHECKING:
    import pyoxigraph as ox

_PARTIES = """{ SELECT DISTINCT ?agreement ?party WHERE {
      { ?agreement coop:hasParty ?party } UNION { ?party coop:partyTo ?agreement } } }"""

DIRECT = f"""PREFIX coop: <{COOP._NS}>
SELECT DISTINCT ?country ?agreement
WHERE {{
  {_PARTIES}
  {{ # (1) the country is a party
    ?party a coop:Country . BIND(?party AS ?country)
  }} UNION {{ # (2) a government body serving it is a party
    ?party coop:serves ?country .
  }}
}}"""
"""Who takes part in which agreement directly or through a body serving it: ways (1) and (2)."""

BLOC_PARTIES = f"""PREFIX coop: <{COOP._NS}>
SELECT DISTINCT ?agreement ?party
WHERE {{ {_PARTIES} FILTER EXISTS {{ ?membership coop:bloc ?party }} }}"""
"""The parties that are the bloc of some membership, with their agreements: where way (3) can apply."""

SIGNINGS = f"""PREFIX coop: <{COOP._NS}>
SELECT ?agreement ?made
WHERE {{ {{ ?agreement coop:hasSigning ?signing }} UNION {{ ?signing coop:signingOf ?agreement }}
        ?signing coop:date ?made }}"""

STATUS_CHANGES = f"""PREFIX coop: <{COOP._NS}>
SELECT ?agreement ?status ?made
WHERE {{ ?agreement coop:hasStatusChange ?change . ?change coop:status ?status
        OPTIONAL {{ ?change coop:date ?made }} }}"""

ADOPTIONS = f"""PREFIX coop: <{COOP._NS}>
SELECT ?agreement ?made WHERE {{ ?agreement coop:adoptedAt ?meeting . ?meeting coop:startDate ?made }}"""

MADE_STATUSES = frozenset(COOP._NS + name for name in ("Signed", "Adopted"))
PENDING_STATUSES = frozenset(COOP._NS + name for name in ("Planned", "Announced", "CabinetApproved"))
DONE_STATUSES = MADE_STATUSES | {COOP._NS + "InForce"}


def made(store: ox.Store, agreements: set[str]) -> dict[str, set[str]]:
    """The dates (as text) each of these agreements was made.

    A signing's date, the date of a status change to signed or adopted, the
    start of the meeting that adopted it; and for one not made (yet: no dated
    signing, no change to signed, adopted or in force, no adopting meeting
    with a start), the dates of its pending steps, so a planned MOU counts alike
    through a bloc and through a ministry (and, by default, as a partner
    through neither).  Three plain reads: the same rule as one SPARQL query
    with ``FILTER NOT EXISTS`` took 24 s at 10k agreements (the negation
    re-read every signing per row).
    """
    import pyoxigraph as ox

    dates: dict[str, set[str]] = {}
    pending: dict[str, set[str]] = {}
    done: set[str] = set()  # agreements made (dated or not): their pending steps do not count

    def add(into: dict[str, set[str]], agreement: str, date: object) -> None:
        text = _text(date)
        if text is not None:
            into.setdefault(agreement, set()).add(text)

    for query, has_status in ((SIGNINGS, False), (STATUS_CHANGES, True), (ADOPTIONS, False)):
        for row in store.query(query):  # type: ignore[union-attr]
            agreement = row["agreement"].value
            if agreement not in agreements:
                continue
            status = row["status"] if has_status else None
            status = status.value if isinstance(status, ox.NamedNode) else None
            if not has_status or status in DONE_STATUSES:
                done.add(agreement)
            if row["made"] is None:
                continue
            if not has_status or status in MADE_STATUSES:
                add(dates, agreement, row["made"])
            elif status in PENDING_STATUSES:
                add(pending, agreement, row["made"])
    for agreement, steps in pending.items():
        if agreement not in done:
            dates.setdefault(agreement, set()).update(steps)
    return dates


MEMBERSHIPS = f"""PREFIX coop: <{COOP._NS}>
SELECT ?membership ?bloc ?country ?start ?end
WHERE {{
  ?membership coop:bloc ?bloc ; coop:startDate ?start .
  {{ ?membership coop:member ?country }} UNION {{ ?country coop:hasMembership ?membership }}
  OPTIONAL {{ ?membership coop:endDate ?end }}
}}"""
"""Every bloc membership with a known start: its bloc, member, start and (when known) end."""


def _day(text: str, *, year: str, month: str) -> str:
    """A partial date's first or last possible day, as ``YYYY-MM-DD`` text (SPARQL-free: compared as text)."""
    if len(text) == 4:
        return text + year
    if len(text) == 7:
        return text + month
    return text[:10]


def _earliest(text: str) -> str:
    return _day(text, year="-01-01", month="-01")


def _latest(text: str) -> str:
    return _day(text, year="-12-31", month="-31")


def _text(term: object) -> str | None:
    """SPARQL's ``STR``: an IRI's or a literal's text; a blank node has none."""
    import pyoxigraph as ox

    return term.value if isinstance(term, (ox.NamedNode, ox.Literal)) else None


def takes_part(store: ox.Store) -> dict[str, set[str]]:
    """Which countries take part in each agreement, by the three ways above."""
    return _taking_part(store)[0]


def _taking_part(store: ox.Store) -> tuple[dict[str, set[str]], dict[str, dict[str, set[str]]]]:
    """Which countries take part in each agreement, and which of them each bloc party brought in (way 3).

    Ways (1) and (2) are one SPARQL join.  Way (3) compares dates, which a
    SPARQL join over every agreement's dates, parties and memberships did
    too slowly at 100k agreements (over 13 minutes); here it is driven by the
    agreements that have a bloc as party, joined to that bloc's memberships
    in Python, each membership reduced to its earliest possible start and
    latest possible end first.
    """
    import pyoxigraph as ox

    found: dict[str, set[str]] = {}
    via: dict[str, dict[str, set[str]]] = {}  # agreement -> bloc -> the members it brought in
    for row in store.query(DIRECT):  # type: ignore[union-attr]
        if not isinstance(row["country"], ox.Literal):  # no triple has a literal subject
            found.setdefault(row["agreement"].value, set()).add(row["country"].value)
    by_bloc: dict[str, list[str]] = {}  # bloc -> the agreements it is a party to
    for row in store.query(BLOC_PARTIES):  # type: ignore[union-attr]
        by_bloc.setdefault(row["party"].value, []).append(row["agreement"].value)
    if not by_bloc:
        return found, via
    # membership -> [its blocs, its members, the latest day its start could mean, its ends]
    memberships: dict[object, tuple[set[str], set[str], list[str], list[str | None]]] = {}
    for row in store.query(MEMBERSHIPS):  # type: ignore[union-attr]
        blocs, members, starts, ends = memberships.setdefault(row["membership"], (set(), set(), [], []))
        blocs.add(row["bloc"].value)
        if not isinstance(row["country"], ox.Literal):
            members.add(row["country"].value)
        start = _text(row["start"])
        if start is not None:
            starts.append(_latest(start))
        if row["end"] is not None:
            end = _text(row["end"])
            ends.append(None if end is None else _earliest(end))
    # bloc -> (latest start, earliest end or None when open-ended or no end gives one, members)
    spans: dict[str, list[tuple[str, str | None, bool, set[str]]]] = {}
    for blocs, members, starts, ends in memberships.values():
        if not starts or not members:
            continue
        known_ends = [e for e in ends if e is not None]
        span = (min(starts), max(known_ends) if known_ends else None, bool(ends), members)
        for bloc in blocs:
            if bloc in by_bloc:
                spans.setdefault(bloc, []).append(span)
    wanted = {agreement for bloc in spans for agreement in by_bloc[bloc]}
    days = {agreement: [(_earliest(d), _latest(d)) for d in dates] for agreement, dates in made(store, wanted).items()}
    for bloc, bloc_spans in spans.items():
        for agreement in by_bloc[bloc]:
            for earliest, latest in days.get(agreement, ()):
                for start, end, ended, members in bloc_spans:
                    # a member on the date only when certain: begun by its earliest day, not ended by its latest
                    if start <= earliest and (not ended or (end is not None and end > latest)):
                        found.setdefault(agreement, set()).update(members)
                        via.setdefault(agreement, {}).setdefault(bloc, set()).update(members)
    return found, via


def cooperation(store: ox.Store) -> list[ox.Triple]:
    """The derived cooperation edges (IRIs only: what the OWL reasoner may see), from the store's default graph."""
    return derive(store)[0]


def derive(store: ox.Store) -> tuple[list[ox.Triple], Iterator[ox.Triple]]:
    """The cooperation edges, and the dated nodes only the inferred graph gets (no reasoner sees literals).

    Edges: ``coop:cooperatesWith`` / ``coop:cooperatesThrough`` for agreements that were in
    effect at some time, or have no dated step at all (unknown stays unknown); a planned,
    approved or cancelled-before-signing MOU makes no partner link.  Nodes: each
    agreement's status intervals (:mod:`coopgraph.reason.status`) and one ``coop:Cooperation``
    per country and agreement, naming each partner (``coop:partner``), saying over which period it held (``coop:from``,
    ``coop:until``: the agreement's time in effect; none for one never in effect), and each
    agreement's countries in disjoint groups (:func:`groups`, ``coop:CountryGrouping``).

    The store is read here; the nodes are made as they are iterated (once), from what was
    read: at 100k agreements they are 5M triples, about 2 GB as a Python list.
    """
    import pyoxigraph as ox

    from coopgraph.reason.status import agreement_intervals, in_effect_span

    intervals = agreement_intervals(store)
    countries, via = _taking_part(store)
    spans = {agreement: in_effect_span(intervals.get(agreement, [])) for agreement in countries}
    term = ox.NamedNode
    with_, through = term(COOP._NS + "cooperatesWith"), term(COOP._NS + "cooperatesThrough")
    edges: set[ox.Triple] = set()
    for agreement, a, others in _partners(countries):
        if spans[agreement] is not None or agreement not in intervals:  # no dated step: unknown, not "never made"
            edges.update(ox.Triple(term(a), with_, term(b)) for b in others)
            edges.add(ox.Triple(term(a), through, term(agreement)))
    return sorted(edges, key=str), _nodes(intervals, countries, spans, via)


def _nodes(
    intervals: dict[str, Any],
    countries: dict[str, set[str]],
    spans: dict[str, Any],
    via: dict[str, dict[str, set[str]]],
) -> Iterator[ox.Triple]:
    """The dated nodes of :func:`derive`, in a stable order."""
    import pyoxigraph as ox

    from coopgraph.reason.status import status_triples

    term = ox.NamedNode
    has, kind = term(COOP._NS + "hasCooperation"), term(COOP._NS + "Cooperation")
    partner_p, through_p = term(COOP._NS + "partner"), term(COOP._NS + "through")
    start_p, until_p = term(COOP._NS + "from"), term(COOP._NS + "until")
    rdf_type = term("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    date = term("http://www.w3.org/2001/XMLSchema#date")
    yield from status_triples(intervals)
    for agreement, a, others in _partners(countries):
        span = spans[agreement]
        # one node per country and agreement, naming every partner: per pair, a bloc agreement of
        # 27 members made 702 nodes of five or six triples each (most of the inferred graph at 100k)
        node = term(f"{agreement}/cooperation/{a.rpartition('/')[2]}")
        yield from (
            ox.Triple(term(a), has, node),
            ox.Triple(node, rdf_type, kind),
            ox.Triple(node, through_p, term(agreement)),
        )
        yield from (ox.Triple(node, partner_p, term(b)) for b in others)
        if span is not None:
            yield ox.Triple(node, start_p, ox.Literal(span[0].isoformat(), datatype=date))
            if span[1] is not None:
                yield ox.Triple(node, until_p, ox.Literal(span[1].isoformat(), datatype=date))
    yield from _group_triples(countries, via)


def groups(members: set[str], blocs: dict[str, set[str]]) -> list[frozenset[str]]:
    """The countries taking part in an agreement split into disjoint groups: each bloc's members, each other alone.

    The largest bloc first keeps its members whole (a member that is also a party, or in a second
    bloc, is counted there once), so the same bloc on the same date gives the same group in every
    agreement; a second bloc keeps the members the first did not take.  Every pair of countries
    taking part is then a pair inside one group or across two, once.
    """
    left = set(members)
    found: list[frozenset[str]] = []
    for brought in sorted(blocs.values(), key=lambda s: (-len(s), sorted(s))):
        group = frozenset(brought & left)
        if len(group) > 1:
            found.append(group)
            left -= group
    return found + [frozenset((country,)) for country in sorted(left)]


def group_node(group: frozenset[str]) -> str:
    """The IRI of a group of countries, from its members (the same group is one node wherever it comes from).

    Next to the countries' own IRIs: ``<base>country/x`` -> ``<base>country-group/<hash>``.
    """
    members = sorted(group)
    return f"{members[0].rpartition('/')[0]}-group/{_digest(members)}"


def grouping_node(nodes: list[str]) -> str:
    """The IRI of an agreement's set of groups, from the groups' IRIs: ``<base>country-grouping/<hash>``."""
    nodes = sorted(nodes)
    return f"{nodes[0].rpartition('-group/')[0]}-grouping/{_digest(nodes)}"


def _digest(iris: list[str]) -> str:
    return hashlib.sha1("\n".join(iris).encode("utf-8")).hexdigest()[:16]


def _group_triples(countries: dict[str, set[str]], via: dict[str, dict[str, set[str]]]) -> Iterator[ox.Triple]:
    """Each agreement's grouping (``coop:hasCountryGrouping``), each grouping's groups and each group's members once.

    What lets ``cooperation-network`` count agreements per grouping and status, then expand
    the groupings into pairs of groups and those into pairs of countries: a bloc of 17 made
    272 pairs in each of its agreements, counted one by one before, and agreements between
    the same countries share one grouping.
    """
    import pyoxigraph as ox

    term = ox.NamedNode
    rdf_type = term("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    has_grouping, grouping_kind = term(COOP._NS + "hasCountryGrouping"), term(COOP._NS + "CountryGrouping")
    has_group, group_kind = term(COOP._NS + "hasCountryGroup"), term(COOP._NS + "CountryGroup")
    member = term(COOP._NS + "groupMember")
    named: set[str] = set()
    for agreement in sorted(countries):
        if len(countries[agreement]) < 2:
            continue
        found = {group_node(group): group for group in groups(countries[agreement], via.get(agreement, {}))}
        grouping = grouping_node(list(found))
        yield ox.Triple(term(agreement), has_grouping, term(grouping))
        if grouping in named:
            continue
        named.add(grouping)
        yield ox.Triple(term(grouping), rdf_type, grouping_kind)
        for node in sorted(found):
            yield ox.Triple(term(grouping), has_group, term(node))
            if node not in named:
                named.add(node)
                yield ox.Triple(term(node), rdf_type, group_kind)
                yield from (ox.Triple(term(node), member, term(c)) for c in sorted(found[node]))


def _partners(countries: dict[str, set[str]]) -> Iterator[tuple[str, str, list[str]]]:
    """Each agreement and country taking part in it with another, and those others, all in sorted order."""
    for agreement in sorted(countries):
        members = sorted(countries[agreement])
        if len(members) > 1:
            for a in members:
                yield agreement, a, [b for b in members if b != a]
