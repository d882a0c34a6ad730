"""``coopgraph build``: check, populate, reason, and write the graph (Turtle and TriG)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.commands import add_base_option, add_data_option, data_dir, inform
from coopgraph.pipeline import REASONERS, STORES

HELP = "build the knowledge graph from the curated data into build/"


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument("--out", type=Path, default=Path("build"), help="output directory (default: build)")
    parser.add_argument(
        "--reasoner",
        choices=REASONERS,
        default="auto",
        help="hermit or pellet (OWL, on Java), rules (SPARQL, no Java), none; "
        "default auto: hermit for small graphs when Java is there, else rules",
    )
    parser.add_argument(
        "--reasoner-timeout",
        type=float,
        default=None,
        metavar="S",
        help="seconds the OWL reasoner's Java may run (default 300); past it, auto falls back to the rules "
        "and hermit or pellet stop",
    )
    parser.add_argument(
        "--store",
        choices=STORES,
        default="auto",
        help="where the build works: memory (fastest), disk (bounded memory for big worlds); "
        "default auto: on disk from 25,000 agreements",
    )
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.api import build
    from coopgraph.errors import CoopgraphError

    if args.reasoner_timeout is not None and not args.reasoner_timeout > 0:
        raise CoopgraphError("--reasoner-timeout must be a positive number of seconds")
    built = build(
        data_dir(args), args.out, base=args.base, reasoner=args.reasoner, reasoner_timeout=args.reasoner_timeout,
        store=args.store,
    )
    inform(built.summary)
    return 0
