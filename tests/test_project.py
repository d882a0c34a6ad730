"""project: RDF -> networkx views with typed, labelled nodes and edges; cooperation from inferred or asserted."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from coopgraph.curate import curate
from coopgraph.dataset import Parts, new_graph
from coopgraph.errors import CoopgraphError
from coopgraph.populate import populate
from coopgraph.project import RELATIONS, Period, project
from coopgraph.store import memory_store, open_store
from coopgraph.vocab import COOP, individual

from .conftest import TINY

ALPHA = str(individual("country", "alpha"))
BETA = str(individual("country", "beta"))
GAMMA = str(individual("country", "gamma"))
OMEGA = str(individual("country", "omega"))
MOU = str(individual("agreement", "alpha-beta-digital-mou-2024"))
BLOC_MOU = str(individual("agreement", "bloc-beta-mou-2025"))
ADA = str(individual("person", "ada-alpha"))
EMERGING = str(individual("topic", "emerging-technologies"))


@pytest.fixture(scope="module")
def store(tiny_build: Path) -> ox.Store:
    return open_store(tiny_build)


def test_all_view_has_typed_nodes_with_labels_alt_labels_facts_and_sources(store: ox.Store) -> None:
    graph = project(store, view="all")
    assert graph.nodes[ALPHA]["kind"] == "country"
    assert (graph.nodes[ALPHA]["label_en"], graph.nodes[ALPHA]["label_th"]) == ("Alpha", "อัลฟา")
    assert graph.nodes[BETA]["label_th"] == "Beta"  # no Thai name: English shown
    assert "Ada Alfa" in graph.nodes[ADA]["alt"]
    assert graph.nodes[MOU]["kind"] == "agreement"
    facts = {key: en for key, en, _ in graph.nodes[MOU]["facts"]}
    assert facts["signed"] == "2024-02-02"
    assert facts["status"] == "Signed"  # signed after the cabinet approved it
    assert facts["term"] == "P5Y"
    thai_facts = {key: th for key, _, th in graph.nodes[MOU]["facts"]}
    assert "พ.ศ. 2567" in thai_facts["signed"]
    assert ["https://example.org/news/1", "Alpha and Beta sign an MOU", "อัลฟาและเบตาลงนามบันทึกความเข้าใจ"] in (
        graph.nodes[MOU]["sources"]
    )
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"agreement", "country", "igo", "meeting", "ministry", "person", "place", "post", "topic"}
    assert not any("/signing/" in n or "/signature/" in n or "/tenure/" in n for n in graph)  # folded into edges


def test_all_view_edges_are_labelled_relations(store: ox.Store) -> None:
    graph = project(store, view="all")
    assert graph.has_edge(ADA, MOU, "signed")
    assert graph.edges[ADA, MOU, "signed"]["label_th"] == RELATIONS["signed"][1]
    assert "2024-02-02" in graph.edges[ADA, MOU, "signed"]["note"]
    assert graph.has_edge(MOU, str(individual("organization", "alpha-digital-ministry")), "party")
    assert graph.has_edge(ALPHA, str(individual("organization", "bloc")), "member-of")
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert data["relation"] == key and data["label_en"] and data["label_th"]


def test_countries_view_derives_cooperation_from_asserted_graph(store: ox.Store) -> None:
    graph = project(store, view="countries")
    # the 2024 MOU (through ministries serving alpha and beta) and the 2025 bloc MOU (alpha in the bloc then)
    assert set(graph) == {ALPHA, BETA}
    assert graph.edges[ALPHA, BETA, "cooperates-with"]["weight"] == 2
    assert graph.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [MOU, BLOC_MOU]
    assert GAMMA not in graph  # joined the bloc in 2030, after the 2025 MOU


def test_countries_view_weights_follow_the_period(store: ox.Store) -> None:
    early = project(store, view="countries", period=Period.parse(None, "2024"))
    assert early.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [MOU]
    late = project(store, view="countries", period=Period.parse("2025-01", None))
    assert late.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [BLOC_MOU]
    none = project(store, view="countries", period=Period.parse("2026", None))
    assert none.number_of_nodes() == 0


def test_countries_view_prefers_the_inferred_graph() -> None:
    asserted, _ = populate(curate(TINY))
    inferred = new_graph()
    from rdflib import URIRef

    inferred.add((URIRef(ALPHA), COOP.cooperatesWith, URIRef(OMEGA)))
    inferred.add((URIRef(OMEGA), COOP.cooperatesWith, URIRef(ALPHA)))
    inferred.add((URIRef(ALPHA), COOP.cooperatesThrough, URIRef(BLOC_MOU)))
    inferred.add((URIRef(OMEGA), COOP.cooperatesThrough, URIRef(BLOC_MOU)))
    graph = project(memory_store(Parts(new_graph(), asserted, inferred)), view="countries")
    assert [(a, b) for a, b, _ in graph.edges(keys=True)] == [(ALPHA, OMEGA)]
    assert graph.edges[ALPHA, OMEGA, "cooperates-with"]["weight"] == 1


def test_topics_view_counts_agreements_with_broader_topics(store: ox.Store) -> None:
    graph = project(store, view="topics")
    # the MOU on artificial intelligence (narrower) and the bloc MOU on emerging technologies
    assert graph.edges[ALPHA, EMERGING, "cooperates-on"]["weight"] == 2
    assert graph.nodes[EMERGING]["kind"] == "topic"
    assert graph.has_edge(str(individual("topic", "artificial-intelligence")), EMERGING, "broader")


def test_ego_view_by_depth(store: ox.Store) -> None:
    one = project(store, view="ego", focus="person/ada-alpha", depth=1)
    assert one.graph["focus"] == ADA
    assert {MOU, str(individual("post", "alpha-digital-minister"))} <= set(one)
    assert BETA not in one
    assert set(project(store, view="ego", focus="ada-alpha", depth=0)) == {ADA}
    two = project(store, view="ego", focus="Ada Alfa", depth=2)  # a variant name finds her too
    assert set(one) < set(two)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "ego"}, "needs --focus"),
        ({"view": "ego", "focus": "nobody"}, "no such entity"),
        ({"view": "countries", "focus": "alpha"}, "--focus applies to --view ego"),
        ({"view": "planets"}, "choose one of"),
    ],
)
def test_bad_view_options_are_user_errors(store: ox.Store, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(CoopgraphError, match=message):
        project(store, **kwargs)  # type: ignore[arg-type]


def test_period_covers_imprecise_dates() -> None:
    from coopgraph.dates import parse_date

    year = Period.parse("2024", "2024")
    assert year.covers(parse_date("2024-12-31")) and not year.covers(parse_date("2025-01-01"))
    assert Period.parse("2024-02", None).covers(parse_date("2024"))  # 2024 may be after February
    assert not Period.parse("2025", None).covers(None)  # unknown date: not in a bounded period
    assert Period().covers(None)
    with pytest.raises(CoopgraphError, match="after"):
        Period.parse("2025", "2024")
    with pytest.raises(CoopgraphError, match="bad date"):
        Period.parse("2024-13", None)


def test_period_drops_what_hung_only_on_dropped_agreements(store: ox.Store) -> None:
    graph = project(store, view="all", period=Period.parse("2025", None))
    assert MOU not in graph and ADA not in graph
    assert BLOC_MOU in graph and BETA in graph
    assert OMEGA in graph  # never tied to an agreement: stays


def test_same_data_same_graph(store: ox.Store) -> None:
    first, second = project(store, view="all"), project(store, view="all")
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))
    assert list(first) == sorted(first)
    assert isinstance(first, nx.MultiDiGraph)
