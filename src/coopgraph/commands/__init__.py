"""One module per sub-command; heavy imports stay inside ``run``."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.graph.iris import DEFAULT_BASE


def add_data_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, default=None, help="curated data directory (default: ./data)")


def add_base_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-iri", dest="base", default=DEFAULT_BASE, help=f"base IRI of individuals (default: {DEFAULT_BASE})"
    )


def data_dir(args: argparse.Namespace) -> Path:
    from coopgraph.resources import default_data_dir

    return args.data if args.data is not None else default_data_dir()
