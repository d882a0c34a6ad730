"""``coopgraph draft``: a press release -> a review file of proposed records; ``--merge`` a reviewed one into data/."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopgraph.commands import add_data_option, data_dir
from coopgraph.errors import CoopgraphError

HELP = "draft agreement records from a press release (Thai or English) into a review file; --merge a reviewed one"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("release", nargs="?", type=Path, help="the press release: plain text or a saved HTML page")
    parser.add_argument("--lang", choices=("th", "en"), default=None, help="the release's language (default: guessed)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="review file to write (default: stdout)")
    parser.add_argument(
        "--merge", type=Path, default=None, metavar="REVIEW", help="move a reviewed file's records into the data"
    )
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.curate.checker import curate
    from coopgraph.curate.draft.extract import draft
    from coopgraph.curate.draft.review import merge, review_text
    from coopgraph.curate.draft.text import read_release
    from coopgraph.errors import display_path
    from coopgraph.files import write_atomically

    data = data_dir(args)
    if args.merge is not None:
        if args.release is not None:
            raise CoopgraphError("give either a release to draft or --merge REVIEW, not both")
        written = merge(args.merge, data)
        for path in written:
            print(f"wrote {display_path(path)}", file=sys.stderr)
        return 0
    if args.release is None:
        raise CoopgraphError("name a press release to draft (or --merge REVIEW)")
    drafted = draft(read_release(args.release, args.lang), curate(data))
    text = review_text(drafted)
    if args.output is None:
        sys.stdout.write(text)
    else:
        write_atomically({args.output: text.encode("utf-8")})
        new = sum(len(v) for v in drafted.new.values())
        print(
            f"wrote {display_path(args.output)}: {len(drafted.agreements)} agreement(s), {new} new record(s) to review",
            file=sys.stderr,
        )
    return 0
