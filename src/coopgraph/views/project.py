"""Project the RDF dataset into networkx graphs for the network views.

RDF is the record; a network view is a projection of it. Entities a person
looks for (countries, organisations, people, agreements, topics, meetings,
places, posts) become typed nodes with labels in English and Thai, variant
names, key facts and source links. The n-ary nodes of the model (signings,
signatures, tenures, bloc memberships, renamings, status changes) are folded
into labelled edges and facts, so the picture stays readable.

Views (:data:`VIEWS`):

- ``all``: the whole knowledge graph;
- ``countries``: countries joined by ``coop:cooperatesWith`` weighted by the
  number of agreements they cooperate through (taken from the inferred graph,
  or derived from the asserted one when the inferred graph lacks them);
- ``ego``: everything within ``depth`` steps of one entity;
- ``topics``: countries joined to the topics of their agreements.

Every node and edge carries ``agreements``: the agreements it stands for, so
the page can filter by agreement (country, topic, kind, status, date).

>>> graph = project(open_store(Path("build")), view="countries")     # doctest: +SKIP
>>> graph.edges["https://w3id.org/coopgraph/id/country/thailand", "...", "cooperates-with"]["weight"]  # doctest: +SKIP
3
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import networkx as nx

from coopgraph.errors import CoopgraphError
from coopgraph.views.facts import (
    AgreementInfo,
    Period,
    _edges,
    _fact,
    _names,
    agreements,
    cooperation,
    edge_attributes,
    kind_of,
    node_attributes,
)
from coopgraph.views.index import Index, read_index
from coopgraph.views.labels import KINDS, SKOS, VIEWS
from coopgraph.views.titles import agreement_details, short_title

if TYPE_CHECKING:
    import pyoxigraph as ox


# --------------------------------------------------------------------------- views


def project(
    store: ox.Store,
    *,
    view: str = "all",
    focus: str | None = None,
    depth: int = 1,
    period: Period | None = None,
    limit: int | None = None,
) -> nx.MultiDiGraph:
    """The networkx graph of a view; nodes and edges are added in sorted order so output is stable.

    With ``limit``, a view of more nodes is capped to that many (:func:`choose`,
    :func:`cap`) and ``graph.graph["omitted"]`` says what was left out.

    Node ids are IRIs; edges are keyed by their relation. Graph attributes:
    ``view``, ``agreements`` (IRI -> :class:`AgreementInfo` of every agreement the
    view stands for), ``labels`` (IRI -> (en, th) of their countries and topics),
    and for the ego view ``focus``.
    """
    return project_index(read_index(store), view=view, focus=focus, depth=depth, period=period, limit=limit)


def project_index(
    index: Index, *, view: str = "all", focus: str | None = None, depth: int = 1, period: Period | None = None,
    limit: int | None = None,
) -> nx.MultiDiGraph:
    if view not in VIEWS:
        raise CoopgraphError(f"--view {view}: choose one of {', '.join(VIEWS)}")
    if view != "ego" and focus is not None:
        raise CoopgraphError("--focus applies to --view ego")
    period = period or Period()
    infos = {iri: info for iri, info in agreements(index).items() if period.covers(info.when or info.date)}
    if view == "countries":
        graph = countries_view(index, infos)
    elif view == "topics":
        graph = topics_view(index, infos)
    else:
        graph = all_view(index, infos, filtered=not period.open, limit=limit if view == "all" else None)
        if view == "ego":
            graph = ego_view(graph, focus, depth)
    if limit is not None and "omitted" not in graph.graph and graph.number_of_nodes() > limit:
        graph = cap(graph, limit)
    shown = sorted({a for _, data in graph.nodes(data=True) for a in data["agreements"]})
    graph.graph["view"] = view
    graph.graph["agreements"] = {a: infos[a] for a in shown if a in infos}
    named = {n for info in graph.graph["agreements"].values() for n in (*info.countries, *info.topics)}
    graph.graph["labels"] = {n: (index.label(n, "en"), index.label(n, "th")) for n in sorted(named)}
    graph.graph["short"] = {a: short_title(index, info) for a, info in graph.graph["agreements"].items()}
    graph.graph["details"] = {a: agreement_details(index, info) for a, info in graph.graph["agreements"].items()}
    if not period.open:  # a generated file says its window
        graph.graph["window"] = (period.start.isoformat() if period.start else "",
                                 period.end.isoformat() if period.end else "")
    return graph


def _new_graph(nodes: Iterable[tuple[str, dict[str, Any]]], edges: Iterable[tuple[str, str, str, dict[str, Any]]]
               ) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(sorted(nodes, key=lambda n: n[0]))
    graph.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1], e[2])))
    return graph


def _sorted_copy(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    nodes = [(n, d) for n, d in graph.nodes(data=True)]
    edges = [(a, b, k, d) for a, b, k, d in graph.edges(keys=True, data=True)]
    return _new_graph(nodes, edges)


def all_view(
    index: Index, infos: dict[str, AgreementInfo], *, filtered: bool = False, limit: int | None = None
) -> nx.MultiDiGraph:
    """The whole knowledge graph; with a date filter, agreements outside it and what hung only on them go.

    With ``limit``, a graph of more nodes keeps only the :func:`choose`-n ones
    (and the edges between them); the structure is worked out for every node,
    the labels, facts and sources only for those kept.  ``graph.graph["omitted"]``
    then tells what was left out (:func:`omitted`).
    """
    every = agreements(index) if filtered else infos
    kinds = {n: k for n in sorted(index.out) if (k := kind_of(index, n))}
    nodes = {n: k for n, k in kinds.items() if not (k == "agreement" and n not in infos)}
    tied: dict[str, set[str]] = defaultdict(set)  # node -> every agreement it hangs on, shown or not
    for info in every.values():
        for node in (info.iri, *info.countries):
            tied[node].add(info.iri)
    merged: dict[tuple[str, str, str], tuple[set[str], list[str]]] = {}
    for node, kind in kinds.items():
        for source, target, relation, agreement, note in _edges(index, node, kind):
            if agreement is not None:
                tied[source].add(agreement)
                tied[target].add(agreement)
                if agreement not in infos:
                    continue
            if source in nodes and target in nodes:
                found = merged.setdefault((source, target, relation), (set(), []))
                if agreement:
                    found[0].add(agreement)
                found[1].append(note)
    def shown(node: str) -> set[str]:  # the agreements a node hangs on that the view shows
        found = tied.get(node) or set()
        return found & infos.keys() if filtered else found

    if filtered:  # drop what hung only on agreements outside the period
        nodes = {n: k for n, k in nodes.items() if not (tied.get(n) and not shown(n))}
        merged = {e: v for e, v in merged.items() if e[0] in nodes and e[1] in nodes}
    left_out = None
    if limit is not None and len(nodes) > limit:
        degree = _degrees(merged)
        keep = choose(nodes, degree, limit, parties=_parties(merged))
        left_out = omitted(nodes, len(merged), keep, limit)
        nodes = {n: k for n, k in nodes.items() if n in keep}
        merged = {e: v for e, v in merged.items() if e[0] in keep and e[1] in keep}
    drawn_agreements = {n for n, k in nodes.items() if k == "agreement"}
    graph_nodes = []
    for node, kind in nodes.items():
        data = node_attributes(index, node, kind, infos.get(node))
        data["agreements"] = sorted(shown(node))
        graph_nodes.append((node, data))
    graph_edges = [
        (a, b, relation, edge_attributes(relation, found, note=_merged_note(notes)))
        for (a, b, relation), (found, notes) in merged.items()
    ]
    graph = _new_graph(graph_nodes, graph_edges)
    _add_agreement_count(graph)
    if left_out is not None:  # what the page draws stands for the agreements it draws
        _only_agreements(graph, drawn_agreements)
        graph.graph["omitted"] = left_out
    return graph


def _merged_note(notes: list[str]) -> str:
    """The note of an edge met several times: as :func:`_add_edge` folds them."""
    note = notes[0]
    for more in notes[1:]:
        note = "; ".join(sorted(set(filter(None, [*note.split("; "), more]))))
    return note


# --------------------------------------------------------------------------- large graphs

#: kind -> group: what a capped view keeps first (0), then agreements (1) and organisations (2) by degree,
#: then the rest (3) by degree.
GROUPS: dict[str, int] = {
    "country": 0, "igo": 0, "topic": 0,
    "agreement": 1,
    "government": 2, "ministry": 2, "agency": 2, "company": 2,
    "meeting": 3, "person": 3, "place": 3, "post": 3,
}


def _degrees(edges: Iterable[tuple[str, str, str]]) -> dict[str, int]:
    """Distinct neighbours of each node over the edges (either direction, loops not counted)."""
    neighbours: dict[str, set[str]] = defaultdict(set)
    for a, b, *_ in edges:
        if a != b:
            neighbours[a].add(b)
            neighbours[b].add(a)
    return {node: len(found) for node, found in neighbours.items()}


def choose(
    kinds: dict[str, str], degree: dict[str, int], limit: int, *, pinned: Iterable[str] = (),
    parties: dict[str, set[str]] | None = None,
) -> set[str]:
    """The ``limit`` nodes a capped view keeps: deterministic, ties broken by IRI.

    ``pinned`` nodes first (the focus of an ego view); then countries, blocs and
    topics (the map people filter by), most connected first; then every
    agreement (most connected first, should there be no room for all); then
    the parties of the kept agreements (``parties``: agreement -> its party
    nodes), so no agreement is drawn without who signed it, multilateral ones
    included; then the other organisations; what is still free goes to the
    leaf detail (meetings, people, places, posts) by degree.
    """
    keep = [n for n in sorted(set(pinned)) if n in kinds][:limit]
    taken = set(keep)
    groups: dict[int, list[str]] = defaultdict(list)
    for node in sorted(kinds, key=lambda n: (-degree.get(n, 0), n)):
        if node not in taken:
            groups[GROUPS.get(kinds[node], 3)].append(node)

    def take(nodes: Iterable[str]) -> None:
        for node in nodes:
            if len(keep) >= limit:
                return
            if node not in taken:
                keep.append(node)
                taken.add(node)

    take(groups[0])
    take(groups[1])
    if parties:
        drawn = [n for n in keep if kinds[n] == "agreement"]
        party_nodes = {p for a in drawn for p in parties.get(a, ()) if p in kinds}
        take(sorted(party_nodes, key=lambda n: (-degree.get(n, 0), n)))
    take(groups[2])
    take(groups[3])
    return taken


def _parties(edges: Iterable[tuple[str, str, str]]) -> dict[str, set[str]]:
    """Agreement -> its party nodes, from ``(agreement, party, "party")`` edges."""
    found: dict[str, set[str]] = defaultdict(set)
    for a, b, relation, *_ in edges:
        if relation == "party":
            found[a].add(b)
    return found


def omitted(kinds: dict[str, str], edges: int, keep: set[str], limit: int) -> dict[str, Any]:
    """What a capped view left out, for the page's note: totals, and nodes left out per kind."""
    per_kind: dict[str, int] = defaultdict(int)
    for node, kind in kinds.items():
        if node not in keep:
            per_kind[kind] += 1
    return {"limit": limit, "nodes": len(kinds), "edges": edges,
            "kinds": {kind: per_kind[kind] for kind in KINDS if per_kind.get(kind)}}


