"""``coopgraph stats``: network analytics of a view, and its export for Gephi.

    coopgraph stats                                  # summary of the whole graph
    coopgraph stats --view countries --table nodes --format markdown
    coopgraph stats --view countries --graphml countries.graphml --gexf countries.gexf
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coopgraph.commands import add_base_option
from coopgraph.commands.visualise import add_view_options, projected

if TYPE_CHECKING:
    import networkx as nx

    from coopgraph.sparql.query import Result
    from coopgraph.views.analytics import Analytics

HELP = "centrality, communities and agreements per year of a network view; GraphML/GEXF export"
TABLES = ("summary", "nodes", "communities", "years", "kinds")


def configure(parser: argparse.ArgumentParser) -> None:
    add_view_options(parser)
    parser.add_argument("--table", choices=TABLES, default="summary", help="what to list (default: summary)")
    parser.add_argument(
        "-f", "--format", choices=("table", "csv", "tsv", "json", "markdown"), default=None,
        help="output format (default: table on a terminal, csv when piped)",
    )
    parser.add_argument("--top", type=int, default=None, metavar="N", help="with --table nodes: only the first N")
    parser.add_argument("--graphml", type=Path, metavar="FILE", help="also write the view as GraphML")
    parser.add_argument("--gexf", type=Path, metavar="FILE", help="also write the view as GEXF (with positions)")
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.commands.query import write
    from coopgraph.files import write_atomically
    from coopgraph.graph.dataset import prefixes as dataset_prefixes
    from coopgraph.views.analytics import analyse, gexf, graphml

    graph = projected(args)
    analytics = analyse(graph)
    files: dict[Path, bytes] = {}
    if args.graphml:
        files[args.graphml] = graphml(graph, analytics)
    if args.gexf:
        from coopgraph.views.layout import positions

        files[args.gexf] = gexf(graph, analytics, positions(graph))
    if files:
        write_atomically(files)
        print(f"wrote {', '.join(str(p) for p in files)}", file=sys.stderr)
    prefixes = {name: str(ns) for name, ns in dataset_prefixes(args.base).items()}
    write(table(graph, analytics, args.table, top=args.top), args.format, prefixes)
    return 0


def table(graph: nx.MultiDiGraph, analytics: Analytics, which: str, *, top: int | None = None) -> Result:
    """One analytics table as a query result, so it prints in every format ``coopgraph query`` has."""
    import pyoxigraph as ox

    from coopgraph.sparql.query import Result

    def lit(value: object) -> ox.Literal:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return ox.Literal(str(value))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
        return ox.Literal(f"{value:.6f}", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))

    label = {n: str(d["label_en"]) for n, d in graph.nodes(data=True)}
    rows: list[tuple[ox.NamedNode | ox.Literal, ...]]
    if which == "summary":
        columns: tuple[str, ...] = ("measure", "value")
        samples = analytics.betweenness_samples
        error = analytics.betweenness_error
        sampled = f"estimated from {samples} samples, each within ±{error} (95 %)" if samples else "exact"
        pairs: list[tuple[str, object]] = [
            ("view", graph.graph.get("view", "all")), ("nodes", analytics.nodes), ("edges", analytics.edges),
            ("agreements", len(graph.graph.get("agreements", {}))), ("communities", len(analytics.communities)),
            ("largest community", len(analytics.communities[0]) if analytics.communities else 0),
            ("betweenness", sampled),
        ]
        rows = [(lit(k), lit(v)) for k, v in pairs]
    elif which == "nodes":
        columns = ("node", "label", "kind", "degree", "betweenness", "community", "agreements")
        order = sorted(graph.nodes, key=lambda n: (-analytics.degree[n], -analytics.betweenness[n], n))
        rows = [
            (ox.NamedNode(n), lit(label[n]), lit(graph.nodes[n]["kind"]), lit(analytics.degree[n]),
             lit(analytics.betweenness[n]), lit(analytics.community[n]), lit(len(graph.nodes[n]["agreements"])))
            for n in order[: top if top is not None else None]
        ]
    elif which == "communities":
        columns = ("community", "size", "members")
        rows = [(lit(i), lit(len(c)), lit("; ".join(label[n] for n in c))) for i, c in enumerate(analytics.communities)]
    elif which == "years":
        columns = ("year", "agreements")
        rows = [(lit(year), lit(count)) for year, count in analytics.per_year.items()]
    else:
        columns = ("kind", "nodes")
        rows = [(lit(kind), lit(count)) for kind, count in analytics.per_kind.items()]
    return Result("select", columns, tuple(rows))
