"""shapes: the SHACL shapes compiled to SPARQL give exactly pySHACL's problems, and refuse what they cannot compile."""

from __future__ import annotations

import random
import re
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, URIRef

from coopgraph.checks.shapes import shape_problems
from coopgraph.checks.validate import shacl_problems
from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError, Location, Problem
from coopgraph.graph.dataset import read_ontology
from coopgraph.graph.populate import populate
from coopgraph.graph.store import graph_node
from coopgraph.resources import shapes_file
from tests.conftest import SHIPPED, TINY

PREFIXES = """\
@prefix coop: <https://w3id.org/coopgraph/ontology#> .
@prefix id:   <https://w3id.org/coopgraph/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .
"""


@cache
def _ontology() -> Graph:
    return read_ontology()


def _store(asserted: Graph, ontology: Graph) -> ox.Store:
    store = ox.Store()
    for name, graph in (("asserted", asserted), ("ontology", ontology)):
        store.bulk_load(
            graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=graph_node(name)
        )
    return store


def _shown(problems: list[Problem]) -> list[tuple[str, str]]:
    return sorted((str(p.location), p.message) for p in problems)


def _same_as_pyshacl(asserted: Graph, origins: dict[URIRef, Location]) -> list[tuple[str, str]]:
    """Both validators on the same input; returns the (equal) problems for further checks."""
    ontology = _ontology()
    ours = shape_problems(_store(asserted, ontology), origins)
    assert ours == sorted(ours), "problems come sorted"
    expected = _shown(shacl_problems(asserted, ontology, origins))
    assert _shown(ours) == expected
    return expected


def _world(data: Path) -> tuple[Graph, dict[URIRef, Location]]:
    return populate(curate(data))


def _turtle(text: str) -> tuple[Graph, dict[URIRef, Location]]:
    """A hand-written asserted graph; a subject's origin is the line that starts its statement."""
    source = PREFIXES + text
    graph = Graph(bind_namespaces="none").parse(data=source, format="turtle")
    origins = {}
    for number, line in enumerate(source.splitlines(), start=1):
        if match := re.match(r"id:([\w-]+)\s", line):
            origins[URIRef("https://w3id.org/coopgraph/id/" + match.group(1))] = Location("case.ttl", number)
    return graph, origins


# --------------------------------------------------------------------------- equivalence on curated worlds


def test_shipped_data_matches_pyshacl() -> None:
    assert _same_as_pyshacl(*_world(SHIPPED)) == []


def test_tiny_world_matches_pyshacl() -> None:
    assert _same_as_pyshacl(*_world(TINY)) == []


def test_curated_problem_reaching_shacl_matches_pyshacl(tiny_copy: Path) -> None:
    topics = tiny_copy / "topics.yaml"
    topics.write_text(
        topics.read_text(encoding="utf-8") + "- id: thai-only\n  name: {th: ไทยเท่านั้น}\n", encoding="utf-8"
    )
    problems = _same_as_pyshacl(*_world(tiny_copy))
    assert len(problems) == 1 and "English" in problems[0][1] and problems[0][0].endswith("topics.yaml:8")


@pytest.mark.parametrize("seed", [1, 5])
def test_randomly_damaged_world_matches_pyshacl(seed: int) -> None:
    """Drop, rewire, duplicate and untype triples of the tiny world at random: real shapes of breakage."""
    asserted, origins = _world(TINY)
    assert _same_as_pyshacl(damage(asserted, seed, drop=0.04, rewire=0.05, untype=0.055, duplicate=0.01), origins)


def damage(asserted: Graph, seed: int, *, drop: float, rewire: float, untype: float, duplicate: float = 0.0) -> Graph:
    """A copy with triples dropped, rewired to another object and untyped at random (and duplicated).

    The bounds are cumulative on one roll per triple: below ``drop`` the triple is dropped, below
    ``rewire`` its object is another, below ``untype`` a literal loses its datatype.
    """
    rnd = random.Random(seed)
    objects = sorted(o for _, _, o in asserted)
    damaged = Graph()
    for s, p, o in sorted(asserted):
        roll = rnd.random()
        if roll < drop:
            continue
        if roll < rewire:
            o = rnd.choice(objects)
        elif roll < untype and isinstance(o, Literal):
            o = Literal(str(o))
        damaged.add((s, p, o))
        if duplicate and rnd.random() < duplicate:
            damaged.add((s, p, rnd.choice(objects)))
    return damaged


# --------------------------------------------------------------------------- every compiled construct fires

