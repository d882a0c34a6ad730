"""The bundle's description for catalogues: VoID and DCAT in one Turtle file (``void.ttl``).

One ``void:Dataset`` that is also a ``dcat:Dataset``: its counts (triples,
entities, class and property partitions), licence, publisher, dates, SPARQL
endpoint, the Wikidata ``owl:sameAs`` links as a ``void:Linkset``, and one
``dcat:Distribution`` per file with its media type and size in bytes.

Reproducible: the counts come from the statements written, the dates from the
data (the latest source date) or from the publisher, never from the clock.
Files are referred to by relative IRIs (``<coopgraph.ttl>``), resolved against
wherever ``void.ttl`` is published, unless a download URL is given.

>>> counts = count(union_lines(stmts), base=DEFAULT_BASE)   # doctest: +SKIP
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rdflib import OWL, RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF

from coopgraph.export.formats import serialise
from coopgraph.graph.dataset import prefixes
from coopgraph.graph.vocab import DCAT, DEFAULT_BASE, ONTOLOGY_IRI, VOID, WD

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
IANA = "https://www.iana.org/assignments/media-types/"
#: stands for "wherever void.ttl is published" while the graph is built; written out as relative IRIs
HERE = "https://bundle.invalid/"
DEFAULT_LICENSE = "https://creativecommons.org/licenses/by/4.0/"
DEFAULT_PUBLISHER = "coopgraph developers"

_TYPE = b"<" + str(RDF.type).encode() + b">"
_SAME_AS = b"<" + str(OWL.sameAs).encode() + b">"
_ISSUED = b"<" + str(DCTERMS.issued).encode() + b">"
_WIKIDATA = b"<" + str(WD).encode()
_DATE = re.compile(
    rb'^"(\d{4}(?:-\d{2}(?:-\d{2})?)?)"\^\^<http://www\.w3\.org/2001/XMLSchema#(date|gYearMonth|gYear)>$'
)


@dataclass(frozen=True)
class Counts:
    """What VoID counts, taken from the N-Triples lines of the merged dataset."""

    triples: int = 0
    entities: int = 0
    subjects: int = 0
    objects: int = 0
    classes: dict[str, int] = field(default_factory=dict)  # class IRI -> distinct typed subjects
    properties: dict[str, int] = field(default_factory=dict)  # property IRI -> triples
    links: int = 0  # owl:sameAs triples to Wikidata


def count(lines: Iterable[bytes], *, base: str = DEFAULT_BASE) -> Counts:
    """Count triples, entities (subjects under ``base``), partitions and Wikidata links."""
    in_space = b"<" + base.encode()
    subjects: set[bytes] = set()
    objects: set[bytes] = set()
    typed: dict[bytes, set[bytes]] = {}
    properties: Counter[bytes] = Counter()
    triples = links = 0
    for line in lines:
        subject, predicate, rest = line.split(b" ", 2)
        obj = rest[:-2]
        triples += 1
        subjects.add(subject)
        objects.add(obj)
        properties[predicate] += 1
        if predicate == _TYPE and obj.startswith(b"<"):
            typed.setdefault(obj, set()).add(subject)
        elif predicate == _SAME_AS and obj.startswith(_WIKIDATA):
            links += 1
    return Counts(
        triples=triples,
        entities=sum(1 for s in subjects if s.startswith(in_space)),
        subjects=len(subjects),
        objects=len(objects),
        classes={_iri(c): len(members) for c, members in sorted(typed.items())},
        properties={_iri(p): n for p, n in sorted(properties.items())},
        links=links,
    )


def _iri(term: bytes) -> str:
    return term[1:-1].decode("utf-8")


def latest_date(lines: Iterable[bytes]) -> Literal | None:
    """The latest source date (``dcterms:issued``) in the data, or else the latest date of any kind.

    Dates compare by their text (``2024`` < ``2024-02`` < ``2024-02-02``), and keep
    their own precision and datatype.
    """
    issued: list[tuple[bytes, bytes]] = []
    other: list[tuple[bytes, bytes]] = []
    for line in lines:
        _, predicate, rest = line.split(b" ", 2)
        match = _DATE.match(rest[:-2])
        if match:
            (issued if predicate == _ISSUED else other).append((match.group(1), match.group(2)))
    dates = issued or other
    if not dates:
        return None
    text, kind = max(dates)
    return Literal(text.decode(), datatype=XSD[kind.decode()])


@dataclass(frozen=True)
class Description:
    """Everything the description says that is not counted from the data."""

    base: str = DEFAULT_BASE
    license: str = DEFAULT_LICENSE
    publisher: str = DEFAULT_PUBLISHER
    issued: Literal | None = None
    modified: Literal | None = None
    endpoint: str | None = None
    download_url: str | None = None


#: what each file of a bundle is, for its distribution's title
FILE_TITLES = {
    "coopgraph.ttl": "The dataset in Turtle (its three graphs merged)",
    "coopgraph.nt": "The dataset in N-Triples (its three graphs merged)",
    "coopgraph.rdf": "The dataset in RDF/XML (its three graphs merged)",
    "coopgraph.trig": "The dataset in TriG (ontology, asserted and inferred named graphs)",
    "coopgraph.nq": "The dataset in N-Quads (ontology, asserted and inferred named graphs)",
    "coopgraph.jsonld": "The dataset in JSON-LD (ontology, asserted and inferred named graphs)",
    "ontology.ttl": "The coopgraph OWL ontology in Turtle",
    "shapes.ttl": "The SHACL shapes the data conforms to",
    "ontology.en.html": "Documentation of the ontology in English (pyLODE)",
    "ontology.th.html": "Documentation of the ontology in Thai (pyLODE)",
    "CHANGES.md": "What changed since the previous bundle (Markdown)",
    "changes.json": "What changed since the previous bundle (JSON)",
}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
    "trig": "application/trig",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
    "html": "text/html",
    "md": "text/markdown",
    "json": "application/json",
}


def media_type(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


def dataset_iri(base: str) -> URIRef:
    """The dataset's own IRI, under the publisher's base so it moves with ``--base-iri``."""
    return URIRef(f"{base}dataset")


def dataset_parts(base: str) -> str:
    """The namespace of the description's own nodes (partitions, distributions): ``dataset:``."""
    return f"{dataset_iri(base)}/"