def _only_agreements(graph: nx.MultiDiGraph, drawn: set[str]) -> None:
    """Nodes and edges of a capped view list only the agreements it draws, and their counts say so."""
    for _, data in graph.nodes(data=True):
        data["agreements"] = [a for a in data["agreements"] if a in drawn]
        data["facts"] = [f if f[0] != "agreements" else _fact("agreements", str(len(data["agreements"])))
                         for f in data["facts"] if f[0] != "agreements" or data["agreements"]]
    for _, _, data in graph.edges(data=True):
        data["agreements"] = [a for a in data["agreements"] if a in drawn]


def cap(graph: nx.MultiDiGraph, limit: int) -> nx.MultiDiGraph:
    """A view of at most ``limit`` nodes (:func:`choose`; an ego view keeps its focus), or the graph itself.

    For a projected graph that was not capped as it was built (ego, countries
    and topics views, or ``project`` without ``limit``).  Views that draw
    agreements then list only those; the others keep their agreement lists.
    """
    if graph.number_of_nodes() <= limit:
        return graph
    kinds = {str(n): str(d.get("kind", "")) for n, d in graph.nodes(data=True)}
    degree = _degrees(graph.edges())
    focus = graph.graph.get("focus")
    keep = choose(kinds, degree, limit, pinned=[focus] if focus else [], parties=_parties(graph.edges(keys=True)))
    capped = _sorted_copy(graph.subgraph(keep))  # attribute dicts of its own: the caller's graph is not touched
    capped.graph.update(graph.graph)
    left_out = omitted(kinds, graph.number_of_edges(), keep, limit)
    drawn = {n for n in keep if kinds[n] == "agreement"}
    if drawn:
        _only_agreements(capped, drawn)
        infos = graph.graph.get("agreements", {})
        capped.graph["agreements"] = {a: infos[a] for a in sorted(drawn) if a in infos}
    capped.graph["omitted"] = left_out
    return capped