EVERYTHING_WRONG = """
id:a1 a coop:Agreement ;
    coop:hasTopic id:p1 , "not a topic" ;
    coop:automaticRenewal "sometimes" , true ;
    coop:term "five years" , "P5Y"^^xsd:duration ;
    coop:renewalTerm "P3Y"^^xsd:duration ;
    coop:hasSigning id:sig1 ;
    coop:hasStatusChange id:sc1 ;
    coop:hasArea id:area1 , id:area2 .
id:a2 a coop:Declaration ; coop:hasParty id:c1 ; prov:wasDerivedFrom id:s1 ; rdfs:label "Declaration"@en ;
    coop:hasArea id:area2 .
id:a3 a coop:Agreement ; coop:hasParty id:c1 , "a party" ; prov:wasDerivedFrom id:p1 ; rdfs:label "One party"@en ;
    coop:startDate "2024-02-30"^^xsd:date , "2024"^^xsd:gYear ; coop:endDate "soon" .
id:c1 a coop:Country ; rdfs:label "Alpha" ; skos:prefLabel "Alpha"@en , "Alphaland"@EN , "Alfa"@th ;
    skos:altLabel "Alfa" .
id:area1 a coop:CooperationArea ; coop:areaTopic id:c1 ; coop:areaNumber 0 , "2" .
id:area2 a coop:CooperationArea ; coop:areaNumber 3 .
id:area3 a coop:CooperationArea ; coop:areaTopic id:t1 ; coop:areaNumber 2.5 .
id:sc1 a coop:StatusChange ; coop:status coop:Signed , coop:Draft .
id:sc2 a coop:StatusChange ; coop:date "2024-01-01"^^xsd:date , "2024-01"^^xsd:gYearMonth .
id:sig1 a coop:Signing ; coop:signingOf id:a1 , id:a3 ; coop:date "2024-02-02"^^xsd:date ;
    coop:datePrecision coop:MonthPrecision ; coop:hasSignature id:sg1 , "a signature" ;
    coop:place id:p1 ; coop:duringMeeting id:p1 ; coop:witness "Bob" ; prov:wasDerivedFrom id:s2 .
id:sig2 a coop:Signing ; coop:signingOf "an agreement" ; coop:date "2024"^^xsd:gYear ;
    coop:datePrecision coop:YearPrecision , coop:Weekly ; prov:wasDerivedFrom id:s1 .
id:sig3 a coop:Signing ; coop:signingOf id:a2 ; coop:date "2024-05"^^xsd:gYearMonth ; prov:wasDerivedFrom id:s1 .
id:sg1 a coop:Signature ; coop:signatory id:p1 , id:p2 ; coop:certainty coop:Sure ;
    coop:onBehalfOf id:c1 , "Beta" ; coop:inCapacityOf id:c1 .
id:sg2 a coop:Signature ; coop:certainty coop:Stated , coop:Unknown .
id:p1 a coop:Person ; rdfs:label "Bob"@th ; coop:attestedOn "yesterday" .
id:p2 a coop:Person ; rdfs:label "Carol"@en-GB .
id:post1 a coop:Post ; coop:postIn id:c1 .
id:post2 a coop:Post .
id:ten1 a coop:Tenure ; coop:holder id:c1 , id:p2 ; coop:tenureOf id:p1 ; prov:wasDerivedFrom "a source" .
id:gov1 a coop:GovernmentBody ; coop:serves id:post1 .
id:bm1 a coop:BlocMembership ; coop:member id:post1 ; coop:bloc id:c1 ; prov:wasDerivedFrom id:s1 .
id:bm2 a coop:BlocMembership .
id:t1 a coop:Topic ; skos:inScheme id:other ; skos:prefLabel "หัวข้อ"@th ; skos:broader id:p1 .
id:s1 a coop:SourceDocument ; coop:url "https://example.org/a"^^xsd:anyURI .
id:s2 a coop:SourceDocument ; coop:url "not a url" , "https://example.org/b c"^^xsd:anyURI .
id:s3 a coop:SourceDocument .
"""

