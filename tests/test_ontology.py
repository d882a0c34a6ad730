"""The ontology and its shapes: agreement with vocab.py, OWL 2 DL reasoning on HermiT, SHACL.

HermiT runs on Java through owlready2 in a fresh ``World`` per test; owlready2 reads
no Turtle, so graphs are handed to it as N-Triples.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from coopgraph.graph.vocab import COOP, KIND_SEGMENTS, ONTOLOGY_IRI, individual

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology" / "coopgraph.ttl"
SHAPES = ROOT / "ontology" / "shapes.ttl"

TERMS = sorted([*COOP.__annotations__, *COOP._extras])  # _extras: terms that are Python keywords (from, until)
DECLARATION_TYPES = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.NamedIndividual}
CONSTRAINTS = {
    SH[name]
    for name in [
        "class",
        "datatype",
        "in",
        "hasValue",
        "minCount",
        "maxCount",
        "minInclusive",
        "pattern",
        "languageIn",
        "uniqueLang",
        "qualifiedValueShape",
        "or",
        "and",
    ]
}

PREFIXES = (
    "".join(f"@prefix {kind}: <{individual(kind, '')}> .\n" for kind in KIND_SEGMENTS)
    + """\
@prefix coop: <https://w3id.org/coopgraph/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""
)

# A tiny world that satisfies every shape: one MOU between Thailand's and China's
# ministries, signed once, with a tenure, a bloc membership, a topic and a source.
GOOD_DATA = (
    PREFIXES
    + """
source:thaigov a coop:SourceDocument ;
    rdfs:label "DE signs MOU"@en ;
    coop:url "https://www.thaigov.go.th/news/contents/details/78348"^^xsd:anyURI ;
    coop:language "th" ;
    coop:date "2024-02-02"^^xsd:date .

country:thailand a coop:Country ; rdfs:label "Thailand"@en , "ประเทศไทย"@th .
country:china a coop:Country ; rdfs:label "China"@en .
organization:asean a coop:IntergovernmentalOrganization ; rdfs:label "ASEAN"@en .
organization:mdes a coop:Ministry ; rdfs:label "MDES"@en ; coop:serves country:thailand .
organization:miit a coop:Ministry ; rdfs:label "MIIT"@en ; coop:serves country:china .

membership:thailand-asean a coop:BlocMembership ;
    coop:member country:thailand ; coop:bloc organization:asean ;
    coop:startDate "1967-08-08"^^xsd:date ;
    prov:wasDerivedFrom source:thaigov .

person:prasert a coop:Person ; rdfs:label "Prasert Jantararuangtong"@en , "ประเสริฐ จันทรรวงทอง"@th .
post:th-minister-des a coop:Post ;
    rdfs:label "Minister of Digital Economy and Society"@en ;
    coop:postIn organization:mdes .
tenure:prasert-minister a coop:Tenure ;
    coop:holder person:prasert ; coop:tenureOf post:th-minister-des ;
    coop:attestedOn "2023-10"^^xsd:gYearMonth ;
    prov:wasDerivedFrom source:thaigov .

topic:digital-infrastructure a coop:Topic ;
    skos:inScheme coop:topics ;
    skos:prefLabel "Digital infrastructure"@en , "โครงสร้างพื้นฐานดิจิทัล"@th .

agreement:th-cn-mou a coop:MemorandumOfUnderstanding ;
    rdfs:label "MOU on digital cooperation"@en , "บันทึกความเข้าใจว่าด้วยความร่วมมือด้านดิจิทัล"@th ;
    coop:hasParty organization:mdes , organization:miit ;
    coop:hasTopic topic:digital-infrastructure ;
    coop:term "P5Y"^^xsd:duration ;
    coop:hasSigning signing:th-cn-mou-1 ;
    prov:wasDerivedFrom source:thaigov .

signing:th-cn-mou-1 a coop:Signing ;
    coop:signingOf agreement:th-cn-mou ;
    coop:date "2024-02-02"^^xsd:date ;
    coop:datePrecision coop:DayPrecision ;
    coop:place country:china ;
    coop:hasSignature signature:th-cn-mou-1-1 ;
    prov:wasDerivedFrom source:thaigov .

signature:th-cn-mou-1-1 a coop:Signature ;
    coop:signatory person:prasert ;
    coop:inCapacityOf post:th-minister-des ;
    coop:onBehalfOf organization:mdes ;
    coop:certainty coop:Stated .
"""
)