def _add_agreement_count(graph: nx.MultiDiGraph) -> None:
    for _, data in graph.nodes(data=True):
        if data["kind"] != "agreement" and data["agreements"]:
            data["facts"].append(_fact("agreements", str(len(data["agreements"]))))


def countries_view(index: Index, infos: dict[str, AgreementInfo]) -> nx.MultiDiGraph:
    """Countries joined by cooperation, each edge weighted by the agreements it stands for."""
    pairs = cooperation(index, infos)
    per_country: dict[str, set[str]] = defaultdict(set)
    for info in infos.values():
        for country in info.countries:
            per_country[country].add(info.iri)
    for (a, b), shared in pairs.items():  # the reasoner may know of cooperation the rule above does not
        per_country[a] |= shared
        per_country[b] |= shared
    nodes = []
    for country in sorted(per_country):
        data = node_attributes(index, country, "country", None)
        data["agreements"] = sorted(per_country[country])
        partners = sorted({b if a == country else a for a, b in pairs if country in (a, b)})
        if partners:
            data["facts"].append(_fact("partners", *_names(index, partners)))
        nodes.append((country, data))
    edges = []
    for (a, b), shared in sorted(pairs.items()):
        edges.append((a, b, "cooperates-with", edge_attributes("cooperates-with", shared, weight=len(shared))))
    graph = _new_graph(nodes, edges)
    _add_agreement_count(graph)
    return graph


