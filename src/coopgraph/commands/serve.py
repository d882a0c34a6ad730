"""``coopgraph serve``: the built graph over the SPARQL 1.1 Protocol, read-only, on loopback by default.

coopgraph serve                      # http://127.0.0.1:8000/sparql
coopgraph serve --port 8080 --timeout 10 --max-rows 5000 --memory 512
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
        "--memory",
        type=int,
        default=1024,
        metavar="MB",
        help="memory a query may use in its worker, beyond the store (default: 1024; 0: no cap)",
    )
    parser.add_argument(
        "--client-timeout",
        type=float,
        default=10.0,
        metavar="S",
        help="seconds a client has to send its whole request (default: 10)",
    )
    parser.add_argument(
        "--store",
        choices=("auto", "memory", "disk"),
        default="auto",
        help="each worker answers from a copy in memory (faster) or from the build's store on disk "
        "(no copy); default auto: memory up to 3M quads",
    )
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    import sys

    from coopgraph.errors import CoopgraphError, Exit
    from coopgraph.sparql.endpoint import Settings, serve

    if not 0 <= args.port <= 65535:
        print(f"coopgraph serve: --port {args.port}: a port is a number from 0 to 65535", file=sys.stderr)
        return Exit.USAGE
    if args.timeout <= 0 or args.max_rows < 1 or args.workers < 1 or args.memory < 0 or args.client_timeout <= 0:
        raise CoopgraphError(
            "--timeout and --client-timeout must be positive; --max-rows and --workers at least 1; --memory 0 or more"
        )
    settings = Settings(
        args.out,
        base=args.base,
        timeout=args.timeout,
        max_rows=args.max_rows,
        workers=args.workers,
        store=args.store,
        memory=args.memory,
        client_timeout=args.client_timeout,
        log=getattr(args, "verbosity", 1) > 0,  # -q: no line per request
    )
    serve(settings, host=args.host, port=args.port)
    return 0
