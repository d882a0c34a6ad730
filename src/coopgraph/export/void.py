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

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef
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
DEFAULT_HOMEPAGE = "https://w3id.org/coopgraph"
EU = "http://publications.europa.eu/resource/authority/"
DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SKOS_NS = Namespace("http://www.w3.org/2004/02/skos/core#")
WKT = URIRef("http://www.opengis.net/ont/geosparql#wktLiteral")
ADMS_TYPES = "http://purl.org/adms/"

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


def date_range(lines: Iterable[bytes]) -> tuple[Literal, Literal] | None:
    """The earliest and the latest date the data speaks of (any date-typed value), for ``dct:temporal``."""
    dates = []
    for line in lines:
        match = _DATE.match(line.split(b" ", 2)[2][:-2])
        if match:
            dates.append((match.group(1), match.group(2)))
    if not dates:
        return None
    (low, low_kind), (high, high_kind) = min(dates), max(dates)
    return (
        Literal(low.decode(), datatype=XSD[low_kind.decode()]),
        Literal(high.decode(), datatype=XSD[high_kind.decode()]),
    )


@dataclass(frozen=True)
class Description:
    """Everything the description says that is not counted from the data."""

    base: str = DEFAULT_BASE
    license: str = DEFAULT_LICENSE
    publisher: str = DEFAULT_PUBLISHER
    issued: Literal | None = None  # first publication (a publication date, not a data date)
    modified: Literal | None = None  # the data's latest change
    endpoint: str | None = None
    download_url: str | None = None
    homepage: str = DEFAULT_HOMEPAGE
    contact: str = DEFAULT_HOMEPAGE  # a URL or mailto: where people reach the publisher
    temporal: tuple[Literal, Literal] | None = None  # the earliest and latest date the data speaks of


#: what each file of a bundle is: a title, and a description for DCAT-AP's dct:description
FILE_TITLES = {
    "coopgraph.ttl": "The dataset in Turtle (its three graphs merged)",
    "coopgraph.nt": "The dataset in N-Triples (its three graphs merged)",
    "coopgraph.rdf": "The dataset in RDF/XML (its three graphs merged)",
    "coopgraph.trig": "The dataset in TriG (ontology, asserted and inferred named graphs)",
    "coopgraph.nq": "The dataset in N-Quads (ontology, asserted and inferred named graphs)",
    "coopgraph.jsonld": "The dataset in JSON-LD (ontology, asserted and inferred named graphs)",
    "ontology.ttl": "The coopgraph OWL ontology in Turtle",
    "shapes.ttl": "The SHACL shapes the data conforms to",
    "ontology.en.html": "Documentation of the ontology in English",
    "ontology.th.html": "Documentation of the ontology in Thai",
    "CHANGES.md": "What changed since the previous bundle (Markdown)",
    "changes.json": "What changed since the previous bundle (JSON)",
    ".htaccess": "Content-negotiation rules for a w3id.org redirect (Apache)",
}
FILE_DESCRIPTIONS = {
    "coopgraph.ttl": "Every statement of the dataset (ontology, curated facts and inferences) in one Turtle graph, "
    "sorted, with canonical blank nodes.",
    "coopgraph.nt": "Every statement of the dataset in one N-Triples graph, one statement per line, sorted.",
    "coopgraph.rdf": "Every statement of the dataset in one RDF/XML graph.",
    "coopgraph.trig": "The dataset as three named graphs: the ontology, the curated (asserted) facts and the "
    "reasoner's inferences, so a reader can tell them apart.",
    "coopgraph.nq": "The dataset as three named graphs (ontology, asserted, inferred) in N-Quads, sorted.",
    "coopgraph.jsonld": "The dataset as three named graphs (ontology, asserted, inferred) in JSON-LD.",
    "ontology.ttl": "The OWL ontology alone: classes and properties with English and Thai labels and definitions.",
    "shapes.ttl": "The SHACL shapes that state the data contract every curated record meets.",
    "ontology.en.html": "Human-readable documentation of the ontology's classes and properties, in English.",
    "ontology.th.html": "Human-readable documentation of the ontology's classes and properties, in Thai.",
    "CHANGES.md": "Records and statements added, removed and changed since the previous bundle, for people.",
    "changes.json": "Records and statements added, removed and changed since the previous bundle, for programs.",
    ".htaccess": "Apache rewrite rules that send the ontology and entity IRIs to the right file by Accept header.",
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
    "htaccess": "text/plain",
}
#: file extension -> the EU Publications Office file-type authority code (DCAT-AP's dct:format)
FILE_TYPES = {
    "ttl": "RDF_TURTLE",
    "nt": "RDF_N_TRIPLES",
    "rdf": "RDF_XML",
    "trig": "RDF_TRIG",
    "nq": "RDF_N_QUADS",
    "jsonld": "JSON_LD",
    "html": "HTML",
    "md": "TXT",
    "json": "JSON",
    "htaccess": "TXT",
}


