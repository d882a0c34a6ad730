"""pipeline and CLI: build writes deterministic, re-readable outputs atomically; bad data exits 1 cleanly."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph

from coopgraph.cli import main
from tests.conftest import BAD, TINY

OUTPUTS = ("coopgraph.ttl", "coopgraph.trig")


def _build(data: Path, out: Path) -> int:
    return main(["build", "--data", str(data), "--out", str(out), "--reasoner", "none"])


def test_build_is_byte_identical_twice(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path / "a") == 0
    assert _build(TINY, tmp_path / "b") == 0
    for name in OUTPUTS:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_turtle_reread_by_independent_parsers(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path) == 0
    ttl = tmp_path / "coopgraph.ttl"
    ours = len(Graph().parse(ttl, format="turtle"))
    rapper = subprocess.run(["rapper", "-i", "turtle", "-c", str(ttl)], capture_output=True, text=True, check=True)
    assert f"returned {ours} triples" in rapper.stderr
    assert len(list(ox.parse(path=str(ttl), format=ox.RdfFormat.TURTLE))) == ours


def test_trig_has_the_three_named_graphs(tmp_path: Path) -> None:
    assert _build(TINY, tmp_path) == 0
    dataset = Dataset()
    dataset.parse(tmp_path / "coopgraph.trig", format="trig")
    names = {str(g.identifier).rsplit("/", 1)[-1] for g in dataset.graphs() if len(g)}
    assert {"ontology", "asserted"} <= names
    union = Graph().parse(tmp_path / "coopgraph.ttl", format="turtle")
    assert sum(len(g) for g in dataset.graphs()) >= len(union)


def test_the_store_holds_the_same_named_graphs_as_the_trig(tmp_path: Path) -> None:
    """The on-disk store is a copy of the build's graphs, graph by graph (not flattened into one)."""
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "rules"]) == 0
    written = ox.Store()
    written.bulk_load(path=str(tmp_path / "coopgraph.trig"), format=ox.RdfFormat.TRIG)
    stored = ox.Store.read_only(str((tmp_path / "store").resolve()))

    def per_graph(store: ox.Store) -> dict[str, int]:
        return {str(g): sum(1 for _ in store.quads_for_pattern(None, None, None, g)) for g in store.named_graphs()}

    assert per_graph(stored) == per_graph(written)
    assert set(per_graph(stored)) == {f"<https://w3id.org/coopgraph/graph/{n}>" for n in ("ontology", "asserted", "inferred")}
    assert not list(stored.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def test_failed_build_leaves_previous_outputs(tmp_path: Path, tiny_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "build"
    assert _build(tiny_copy, out) == 0
    before = {name: (out / name).read_bytes() for name in OUTPUTS}
    store_before = (out / "store").resolve()
    shutil.copy(BAD / "agreements--unknown-party.yaml", tiny_copy / "agreements" / "unknown-party.yaml")
    assert _build(tiny_copy, out) == 1
    err = capsys.readouterr().err
    assert "unknown-party.yaml:7: party 'alpha-digital-ministy' is not defined" in err
    assert "Traceback" not in err
    assert {name: (out / name).read_bytes() for name in OUTPUTS} == before
    assert (out / "store").resolve() == store_before
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def test_check_clean_and_broken(tiny_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--data", str(tiny_copy)]) == 0
    assert capsys.readouterr().err.startswith("ok:")
    shutil.copy(BAD / "agreements--bad-date.yaml", tiny_copy / "agreements" / "bad-date.yaml")
    assert main(["check", "--data", str(tiny_copy)]) == 1
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(":" in line and "bad-date.yaml:" in line for line in lines)


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["build", "--reasoner", "magic"]) == 2
    assert "invalid choice" in capsys.readouterr().err


def test_real_process_prints_no_traceback(tiny_copy: Path) -> None:
    shutil.copy(BAD / "agreements--wrong-type.yaml", tiny_copy / "agreements" / "wrong-type.yaml")
    run = subprocess.run(
        [sys.executable, "-m", "coopgraph", "check", "--data", str(tiny_copy)], capture_output=True, text=True
    )
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "wrong-type.yaml:6: parties: should be a list, got 'alpha'" in run.stderr


@pytest.mark.java  # `--reasoner hermit` asks for Java before anything runs
def test_the_owl_reasoners_inferences_are_what_gets_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Outputs are prepared from the rules while the OWL reasoner runs; when the two disagree, the reasoner wins."""
    from rdflib import URIRef

    from coopgraph.graph.vocab import COOP
    from coopgraph.reason import reasoner as reasoning

    extra = (URIRef("https://w3id.org/coopgraph/id/country/alpha"), COOP.cooperatesWith,
             URIRef("https://w3id.org/coopgraph/id/country/alpha"))
    rules_only = reasoning.reason

    def owl_with_one_more(ontology: Graph, asserted: Graph, **options: object) -> Graph:
        found = rules_only(ontology, asserted, reasoner="rules", origins=options.get("origins"))  # type: ignore[arg-type]
        found.add(extra)
        return found

    monkeypatch.setattr(reasoning, "reason", owl_with_one_more)
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "hermit"]) == 0
    said = caplog.text  # on stderr outside pytest (logging's last-resort handler)
    assert "hermit and the rules disagree (1 inferred triples only hermit gives, 0 only the rules)" in said
    written = Graph().parse(tmp_path / "coopgraph.ttl", format="turtle")
    assert extra in written
    stored = ox.Store.read_only(str((tmp_path / "store").resolve()))
    assert ox.Quad(*(ox.NamedNode(str(t)) for t in extra), ox.NamedNode("https://w3id.org/coopgraph/graph/inferred")) in stored
