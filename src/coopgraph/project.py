"""Project the RDF dataset into networkx graphs for the network views.

RDF is the record; a network view is a projection of it. Entities a person
looks for (countries, organisations, people, agreements, topics, meetings,
places, posts) become typed nodes with labels in English and Thai, variant
names, key facts and source links. The n-ary nodes of the model (signings,
signatures, tenures, bloc memberships, renamings, status changes) are folded
into labelled edges and facts, so the picture stays readable.

Views (:data:`VIEWS`):

- ``all``: the whole knowledge graph;
- ``countries``: countries joined by ``coop:cooperatesWith`` weighted by the
  number of agreements they cooperate through (taken from the inferred graph,
  or derived from the asserted one when the inferred graph lacks them);
- ``ego``: everything within ``depth`` steps of one entity;
- ``topics``: countries joined to the topics of their agreements.

Every node and edge carries ``agreements``: the agreements it stands for, so
the page can filter by agreement (country, topic, kind, status, date).

>>> graph = project(open_store(Path("build")), view="countries")     # doctest: +SKIP
>>> graph.edges["https://w3id.org/coopgraph/id/country/thailand", "...", "cooperates-with"]["weight"]  # doctest: +SKIP
3
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

import networkx as nx
from rdflib import namespace as _rdflib_ns

from coopgraph import vocab as _vocab
from coopgraph.dates import PartialDate, parse_date
from coopgraph.errors import CoopgraphError
from coopgraph.vocab import graph_iri

if TYPE_CHECKING:
    import pyoxigraph as ox

VIEWS = ("all", "countries", "ego", "topics")


class _Names:
    """A namespace whose terms are plain ``str`` IRIs, looked up once (rdflib's ``__getattr__`` is slow)."""

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> str:
        value = str(getattr(self._namespace, name))
        setattr(self, name, value)
        return value


COOP: Any = _Names(_vocab.COOP)
PROV: Any = _Names(_vocab.PROV)
RDF: Any = _Names(_rdflib_ns.RDF)
RDFS: Any = _Names(_rdflib_ns.RDFS)
OWL: Any = _Names(_rdflib_ns.OWL)
SKOS: Any = _Names(_rdflib_ns.SKOS)
DCTERMS: Any = _Names(_rdflib_ns.DCTERMS)

#: node kind -> (English, Thai) name; the order is the legend's.
KINDS: dict[str, tuple[str, str]] = {
    "country": ("Country", "ประเทศ"),
    "igo": ("Intergovernmental organisation", "องค์การระหว่างรัฐบาล"),
    "government": ("Government", "รัฐบาล"),
    "ministry": ("Ministry", "กระทรวง"),
    "agency": ("Government agency", "หน่วยงานของรัฐ"),
    "company": ("Company", "บริษัท"),
    "person": ("Person", "บุคคล"),
    "agreement": ("Agreement", "ความตกลง"),
    "topic": ("Topic", "หัวข้อ"),
    "meeting": ("Meeting", "การประชุม"),
    "place": ("Place", "สถานที่"),
    "post": ("Post", "ตำแหน่ง"),
}
_CLASS_KIND: dict[str, str] = {
    str(COOP.Country): "country",
    str(COOP.IntergovernmentalOrganization): "igo",
    str(COOP.Government): "government",
    str(COOP.Ministry): "ministry",
    str(COOP.GovernmentAgency): "agency",
    str(COOP.Company): "company",
    str(COOP.Person): "person",
    str(COOP.Topic): "topic",
    str(COOP.Meeting): "meeting",
    str(COOP.MeetingSeries): "meeting",
    str(COOP.Place): "place",
    str(COOP.Post): "post",
}
#: agreement class -> (key, English, Thai)
AGREEMENT_KINDS: dict[str, tuple[str, str, str]] = {
    str(COOP.MemorandumOfUnderstanding): (
        "memorandum-of-understanding", "Memorandum of understanding", "บันทึกความเข้าใจ"
    ),
    str(COOP.MemorandumOfCooperation): ("memorandum-of-cooperation", "Memorandum of cooperation", "บันทึกความร่วมมือ"),
    str(COOP.Declaration): ("declaration", "Declaration", "ปฏิญญา"),
    str(COOP.Roadmap): ("roadmap", "Roadmap", "แผนงาน"),
    str(COOP.JointStatement): ("joint-statement", "Joint statement", "แถลงการณ์ร่วม"),
    str(COOP.FrameworkAgreement): ("framework-agreement", "Framework agreement", "ความตกลงกรอบ"),
    str(COOP.Agreement): ("agreement", "Agreement", "ความตกลง"),
}
#: status individual -> (key, English, Thai); "unknown" when no source says.
STATUSES: dict[str, tuple[str, str, str]] = {
    str(COOP.Planned): ("planned", "Planned", "อยู่ระหว่างวางแผน"),
    str(COOP.Announced): ("announced", "Announced", "ประกาศแล้ว"),
    str(COOP.CabinetApproved): ("cabinet-approved", "Cabinet-approved", "คณะรัฐมนตรีอนุมัติแล้ว"),
    str(COOP.Signed): ("signed", "Signed", "ลงนามแล้ว"),
    str(COOP.Adopted): ("adopted", "Adopted", "รับรองแล้ว"),
    str(COOP.InForce): ("in-force", "In force", "มีผลใช้บังคับ"),
    str(COOP.Expired): ("expired", "Expired", "สิ้นสุดแล้ว"),
    str(COOP.Cancelled): ("cancelled", "Cancelled", "ยกเลิกแล้ว"),
}
UNKNOWN_STATUS = ("unknown", "Unknown", "ไม่ทราบ")
#: edge relation -> (English, Thai), as drawn on edges.
RELATIONS: dict[str, tuple[str, str]] = {
    "party": ("party", "ภาคี"),
    "topic": ("topic", "หัวข้อ"),
    "mentions": ("mentions", "กล่าวถึง"),
    "adopted-at": ("adopted at", "รับรองที่"),
    "signed-during": ("signed during", "ลงนามระหว่าง"),
    "signed-at": ("signed at", "ลงนามที่"),
    "signed": ("signed", "ลงนาม"),
    "witnessed": ("witnessed", "เป็นสักขีพยาน"),
    "attended": ("attended signing", "ร่วมพิธีลงนาม"),
    "serves": ("serves", "สังกัด"),
    "member-of": ("member of", "เป็นสมาชิกของ"),
    "held": ("held post", "ดำรงตำแหน่ง"),
    "post-in": ("post in", "ตำแหน่งใน"),
    "renamed-to": ("renamed to", "เปลี่ยนชื่อเป็น"),
    "broader": ("broader", "หัวข้อที่กว้างกว่า"),
    "in-series": ("in series", "ในชุดการประชุม"),
    "part-of": ("part of", "เป็นส่วนหนึ่งของ"),
    "held-at": ("held at", "จัดที่"),
    "host": ("host", "เจ้าภาพ"),
    "chair": ("chair", "ประธาน"),
    "vice-chair": ("vice-chair", "รองประธาน"),
    "participant": ("participant", "ผู้เข้าร่วม"),
    "observer": ("observer", "ผู้สังเกตการณ์"),
    "organizer": ("organiser", "ผู้จัด"),
    "chair-handed-to": ("chair handed to", "ส่งมอบตำแหน่งประธานให้"),
    "in-country": ("in", "ตั้งอยู่ใน"),
    "cooperates-with": ("cooperates with", "ร่วมมือกับ"),
    "cooperates-on": ("cooperates on", "ร่วมมือด้าน"),
}
#: fact key -> (English, Thai) heading in tooltips and the side panel.
FACTS: dict[str, tuple[str, str]] = {
    "type": ("Type", "ประเภท"),
    "signed": ("Signed", "ลงนาม"),
    "signed-at": ("Signed at", "ลงนามที่"),
    "status": ("Status", "สถานะ"),
    "term": ("Term", "ระยะเวลา"),
    "renewal": ("Renewal", "การต่ออายุ"),
    "parties": ("Parties", "ภาคี"),
    "topics": ("Topics", "หัวข้อ"),
    "signatories": ("Signatories", "ผู้ลงนาม"),
    "serves": ("Serves", "สังกัด"),
    "members": ("Members", "สมาชิก"),
    "member-of": ("Member of", "เป็นสมาชิกของ"),
    "renamed": ("Renamed", "เปลี่ยนชื่อ"),
    "posts": ("Posts", "ตำแหน่ง"),
    "organization": ("Organisation", "องค์กร"),
    "dates": ("Dates", "วันที่"),
    "place": ("Place", "สถานที่"),
    "country": ("Country", "ประเทศ"),
    "broader": ("Broader", "หัวข้อที่กว้างกว่า"),
    "definition": ("Definition", "คำนิยาม"),
    "agreements": ("Agreements", "ความตกลง"),
    "wikidata": ("Wikidata", "วิกิสนเทศ"),
    "partners": ("Partners", "ประเทศคู่ร่วมมือ"),
}


class Lit(NamedTuple):
    """A literal as read from the store."""

    value: str
    lang: str
    datatype: str


Term = str | Lit  # an IRI is a plain str


# --------------------------------------------------------------------------- reading the store


@dataclass
class Index:
    """The asserted graph (and the inferred cooperation edges) as dictionaries, for fast walking.

    Built by :func:`read_index`: ``out`` holds the :data:`PREDICATES` the views read,
    ``inv`` (for :meth:`subjects`) only the :data:`INVERSE` ones.
    """

    out: dict[str, dict[str, list[Term]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    inv: dict[str, dict[str, list[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    cooperates_with: set[tuple[str, str]] = field(default_factory=set)
    cooperates_through: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    frozen: bool = False  # every list sorted once, by :meth:`freeze`; no sorting per look-up
    kinds: dict[str, str | None] = field(default_factory=dict)  # kind_of, once frozen

    def add(self, s: str, p: str, o: Term) -> None:
        self.out[s][p].append(o)
        if isinstance(o, str):
            self.inv[o][p].append(s)
        self.frozen = False
        self.kinds.clear()

    def freeze(self) -> Index:
        """Sort every list once (objects by term, subjects by IRI) so look-ups need not."""
        for by_p in self.out.values():
            for found in by_p.values():
                if len(found) > 1:
                    found.sort(key=_term_key)
        for by_p_inv in self.inv.values():
            for subjects in by_p_inv.values():
                if len(subjects) > 1:
                    subjects.sort()
        self.frozen = True
        return self

    def objects(self, s: str, p: object) -> list[Term]:
        """The objects of ``s p``, sorted (lists are sorted once, when the index is frozen)."""
        found = self.out.get(s)
        terms = found.get(p if p.__class__ is str else str(p)) if found else None
        if not terms:
            return []
        return list(terms) if self.frozen else sorted(terms, key=_term_key)

    def iris(self, s: str, p: object) -> list[str]:
        return [o for o in self.objects(s, p) if isinstance(o, str)]

    def iri(self, s: str, p: object) -> str | None:
        found = self.iris(s, p)
        return found[0] if found else None

    def literals(self, s: str, p: object) -> list[Lit]:
        return [o for o in self.objects(s, p) if isinstance(o, Lit)]

    def subjects(self, p: object, o: str) -> list[str]:
        found = self.inv.get(o)
        if not found:
            return []
        subjects = found.get(p if p.__class__ is str else str(p))
        if not subjects:
            return []
        return list(subjects) if self.frozen else sorted(subjects)

    def typed(self, cls: object) -> list[str]:
        wanted = str(cls)
        return sorted(s for s, by_p in self.out.items() if wanted in by_p.get(RDF.type, ()))

    def text(self, s: str, p: object, lang: str) -> str:
        for lit in self.literals(s, p):
            if lit.lang == lang:
                return lit.value
        return ""

    def label(self, s: str, lang: str) -> str:
        """The preferred label in a language, falling back to English, any label, then the IRI's last segment."""
        labels = (self.literals(s, SKOS.prefLabel), self.literals(s, RDFS.label))
        for wanted in (lang, "en"):
            for found in labels:  # as self.text(s, prop, wanted): the first in that language, if not empty
                text = next((lit.value for lit in found if lit.lang == wanted), "")
                if text:
                    return text
        for found in labels:
            if found:
                return found[0].value
        return s.rstrip("/").rsplit("/", 1)[-1]

    def date(self, s: str, p: object) -> PartialDate | None:
        for lit in self.literals(s, p):
            try:
                return _parse_date(lit.value)
            except ValueError:
                continue
        return None


@functools.lru_cache(maxsize=65536)
def _parse_date(text: str) -> PartialDate:
    """:func:`parse_date`, remembered: a large world repeats its dates (a ``PartialDate`` is immutable)."""
    return parse_date(text)


def _term_key(term: Term) -> tuple[str, str, str]:
    return ("", term, "") if isinstance(term, str) else (term.value, term.lang, term.datatype)


#: the predicates the views read; the asserted graph's other triples are never read into the index
PREDICATES: frozenset[str] = frozenset(
    [getattr(COOP, name) for name in (
        "adoptedAt", "attendee", "attestedOn", "bloc", "chair", "chairHandedTo", "date", "duringMeeting", "endDate",
        "hasMembership", "hasParty", "hasSignature", "hasSigning", "hasStatusChange", "hasTenure", "hasTopic", "host",
        "inCapacityOf", "inCountry", "inSeries", "member", "mentions", "observer", "organizer",
        "originalOrganization", "partOfMeeting", "participant", "place", "postIn", "renamedTo", "renewalTerm",
        "resultingOrganization", "serves", "signatory", "startDate", "status", "tenureOf", "term", "url",
        "viceChair", "wikidata", "witness",
    )]
    + [DCTERMS.title, OWL.sameAs, PROV.wasDerivedFrom, RDF.type, RDFS.label, SKOS.altLabel, SKOS.broader,
       SKOS.definition, SKOS.prefLabel]
)
#: the predicates :meth:`Index.subjects` is asked about: only these are indexed backwards by :func:`read_index`
INVERSE: frozenset[str] = frozenset(
    [COOP.bloc, COOP.originalOrganization, COOP.renamedTo, COOP.resultingOrganization]
)


def read_index(store: ox.Store) -> Index:
    """Read the asserted graph (only :data:`PREDICATES`), and the inferred cooperation edges, out of a store.

    Predicate by predicate, so the triples the views never read are never
    turned into Python objects (a quarter of a generated world's).  An
    on-disk store is about 10x slower to read than one in memory (each term is
    looked up on disk): hand over the in-memory store when there is one.
    """
    import pyoxigraph as ox

    index = Index()
    out, inv = index.out, index.inv
    named, literal = ox.NamedNode, ox.Literal
    strings: dict[str, str] = {}  # one str object per IRI: the index of a large store stays small
    one = strings.setdefault
    asserted = str(graph_iri("asserted"))
    for predicate in sorted(PREDICATES):
        inverse = predicate in INVERSE
        # SPARQL rather than quads_for_pattern: only ?s and ?o are decoded, 2x faster on an on-disk store
        rows = store.query(f"SELECT ?s ?o WHERE {{ GRAPH <{asserted}> {{ ?s <{predicate}> ?o }} }}")
        assert isinstance(rows, ox.QuerySolutions)
        for s, o in rows:
            if type(s) is not named:
                continue
            subject = s.value
            subject = one(subject, subject)
            if type(o) is named:
                target = o.value
                target = one(target, target)
                out[subject][predicate].append(target)
                if inverse:
                    inv[target][predicate].append(subject)
            elif type(o) is literal:
                datatype = o.datatype.value
                out[subject][predicate].append(Lit(o.value, o.language or "", one(datatype, datatype)))
    index.freeze()
    inferred = ox.NamedNode(str(graph_iri("inferred")))
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(COOP.cooperatesWith)), None, inferred):
        a, b = quad.subject.value, quad.object.value  # type: ignore[union-attr]
        if a != b:
            index.cooperates_with.add((min(a, b), max(a, b)))
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(COOP.cooperatesThrough)), None, inferred):
        index.cooperates_through[quad.subject.value].add(quad.object.value)  # type: ignore[union-attr]
    return index


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

    def covers(self, date: PartialDate | None) -> bool:
        """Whether a (possibly imprecise) date can fall in the period; an unknown date cannot."""
        if self.open:
            return True
        if date is None:
            return False
        return (self.start is None or latest(date) >= self.start) and (self.end is None or date.earliest() <= self.end)


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


# --------------------------------------------------------------------------- agreements


@dataclass(frozen=True)
class AgreementInfo:
    """What the page filters and lists agreements by."""

    iri: str
    label_en: str
    label_th: str
    kind: str
    date: PartialDate | None
    status: str
    parties: tuple[str, ...]
    countries: tuple[str, ...]  # directly, through a body that serves them, or a bloc they were in then
    topics: tuple[str, ...]  # with every broader topic


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


def status_of(index: Index, agreement: str, date: PartialDate | None) -> tuple[str, str, str]:
    """The latest recorded status, a dated signing counting as ``signed``; unknown when nothing is recorded."""
    order = list(STATUSES)
    changes = []
    for change in index.iris(agreement, COOP.hasStatusChange):
        status = index.iri(change, COOP.status)
        when = index.date(change, COOP.date)
        if status in STATUSES:
            changes.append((when.earliest() if when else dt.date.min, order.index(status)))
    if date is not None:
        changes.append((date.earliest(), order.index(str(COOP.Signed))))
    if changes:
        return STATUSES[order[max(changes)[1]]]
    return UNKNOWN_STATUS


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
        parties = index.iris(node, COOP.hasParty)
        countries: set[str] = set()
        for party in parties:
            countries |= party_countries(index, party, date)
        found[node] = AgreementInfo(
            iri=node,
            label_en=index.label(node, "en"),
            label_th=index.label(node, "th"),
            kind=agreement_kind(index, node)[0],
            date=date,
            status=status_of(index, node, date)[0],
            parties=tuple(parties),
            countries=tuple(sorted(countries)),
            topics=tuple(sorted(broader_closure(index, index.iris(node, COOP.hasTopic)))),
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
    if index.cooperates_with:
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
        facts.append(_fact("signed", *show_date(info.date)))
        places = sorted({p for s in index.iris(node, COOP.hasSigning) for p in index.iris(s, COOP.place)})
        if places:
            facts.append(_fact("signed-at", *_names(index, places)))
        _, st_en, st_th = status_of(index, node, info.date)
        facts.append(_fact("status", st_en, st_th))
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


# --------------------------------------------------------------------------- views


def project(
    store: ox.Store,
    *,
    view: str = "all",
    focus: str | None = None,
    depth: int = 1,
    period: Period | None = None,
    limit: int | None = None,
) -> nx.MultiDiGraph:
    """The networkx graph of a view; nodes and edges are added in sorted order so output is stable.

    With ``limit``, a view of more nodes is capped to that many (:func:`choose`,
    :func:`cap`) and ``graph.graph["omitted"]`` says what was left out.

    Node ids are IRIs; edges are keyed by their relation. Graph attributes:
    ``view``, ``agreements`` (IRI -> :class:`AgreementInfo` of every agreement the
    view stands for), ``labels`` (IRI -> (en, th) of their countries and topics),
    and for the ego view ``focus``.
    """
    return project_index(read_index(store), view=view, focus=focus, depth=depth, period=period, limit=limit)


def project_index(
    index: Index, *, view: str = "all", focus: str | None = None, depth: int = 1, period: Period | None = None,
    limit: int | None = None,
) -> nx.MultiDiGraph:
    if view not in VIEWS:
        raise CoopgraphError(f"--view {view}: choose one of {', '.join(VIEWS)}")
    if view != "ego" and focus is not None:
        raise CoopgraphError("--focus applies to --view ego")
    period = period or Period()
    infos = {iri: info for iri, info in agreements(index).items() if period.covers(info.date)}
    if view == "countries":
        graph = countries_view(index, infos)
    elif view == "topics":
        graph = topics_view(index, infos)
    else:
        graph = all_view(index, infos, filtered=not period.open, limit=limit if view == "all" else None)
        if view == "ego":
            graph = ego_view(graph, focus, depth)
    if limit is not None and "omitted" not in graph.graph and graph.number_of_nodes() > limit:
        graph = cap(graph, limit)
    shown = sorted({a for _, data in graph.nodes(data=True) for a in data["agreements"]})
    graph.graph["view"] = view
    graph.graph["agreements"] = {a: infos[a] for a in shown if a in infos}
    named = {n for info in graph.graph["agreements"].values() for n in (*info.countries, *info.topics)}
    graph.graph["labels"] = {n: (index.label(n, "en"), index.label(n, "th")) for n in sorted(named)}
    return graph


def _new_graph(nodes: Iterable[tuple[str, dict[str, Any]]], edges: Iterable[tuple[str, str, str, dict[str, Any]]]
               ) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(sorted(nodes, key=lambda n: n[0]))
    graph.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1], e[2])))
    return graph