# One message (or fragment) per compiled construct the graph above must set off, so none only agrees on silence.
FIRES = {
    "minCount": "An agreement needs at least one party.",
    "maxCount": "An agreement has at most one term.",
    "class": "An agreement's topic must be a topic of the scheme",
    "class on a literal": "A party to an agreement must be a country or an organisation",
    "datatype langString": "Every name or title (rdfs:label) needs a language tag",
    "datatype boolean": "Automatic renewal is a single true or false.",
    "datatype duration": "An agreement's term must be a duration",
    "datatype anyURI": "A source document's URL must be an xsd:anyURI literal.",
    "or of datatypes, ill-typed date": "A start date must be a day",
    "node-level or with class": "An agreement needs at least two parties",
    "node-level or of and/hasValue": "A dated signing needs a date precision that matches its date",
    "in": "A status must be one of planned",
    "hasValue": "A topic must be in the cooperation-topic scheme",
    "qualifiedMinCount + languageIn": "A topic needs a preferred name in English",
    "uniqueLang": "A thing has at most one preferred name (skos:prefLabel) per language",
    "pattern": "must start with http:// or https://",
    "minInclusive": "A cooperation area's number is a whole number from 1 up.",
    "inversePath minCount": "A signature must belong to exactly one signing.",
    "inversePath maxCount": "A cooperation area must belong to exactly one agreement.",
    "subproperty (witness is an attendee)": "An attendee of a signing must be a person.",
}


def test_every_constraint_kind_fires_as_in_pyshacl() -> None:
    problems = _same_as_pyshacl(*_turtle(EVERYTHING_WRONG))
    messages = [message for _, message in problems]
    for construct, fragment in FIRES.items():
        assert any(fragment in m for m in messages), f"{construct}: no problem reads {fragment!r}"
    assert (
        "case.ttl:20",
        "A thing has at most one preferred name (skos:prefLabel) per language; put the others in skos:altLabel."
        " [prefLabel] (c1)",
    ) in problems
    assert any(where == "(graph)" for where, _ in problems)  # a literal typed by rdfs:range is a focus node too


def test_languages_and_counts_that_pass() -> None:
    fine = """
id:p1 a coop:Person ; rdfs:label "Bob"@en-GB , "บ็อบ"@th .
id:t1 a coop:Topic ; skos:inScheme coop:topics ; skos:prefLabel "Topic"@en , "หัวข้อ"@th .
id:area1 a coop:CooperationArea ; coop:areaTopic id:t1 ; coop:areaNumber 1 .
id:a1 a coop:Declaration ; coop:hasParty id:c1 ; prov:wasDerivedFrom id:s1 ; rdfs:label "A"@en ; coop:hasArea id:area1 .
id:c1 a coop:Country ; rdfs:label "C"@en .
id:s1 a coop:SourceDocument ; coop:url "https://example.org/"^^xsd:anyURI .
"""
    assert _same_as_pyshacl(*_turtle(fine)) == []


def test_ontology_is_validated_as_pyshacl_sees_it() -> None:
    """Inoculated ontology triples are data (their problems sit at "(graph)"); the rest of the ontology is not."""
    ontology = (
        Graph().parse(
            data=PREFIXES
            + """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
coop:Gadget a owl:Class ; rdfs:label "Gadget" ; skos:prefLabel "Gadget" .
coop:Perhaps a owl:NamedIndividual , coop:Certainty ; skos:altLabel "perhaps" .
coop:Maybe a coop:AgreementStatus ; rdfs:label "maybe"@en ; skos:altLabel "maybe" .
""",
            format="turtle",
        )
        + _ontology()
    )
    asserted, origins = _turtle("id:sg1 a coop:Signature ; coop:certainty coop:Perhaps .\n")
    ours = shape_problems(_store(asserted, ontology), origins)
    assert _shown(ours) == _shown(shacl_problems(asserted, ontology, origins))
    texts = [p.message for p in ours]
    assert any("(rdfs:label) needs a language tag" in t and "(Gadget)" in t for t in texts)
    assert any("(skos:altLabel) needs a language tag" in t and "(Perhaps)" in t for t in texts)
    assert not any("(Maybe)" in t or "prefLabel" in t for t in texts)


NESTED_SHAPES = """
id:StatusValueShape a sh:NodeShape ;
    sh:targetClass coop:X ;
    sh:in ( coop:Signed coop:InForce ) ;
    sh:message "node-level sh:in" .
id:SignatureShape a sh:NodeShape ;
    sh:targetClass coop:Signature ;
    sh:and ( [ sh:property [ sh:path coop:certainty ; sh:hasValue coop:Stated ] ]
             [ sh:or ( [ sh:path coop:signatory ; sh:maxCount 0 ]
                       [ sh:path coop:signatory ; sh:qualifiedValueShape [ sh:class coop:Person ] ;
                         sh:qualifiedMinCount 1 ] ) ] ) ;
    sh:message "node-level sh:and of sh:property and sh:or" .
id:CountryShape a sh:NodeShape ;
    sh:targetClass coop:Country ;
    sh:or ( [ sh:hasValue id:c1 ] [ sh:path skos:prefLabel ; sh:uniqueLang true ; sh:minCount 1 ] ) ;
    sh:message "node-level sh:hasValue or sh:uniqueLang" .
"""


