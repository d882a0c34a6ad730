"""Stage 2: turn curated records into the asserted graph.  The only place IRIs are minted.

Each record becomes an individual under the configurable base
(``https://w3id.org/coopgraph/id/<kind>/<slug>``); n-ary facts (a signing, a
signature, a tenure, a bloc membership, a renaming, a status change, a
numbered area) become nodes of their own with IRIs derived from their
parent's, so the output has no blank nodes and is stable.

>>> graph = asserted_graph(curate(Path("data")))     # doctest: +SKIP
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from typing import Any

import rdflib
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from coopgraph.curate import model as m
from coopgraph.curate.checker import World
from coopgraph.curate.dates import EventDate, PartialDate, parse_date, parse_edtf
from coopgraph.curate.yamlread import PathKey, YamlDocument
from coopgraph.errors import CoopgraphError, Location
from coopgraph.graph import vocab
from coopgraph.graph.origins import Origins
from coopgraph.graph.vocab import DEFAULT_BASE, WD, individual
from coopgraph.perf import without_gc

Triple = tuple[Node, Node, Node]
_parse_date = functools.lru_cache(maxsize=None)(parse_date)  # a world repeats its dates
_parse_edtf = functools.lru_cache(maxsize=None)(parse_edtf)


class _Terms:
    """A namespace whose terms are looked up once, then read as plain attributes.

    rdflib's closed namespaces spend ~4 µs on every ``COOP.hasParty``; a world
    of 100k agreements asks millions of times.  The first lookup still goes
    through the namespace, so a misspelt term still raises.
    """

    def __init__(self, namespace: Any) -> None:
        self._namespace = namespace

    def __getattr__(self, name: str) -> URIRef:
        term: URIRef = getattr(self._namespace, name)
        setattr(self, name, term)
        return term


COOP: Any = _Terms(vocab.COOP)
PROV: Any = _Terms(vocab.PROV)
OWL: Any = _Terms(rdflib.OWL)
RDF: Any = _Terms(rdflib.RDF)
RDFS: Any = _Terms(rdflib.RDFS)
SKOS: Any = _Terms(rdflib.SKOS)
XSD: Any = _Terms(rdflib.XSD)
DCTERMS: Any = _Terms(rdflib.namespace.DCTERMS)

ACTOR_CLASSES = {
    "country": COOP.Country,
    "intergovernmental-organization": COOP.IntergovernmentalOrganization,
    "government": COOP.Government,
    "ministry": COOP.Ministry,
    "government-agency": COOP.GovernmentAgency,
    "company": COOP.Company,
}
AGREEMENT_CLASSES = {
    "memorandum-of-understanding": COOP.MemorandumOfUnderstanding,
    "memorandum-of-cooperation": COOP.MemorandumOfCooperation,
    "declaration": COOP.Declaration,
    "roadmap": COOP.Roadmap,
    "joint-statement": COOP.JointStatement,
    "framework-agreement": COOP.FrameworkAgreement,
    "agreement": COOP.Agreement,
}
STATUSES = {
    "planned": COOP.Planned,
    "announced": COOP.Announced,
    "approved": COOP.Approved,
    "cabinet-approved": COOP.CabinetApproved,
    "signed": COOP.Signed,
    "adopted": COOP.Adopted,
    "in-force": COOP.InForce,
    "renewed": COOP.Renewed,
    "expired": COOP.Expired,
    "terminated": COOP.Terminated,
    "cancelled": COOP.Cancelled,
    "superseded": COOP.Superseded,
}
QUALIFIERS = {
    "approximate": COOP.Approximate,
    "uncertain": COOP.Uncertain,
    "range": COOP.WithinRange,
    "year-unknown": COOP.YearUnknown,
    "disputed": COOP.SourcesDisagree,
}
LEVELS = {
    "heads-of-state-or-government": COOP.HeadsOfStateOrGovernment,
    "foreign-ministers": COOP.ForeignMinisters,
    "sector-ministers": COOP.SectorMinisters,
    "agencies": COOP.Agencies,
    "companies": COOP.Companies,
}
ROLES = {"signatory": COOP.SignatoryRole, "witness": COOP.WitnessRole, "attendee": COOP.AttendeeRole}
PRECISIONS = {"day": COOP.DayPrecision, "month": COOP.MonthPrecision, "year": COOP.YearPrecision}
DATATYPES = {"day": XSD.date, "month": XSD.gYearMonth, "year": XSD.gYear}


def date_literal(date: PartialDate) -> Literal:
    """A date as a literal whose datatype is its precision."""
    return Literal(date.text, datatype=DATATYPES[date.precision])


def asserted_graph(world: World, *, base: str = DEFAULT_BASE) -> Graph:
    """The asserted graph of a curated world (rdflib, no prefixes but ours)."""
    return populate(world, base=base)[0]


@without_gc
def populate(world: World, *, base: str = DEFAULT_BASE) -> tuple[Graph, dict[URIRef, Location]]:
    """The asserted graph, and for each node minted the place its record was written.

    The second value lets later checks (SHACL, the reasoner) point a curator at
    the YAML that produced a node.
    """
    minter = _Minter(world, base)
    graph = Graph(bind_namespaces="none")
    graph.addN((s, p, o, graph) for s, p, o in minter.triples())
    return graph, minter.origins


def ntriples(world: World, *, base: str = DEFAULT_BASE) -> tuple[bytes, dict[str, Location]]:
    """The same asserted graph as :func:`populate`, as N-Triples (UTF-8), with no rdflib Graph.

    What a store loads when nothing needs the rdflib API: about 10× faster
    than building the Graph and a fraction of its memory (a Graph of a million
    triples takes gigabytes).  The origins are keyed by the IRI's text.

    >>> text, _ = ntriples(curate(Path("tests/data/tiny")))   # doctest: +SKIP
    >>> store.bulk_load(text, pyoxigraph.RdfFormat.N_TRIPLES)  # doctest: +SKIP
    """
    minter = _NTriplesMinter(world, base, trace=True)
    text = b"".join(_chunks(minter))
    return text, minter.origins


def ntriples_chunks(world: World, *, base: str = DEFAULT_BASE, lines: int = 20_000) -> Iterator[bytes]:
    """:func:`ntriples` as a stream of N-Triples chunks, without origins: memory stays flat.

    For loading a big world straight into a store (``write_ntriples_store``):
    the whole text of 100k agreements would take gigabytes, a chunk takes
    a few.
    """
    return _chunks(_NTriplesMinter(world, base, trace=False), lines)


def traced_ntriples(
    world: World, *, base: str = DEFAULT_BASE, lines: int = 20_000
) -> tuple[Iterator[bytes], Origins]:
    """:func:`ntriples_chunks` with origins: they fill in as the stream is read.

    What the build loads: memory stays flat (no whole text), and every node
    can still be traced back to its YAML record once the stream is consumed.
    """
    minter = _NTriplesMinter(world, base, trace=True, origins=Origins())
    return _chunks(minter, lines), minter.origins


Streamed = Iterable[tuple[m.Agreement, YamlDocument, PathKey]]
"""Checked agreements one at a time, each with its document and path (``Curation.agreements()``)."""
StreamedSources = Iterable[tuple[m.Source, YamlDocument, PathKey]]
"""Checked sources one at a time, each with its document and path (``Curation.sources()``)."""


def streamed_ntriples(
    registries: World,
    agreements: Streamed,
    *,
    sources: StreamedSources | None = None,
    base: str = DEFAULT_BASE,
    lines: int = 20_000,
) -> tuple[Iterator[bytes], Origins]:
    """:func:`traced_ntriples` of a world whose agreements (and ``sources``) come one at a time and are not kept.

    ``registries`` holds every record but the agreements (all an agreement's
    triples need: its parties' and sources' kinds); each agreement is minted
    as it arrives and dropped.  With ``sources``, the sources too: they are
    minted first, as they are read, and ``registries`` is filled with the
    other registries once they are all read (``Curation.sources()`` does
    that).  The text is the same, in the same order.
    """
    minter = _NTriplesMinter(registries, base, trace=True, origins=Origins())

    def triples() -> Iterator[Triple]:
        yield from minter.registry_triples(sources)
        for agreement, doc, path in agreements:
            yield from minter.streamed_agreement(agreement, doc, path)
        yield from minter.package_triples()

    return _chunks(minter, lines, triples()), minter.origins


def _chunks(minter: _NTriplesMinter, lines: int = 20_000, triples: Iterable[Triple] | None = None) -> Iterator[bytes]:
    batch: list[str] = []
    append = batch.append
    for s, p, o in minter.triples() if triples is None else triples:
        obj: object = o  # a literal as N-Triples text (_NTerm), or an IRI's text
        append(f"<{s}> <{p}> {obj} .\n" if type(obj) is _NTerm else f"<{s}> <{p}> <{obj}> .\n")
        if len(batch) >= lines:
            yield "".join(batch).encode("utf-8")
            batch.clear()
    if batch:
        yield "".join(batch).encode("utf-8")


class _Minter:
    """Holds the world and the base while records are turned into triples."""

    def __init__(self, world: World, base: str, origins: Any = None) -> None:
        self.world = world
        self.base = base
        self.origins: Any = {} if origins is None else origins  # node -> Location (a dict, or compact Origins)
        self.current = ""
        self.site: tuple[YamlDocument, PathKey] | None = None
        """Where the current record was read, when it is not in the world (a streamed agreement)."""

    # -- terms (overridden by _NTriplesMinter, which makes N-Triples text instead) --
    def mint(self, kind: str, slug: str) -> URIRef:
        return individual(kind, slug, base=self.base)

    def lit(self, value: object, *, lang: str | None = None, datatype: URIRef | None = None) -> Node:
        return Literal(value, lang=lang, datatype=datatype)

    # -- IRIs ---------------------------------------------------------------
    def iri(self, ident: str) -> URIRef:
        """The IRI of any curated id, by the registry it lives in."""
        w = self.world
        if ident in w.actors:
            kind = "country" if w.actors[ident].kind == "country" else "organization"
        elif ident in w.people:
            kind = "person"
        elif ident in w.places:
            kind = "place"
        elif ident in w.posts:
            kind = "post"
        elif ident in w.topics:
            kind = "topic"
        elif ident in w.meetings:
            kind = "meeting"
        elif ident in w.sources or ident in w.streamed_sources:
            kind = "source"
        elif ident in w.packages:
            kind = "package"
        else:
            kind = "agreement"
        return self.mint(kind, ident)

    def sub(self, kind: str, slug: str, *at: int | str) -> URIRef:
        """A node of an n-ary fact inside the current record, traced to the YAML at ``at``."""
        node = self.mint(kind, slug)
        self.origins[node] = self.where(*at)
        return node

    def record(self, ident: str) -> URIRef:
        """The node of a top-level record; later sub-nodes are traced to it."""
        node = self.iri(ident)
        self.current = ident
        self.origins[node] = self.where()
        return node

    def where(self, *at: int | str) -> Location:
        """Where the current record wrote the field at ``at`` (nothing: its id)."""
        if self.site is not None:
            doc, path = self.site
            return doc.location((*path, *at) if at else (*path, "id"))
        return self.world.location(self.current, *at) if at else self.world.origins[self.current]

    # -- helpers --------------------------------------------------------------
    def names(self, node: URIRef, record: m.Named | m.Agreement, names: dict[str, str]) -> Iterator[Triple]:
        for lang, text in sorted(names.items()):
            yield node, RDFS.label, self.lit(text, lang=lang)
            yield node, SKOS.prefLabel, self.lit(text, lang=lang)
        alt = record.alt_titles if isinstance(record, m.Agreement) else record.alt_names
        for lang, texts in sorted((alt or {}).items()):
            for text in texts:
                yield node, SKOS.altLabel, self.lit(text, lang=lang)
        for lang in sorted(getattr(record, "curator_labels", ())):
            yield node, COOP.curatorLabel, self.lit(names[lang], lang=lang)  # the same label, marked as ours
        for lang, text in sorted((getattr(record, "abbreviation", None) or {}).items()):
            yield node, COOP.abbreviation, self.lit(text, lang=lang)
            yield node, SKOS.altLabel, self.lit(text, lang=lang)
        yield from self.texts(node, SKOS.note, record.note)

    def texts(self, node: URIRef, prop: URIRef, texts: dict[str, str] | None) -> Iterator[Triple]:
        for lang, text in sorted((texts or {}).items()):
            yield node, prop, self.lit(text, lang=lang)

    def sources(self, node: URIRef, sources: Iterable[str]) -> Iterator[Triple]:
        for ident in sources:
            yield node, PROV.wasDerivedFrom, self.iri(ident)

    def date(self, node: URIRef, prop: URIRef, text: str | None, *, precision: bool = False) -> Iterator[Triple]:
        if text is None or text == "unknown":
            return
        date = _parse_date(text)
        yield node, prop, self.lit(date.text, datatype=DATATYPES[date.precision])
        if precision:
            yield node, COOP.datePrecision, PRECISIONS[date.precision]

    def event_date(
        self, node: URIRef, value: str | m.DisputedDate | None, inferred_from: dict[str, str] | None, *at: int | str
    ) -> Iterator[Triple]:
        """The date of an event: coop:date where it is an xsd date, its bounds, and EDTF text and qualifiers.

        Every event date gets coop:earliest/coop:latest (the days it may mean,
        for period queries); a plain stated date adds coop:date and
        coop:datePrecision, as before.  Anything else adds coop:edtf and a
        coop:dateQualifier per doubt; each value of a disputed date becomes a
        coop:DateClaim with its sources.
        """
        if value is None or value == "unknown":
            return
        if isinstance(value, m.DisputedDate):
            when = m.event_date(value)
            assert when is not None
            for k, claim in enumerate(value.values, start=1):
                node_slug = str(node).rsplit("/", 2)
                claim_node = self.sub("date-claim", f"{node_slug[-2]}-{node_slug[-1]}-{k}", *at, "date", "values", k - 1)
                yield node, COOP.dateClaim, claim_node
                yield claim_node, RDF.type, COOP.DateClaim
                yield from self._date_terms(claim_node, _parse_edtf(claim.date), None, claim=True)
                yield from self.texts(claim_node, SKOS.note, claim.note)
                yield from self.sources(claim_node, claim.sources)
        else:
            when = _parse_edtf(value)
        yield from self._date_terms(node, when, inferred_from)

    def _date_terms(
        self, node: URIRef, when: EventDate, inferred_from: dict[str, str] | None, *, claim: bool = False
    ) -> Iterator[Triple]:
        if when.exact is not None:
            yield node, COOP.date, self.lit(when.exact.text, datatype=DATATYPES[when.exact.precision])
            yield node, COOP.datePrecision, PRECISIONS[when.exact.precision]
        # bounds on every event date, plain ones too: period queries then compare days, on any engine
        if when.earliest is not None:
            yield node, COOP.earliest, self.lit(when.earliest.isoformat(), datatype=XSD.date)
        if when.latest is not None:
            yield node, COOP.latest, self.lit(when.latest.isoformat(), datatype=XSD.date)
        if when.plain and not inferred_from and not claim:
            return
        yield node, COOP.edtf, self.lit(when.edtf)
        for qualifier in when.qualifiers:
            yield node, COOP.dateQualifier, QUALIFIERS[qualifier]
        if inferred_from:
            yield node, COOP.dateQualifier, COOP.Inferred
            yield from self.texts(node, COOP.inferredFrom, inferred_from)

    def links(self, node: URIRef, prop: URIRef, idents: Iterable[str] | str | None) -> Iterator[Triple]:
        if idents is None:
            return
        for ident in [idents] if isinstance(idents, str) else idents:
            yield node, prop, self.iri(ident)

    # -- records --------------------------------------------------------------
    def triples(self) -> Iterator[Triple]:
        yield from self.registry_triples()
        for agreement in self.world.agreements.values():
            yield from self.agreement(agreement)
        yield from self.package_triples()

    def streamed_agreement(self, agreement: m.Agreement, doc: YamlDocument, path: PathKey) -> Iterator[Triple]:
        """An agreement not in the world, traced to the document it was read from."""
        return self._streamed(self.agreement(agreement), doc, path)

    def _streamed(self, triples: Iterator[Triple], doc: YamlDocument, path: PathKey) -> Iterator[Triple]:
        self.site = (doc, path)
        try:
            yield from triples
        finally:
            self.site = None

    def registry_triples(self, sources: StreamedSources | None = None) -> Iterator[Triple]:
        """Every record before the agreements: sources, actors, places, posts, people, topics, meetings.

        ``sources``: the sources one at a time, not in the world (then the
        rest of the world is read only once they are all minted).
        """
        w = self.world
        yield COOP.topics, RDF.type, SKOS.ConceptScheme
        if sources is None:
            for source in w.sources.values():
                yield from self.source(source)
        else:
            for source, doc, path in sources:
                yield from self._streamed(self.source(source), doc, path)
        for actor in w.actors.values():
            yield from self.actor(actor)
        for place in w.places.values():
            node = self.record(place.id)
            yield node, RDF.type, COOP.Place
            yield from self.names(node, place, place.name)
            yield from self.links(node, COOP.inCountry, place.country)
            yield from self.wikidata(node, place.wikidata)
            yield from self.sources(node, place.sources)
        for post in w.posts.values():
            node = self.record(post.id)
            yield node, RDF.type, COOP.Post
            yield from self.names(node, post, post.name)
            yield from self.links(node, COOP.postIn, post.organization)
            yield from self.sources(node, post.sources)
        for person in w.people.values():
            yield from self.person(person)
        for topic in w.topics.values():
            node = self.record(topic.id)
            yield node, RDF.type, COOP.Topic
            yield node, SKOS.inScheme, COOP.topics
            yield from self.names(node, topic, topic.name)
            yield from self.texts(node, SKOS.definition, topic.definition)
            yield from self.links(node, SKOS.broader, topic.broader)
            if not topic.broader:
                yield node, SKOS.topConceptOf, COOP.topics
            yield from self.sources(node, topic.sources)
        for meeting in w.meetings.values():
            yield from self.meeting(meeting)

    def package_triples(self) -> Iterator[Triple]:
        """The records after the agreements: the packages (of agreements)."""
        for package in self.world.packages.values():
            yield from self.package(package)

    def package(self, package: m.Package) -> Iterator[Triple]:
        node = self.record(package.id)
        yield node, RDF.type, COOP.AgreementPackage
        yield from self.names(node, package, package.name)
        for member in package.members:
            yield node, COOP.packageMember, self.iri(member)
            yield self.iri(member), COOP.inPackage, node
        if package.size is not None:
            yield node, COOP.packageSize, self.lit(package.size)
        yield from self.event_date(node, package.date, package.inferred_from)
        yield from self.links(node, COOP.place, package.place)
        yield from self.links(node, COOP.duringMeeting, package.meeting)
        if package.level:
            yield node, COOP.level, LEVELS[package.level]
        yield from self.sources(node, package.sources)

    def source(self, source: m.Source) -> Iterator[Triple]:
        node = self.record(source.id)
        yield node, RDF.type, COOP.SourceDocument
        yield node, COOP.url, self.lit(source.url, datatype=XSD.anyURI)
        yield from self.texts(node, DCTERMS.title, source.title)
        yield from self.texts(node, RDFS.label, source.title or {"en": source.url})
        yield from self.texts(node, COOP.publisherName, source.publisher)
        yield from self.date(node, DCTERMS.issued, source.date)
        if source.language:
            yield node, DCTERMS.language, self.lit(source.language)

    def wikidata(self, node: URIRef, qid: str | None) -> Iterator[Triple]:
        if qid:
            yield node, OWL.sameAs, WD[qid]
            yield node, COOP.wikidata, self.lit(qid)

    def actor(self, actor: m.Actor) -> Iterator[Triple]:
        node = self.record(actor.id)
        yield node, RDF.type, ACTOR_CLASSES[actor.kind]
        yield from self.names(node, actor, actor.name)
        yield from self.links(node, COOP.serves, actor.serves)
        yield from self.wikidata(node, actor.wikidata)
        yield from self.sources(node, actor.sources)
        spans: dict[str, int] = {}
        for k, member in enumerate(actor.members or []):
            # a state that left and rejoined has several spans: the second is "-2", and so on
            spans[member.country] = spans.get(member.country, 0) + 1
            again = f"-{spans[member.country]}" if spans[member.country] > 1 else ""
            membership = self.sub("membership", f"{member.country}-in-{actor.id}{again}", "members", k)
            country = self.iri(member.country)
            yield membership, RDF.type, COOP.BlocMembership
            yield membership, COOP.member, country
            yield membership, COOP.bloc, node
            yield country, COOP.hasMembership, membership
            yield from self.date(membership, COOP.startDate, member.start)
            yield from self.date(membership, COOP.endDate, member.end)
            yield from self.texts(membership, SKOS.note, member.note)
            yield from self.sources(membership, member.sources)
        if actor.renamed_from:
            renamed = actor.renamed_from
            old = self.iri(renamed.organization)
            change = self.sub("change", f"{renamed.organization}-to-{actor.id}", "renamed-from")
            yield change, RDF.type, COOP.OrganizationChange
            yield change, COOP.originalOrganization, old
            yield change, COOP.resultingOrganization, node
            yield old, COOP.renamedTo, node
            yield from self.event_date(change, renamed.date, renamed.inferred_from, "renamed-from")
            yield from self.texts(change, SKOS.note, renamed.note)
            yield from self.sources(change, renamed.sources)

    def person(self, person: m.Person) -> Iterator[Triple]:
        node = self.record(person.id)
        yield node, RDF.type, COOP.Person
        yield from self.names(node, person, person.name)
        for lang, text in sorted((person.honorific or {}).items()):
            # Thai writes a title joined to the name; other languages put a space between.
            joiner = "" if lang == "th" else " "
            yield node, SKOS.altLabel, self.lit(f"{text}{joiner}{person.name.get(lang, '')}".strip(), lang=lang)
        yield from self.sources(node, person.sources)
        for i, tenure in enumerate(person.tenures, start=1):
            holding = self.sub("tenure", f"{person.id}-{i}", "tenures", i - 1)
            yield holding, RDF.type, COOP.Tenure
            yield holding, COOP.holder, node
            yield holding, COOP.tenureOf, self.iri(tenure.post)
            yield node, COOP.hasTenure, holding
            yield from self.date(holding, COOP.startDate, tenure.start)
            yield from self.date(holding, COOP.endDate, tenure.end)
            for seen in tenure.attested:
                yield from self.date(holding, COOP.attestedOn, seen)
            yield from self.texts(holding, SKOS.note, tenure.note)
            yield from self.sources(holding, tenure.sources)

    def meeting(self, meeting: m.Meeting) -> Iterator[Triple]:
        node = self.record(meeting.id)
        yield node, RDF.type, COOP.MeetingSeries if meeting.kind == "meeting-series" else COOP.Meeting
        yield from self.names(node, meeting, meeting.name)
        yield from self.links(node, COOP.inSeries, meeting.series)
        yield from self.links(node, COOP.partOfMeeting, meeting.part_of)
        if meeting.ordinal is not None:
            yield node, COOP.ordinal, self.lit(meeting.ordinal)
        yield from self.date(node, COOP.startDate, meeting.start)
        yield from self.date(node, COOP.endDate, meeting.end)
        yield from self.links(node, COOP.place, meeting.place)
        yield from self.links(node, COOP.host, meeting.host)
        yield from self.links(node, COOP.organizer, meeting.organizers)
        yield from self.links(node, COOP.chair, meeting.chair)
        yield from self.links(node, COOP.viceChair, meeting.vice_chair)
        yield from self.links(node, COOP.participant, meeting.participants)
        yield from self.links(node, COOP.observer, meeting.observers)
        yield from self.links(node, COOP.chairHandedTo, meeting.chair_handed_to)
        yield from self.texts(node, COOP.theme, meeting.theme)
        yield from self.sources(node, meeting.sources)

    def agreement(self, agreement: m.Agreement) -> Iterator[Triple]:
        node = self.record(agreement.id)
        yield node, RDF.type, AGREEMENT_CLASSES[agreement.kind]
        yield from self.names(node, agreement, agreement.title)
        yield from self.texts(node, DCTERMS.title, agreement.title)
        yield from self.links(node, COOP.hasParty, [p for p in agreement.parties if p != "unknown"])
        unnamed = agreement.parties.count("unknown")
        if unnamed:
            yield node, COOP.unnamedParties, self.lit(unnamed)
        if agreement.party_count is not None:
            yield node, COOP.partyCount, self.lit(agreement.party_count)
        if agreement.level:
            yield node, COOP.level, LEVELS[agreement.level]
        yield from self.links(node, COOP.hasTopic, agreement.topics)
        yield from self.links(node, COOP.adoptedAt, agreement.adopted_at)
        yield from self.links(node, COOP.mentions, agreement.mentions)
        if agreement.term:
            yield node, COOP.term, self.lit(agreement.term, datatype=XSD.duration)
        if agreement.renewal:
            yield node, COOP.automaticRenewal, self.lit(agreement.renewal.automatic)
            if agreement.renewal.term:
                yield node, COOP.renewalTerm, self.lit(agreement.renewal.term, datatype=XSD.duration)
        yield from self.sources(node, agreement.sources)
        for i, area in enumerate(agreement.areas, start=1):
            part = self.sub("area", f"{agreement.id}-{area.number or i}", "areas", i - 1)
            yield part, RDF.type, COOP.CooperationArea
            yield node, COOP.hasArea, part
            if area.number is not None:
                yield part, COOP.areaNumber, self.lit(area.number)
            for lang, text in sorted(area.name.items()):
                yield part, RDFS.label, self.lit(text, lang=lang)
                yield part, SKOS.prefLabel, self.lit(text, lang=lang)
            yield from self.texts(part, SKOS.definition, area.description)
            yield from self.links(part, COOP.areaTopic, area.topics)
            yield from self.links(part, COOP.mentions, area.mentions)
            yield from self.links(node, COOP.hasTopic, area.topics)
        for i, change in enumerate(agreement.lifecycle, start=1):
            event = self.sub("status-change", f"{agreement.id}-{i}", "lifecycle", i - 1)
            yield event, RDF.type, COOP.StatusChange
            yield node, COOP.hasStatusChange, event
            yield event, COOP.status, STATUSES[change.status]
            yield from self.event_date(event, change.date, change.inferred_from, "lifecycle", i - 1)
            yield from self.texts(event, SKOS.note, change.note)
            yield from self.sources(event, change.sources or agreement.sources)
        for i, signing in enumerate(agreement.signings, start=1):
            yield from self.signing(agreement, node, i, signing)

    def signing(self, agreement: m.Agreement, agreement_node: URIRef, index: int, signing: m.Signing) -> Iterator[Triple]:
        event = self.sub("signing", f"{agreement.id}-{index}", "signings", index - 1)
        yield event, RDF.type, COOP.Signing
        yield event, COOP.signingOf, agreement_node
        yield agreement_node, COOP.hasSigning, event
        yield from self.event_date(event, signing.date, signing.inferred_from, "signings", index - 1)
        yield from self.texts(event, COOP.dateNote, signing.date_note)
        yield from self.links(event, COOP.place, signing.place)
        yield from self.links(event, COOP.duringMeeting, signing.meeting)
        if signing.level:
            yield event, COOP.level, LEVELS[signing.level]
        yield from self.texts(event, SKOS.note, signing.note)
        yield from self.sources(event, signing.sources or agreement.sources)
        for group, prop in (("witnesses", COOP.witness), ("attendees", COOP.attendee)):
            for j, person in enumerate(getattr(signing, group), start=1):
                yield event, prop, self.iri(person.person)
                yield from self.role_claims(event, agreement.id, index, group, j, person.person, person.disputed)
        for j, signatory in enumerate(signing.signatories, start=1):
            signature = self.sub("signature", f"{agreement.id}-{index}-{j}", "signings", index - 1, "signatories", j - 1)
            yield signature, RDF.type, COOP.Signature
            yield event, COOP.hasSignature, signature
            if signatory.person == "unknown":
                yield signature, COOP.certainty, COOP.Unknown
            else:
                yield signature, COOP.certainty, COOP.Stated
                yield signature, COOP.signatory, self.iri(signatory.person)
            yield from self.links(signature, COOP.inCapacityOf, signatory.post)
            yield from self.links(signature, COOP.onBehalfOf, signatory.on_behalf_of)
            if signatory.disputed:
                yield signature, COOP.roleCertainty, COOP.Disputed
                yield from self.role_claims(event, agreement.id, index, "signatories", j, signatory.person, signatory.disputed)

    def role_claims(
        self, event: URIRef, agreement: str, index: int, group: str, j: int, person: str, claims: list[m.RoleClaim] | None
    ) -> Iterator[Triple]:
        """Each source's version of someone's role at a signing, when the sources disagree."""
        for k, claim in enumerate(claims or [], start=1):
            at = ("signings", index - 1, group, j - 1, "disputed", k - 1)
            node = self.sub("role-claim", f"{agreement}-{index}-{group}-{j}-{k}", *at)
            yield event, COOP.roleClaim, node
            yield node, RDF.type, COOP.RoleClaim
            yield node, COOP.aboutPerson, self.iri(person)
            yield node, COOP.claimedRole, ROLES[claim.role]
            yield from self.texts(node, SKOS.note, claim.note)
            yield from self.sources(node, claim.sources)


class _NTerm(str):
    """A literal already written as N-Triples (``"text"@en``, ``"5"^^<...#integer>``)."""


#: datatypes whose text rdflib keeps as given (a date checked by coopgraph.curate.dates, a URL): no rdflib round trip
_VERBATIM = frozenset({XSD.date, XSD.gYearMonth, XSD.gYear, XSD.anyURI})
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")
_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})


