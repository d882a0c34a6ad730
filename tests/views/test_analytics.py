"""analytics: centrality, communities, agreements per year; GraphML/GEXF that Gephi-style readers re-read; stats CLI."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import networkx as nx
import pytest

from coopgraph.cli import main
from coopgraph.graph.store import open_store
from coopgraph.graph.vocab import individual
from coopgraph.views import analytics
from coopgraph.views.analytics import analyse, centrality, communities, gexf, graphml, simple
from coopgraph.views.project import project

ALPHA = str(individual("country", "alpha"))
BETA = str(individual("country", "beta"))


@pytest.fixture(scope="module")
def tiny_all(tiny_build: Path) -> nx.MultiDiGraph:
    return project(open_store(tiny_build), view="all")


def test_simple_graph_merges_parallel_relations_and_adds_weights() -> None:
    graph = nx.MultiDiGraph()
    graph.add_edge("a", "b", "party", weight=1)
    graph.add_edge("b", "a", "signed", weight=2)
    graph.add_edge("a", "a", "self", weight=1)
    flat = simple(graph)
    assert list(flat.edges(data="weight")) == [("a", "b", 3)]


def test_centrality_of_a_star() -> None:
    star = nx.star_graph(4)
    degree, betweenness, samples = centrality(nx.relabel_nodes(star, str))
    assert degree["0"] == 1.0 and degree["1"] == 0.25
    assert betweenness["0"] == 1.0 and betweenness["1"] == 0.0
    assert samples is None


def test_large_graphs_sample_betweenness_deterministically(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS", 10)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLES", 8)
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(40, 2, seed=3), str)
    first, second = centrality(graph), centrality(graph)
    assert first == second and first[2] == 8


def test_communities_of_two_cliques_with_a_bridge() -> None:
    graph = nx.relabel_nodes(nx.barbell_graph(5, 0), lambda n: f"n{n:02d}")
    found = communities(graph)
    assert found == [[f"n{i:02d}" for i in range(5)], [f"n{i:02d}" for i in range(5, 10)]]
    assert communities(graph) == found


def test_analyse_the_tiny_world(tiny_all: nx.MultiDiGraph) -> None:
    result = analyse(tiny_all)
    assert result.per_year == {"2024": 1, "2025": 1}
    assert result.per_kind["country"] == 4
    assert result.nodes == tiny_all.number_of_nodes() and result.edges == tiny_all.number_of_edges()
    assert sorted(n for c in result.communities for n in c) == sorted(tiny_all)
    top = result.top("degree", 1)[0][0]
    assert top == str(individual("agreement", "alpha-beta-digital-mou-2024"))


def test_graphml_and_gexf_reread_with_thai_and_are_stable(tiny_all: nx.MultiDiGraph) -> None:
    result = analyse(tiny_all)
    data = graphml(tiny_all, result)
    assert data == graphml(tiny_all, result)
    back = nx.read_graphml(io.BytesIO(data))
    assert back.number_of_nodes() == tiny_all.number_of_nodes()
    assert back.number_of_edges() == tiny_all.number_of_edges()
    assert back.nodes[ALPHA]["label_th"] == "อัลฟา"
    assert back.nodes[ALPHA]["kind"] == "country"
    positions = {n: (i, -i) for i, n in enumerate(tiny_all)}
    gexf_data = gexf(tiny_all, result, positions)
    assert b"lastmodifieddate" not in gexf_data
    assert gexf_data == gexf(tiny_all, result, positions)
    back = nx.read_gexf(io.BytesIO(gexf_data))
    assert back.number_of_nodes() == tiny_all.number_of_nodes()
    assert back.nodes[ALPHA]["label"] == "Alpha"
    assert "viz" in back.nodes[ALPHA]


def test_stats_cli_formats_and_exports(tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ["--out", str(tiny_build)]
    assert main(["stats", *out, "--view", "countries", "--table", "nodes", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    rows = document["results"]["bindings"]
    assert [row["node"]["value"] for row in rows] == [ALPHA, BETA]
    assert rows[0]["degree"]["value"] == "1.000000"
    assert main(["stats", *out, "--table", "years", "--format", "csv"]) == 0
    rows_csv = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows_csv == [["year", "agreements"], ["2024", "1"], ["2025", "1"]]
    graphml_file, gexf_file = tmp_path / "v.graphml", tmp_path / "v.gexf"
    args = ["stats", *out, "--format", "markdown", "--graphml", str(graphml_file), "--gexf", str(gexf_file)]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "| nodes |" in captured.out
    assert nx.read_graphml(graphml_file).number_of_nodes() == nx.read_gexf(gexf_file).number_of_nodes()


def test_stats_without_a_build_is_a_clean_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stats", "--out", str(tmp_path)]) == 1
    err = capsys.readouterr().err
    assert "run `coopgraph build` first" in err and "Traceback" not in err


def test_sampled_betweenness_is_within_its_stated_error_of_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    """Above EXACT_BETWEENNESS nodes the values are estimates, each within the stated bound of networkx's exact value."""
    monkeypatch.setattr(analytics, "EXACT_BETWEENNESS", 300)
    monkeypatch.setattr(analytics, "BETWEENNESS_SAMPLES", 150)
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(700, 2, seed=5), str)
    exact = nx.betweenness_centrality(simple(graph))
    result = analyse(graph)
    assert result.betweenness_samples == 150
    bound = result.betweenness_error
    assert bound == pytest.approx(analytics.error_bound(150), abs=1e-6) and bound > 0
    sampled = nx.betweenness_centrality(simple(graph), k=150, seed=analytics.SEED)
    assert result.betweenness == pytest.approx({n: round(v, 6) for n, v in sampled.items()}, abs=1e-6)
    worst = max(abs(result.betweenness[n] - exact[n]) for n in exact)
    assert 0 < worst <= bound, (worst, bound)
    assert analytics.summary(result, {})["betweenness_error"] == bound


