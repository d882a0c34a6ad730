"""Node positions computed in Python, with a fixed seed, so the page draws at once and the same way every time.

A browser settling 2,000 nodes with vis-network's physics took 231 s here;
drawing precomputed positions with physics off took 1.4 s.  Small graphs use
networkx's Fruchterman-Reingold (``spring_layout``).  Above
:data:`SMALL_GRAPH` nodes networkx's version took 20-27 s on this 2-core
machine (it computes every pair, or loops in Python), so large graphs use the
grid variant of the same algorithm from Fruchterman and Reingold's paper:
repulsion only between nodes in neighbouring cells of a grid, vectorised with
numpy.  Positions are rounded to whole pixels.

>>> import networkx as nx
>>> positions(nx.path_graph(3)) == positions(nx.path_graph(3))
True
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import networkx as nx

if TYPE_CHECKING:
    from numpy.typing import NDArray

SEED = 7
SMALL_GRAPH = 500
SPACING = 150.0  # pixels along a typical (median) edge
MIN_GAP = 90.0  # pixels from most (80 %) nodes to their nearest neighbour, in graphs up to SMALL_GRAPH nodes
MIN_GAP_LARGE = 60.0  # pixels from half the nodes to their nearest neighbour, in larger graphs
_HALF_NEIGHBOURHOOD = ((0, 0), (0, 1), (1, -1), (1, 0), (1, 1))
Point = tuple[int, int]


def positions(graph: nx.Graph[Any], *, seed: int = SEED) -> dict[Any, Point]:
    """Pixel positions for every node of a graph (directed, multi or not); same input, same output.

    Each connected component is laid out on its own and the components are
    packed in rows, largest first, so a few unconnected nodes do not squash
    the rest into a corner.
    """
    simple: nx.Graph[Any] = nx.Graph()
    simple.add_nodes_from(sorted(graph, key=str))
    simple.add_edges_from(sorted((_pair(a, b) for a, b, *_ in graph.edges() if a != b), key=str))
    parts = sorted((sorted(c, key=str) for c in nx.connected_components(simple)), key=lambda c: (-len(c), str(c[0])))
    return pack([component_layout(simple.subgraph(part), seed=seed) for part in parts])


def _pair(a: Any, b: Any) -> tuple[Any, Any]:
    return (a, b) if str(a) <= str(b) else (b, a)


def component_layout(graph: nx.Graph[Any], *, seed: int = SEED) -> dict[Any, tuple[float, float]]:
    """Positions of one connected component, scaled so that its median edge is :data:`SPACING` long."""
    nodes = sorted(graph, key=str)
    n = len(nodes)
    if n == 1:
        return {nodes[0]: (0.0, 0.0)}
    if n <= SMALL_GRAPH:
        ordered: nx.Graph[Any] = nx.Graph()
        ordered.add_nodes_from(nodes)
        ordered.add_edges_from(sorted((_pair(a, b) for a, b in graph.edges()), key=str))
        spring = nx.spring_layout(ordered, seed=seed, iterations=100)
        raw = {node: (float(x), float(y)) for node, (x, y) in spring.items()}
    else:
        index = {node: i for i, node in enumerate(nodes)}
        pairs = sorted((min(index[a], index[b]), max(index[a], index[b])) for a, b in graph.edges())
        xy = grid_layout(n, pairs, seed=seed)
        raw = {node: (float(xy[i, 0]), float(xy[i, 1])) for node, i in index.items()}
    lengths = sorted(math.dist(raw[a], raw[b]) for a, b in graph.edges())
    median = lengths[len(lengths) // 2] if lengths else 1.0
    scale = SPACING / median if median > 1e-9 else SPACING
    # dense clusters: spread until most nodes have room for a label (small graphs) or a little air (large ones)
    fraction, gap = (0.2, MIN_GAP) if n <= SMALL_GRAPH else (0.5, MIN_GAP_LARGE)
    crowded = _nearest_distance_percentile(list(raw.values()), fraction, near=median)
    if crowded > 1e-9:
        scale = max(scale, gap / crowded)
    return {node: (x * scale, y * scale) for node, (x, y) in raw.items()}


def _nearest_distance_percentile(points: list[tuple[float, float]], fraction: float, *, near: float) -> float:
    """The distance from each point to its nearest other point, at a percentile over all points.

    Exact for a few hundred points; above that, only neighbours within a grid
    cell of ``near`` are looked at (a farther nearest neighbour is not crowded).
    """
    import numpy as np

    xy = np.asarray(points)
    if len(xy) <= SMALL_GRAPH:
        d = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(axis=2))
        np.fill_diagonal(d, np.inf)
        nearest = d.min(axis=1)
    else:
        i, j = adjacent_pairs(np.floor((xy - xy.min(axis=0)) / max(near, 1e-9)).astype(np.int64))
        d = np.sqrt(((xy[i] - xy[j]) ** 2).sum(axis=1))
        nearest = np.full(len(xy), np.inf)
        np.minimum.at(nearest, i, d)
        np.minimum.at(nearest, j, d)
    nearest = np.sort(nearest)
    return float(nearest[int(fraction * (len(nearest) - 1))])


def pack(parts: list[dict[Any, tuple[float, float]]]) -> dict[Any, Point]:
    """Components placed in rows (shelves) of about square overall shape, centred on 0, rounded to pixels."""
    boxes = []
    for part in parts:
        xs = [x for x, _ in part.values()]
        ys = [y for _, y in part.values()]
        boxes.append((min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)))
    gap = SPACING
    area = sum((w + gap) * (h + gap) for _, _, w, h in boxes)
    limit = max(max((w for _, _, w, _ in boxes), default=0.0), math.sqrt(area) * 1.2)
    placed: dict[Any, tuple[float, float]] = {}
    x = y = row = 0.0
    for part, (left, top, w, h) in zip(parts, boxes, strict=True):
        if x > 0 and x + w > limit:
            x, y, row = 0.0, y + row + gap, 0.0
        for node, (px, py) in part.items():
            placed[node] = (px - left + x, py - top + y)
        x += w + gap
        row = max(row, h)
    if not placed:
        return {}
    cx = (min(p[0] for p in placed.values()) + max(p[0] for p in placed.values())) / 2
    cy = (min(p[1] for p in placed.values()) + max(p[1] for p in placed.values())) / 2
    return {node: (round(px - cx), round(py - cy)) for node, (px, py) in placed.items()}


def grid_layout(n: int, edges: list[tuple[int, int]], *, seed: int = SEED, iterations: int = 50) -> NDArray[Any]:
    """Fruchterman-Reingold (k = 1) with repulsion split on a grid: exact between nodes in adjacent cells,
    from each farther cell's centre of mass otherwise (about 4 nodes a cell), so a step costs O(n^1.5).
    50 steps (80 took 2.5 times as long on a 2,000-node view, for much the same drawing).

    Returns an ``(n, 2)`` array centred on 0; neighbours end up about 1 apart.
    """
    import numpy as np

    rng = np.random.default_rng(seed)
    side = math.sqrt(n)
    pos = rng.random((n, 2)) * side
    pairs = np.asarray(edges, dtype=np.int64).reshape(-1, 2)
    a, b = pairs[:, 0], pairs[:, 1]
    per_side = max(2, round(math.sqrt(n / 4)))
    temperature = side / 8
    cooling = 0.02 ** (1 / iterations)
    for _ in range(iterations):
        low = pos.min(axis=0)
        size = float((pos.max(axis=0) - low).max()) / per_side + 1e-9
        cell = np.minimum(((pos - low) / size).astype(np.int64), per_side - 1)
        disp = _near_repulsion(pos, cell) + _far_repulsion(pos, cell, per_side)
        delta = pos[a] - pos[b]
        pull = delta * np.sqrt((delta**2).sum(axis=1))[:, None]  # d^2 / k, along the unit vector
        disp += _scatter(b, pull, n) - _scatter(a, pull, n)
        disp -= 0.01 * (pos - pos.mean(axis=0))  # a little gravity keeps unconnected pieces near
        length = np.maximum(np.sqrt((disp**2).sum(axis=1)), 1e-9)
        pos += disp * (np.minimum(length, temperature) / length)[:, None]
        temperature *= cooling
    centred: NDArray[Any] = pos - pos.mean(axis=0)
    return centred


def _near_repulsion(pos: NDArray[Any], cell: NDArray[Any]) -> NDArray[Any]:
    """k^2 / d between every pair of nodes in the same or adjacent cells."""
    import numpy as np

    i, j = adjacent_pairs(cell)
    delta = pos[i] - pos[j]
    force = delta / np.maximum((delta**2).sum(axis=1), 1e-4)[:, None]
    pushed: NDArray[Any] = _scatter(i, force, len(pos)) - _scatter(j, force, len(pos))
    return pushed


def _far_repulsion(pos: NDArray[Any], cell: NDArray[Any], per_side: int) -> NDArray[Any]:
    """k^2 / d between the centres of mass of cells that are not adjacent, weighted by their node counts;
    each node takes its cell's push (computed per cell, not per node: 4 times less work)."""
    import numpy as np

    cid = cell[:, 0] * per_side + cell[:, 1]
    mass = np.bincount(cid, minlength=per_side * per_side).astype(float)
    used = np.nonzero(mass)[0]
    cx = np.bincount(cid, weights=pos[:, 0], minlength=per_side * per_side)[used] / mass[used]
    cy = np.bincount(cid, weights=pos[:, 1], minlength=per_side * per_side)[used] / mass[used]
    column, row = used // per_side, used % per_side
    far = (np.abs(column[:, None] - column[None, :]) > 1) | (np.abs(row[:, None] - row[None, :]) > 1)
    dx = cx[:, None] - cx[None, :]
    dy = cy[:, None] - cy[None, :]
    weight = np.where(far, mass[used][None, :] / np.maximum(dx * dx + dy * dy, 1e-4), 0.0)
    push = np.stack([(dx * weight).sum(axis=1), (dy * weight).sum(axis=1)], axis=1)
    pushed: NDArray[Any] = push[np.searchsorted(used, cid)]
    return pushed