def describe(counts: Counts, files: Mapping[str, bytes], about: Description) -> bytes:
    """The VoID + DCAT description of a bundle, as Turtle."""
    graph = _graph(counts, files, about)
    lines = sorted(set(graph.serialize(format="nt", encoding="utf-8").splitlines()))
    text = serialise(
        {"void": [line for line in lines if line]},
        "turtle",
        base=about.base,
        extra_prefixes={"dataset": dataset_parts(about.base), "dcat": str(DCAT), "void": str(VOID)},
    )
    return text.replace(b"<" + HERE.encode(), b"<")


def _graph(counts: Counts, files: Mapping[str, bytes], about: Description) -> Graph:
    ds = dataset_iri(about.base)
    g = Graph(bind_namespaces="none")
    add = g.add
    add((ds, RDF.type, VOID.Dataset))
    add((ds, RDF.type, DCAT.Dataset))
    add((ds, DCTERMS.title, Literal("coopgraph: digital-cooperation agreements between governments", lang="en")))
    add((ds, DCTERMS.title, Literal("coopgraph: ความตกลงความร่วมมือด้านดิจิทัลระหว่างรัฐบาล", lang="th")))
    add(
        (
            ds,
            DCTERMS.description,
            Literal(
                "A knowledge graph of digital-cooperation agreements between governments, blocs and companies: "
                "their parties, topics, signings, signatories and sources, with the OWL ontology, the SHACL "
                "shapes and the country-to-country cooperation the reasoner derives.",
                lang="en",
            ),
        )
    )
    add((ds, DCTERMS.license, URIRef(about.license)))
    publisher = URIRef(f"{ds}/publisher")
    add((ds, DCTERMS.publisher, publisher))
    add((publisher, RDF.type, FOAF.Agent))
    add((publisher, FOAF.name, Literal(about.publisher)))
    if about.issued is not None:
        add((ds, DCTERMS.issued, about.issued))
    if about.modified is not None:
        add((ds, DCTERMS.modified, about.modified))
    add((ds, DCTERMS.conformsTo, URIRef(ONTOLOGY_IRI)))
    for keyword in ("digital cooperation", "memorandum of understanding", "international agreements"):
        add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    add((ds, VOID.uriSpace, Literal(about.base)))
    for namespace in ("coop", "dcterms", "foaf", "org", "owl", "prov", "rdfs", "skos"):
        add((ds, VOID.vocabulary, URIRef(str(prefixes(about.base)[namespace]))))
    add((ds, VOID.triples, _n(counts.triples)))
    add((ds, VOID.entities, _n(counts.entities)))
    add((ds, VOID.distinctSubjects, _n(counts.subjects)))
    add((ds, VOID.distinctObjects, _n(counts.objects)))
    add((ds, VOID.classes, _n(len(counts.classes))))
    add((ds, VOID.properties, _n(len(counts.properties))))
    declared = {str(ns): name for name, ns in prefixes(about.base).items()}
    for cls, entities in counts.classes.items():
        part = URIRef(f"{ds}/class-{_slug(cls, declared)}")
        add((ds, VOID.classPartition, part))
        add((part, VOID["class"], URIRef(cls)))
        add((part, VOID.entities, _n(entities)))
    for prop, triples in counts.properties.items():
        part = URIRef(f"{ds}/property-{_slug(prop, declared)}")
        add((ds, VOID.propertyPartition, part))
        add((part, VOID.property, URIRef(prop)))
        add((part, VOID.triples, _n(triples)))
    _linkset(g, ds, counts.links)
    if about.endpoint:
        _endpoint(g, ds, URIRef(about.endpoint))
    for name in sorted(files):
        _distribution(g, ds, name, files[name], about)
    return g