# Cooperation area mapped onto a second topic, for the hasArea o areaTopic chain.
_AREA = """
topic:cloud a coop:Topic ; skos:inScheme coop:topics ; skos:prefLabel "Cloud"@en .
agreement:th-cn-mou coop:hasArea area:th-cn-mou-1 .
area:th-cn-mou-1 a coop:CooperationArea ; coop:areaNumber 1 ;
    rdfs:label "Cloud services"@en ; coop:areaTopic topic:cloud .
"""

# The acceptance example of the brief: an agreement with one party and no source.
BAD_DATA = (
    PREFIXES
    + """
country:thailand a coop:Country ; rdfs:label "Thailand"@en .
agreement:lonely a coop:MemorandumOfUnderstanding ;
    rdfs:label "A lonely MOU"@en ;
    coop:hasParty country:thailand .
"""
)

# Each case adds one mistake to GOOD_DATA and names the message it must produce.
BAD_ADDITIONS = {
    "untagged title": (
        'agreement:th-cn-mou rdfs:label "untagged title" .',
        "needs a language tag",
    ),
    "two English preferred names": (
        'topic:digital-infrastructure skos:prefLabel "Infrastructure"@en .',
        "at most one preferred name",
    ),
    "person as party": (
        "agreement:th-cn-mou coop:hasParty person:prasert .",
        "not a person",
    ),
    "term not a duration": (
        'agreement:th-cn-mou coop:renewalTerm "three years" .',
        "must be a duration",
    ),
    "date as plain text": (
        'source:thaigov coop:date "2 Feb 2024" .',
        "A date must be a day",
    ),
    "precision does not match date": (
        """signing:second a coop:Signing ;
            coop:signingOf agreement:th-cn-mou ;
            coop:date "2024-02"^^xsd:gYearMonth ; coop:datePrecision coop:DayPrecision ;
            prov:wasDerivedFrom source:thaigov .""",
        "needs a date precision that matches its date",
    ),
    "signing without agreement": (
        """signing:orphan a coop:Signing ; prov:wasDerivedFrom source:thaigov .""",
        "exactly one agreement",
    ),
    "signature without certainty": (
        """signing:th-cn-mou-1 coop:hasSignature signature:vague .
           signature:vague a coop:Signature .""",
        "exactly one certainty",
    ),
    "tenure without source": (
        """tenure:unsourced a coop:Tenure ;
            coop:holder person:prasert ; coop:tenureOf post:th-minister-des .""",
        "A tenure needs at least one source",
    ),
    "membership of a non-bloc": (
        """membership:odd a coop:BlocMembership ;
            coop:member country:thailand ; coop:bloc country:china ;
            prov:wasDerivedFrom source:thaigov .""",
        "must be an intergovernmental organisation",
    ),
    "ministry serving no country": (
        'organization:stray a coop:Ministry ; rdfs:label "Stray"@en .',
        "serves exactly one country",
    ),
    "source URL as plain text": (
        'source:plain a coop:SourceDocument ; coop:url "https://example.org/x" .',
        "must be an xsd:anyURI",
    ),
    "topic outside the scheme": (
        'topic:stray a coop:Topic ; skos:prefLabel "Stray"@en .',
        "must be in the cooperation-topic scheme",
    ),
    "person without any name": (
        "person:anon a coop:Person .",
        "A person needs a name (rdfs:label) in at least one language",
    ),
}


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return Graph().parse(ONTOLOGY, format="turtle")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return Graph().parse(SHAPES, format="turtle")


def _data(turtle: str) -> Graph:
    return Graph().parse(data=turtle, format="turtle")