def test_nested_node_level_constructs_match_pyshacl(tmp_path: Path) -> None:
    """What shapes.ttl does not use yet but the compiler handles: node-level sh:in, sh:and, nested sh:property."""
    shapes = _shapes_file(tmp_path, NESTED_SHAPES)
    data = """
id:sg1 a coop:Signature ; coop:certainty coop:Stated .
id:sg2 a coop:Signature ; coop:certainty coop:Partial .
id:sg3 a coop:Signature ; coop:certainty coop:Stated ; coop:signatory id:p1 .
id:sg4 a coop:Signature ; coop:certainty coop:Stated ; coop:signatory "Bob" .
id:p1 a coop:Person .
id:x1 a coop:X .
id:c1 a coop:Country ; skos:prefLabel "A"@en , "B"@en .
id:c2 a coop:Country ; skos:prefLabel "A"@en , "B"@th .
id:c3 a coop:Country ; skos:prefLabel "A"@en , "B"@EN .
id:c4 a coop:Country .
"""
    asserted, origins = _turtle(data)
    ours = shape_problems(_store(asserted, _ontology()), origins, shapes=shapes)
    expected = _shown(shacl_problems(asserted, _ontology(), origins, shapes))
    assert _shown(ours) == expected
    assert sorted(m.rsplit(" (", 1)[1] for _, m in expected) == ["c3)", "c4)", "sg2)", "sg4)", "x1)"]


# --------------------------------------------------------------------------- compile time


def _shapes_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "shapes.ttl"
    path.write_text(PREFIXES + "@prefix sh: <http://www.w3.org/ns/shacl#> .\n" + body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ('id:S a sh:NodeShape ; sh:targetNode id:x ; sh:not [ sh:class coop:Person ] ; sh:message "m" .', "sh:not"),
        ('id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:closed true ; sh:message "m" .', "sh:closed"),
        (
            "id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ;"
            ' sh:severity sh:Warning ; sh:message "m" ] .',
            "sh:severity",
        ),
        (
            "id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:property [ sh:path ( rdfs:label rdfs:comment ) ;"
            ' sh:minCount 1 ; sh:message "m" ] .',
            "sequence path",
        ),
        (
            "id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:property [ sh:path rdfs:label ; sh:minCount 1 ] .",
            "needs an sh:message",
        ),
        (
            "id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:property [ sh:path rdfs:label ;"
            ' sh:datatype xsd:gDay ; sh:message "m" ] .',
            "gDay",
        ),
        ('id:S a sh:NodeShape ; sh:targetClass coop:Person ; sh:minCount 1 ; sh:message "m" .', "needs sh:path"),
        ("id:Loose sh:path rdfs:label ; sh:minCount 1 .", "not reached from any shape"),
    ],
)
def test_what_is_not_compiled_is_refused(tmp_path: Path, body: str, named: str) -> None:
    with pytest.raises(CoopgraphError, match=re.escape(named)):
        shape_problems(ox.Store(), {}, shapes=_shapes_file(tmp_path, body))


def test_an_edited_shapes_file_is_compiled_again(tmp_path: Path) -> None:
    asserted, origins = _turtle('id:p1 a coop:Person ; rdfs:label "Bob"@en .\n')
    store = _store(asserted, _ontology())
    path = _shapes_file(
        tmp_path,
        'id:S sh:targetClass coop:Person ; sh:property [ sh:path coop:holder ; sh:minCount 1 ; sh:message "no" ] .',
    )
    assert [p.message for p in shape_problems(store, origins, shapes=path)] == ["no [holder] (p1)"]
    path.write_text(path.read_text(encoding="utf-8").replace("coop:holder", "rdfs:label"), encoding="utf-8")
    import os

    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert shape_problems(store, origins, shapes=path) == []


def test_shipped_shapes_compile_and_need_the_ontology() -> None:
    with pytest.raises(ValueError, match="no ontology graph"):
        shape_problems(ox.Store(), {}, shapes=shapes_file())
    assert shape_problems(_store(Graph(), _ontology()), {}) == []
