"""``coopgraph queries [NAME]``: the saved competency questions, or one of them in full.

coopgraph queries --lang th
coopgraph queries agreements-of-country
"""

from __future__ import annotations

import argparse
import sys

HELP = "list the saved queries (name, title, parameters), or show one"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("name", nargs="?", help="show this saved query: header and SPARQL text")
    parser.add_argument("--lang", choices=("en", "th"), default="en", help="language of the titles (default: en)")
    parser.add_argument(
        "-f",
        "--format",
        choices=("table", "csv", "tsv", "json", "markdown"),
        default=None,
        help="list format (default: table on a terminal, csv when piped)",
    )
    parser.add_argument("--tag", help="only queries with this tag")


def run(args: argparse.Namespace) -> int:
    from coopgraph.sparql.queryfile import find_query, saved_queries

    if args.name:
        saved = find_query(args.name)
        sys.stdout.write(saved.text if saved.text.endswith("\n") else saved.text + "\n")
        return 0
    import pyoxigraph as ox

    from coopgraph.commands.query import write
    from coopgraph.sparql.query import Result

    chosen = [q for q in saved_queries().values() if args.tag is None or args.tag in q.tags]
    rows = tuple(
        (
            ox.Literal(q.name),
            ox.Literal(q.title_in(args.lang)),
            ox.Literal(", ".join(f"{p.name}={p.default or ''} ({p.type})" for p in q.params.values())),
            ox.Literal(", ".join(q.tags)),
        )
        for q in chosen
    )
    write(Result("select", ("name", "title", "parameters", "tags"), rows), args.format, {})
    return 0