def _sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    nodes = [(n, d) for n, d in graph.nodes(data=True)]
    edges = [(a, b, k, d) for a, b, k, d in graph.edges(keys=True, data=True)]
    return _new_graph(nodes, edges)


def all_view(
    index: Index, infos: dict[str, AgreementInfo], *, filtered: bool = False, limit: int | None = None
) -> nx.MultiDiGraph:
    """The whole knowledge graph; with a date filter, agreements outside it and what hung only on them go.

    With ``limit``, a graph of more nodes keeps only the :func:`choose`-n ones
    (and the edges between them); the structure is worked out for every node,
    the labels, facts and sources only for those kept.  ``graph.graph["omitted"]``
    then tells what was left out (:func:`omitted`).
    """
    every = agreements(index) if filtered else infos
    kinds = {n: k for n in sorted(index.out) if (k := kind_of(index, n))}
    nodes = {n: k for n, k in kinds.items() if not (k == "agreement" and n not in infos)}
    tied: dict[str, set[str]] = defaultdict(set)  # node -> every agreement it hangs on, shown or not
    for info in every.values():
        for node in (info.iri, *info.countries):
            tied[node].add(info.iri)
    merged: dict[tuple[str, str, str], tuple[set[str], list[str]]] = {}
    for node, kind in kinds.items():
        for source, target, relation, agreement, note in _edges(index, node, kind):
            if agreement is not None:
                tied[source].add(agreement)
                tied[target].add(agreement)
                if agreement not in infos:
                    continue
            if source in nodes and target in nodes:
                found = merged.setdefault((source, target, relation), (set(), []))
                if agreement:
                    found[0].add(agreement)
                found[1].append(note)
    def shown(node: str) -> set[str]:  # the agreements a node hangs on that the view shows
        found = tied.get(node) or set()
        return found & infos.keys() if filtered else found

    if filtered:  # drop what hung only on agreements outside the period
        nodes = {n: k for n, k in nodes.items() if not (tied.get(n) and not shown(n))}
        merged = {e: v for e, v in merged.items() if e[0] in nodes and e[1] in nodes}
    left_out = None
    if limit is not None and len(nodes) > limit:
        degree = _degrees(merged)
        keep = choose(nodes, degree, limit)
        left_out = omitted(nodes, len(merged), keep, limit)
        nodes = {n: k for n, k in nodes.items() if n in keep}
        merged = {e: v for e, v in merged.items() if e[0] in keep and e[1] in keep}
    drawn_agreements = {n for n, k in nodes.items() if k == "agreement"}
    graph_nodes = []
    for node, kind in nodes.items():
        data = node_attributes(index, node, kind, infos.get(node))
        data["agreements"] = sorted(shown(node))
        graph_nodes.append((node, data))
    graph_edges = [
        (a, b, relation, edge_attributes(relation, found, note=_merged_note(notes)))
        for (a, b, relation), (found, notes) in merged.items()
    ]
    graph = _new_graph(graph_nodes, graph_edges)
    _add_agreement_count(graph)
    if left_out is not None:  # what the page draws stands for the agreements it draws
        _only_agreements(graph, drawn_agreements)
        graph.graph["omitted"] = left_out
    return graph


