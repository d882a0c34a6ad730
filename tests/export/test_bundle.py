"""The portal bundle: its description counts what is really there, its data meets its own shapes,
its changelog finds exactly what changed, and the same data gives the same bytes."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, XSD

from coopgraph.cli import main
from coopgraph.graph.vocab import DCAT, DEFAULT_BASE, VOID, WD, graph_iri
from coopgraph.pipeline import build

DATA_FILES = ("coopgraph.ttl", "coopgraph.trig", "coopgraph.nt", "coopgraph.nq", "coopgraph.jsonld", "coopgraph.rdf")
OTHER_FILES = ("ontology.ttl", "shapes.ttl", "ontology.en.html", "ontology.th.html", ".htaccess")
MEDIA = {
    "ttl": "text/turtle",
    "trig": "application/trig",
    "nt": "application/n-triples",
    "nq": "application/n-quads",
    "jsonld": "application/ld+json",
    "rdf": "application/rdf+xml",
    "html": "text/html",
    "md": "text/markdown",
    "json": "application/json",
    "htaccess": "text/plain",
}
ENDPOINT = "https://data.example.org/sparql"


def export_bundle(build_dir: Path, bundle_dir: Path, *options: str) -> int:
    return main(["export", "--out", str(build_dir), "--bundle", str(bundle_dir), *options])


@pytest.fixture(scope="module")
def bundle_dir(tiny_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("bundle") / "portal"
    assert export_bundle(tiny_build, target, "--endpoint", ENDPOINT) == 0
    return target


def read_void(bundle: Path) -> Graph:
    return Graph().parse(bundle / "void.ttl", format="turtle", publicID=(bundle / "void.ttl").as_uri())


def dataset_node(void: Graph) -> URIRef:
    (node,) = [s for s in void.subjects(RDF.type, VOID.Dataset) if (s, RDF.type, DCAT.Dataset) in void]
    assert isinstance(node, URIRef)
    return node


def union_store(bundle: Path) -> ox.Store:
    """The bundle's N-Triples in a fresh Oxigraph store: the real counts come from here, by SPARQL."""
    store = ox.Store()
    store.load(path=str(bundle / "coopgraph.nt"), format=ox.RdfFormat.N_TRIPLES)
    return store


def test_bundle_has_every_file(bundle_dir: Path) -> None:
    names = {p.name for p in bundle_dir.iterdir()}
    assert names == {*DATA_FILES, *OTHER_FILES, "void.ttl"}  # no changelog without --since


def test_every_file_is_read_by_rapper(bundle_dir: Path) -> None:
    syntax = {"ttl": "turtle", "trig": "trig", "nt": "ntriples", "nq": "nquads", "rdf": "rdfxml"}
    for path in sorted(bundle_dir.iterdir()):
        kind = path.suffix[1:]
        if kind in syntax:
            done = subprocess.run(["rapper", "-i", syntax[kind], "-c", str(path)], capture_output=True, text=True)
            assert done.returncode == 0 and "returned" in done.stderr, (path.name, done.stderr)


def test_void_counts_equal_the_real_counts(bundle_dir: Path) -> None:
    void = read_void(bundle_dir)
    ds = dataset_node(void)
    store = union_store(bundle_dir)
    assert void.value(ds, VOID.triples) == Literal(len(store))

    def rows(query: str) -> dict[str, int]:
        return {row[0].value: int(row[1].value) for row in store.query(query)}  # type: ignore[union-attr]

    classes = rows("SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c")
    properties = rows("SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p")
    described_classes = {
        str(void.value(part, VOID["class"])): int(void.value(part, VOID.entities))  # type: ignore[arg-type]
        for part in void.objects(ds, VOID.classPartition)
    }
    described_properties = {
        str(void.value(part, VOID.property)): int(void.value(part, VOID.triples))  # type: ignore[arg-type]
        for part in void.objects(ds, VOID.propertyPartition)
    }
    assert described_classes == classes
    assert described_properties == properties
    assert int(void.value(ds, VOID.classes)) == len(classes)  # type: ignore[arg-type]
    assert int(void.value(ds, VOID.properties)) == len(properties)  # type: ignore[arg-type]
    entities = rows(
        'SELECT ("all" AS ?k) (COUNT(DISTINCT ?s) AS ?n) '
        f'WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{DEFAULT_BASE}")) }}'
    )
    assert int(void.value(ds, VOID.entities)) == entities["all"]  # type: ignore[arg-type]


