"""The explorer's index of the asserted graph: compact once frozen, and still open to additions."""

from __future__ import annotations

from pathlib import Path

from coopgraph.graph.store import open_store
from coopgraph.views.index import Index, read_index
from coopgraph.views.labels import RDFS, Lit


def test_a_read_index_holds_tuples_sorted_and_one_lit_per_distinct_literal(tiny_build: Path) -> None:
    index = read_index(open_store(tiny_build))
    assert index.frozen
    held = [found for by_p in index.out.values() for found in by_p.values()]
    assert held and all(type(found) is tuple for found in held)
    assert all(list(found) == sorted(found, key=lambda t: (t, "", "") if isinstance(t, str) else t) for found in held)
    lits = [term for found in held for term in found if isinstance(term, Lit)]
    assert len({id(lit) for lit in lits}) == len(set(lits)) < len(lits)  # equal literals are one object


def test_adding_to_a_frozen_index_thaws_that_list_only() -> None:
    index = Index()
    index.add("x", str(RDFS.label), Lit("b", "en", ""))
    index.add("x", str(RDFS.label), Lit("a", "en", ""))
    index.freeze()
    assert index.objects("x", RDFS.label) == [Lit("a", "en", ""), Lit("b", "en", "")]
    index.add("x", str(RDFS.label), Lit("0", "en", ""))
    index.add("y", str(RDFS.seeAlso), "x")
    assert not index.frozen
    assert index.objects("x", RDFS.label) == [Lit("0", "en", ""), Lit("a", "en", ""), Lit("b", "en", "")]
    assert index.subjects(RDFS.seeAlso, "x") == ["y"]
    index.freeze()
    assert index.objects("x", RDFS.label)[0] == Lit("0", "en", "")