def _merged_note(notes: list[str]) -> str:
    """The note of an edge met several times: as :func:`_add_edge` folds them."""
    note = notes[0]
    for more in notes[1:]:
        note = "; ".join(sorted(set(filter(None, [*note.split("; "), more]))))
    return note


# --------------------------------------------------------------------------- large graphs

#: kind -> group: what a capped view keeps first (0), then agreements (1) and organisations (2) by degree,
#: then the rest (3) by degree.
GROUPS: dict[str, int] = {
    "country": 0, "igo": 0, "topic": 0,
    "agreement": 1,
    "government": 2, "ministry": 2, "agency": 2, "company": 2,
    "meeting": 3, "person": 3, "place": 3, "post": 3,
}


def _degrees(edges: Iterable[tuple[str, str, str]]) -> dict[str, int]:
    """Distinct neighbours of each node over the edges (either direction, loops not counted)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b, *_ in edges:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    return {node: len(found) for node, found in neighbours.items()}


def choose(kinds: dict[str, str], degree: dict[str, int], limit: int, *, pinned: Iterable[str] = ()) -> set[str]:
    """The ``limit`` nodes a capped view keeps: deterministic, ties broken by IRI.

    ``pinned`` nodes first (the focus of an ego view); then countries, blocs and
    topics (the map people filter by), most connected first; of the room left,
    up to half goes to the most connected agreements and the rest to the most
    connected organisations (either taking what the other does not use); what
    is still free goes to meetings, people, places and posts by degree.
    """
    keep = [n for n in sorted(set(pinned)) if n in kinds][:limit]
    groups: dict[int, list[str]] = defaultdict(list)
    for node in sorted(kinds, key=lambda n: (-degree.get(n, 0), n)):
        if node not in keep:
            groups[GROUPS.get(kinds[node], 3)].append(node)
    keep += groups[0][: max(0, limit - len(keep))]
    room = limit - len(keep)
    agreements_, organisations = groups[1], groups[2]
    take_agreements = min(len(agreements_), max(room // 2, room - len(organisations)))
    take_organisations = min(len(organisations), room - take_agreements)
    keep += agreements_[:take_agreements] + organisations[:take_organisations]
    keep += groups[3][: max(0, limit - len(keep))]
    return set(keep)


def omitted(kinds: dict[str, str], edges: int, keep: set[str], limit: int) -> dict[str, Any]:
    """What a capped view left out, for the page's note: totals, and nodes left out per kind."""
    per_kind: dict[str, int] = defaultdict(int)
    for node, kind in kinds.items():
        if node not in keep:
            per_kind[kind] += 1
    return {"limit": limit, "nodes": len(kinds), "edges": edges,
            "kinds": {kind: per_kind[kind] for kind in KINDS if per_kind.get(kind)}}


