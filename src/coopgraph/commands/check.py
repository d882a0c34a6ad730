"""``coopgraph check``: every problem in the curated data, one per line, ``path:line: message``.

``--review FILE`` checks a review file from ``coopgraph draft`` as if merged into the data.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopgraph.commands import add_data_option, data_dir

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
        print(f"ok: {len(records)} record(s) in the review can be merged", file=sys.stderr)
        return 0
    from coopgraph.pipeline import check

    checked = check(data_dir(args))
    counted = ", ".join(f"{n} {what}" for what, n in checked.tally.items())
    print(f"ok: {counted}, {checked.size()} triples", file=sys.stderr)
    return 0
