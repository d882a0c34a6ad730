"""``coopgraph new KIND ID``: scaffold a record with every field documented, ready to fill in."""

from __future__ import annotations

import argparse
import sys

from coopgraph.commands import add_data_option, data_dir

HELP = "scaffold a new record (an agreement file, or an entry in its registry) with every field documented"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", help="agreement, source, actor, place, post, person, topic or meeting")
    parser.add_argument("id", help="the new record's kebab-case id")
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.curate.scaffold import scaffold
    from coopgraph.errors import display_path
    from coopgraph.files import write_atomically

    files = scaffold(args.kind, args.id, data_dir(args))
    write_atomically(files)
    for path in files:
        print(f"wrote {display_path(path)}", file=sys.stderr)
    return 0
