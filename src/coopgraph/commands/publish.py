"""``coopgraph publish``: replace a named graph in an external triple store with the built graph.

coopgraph publish --endpoint http://127.0.0.1:7878/store --graph https://example.org/coopgraph
coopgraph publish --endpoint http://host:8890/sparql-graph-crud-auth --user dba --password dba
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HELP = "replace a named graph in a SPARQL 1.1 Graph Store Protocol store with the built graph"


def configure(parser: argparse.ArgumentParser) -> None:
    from coopgraph.sparql.publish import BATCH, DEFAULT_GRAPH, PARTS

    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's Graph Store Protocol URL")
    parser.add_argument(
        "--graph", default=DEFAULT_GRAPH, metavar="IRI", help=f"named graph to replace ({DEFAULT_GRAPH})"
    )
    parser.add_argument(
        "--part",
        action="append",
        choices=PARTS,
        default=None,
        help="which part(s) of the dataset to send (repeatable; default: all three)",
    )
    parser.add_argument("--user", help="user name (basic or digest auth, whichever the server asks for)")
    parser.add_argument("--password", help="password")
    parser.add_argument("--batch", type=int, default=BATCH, help=f"triples per request (default: {BATCH})")
    parser.add_argument("--out", type=Path, default=Path("build"), help="build directory holding the store")


def run(args: argparse.Namespace) -> int:
    from coopgraph.errors import CoopgraphError
    from coopgraph.graph.store import open_store
    from coopgraph.sparql.publish import PARTS, publish

    if args.batch < 1:
        raise CoopgraphError("--batch must be at least 1")
    published = publish(
        open_store(args.out),
        args.endpoint,
        args.graph,
        parts=args.part or PARTS,
        user=args.user,
        password=args.password,
        batch_size=args.batch,
    )
    print(f"{published} to <{args.graph}> at {args.endpoint}", file=sys.stderr)
    return 0
