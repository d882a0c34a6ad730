"""Network analytics on a projected view, and its export for Gephi (GraphML, GEXF).

Centrality and communities are computed on the undirected simple graph under
a view (parallel relations merged, weights added): who sits at the centre of
the cooperation, and which groups form.  Everything is deterministic: nodes in
sorted order, a fixed seed for Louvain and for sampled betweenness.

Betweenness is exact up to :data:`EXACT_BETWEENNESS` nodes, which covers every
view the explorer draws (it caps views at 2,000 nodes). Above that it is
*estimated* from :data:`BETWEENNESS_SAMPLES` sampled sources, and the estimate
says how far it may be off: :attr:`Analytics.betweenness_error` is a bound that
holds for each value with 95 % probability (Hoeffding: a sampled source's share
of a node's betweenness lies in [0, 1], so the mean of ``k`` of them is within
``sqrt(ln(2/0.05) / 2k)`` of the exact value). The bound is loose (0.061 for
500 samples) but true; a standard error taken from the samples themselves is
not, since betweenness is carried by few sources that a sample often misses.

>>> result = analyse(project(store, view="countries"))      # doctest: +SKIP
>>> result.top("betweenness", 3)                            # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass
from typing import Any

import networkx as nx

SEED = 42
#: above this many nodes betweenness is estimated from this many sampled sources (exact: ~4 s on 2,000 nodes)
EXACT_BETWEENNESS = 2000
BETWEENNESS_SAMPLES = 500
CONFIDENCE = 0.95
DIGITS = 6
#: numbers per numpy array in one batch of Brandes' sources: a batch of ``k`` sources holds arrays of ``k`` x nodes
#: and, for one breadth-first level, up to ``k`` x (edges both ways); 4M x 8 bytes = 32 MB an array.  Bounded by
#: nodes alone, the level expansions of the 10k world's explorer view (2,000 nodes, dense around the countries)
#: took 1.5 GB for a moment, more than the whole build held at that point.
CELLS = 4_000_000


@dataclass(frozen=True)
class Analytics:
    """What the page's analytics panel and ``coopgraph stats`` show."""

    nodes: int
    edges: int
    degree: dict[str, float]
    betweenness: dict[str, float]
    betweenness_samples: int | None  # None when exact
    betweenness_error: float  # each value is within this of the exact one with 95 % probability; 0 when exact
    community: dict[str, int]  # node -> community number, 0 the largest
    communities: list[list[str]]
    per_year: dict[str, int]  # "2024" -> agreements signed; "unknown" for undated
    per_kind: dict[str, int]

    def top(self, measure: str, count: int = 10) -> list[tuple[str, float]]:
        """The ``count`` highest nodes by ``degree`` or ``betweenness``, ties by id."""
        values: dict[str, float] = getattr(self, measure)
        return sorted(values.items(), key=lambda kv: (-kv[1], kv[0]))[:count]


def simple(graph: nx.Graph[Any]) -> nx.Graph[Any]:
    """The undirected simple graph under a view: parallel edges merged, their weights added, no loops."""
    result: nx.Graph[Any] = nx.Graph()
    result.add_nodes_from(sorted(graph))
    weights: Counter[tuple[Any, Any]] = Counter()
    for a, b, data in graph.edges(data=True):
        if a != b:
            weights[(min(a, b), max(a, b))] += int(data.get("weight", 1))
    result.add_weighted_edges_from((a, b, w) for (a, b), w in sorted(weights.items()))
    return result


def centrality(graph: nx.Graph[Any], *, seed: int = SEED) -> tuple[dict[str, float], dict[str, float], int | None]:
    """Degree and betweenness centrality (normalised); betweenness is sampled on large graphs."""
    degree, between, _, samples = centrality_with_error(graph, seed=seed)
    return degree, between, samples


