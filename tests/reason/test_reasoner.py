"""reason: HermiT (owlready2, on Java) and the rules give the same inferences; contradictions are explained.

Each inference kind and each contradiction kind runs on a tiny hand-written
world (tests/data/reasoning) through both paths; the two paths are compared
on the shipped data; and the command line is run without Java.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import OWL, RDF, Dataset, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF, SKOS

from coopgraph.cli import main
from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError
from coopgraph.graph.dataset import read_ontology
from coopgraph.graph.populate import populate
from coopgraph.graph.vocab import COOP, ORG, graph_iri
from coopgraph.reason.reasoner import HERMIT_LIMIT, choose, reason
from tests.conftest import REASONING, SHIPPED, TINY, crafted

ID = Namespace("https://w3id.org/coopgraph/id/")
EX = Namespace("https://example.org/")
PATHS = [pytest.param("hermit", marks=pytest.mark.java), "rules"]


def _with_twinning(ontology: Graph) -> Graph:
    """Our ontology plus one symmetric property, so symmetry is tested on a fact the data states one way."""
    graph = Graph() + ontology
    graph.add((EX.twinnedWith, RDF.type, OWL.ObjectProperty))
    graph.add((EX.twinnedWith, RDF.type, OWL.SymmetricProperty))
    return graph


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return read_ontology()


@pytest.fixture(scope="module", params=PATHS)
def kinds(request: pytest.FixtureRequest, ontology: Graph) -> tuple[Graph, Graph]:
    """The asserted kinds world and what the reasoner inferred from it."""
    asserted, origins, _ = crafted("kinds.ttl")
    return asserted, reason(_with_twinning(ontology), asserted, reasoner=request.param, origins=origins)


def test_inverse_properties(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    assert (ID["organization/alpha-ministry"], COOP.partyTo, ID["agreement/mou"]) in inferred
    assert (ID["tenure/ada-1"], COOP.holder, ID["person/ada"]) in inferred  # inverse of hasTenure
    assert (ID["agreement/mou"], COOP.hasSigning, ID["signing/mou-1"]) in inferred
    assert (ID["country/beta"], COOP.hasMembership, ID["membership/beta-in-bloc"]) in inferred


def test_superclass_memberships(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    ministry = ID["organization/alpha-ministry"]
    for cls in (COOP.GovernmentBody, COOP.Organization, COOP.Actor, ORG.FormalOrganization):
        assert (ministry, RDF.type, cls) in inferred
    assert (ID["agreement/mou"], RDF.type, COOP.Agreement) in inferred
    assert (ID["topic/ai"], RDF.type, SKOS.Concept) in inferred
    assert (ministry, RDF.type, OWL.Thing) not in inferred
    assert (ministry, RDF.type, COOP.Ministry) not in inferred  # asserted, so not inferred


def test_domains_and_ranges(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    assert (ID["person/wit"], RDF.type, COOP.Person) in inferred  # only ever given as a witness
    assert (ID["person/wit"], RDF.type, FOAF.Person) in inferred


def test_property_chains(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    assert (ID["person/ada"], COOP.signed, ID["agreement/mou"]) in inferred  # signatory^-/hasSignature^-/signingOf
    assert (ID["person/ada"], COOP.holds, ID["post/minister"]) in inferred  # hasTenure/tenureOf
    assert (ID["agreement/mou"], COOP.hasTopic, ID["topic/ai"]) in inferred  # hasArea/areaTopic
    assert (ID["country/beta"], COOP.memberOfBloc, ID["organization/bloc"]) in inferred  # over an inferred inverse
    assert (ID["organization/bloc"], COOP.hasMember, ID["country/beta"]) in inferred


def test_sub_properties(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    assert (ID["signing/mou-1"], COOP.attendee, ID["person/wit"]) in inferred  # witness ⊑ attendee
    assert (ID["country/beta"], ORG.memberOf, ID["organization/bloc"]) in inferred  # memberOfBloc ⊑ org:memberOf
    assert (ID["membership/beta-in-bloc"], ORG.member, ID["country/beta"]) in inferred


def test_symmetric_and_has_value(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    assert (ID["country/beta"], EX.twinnedWith, ID["country/alpha"]) in inferred
    assert (ID["topic/ai"], SKOS.inScheme, COOP.topics) in inferred  # coop:Topic ⊑ inScheme value coop:topics


def test_cooperation_via_ministry_and_bloc_at_the_date(kinds: tuple[Graph, Graph]) -> None:
    _, inferred = kinds
    alpha, beta, gamma, mou = ID["country/alpha"], ID["country/beta"], ID["country/gamma"], ID["agreement/mou"]
    assert (alpha, COOP.cooperatesWith, beta) in inferred  # alpha's ministry and beta's bloc (since 1967)
    assert (beta, COOP.cooperatesWith, alpha) in inferred
    assert {a for a in inferred.objects(alpha, COOP.cooperatesThrough)} == {mou}
    assert {a for a in inferred.objects(beta, COOP.cooperatesThrough)} == {mou}
    assert (gamma, COOP.memberOfBloc, ID["organization/bloc"]) in inferred  # a member at some time, but
    assert not set(inferred.triples((gamma, COOP.cooperatesThrough, None)))  # joined in 2025-10, after the signing
    assert (None, COOP.cooperatesWith, gamma) not in inferred


def reasoned_only(inferred: Graph) -> Graph:
    """The reasoner's inferences without the dated nodes (status intervals, qualified cooperation) added beside them."""
    kinds = (COOP.StatusInterval, COOP.Cooperation, COOP.CountryGroup, COOP.CountryGrouping)
    minted = {s for kind in kinds for s in inferred.subjects(RDF.type, kind)}
    kept = Graph(bind_namespaces="none")
    for s, p, o in inferred:
        if s not in minted and p not in (COOP.hasStatusInterval, COOP.hasCooperation, COOP.hasCountryGrouping):
            kept.add((s, p, o))
    return kept


