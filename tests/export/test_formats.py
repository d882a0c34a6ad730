"""Export: every format, re-read by two parsers that are not rdflib (rapper and pyoxigraph), is the source graph."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import XSD

from coopgraph.cli import main
from coopgraph.export.formats import FORMATS, GRAPHS, export, rebase_lines
from coopgraph.graph.dataset import Parts, new_graph, prefixes
from coopgraph.graph.store import memory_store
from coopgraph.graph.vocab import COOP, DEFAULT_BASE, graph_iri, individual
from coopgraph.pipeline import check
from tests.conftest import TINY

RAPPER_SYNTAX = {"turtle": "turtle", "trig": "trig", "nt": "ntriples", "nq": "nquads", "xml": "rdfxml"}
OX_FORMAT = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
    "xml": ox.RdfFormat.RDF_XML,
}
NEW_BASE = "https://data.example.org/coop/"

Graphs = dict[str | None, Graph]  # graph IRI (None: the default graph) -> its triples


@pytest.fixture(scope="module")
def parts() -> Parts:
    """The tiny world's three graphs; the inferred one is a small stand-in so every named graph has triples."""
    checked = check(TINY)
    inferred = new_graph()
    alpha, beta = individual("country", "alpha"), individual("country", "beta")
    inferred.add((alpha, COOP.cooperatesWith, beta))
    inferred.add((beta, COOP.cooperatesWith, alpha))
    return Parts(checked.ontology, checked.asserted, inferred)


