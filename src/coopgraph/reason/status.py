"""An agreement's status on any date, computed in one place.

Sources record steps (planned, announced, approved, cabinet-approved, signed, adopted,
in force, renewed, expired, terminated, cancelled, superseded), a term
(``P5Y``) and a renewal rule; an analyst asks "what was it on 2025-06-01?".
:func:`status_intervals` turns the steps into half-open intervals
``[start, until)`` with one status each, and :func:`status_on` reads one off.
The reasoning stage writes the intervals into the inferred graph
(:func:`status_triples`) so SPARQL can filter by date, and the explorer calls
the same function, so the two never disagree.

Rules, each because a source-faithful answer needs it:

- a step holds from the first day its date can mean (``2024-11`` counts from
  2024-11-01) until the next step;
- a dated signing is a ``signed`` step, an adoption at a dated meeting an
  ``adopted`` step (the data often records them only there);
- steps before conclusion never go backwards: a ``planned`` entry after a
  cabinet approval keeps ``cabinet-approved``, and a plain ``approved`` after
  it adds nothing (a cabinet's approval is the more specific one); once concluded, later pending
  steps are ignored;
- the term runs from entry into force when recorded, else from conclusion;
  when it ends with no end step recorded first, the agreement is ``expired`` -
  or ``renewed`` (open-ended) under an automatic renewal; a ``renewed`` step
  starts a new term (the renewal term, else the term);
- the first end (expired, terminated, cancelled, superseded) ends it; only a
  later ``renewed``/``signed``/``in-force`` step revives it.

Phases: ``pending`` (planned, announced, approved, cabinet-approved), ``in-effect``
(signed, adopted, in-force, renewed) and ``ended``; before any step the status
is ``unknown``.

>>> [(i.status, str(i.start), i.until and str(i.until)) for i in status_intervals([("signed", "2022-11-07")], "P5Y", None)]
[('signed', '2022-11-07', '2027-11-07'), ('expired', '2027-11-07', None)]
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from coopgraph.curate.lifecycle import ENDED, FILTERS, IN_EFFECT, PENDING, STATUSES, UNKNOWN
from coopgraph.graph.vocab import COOP

__all__ = ["ENDED", "FILTERS", "IN_EFFECT", "PENDING", "STATUSES", "UNKNOWN"]

if TYPE_CHECKING:
    import pyoxigraph as ox

PHASES = ("in-effect", "pending", "ended", UNKNOWN)

_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T.*)?$")


def phase(status: str) -> str:
    """``pending``, ``in-effect``, ``ended`` or ``unknown``."""
    if status in PENDING:
        return "pending"
    if status in IN_EFFECT:
        return "in-effect"
    if status in ENDED:
        return "ended"
    return UNKNOWN


def status_iri(status: str) -> str:
    """The ontology individual of a status code: ``in-force`` -> ``coop:InForce``."""
    return COOP._NS + "".join(part.capitalize() for part in status.split("-"))


def status_code(iri: str) -> str:
    """The status code of an ontology individual: ``coop:CabinetApproved`` -> ``cabinet-approved``."""
    local = iri.rpartition("#")[2]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "-", local).lower()


@dataclass(frozen=True)
class Interval:
    """One status held from ``start`` (inclusive) until ``until`` (exclusive; None: still)."""

    status: str
    start: dt.date
    until: dt.date | None

    @property
    def phase(self) -> str:
        return phase(self.status)

    def holds_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day < self.until)


def first_day(text: str) -> dt.date:
    """The first day a partial date (``2024``, ``2024-11``, ``2024-11-21``) can mean."""
    parts = [int(p) for p in text[:10].split("-")] + [1, 1]
    return dt.date(parts[0], parts[1], parts[2])


def add_duration(day: dt.date, duration: str) -> dt.date:
    """``day`` plus an xsd:duration of years, months, weeks and days (a day past a month's end is clamped)."""
    match = _DURATION.match(duration)
    if not match:
        raise ValueError(f"not a duration: {duration!r}")
    years, months, weeks, days = (int(g) if g else 0 for g in match.groups())
    month_index = day.month - 1 + months
    year = day.year + years + month_index // 12
    month = month_index % 12 + 1
    moved = dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
    return moved + dt.timedelta(weeks=weeks, days=days)


def status_intervals(
    steps: Iterable[tuple[str, str]], term: str | None = None, renewal: tuple[bool, str | None] | None = None
) -> list[Interval]:
    """The status intervals of an agreement from its dated steps ``(status, date text)``, term and renewal.

    ``renewal`` is ``(automatic, renewal term or None)``.  Steps may come in any
    order; ties on a day keep lifecycle order.
    """
    ordered = sorted(
        ((first_day(date), STATUSES.index(status), status) for status, date in steps if status in STATUSES),
    )
    changes: list[tuple[dt.date, str]] = []
    current: str | None = None
    term_end: dt.date | None = None
    in_force_recorded = any(status == "in-force" for _, _, status in ordered)

    def expire_until(day: dt.date | None) -> None:
        nonlocal current, term_end
        while term_end is not None and current in IN_EFFECT and (day is None or term_end <= day):
            when, term_end = term_end, None
            if renewal is not None and renewal[0]:
                current = "renewed"  # renews itself from now on, until a step ends it
            else:
                current = "expired"
            changes.append((when, current))

    for day, _, status in ordered:
        expire_until(day)
        if current is not None and phase(current) == "pending" and status in PENDING:
            if PENDING.index(status) <= PENDING.index(current):
                continue
        elif current is not None and phase(current) in ("in-effect", "ended") and status in PENDING:
            continue
        elif current in IN_EFFECT and status in IN_EFFECT and status != "renewed":
            if status == "in-force" and current != "in-force":
                term_end = add_duration(day, term) if term else None
                current = status
                changes.append((day, status))
            continue
        elif current in ENDED and status in ENDED:
            continue
        if status in IN_EFFECT:
            restart = status == "renewed" or current not in IN_EFFECT
            if restart:
                length = (renewal[1] if status == "renewed" and renewal and renewal[1] else None) or term
                starts_term = status in ("in-force", "renewed") or not in_force_recorded
                term_end = add_duration(day, length) if length and starts_term else None
        else:
            term_end = None
        current = status
        changes.append((day, status))
    expire_until(None)
    return _intervals(changes)


def _intervals(changes: Sequence[tuple[dt.date, str]]) -> list[Interval]:
    merged: list[tuple[dt.date, str]] = []
    for day, status in changes:
        if merged and merged[-1][0] == day:
            merged[-1] = (day, status)  # two steps on one day: the later one holds
        elif not merged or merged[-1][1] != status:
            merged.append((day, status))
    return [
        Interval(status, day, merged[i + 1][0] if i + 1 < len(merged) else None) for i, (day, status) in enumerate(merged)
    ]


def status_on(intervals: Sequence[Interval], day: dt.date) -> str:
    """The status on a day (``unknown`` before the first recorded step)."""
    for interval in intervals:
        if interval.holds_on(day):
            return interval.status
    return UNKNOWN


def matches(status: str, wanted: str) -> bool:
    """Whether a status passes a query's status filter (see :data:`FILTERS`)."""
    return wanted == "any" or wanted == status or wanted == phase(status)


# --------------------------------------------------------------------------- the graph
STEPS = f"""PREFIX coop: <{COOP._NS}>
SELECT ?agreement ?status ?date WHERE {{
  {{ ?agreement coop:hasStatusChange ?change . ?change coop:status ?status ; coop:date ?date . }}
  UNION {{ ?agreement coop:hasSigning ?signing . ?signing coop:date ?date . BIND(coop:Signed AS ?status) }}
  UNION {{ ?signing coop:signingOf ?agreement ; coop:date ?date . BIND(coop:Signed AS ?status) }}
  UNION {{ ?agreement coop:adoptedAt ?meeting . ?meeting coop:startDate ?date . BIND(coop:Adopted AS ?status)
           FILTER NOT EXISTS {{ ?agreement coop:hasStatusChange/coop:status coop:Adopted }} }}
}}"""
TERMS = f"""PREFIX coop: <{COOP._NS}>
SELECT ?agreement ?term ?automatic ?renewalTerm WHERE {{
  {{ ?agreement coop:term ?term }} UNION {{ ?agreement coop:automaticRenewal ?automatic }}
  UNION {{ ?agreement coop:renewalTerm ?renewalTerm }}
}}"""


def agreement_intervals(store: ox.Store) -> dict[str, list[Interval]]:
    """Every agreement's status intervals, read from the store's default graph (the asserted facts)."""
    steps: dict[str, set[tuple[str, str]]] = {}
    for row in store.query(STEPS):  # type: ignore[union-attr]
        code = status_code(row["status"].value)
        if code in STATUSES:
            steps.setdefault(row["agreement"].value, set()).add((code, row["date"].value))
    terms: dict[str, dict[str, str]] = {}
    for row in store.query(TERMS):  # type: ignore[union-attr]
        facts = terms.setdefault(row["agreement"].value, {})
        for name in ("term", "automatic", "renewalTerm"):
            if row[name] is not None:
                facts[name] = row[name].value
    found = {}
    for agreement in sorted(steps):
        facts = terms.get(agreement, {})
        renewal = (facts["automatic"] == "true", facts.get("renewalTerm")) if "automatic" in facts else None
        found[agreement] = status_intervals(sorted(steps[agreement]), facts.get("term"), renewal)
    return found


def interval_node(agreement: str, index: int) -> str:
    """The IRI of an agreement's n-th status interval (1-based): minted from the agreement's IRI, so stable."""
    return f"{agreement}/status/{index}"


def status_triples(intervals: dict[str, list[Interval]]) -> Iterator[ox.Triple]:
    """The interval nodes for the inferred graph: ``coop:hasStatusInterval [status, phase, from, until]``."""
    import pyoxigraph as ox

    date = ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")
    has, kind = ox.NamedNode(COOP._NS + "hasStatusInterval"), ox.NamedNode(COOP._NS + "StatusInterval")
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    status_p, phase_p = ox.NamedNode(COOP._NS + "status"), ox.NamedNode(COOP._NS + "phase")
    start_p, until_p = ox.NamedNode(COOP._NS + "from"), ox.NamedNode(COOP._NS + "until")
    for agreement, found in intervals.items():
        for i, interval in enumerate(found, start=1):
            node = ox.NamedNode(interval_node(agreement, i))
            yield ox.Triple(ox.NamedNode(agreement), has, node)
            yield ox.Triple(node, rdf_type, kind)
            yield ox.Triple(node, status_p, ox.NamedNode(status_iri(interval.status)))
            yield ox.Triple(node, phase_p, ox.Literal(interval.phase))
            yield ox.Triple(node, start_p, ox.Literal(interval.start.isoformat(), datatype=date))
            if interval.until is not None:
                yield ox.Triple(node, until_p, ox.Literal(interval.until.isoformat(), datatype=date))


def in_effect_span(intervals: Sequence[Interval]) -> tuple[dt.date, dt.date | None] | None:
    """From the first day in effect until the end of the last in-effect interval (None: still, or never in effect)."""
    spans = [i for i in intervals if i.phase == "in-effect"]
    if not spans:
        return None
    return spans[0].start, spans[-1].until