def test_no_literal_or_outside_node_is_inferred(kinds: tuple[Graph, Graph]) -> None:
    asserted, inferred = kinds
    nodes = set(asserted.subjects())
    reasoned = reasoned_only(inferred)
    assert all(s in nodes for s in reasoned.subjects())
    assert all(isinstance(o, URIRef) for o in reasoned.objects())
    assert not set(inferred) & set(asserted)
    for interval in inferred.objects(None, COOP.hasStatusInterval):  # dated nodes hang off our agreements
        assert any(str(interval).startswith(str(a) + "/status/") for a in inferred.subjects(COOP.hasStatusInterval, interval))


@pytest.mark.parametrize("reasoner", PATHS)
@pytest.mark.parametrize("case", sorted(p.name for p in REASONING.glob("*.ttl") if p.name != "kinds.ttl"))
def test_contradiction_named_at_its_record(case: str, reasoner: str, ontology: Graph) -> None:
    asserted, origins, expected = crafted(case)
    with pytest.raises(CoopgraphError) as raised:
        reason(ontology, asserted, reasoner=reasoner, origins=origins)
    assert str(raised.value) == expected


@pytest.fixture(scope="module")
def shipped(ontology: Graph) -> tuple[Graph, dict[str, Graph]]:
    asserted, origins = populate(curate(SHIPPED))
    inferred = {r: reason(ontology, asserted, reasoner=r, origins=origins) for r in ("hermit", "rules")}
    return asserted, inferred


@pytest.mark.java
def test_rules_and_hermit_agree_on_the_shipped_data(shipped: tuple[Graph, dict[str, Graph]]) -> None:
    _, inferred = shipped
    assert len(inferred["hermit"]) > 500
    assert isomorphic(inferred["hermit"], inferred["rules"])


@pytest.mark.java
def test_shipped_cooperation_and_why(shipped: tuple[Graph, dict[str, Graph]]) -> None:
    _, inferred = shipped
    graph = inferred["hermit"]
    thailand, china, indonesia, timor = (ID[f"country/{c}"] for c in ("thailand", "china", "indonesia", "timor-leste"))
    assert (thailand, COOP.cooperatesWith, china) in graph
    assert (thailand, COOP.cooperatesWith, indonesia) in graph
    assert (timor, COOP.cooperatesWith, china) not in graph  # joined ASEAN in 2025-10, after the 2024 MOU
    why = "SELECT ?agreement { ?a coop:cooperatesThrough ?agreement . ?b coop:cooperatesThrough ?agreement . }"
    reasons = {
        str(row[0]).rsplit("/", 1)[1]
        for row in graph.query(why, initNs={"coop": COOP}, initBindings={"a": thailand, "b": china})
    }
    assert "asean-china-communications-digital-technology-2024" in reasons
    assert "mdes-kominfo-ict-digitalization-2024" not in reasons  # Thailand and Indonesia's, not China's


# --------------------------------------------------------------------------- through the command line


@pytest.mark.java
def test_build_names_the_yaml_record_of_a_contradiction(
    tmp_path: Path, tiny_copy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "build"
    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--reasoner", "hermit"]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    posts = tiny_copy / "posts.yaml"  # the post is "in" the country rather than in its ministry
    posts.write_text(posts.read_text().replace("organization: alpha-digital-ministry", "organization: alpha"))
    assert main(["check", "--data", str(tiny_copy)]) == 0  # the checks cannot see it; the reasoner does
    capsys.readouterr()
    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--reasoner", "hermit"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert err[0].startswith(f"{posts}:1: contradiction: 'country/alpha' is declared a coop:Country")
    assert "coop:postIn of 'post/alpha-digital-minister'" in err[0] and "coop:Organization" in err[0]
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()} == before