@pytest.fixture(scope="module")
def written(parts: Parts, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every format of all graphs, exported from an Oxigraph store of the parts."""
    store = memory_store(parts)
    out = tmp_path_factory.mktemp("export")
    paths = {}
    for name, fmt in FORMATS.items():
        paths[name] = out / f"all.{fmt.extension}"
        paths[name].write_bytes(export(store, name))
    return paths


def expected(parts: Parts, fmt: str, graph: str = "all") -> Graphs:
    names = ("ontology", "asserted", "inferred") if graph == "all" else (graph,)
    if FORMATS[fmt].datasets:
        return {str(graph_iri(n)): parts.named()[n] for n in names if len(parts.named()[n])}
    union = Graph()
    for n in names:
        union += parts.named()[n]
    return {None: union}


def _by_graph(nquads: bytes) -> Graphs:
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib 7.6's own N-Quads parser uses its deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=nquads.decode("utf-8"), format="nquads")
    graphs: Graphs = {}
    for s, p, o, context in dataset.quads():
        key = None if context is None or context == dataset.default_graph.identifier else str(context)
        graphs.setdefault(key, Graph()).add((s, p, o))
    return graphs


def read_with_rapper(path: Path, fmt: str) -> Graphs:
    """raptor2 parses the file; its N-Quads output is what we compare."""
    done = subprocess.run(
        ["rapper", "-q", "-i", RAPPER_SYNTAX[fmt], "-o", "nquads", str(path)], capture_output=True, check=True
    )
    return _by_graph(done.stdout)


def read_with_oxigraph(path: Path, fmt: str) -> Graphs:
    quads = list(ox.parse(path=str(path), format=OX_FORMAT[fmt]))
    as_quads = [q if isinstance(q, ox.Quad) else ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return _by_graph(ox.serialize(as_quads, format=ox.RdfFormat.N_QUADS))


def read_with_pyld(path: Path) -> Graphs:
    from pyld import jsonld

    document = json.loads(path.read_text(encoding="utf-8"))
    return _by_graph(jsonld.to_rdf(document, {"format": "application/n-quads"}).encode("utf-8"))


def assert_same(found: Graphs, wanted: Graphs) -> None:
    assert sorted(found, key=str) == sorted(wanted, key=str)
    for key, graph in wanted.items():
        assert len(found[key]) == len(graph), key
        assert isomorphic(found[key], graph), key


@pytest.mark.parametrize("fmt", sorted(RAPPER_SYNTAX))
def test_rapper_reads_each_format_as_the_source(fmt: str, written: dict[str, Path], parts: Parts) -> None:
    assert_same(read_with_rapper(written[fmt], fmt), expected(parts, fmt))


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_pyoxigraph_reads_each_format_as_the_source(fmt: str, written: dict[str, Path], parts: Parts) -> None:
    assert_same(read_with_oxigraph(written[fmt], fmt), expected(parts, fmt))


def test_pyld_reads_jsonld_as_the_source(written: dict[str, Path], parts: Parts) -> None:
    """rapper has no JSON-LD parser; PyLD (the JSON-LD reference implementation's Python port) is the second reader."""
    assert_same(read_with_pyld(written["jsonld"]), expected(parts, "jsonld"))


@pytest.mark.parametrize("fmt", ["turtle", "nq", "jsonld"])
@pytest.mark.parametrize("graph", [g for g in GRAPHS if g != "all"])
def test_one_graph_alone(graph: str, fmt: str, parts: Parts, tmp_path: Path) -> None:
    path = tmp_path / f"{graph}.{FORMATS[fmt].extension}"
    path.write_bytes(export(memory_store(parts), fmt, graph=graph))
    assert_same(read_with_oxigraph(path, fmt), expected(parts, fmt, graph))


def test_rapper_counts_every_triple(written: dict[str, Path], parts: Parts) -> None:
    done = subprocess.run(["rapper", "-i", "turtle", "-c", str(written["turtle"])], capture_output=True, text=True)
    assert done.returncode == 0
    assert f"returned {len(parts.union())} triples" in done.stderr


def test_literals_keep_their_language_and_datatype(written: dict[str, Path]) -> None:
    agreement = individual("agreement", "alpha-beta-digital-mou-2024")
    for fmt in FORMATS:
        graphs = read_with_oxigraph(written[fmt], fmt)
        union = Graph()
        for graph in graphs.values():
            union += graph
        assert (agreement, COOP.term, Literal("P5Y", datatype=XSD.duration)) in union, fmt
        titles = set(union.objects(agreement, URIRef("http://purl.org/dc/terms/title")))
        assert {t.language for t in titles if isinstance(t, Literal)} == {"en", "th"}, fmt
        dates = {o for o in union.objects(None, COOP.date) if isinstance(o, Literal)}
        assert Literal("2024-01", datatype=XSD.gYearMonth) in dates, fmt
        assert {d.datatype for d in dates} >= {XSD.date, XSD.gYearMonth}, fmt


def test_every_format_declares_the_prefixes(written: dict[str, Path]) -> None:
    wanted = {name: str(ns) for name, ns in prefixes().items()}
    for fmt in ("turtle", "trig"):
        text = written[fmt].read_text(encoding="utf-8")
        for name, ns in wanted.items():
            assert f"@prefix {name}: <{ns}> ." in text, (fmt, name)
    context = json.loads(written["jsonld"].read_text(encoding="utf-8"))["@context"]
    assert {k: v for k, v in context.items() if k in wanted} == wanted
    xml = written["xml"].read_text(encoding="utf-8")
    assert 'xmlns:coop="https://w3id.org/coopgraph/ontology#"' in xml
    assert "coop:hasParty" in written["turtle"].read_text(encoding="utf-8")  # prefixes are used, not only declared


def test_output_is_sorted_and_blank_nodes_canonical(written: dict[str, Path]) -> None:
    lines = written["nt"].read_bytes().splitlines()
    assert lines == sorted(set(lines))
    assert any(line.startswith(b"_:c14n") for line in lines)  # the ontology's OWL restrictions, RDFC-1.0 labels
    quads = written["nq"].read_bytes().splitlines()
    assert quads == sorted(set(quads))


def test_two_builds_export_byte_identical_files(tmp_path: Path, tiny_build: Path) -> None:
    """A second build has new random blank-node ids in its store; exports do not show it, in any process."""
    from coopgraph.pipeline import build

    again = tmp_path / "again"
    build(TINY, again, reasoner="none")
    every_format = (
        "import sys; from coopgraph.cli import main\n"
        "for fmt in sys.argv[3:]:\n"
        "    assert main(['export', '--out', sys.argv[1], '-f', fmt, '-o', f'{sys.argv[2]}.{fmt}']) == 0\n"
    )
    for seed, build_dir in (("1", tiny_build), ("2", again)):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        argv = [sys.executable, "-c", every_format, str(build_dir), str(tmp_path / seed), *FORMATS]
        subprocess.run(argv, check=True, env=env, capture_output=True)
    for fmt in FORMATS:
        assert (tmp_path / f"1.{fmt}").read_bytes() == (tmp_path / f"2.{fmt}").read_bytes(), fmt


def _rebased(graph: Graph, old: str, new: str) -> Graph:
    def move(term: object) -> object:
        return URIRef(new + term[len(old) :]) if isinstance(term, URIRef) and term.startswith(old) else term

    moved = Graph()
    for triple in graph:
        moved.add(tuple(move(t) for t in triple))  # type: ignore[arg-type]
    return moved


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_base_iri_moves_every_individual(fmt: str, parts: Parts, tmp_path: Path) -> None:
    path = tmp_path / f"moved.{FORMATS[fmt].extension}"
    path.write_bytes(export(memory_store(parts), fmt, base=NEW_BASE))
    assert DEFAULT_BASE not in path.read_text(encoding="utf-8")
    wanted = {key: _rebased(graph, DEFAULT_BASE, NEW_BASE) for key, graph in expected(parts, fmt).items()}
    found = read_with_oxigraph(path, fmt)
    assert_same(found, wanted)
    terms = {t for graph in found.values() for triple in graph for t in triple if isinstance(t, URIRef)}
    assert not any(t.startswith(DEFAULT_BASE) for t in terms)
    assert URIRef(NEW_BASE + "country/alpha") in terms
    assert COOP.Agreement in terms and COOP.hasParty in terms  # ontology terms stay where they are


def test_rebase_leaves_literals_alone() -> None:
    line = b'<http://a/x> <http://p> "<http://a/y> stays" .'
    assert rebase_lines([line], "http://a/", "http://b/") == [b'<http://b/x> <http://p> "<http://a/y> stays" .']


def test_cli_writes_a_file_and_infers_the_format(
    tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out" / "asserted.nq"
    assert main(["export", "--out", str(tiny_build), "--graph", "asserted", "-o", str(target)]) == 0
    quads = list(ox.parse(path=str(target), format=ox.RdfFormat.N_QUADS))
    assert quads and {q.graph_name.value for q in quads} == {str(graph_iri("asserted"))}
    assert "asserted" in capsys.readouterr().err


def test_cli_writes_turtle_to_stdout(tiny_build: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "coopgraph", "export", "--out", str(tiny_build), "--graph", "inferred"],
        capture_output=True,
        check=True,
    )
    assert done.stdout.startswith(b"@prefix ")
    # no reasoner in this build: only the dated nodes computed in Python (status intervals, cooperation, groups)
    kinds = {q.object.value.rpartition("#")[2] for q in ox.parse(done.stdout, ox.RdfFormat.TURTLE) if q.predicate.value.endswith("#type")}
    assert kinds == {"StatusInterval", "Cooperation", "CountryGroup", "CountryGrouping"}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--base-iri", "not an iri"], "--base-iri"),
        (["--base-iri", "https://example.org/no-slash"], "ending in '/' or '#'"),
        (["--since", "old"], "only with --bundle"),
        (["--bundle", "x", "--format", "nt"], "drop --format"),
    ],
)
def test_cli_refuses_bad_options_in_one_line(
    argv: list[str], message: str, tiny_build: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--out", str(tiny_build), *argv]) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_without_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--out", str(tmp_path)]) == 1
    assert "coopgraph build" in capsys.readouterr().err


def test_cli_refuses_a_directory_as_output(
    tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--out", str(tiny_build), "-o", str(tmp_path)]) == 1
    assert "is a directory" in capsys.readouterr().err