def centrality_with_error(
    graph: nx.Graph[Any], *, seed: int = SEED
) -> tuple[dict[str, float], dict[str, float], float, int | None]:
    """Degree, betweenness, the betweenness error bound (0 when exact), and the samples used (None when exact)."""
    flat = simple(graph)
    degree = nx.degree_centrality(flat) if len(flat) > 1 else {n: 0.0 for n in flat}
    samples = BETWEENNESS_SAMPLES if len(flat) > max(EXACT_BETWEENNESS, BETWEENNESS_SAMPLES) else None
    values = betweenness(flat, k=samples, seed=seed)
    return _rounded(degree), _rounded(values), round(error_bound(samples), DIGITS), samples


def error_bound(samples: int | None, confidence: float = CONFIDENCE) -> float:
    """How far a sampled betweenness may be from the exact value, per node, with the given probability.

    >>> round(error_bound(500), 3)
    0.061
    """
    import math

    return 0.0 if samples is None else math.sqrt(math.log(2 / (1 - confidence)) / (2 * samples))


def betweenness(flat: nx.Graph[Any], *, k: int | None = None, seed: int = SEED) -> dict[Any, float]:
    """Normalised betweenness of an unweighted undirected graph, as ``nx.betweenness_centrality(flat, k, seed=seed)``.

    The same sources (``k`` sampled with ``random.Random(seed)``, as networkx
    does) and the same scaling, but Brandes' breadth-first passes run for many
    sources at once on numpy arrays. With ``k`` the values are estimates
    (:func:`error_bound` says how good).
    """
    import random

    import numpy as np

    nodes = list(flat)
    n = len(nodes)
    if k is not None and k >= n:
        k = None
    at = {node: i for i, node in enumerate(nodes)}
    sources = list(range(n)) if k is None else [at[s] for s in random.Random(seed).sample(nodes, k)]
    pairs = np.asarray([(at[a], at[b]) for a, b in flat.edges() if a != b], dtype=np.int64).reshape(-1, 2)
    tail = np.concatenate([pairs[:, 0], pairs[:, 1]])  # every edge both ways, as compressed rows
    head = np.concatenate([pairs[:, 1], pairs[:, 0]])
    order = np.argsort(tail, kind="stable")
    neighbours = head[order]
    start = np.concatenate([[0], np.cumsum(np.bincount(tail, minlength=n))])
    total = np.zeros(n)
    chunk = max(1, min(len(sources), CELLS // max(n, len(neighbours), 1)))
    for first in range(0, len(sources), chunk):
        src = np.asarray(sources[first : first + chunk], dtype=np.int64)
        total += _brandes(n, start, neighbours, src)
    scores = _rescale_betweenness(total, n, None if k is None else set(sources))
    return {node: float(scores[i]) for i, node in enumerate(nodes)}


def _expand(start: Any, neighbours: Any, rows: Any, cols: Any) -> tuple[Any, Any, Any]:
    """For each ``(row, node)``: one entry per neighbour of the node, as (index into the input, row, neighbour)."""
    import numpy as np

    count = start[cols + 1] - start[cols]
    which = np.repeat(np.arange(len(cols)), count)
    offset = np.arange(int(count.sum())) - np.repeat(np.cumsum(count) - count, count)
    return which, rows[which], neighbours[start[cols][which] + offset]


def _brandes(n: int, start: Any, neighbours: Any, src: Any) -> Any:
    """Sum over the sources (one row each) of Brandes' dependencies, endpoints excluded.

    Level by level, each node of a level expands its own neighbours only, so a
    source costs O(m) as in networkx, in numpy rather than Python.
    """
    import numpy as np

    rows = len(src)
    r = np.arange(rows)
    dist = np.full((rows, n), -1, dtype=np.int64)
    sigma = np.zeros((rows, n))
    dist[r, src] = 0
    sigma[r, src] = 1.0
    levels = [(r, src)]
    while True:
        fr, fc = levels[-1]
        which, er, ec = _expand(start, neighbours, fr, fc)
        fresh = dist[er, ec] < 0
        er, ec, which = er[fresh], ec[fresh], which[fresh]
        if not len(er):
            break
        flat_index = er * n + ec
        arriving = np.bincount(flat_index, weights=sigma[fr[which], fc[which]], minlength=rows * n)
        reached = np.unique(flat_index)
        nr, nc = reached // n, reached % n
        dist[nr, nc] = len(levels)
        sigma[nr, nc] = arriving[reached]
        levels.append((nr, nc))
    delta = np.zeros((rows, n))
    for depth in range(len(levels) - 1, 0, -1):
        lr, lc = levels[depth]
        which, er, ec = _expand(start, neighbours, lr, lc)
        back = dist[er, ec] == depth - 1  # predecessors on a shortest path
        er, ec, which = er[back], ec[back], which[back]
        vr, vc = lr[which], lc[which]
        share = sigma[er, ec] / sigma[vr, vc] * (1.0 + delta[vr, vc])
        delta += np.bincount(er * n + ec, weights=share, minlength=rows * n).reshape(rows, n)
    delta[r, src] = 0.0
    summed: Any = delta.sum(axis=0)
    return summed


def _rescale_betweenness(total: Any, n: int, sampled: set[int] | None) -> Any:
    """networkx's normalisation (endpoints excluded): by source-target pairs, adjusted for sampled sources."""
    import numpy as np

    pairs = n - 1
    if pairs < 2:
        return total
    if sampled is None:
        return total * (1 / (pairs * (pairs - 1)))
    k = len(sampled)
    scale = np.full(n, 1 / (k * (pairs - 1)))
    scale[sorted(sampled)] = 1 / ((k - 1) * (pairs - 1)) if k > 1 else float("nan")
    return total * scale


def communities(graph: nx.Graph[Any], *, seed: int = SEED) -> list[list[str]]:
    """Louvain communities (fixed seed), largest first, each sorted; ties by first member."""
    flat = simple(graph)
    if flat.number_of_edges() == 0:
        found = [{n} for n in flat]
    else:
        found = nx.community.louvain_communities(flat, weight="weight", seed=seed)
    return sorted((sorted(c) for c in found), key=lambda c: (-len(c), c[0]))


def agreements_per_year(graph: nx.Graph[Any]) -> dict[str, int]:
    """Agreements in a view by the year they were signed, at the earliest an uncertain date may mean, or first
    recorded when not signed (``unknown`` when no date is known)."""
    counts = Counter(_year(info) for info in graph.graph.get("agreements", {}).values())
    return dict(sorted(counts.items()))


def _year(info: Any) -> str:
    when = getattr(info, "when", None)
    if when is not None and when.earliest is not None:
        return str(when.earliest.year)
    return info.date.text[:4] if info.date else "unknown"


def analyse(graph: nx.Graph[Any], *, seed: int = SEED) -> Analytics:
    degree, betweenness, errors, samples = centrality_with_error(graph, seed=seed)
    groups = communities(graph, seed=seed)
    return Analytics(
        nodes=graph.number_of_nodes(),
        edges=graph.number_of_edges(),
        degree=degree,
        betweenness=betweenness,
        betweenness_samples=samples,
        betweenness_error=errors,
        community={node: i for i, group in enumerate(groups) for node in group},
        communities=groups,
        per_year=agreements_per_year(graph),
        per_kind=dict(sorted(Counter(str(d.get("kind", "")) for _, d in graph.nodes(data=True)).items())),
    )


def _rounded(values: dict[str, float]) -> dict[str, float]:
    return {node: round(float(value), DIGITS) for node, value in sorted(values.items())}


# --------------------------------------------------------------------------- export


#: relations that hold both ways: a view made only of them is exported undirected (no arrows in Gephi)
SYMMETRIC_RELATIONS = frozenset({"cooperates-with"})


def is_symmetric(graph: nx.Graph[Any]) -> bool:
    """Whether every edge of the view is a symmetric relation (the countries view)."""
    relations = {data.get("relation") for _, _, data in graph.edges(data=True)}
    return bool(relations) and relations <= SYMMETRIC_RELATIONS


def exportable(graph: nx.Graph[Any], analytics: Analytics | None = None) -> nx.MultiDiGraph | nx.MultiGraph:
    """A copy whose attributes GraphML and GEXF can hold: lists joined, facts as text, analytics added.

    ``label`` is the English label (Gephi shows it); ``viz`` carries positions for GEXF. A view of
    symmetric relations only is undirected, each pair once.
    """
    analytics = analytics or analyse(graph)
    symmetric = is_symmetric(graph)
    out: nx.MultiDiGraph | nx.MultiGraph = nx.MultiGraph() if symmetric else nx.MultiDiGraph()
    for node, data in sorted(graph.nodes(data=True)):
        attrs: dict[str, Any] = {
            "label": data.get("label_en", node),
            "label_en": data.get("label_en", ""),
            "label_th": data.get("label_th", ""),
            "kind": data.get("kind", ""),
            "alt_labels": " | ".join(data.get("alt", [])),
            "facts": "\n".join(f"{key}: {en}" for key, en, _ in data.get("facts", [])),
            "sources": " ".join(url for url, *_ in data.get("sources", [])),
            "agreements": len(data.get("agreements", [])),
            "degree": analytics.degree.get(node, 0.0),
            "betweenness": analytics.betweenness.get(node, 0.0),
            "community": analytics.community.get(node, -1),
        }
        out.add_node(node, **attrs)
    seen: set[tuple[str, str, str]] = set()
    for a, b, key, data in sorted(graph.edges(keys=True, data=True), key=lambda e: (e[0], e[1], str(e[2]))):
        if symmetric:
            a, b = min(a, b), max(a, b)
            if (a, b, str(key)) in seen:  # the same relation drawn both ways
                continue
            seen.add((a, b, str(key)))
        out.add_edge(a, b, key, relation=data.get("relation", ""), label=data.get("label_en", ""),
                     label_th=data.get("label_th", ""), weight=int(data.get("weight", 1)),
                     agreements=" ".join(data.get("agreements", [])), note=data.get("note", ""))
    return out


def graphml(graph: nx.Graph[Any], analytics: Analytics | None = None) -> bytes:
    """GraphML (for Gephi, yEd, Cytoscape), UTF-8."""
    return ("\n".join(nx.generate_graphml(exportable(graph, analytics))) + "\n").encode("utf-8")


def gexf(graph: nx.Graph[Any], analytics: Analytics | None = None,
         positions: dict[str, tuple[int, int]] | None = None) -> bytes:
    """GEXF 1.2 (Gephi's own), UTF-8, without the writer's date stamp so the same data gives the same bytes."""
    out = exportable(graph, analytics)
    for node, (x, y) in (positions or {}).items():
        if node in out:
            out.nodes[node]["viz"] = {"position": {"x": float(x), "y": float(-y), "z": 0.0}}
    text = "\n".join(nx.generate_gexf(out)) + "\n"
    return re.sub(r' lastmodifieddate="[^"]*"', "", text, count=1).encode("utf-8")


def as_json(analytics: Analytics, labels: dict[str, str]) -> str:
    """The analytics as JSON for the page (sorted keys)."""
    return json.dumps(summary(analytics, labels), ensure_ascii=False, sort_keys=True)


def summary(analytics: Analytics, labels: dict[str, str], *, top: int = 10) -> dict[str, Any]:
    """A plain dict of the analytics, the top nodes by each measure named by their labels."""
    return {
        "nodes": analytics.nodes,
        "edges": analytics.edges,
        "communities": len(analytics.communities),
        "betweenness_samples": analytics.betweenness_samples,
        "betweenness_error": analytics.betweenness_error,
        "top_degree": [[n, labels.get(n, n), v] for n, v in analytics.top("degree", top)],
        "top_betweenness": [[n, labels.get(n, n), v] for n, v in analytics.top("betweenness", top)],
        "community_sizes": [len(c) for c in analytics.communities],
        "per_year": analytics.per_year,
        "per_kind": analytics.per_kind,
    }