class _NTriplesMinter(_Minter):
    """The minter writing terms as text: an IRI is its plain text, a literal an :class:`_NTerm`.

    Typed literals go through rdflib once per distinct value, so their lexical
    form is exactly what :func:`populate` gives (rdflib normalises some, e.g.
    ``PT36H`` to ``P1DT12H``).
    """

    def __init__(self, world: World, base: str, *, trace: bool, origins: Any = None) -> None:
        if not _ABSOLUTE_IRI.match(base):  # no rdflib URIRef checks the text here
            raise CoopgraphError(f"--base-iri {base!r} is not an absolute IRI (like https://example.org/id/)")
        super().__init__(world, base, origins)
        self.trace = trace
        self._typed: dict[tuple[str, str], _NTerm] = {}
        self._iris: dict[str, URIRef] = {}  # id -> IRI text: ids recur (parties, people, sources)
        self._kinds = {kind: f"{base}{segment}/" for kind, segment in vocab.KIND_SEGMENTS.items()}

    def sub(self, kind: str, slug: str, *at: int | str) -> URIRef:
        return super().sub(kind, slug, *at) if self.trace else self.mint(kind, slug)

    def iri(self, ident: str) -> URIRef:
        known = self._iris.get(ident)
        if known is None:
            known = super().iri(ident)
            # agreements and sources are named about once each: not kept (1M of each at 1M agreements)
            if not known.startswith((self._kinds["agreement"], self._kinds["source"])):
                self._iris[ident] = known
        return known

    def mint(self, kind: str, slug: str) -> URIRef:
        return self._kinds[kind] + slug  # type: ignore[return-value]  # text stands in for the IRI

    def lit(self, value: object, *, lang: str | None = None, datatype: URIRef | None = None) -> Node:
        if type(value) is str and (datatype is None or datatype in _VERBATIM):
            if '"' in value or "\\" in value or "\n" in value or "\r" in value:
                value = value.translate(_NT_ESCAPES)
            if datatype is not None:
                return _NTerm(f'"{value}"^^<{datatype}>')  # type: ignore[return-value]
            return _NTerm(f'"{value}"@{lang}' if lang else f'"{value}"')  # type: ignore[return-value]
        key = (str(value) if not isinstance(value, bool) else repr(value), str(datatype))
        term = self._typed.get(key)
        if term is None:
            literal = Literal(value, datatype=datatype)
            quoted = '"' + str(literal).translate(_NT_ESCAPES) + '"'
            term = self._typed[key] = _NTerm(f"{quoted}^^<{literal.datatype}>")
        return term  # type: ignore[return-value]