def _reason(graph: Graph, tmp_path: Path, *, ignore_unsupported_datatypes: bool = False) -> Any:
    """Run HermiT over ``graph`` in a fresh owlready2 ``World`` and return the World.

    Data with xsd:date literals needs ``ignore_unsupported_datatypes``: they are outside the
    OWL 2 datatype map, and HermiT refuses them otherwise.
    """
    from owlready2 import World, sync_reasoner

    path = tmp_path / "world.nt"
    graph.serialize(destination=str(path), format="nt", encoding="utf-8")
    world = World()
    onto = world.get_ontology(path.as_uri()).load()
    with onto:
        sync_reasoner(
            world, infer_property_values=True, debug=0, ignore_unsupported_datatypes=ignore_unsupported_datatypes
        )
    return world


def _validate(data: Graph, shapes: Graph, ontology: Graph, inference: str) -> tuple[bool, str]:
    from pyshacl import validate

    conforms, _, text = validate(data, shacl_graph=shapes, ont_graph=ontology, inference=inference)
    return bool(conforms), str(text)


# ----------------------------------------------------------------- (a) vocab.py <-> ontology
@pytest.mark.parametrize("name", TERMS)
def test_vocab_term_is_declared_labelled_and_defined(ontology: Graph, name: str) -> None:
    term: URIRef = getattr(COOP, name)
    assert set(ontology.objects(term, RDF.type)) & DECLARATION_TYPES, f"coop:{name} has no OWL declaration"
    for lang in ("en", "th"):
        labels = [o for o in ontology.objects(term, RDFS.label) if isinstance(o, Literal) and o.language == lang]
        assert len(labels) == 1, f"coop:{name} needs exactly one rdfs:label@{lang}"
    definitions = [o for o in ontology.objects(term, SKOS.definition) if isinstance(o, Literal) and o.language == "en"]
    assert definitions, f"coop:{name} needs a skos:definition@en"


def test_ontology_declares_nothing_outside_vocab(ontology: Graph) -> None:
    namespace = str(COOP._NS)
    used = {str(t)[len(namespace) :] for t in ontology.all_nodes() if isinstance(t, URIRef) and t.startswith(namespace)}
    assert used - set(TERMS) == set()


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef(ONTOLOGY_IRI)
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionInfo) is not None
    assert ontology.value(header, URIRef("http://purl.org/dc/terms/license")) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )


# ----------------------------------------------------------------- (b) HermiT
@pytest.mark.java
def test_ontology_is_consistent_under_hermit(ontology: Graph, tmp_path: Path) -> None:
    world = _reason(ontology, tmp_path)
    # owlready2 silently loads nothing from a format it cannot read: check it saw the classes.
    classes = {c.iri for c in world.classes()}
    assert str(COOP.Agreement) in classes and str(COOP.Signature) in classes
    assert not list(world.inconsistent_classes())


# OWL API (bundled in owlready2's HermiT jar) checks the structural restrictions of OWL 2 DL
# (simple properties in cardinalities, reserved vocabulary, ...); Java 11+ runs a single-file
# program straight from source. It lets xsd:date through; HermiT's loading above does not.
_PROFILE_CHECK = """
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.profiles.*;
public class ProfileCheck {
  public static void main(String[] args) throws Exception {
    var ontology = OWLManager.createOWLOntologyManager().loadOntologyFromOntologyDocument(new java.io.File(args[0]));
    var report = new OWL2DLProfile().checkOntology(ontology);
    for (var violation : report.getViolations()) System.out.println(violation);
    System.out.println(report.isInProfile() ? "IN OWL 2 DL" : "NOT OWL 2 DL");
  }
}
"""