def test_wikidata_links_are_a_linkset_with_their_count(bundle_dir: Path) -> None:
    void = read_void(bundle_dir)
    ds = dataset_node(void)
    (linkset,) = void.subjects(RDF.type, VOID.Linkset)
    assert (ds, VOID.subset, linkset) in void
    assert void.value(linkset, VOID.linkPredicate) == OWL.sameAs
    assert void.value(linkset, VOID.subjectsTarget) == ds
    store = union_store(bundle_dir)
    links = [
        q
        for q in store.quads_for_pattern(None, ox.NamedNode(str(OWL.sameAs)), None)
        if q.object.value.startswith(str(WD))
    ]
    assert links  # the tiny world links alpha to Wikidata
    assert void.value(linkset, VOID.triples) == Literal(len(links))


def test_one_distribution_per_file_with_its_real_size(bundle_dir: Path) -> None:
    void = read_void(bundle_dir)
    ds = dataset_node(void)
    seen = {}
    for dist in void.objects(ds, DCAT.distribution):
        url = void.value(dist, DCAT.downloadURL)
        if url is None:  # the SPARQL endpoint, reached through its data service, not downloaded
            assert void.value(dist, DCAT.accessURL) == URIRef(ENDPOINT) and void.value(dist, DCAT.accessService)
            continue
        assert isinstance(url, URIRef) and url.startswith("file:")  # relative to void.ttl, so it moves with the bundle
        path = Path(url[len("file://") :])
        assert path.parent == bundle_dir and path.is_file()
        seen[path.name] = dist
        assert int(void.value(dist, DCAT.byteSize)) == path.stat().st_size  # type: ignore[arg-type]
        assert void.value(dist, DCAT.mediaType) == URIRef(
            f"https://www.iana.org/assignments/media-types/{MEDIA[path.name.rsplit('.', 1)[-1]]}"
        )
        assert (dist, RDF.type, DCAT.Distribution) in void
    assert sorted(seen) == sorted(p.name for p in bundle_dir.iterdir() if p.name != "void.ttl")


