"""The bundle's catalogue meets DCAT-AP 3.0: every mandatory and recommended property, with the right ranges.

The rules below are our own reading of the DCAT-AP 3.0.0 specification and its SHACL files
(SEMICeu/DCAT-AP, ``releases/3.0.0``): for each class, the properties that must be there
(mandatory), those that should (recommended), those that may appear at most once, and the
class each object must have (the range checks, which need the class typed in the data,
since a harvester does not run RDFS inference). Each check is one parametrised case, so a
failure names the class and property.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, SKOS, XSD

from coopgraph.cli import main
from coopgraph.graph.vocab import DCAT

DCATAP = Namespace("http://data.europa.eu/r5r/")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ENDPOINT = "https://data.example.org/sparql"

# class -> (mandatory, recommended)
REQUIRED: dict[URIRef, tuple[tuple[URIRef, ...], tuple[URIRef, ...]]] = {
    DCAT.Catalog: (
        (DCTERMS.description, DCTERMS.publisher, DCTERMS.title),
        (DCTERMS.language, DCTERMS.issued, DCTERMS.license, DCTERMS.spatial, DCTERMS.modified,
         DCAT.themeTaxonomy, FOAF.homepage, DCAT.dataset),
    ),
    DCAT.Dataset: (
        (DCTERMS.description, DCTERMS.title),
        (DCAT.contactPoint, DCAT.distribution, DCAT.keyword, DCTERMS.publisher, DCTERMS.spatial,
         DCTERMS.temporal, DCAT.theme),
    ),
    DCAT.Distribution: (
        (DCAT.accessURL,),
        (DCTERMS.description, DCATAP.availability, DCTERMS.format, DCTERMS.license),
    ),
    DCAT.DataService: ((DCTERMS.title, DCAT.endpointURL), (DCAT.servesDataset, DCAT.endpointDescription)),
    FOAF.Agent: ((FOAF.name,), (DCTERMS.type,)),
    DCTERMS.LicenseDocument: ((), (DCTERMS.type,)),
    DCTERMS.Location: ((), (DCAT.bbox, DCAT.centroid)),
    DCTERMS.PeriodOfTime: ((), (DCAT.startDate, DCAT.endDate)),
    SKOS.ConceptScheme: ((DCTERMS.title,), ()),
    SKOS.Concept: ((SKOS.prefLabel,), ()),
}
# (class, property) -> the class its objects must have
RANGES: dict[tuple[URIRef, URIRef], URIRef] = {
    (DCAT.Catalog, DCTERMS.language): DCTERMS.LinguisticSystem,
    (DCAT.Catalog, DCTERMS.license): DCTERMS.LicenseDocument,
    (DCAT.Catalog, DCTERMS.spatial): DCTERMS.Location,
    (DCAT.Catalog, DCAT.themeTaxonomy): SKOS.ConceptScheme,
    (DCAT.Catalog, DCAT.service): DCAT.DataService,
    (DCAT.Catalog, DCAT.dataset): DCAT.Dataset,
    (DCAT.Catalog, DCTERMS.publisher): FOAF.Agent,
    (DCAT.Catalog, FOAF.homepage): FOAF.Document,
    (DCAT.Dataset, DCAT.contactPoint): VCARD.Kind,
    (DCAT.Dataset, DCAT.distribution): DCAT.Distribution,
    (DCAT.Dataset, DCTERMS.publisher): FOAF.Agent,
    (DCAT.Dataset, DCTERMS.spatial): DCTERMS.Location,
    (DCAT.Dataset, DCTERMS.temporal): DCTERMS.PeriodOfTime,
    (DCAT.Dataset, DCAT.theme): SKOS.Concept,
    (DCAT.Dataset, DCTERMS.conformsTo): DCTERMS.Standard,
    (DCAT.Dataset, DCTERMS.language): DCTERMS.LinguisticSystem,
    (DCAT.Dataset, DCAT.landingPage): FOAF.Document,
    (DCAT.Distribution, DCAT.mediaType): DCTERMS.MediaType,
    (DCAT.Distribution, DCTERMS.format): DCTERMS.MediaTypeOrExtent,
    (DCAT.Distribution, DCTERMS.license): DCTERMS.LicenseDocument,
    (DCAT.Distribution, DCATAP.availability): SKOS.Concept,
    (DCAT.Distribution, DCAT.accessService): DCAT.DataService,
    (DCAT.DataService, DCAT.servesDataset): DCAT.Dataset,
    (DCAT.DataService, DCTERMS.license): DCTERMS.LicenseDocument,
    (FOAF.Agent, DCTERMS.type): SKOS.Concept,
    (DCTERMS.LicenseDocument, DCTERMS.type): SKOS.Concept,
}
AT_MOST_ONCE: dict[URIRef, tuple[URIRef, ...]] = {
    DCAT.Catalog: (DCTERMS.license, DCTERMS.issued, DCTERMS.modified, DCTERMS.publisher, FOAF.homepage),
    DCAT.Dataset: (DCTERMS.publisher, DCTERMS.issued, DCTERMS.modified),
    DCAT.Distribution: (DCTERMS.format, DCTERMS.license, DCAT.mediaType, DCAT.byteSize, DCATAP.availability,
                        DCTERMS.issued, DCTERMS.modified),
    DCTERMS.Location: (DCAT.bbox, DCAT.centroid),
    DCTERMS.PeriodOfTime: (DCAT.startDate, DCAT.endDate),
}
DATE_TYPES = {XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth}


@pytest.fixture(scope="module")
def catalogue(tiny_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Graph:
    bundle = tmp_path_factory.mktemp("dcat") / "portal"
    assert main(["export", "--out", str(tiny_build), "--bundle", str(bundle), "--endpoint", ENDPOINT,
                 "--download-url", "https://data.example.org/coopgraph"]) == 0
    return Graph().parse(bundle / "void.ttl", format="turtle")


@pytest.mark.parametrize(("cls", "prop", "level"), [
    (cls, prop, level)
    for cls, (mandatory, recommended) in REQUIRED.items()
    for level, props in (("mandatory", mandatory), ("recommended", recommended))
    for prop in props
])
def test_every_instance_has_the_property(catalogue: Graph, cls: URIRef, prop: URIRef, level: str) -> None:
    instances = set(catalogue.subjects(RDF.type, cls))
    assert instances, f"no {cls} in the catalogue"
    missing = [node for node in instances if (node, prop, None) not in catalogue]
    assert not missing, f"{level} {prop} missing on {missing}"


@pytest.mark.parametrize(("cls", "prop"), sorted(RANGES))
def test_objects_have_the_range_class(catalogue: Graph, cls: URIRef, prop: URIRef) -> None:
    wanted = RANGES[cls, prop]
    wrong = [
        (node, value)
        for node in catalogue.subjects(RDF.type, cls)
        for value in catalogue.objects(node, prop)
        if (value, RDF.type, wanted) not in catalogue
    ]
    assert not wrong, f"{prop} of a {cls} must be a {wanted}: {wrong}"


@pytest.mark.parametrize(("cls", "prop"), [(c, p) for c, props in AT_MOST_ONCE.items() for p in props])
def test_at_most_once(catalogue: Graph, cls: URIRef, prop: URIRef) -> None:
    for node in catalogue.subjects(RDF.type, cls):
        assert len(list(catalogue.objects(node, prop))) <= 1, f"{prop} more than once on {node}"


def test_dates_and_sizes_have_the_datatypes_dcat_ap_wants(catalogue: Graph) -> None:
    for prop in (DCTERMS.issued, DCTERMS.modified, DCAT.startDate, DCAT.endDate):
        values = list(catalogue.objects(None, prop))
        assert values, prop
        assert all(isinstance(v, Literal) and v.datatype in DATE_TYPES for v in values), prop
    sizes = list(catalogue.objects(None, DCAT.byteSize))
    assert sizes and all(isinstance(s, Literal) and s.datatype == XSD.decimal for s in sizes)
    for prop in (DCTERMS.title, DCTERMS.description, FOAF.name, DCAT.keyword):
        assert all(isinstance(v, Literal) for v in catalogue.objects(None, prop)), prop


def test_the_endpoint_is_a_data_service_served_through_a_distribution(catalogue: Graph) -> None:
    dataset = next(catalogue.subjects(RDF.type, DCAT.Dataset))
    assert (dataset, DCAT.accessService, None) not in catalogue  # DCAT puts it on a distribution
    service = next(catalogue.subjects(RDF.type, DCAT.DataService))
    assert catalogue.value(service, DCAT.endpointURL) == URIRef(ENDPOINT)
    through = [d for d in catalogue.objects(dataset, DCAT.distribution) if catalogue.value(d, DCAT.accessService)]
    assert through and catalogue.value(through[0], DCAT.accessURL) == URIRef(ENDPOINT)
    catalog = next(catalogue.subjects(RDF.type, DCAT.Catalog))
    assert (catalog, DCAT.service, service) in catalogue and (catalog, DCAT.dataset, dataset) in catalogue


def test_a_download_url_without_a_trailing_slash_is_a_directory(catalogue: Graph) -> None:
    urls = {str(u) for u in catalogue.objects(None, DCAT.downloadURL)}
    assert "https://data.example.org/coopgraph/coopgraph.ttl" in urls
    assert not any("coopgraphcoopgraph" in url for url in urls)


def test_the_bundle_carries_w3id_rewrite_rules(tiny_build: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "portal"
    assert main(["export", "--out", str(tiny_build), "--bundle", str(bundle), "--endpoint", ENDPOINT,
                 "--download-url", "https://data.example.org/cg/"]) == 0
    rules = (bundle / ".htaccess").read_text(encoding="utf-8")
    assert "RewriteEngine on" in rules
    assert "RewriteRule ^ontology/?$ https://data.example.org/cg/ontology.ttl [R=303,L]" in rules
    assert "RewriteCond %{HTTP_ACCEPT} text/html" in rules
    assert "RewriteRule ^id/(.+)$ https://data.example.org/coopgraph/id/$1 [R=303,L]" in rules


def test_issued_honours_source_date_epoch(tiny_build: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # 2023-11-14
    assert main(["export", "--out", str(tiny_build), "--bundle", str(tmp_path / "b")]) == 0
    graph = Graph().parse(tmp_path / "b" / "void.ttl", format="turtle")
    assert Literal("2023-11-14", datatype=XSD.date) in set(graph.objects(None, DCTERMS.issued))