def media_type(name: str) -> str:
    return MEDIA_TYPES[name.rsplit(".", 1)[-1]]


def file_type(name: str) -> URIRef:
    return URIRef(f"{EU}file-type/{FILE_TYPES[name.rsplit('.', 1)[-1]]}")


def catalog_iri(base: str) -> URIRef:
    """The catalogue a DCAT-AP harvester starts from, beside the dataset under the publisher's base."""
    return URIRef(f"{base}catalog")


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
    for node in (ds, catalog_iri(about.base)):
        add((node, DCTERMS.title, Literal("coopgraph: digital-cooperation agreements between governments", lang="en")))
        add((node, DCTERMS.title, Literal("coopgraph: ความตกลงความร่วมมือด้านดิจิทัลระหว่างรัฐบาล", lang="th")))
    add((ds, DCTERMS.description, Literal(DATASET_DESCRIPTION, lang="en")))
    license_ = _license(g, about.license)
    add((ds, DCTERMS.license, license_))
    publisher = _publisher(g, ds, about.publisher)
    add((ds, DCTERMS.publisher, publisher))
    if about.issued is not None:
        add((ds, DCTERMS.issued, about.issued))
    if about.modified is not None:
        add((ds, DCTERMS.modified, about.modified))
    ontology = URIRef(ONTOLOGY_IRI)
    add((ds, DCTERMS.conformsTo, ontology))
    add((ontology, RDF.type, DCTERMS.Standard))
    add((ontology, DCTERMS.title, Literal("The coopgraph ontology", lang="en")))
    for keyword in ("digital cooperation", "memorandum of understanding", "international agreements"):
        add((ds, DCAT.keyword, Literal(keyword, lang="en")))
    add((ds, DCAT.keyword, Literal("ความร่วมมือด้านดิจิทัล", lang="th")))
    add((ds, DCAT.keyword, Literal("บันทึกความเข้าใจ", lang="th")))
    for theme in _themes(g):
        add((ds, DCAT.theme, theme))
    spatial = _world(g, ds)
    add((ds, DCTERMS.spatial, spatial))
    if about.temporal is not None:
        period = URIRef(f"{ds}/temporal")
        add((ds, DCTERMS.temporal, period))
        add((period, RDF.type, DCTERMS.PeriodOfTime))
        add((period, DCAT.startDate, about.temporal[0]))
        add((period, DCAT.endDate, about.temporal[1]))
    add((ds, DCAT.contactPoint, _contact(g, ds, about)))
    homepage = URIRef(about.homepage)
    add((ds, DCAT.landingPage, homepage))
    add((homepage, RDF.type, FOAF.Document))
    for language in _languages(g):
        add((ds, DCTERMS.language, language))
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
    service = _endpoint(g, ds, URIRef(about.endpoint), about) if about.endpoint else None
    for name in sorted(files):
        _distribution(g, ds, name, files[name], about)
    _catalog(g, ds, service, about, license_, publisher, spatial)
    return g


DATASET_DESCRIPTION = (
    "A knowledge graph of digital-cooperation agreements between governments, blocs and companies: "
    "their parties, topics, signings, signatories and sources, with the OWL ontology, the SHACL "
    "shapes and the country-to-country cooperation the reasoner derives."
)


