"""``coopgraph visualise``: one offline HTML explorer of a network view of the built graph.

    coopgraph visualise -o graph.html
    coopgraph visualise --view countries --from 2022 --to 2024 --lang th -o countries.html
    coopgraph visualise --view ego --focus country/thailand --depth 2 -o thailand.html
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coopgraph.views.labels import VIEWS

if TYPE_CHECKING:
    import networkx as nx

HELP = "write an offline HTML explorer of a network view (whole graph, countries, ego, topics)"


def _view(name: str) -> str:
    """A view name, or a usage error that suggests the closest one."""
    if name in VIEWS:
        return name
    from coopgraph.suggest import did_you_mean

    raise argparse.ArgumentTypeError(f"no view {name!r}{did_you_mean(name, VIEWS)}; views: {', '.join(VIEWS)}")


def add_view_options(parser: argparse.ArgumentParser) -> None:
    """The options that choose a view; shared with ``coopgraph stats``."""
    add = parser.add_argument
    add("--view", type=_view, default="all", metavar="{" + ",".join(VIEWS) + "}", help="which network (default: all)")
    add("--focus", metavar="ID", help="with --view ego: the entity at the centre, e.g. country/thailand")
    add("--depth", type=int, default=1, metavar="N", help="with --view ego: steps out (default: 1)")
    add("--from", dest="start", metavar="DATE", help="only agreements signed on or after (YYYY[-MM[-DD]])")
    add("--to", dest="end", metavar="DATE", help="only agreements signed on or before (YYYY[-MM[-DD]])")
    add("--out", type=Path, default=Path("build"), help="build directory holding the store (default: build)")


def projected(args: argparse.Namespace) -> nx.MultiDiGraph:
    """The view the options ask for, projected from the built store."""
    from coopgraph.graph.store import open_store
    from coopgraph.views.facts import Period
    from coopgraph.views.project import project

    period = Period.parse(args.start, args.end)
    return project(open_store(args.out), view=args.view, focus=args.focus, depth=args.depth, period=period)


def configure(parser: argparse.ArgumentParser) -> None:
    add_view_options(parser)
    parser.add_argument("--lang", choices=("en", "th"), default="en", help="language shown first (default: en)")
    parser.add_argument("-o", "--output", default="-", metavar="FILE", help="HTML file to write (default: stdout)")


def run(args: argparse.Namespace) -> int:
    from coopgraph.files import write_atomically
    from coopgraph.views.html import render

    graph = projected(args)
    page = render(graph, lang=args.lang)
    if args.output == "-":
        sys.stdout.buffer.write(page)
        sys.stdout.flush()
    else:
        write_atomically({Path(args.output): page})
        print(
            f"wrote {args.output}: {args.view} view, {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges",
            file=sys.stderr,
        )
    return 0
