"""What a view says about a node: agreement dates, kinds and status, the parties' countries, the
facts shown in tooltips and the side panel, and the edges a node draws."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import networkx as nx

from coopgraph.curate.dates import PartialDate, parse_date, parse_edtf
from coopgraph.curate.lifecycle import ENDED, IN_EFFECT, PENDING
from coopgraph.errors import CoopgraphError
from coopgraph.views.index import Index
from coopgraph.views.labels import (
    _CLASS_KIND,
    AGREEMENT_KINDS,
    COOP,
    DCTERMS,
    KINDS,
    OWL,
    PROV,
    RDF,
    RDFS,
    RELATIONS,
    SKOS,
    UNKNOWN_STATUS,
)

# --------------------------------------------------------------------------- dates


@dataclass(frozen=True)
class Period:
    """An inclusive date range for ``--from`` / ``--to``; either end may be open."""

    start: dt.date | None = None
    end: dt.date | None = None

    @classmethod
    def parse(cls, start: str | None, end: str | None) -> Period:
        """``Period.parse("2020", "2024-06")`` covers 2020-01-01 to 2024-06-30."""
        try:
            first = parse_date(start).earliest() if start else None
            last = latest(parse_date(end)) if end else None
        except ValueError as error:
            raise CoopgraphError(f"--from/--to: {error}") from None
        if first and last and first > last:
            raise CoopgraphError(f"--from {start} is after --to {end}")
        return cls(first, last)

    @property
    def open(self) -> bool:
        return self.start is None and self.end is None

    def covers(self, date: PartialDate | When | None) -> bool:
        """Whether a (possibly imprecise or uncertain) date can fall in the period; an unknown date cannot."""
        if self.open:
            return True
        if date is None:
            return False
        if isinstance(date, When):
            first, last = date.earliest, date.latest
            if first is None and last is None:
                return False
        else:
            first, last = date.earliest(), latest(date)
        return (self.start is None or last is None or last >= self.start) and (
            self.end is None or first is None or first <= self.end)


def latest(date: PartialDate) -> dt.date:
    """The last day a date of some precision can mean: ``2024`` -> 2024-12-31."""
    first = date.earliest()
    if date.precision == "year":
        return dt.date(first.year, 12, 31)
    if date.precision == "month":
        following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return first


def show_date(date: PartialDate | None) -> tuple[str, str]:
    """A date for people, English and Thai (with the Buddhist-era year)."""
    if date is None:
        return "unknown", "ไม่ทราบ"
    return date.text, f"{date.text} (พ.ศ. {date.buddhist()})"


# --------------------------------------------------------------------------- uncertain dates in words

MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")
MONTHS_TH = ("มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
             "ตุลาคม", "พฤศจิกายน", "ธันวาคม")


@dataclass(frozen=True)
class When:
    """An event's date as a reader should see it: in words (English, Thai) and the days it may fall on.

    A plain date reads as its ISO text; an EDTF-uncertain one (``2022~``,
    ``2022-05/2022-07``, sources disagreeing) in words, so it never shows as
    undated, and ``earliest``/``latest`` (None: unbounded) place it in a time window.
    """

    en: str
    th: str
    earliest: dt.date | None
    latest: dt.date | None
    uncertain: bool = False


def _day_words(date: PartialDate) -> tuple[str, str]:
    parts = date.text.split("-")
    year, year_th = parts[0], str(date.year + 543)
    if date.precision == "year":
        return year, f"พ.ศ. {year_th}"
    month = int(parts[1]) - 1
    if date.precision == "month":
        return f"{MONTHS_EN[month]} {year}", f"{MONTHS_TH[month]} {year_th}"
    return f"{int(parts[2])} {MONTHS_EN[month]} {year}", f"{int(parts[2])} {MONTHS_TH[month]} {year_th}"


def _one_words(text: str) -> tuple[str, str]:
    """One EDTF date (no range) in words: ``2022~`` -> about 2022; ``XXXX-05-12`` -> 12 May, year unknown."""
    found = parse_edtf(text)
    if "year-unknown" in found.qualifiers:
        parts = found.edtf.rstrip("?~%").split("-")
        month = int(parts[1]) - 1
        day = f"{int(parts[2])} " if len(parts) > 2 else ""
        en, th = f"{day}{MONTHS_EN[month]}, year unknown", f"{day}{MONTHS_TH[month]} ไม่ทราบปี"
    else:
        assert found.exact is not None
        en, th = _day_words(found.exact)
    if "approximate" in found.qualifiers:
        en, th = f"about {en}", f"ประมาณ {th}"
    if "uncertain" in found.qualifiers:
        en, th = f"{en} (uncertain)", f"{th} (ไม่แน่ชัด)"
    return en, th


def edtf_words(text: str) -> tuple[str, str]:
    """An EDTF date in words, English and Thai: "about 2022", "between May and July 2022", "2022 or later"."""
    if "/" not in text:
        return _one_words(text)
    start, _, end = text.partition("/")
    if start in ("", ".."):
        en, th = _one_words(end)
        return f"{en} or earlier", f"ไม่เกิน {th}"
    if end in ("", ".."):
        en, th = _one_words(start)
        return f"{en} or later", f"ตั้งแต่ {th}"
    (a_en, a_th), (b_en, b_th) = _one_words(start), _one_words(end)
    a_words, b_words = a_en.split(" "), b_en.split(" ")
    if a_words[-1] == b_words[-1] and a_words[-1].isdigit() and len(a_words) == len(b_words) and len(a_words) > 1:
        a_en = " ".join(a_words[:-1])  # "between May and July 2022", "between 21 and 22 November 2024"
        if len(a_words) == 3 and a_words[1] == b_words[1]:
            a_en = a_words[0]
    return f"between {a_en} and {b_en}", f"ระหว่าง {a_th} ถึง {b_th}"


def _host(url: str) -> str:
    return url.split("//", 1)[-1].split("/", 1)[0].removeprefix("www.")


def event_when(index: Index, node: str) -> When | None:
    """The date of an event node (signing, status change): plain, EDTF-uncertain, inferred or disputed."""
    exact = index.date(node, COOP.date)
    first = next((lit.value for lit in index.literals(node, COOP.earliest)), "")
    last = next((lit.value for lit in index.literals(node, COOP.latest)), "")
    edtf = next((lit.value for lit in index.literals(node, COOP.edtf)), "")
    claims = index.iris(node, COOP.dateClaim)
    if exact is None and not edtf and not claims and not first and not last:
        return None
    bounds = (dt.date.fromisoformat(first) if first else None, dt.date.fromisoformat(last) if last else None)
    if exact is not None and not bounds[0]:
        bounds = (exact.earliest(), latest(exact))
    if claims:
        parts_en, parts_th = [], []
        for claim in claims:
            text = next((lit.value for lit in index.literals(claim, COOP.edtf)), "")
            if not text:
                continue
            en, th = edtf_words(text)
            hosts = ", ".join(sorted({_host(u[0]) for u in _sources(index, [claim])}))
            parts_en.append(f"{en} ({hosts})" if hosts else en)
            parts_th.append(f"{th} ({hosts})" if hosts else th)
        en, th = "disputed: " + " / ".join(parts_en), "แหล่งข้อมูลไม่ตรงกัน: " + " / ".join(parts_th)
    elif edtf and (edtf != (exact.text if exact else "")):
        en, th = edtf_words(edtf)
    elif exact is not None:
        en, th = show_date(exact)
    else:
        en, th = edtf_words(edtf) if edtf else ("unknown", "ไม่ทราบ")
    reason_en, reason_th = index.text(node, COOP.inferredFrom, "en"), index.text(node, COOP.inferredFrom, "th")
    if reason_en or reason_th:
        en += f" (inferred: {reason_en or reason_th})"
        th += f" (อนุมานจาก: {reason_th or reason_en})"
    uncertain = bool(claims or (edtf and edtf != (exact.text if exact else "")) or reason_en or reason_th)
    return When(en, th, bounds[0], bounds[1], uncertain)


def agreement_when(index: Index, agreement: str) -> tuple[When | None, bool]:
    """When an agreement was made, for the time window and the per-year count: the first signing, else a step
    that made it (signed, adopted), else its first recorded step (a planned MOU's plan); and whether it was made."""
    def first(nodes: Iterable[str]) -> When | None:
        found = [w for n in nodes if (w := event_when(index, n)) is not None]
        return min(found, key=lambda w: (w.earliest or dt.date.max, w.en)) if found else None

    changes = index.iris(agreement, COOP.hasStatusChange)
    made = {str(COOP.Signed), str(COOP.Adopted)}
    found = first(index.iris(agreement, COOP.hasSigning)) or first(
        c for c in changes if index.iri(c, COOP.status) in made)
    return (found, True) if found else (first(changes), False)


def status_phase(status: str) -> str:
    """``pending``, ``in-effect``, ``ended`` or ``unknown``: the phases the status filter offers (lifecycle.py)."""
    return "pending" if status in PENDING else "in-effect" if status in IN_EFFECT else "ended" if status in ENDED \
        else "unknown"


# --------------------------------------------------------------------------- agreements


@dataclass(frozen=True)
class AgreementInfo:
    """What the page filters and lists agreements by."""

    iri: str
    label_en: str
    label_th: str
    kind: str
    date: PartialDate | None
    status: str  # the last recorded status (the page shows the status on the viewer's date, from ``intervals``)
    parties: tuple[str, ...]
    countries: tuple[str, ...]  # directly, through a body that serves them, or a bloc they were in then
    topics: tuple[str, ...]  # with every broader topic
    when: When | None = None  # when it was made (or first recorded), in words, with the days it may mean
    made: bool = True  # ``when`` is a signing or adoption, not a pending step
    intervals: tuple[tuple[str, str, str], ...] = ()  # (status, from, until or "") from the reasoning stage


def kind_of(index: Index, node: str) -> str | None:
    """The node kind of an entity worth drawing, or None for the model's n-ary nodes."""
    if index.frozen:
        if node not in index.kinds:
            index.kinds[node] = _kind_of(index, node)
        return index.kinds[node]
    return _kind_of(index, node)


def _kind_of(index: Index, node: str) -> str | None:
    found = index.out.get(node)
    listed = found.get(RDF.type) if found else None
    if not listed:
        return None
    types = {t for t in listed if isinstance(t, str)}
    if not types.isdisjoint(AGREEMENT_KINDS):
        return "agreement"
    for cls, kind in _CLASS_KIND.items():
        if cls in types:
            return kind
    return None


def agreement_kind(index: Index, node: str) -> tuple[str, str, str]:
    types = set(index.iris(node, RDF.type))
    for cls, described in AGREEMENT_KINDS.items():
        if cls in types:
            return described
    return AGREEMENT_KINDS[str(COOP.Agreement)]


def signing_date(index: Index, agreement: str) -> PartialDate | None:
    """The first signing date, else the date it was recorded signed or adopted."""
    dates = [d for s in index.iris(agreement, COOP.hasSigning) if (d := index.date(s, COOP.date))]
    if not dates:
        for change in index.iris(agreement, COOP.hasStatusChange):
            signed = index.iri(change, COOP.status) in (str(COOP.Signed), str(COOP.Adopted))
            if signed and (d := index.date(change, COOP.date)):
                dates.append(d)
    return min(dates, key=lambda d: (d.earliest(), d.text)) if dates else None


def status_of(index: Index, agreement: str, date: PartialDate | None = None) -> str:
    """The last status the reasoning stage's intervals give (``unknown`` when none): for Python callers only;
    the page evaluates the intervals on the viewer's date."""
    found = index.intervals.get(agreement)
    return found[-1][0] if found else UNKNOWN_STATUS[0]


def member_then(index: Index, membership: str, date: PartialDate | None) -> bool:
    """Whether a bloc membership held on a date; for an unknown date, only an unbounded membership counts."""
    start, end = index.date(membership, COOP.startDate), index.date(membership, COOP.endDate)
    if date is None:
        return start is None and end is None
    return (start is None or start.earliest() <= latest(date)) and (end is None or latest(end) >= date.earliest())


def party_countries(index: Index, party: str, date: PartialDate | None) -> set[str]:
    """The countries a party stands for on a date: itself, the country a body serves, a bloc's members then."""
    types = set(index.iris(party, RDF.type))
    if str(COOP.Country) in types:
        return {party}
    found = set(index.iris(party, COOP.serves))
    for membership in index.subjects(COOP.bloc, party):
        if member_then(index, membership, date):
            found.update(index.iris(membership, COOP.member))
    return found


def broader_closure(index: Index, topics: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(topics)
    while todo:
        topic = todo.pop()
        if topic not in seen:
            seen.add(topic)
            todo.extend(index.iris(topic, SKOS.broader))
    return seen


def agreements(index: Index) -> dict[str, AgreementInfo]:
    """Every agreement with its date, status, parties, countries and topics, by IRI (sorted)."""
    found: dict[str, AgreementInfo] = {}
    for node in sorted(n for n in index.out if kind_of(index, n) == "agreement"):
        date = signing_date(index, node)
        when, made = agreement_when(index, node)
        parties = index.iris(node, COOP.hasParty)
        countries: set[str] = set(index.taking_part.get(node, ()))  # the reasoning stage's rule, where it applies
        if not countries:
            for party in parties:
                countries |= party_countries(index, party, date)
        found[node] = AgreementInfo(
            iri=node,
            label_en=index.label(node, "en"),
            label_th=index.label(node, "th"),
            kind=agreement_kind(index, node)[0],
            date=date,
            status=status_of(index, node),
            parties=tuple(parties),
            countries=tuple(sorted(countries)),
            topics=tuple(sorted(broader_closure(index, index.iris(node, COOP.hasTopic)))),
            when=when,
            made=made,
            intervals=tuple(index.intervals.get(node, ())),
        )
    return found


def cooperation(index: Index, infos: dict[str, AgreementInfo]) -> dict[tuple[str, str], set[str]]:
    """Country pairs and the agreements they cooperate through, limited to ``infos``.

    The reasoner's ``coop:cooperatesWith`` / ``coop:cooperatesThrough`` are used
    when the inferred graph has them; otherwise the same rule is applied to the
    asserted graph: two countries cooperate when they are parties to the same
    agreement directly, through a body serving them, or through a bloc they
    belonged to when it was signed.
    """
    derived: dict[str, set[str]] = defaultdict(set)
    for info in infos.values():
        for country in info.countries:
            derived[country].add(info.iri)
    through = {c: a & infos.keys() for c, a in index.cooperates_through.items()} if index.cooperates_through else {}
    pairs: dict[tuple[str, str], set[str]] = {}
    if index.cooperates_with and not index.taking_part:  # the dated nodes hold every agreement, in effect or not
        for a, b in sorted(index.cooperates_with):
            shared = (through.get(a, set()) & through.get(b, set())) if through else (derived[a] & derived[b])
            if shared:
                pairs[(a, b)] = shared
        return pairs
    countries = sorted(derived)
    for i, a in enumerate(countries):
        for b in countries[i + 1 :]:
            if shared := derived[a] & derived[b]:
                pairs[(a, b)] = shared
    return pairs


# --------------------------------------------------------------------------- nodes


def _fact(key: str, en: str, th: str | None = None) -> list[str]:
    return [key, en, en if th is None else th]


def _names(index: Index, nodes: Iterable[str]) -> tuple[str, str]:
    nodes = list(nodes)
    return ", ".join(index.label(n, "en") for n in nodes), ", ".join(index.label(n, "th") for n in nodes)


def _span(index: Index, node: str) -> tuple[str, str]:
    start, end = index.date(node, COOP.startDate), index.date(node, COOP.endDate)
    if start is None and end is None:
        return "", ""
    s_en, s_th = show_date(start) if start else ("…", "…")
    e_en, e_th = show_date(end) if end else ("…", "…")
    return f"{s_en} – {e_en}", f"{s_th} – {e_th}"


def _sources(index: Index, nodes: Iterable[str]) -> list[list[str]]:
    """``[url, title en, title th]`` of every source the nodes were derived from, sorted by URL."""
    found: dict[str, list[str]] = {}
    for node in nodes:
        for source in index.iris(node, PROV.wasDerivedFrom):
            url = next((lit.value for lit in index.literals(source, COOP.url)), "")
            if not url:
                continue
            title_en = index.text(source, DCTERMS.title, "en") or index.label(source, "en")
            title_th = index.text(source, DCTERMS.title, "th") or title_en
            found[url] = [url, title_en, title_th]
    return [found[url] for url in sorted(found)]


def _alt_labels(index: Index, node: str) -> list[str]:
    found = {lit.value for lit in index.literals(node, SKOS.altLabel)}
    found |= {lit.value for p in (SKOS.prefLabel, RDFS.label) for lit in index.literals(node, p)}
    found -= {index.label(node, "en"), index.label(node, "th")}
    return sorted(found)


def _sub_nodes(index: Index, node: str, kind: str) -> list[str]:
    """The n-ary nodes whose sources count as the node's own."""
    subs = [node]
    if kind == "agreement":
        signings = index.iris(node, COOP.hasSigning)
        subs += signings + index.iris(node, COOP.hasStatusChange)
        subs += [sig for s in signings for sig in index.iris(s, COOP.hasSignature)]
    elif kind == "person":
        subs += index.iris(node, COOP.hasTenure)
    elif kind == "country":
        subs += index.iris(node, COOP.hasMembership)
    elif kind == "igo":
        subs += index.subjects(COOP.bloc, node)
    if kind in ("igo", "government", "ministry", "agency", "company"):
        subs += index.subjects(COOP.resultingOrganization, node) + index.subjects(COOP.originalOrganization, node)
    return subs


def node_facts(index: Index, node: str, kind: str, info: AgreementInfo | None) -> list[list[str]]:
    """Key facts ``[key, value en, value th]`` shown in tooltips and the side panel."""
    kind_en, kind_th = KINDS[kind]
    facts = [_fact("type", kind_en, kind_th)]
    if info is not None:
        _, ak_en, ak_th = agreement_kind(index, node)
        facts[0] = _fact("type", ak_en, ak_th)
        if info.when is not None and not info.made:
            facts.append(_fact("recorded", info.when.en, info.when.th))
        else:
            facts.append(_fact("signed", *((info.when.en, info.when.th) if info.when else show_date(None))))
        places = sorted({p for s in index.iris(node, COOP.hasSigning) for p in index.iris(s, COOP.place)})
        if places:
            facts.append(_fact("signed-at", *_names(index, places)))
        if term := index.literals(node, COOP.term):
            facts.append(_fact("term", term[0].value))
        if renewal := index.literals(node, COOP.renewalTerm):
            facts.append(_fact("renewal", renewal[0].value))
        facts.append(_fact("parties", *_names(index, info.parties)))
        if topics := index.iris(node, COOP.hasTopic):
            facts.append(_fact("topics", *_names(index, topics)))
        people = sorted(
            {p for s in index.iris(node, COOP.hasSigning) for sig in index.iris(s, COOP.hasSignature)
             for p in index.iris(sig, COOP.signatory)}
        )
        if people:
            facts.append(_fact("signatories", *_names(index, people)))
    if served := index.iris(node, COOP.serves):
        facts.append(_fact("serves", *_names(index, served)))
    if kind == "country":
        blocs = []
        for membership in index.iris(node, COOP.hasMembership):
            for bloc in index.iris(membership, COOP.bloc):
                span_en, span_th = _span(index, membership)
                blocs.append((index.label(bloc, "en") + (f" ({span_en})" if span_en else ""),
                               index.label(bloc, "th") + (f" ({span_th})" if span_th else "")))
        if blocs:
            facts.append(_fact("member-of", "; ".join(b[0] for b in blocs), "; ".join(b[1] for b in blocs)))
    if kind == "igo":
        members = sorted({m for ms in index.subjects(COOP.bloc, node) for m in index.iris(ms, COOP.member)})
        if members:
            facts.append(_fact("members", *_names(index, members)))
    renamed = [(a, b) for b in index.iris(node, COOP.renamedTo) for a in [node]]
    renamed += [(a, node) for a in index.subjects(COOP.renamedTo, node)]
    if renamed:
        en = "; ".join(f"{index.label(a, 'en')} → {index.label(b, 'en')}" for a, b in renamed)
        th = "; ".join(f"{index.label(a, 'th')} → {index.label(b, 'th')}" for a, b in renamed)
        facts.append(_fact("renamed", en, th))
    if kind == "person":
        posts_en, posts_th = [], []
        for tenure in index.iris(node, COOP.hasTenure):
            for post in index.iris(tenure, COOP.tenureOf):
                span_en, span_th = _span(index, tenure)
                seen = [d.value for d in index.literals(tenure, COOP.attestedOn)]
                when_en = span_en or (f"seen {', '.join(seen)}" if seen else "")
                when_th = span_th or (f"พบ {', '.join(seen)}" if seen else "")
                posts_en.append(index.label(post, "en") + (f" ({when_en})" if when_en else ""))
                posts_th.append(index.label(post, "th") + (f" ({when_th})" if when_th else ""))
        if posts_en:
            facts.append(_fact("posts", "; ".join(posts_en), "; ".join(posts_th)))
    if kind == "post" and (orgs := index.iris(node, COOP.postIn)):
        facts.append(_fact("organization", *_names(index, orgs)))
    if kind == "meeting":
        span_en, span_th = _span(index, node)
        if span_en:
            facts.append(_fact("dates", span_en, span_th))
        if places := index.iris(node, COOP.place):
            facts.append(_fact("place", *_names(index, places)))
    if kind == "place" and (countries := index.iris(node, COOP.inCountry)):
        facts.append(_fact("country", *_names(index, countries)))
    if kind == "topic":
        if broader := index.iris(node, SKOS.broader):
            facts.append(_fact("broader", *_names(index, broader)))
        if definition := index.text(node, SKOS.definition, "en"):
            facts.append(_fact("definition", definition, index.text(node, SKOS.definition, "th") or definition))
    if qid := index.literals(node, COOP.wikidata):
        facts.append(_fact("wikidata", qid[0].value))
    elif same := [o for o in index.iris(node, OWL.sameAs) if "wikidata.org" in o]:
        facts.append(_fact("wikidata", same[0].rsplit("/", 1)[-1]))
    return facts


def node_attributes(index: Index, node: str, kind: str, info: AgreementInfo | None) -> dict[str, Any]:
    """Everything the page and the exports show of one node."""
    return {
        "kind": kind,
        "label_en": index.label(node, "en"),
        "label_th": index.label(node, "th"),
        "alt": _alt_labels(index, node),
        "facts": node_facts(index, node, kind, info),
        "sources": _sources(index, _sub_nodes(index, node, kind)),
        "agreements": [],
    }


# --------------------------------------------------------------------------- edges


Edge = tuple[str, str, str, str | None, str]
_SIMPLE_EDGES: dict[str, str] = {
    COOP.postIn: "post-in", COOP.renamedTo: "renamed-to", SKOS.broader: "broader", COOP.inSeries: "in-series",
    COOP.partOfMeeting: "part-of", COOP.host: "host", COOP.chair: "chair", COOP.viceChair: "vice-chair",
    COOP.participant: "participant", COOP.observer: "observer", COOP.organizer: "organizer",
    COOP.chairHandedTo: "chair-handed-to", COOP.inCountry: "in-country",
}


def _edges(index: Index, node: str, kind: str) -> Iterator[Edge]:
    """``(source, target, relation, agreement or None, note)`` for the edges starting at a node."""
    agreement = node if kind == "agreement" else None
    if kind == "agreement":
        for party in index.iris(node, COOP.hasParty):
            yield node, party, "party", agreement, ""
        for topic in index.iris(node, COOP.hasTopic):
            yield node, topic, "topic", agreement, ""
        for other in index.iris(node, COOP.mentions):
            yield node, other, "mentions", agreement, ""
        for meeting in index.iris(node, COOP.adoptedAt):
            yield node, meeting, "adopted-at", agreement, ""
        for signing in index.iris(node, COOP.hasSigning):
            for meeting in index.iris(signing, COOP.duringMeeting):
                yield node, meeting, "signed-during", agreement, ""
            for place in index.iris(signing, COOP.place):
                yield node, place, "signed-at", agreement, ""
            when = index.date(signing, COOP.date)
            on = when.text if when else ""
            for person in index.iris(signing, COOP.witness):
                yield person, node, "witnessed", agreement, on
            for person in index.iris(signing, COOP.attendee):
                yield person, node, "attended", agreement, on
            for signature in index.iris(signing, COOP.hasSignature):
                posts = [index.label(p, "en") for p in index.iris(signature, COOP.inCapacityOf)]
                for person in index.iris(signature, COOP.signatory):
                    yield person, node, "signed", agreement, "; ".join(filter(None, [on, *posts]))
    have = index.out.get(node) or {}  # only the properties the node has are looked at
    if COOP.serves in have:
        for country in index.iris(node, COOP.serves):
            yield node, country, "serves", None, ""
    if COOP.hasMembership in have:
        for membership in index.iris(node, COOP.hasMembership):
            for bloc in index.iris(membership, COOP.bloc):
                yield node, bloc, "member-of", None, _span(index, membership)[0]
    if COOP.hasTenure in have:
        for tenure in index.iris(node, COOP.hasTenure):
            for post in index.iris(tenure, COOP.tenureOf):
                yield node, post, "held", None, _span(index, tenure)[0]
    for prop, relation in _SIMPLE_EDGES.items():
        if prop in have:
            for other in index.iris(node, prop):
                yield node, other, relation, None, ""
    if kind == "meeting":
        for place in index.iris(node, COOP.place):
            yield node, place, "held-at", None, ""


def _add_edge(graph: nx.MultiDiGraph, source: str, target: str, relation: str, agreements: Iterable[str],
              note: str = "") -> None:
    if graph.has_edge(source, target, relation):
        data = graph.edges[source, target, relation]
        data["agreements"] = sorted(set(data["agreements"]) | set(agreements))
        data["note"] = "; ".join(sorted(set(filter(None, [*data["note"].split("; "), note]))))
        return
    graph.add_edge(source, target, relation, **edge_attributes(relation, agreements, note=note))


def edge_attributes(relation: str, agreements: Iterable[str], *, note: str = "", weight: int = 1) -> dict[str, Any]:
    en, th = RELATIONS[relation]
    return {"relation": relation, "label_en": en, "label_th": th, "agreements": sorted(agreements),
            "weight": weight, "note": note}


