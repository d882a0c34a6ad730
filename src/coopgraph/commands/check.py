"""``coopgraph check``: every problem in the curated data, one per line, ``path:line: message``."""

from __future__ import annotations

import argparse
import sys

from coopgraph.commands import add_data_option, data_dir

HELP = "check the curated data and report every problem at once"


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.api import check

    print(check(data_dir(args)), file=sys.stderr)
    return 0