def _only_agreements(graph: nx.MultiDiGraph, drawn: set[str]) -> None:
    """Nodes and edges of a capped view list only the agreements it draws (their count stays in the facts)."""
    for _, data in graph.nodes(data=True):
        data["agreements"] = [a for a in data["agreements"] if a in drawn]
    for _, _, data in graph.edges(data=True):
        data["agreements"] = [a for a in data["agreements"] if a in drawn]


def cap(graph: nx.MultiDiGraph, limit: int) -> nx.MultiDiGraph:
    """A view of at most ``limit`` nodes (:func:`choose`; an ego view keeps its focus), or the graph itself.

    For a projected graph that was not capped as it was built (ego, countries
    and topics views, or ``project`` without ``limit``).  Views that draw
    agreements then list only those; the others keep their agreement lists.
    """
    if graph.number_of_nodes() <= limit:
        return graph
    kinds = {str(n): str(d.get("kind", "")) for n, d in graph.nodes(data=True)}
    degree = _degrees(graph.edges())
    focus = graph.graph.get("focus")
    keep = choose(kinds, degree, limit, pinned=[focus] if focus else [])
    capped = _sorted_copy(graph.subgraph(keep))  # attribute dicts of its own: the caller's graph is not touched
    capped.graph.update(graph.graph)
    left_out = omitted(kinds, graph.number_of_edges(), keep, limit)
    drawn = {n for n in keep if kinds[n] == "agreement"}
    if drawn:
        _only_agreements(capped, drawn)
        infos = graph.graph.get("agreements", {})
        capped.graph["agreements"] = {a: infos[a] for a in sorted(drawn) if a in infos}
    capped.graph["omitted"] = left_out
    return capped


