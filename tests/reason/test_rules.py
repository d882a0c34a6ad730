"""rules and axioms: the compiled tables, and the semi-naive fixpoint against a naive one (no Java)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import Graph

from coopgraph.curate.checker import curate
from coopgraph.graph.dataset import read_ontology
from coopgraph.graph.populate import populate
from coopgraph.graph.vocab import COOP, ORG
from coopgraph.reason import rules
from coopgraph.reason.axioms import Axioms, compile_axioms
from tests.conftest import SHIPPED, crafted


@pytest.fixture(scope="module")
def axioms() -> Axioms:
    return compile_axioms(read_ontology())


def test_hierarchies_are_closed(axioms: Axioms) -> None:
    assert axioms.superclasses[str(COOP.Ministry)] == {
        str(c) for c in (COOP.GovernmentBody, COOP.Organization, COOP.Actor, ORG.FormalOrganization)
    }
    assert (str(COOP.partyTo), True) in axioms.implied[str(COOP.hasParty)]  # inverse
    assert (str(COOP.attendee), False) in axioms.implied[str(COOP.witness)]  # sub-property
    assert (str(COOP.cooperatesWith), True) in axioms.implied[str(COOP.cooperatesWith)]  # symmetric
    assert (str(ORG.memberOf), False) in axioms.implied[str(COOP.memberOfBloc)]
    # the range of hasParty types the object; the domain of its inverse partyTo says the same
    assert str(COOP.Actor) in axioms.object_types[str(COOP.hasParty)]
    assert str(COOP.Agreement) in axioms.object_types[str(COOP.partyTo)]


def test_chains_and_disjointness(axioms: Axioms) -> None:
    chains = dict(axioms.chains)
    assert chains[str(COOP.signed)] == (
        (str(COOP.signatory), True),
        (str(COOP.hasSignature), True),
        (str(COOP.signingOf), False),
    )
    assert (str(COOP.Person), str(COOP.Actor)) in axioms.disjoint  # through the union (Actor ⊔ Place)
    assert (str(COOP.Country), str(COOP.Organization)) in axioms.disjoint
    assert (str(COOP.Stated), str(COOP.Unknown)) in axioms.different


def test_only_axioms_without_named_consequences_are_left_to_the_owl_reasoner(axioms: Axioms) -> None:
    """A new kind of axiom (an intersection, a transitive chain...) must get a rule, or fail here."""
    enumerations = {f"coop:{c} ≡ an anonymous class" for c in ("AgreementStatus", "Certainty", "DatePrecision", "DateQualifier", "AgreementLevel", "Role")}
    restrictions = {s for s in axioms.skipped if s.endswith("⊑ an anonymous class")}
    assert set(axioms.skipped) == enumerations | restrictions  # someValuesFrom: no named fact


def _inferred(store: ox.Store) -> set[ox.Triple]:
    return {q.triple for g in rules.inferred_graphs(store) for q in store.quads_for_pattern(None, None, None, g)}


@pytest.mark.parametrize("world", ["shipped", "kinds"])
def test_semi_naive_equals_naive(world: str, axioms: Axioms) -> None:
    ontology = read_ontology()
    asserted = populate(curate(SHIPPED))[0] if world == "shipped" else crafted("kinds.ttl")[0]
    fast, slow = rules.scratch_store(ontology, asserted), rules.scratch_store(ontology, asserted)
    rounds = rules.close(fast, axioms)
    rules.close(slow, axioms, semi_naive=False)  # the textbook loop: every rule over every fact, every round
    assert rounds >= 3  # chains over inferred inverses, then their super-properties: several rounds
    assert _inferred(fast) == _inferred(slow)
    assert len(_inferred(fast)) > 40


def test_infer_keeps_types_and_object_values_of_our_nodes_only(axioms: Axioms) -> None:
    asserted, _, _ = crafted("kinds.ttl")
    from tests.reason.test_reasoner import reasoned_only

    inferred = rules.infer(read_ontology(), asserted, axioms=axioms)
    nodes = rules.nodes_of(asserted, axioms)
    assert inferred and all(str(s) in nodes for s in reasoned_only(inferred).subjects())
    assert not set(inferred) & set(asserted)
    assert isinstance(inferred, Graph)


def test_ntriples_fast_path_gives_the_same_graph() -> None:
    from coopgraph.graph.populate import ntriples
    from coopgraph.reason.reasoner import reason, reason_ntriples

    world, ontology = curate(SHIPPED), read_ontology()
    asserted, origins = populate(world)
    text = reason_ntriples(ontology, ntriples(world)[0])
    fast = Graph().parse(data=text.decode(), format="nt")
    assert len(fast) > 500
    assert set(fast) == set(reason(ontology, asserted, reasoner="rules", origins=origins))
    assert text == reason_ntriples(ontology, ntriples(world)[0])  # deterministic bytes


@pytest.mark.parametrize("on_disk", [False, True])
def test_the_rules_in_the_builds_store_infer_what_the_scratch_copy_does(on_disk: bool, tmp_path: object) -> None:
    """In place (named graphs read as one default graph, each round streamed) = the copied default graph.

    The scratch path is the one the HermiT comparisons check; the build's store keeps its three graphs
    and no rounds' graphs.
    """
    from pathlib import Path

    from coopgraph.graph.store import graph_node
    from coopgraph.pipeline import check
    from coopgraph.reason.reasoner import reason

    checked = check(SHIPPED, store_dir=Path(str(tmp_path)) / "store" if on_disk else None)
    assert checked.on_disk is on_disk
    expected = reason(checked.ontology, checked.asserted, reasoner="rules")
    from coopgraph.reason.reasoner import reason_store

    reason_store(checked.store, reasoner="rules", origins=checked.origins)
    inferred = {
        (q.subject.value, q.predicate.value, q.object.value)
        for q in checked.store.quads_for_pattern(None, None, None, graph_node("inferred"))
    }
    assert inferred == {(str(s), str(p), str(o)) for s, p, o in expected}
    assert not rules.inferred_graphs(checked.store)
    assert {g.value.rsplit("/", 1)[-1] for g in checked.store.named_graphs()} == {"ontology", "asserted", "inferred"}  # type: ignore[union-attr]


def test_drop_graphs_removes_in_batches_blank_nodes_and_odd_literals_too(monkeypatch: pytest.MonkeyPatch) -> None:
    store, graph, kept = ox.Store(), ox.NamedNode("urn:g"), ox.NamedNode("urn:kept")
    p = ox.NamedNode("urn:p")
    odd = [ox.Literal(f'v"{i}\\\n', language="en") for i in range(120)]  # quotes, backslashes, newlines
    store.extend([ox.Quad(ox.NamedNode(f"urn:s{i}"), p, value, graph) for i, value in enumerate(odd)])
    store.add(ox.Quad(ox.BlankNode("b1"), p, ox.Literal("2024", datatype=ox.NamedNode("urn:dt")), graph))
    store.add(ox.Quad(ox.NamedNode("urn:x"), p, ox.NamedNode("urn:y"), kept))
    monkeypatch.setattr(rules, "DROP_BATCH", 50)
    rules.drop_graphs(store, [graph])
    assert list(store.named_graphs()) == [kept] and len(store) == 1
