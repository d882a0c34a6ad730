"""layout: fixed-seed positions, the same every time; components packed apart; the grid path for big graphs."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np

from coopgraph.views.layout import SMALL_GRAPH, adjacent_pairs, positions


def test_same_graph_same_positions_and_whole_pixels() -> None:
    graph = nx.les_miserables_graph()
    first, second = positions(graph), positions(graph)
    assert first == second
    assert set(first) == set(graph)
    assert all(isinstance(c, int) for xy in first.values() for c in xy)


def test_node_order_does_not_matter() -> None:
    graph = nx.les_miserables_graph()
    shuffled = nx.Graph()
    shuffled.add_nodes_from(sorted(graph, reverse=True))
    shuffled.add_edges_from(sorted(graph.edges(), reverse=True))
    assert positions(graph) == positions(shuffled)


def test_components_do_not_overlap() -> None:
    graph = nx.disjoint_union(nx.complete_graph(6), nx.cycle_graph(5))
    graph.add_node("alone")
    where = positions(graph)
    parts = [set(c) for c in nx.connected_components(graph)]
    boxes = []
    for part in parts:
        xs, ys = [where[n][0] for n in part], [where[n][1] for n in part]
        boxes.append((min(xs), min(ys), max(xs), max(ys)))
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1]


def test_big_graphs_use_the_grid_and_spread_out() -> None:
    graph = nx.barabasi_albert_graph(SMALL_GRAPH + 100, 2, seed=1)
    where = positions(graph)
    assert positions(graph) == where
    xy = np.asarray([where[n] for n in sorted(graph)], dtype=float)
    nearest = np.sort(np.sqrt(((xy[:, None] - xy[None]) ** 2).sum(axis=2)) + np.eye(len(xy)) * 1e9, axis=1)[:, 0]
    lengths = sorted(math.dist(where[a], where[b]) for a, b in graph.edges())
    median_edge = lengths[len(lengths) // 2]
    # networkx's own Fruchterman-Reingold gives 0.11 and 6.5 on this graph:
    assert np.median(nearest) > 0.08 * median_edge  # nodes are not collapsed onto a few points
    assert xy.max() - xy.min() > 5 * median_edge  # neighbours are close compared to the whole drawing


def test_adjacent_pairs_matches_brute_force() -> None:
    cells = np.random.default_rng(3).integers(0, 9, size=(250, 2))
    i, j = adjacent_pairs(cells)
    found = {(min(a, b), max(a, b)) for a, b in zip(i.tolist(), j.tolist(), strict=True)}
    assert len(found) == len(i)  # each pair once
    expected = {(a, b) for a in range(250) for b in range(a + 1, 250) if np.abs(cells[a] - cells[b]).max() <= 1}
    assert found == expected
