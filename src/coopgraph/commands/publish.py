"""``coopgraph publish``: replace a named graph in an external triple store with the built graph.

coopgraph publish --endpoint http://127.0.0.1:7878/store --graph https://example.org/coopgraph
COOPGRAPH_PASSWORD=dba coopgraph publish --endpoint http://host:8890/sparql-graph-crud-auth --user dba

The password comes from ``COOPGRAPH_PASSWORD`` or ``--password-file``: a
``--password`` on the command line still works, with a warning, since any user
of the machine sees it in ``ps``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

PASSWORD_VARIABLE = "COOPGRAPH_PASSWORD"

HELP = "replace a named graph in a SPARQL 1.1 Graph Store Protocol store with the built graph"


def configure(parser: argparse.ArgumentParser) -> None:
    from coopgraph.sparql.publish import BATCH, DEFAULT_GRAPH, PARTS
    from coopgraph.sparql.remote import DEFAULT_TIMEOUT

    parser.add_argument("--endpoint", required=True, metavar="URL", help="the store's Graph Store Protocol URL")
    parser.add_argument(
        "--graph", default=DEFAULT_GRAPH, metavar="IRI", help=f"named graph to replace ({DEFAULT_GRAPH})"
    )
    parser.add_argument(
        "--part",
        action="append",
        choices=PARTS,
        default=None,
        help="which part(s) of the dataset to send (repeatable; default: all three)",
    )
    parser.add_argument("--user", help="user name (basic or digest auth, whichever the server asks for)")
    parser.add_argument(
        "--password-file", type=Path, metavar="FILE", help="read the password from the first line of FILE"
    )
    parser.add_argument(
        "--password", help=f"password (visible to other users in `ps`: prefer ${PASSWORD_VARIABLE} or --password-file)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"seconds to wait for the server at each step of a request, HEAD included (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--batch", type=int, default=BATCH, help=f"triples per request (default: {BATCH})")
    parser.add_argument("--out", type=Path, default=Path("build"), help="build directory holding the store")


def run(args: argparse.Namespace) -> int:
    from coopgraph.errors import CoopgraphError
    from coopgraph.graph.store import open_store
    from coopgraph.sparql.publish import PARTS, publish

    if args.batch < 1:
        raise CoopgraphError("--batch must be at least 1")
    if not args.timeout > 0:
        raise CoopgraphError("--timeout must be a positive number of seconds")
    published = publish(
        open_store(args.out),
        args.endpoint,
        args.graph,
        parts=args.part or PARTS,
        user=args.user,
        password=password(args),
        batch_size=args.batch,
        timeout=args.timeout,
    )
    print(f"{published} to <{args.graph}> at {args.endpoint}", file=sys.stderr)
    return 0


def password(args: argparse.Namespace) -> str | None:
    """The password: ``--password`` (warned about), else ``--password-file``, else ``$COOPGRAPH_PASSWORD``."""
    import logging
    import os

    from coopgraph.errors import CoopgraphError

    if args.password is not None:
        logging.getLogger("coopgraph").warning(
            "warning: --password is visible to every user of this machine (ps, /proc); use $%s or --password-file",
            PASSWORD_VARIABLE,
        )
        return str(args.password)
    if args.password_file is not None:
        try:
            lines = args.password_file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as error:
            raise CoopgraphError(
                f"{args.password_file}: cannot read the password file ({getattr(error, 'strerror', None) or error})"
            ) from None
        return lines[0] if lines else ""
    return os.environ.get(PASSWORD_VARIABLE)
