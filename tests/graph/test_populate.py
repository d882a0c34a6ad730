"""populate: IRIs minted once, n-ary nodes for signings, precision and sources kept."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import RDF, RDFS, SKOS, XSD, Graph, Literal, URIRef

from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError
from coopgraph.graph.populate import ntriples, populate
from coopgraph.graph.vocab import COOP, PROV, individual
from tests.conftest import TINY

AGREEMENT = individual("agreement", "alpha-beta-digital-mou-2024")


def test_signing_is_an_nary_event_with_signatures() -> None:
    graph, _ = populate(curate(TINY))
    signing = individual("signing", "alpha-beta-digital-mou-2024-1")
    assert (signing, COOP.signingOf, AGREEMENT) in graph
    assert (signing, COOP.date, Literal("2024-02-02", datatype=XSD.date)) in graph
    assert (signing, COOP.datePrecision, COOP.DayPrecision) in graph
    assert (signing, COOP.witness, individual("person", "bob-beta")) in graph
    signatures = set(graph.objects(signing, COOP.hasSignature))
    assert len(signatures) == 2
    unknown = individual("signature", "alpha-beta-digital-mou-2024-1-2")
    assert (unknown, COOP.certainty, COOP.Unknown) in graph
    assert graph.value(unknown, COOP.signatory) is None
    assert (signing, PROV.wasDerivedFrom, individual("source", "press-release-1")) in graph


def test_year_precision_and_duration() -> None:
    graph, _ = populate(curate(TINY))
    signing = individual("signing", "bloc-beta-mou-2025-1")
    assert (signing, COOP.date, Literal("2025", datatype=XSD.gYear)) in graph
    assert (AGREEMENT, COOP.term, Literal("P5Y", datatype=XSD.duration)) in graph
    assert (AGREEMENT, COOP.renewalTerm, Literal("P3Y", datatype=XSD.duration)) in graph


def test_labels_in_both_languages_and_variants() -> None:
    graph, _ = populate(curate(TINY))
    person = individual("person", "ada-alpha")
    assert (person, RDFS.label, Literal("เอดา อัลฟา", lang="th")) in graph
    assert (person, SKOS.altLabel, Literal("Ada Alfa", lang="en")) in graph
    assert (person, SKOS.altLabel, Literal("ศาสตราจารย์เอดา อัลฟา", lang="th")) in graph


def test_rename_is_one_line_of_organisation() -> None:
    graph, _ = populate(curate(TINY))
    old, new = individual("organization", "beta-old-ministry"), individual("organization", "beta-digital-ministry")
    assert (old, COOP.renamedTo, new) in graph
    change = graph.value(predicate=COOP.resultingOrganization, object=new)
    assert (change, COOP.originalOrganization, old) in graph
    assert (change, COOP.date, Literal("2024-10", datatype=XSD.gYearMonth)) in graph


def test_origins_point_sub_nodes_at_their_record() -> None:
    _, origins = populate(curate(TINY))
    where = origins[individual("signature", "alpha-beta-digital-mou-2024-1-1")]
    assert where.path.endswith("agreements/alpha-beta-digital-mou-2024.yaml") and where.line == 22


def test_base_iri_moves_every_individual() -> None:
    base = "https://example.org/data/"
    graph, _ = populate(curate(TINY), base=base)
    subjects = {s for s in graph.subjects() if isinstance(s, URIRef)}
    assert all(not s.startswith("https://w3id.org/coopgraph/id/") for s in subjects)
    assert (URIRef(base + "country/alpha"), RDF.type, COOP.Country) in graph


def test_no_blank_nodes() -> None:
    graph, _ = populate(curate(TINY))
    assert all(isinstance(s, URIRef) for s in graph.subjects())


def test_ntriples_is_the_same_graph_as_populate(tiny_copy: Path) -> None:
    """The fast path (text, no rdflib Graph) gives exactly the triples of the rdflib path."""
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8").replace("term: P5Y", "term: PT36H")  # rdflib rewrites it P1DT12H
    text += 'note: {en: "A \\"quoted\\" back\\\\slash,\\na new line and\\ta tab"}\n'
    agreement.write_text(text, encoding="utf-8")
    world = curate(tiny_copy)
    base = "https://example.org/data/"
    graph, origins = populate(world, base=base)
    nt, nt_origins = ntriples(world, base=base)
    parsed = Graph().parse(data=nt.decode("utf-8"), format="nt")
    assert set(parsed) == set(graph)
    term = Literal("P1DT12H", datatype=XSD.duration)
    assert (URIRef(base + "agreement/alpha-beta-digital-mou-2024"), COOP.term, term) in parsed
    assert nt_origins == {str(node): where for node, where in origins.items()}
    store = ox.Store()
    store.bulk_load(nt, ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(graph)


def test_ntriples_refuses_a_base_that_is_not_an_iri() -> None:
    with pytest.raises(CoopgraphError, match="not an absolute IRI"):
        ntriples(curate(TINY), base="https://example.org/a base/")


def test_uncertain_dates_keep_their_xsd_value_and_add_edtf_bounds_and_qualifiers(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "bloc-beta-mou-2025.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace(
            "  - date: 2025\n", "  - date: 2025~\n    inferred-from: {en: the charter's dateline, th: วันที่ของกฎบัตร}\n"
        ),
        encoding="utf-8",
    )
    graph, _ = populate(curate(tiny_copy))
    signing = individual("signing", "bloc-beta-mou-2025-1")
    assert graph.value(signing, COOP.date) == Literal("2025", datatype=XSD.gYear)  # the precise lexical form stays
    assert graph.value(signing, COOP.edtf) == Literal("2025~")
    assert graph.value(signing, COOP.earliest) == Literal("2024-01-01", datatype=XSD.date)
    assert graph.value(signing, COOP.latest) == Literal("2026-12-31", datatype=XSD.date)
    assert set(graph.objects(signing, COOP.dateQualifier)) == {COOP.Approximate, COOP.Inferred}
    assert Literal("the charter's dateline", lang="en") in set(graph.objects(signing, COOP.inferredFrom))


def test_a_disputed_date_has_one_claim_per_source_and_no_single_date(tiny_copy: Path) -> None:
    agreement = tiny_copy / "agreements" / "bloc-beta-mou-2025.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace(
            "  - date: 2025\n",
            "  - date:\n      values:\n        - {date: 2025-03/2025-04, sources: [bloc-charter]}\n"
            "        - {date: 2025-05-02, sources: [press-release-1], note: {en: the release's day}}\n",
        ),
        encoding="utf-8",
    )
    graph, origins = populate(curate(tiny_copy))
    signing = individual("signing", "bloc-beta-mou-2025-1")
    assert graph.value(signing, COOP.date) is None and graph.value(signing, COOP.datePrecision) is None
    assert graph.value(signing, COOP.edtf) == Literal("2025-03/2025-04 | 2025-05-02")
    assert (graph.value(signing, COOP.earliest), graph.value(signing, COOP.latest)) == (
        Literal("2025-03-01", datatype=XSD.date),
        Literal("2025-05-02", datatype=XSD.date),
    )
    assert set(graph.objects(signing, COOP.dateQualifier)) == {COOP.SourcesDisagree, COOP.WithinRange}
    claims = {
        str(graph.value(c, COOP.edtf)): graph.value(c, PROV.wasDerivedFrom) for c in graph.objects(signing, COOP.dateClaim)
    }
    assert claims == {
        "2025-03/2025-04": individual("source", "bloc-charter"),
        "2025-05-02": individual("source", "press-release-1"),
    }
    second = individual("date-claim", "signing-bloc-beta-mou-2025-1-2")
    assert graph.value(second, COOP.date) == Literal("2025-05-02", datatype=XSD.date)
    assert origins[second].line == 10


def test_disputed_role_posts_and_unnamed_parties(tiny_copy: Path) -> None:
    """A minister one source says signed and another says only witnessed; two posts at once; an unnamed party."""
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = agreement.read_text(encoding="utf-8")
    text = text.replace(
        "      - {person: ada-alpha, post: alpha-digital-minister, for: alpha-digital-ministry}\n",
        "      - person: ada-alpha\n        post: [alpha-digital-minister, alpha-digital-minister]\n"
        "        for: alpha-digital-ministry\n        disputed:\n"
        "          - {role: signatory, sources: [press-release-1]}\n"
        "          - {role: witness, sources: [bloc-charter], note: {en: she says she only witnessed}}\n",
    )
    text = text.replace("parties: [alpha-digital-ministry, beta-old-ministry]", "parties: [alpha-digital-ministry, beta-old-ministry, unknown]\nparty-count: 3\nlevel: sector-ministers")
    agreement.write_text(text, encoding="utf-8")
    graph, _ = populate(curate(tiny_copy))
    node = individual("agreement", "alpha-beta-digital-mou-2024")
    assert graph.value(node, COOP.partyCount) == Literal(3) and graph.value(node, COOP.unnamedParties) == Literal(1)
    assert graph.value(node, COOP.level) == COOP.SectorMinisters
    signing = individual("signing", "alpha-beta-digital-mou-2024-1")
    signature = individual("signature", "alpha-beta-digital-mou-2024-1-1")
    assert graph.value(signature, COOP.roleCertainty) == COOP.Disputed
    claims = {
        (graph.value(c, COOP.claimedRole), graph.value(c, PROV.wasDerivedFrom)) for c in graph.objects(signing, COOP.roleClaim)
    }
    assert claims == {
        (COOP.SignatoryRole, individual("source", "press-release-1")),
        (COOP.WitnessRole, individual("source", "bloc-charter")),
    }
    assert all(graph.value(c, COOP.aboutPerson) == individual("person", "ada-alpha") for c in graph.objects(signing, COOP.roleClaim))


def test_two_posts_at_one_signing(tiny_copy: Path) -> None:
    posts = tiny_copy / "posts.yaml"
    posts.write_text(
        posts.read_text(encoding="utf-8")
        + "- id: alpha-deputy-prime-minister\n  name: {en: Deputy Prime Minister of Alpha}\n  organization: alpha-digital-ministry\n  sources: [press-release-1]\n",
        encoding="utf-8",
    )
    agreement = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    agreement.write_text(
        agreement.read_text(encoding="utf-8").replace("post: alpha-digital-minister,", "post: [alpha-digital-minister, alpha-deputy-prime-minister],"),
        encoding="utf-8",
    )
    graph, _ = populate(curate(tiny_copy))
    signature = individual("signature", "alpha-beta-digital-mou-2024-1-1")
    assert set(graph.objects(signature, COOP.inCapacityOf)) == {
        individual("post", "alpha-digital-minister"), individual("post", "alpha-deputy-prime-minister")
    }


def test_a_person_named_only_in_thai_passes_every_check(tiny_copy: Path) -> None:
    from coopgraph.cli import main

    people = tiny_copy / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  name: {en: Bob Beta}", "  name: {th: บ็อบ เบตา}"), encoding="utf-8")
    assert main(["check", "--data", str(tiny_copy)]) == 0  # the model, the references and the SHACL shapes