def topics_view(index: Index, infos: dict[str, AgreementInfo]) -> nx.MultiDiGraph:
    """Countries joined to the topics their agreements cover (with broader topics), weighted by agreements."""
    links: dict[tuple[str, str], set[str]] = defaultdict(set)
    for info in infos.values():
        for country in info.countries:
            for topic in info.topics:
                links[(country, topic)].add(info.iri)
    per_node: dict[str, set[str]] = defaultdict(set)
    for (country, topic), shared in links.items():
        per_node[country] |= shared
        per_node[topic] |= shared
    nodes = []
    for node in sorted(per_node):
        kind = "country" if node in {c for c, _ in links} else "topic"
        data = node_attributes(index, node, kind, None)
        data["agreements"] = sorted(per_node[node])
        nodes.append((node, data))
    edges = [
        (c, t, "cooperates-on", edge_attributes("cooperates-on", shared, weight=len(shared)))
        for (c, t), shared in links.items()
    ]
    topics = {n for n, d in nodes if d["kind"] == "topic"}
    for topic in sorted(topics):
        for broader in index.iris(topic, SKOS.broader):
            if broader in topics:
                edges.append((topic, broader, "broader", edge_attributes("broader", [])))
    graph = _new_graph(nodes, edges)
    _add_agreement_count(graph)
    return graph


def resolve_focus(graph: nx.MultiDiGraph, focus: str) -> str:
    """A node from an IRI, a path end (``country/thailand``), a slug (``thailand``) or an exact label."""
    if focus in graph:
        return focus
    matches: list[str] = sorted(n for n in graph if n.endswith("/" + focus.strip("/")))
    if not matches:
        wanted = focus.casefold()
        matches = sorted(
            n for n, d in graph.nodes(data=True)
            if wanted in (d["label_en"].casefold(), d["label_th"].casefold(), *(a.casefold() for a in d["alt"]))
        )
    if len(matches) == 1:
        return matches[0]
    if not matches:
        from coopgraph.suggest import did_you_mean

        ids = [n.split("/id/", 1)[-1] for n in graph]
        hint = did_you_mean(focus.strip("/"), ids) or did_you_mean(focus, [n.rsplit("/", 1)[-1] for n in graph])
        raise CoopgraphError(f"--focus {focus}: no such entity in the graph{hint} (give its id, e.g. country/thailand)")
    raise CoopgraphError(f"--focus {focus}: ambiguous, one of: {', '.join(matches[:10])}")


def ego_view(graph: nx.MultiDiGraph, focus: str | None, depth: int) -> nx.MultiDiGraph:
    """Everything within ``depth`` steps (either direction) of one entity."""
    if focus is None:
        raise CoopgraphError("--view ego needs --focus ID (e.g. --focus country/thailand)")
    if depth < 0:
        raise CoopgraphError(f"--depth {depth}: must be 0 or more")
    centre = resolve_focus(graph, focus)
    undirected = graph.to_undirected(as_view=True)
    near = nx.single_source_shortest_path_length(undirected, centre, cutoff=depth)
    if depth >= 1:  # what it takes part in through a body serving it or a bloc it belonged to counts as one step
        through = _taken_part_in(graph, centre)
        if through:
            steps = nx.multi_source_dijkstra_path_length(
                undirected, set(through), cutoff=depth - 1, weight=lambda a, b, d: 1
            ) if depth > 1 else dict.fromkeys(through, 0)
            for node, step in steps.items():
                near[node] = min(near.get(node, depth + 1), step + 1)
    ego = _sorted_copy(graph.subgraph(near).copy())
    ego.graph["focus"] = centre
    return ego


def _taken_part_in(graph: nx.MultiDiGraph, centre: str) -> set[str]:
    """The agreements a node takes part in through others (a country through its ministries or a bloc),
    with the parties that link them to it: the node's ``agreements`` that are drawn but not its neighbours."""
    data = graph.nodes[centre]
    if data.get("kind") != "country":
        return set()
    neighbours = set(graph.predecessors(centre)) | set(graph.successors(centre))
    found: set[str] = set()
    for agreement in data.get("agreements", []):
        if agreement not in graph or agreement in neighbours:
            continue
        found.add(agreement)
        # the party that stands for the country: a body serving it, or a bloc it was in
        for party in graph.successors(agreement):
            if party in neighbours and graph.has_edge(agreement, party, "party"):
                found.add(party)
    return found