def test_exact_betweenness_up_to_the_explorers_node_cap() -> None:
    from coopgraph.views.html import NODE_LIMIT

    assert analytics.EXACT_BETWEENNESS >= NODE_LIMIT  # every drawn view is exact
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(50, 2, seed=5), str)
    result = analyse(graph)
    assert result.betweenness_samples is None and result.betweenness_error == 0.0
    exact = nx.betweenness_centrality(simple(graph))
    assert result.betweenness == pytest.approx({n: round(v, 6) for n, v in exact.items()}, abs=1e-6)


def test_the_symmetric_countries_view_is_exported_undirected(tiny_build: Path) -> None:
    countries = project(open_store(tiny_build), view="countries")
    assert analytics.is_symmetric(countries)
    text = graphml(countries).decode()
    assert 'edgedefault="undirected"' in text
    reread = nx.read_graphml(io.BytesIO(graphml(countries)))
    assert not reread.is_directed()
    assert reread.number_of_edges() == countries.number_of_edges()
    assert 'defaultedgetype="undirected"' in gexf(countries).decode()


def test_the_whole_graph_view_stays_directed(tiny_all: nx.MultiDiGraph) -> None:
    assert not analytics.is_symmetric(tiny_all)
    assert 'edgedefault="directed"' in graphml(tiny_all).decode()


def test_betweenness_in_batches_bounded_by_edges_equals_networkx(monkeypatch: pytest.MonkeyPatch) -> None:
    """A dense graph is worked in small batches of sources (arrays bounded by its edges, not its nodes): same values."""
    graph = nx.relabel_nodes(nx.barabasi_albert_graph(60, 6, seed=3), str)
    flat = simple(graph)
    batches: list[int] = []
    brandes = analytics._brandes
    monkeypatch.setattr(
        analytics, "_brandes", lambda n, start, nb, src: batches.append(len(src)) or brandes(n, start, nb, src)
    )
    monkeypatch.setattr(analytics, "CELLS", 4 * flat.number_of_edges())  # 2 sources a batch, by the edges both ways
    values = analytics.betweenness(flat)
    assert batches == [2] * 30
    assert values == pytest.approx(nx.betweenness_centrality(flat), abs=1e-12)
