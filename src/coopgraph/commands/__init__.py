"""One module per sub-command; heavy imports stay inside ``run``."""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.graph.iris import DEFAULT_BASE


def add_data_option(parser: argparse.ArgumentParser) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--data", type=Path, default=None,
        help="curated data directory (default: ./data if there is one, else the shipped data)",
    )
    which.add_argument(
        "--shipped", action="store_true", help="use the data that comes with coopgraph, even if ./data exists"
    )


def add_base_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-iri", dest="base", default=DEFAULT_BASE, help=f"base IRI of individuals (default: {DEFAULT_BASE})"
    )


def data_dir(args: argparse.Namespace) -> Path:
    """The data directory the command reads; says on stderr which one and why (unless ``-q``)."""
    from coopgraph.errors import CoopgraphError
    from coopgraph.resources import DATA_MARKERS, choose_data_dir, looks_like_data

    chosen, why = choose_data_dir(args.data, shipped=getattr(args, "shipped", False))
    if not chosen.is_dir():
        raise CoopgraphError(f"{chosen}/: no such data directory ({why})")
    if not looks_like_data(chosen):
        raise CoopgraphError(
            f"{chosen}/: not coopgraph data (none of {', '.join(DATA_MARKERS)}); "
            "give --data DIR, or --shipped for the data that comes with coopgraph"
        )
    inform(f"data: {chosen} ({why})", level=2 if args.data is not None else 1)  # said when not asked for
    return chosen


#: how much a command says on stderr: 0 quiet (-q), 1 normal, 2 verbose (-v)
VERBOSITY = 1


def inform(message: str, *, level: int = 1) -> None:
    """A diagnostic line on stderr, shown at this verbosity or above (results never go here)."""
    import sys

    if level <= VERBOSITY:
        print(message, file=sys.stderr)