def _n(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _concept(g: Graph, iri: str, label: str, scheme: str | None = None) -> URIRef:
    """A controlled-vocabulary term, typed and labelled in the description so a harvester need not fetch it."""
    node = URIRef(iri)
    g.add((node, RDF.type, SKOS_NS.Concept))
    g.add((node, SKOS_NS.prefLabel, Literal(label, lang="en")))
    if scheme is not None:
        g.add((node, SKOS_NS.inScheme, URIRef(scheme)))
    return node


def _license(g: Graph, license_: str) -> URIRef:
    node = URIRef(license_)
    g.add((node, RDF.type, DCTERMS.LicenseDocument))
    kind = "Attribution" if "/by" in license_ else "PublicDomain" if "zero" in license_ else None
    if kind is not None:
        scheme = f"{ADMS_TYPES}licencetype/1.1"
        g.add((node, DCTERMS.type, _concept(g, f"{ADMS_TYPES}licencetype/{kind}", kind, scheme)))
    return node


def _publisher(g: Graph, ds: URIRef, name: str) -> URIRef:
    publisher = URIRef(f"{ds}/publisher")
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, FOAF.name, Literal(name)))
    kind = _concept(g, f"{ADMS_TYPES}publishertype/NonProfitOrganisation", "Non-Profit Organisation",
                    f"{ADMS_TYPES}publishertype/1.0")
    g.add((publisher, DCTERMS.type, kind))
    return publisher


def _contact(g: Graph, ds: URIRef, about: Description) -> URIRef:
    contact = URIRef(f"{ds}/contact")
    g.add((contact, RDF.type, VCARD.Kind))
    g.add((contact, RDF.type, VCARD.Organization))
    g.add((contact, VCARD.fn, Literal(about.publisher)))
    how = VCARD.hasEmail if about.contact.startswith("mailto:") else VCARD.hasURL
    g.add((contact, how, URIRef(about.contact)))
    return contact


def _themes(g: Graph) -> list[URIRef]:
    scheme = f"{EU}data-theme"
    return [
        _concept(g, f"{scheme}/GOVE", "Government and public sector", scheme),
        _concept(g, f"{scheme}/TECH", "Science and technology", scheme),
    ]


def _languages(g: Graph) -> list[URIRef]:
    """English and Thai: the languages of the labels and the documentation."""
    languages = []
    for code, label in (("ENG", "English"), ("THA", "Thai")):
        node = URIRef(f"{EU}language/{code}")
        g.add((node, RDF.type, DCTERMS.LinguisticSystem))
        g.add((node, RDFS.label, Literal(label, lang="en")))
        languages.append(node)
    return languages


def _world(g: Graph, ds: URIRef) -> URIRef:
    """The spatial coverage: agreements between any governments, so the whole world (WKT, longitude first)."""
    place = URIRef(f"{ds}/spatial")
    g.add((place, RDF.type, DCTERMS.Location))
    g.add((place, RDFS.label, Literal("The world", lang="en")))
    g.add((place, DCAT.bbox, Literal("POLYGON((-180 -90,180 -90,180 90,-180 90,-180 -90))", datatype=WKT)))
    g.add((place, DCAT.centroid, Literal("POINT(0 0)", datatype=WKT)))
    return place


def _catalog(
    g: Graph, ds: URIRef, service: URIRef | None, about: Description, license_: URIRef, publisher: URIRef,
    spatial: URIRef,
) -> None:
    """The dcat:Catalog a DCAT-AP harvester starts from: the dataset, its service, and who publishes them."""
    catalog = catalog_iri(about.base)
    add = g.add
    add((catalog, RDF.type, DCAT.Catalog))
    add((catalog, DCTERMS.description, Literal(
        "The coopgraph catalogue: one dataset of digital-cooperation agreements and the services that serve it.",
        lang="en")))
    add((catalog, DCTERMS.publisher, publisher))
    add((catalog, DCTERMS.license, license_))
    add((catalog, DCTERMS.spatial, spatial))
    add((catalog, DCAT.dataset, ds))
    if service is not None:
        add((catalog, DCAT.service, service))
    homepage = URIRef(about.homepage)
    add((catalog, FOAF.homepage, homepage))
    scheme = URIRef(f"{EU}data-theme")
    add((catalog, DCAT.themeTaxonomy, scheme))
    add((scheme, RDF.type, SKOS_NS.ConceptScheme))
    add((scheme, DCTERMS.title, Literal("Data theme", lang="en")))
    for language in _languages(g):
        add((catalog, DCTERMS.language, language))
    if about.issued is not None:
        add((catalog, DCTERMS.issued, about.issued))
    if about.modified is not None:
        add((catalog, DCTERMS.modified, about.modified))


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