def _n(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _slug(iri: str, declared: Mapping[str, str]) -> str:
    """``coop-Agreement`` for a known namespace, else a short hash of the IRI."""
    for namespace in sorted(declared, key=len, reverse=True):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and re.fullmatch(r"[A-Za-z0-9_.-]+", local):
            return f"{declared[namespace]}-{local}"
    return hashlib.sha256(iri.encode()).hexdigest()[:16]


def _linkset(g: Graph, ds: URIRef, links: int) -> None:
    links_iri, wikidata = URIRef(f"{ds}/links-wikidata"), URIRef(f"{ds}/target-wikidata")
    g.add((ds, VOID.subset, links_iri))
    g.add((links_iri, RDF.type, VOID.Linkset))
    g.add((links_iri, DCTERMS.title, Literal("Links to Wikidata", lang="en")))
    g.add((links_iri, VOID.linkPredicate, OWL.sameAs))
    g.add((links_iri, VOID.subjectsTarget, ds))
    g.add((links_iri, VOID.objectsTarget, wikidata))
    g.add((links_iri, VOID.triples, _n(links)))
    g.add((wikidata, RDF.type, VOID.Dataset))
    g.add((wikidata, DCTERMS.title, Literal("Wikidata", lang="en")))
    g.add((wikidata, FOAF.homepage, URIRef("https://www.wikidata.org/")))
    g.add((wikidata, VOID.uriSpace, Literal(str(WD))))


def _endpoint(g: Graph, ds: URIRef, endpoint: URIRef) -> None:
    service = URIRef(f"{ds}/service-sparql")
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    g.add((ds, DCAT.accessService, service))


def _distribution(g: Graph, ds: URIRef, name: str, content: bytes, about: Description) -> None:
    dist = URIRef(f"{ds}/distribution-{name}")
    where = URIRef((about.download_url or HERE) + name)
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(FILE_TITLES.get(name, name), lang="en")))
    g.add((dist, DCAT.mediaType, URIRef(IANA + media_type(name))))
    g.add((dist, DCAT.byteSize, Literal(len(content), datatype=XSD.nonNegativeInteger)))
    g.add((dist, DCAT.downloadURL, where))
    g.add((dist, DCAT.accessURL, where))
    g.add((dist, DCTERMS.license, URIRef(about.license)))
    if name.startswith("coopgraph."):
        g.add((ds, VOID.dataDump, where))