def test_licence_publisher_dates_endpoint(bundle_dir: Path) -> None:
    void = read_void(bundle_dir)
    ds = dataset_node(void)
    assert void.value(ds, DCTERMS.license) == URIRef("https://creativecommons.org/licenses/by/4.0/")
    assert void.value(void.value(ds, DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name")) is not None
    # the latest source date in the tiny world: 2567-02-02 BE
    assert void.value(ds, DCTERMS.modified) == Literal("2024-02-02", datatype=XSD.date)
    # issued is a publication date: today, unless the publisher or an earlier bundle says otherwise
    issued = void.value(ds, DCTERMS.issued)
    assert isinstance(issued, Literal) and issued.datatype == XSD.date and issued.toPython() >= dt.date(2026, 1, 1)
    assert void.value(ds, VOID.sparqlEndpoint) == URIRef(ENDPOINT)
    assert void.value(ds, VOID.uriSpace) == Literal(DEFAULT_BASE)


def test_void_is_read_by_pyoxigraph(bundle_dir: Path) -> None:
    path = bundle_dir / "void.ttl"
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
    assert len(triples) == len(read_void(bundle_dir))


def test_bundle_data_conforms_to_its_own_shapes(bundle_dir: Path) -> None:
    import pyshacl

    quads = ox.parse(path=str(bundle_dir / "coopgraph.nq"), format=ox.RdfFormat.N_QUADS)
    asserted = [q.triple for q in quads if q.graph_name == ox.NamedNode(str(graph_iri("asserted")))]
    data = Graph().parse(data=ox.serialize(asserted, format=ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt")
    assert len(data) > 100
    shapes = Graph().parse(bundle_dir / "shapes.ttl", format="turtle")
    ontology = Graph().parse(bundle_dir / "ontology.ttl", format="turtle")
    conforms, _, report = pyshacl.validate(data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs")
    assert conforms, report


def test_ontology_documentation_in_english_and_thai(bundle_dir: Path) -> None:
    english = (bundle_dir / "ontology.en.html").read_text(encoding="utf-8")
    thai = (bundle_dir / "ontology.th.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="th">' in thai
    assert ">Agreement<" in english and '<h2 id="classes">Classes</h2>' in english
    assert ">ความตกลง<" in thai and '<h2 id="classes">คลาส</h2>' in thai
    assert ">ความตกลง<" not in english  # Thai only in the list of each term's labels
    for page in (english, thai):  # offline: nothing is loaded from elsewhere
        assert not re.search(r"<(script|img|iframe)[^>]+src=\"https?:", page)
        assert not re.search(r"<link[^>]+href=\"https?:", page)


def test_same_data_same_bytes_in_another_process(bundle_dir: Path, tiny_build: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    argv = [
        sys.executable,
        "-m",
        "coopgraph",
        "export",
        "--out",
        str(tiny_build),
        "--bundle",
        str(again),
        "--endpoint",
        ENDPOINT,
    ]
    subprocess.run(argv, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": "7"})
    for path in bundle_dir.iterdir():
        assert (again / path.name).read_bytes() == path.read_bytes(), path.name


def test_base_iri_leaves_no_old_base_behind(tiny_build: Path, tmp_path: Path) -> None:
    new_base = "https://data.example.org/id/"
    target = tmp_path / "moved"
    assert export_bundle(tiny_build, target, "--base-iri", new_base) == 0
    for path in target.iterdir():
        assert DEFAULT_BASE not in path.read_text(encoding="utf-8"), path.name
    void = read_void(target)
    ds = dataset_node(void)
    assert ds.startswith(new_base) and void.value(ds, VOID.uriSpace) == Literal(new_base)
    assert "https://w3id.org/coopgraph/ontology#" in (target / "coopgraph.ttl").read_text(encoding="utf-8")


def test_issued_as_the_publisher_says(tiny_build: Path, tmp_path: Path) -> None:
    assert export_bundle(tiny_build, tmp_path / "b", "--issued", "2023-05-01") == 0
    void = read_void(tmp_path / "b")
    assert void.value(dataset_node(void), DCTERMS.issued) == Literal("2023-05-01", datatype=XSD.date)


def test_bad_option_writes_nothing(tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "b"
    assert export_bundle(tiny_build, target, "--issued", "last tuesday") == 1
    assert "--issued" in capsys.readouterr().err
    assert not target.exists()


def test_since_must_be_a_bundle(tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert export_bundle(tiny_build, tmp_path / "b", "--since", str(tmp_path / "nothing")) == 1
    err = capsys.readouterr().err
    assert "coopgraph.nq" in err and "--since" in err and "Traceback" not in err


# --- the changelog ------------------------------------------------------------------------------------


def _changes(bundle: Path) -> dict[str, object]:
    document = json.loads((bundle / "changes.json").read_text(encoding="utf-8"))
    document.pop("previous")
    return document


KINDS = ("agreements", "people", "posts", "actors", "meetings", "places", "sources", "topics", "wikidata-links")


def _nothing() -> dict[str, list[object]]:
    return {"added": [], "removed": [], "changed": []}


def test_changelog_finds_exactly_the_deliberate_change(bundle_dir: Path, tiny_copy: Path, tmp_path: Path) -> None:
    with (tiny_copy / "people.yaml").open("a", encoding="utf-8") as people:
        people.write("- id: cy-gamma\n  name: {en: Cy Gamma}\n  sources: [bloc-charter]\n")
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8")
    old_title = "  en: Memorandum of Understanding between Alpha and Beta on Digital Cooperation\n"
    assert old_title in text
    agreement.write_text(text.replace(old_title, old_title.replace("Cooperation", "Co-operation")), encoding="utf-8")
    build(tiny_copy, tmp_path / "build", reasoner="none")
    new = tmp_path / "new"
    assert export_bundle(tmp_path / "build", new, "--since", str(bundle_dir)) == 0
    old = old_title.strip().removeprefix("en: ")
    new_title = old.replace("Cooperation", "Co-operation")

    assert _changes(new) == {
        "agreements": {
            "added": [],
            "removed": [],
            "changed": [
                {
                    "iri": f"{DEFAULT_BASE}agreement/alpha-beta-digital-mou-2024",
                    "label": "Memorandum of Understanding between Alpha and Beta on Digital Co-operation",
                    "properties": ["dcterms:title", "rdfs:label", "skos:prefLabel"],
                    "fields": [
                        {"property": prop, "removed": [f"{old}@en"], "added": [f"{new_title}@en"]}
                        for prop in ("dcterms:title", "rdfs:label", "skos:prefLabel")
                    ],
                }
            ],
        },
        "people": {
            "added": [{"iri": f"{DEFAULT_BASE}person/cy-gamma", "label": "Cy Gamma"}],
            "removed": [],
            "changed": [],
        },
        **{kind: _nothing() for kind in ("posts", "actors", "meetings", "places", "sources", "topics")},
        "wikidata-links": _nothing(),
    }
    markdown = (new / "CHANGES.md").read_text(encoding="utf-8")
    assert "- added: [Cy Gamma]" in markdown and "Digital Co-operation" in markdown
    void = read_void(new)
    old = read_void(bundle_dir)
    assert void.value(dataset_node(void), DCTERMS.issued) == old.value(dataset_node(old), DCTERMS.issued)  # kept
    names = {str(void.value(d, DCTERMS.title)) for d in void.objects(dataset_node(void), DCAT.distribution)}
    assert any("changed" in name for name in names)


def test_changelog_sees_removals_signings_and_links(bundle_dir: Path, tiny_copy: Path, tmp_path: Path) -> None:
    """Drop a post, move a signing date (a change to its agreement), and swap alpha's Wikidata id."""
    posts = tiny_copy / "posts.yaml"
    posts.write_text("[]\n", encoding="utf-8")
    people = (tiny_copy / "people.yaml").read_text(encoding="utf-8")
    people = people.replace(
        "  tenures:\n    - post: alpha-digital-minister\n      attested: [2024-02-02]\n"
        "      sources: [press-release-1]\n",
        "",
    )
    (tiny_copy / "people.yaml").write_text(people, encoding="utf-8")
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8")
    text = text.replace("  - date: 2024-02-02\n", "  - date: 2024-02-01\n").replace(
        ", post: alpha-digital-minister", ""
    )
    agreement.write_text(text, encoding="utf-8")
    actors = tiny_copy / "actors.yaml"
    actors.write_text(actors.read_text(encoding="utf-8").replace("wikidata: Q869", "wikidata: Q870"), encoding="utf-8")
    build(tiny_copy, tmp_path / "build", reasoner="none")
    new = tmp_path / "new"
    assert export_bundle(tmp_path / "build", new, "--since", str(bundle_dir)) == 0
    changes = _changes(new)
    assert changes["posts"] == {
        "added": [],
        "removed": [{"iri": f"{DEFAULT_BASE}post/alpha-digital-minister", "label": "Minister of Digital Affairs"}],
        "changed": [],
    }
    assert [e["iri"] for e in changes["agreements"]["changed"]] == [
        f"{DEFAULT_BASE}agreement/alpha-beta-digital-mou-2024"
    ]  # type: ignore[index]
    assert "coop:date" in changes["agreements"]["changed"][0]["properties"]  # type: ignore[index]
    assert [e["iri"] for e in changes["people"]["changed"]] == [f"{DEFAULT_BASE}person/ada-alpha"]  # type: ignore[index]
    alpha = next(e for e in changes["actors"]["changed"] if e["iri"].endswith("/country/alpha"))  # type: ignore[index]
    assert {"property": "owl:sameAs", "removed": ["wd:Q869"], "added": ["wd:Q870"]} in alpha["fields"]
    assert changes["wikidata-links"] == {
        "added": [],
        "removed": [],
        "changed": [
            {"iri": f"{DEFAULT_BASE}country/alpha", "label": "Alpha", "wikidata": [f"{WD}Q870"], "was": [f"{WD}Q869"]}
        ],
    }


def test_no_change_gives_an_empty_changelog(bundle_dir: Path, tiny_build: Path, tmp_path: Path) -> None:
    new = tmp_path / "new"
    assert export_bundle(tiny_build, new, "--since", str(bundle_dir)) == 0
    assert _changes(new) == {kind: _nothing() for kind in KINDS}
    assert "Nothing changed" in (new / "CHANGES.md").read_text(encoding="utf-8")
    assert export_bundle(tiny_build, new) == 0  # rewritten without --since: no stale changelog stays behind
    assert not (new / "CHANGES.md").exists() and not (new / "changes.json").exists()


def test_bundle_over_its_own_previous_version(tiny_build: Path, tmp_path: Path) -> None:
    """--since may name the very directory being rewritten: it is read before anything is written."""
    target = tmp_path / "portal"
    assert export_bundle(tiny_build, target) == 0
    assert export_bundle(tiny_build, target, "--since", str(target)) == 0
    assert _changes(target) == {kind: _nothing() for kind in KINDS}


def test_changelog_across_bases(tiny_build: Path, tmp_path: Path) -> None:
    """An earlier bundle under another base still compares node by node (its void:uriSpace says where it was)."""
    old = tmp_path / "old"
    assert export_bundle(tiny_build, old, "--base-iri", "https://data.example.org/id/") == 0
    new = tmp_path / "new"
    assert export_bundle(tiny_build, new, "--since", str(old)) == 0
    assert _changes(new) == {kind: _nothing() for kind in KINDS}