def _add_agreement_count(graph: nx.MultiDiGraph) -> None:
    for _, data in graph.nodes(data=True):
        if data["kind"] != "agreement" and data["agreements"]:
            data["facts"].append(_fact("agreements", str(len(data["agreements"]))))


def countries_view(index: Index, infos: dict[str, AgreementInfo]) -> nx.MultiDiGraph:
    """Countries joined by cooperation, each edge weighted by the agreements it stands for."""
    pairs = cooperation(index, infos)
    per_country: dict[str, set[str]] = defaultdict(set)
    for info in infos.values():
        for country in info.countries:
            per_country[country].add(info.iri)
    for (a, b), shared in pairs.items():  # the reasoner may know of cooperation the rule above does not
        per_country[a] |= shared
        per_country[b] |= shared
    nodes = []
    for country in sorted(per_country):
        data = node_attributes(index, country, "country", None)
        data["agreements"] = sorted(per_country[country])
        partners = sorted({b if a == country else a for a, b in pairs if country in (a, b)})
        if partners:
            data["facts"].append(_fact("partners", *_names(index, partners)))
        nodes.append((country, data))
    edges = []
    for (a, b), shared in sorted(pairs.items()):
        edges.append((a, b, "cooperates-with", edge_attributes("cooperates-with", shared, weight=len(shared))))
    graph = _new_graph(nodes, edges)
    _add_agreement_count(graph)
    return graph