def test_build_rejects_two_records_with_one_wikidata_id(tiny_copy: Path, tmp_path: Path) -> None:
    actors = tiny_copy / "actors.yaml"
    text = actors.read_text().replace("  abbreviation: {en: MDA}\n", "  abbreviation: {en: MDA}\n  wikidata: Q869\n")
    actors.write_text(text)  # the ministry now claims its country's Wikidata id
    result = _run(["build", "--data", str(tiny_copy), "--out", str(tmp_path / "b"), "--reasoner", "rules"])
    assert result.returncode == 1
    clash = "'organization/alpha-digital-ministry' and 'country/alpha' are both linked to wd:Q869"
    assert result.stderr.startswith(f"{actors}:21: contradiction: {clash}")
    assert "Traceback" not in result.stderr


def test_tiny_world_cooperation(tmp_path: Path) -> None:
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "rules"]) == 0
    dataset = Dataset()
    dataset.parse(tmp_path / "coopgraph.trig", format="trig")
    inferred = dataset.graph(graph_iri("inferred"))
    alpha, beta, gamma = ID["country/alpha"], ID["country/beta"], ID["country/gamma"]
    assert (alpha, COOP.cooperatesWith, beta) in inferred
    assert set(inferred.objects(alpha, COOP.cooperatesThrough)) == {
        ID["agreement/alpha-beta-digital-mou-2024"],  # through the two ministries
        ID["agreement/bloc-beta-mou-2025"],  # through the bloc alpha joined in 1967
    }
    assert (gamma, COOP.cooperatesWith, beta) not in inferred  # gamma joins the bloc in 2030
    assert not set(dataset.graph(graph_iri("asserted")).triples((None, COOP.cooperatesWith, None)))


# --------------------------------------------------------------------------- which reasoner, with or without Java


def _run(args: list[str], *, path: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if path is not None:
        env["PATH"] = path
    return subprocess.run(
        [sys.executable, "-m", "coopgraph", *args], capture_output=True, text=True, env=env, check=False, timeout=600
    )


def test_without_java(tmp_path: Path) -> None:
    no_java = str(tmp_path / "empty-bin")  # a PATH with no `java` on it
    Path(no_java).mkdir()
    hermit = _run(["build", "--data", str(TINY), "--out", str(tmp_path / "h"), "--reasoner", "hermit"], path=no_java)
    assert hermit.returncode == 1
    assert hermit.stderr.strip() == (
        "--reasoner hermit needs Java, and `java` is not on PATH: install a Java runtime "
        "(e.g. Debian's default-jre-headless), or use --reasoner rules (the same inferences, no Java)"
    )
    assert not (tmp_path / "h" / "coopgraph.ttl").exists()
    rules = _run(["build", "--data", str(TINY), "--out", str(tmp_path / "r"), "--reasoner", "rules"], path=no_java)
    assert rules.returncode == 0, rules.stderr
    auto = _run(["build", "--data", str(TINY), "--out", str(tmp_path / "a")], path=no_java)
    assert auto.returncode == 0, auto.stderr
    assert auto.stderr.startswith("warning: no Java found (`java` is not on PATH): reasoning with the rules")
    assert (tmp_path / "a" / "coopgraph.ttl").read_bytes() == (tmp_path / "r" / "coopgraph.ttl").read_bytes()


@pytest.mark.java
def test_auto_picks_hermit_for_small_graphs_and_rules_beyond() -> None:
    assert shutil.which("java")
    assert choose("auto", 2_000) == "hermit"
    assert choose("auto", HERMIT_LIMIT + 1) == "rules"
    assert choose("rules", 10) == "rules"


@pytest.mark.java
def test_pellet_runs_or_says_why_in_one_line(tmp_path: Path) -> None:
    result = _run(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "pellet"])
    if result.returncode == 0:  # a Java new enough for owlready2's Pellet
        hermit = _run(["build", "--data", str(TINY), "--out", str(tmp_path / "h"), "--reasoner", "hermit"])
        assert (tmp_path / "coopgraph.ttl").read_bytes() == (tmp_path / "h" / "coopgraph.ttl").read_bytes(), hermit
    else:
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert lines[0].startswith("--reasoner pellet: the Pellet bundled with owlready2 needs a newer Java")
        assert "Java 25" in lines[0]


