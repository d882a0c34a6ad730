"""``coopgraph check``: every problem in the curated data, one per line, ``path:line: message``.

``--review FILE`` checks a review file from ``coopgraph draft`` as if merged into the data.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from coopgraph.commands import add_data_option, data_dir, inform

HELP = "check the curated data (or a draft's review file, --review) and report every problem at once"


def configure(parser: argparse.ArgumentParser) -> None:
    add_data_option(parser)
    parser.add_argument("--review", type=Path, default=None, metavar="FILE",
                        help="check a review file from `coopgraph draft` against the data, as if merged")  # fmt: skip


def run(args: argparse.Namespace) -> int:
    if args.review is not None:
        from coopgraph.curate.draft.review import check_review, iter_records

        check_review(args.review, data_dir(args))
        records = list(iter_records(args.review))
        inform(f"ok: {len(records)} record(s) in the review can be merged")
        return 0
    from coopgraph.api import check

    inform(str(check(data_dir(args))))
    return 0