def topics_view(index: Index, infos: dict[str, AgreementInfo]) -> nx.MultiDiGraph:
    """Countries joined to the topics their agreements cover (with broader topics), weighted by agreements."""
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for info in infos.values():
        for country in info.countries:
            for topic in info.topics:
                links[(country, topic)].add(info.iri)
    per_node: dict[str, set[str]] = defaultdict(set)
    for (country, topic), shared in links.items():
        per_node[country] |= shared
        per_node[topic] |= shared
    nodes = []
    for node in sorted(per_node):
        kind = "country" if node in {c for c, _ in links} else "topic"
        data = node_attributes(index, node, kind, None)
        data["agreements"] = sorted(per_node[node])
        nodes.append((node, data))
    edges = [
        (c, t, "cooperates-on", edge_attributes("cooperates-on", shared, weight=len(shared)))
        for (c, t), shared in links.items()
    ]
    topics = {n for n, d in nodes if d["kind"] == "topic"}
    for topic in sorted(topics):
        for broader in index.iris(topic, SKOS.broader):
            if broader in topics:
                edges.append((topic, broader, "broader", edge_attributes("broader", [])))
    graph = _new_graph(nodes, edges)
    _add_agreement_count(graph)
    return graph


def resolve_focus(graph: nx.MultiDiGraph, focus: str) -> str:
    """A node from an IRI, a path end (``country/thailand``), a slug (``thailand``) or an exact label."""
    if focus in graph:
        return focus
    matches: list[str] = sorted(n for n in graph if n.endswith("/" + focus.strip("/")))
    if not matches:
        wanted = focus.casefold()
        matches = sorted(
            n for n, d in graph.nodes(data=True)
            if wanted in (d["label_en"].casefold(), d["label_th"].casefold(), *(a.casefold() for a in d["alt"]))
        )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise CoopgraphError(f"--focus {focus}: no such entity in the graph (give its id, e.g. country/thailand)")
    raise CoopgraphError(f"--focus {focus}: ambiguous, one of: {', '.join(matches[:10])}")


def ego_view(graph: nx.MultiDiGraph, focus: str | None, depth: int) -> nx.MultiDiGraph:
    """Everything within ``depth`` steps (either direction) of one entity."""
    if focus is None:
        raise CoopgraphError("--view ego needs --focus ID (e.g. --focus country/thailand)")
    if depth < 0:
        raise CoopgraphError(f"--depth {depth}: must be 0 or more")
    centre = resolve_focus(graph, focus)
    near = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), centre, cutoff=depth)
    ego = _sorted_copy(graph.subgraph(near).copy())
    ego.graph["focus"] = centre
    return ego
