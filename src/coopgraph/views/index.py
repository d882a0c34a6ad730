"""The asserted graph read once from the store into dictionaries the views walk (:class:`Index`)."""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from coopgraph.curate.dates import PartialDate, parse_date
from coopgraph.curate.lifecycle import STATUSES
from coopgraph.graph.vocab import ONTOLOGY_IRI, graph_iri
from coopgraph.views.labels import COOP, DCTERMS, OWL, PROV, RDF, RDFS, SHORT_TITLE, SKOS, Lit, Term

if TYPE_CHECKING:
    import pyoxigraph as ox


# --------------------------------------------------------------------------- reading the store


@dataclass
class Index:
    """The asserted graph (and the inferred cooperation edges) as dictionaries, for fast walking.

    Built by :func:`read_index`: ``out`` holds the :data:`PREDICATES` the views read,
    ``inv`` (for :meth:`subjects`) only the :data:`INVERSE` ones.
    """

    out: dict[str, dict[str, Sequence[Term]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    inv: dict[str, dict[str, Sequence[str]]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))
    cooperates_with: set[tuple[str, str]] = field(default_factory=set)
    cooperates_through: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    frozen: bool = False  # every list sorted once, by :meth:`freeze`; no sorting per look-up
    kinds: dict[str, str | None] = field(default_factory=dict)  # kind_of, once frozen
    #: agreement -> its status intervals ``(status, from, until or "")`` in order, as the reasoning stage wrote
    #: them (``coop:StatusInterval`` in the inferred graph; :mod:`coopgraph.reason.status` computes them)
    intervals: dict[str, list[tuple[str, str, str]]] = field(default_factory=dict)
    #: agreement -> the countries taking part in it alongside another country (``coop:Cooperation`` nodes)
    taking_part: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    def add(self, s: str, p: str, o: Term) -> None:
        _append(self.out[s], p, o)
        if isinstance(o, str):
            _append(self.inv[o], p, s)
        self.frozen = False
        self.kinds.clear()

    def freeze(self) -> Index:
        """Sort every list once (objects by term, subjects by IRI) so look-ups need not.

        The lists become tuples: most hold one term, and a tuple of one takes half
        the memory of a list grown by ``append`` (a few hundred MB at 100k agreements).
        """
        for by_p in self.out.values():
            for p, found in by_p.items():
                by_p[p] = tuple(sorted(found, key=_term_key)) if len(found) > 1 else tuple(found)
        for by_p_inv in self.inv.values():
            for p, subjects in by_p_inv.items():
                by_p_inv[p] = tuple(sorted(subjects))
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


def _append(by_p: dict[str, Any], p: str, term: Any) -> None:
    """Add a term under ``p`` (a frozen index holds tuples: that one becomes a list again)."""
    found = by_p.get(p)
    if found.__class__ is not list:
        found = by_p[p] = list(found or ())
    found.append(term)


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
        # the explorer's agreement details and short titles (views/titles.py)
        "abbreviation", "areaNumber", "automaticRenewal", "hasArea", "onBehalfOf",
        # uncertain dates (curate/dates.py EDTF) and disputed roles, for the side panel
        "aboutPerson", "certainty", "claimedRole", "dateClaim", "dateQualifier", "earliest", "edtf", "inferredFrom",
        "latest", "roleCertainty", "roleClaim",
    )]
    + [DCTERMS.title, OWL.sameAs, PROV.wasDerivedFrom, RDF.type, RDFS.label, SKOS.altLabel, SKOS.broader,
       SKOS.definition, SKOS.note, SKOS.prefLabel, SHORT_TITLE]
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
    out: Any = index.out  # lists while reading (tuples once frozen)
    inv: Any = index.inv
    named, literal = ox.NamedNode, ox.Literal
    strings: dict[str, str] = {}  # one str object per IRI: the index of a large store stays small
    one = strings.setdefault
    literals: dict[Lit, Lit] = {}  # one Lit per distinct literal: a fifth of them are distinct (dates, labels repeat)
    same = literals.setdefault
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
                lit = Lit(o.value, o.language or "", one(datatype, datatype))
                out[subject][predicate].append(same(lit, lit))
    index.freeze()
    inferred = ox.NamedNode(str(graph_iri("inferred")))
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(COOP.cooperatesWith)), None, inferred):
        a, b = quad.subject.value, quad.object.value  # type: ignore[union-attr]
        if a != b:
            index.cooperates_with.add((min(a, b), max(a, b)))
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(COOP.cooperatesThrough)), None, inferred):
        index.cooperates_through[quad.subject.value].add(quad.object.value)  # type: ignore[union-attr]
    read_dated(store, index)
    return index


_NS = str(ONTOLOGY_IRI) + "#"
#: status individual (``coop:InForce``) -> code (``in-force``), for every status the lifecycle module knows
STATUS_CODES: dict[str, str] = {_NS + "".join(p.capitalize() for p in code.split("-")): code for code in STATUSES}


def read_dated(store: ox.Store, index: Index) -> None:
    """The status intervals and dated cooperation the reasoning stage wrote into the inferred graph.

    Every build has them (``--reasoner none`` too): the explorer evaluates the
    intervals on the viewer's date, as the saved queries do on ``as_of``.
    """
    inferred = f"<{graph_iri('inferred')}>"
    rows = store.query(f"""PREFIX coop: <{_NS}>
SELECT ?agreement ?status ?from ?until WHERE {{ GRAPH {inferred} {{
  ?agreement coop:hasStatusInterval ?interval . ?interval coop:status ?status ; coop:from ?from .
  OPTIONAL {{ ?interval coop:until ?until }} }} }}""")
    found: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for row in rows:  # type: ignore[union-attr]
        code = STATUS_CODES.get(row["status"].value)
        if code is not None:
            until = row["until"]
            found[row["agreement"].value].append((code, row["from"].value, until.value if until is not None else ""))
    index.intervals = {a: sorted(found[a], key=lambda i: i[1]) for a in sorted(found)}
    rows = store.query(f"""PREFIX coop: <{_NS}>
SELECT DISTINCT ?country ?agreement WHERE {{ GRAPH {inferred} {{
  ?country coop:hasCooperation ?cooperation . ?cooperation coop:through ?agreement . }} }}""")
    for row in rows:  # type: ignore[union-attr]
        index.taking_part[row["agreement"].value].add(row["country"].value)


