"""``coopgraph diff``: what a data change does to the graph (records, triples, links, statuses, gaps).

``--since`` names the data to compare with: a data directory, or a git revision
whose data directory is exported (``git archive``) into a temporary directory.
Both sides are checked and reasoned with the SPARQL rules, in memory.
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from coopgraph.commands import add_data_option, data_dir
from coopgraph.errors import CoopgraphError, Problem

HELP = "show what a data change does to the graph: records, triples, cooperation links, statuses, curation gaps"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--since", default="HEAD", metavar="GIT-REV|DIR",
                        help="the data to compare with: a git revision (default HEAD) or a data directory")  # fmt: skip
    parser.add_argument("--format", choices=("text", "json"), default="text")
    add_data_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.export.diff import as_json, as_text, compare_builds

    new_dir = data_dir(args)
    with tempfile.TemporaryDirectory(prefix="coopgraph-diff-") as temp:
        old_dir = Path(args.since) if Path(args.since).is_dir() else _export_revision(args.since, new_dir, Path(temp))
        old, old_store = _build(old_dir, f"the data of {args.since}")
        new, new_store = _build(new_dir, "")
        report = compare_builds(old, new, old_store, new_store)
    sys.stdout.write(as_json(report) if args.format == "json" else as_text(report, since=args.since))
    return 0


def _build(directory: Path, what: str) -> tuple[Any, Any]:
    from coopgraph.export.formats import statements
    from coopgraph.pipeline import check, infer

    try:
        checked = check(directory)
    except CoopgraphError as error:
        if not what:
            raise
        raise CoopgraphError([Problem(p.location, f"{what}: {p.message}") for p in error.problems]) from None
    infer(checked, reasoner="rules")
    return statements(checked.store, graph="all"), checked.store


def _git(directory: Path, *words: str) -> bytes:
    try:
        done = subprocess.run(["git", "-C", str(directory), *words], capture_output=True, check=False, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CoopgraphError(f"git failed: {error}") from None
    if done.returncode:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CoopgraphError(f"--since: {message[-1] if message else 'git failed'}")
    return done.stdout


def _export_revision(revision: str, data: Path, temp: Path) -> Path:
    """The data directory as it was at ``revision``, extracted under ``temp``."""
    if revision.startswith("-"):
        raise CoopgraphError(f"--since {revision!r}: not a directory nor a git revision")
    data = data.resolve()
    top = Path(_git(data, "rev-parse", "--show-toplevel").decode().strip())
    relative = data.relative_to(top).as_posix()
    _git(top, "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}")
    archive = _git(top, "archive", "--format=tar", revision, "--", relative)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(temp, filter="data")
    old = temp / relative
    if not old.is_dir():
        raise CoopgraphError(f"--since {revision}: {relative}/ does not exist at that revision")
    return old