def _scatter(index: NDArray[Any], values: NDArray[Any], n: int) -> NDArray[Any]:
    import numpy as np

    return np.stack([np.bincount(index, weights=values[:, 0], minlength=n),
                     np.bincount(index, weights=values[:, 1], minlength=n)], axis=1)


def adjacent_pairs(cell: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
    """Index pairs ``(i, j)``, each once, of points whose integer grid cells are the same or adjacent."""
    import numpy as np

    width = int(cell[:, 1].max()) + 2  # one empty row so that y - 1 never wraps onto another column
    key = cell[:, 0] * width + cell[:, 1]
    order = np.argsort(key, kind="stable")
    keys, start, count = np.unique(key[order], return_index=True, return_counts=True)
    found_i, found_j = [], []
    for dx, dy in _HALF_NEIGHBOURHOOD:
        wanted = key + dx * width + dy
        slot = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
        hit = np.nonzero(keys[slot] == wanted)[0]
        if not len(hit):
            continue
        first, many = start[slot[hit]], count[slot[hit]]
        rep_i = np.repeat(hit, many)
        offset = np.arange(int(many.sum())) - np.repeat(np.cumsum(many) - many, many)
        rep_j = order[np.repeat(first, many) + offset]
        if (dx, dy) == (0, 0):
            keep = rep_i < rep_j
            rep_i, rep_j = rep_i[keep], rep_j[keep]
        found_i.append(rep_i)
        found_j.append(rep_j)
    empty = np.zeros(0, dtype=np.int64)
    return (np.concatenate(found_i) if found_i else empty), (np.concatenate(found_j) if found_j else empty)