@pytest.mark.java
def test_ontology_is_in_the_owl2_dl_profile(tmp_path: Path) -> None:
    import subprocess

    import owlready2

    hermit_jar = Path(owlready2.__file__).parent / "hermit" / "HermiT.jar"
    source = tmp_path / "ProfileCheck.java"
    source.write_text(_PROFILE_CHECK, encoding="utf-8")
    command = [owlready2.JAVA_EXE, "-cp", str(hermit_jar), str(source), str(ONTOLOGY)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert run.stdout.strip().endswith("IN OWL 2 DL"), run.stdout + run.stderr


@pytest.mark.java
def test_reasoner_derives_signed_holds_topics_and_types(ontology: Graph, tmp_path: Path) -> None:
    world = _reason(ontology + _data(GOOD_DATA + _AREA), tmp_path, ignore_unsupported_datatypes=True)

    def values(subject: URIRef, prop: URIRef) -> set[str]:
        return {v.iri for v in world[str(prop)][world[str(subject)]]}

    prasert = individual("person", "prasert")
    mou = individual("agreement", "th-cn-mou")
    assert str(mou) in values(prasert, COOP.signed)  # chain: signatory^- o hasSignature^- o signingOf
    assert str(individual("post", "th-minister-des")) in values(prasert, COOP.holds)  # holder^- o tenureOf
    assert str(individual("topic", "cloud")) in values(mou, COOP.hasTopic)  # hasArea o areaTopic
    assert str(individual("organization", "asean")) in values(individual("country", "thailand"), COOP.memberOfBloc)
    assert str(mou) in values(individual("organization", "mdes"), COOP.partyTo)  # inverse
    thailand = world[str(individual("country", "thailand"))]
    assert world[str(COOP.Actor)] in thailand.INDIRECT_is_a and world[str(COOP.Place)] in thailand.INDIRECT_is_a


# ----------------------------------------------------------------- (c) SHACL
def test_shapes_are_valid_shacl(shapes: Graph) -> None:
    from pyshacl import validate

    # meta_shacl checks the shapes graph against the SHACL-for-SHACL shapes first.
    conforms, _, text = validate(Graph(), shacl_graph=shapes, meta_shacl=True)
    assert conforms, text


def test_every_constraint_has_an_english_message(shapes: Graph) -> None:
    # Member shapes of sh:or / sh:and and qualified value shapes speak through their holder.
    nested = set(shapes.objects(None, SH.qualifiedValueShape))
    for head in [*shapes.objects(None, SH["or"]), *shapes.objects(None, SH["and"])]:
        nested.update(shapes.items(head))
    constrained = {s for s, p, _ in shapes if p in CONSTRAINTS} - nested
    assert constrained, "no constraints found"
    silent = [
        s
        for s in constrained
        if not any(isinstance(m, Literal) and m.language == "en" for m in shapes.objects(s, SH.message))
    ]
    assert silent == []


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_good_data_conforms(shapes: Graph, ontology: Graph, inference: str) -> None:
    conforms, text = _validate(_data(GOOD_DATA), shapes, ontology, inference)
    assert conforms, text


@pytest.mark.parametrize("inference", ["none", "rdfs"])
def test_agreement_with_one_party_and_no_source_fails(shapes: Graph, ontology: Graph, inference: str) -> None:
    conforms, text = _validate(_data(BAD_DATA), shapes, ontology, inference)
    assert not conforms
    assert "An agreement needs at least two parties" in text
    assert "An agreement needs at least one source document" in text


@pytest.mark.parametrize("case", sorted(BAD_ADDITIONS))
def test_each_mistake_is_reported_in_a_curators_words(shapes: Graph, ontology: Graph, case: str) -> None:
    addition, message = BAD_ADDITIONS[case]
    conforms, text = _validate(_data(GOOD_DATA + addition), shapes, ontology, "none")
    assert not conforms
    assert message in text


def test_a_declaration_may_have_one_party(shapes: Graph, ontology: Graph) -> None:
    declaration = BAD_DATA.replace("coop:MemorandumOfUnderstanding", "coop:Declaration")
    conforms, text = _validate(_data(declaration), shapes, ontology, "none")
    assert "at least two parties" not in text
    assert not conforms  # still no source


# ----------------------------------------------------------------- (d) disjointness bites
@pytest.mark.java
def test_a_person_as_party_is_inconsistent(ontology: Graph, tmp_path: Path) -> None:
    # The control, a world whose parties are ministries, is the consistent one reasoned above.
    from owlready2 import OwlReadyInconsistentOntologyError

    abox = _data(
        PREFIXES
        + """
        person:prasert a coop:Person .
        agreement:x a coop:MemorandumOfUnderstanding ; coop:hasParty person:prasert .
        """
    )
    with pytest.raises(OwlReadyInconsistentOntologyError):
        _reason(ontology + abox, tmp_path)


def test_ontology_metadata_for_citation_and_versioning(ontology: Graph) -> None:
    """A version IRI, creator, publisher, dates and a citation: what catalogues and FAIR checkers read."""
    from rdflib import XSD
    from rdflib.namespace import DCTERMS

    onto = URIRef("https://w3id.org/coopgraph/ontology")
    version = ontology.value(onto, OWL.versionIRI)
    info = ontology.value(onto, OWL.versionInfo)
    assert version is not None and str(version).endswith(f"/{info}")
    for predicate in (DCTERMS.creator, DCTERMS.publisher, DCTERMS.bibliographicCitation, DCTERMS.license):
        assert ontology.value(onto, predicate) is not None, predicate
    for predicate in (DCTERMS.created, DCTERMS.modified):
        value = ontology.value(onto, predicate)
        assert value is not None and value.datatype == XSD.date, predicate
    assert str(version) in str(ontology.value(onto, DCTERMS.bibliographicCitation))


def test_every_term_is_defined_by_the_ontology_and_labels_are_distinct(ontology: Graph) -> None:
    from collections import defaultdict

    onto = URIRef("https://w3id.org/coopgraph/ontology")
    terms = {s for s in ontology.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(str(COOP))}
    undefined = sorted(str(t) for t in terms if (t, RDFS.isDefinedBy, onto) not in ontology)
    assert not undefined, f"add an rdfs:isDefinedBy line for: {undefined}"
    for lang in ("en", "th"):
        seen: dict[str, list[str]] = defaultdict(list)
        for term in terms:
            for label in ontology.objects(term, RDFS.label):
                if isinstance(label, Literal) and label.language == lang:
                    seen[str(label).casefold()].append(str(term))
        clashes = {label: names for label, names in seen.items() if len(names) > 1}
        assert not clashes, f"terms share a label @{lang}: {clashes}"


def test_a_property_without_a_domain_says_why(ontology: Graph) -> None:
    from rdflib import SKOS

    for kind in (OWL.ObjectProperty, OWL.DatatypeProperty):
        for prop in ontology.subjects(RDF.type, kind):
            if str(prop).startswith(str(COOP)) and (prop, RDFS.domain, None) not in ontology:
                assert (prop, SKOS.scopeNote, None) in ontology, f"{prop}: no rdfs:domain and no skos:scopeNote why"


def test_every_lifecycle_code_is_one_status_individual_everywhere(ontology: Graph, shapes: Graph) -> None:
    """The codes are listed once (curate/lifecycle.py); the ontology, the shapes and populate follow that list."""
    from rdflib.collection import Collection

    from coopgraph.curate.lifecycle import STATUSES
    from coopgraph.graph.populate import STATUSES as MINTED

    notations = {str(n): s for s, n in ontology.subject_objects(SKOS.notation) if (s, RDF.type, COOP.AgreementStatus) in ontology}
    assert sorted(notations) == sorted(STATUSES)
    assert all(ontology.value(notations[code], RDFS.label) is not None for code in STATUSES)
    assert {code: str(iri) for code, iri in MINTED.items()} == {code: str(notations[code]) for code in STATUSES}
    one_of = next(ontology.objects(ontology.value(COOP.AgreementStatus, OWL.equivalentClass), OWL.oneOf))
    assert [str(m) for m in Collection(ontology, one_of)] == [str(notations[code]) for code in STATUSES]
    allowed = [
        [str(m) for m in Collection(shapes, listed)]
        for prop in shapes.subjects(SH.path, COOP.status)
        for listed in shapes.objects(prop, SH["in"])
    ]
    assert allowed == [[str(notations[code]) for code in STATUSES]]
    assert {str(label) for label in ontology.objects(COOP.Approved, RDFS.label)} == {"approved", "ได้รับอนุมัติแล้ว"}
