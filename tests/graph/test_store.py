"""store: a build replaces the on-disk store atomically; readers, in this process or others, keep working."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.curate.checker import curate
from coopgraph.graph.dataset import Parts, new_graph
from coopgraph.graph.populate import ntriples, ntriples_chunks, populate
from coopgraph.graph.store import STORE_LINK, VERSION_PREFIX, open_store, write_ntriples_store, write_store
from tests.conftest import TINY

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def _count(store: ox.Store) -> int:
    row = next(iter(store.query(COUNT, use_default_graph_as_union=True)))
    return int(row["n"].value)


def _parts(data: Path) -> Parts:
    asserted, _ = populate(curate(data))
    return Parts(new_graph(), asserted, new_graph())


def _versions(out: Path) -> list[Path]:
    return [p for p in out.iterdir() if p.name.startswith(VERSION_PREFIX) and p.suffix != ".lock"]


def _drop_an_agreement(data: Path) -> None:
    (data / "agreements" / "bloc-beta-mou-2025.yaml").unlink()


def test_build_twice_while_a_reader_holds_the_old_store(tiny_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "build"
    write_store(_parts(tiny_copy), out)
    reader = open_store(out)
    before = _count(reader)
    _drop_an_agreement(tiny_copy)
    smaller = _parts(tiny_copy)
    write_store(smaller, out)
    write_store(smaller, out)
    assert _count(reader) == before  # the old store is still there, whole
    assert _count(open_store(out)) == len(smaller.asserted) < before
    assert len(_versions(out)) == 3  # the new store, the previous one, and the one the reader holds


def test_unheld_old_stores_are_removed(tmp_path: Path) -> None:
    out = tmp_path / "build"
    parts = _parts(TINY)
    for _ in range(4):
        write_store(parts, out)
    versions = _versions(out)
    assert len(versions) == 2  # the current one and the one before it
    assert (out / STORE_LINK).resolve().parent in versions


def test_a_second_process_reads_while_this_one_reads(tmp_path: Path) -> None:
    out = tmp_path / "build"
    text, _ = ntriples(curate(TINY))
    write_ntriples_store({"asserted": text}, out)
    reader = open_store(out)
    mine = _count(reader)
    code = (
        "import sys; from pathlib import Path; from coopgraph.graph.store import open_store; "
        f"s = open_store(Path({str(out)!r})); "
        f"print(next(iter(s.query({COUNT!r}, use_default_graph_as_union=True)))['n'].value)"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert other.returncode == 0, other.stderr
    assert int(other.stdout) == mine == _count(reader)


def test_readers_never_see_a_half_built_store(tiny_copy: Path, tmp_path: Path) -> None:
    """Readers opening in a loop while builds run see the old graph or the new, whole, never an error."""
    out = tmp_path / "build"
    big = _parts(tiny_copy)
    write_store(big, out)
    _drop_an_agreement(tiny_copy)
    small = _parts(tiny_copy)
    seen: list[int] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read() -> None:
        while not done.is_set():
            try:
                seen.append(_count(open_store(out)))
            except BaseException as error:  # any failure is what this test looks for
                errors.append(error)
                return

    thread = threading.Thread(target=read)
    thread.start()
    try:
        for parts in (small, big, small, big):
            write_store(parts, out)
    finally:
        done.set()
        thread.join(timeout=60)
    assert not errors
    assert seen and set(seen) <= {len(big.asserted), len(small.asserted)}


def test_a_streamed_world_loads_in_batches_to_the_same_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    world = curate(TINY)
    whole, _ = ntriples(world)
    monkeypatch.setattr("coopgraph.graph.store.LOAD_BATCH", 1000)  # many bulk loads, each of whole lines
    write_ntriples_store({"asserted": ntriples_chunks(world, lines=7)}, tmp_path / "build", lenient=True)
    streamed = open_store(tmp_path / "build")
    expected = ox.Store()
    expected.bulk_load(whole, ox.RdfFormat.N_TRIPLES)
    assert {str(q.triple) for q in streamed} == {str(q.triple) for q in expected}


def test_rdflib_graph_is_what_rdflibs_parser_reads(tiny_build: Path) -> None:
    """Terms converted one by one (no N-Triples parser: it is quadratic in long literals) give the same graph."""
    from rdflib import Graph
    from rdflib.compare import isomorphic

    from coopgraph.graph.store import graph_node, rdflib_graph

    store = open_store(tiny_build)
    for name in ("ontology", "asserted"):
        text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph_node(name))
        parsed = Graph().parse(data=text, format="nt")
        converted = rdflib_graph(store, graph_node(name))
        assert len(converted) == len(parsed) > 100
        assert isomorphic(converted, parsed)


def test_the_build_lock_refuses_another_thread_and_is_reentrant_in_its_own(tmp_path: Path) -> None:
    from coopgraph.errors import CoopgraphError
    from coopgraph.graph.store import build_lock

    out = tmp_path / "build"
    refused: list[str] = []

    def other() -> None:
        try:
            with build_lock(out):
                pass
        except CoopgraphError as error:
            refused.append(str(error))

    with build_lock(out), build_lock(out):  # the build's own store write takes it again
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
    assert refused == [f"{out}: another build is writing here (this process)"]
    other()  # released
    assert len(refused) == 1