def test_both_paths_give_status_intervals_and_dated_cooperation(shipped: tuple[Graph, dict[str, Graph]]) -> None:
    """The cancelled MOU's two intervals and a cooperation through a bloc, with its period, in each path."""
    from rdflib import XSD, Literal

    mou = URIRef("https://w3id.org/coopgraph/id/agreement/mdes-prime-opportunity-fund-2024")
    asean_china = URIRef("https://w3id.org/coopgraph/id/agreement/asean-china-communications-digital-technology-2024")
    thailand, singapore = ID["country/thailand"], ID["country/singapore"]
    planned = URIRef("https://w3id.org/coopgraph/id/agreement/thailand-singapore-digital-economy-mou-planned")
    for inferred in shipped[1].values():
        spans = {
            (inferred.value(i, COOP.status), inferred.value(i, COOP["from"]), inferred.value(i, COOP["until"]))
            for i in inferred.objects(mou, COOP.hasStatusInterval)
        }
        day = lambda text: Literal(text, datatype=XSD.date)  # noqa: E731
        assert spans == {(COOP.Signed, day("2024-03-27"), day("2025-11-24")), (COOP.Cancelled, day("2025-11-24"), None)}
        through = {inferred.value(c, COOP.through): c for c in inferred.objects(thailand, COOP.hasCooperation) if (c, COOP.partner, singapore) in inferred}
        assert inferred.value(through[asean_china], COOP["from"]) == day("2024-02-02")
        assert inferred.value(through[asean_china], COOP["until"]) == day("2029-02-02")  # the five-year term
        assert planned in through and inferred.value(through[planned], COOP["from"]) is None  # never in effect
        assert (thailand, COOP.cooperatesThrough, planned) not in inferred  # no partner link through a planned MOU


# --------------------------------------------------------------------------- a Java that fails or hangs


def _fake_java(tmp_path: Path, body: str) -> str:
    """A PATH whose `java` (what owlready2.JAVA_EXE names) is a script: it fails, or never ends."""
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir(exist_ok=True)
    java = bin_dir / "java"
    java.write_text(f"#!/bin/sh\n{body}\n")
    java.chmod(0o755)
    return f"{bin_dir}{os.pathsep}{os.environ['PATH']}"


@pytest.fixture(scope="module")
def rules_turtle(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    out = tmp_path_factory.mktemp("rules-build")
    assert main(["build", "--data", str(TINY), "--out", str(out), "--reasoner", "rules"]) == 0
    return (out / "coopgraph.ttl").read_bytes()


@pytest.mark.parametrize(
    ("java", "said"),
    [
        ("echo 'Exception in thread main java.lang.OutOfMemoryError' >&2; exit 1", "failed in Java: "),
        ("exec sleep 120", "Java did not finish within 2 s (--reasoner-timeout)"),
    ],
    ids=["fails", "hangs"],
)
def test_a_broken_java_under_auto_falls_back_to_the_rules(
    tmp_path: Path, java: str, said: str, rules_turtle: bytes
) -> None:
    path = _fake_java(tmp_path, java)
    out = tmp_path / "build"
    auto = _run(["build", "--data", str(TINY), "--out", str(out), "--reasoner-timeout", "2"], path=path)
    assert auto.returncode == 0, auto.stderr
    warning = [line for line in auto.stderr.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and said in warning[0] and warning[0].endswith("reasoning with the rules instead"), warning
    assert (out / "coopgraph.ttl").read_bytes() == rules_turtle
    hermit = _run(
        ["build", "--data", str(TINY), "--out", str(out), "--reasoner", "hermit", "--reasoner-timeout", "2"], path=path
    )
    assert hermit.returncode == 1
    assert "Traceback" not in hermit.stderr
    [line] = hermit.stderr.strip().splitlines()
    assert line.startswith("--reasoner hermit") and said in line and line.endswith("try --reasoner rules"), line
    assert (out / "coopgraph.ttl").read_bytes() == rules_turtle  # the failed build changed nothing


# --------------------------------------------------------------------------- long strings


@pytest.mark.java
def test_a_multi_megabyte_note_reaches_hermit_without_rdflibs_ntriples_parser(
    tmp_path: Path, tiny_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """rdflib's N-Triples parser is quadratic in a literal's length (an 8 MB note: 197 s): the HermiT path avoids it."""
    from rdflib.plugins.parsers import ntriples

    record = tiny_copy / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    note = "lorem ipsum " * 300_000  # 3.6 MB
    record.write_text(record.read_text() + f'note:\n  en: "{note}"\n')

    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("rdflib's N-Triples parser was called")

    monkeypatch.setattr(ntriples.W3CNTriplesParser, "parse", refuse)
    monkeypatch.setattr(ntriples.W3CNTriplesParser, "parsestring", refuse)
    out = tmp_path / "build"
    assert main(["build", "--data", str(tiny_copy), "--out", str(out), "--reasoner", "hermit"]) == 0
    assert note.encode() in (out / "coopgraph.ttl").read_bytes()