def _endpoint(g: Graph, ds: URIRef, endpoint: URIRef, about: Description) -> URIRef:
    """The SPARQL endpoint: a dcat:DataService, reached through a distribution of the dataset (DCAT's place)."""
    service = URIRef(f"{ds}/service-sparql")
    g.add((ds, VOID.sparqlEndpoint, endpoint))
    g.add((service, RDF.type, DCAT.DataService))
    g.add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    g.add((service, DCTERMS.description, Literal(
        "A read-only SPARQL 1.1 Protocol endpoint over the dataset's three named graphs; its service "
        "description (formats, limits, graphs) is returned for a GET without a query.", lang="en")))
    g.add((service, DCAT.endpointURL, endpoint))
    g.add((service, DCAT.endpointDescription, endpoint))
    g.add((service, DCAT.servesDataset, ds))
    g.add((service, DCTERMS.license, URIRef(about.license)))
    protocol = URIRef("https://www.w3.org/TR/sparql11-protocol/")
    g.add((service, DCTERMS.conformsTo, protocol))
    g.add((protocol, RDF.type, DCTERMS.Standard))
    dist = URIRef(f"{ds}/distribution-sparql")
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal("The dataset through its SPARQL endpoint", lang="en")))
    g.add((dist, DCTERMS.description, Literal(
        "Ask the dataset any SPARQL query; results as JSON, XML, CSV or TSV, graphs as Turtle or JSON-LD.",
        lang="en")))
    g.add((dist, DCAT.accessURL, endpoint))
    g.add((dist, DCAT.accessService, service))
    g.add((dist, DCTERMS.format, _format(g, URIRef(f"{EU}file-type/SPARQLQ"))))
    g.add((dist, DCAT.mediaType, _media(g, "application/sparql-results+json")))
    g.add((dist, DCTERMS.license, URIRef(about.license)))
    g.add((dist, DCATAP.availability, _availability(g)))
    return service


def _format(g: Graph, node: URIRef) -> URIRef:
    g.add((node, RDF.type, DCTERMS.MediaTypeOrExtent))
    return node


def _media(g: Graph, media: str) -> URIRef:
    node = URIRef(IANA + media)
    g.add((node, RDF.type, DCTERMS.MediaType))
    return node


def _availability(g: Graph) -> URIRef:
    return _concept(g, f"{EU}planned-availability/STABLE", "stable", f"{EU}planned-availability")


def download_location(download_url: str | None, name: str) -> str:
    """Where a file of the bundle is fetched: ``download_url`` taken as a directory, so no slash is lost.

    >>> download_location("https://data.example.org/coopgraph", "coopgraph.ttl")
    'https://data.example.org/coopgraph/coopgraph.ttl'
    """
    where = download_url or HERE
    return (where if where.endswith("/") else where + "/") + name


def _distribution(g: Graph, ds: URIRef, name: str, content: bytes, about: Description) -> None:
    dist = URIRef(f"{ds}/distribution-{name.lstrip('.')}")
    where = URIRef(download_location(about.download_url, name))
    g.add((ds, DCAT.distribution, dist))
    g.add((dist, RDF.type, DCAT.Distribution))
    g.add((dist, DCTERMS.title, Literal(FILE_TITLES.get(name, name), lang="en")))
    g.add((dist, DCTERMS.description, Literal(FILE_DESCRIPTIONS.get(name, FILE_TITLES.get(name, name)), lang="en")))
    g.add((dist, DCAT.mediaType, _media(g, media_type(name))))
    g.add((dist, DCTERMS.format, _format(g, file_type(name))))
    # DCAT-AP 3.0.0's shapes ask for xsd:decimal here (DCAT 3 itself says xsd:nonNegativeInteger)
    g.add((dist, DCAT.byteSize, Literal(len(content), datatype=XSD.decimal)))
    g.add((dist, DCAT.downloadURL, where))
    g.add((dist, DCAT.accessURL, where))
    g.add((dist, DCTERMS.license, URIRef(about.license)))
    g.add((dist, DCATAP.availability, _availability(g)))
    if name.startswith("coopgraph."):
        g.add((ds, VOID.dataDump, where))
