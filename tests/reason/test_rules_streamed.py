"""The rules streamed in the build's store (queries read, batches written, no update transaction) derive
exactly what the rules as SPARQL updates derived: the same quads in the same rounds' graphs, on disk and
in memory, and no write holds more than a bounded batch."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest

from coopgraph.graph.store import graph_node
from coopgraph.reason import rules
from coopgraph.reason.axioms import compile_axioms
from tests.conftest import SHIPPED


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A generated world of 120 agreements (``benchmarks/generate.py``)."""
    from benchmarks.generate import generate

    out = tmp_path_factory.mktemp("world-120")
    generate(120, out)
    return out


class Recording:
    """A store that records every write the rules make through it (and passes everything on)."""

    def __init__(self, store: ox.Store) -> None:
        self.store, self.writes = store, []  # type: ignore[var-annotated]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.store, name)

    def __contains__(self, quad: ox.Quad) -> bool:
        return quad in self.store

    def bulk_extend(self, quads: Any) -> None:
        quads = list(quads)
        self.writes.append(("bulk_extend", len(quads)))
        self.store.bulk_extend(quads)

    def extend(self, quads: Any) -> None:
        quads = list(quads)
        self.writes.append(("extend", len(quads)))
        self.store.extend(quads)

    def update(self, text: str) -> None:
        self.writes.append(("update", text[:40]))
        self.store.update(text)


def _rounds(data: Path, tmp: Path, *, on_disk: bool, streamed: bool, batch: int | None = None) -> Any:
    """The rounds' graphs (graph name -> quads) the rules leave in the build's store, and its writes."""
    from coopgraph.pipeline import check

    tmp.mkdir(parents=True)
    checked = check(data, store_dir=tmp / "store" if on_disk else None)
    assert checked.on_disk is on_disk
    store = Recording(checked.store)
    axioms = compile_axioms(checked.ontology)
    facts = [graph_node("ontology"), graph_node("asserted")]
    if batch is not None:
        original, rules.WRITE_BATCH = rules.WRITE_BATCH, batch
    try:
        rules.infer_store(store, axioms, facts=facts, streamed=streamed)  # type: ignore[arg-type]
    finally:
        if batch is not None:
            rules.WRITE_BATCH = original
    listed = {
        g.value: list(checked.store.quads_for_pattern(None, None, None, g))
        for g in rules.inferred_graphs(checked.store)
    }
    graphs = {name: {q.triple for q in quads} for name, quads in listed.items()}
    assert {name: len(quads) for name, quads in listed.items()} == {
        name: len(t) for name, t in graphs.items()
    }  # no quad twice
    return graphs, store.writes


@pytest.mark.parametrize("data", ["synthetic", "shipped"])
def test_streamed_rules_on_disk_derive_what_the_updates_did(data: str, world: Path, tmp_path: Path) -> None:
    source = world if data == "synthetic" else SHIPPED
    before, _ = _rounds(source, tmp_path / "updates-memory", on_disk=False, streamed=False)
    assert len(before) >= 3 and sum(map(len, before.values())) > 1000  # INFERRED and two rounds or more
    assert _rounds(source, tmp_path / "updates-disk", on_disk=True, streamed=False)[0] == before
    assert _rounds(source, tmp_path / "streamed-memory", on_disk=False, streamed=True)[0] == before
    assert _rounds(source, tmp_path / "streamed-disk", on_disk=True, streamed=True)[0] == before


def test_streamed_rules_on_disk_write_bounded_batches_and_no_update(world: Path, tmp_path: Path) -> None:
    graphs, writes = _rounds(world, tmp_path / "streamed", on_disk=True, streamed=True, batch=50)
    derived = sum(len(quads) for name, quads in graphs.items() if name != rules.INFERRED)
    rounds = [w for w in writes if w[0] == "bulk_extend"]
    assert len(rounds) >= derived / 50  # every round's quads went in batches ...
    assert all(0 < size <= 50 for _, size in rounds)  # ... of at most 50 quads, duplicates dropped
    assert all(kind == "bulk_extend" for kind, _ in writes)  # no update, no transaction (cooperation's too)
    # a fact derived twice in a round (two rules, two batches) is written twice but stored once: the same
    # rounds as the updates
    assert sum(size for _, size in writes) > sum(map(len, graphs.values()))
    assert graphs == _rounds(world, tmp_path / "updates", on_disk=False, streamed=False)[0]


def test_the_streamed_rounds_need_named_graphs() -> None:
    from coopgraph.graph.dataset import read_ontology

    with pytest.raises(ValueError, match="give facts"):
        rules.close(ox.Store(), compile_axioms(read_ontology()), streamed=True)
