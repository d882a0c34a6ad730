"""``coopgraph check``: every problem in the curated data, one per line, ``path:line: message``."""

from __future__ import annotations

import argparse

from coopgraph.commands import add_data_option, data_dir, inform

HELP = "check the curated data and report every problem at once"


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.api import check

    inform(str(check(data_dir(args))))
    return 0
