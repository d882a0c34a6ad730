"""The checks' runner holds only the answers still to be used, and each check fails as it does alone."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from coopgraph.checks.entailment import _Schema
from coopgraph.checks.shapes import shape_problems
from coopgraph.checks.shapes_graph import _compile
from coopgraph.checks.sparql_checks import _Check, _checks, _Runner
from coopgraph.checks.validate import shacl_problems
from coopgraph.curate.checker import curate
from coopgraph.graph.dataset import read_ontology
from coopgraph.graph.populate import populate
from coopgraph.graph.store import graph_node
from coopgraph.resources import shapes_file
from tests.checks.test_shacl_core import _data, _ontology, _shapes, _store
from tests.checks.test_shapes import damage
from tests.conftest import TINY


def _damaged_store(seed: int) -> ox.Store:
    """The tiny world with triples dropped, rewired and untyped at random, so that many checks fail."""
    asserted, _ = populate(curate(TINY))
    damaged = damage(asserted, seed, drop=0.05, rewire=0.07, untype=0.08)
    store = ox.Store()
    for name, graph in (("asserted", damaged), ("ontology", read_ontology())):
        store.bulk_load(
            graph.serialize(format="nt", encoding="utf-8"), ox.RdfFormat.N_TRIPLES, to_graph=graph_node(name)
        )
    return store


def _compiled() -> list[_Check]:
    path = shapes_file().resolve()
    return list(_checks(_compile(path, path.stat().st_mtime_ns)))


def test_only_answers_used_later_are_held() -> None:
    store = _damaged_store(3)
    checks = _compiled()
    runner = _Runner(store, _Schema.read(store))
    seen = 0
    shared = 0
    for _check, _failing in runner.results(checks):
        seen += 1
        held = runner.held()
        assert all(runner.left(query, as_set) > 0 for query, as_set in held), "an answer is kept past its last use"
        shared += bool(held)
    assert seen == len(checks) > 100
    assert shared, "no answer was ever shared between checks: the test would not see an eviction"
    assert runner.held() == set()


def test_same_failures_as_each_check_run_on_its_own() -> None:
    """Evicting answers changes nothing: each check's failing nodes equal a fresh runner's for that check alone."""
    store = _damaged_store(4)
    checks = _compiled()
    schema = _Schema.read(store)
    together = list(_Runner(store, schema).results(checks))
    failed = 0
    for check, failing in together:
        alone = [f for _, f in _Runner(store, schema).results([check])]
        assert alone == [failing], check
        failed += bool(failing)
    assert failed >= 5, "the damaged world fails too few checks to compare"


def test_a_use_beyond_the_plan_is_refused() -> None:
    """The plan counts uses; an answer asked for once more than planned is a bug, not a silent rerun."""
    store = _damaged_store(3)
    runner = _Runner(store, _Schema.read(store))
    check = _compiled()[0]
    list(runner.results([check]))
    try:
        runner.failing(check)
    except AssertionError as error:
        assert "more often than planned" in str(error)
    else:
        raise AssertionError("an unplanned use ran")


def test_unique_language_as_a_group_gives_pyshacl_results(tmp_path: Path) -> None:
    """sh:uniqueLang runs as a GROUP BY, not a self-join: one problem per repeated language, as pySHACL."""
    shapes = _shapes(
        tmp_path,
        "ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:name ;\n"
        '  sh:property [ sh:path ex:name ; sh:uniqueLang true ; sh:maxCount 0 ; sh:message "m" ] .',
    )
    asserted, origins = _data(
        'ex:a ex:name "A"@en , "B"@EN , "C"@th , "D"@th , "E"@de , "F" , "G" .\n'
        'ex:b ex:name "A"@en-GB , "B"@en , "C"@th .\nex:c ex:name "A"@en , "A"@en .'
    )
    ours = sorted((str(p.location), p.message) for p in shape_problems(_store(asserted), origins, shapes=shapes))
    theirs = sorted((str(p.location), p.message) for p in shacl_problems(asserted, _ontology(), origins, shapes))
    assert ours == theirs
    # sh:maxCount 0 fails once per node with a value; sh:uniqueLang once per language used twice (a: en, th)
    assert sorted(message for _, message in ours) == ["m [name] (a)"] * 3 + ["m [name] (b)", "m [name] (c)"]
