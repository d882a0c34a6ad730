"""``coopgraph build``: check, populate, reason, and write the graph (Turtle and TriG)."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.commands import add_base_option, add_data_option, data_dir, inform
from coopgraph.pipeline import REASONERS

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
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.api import build

    built = build(data_dir(args), args.out, base=args.base, reasoner=args.reasoner)
    inform(built.summary)
    return 0
