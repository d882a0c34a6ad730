"""``coopgraph serve``: the built graph over the SPARQL 1.1 Protocol, read-only, on loopback by default.

coopgraph serve                      # http://127.0.0.1:8000/sparql
coopgraph serve --port 8080 --timeout 10 --max-rows 5000
"""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.commands import add_base_option

HELP = "serve the built graph: SPARQL 1.1 Protocol endpoint, saved queries, entity pages (read-only)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: 8000; 0 picks a free one)")
    parser.add_argument("--out", type=Path, default=Path("build"), help="build directory holding the store")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds a query may run (default: 30)")
    parser.add_argument(
        "--max-rows", type=int, default=10_000, help="most rows or triples in an answer (default: 10000)"
    )
    parser.add_argument("--workers", type=int, default=2, help="queries answered at once (default: 2)")
    parser.add_argument(
        "--store",
        choices=("auto", "memory", "disk"),
        default="auto",
        help="each worker answers from a copy in memory (faster) or from the build's store on disk "
        "(no copy); default auto: memory up to 3M quads",
    )
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.errors import CoopgraphError
    from coopgraph.sparql.endpoint import Settings, serve

    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1:
        raise CoopgraphError("--timeout must be positive; --max-rows and --workers at least 1")
    settings = Settings(
        args.out, base=args.base, timeout=args.timeout, max_rows=args.max_rows, workers=args.workers, store=args.store
    )
    serve(settings, host=args.host, port=args.port)
    return 0
