"""The ``coopgraph`` command line: one sub-command per module in :mod:`coopgraph.commands`.

Results go to stdout so they pipe; diagnostics go to stderr; the exit code is
0 when all is well, 1 for problems in the data or a query, 2 for usage errors.
A :class:`~coopgraph.errors.CoopgraphError` never shows a traceback.

>>> main(["check", "--data", "tests/data/tiny"])     # doctest: +SKIP
0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from coopgraph import __version__
from coopgraph.errors import CoopgraphError, Exit

#: sub-command -> module; each module has HELP, configure(parser) and run(args) -> int.
COMMANDS: dict[str, str] = {
    "check": "coopgraph.commands.check",
    "build": "coopgraph.commands.build",
    "schema": "coopgraph.commands.schema",
    "query": "coopgraph.commands.query",
    "queries": "coopgraph.commands.queries",
    "serve": "coopgraph.commands.serve",
    "publish": "coopgraph.commands.publish",
    "export": "coopgraph.commands.export",
    "visualise": "coopgraph.commands.visualise",
    "stats": "coopgraph.commands.stats",
    "draft": "coopgraph.commands.draft",
    "new": "coopgraph.commands.new",
    "diff": "coopgraph.commands.diff",
}


def parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser; ``only`` imports just that command (so `coopgraph query` starts fast)."""
    top = argparse.ArgumentParser(
        prog="coopgraph", description="A knowledge graph of digital-cooperation agreements between governments."
    )
    top.add_argument("--version", action="version", version=f"coopgraph {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    talk = common.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=0, default=argparse.SUPPRESS,
                      help="say nothing on stderr but errors and warnings")
    talk.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=2, default=argparse.SUPPRESS,
                      help="say more on stderr: each stage and what it took")
    for option in (top, ):
        option.add_argument("-q", "--quiet", dest="verbosity", action="store_const", const=0, default=1,
                            help=argparse.SUPPRESS)
        option.add_argument("-v", "--verbose", dest="verbosity", action="store_const", const=2, help=argparse.SUPPRESS)
    subs = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = _command(module_name)
        sub = subs.add_parser(name, help=module.HELP, description=module.HELP, parents=[common])
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return top


def _command(module_name: str) -> ModuleType:
    return importlib.import_module(module_name)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; return its exit code (never raises for user errors)."""
    try:
        words = list(sys.argv[1:] if argv is None else argv)
        named = next((word for word in words if not word.startswith("-")), None)
        if named is not None and named not in COMMANDS:
            from coopgraph.suggest import did_you_mean

            print(f"coopgraph: no command '{named}'{did_you_mean(named, COMMANDS)}; commands: {', '.join(COMMANDS)}",
                  file=sys.stderr)
            return Exit.USAGE
        args = parser(named if named in COMMANDS else None).parse_args(words)
    except SystemExit as stop:  # argparse: --help exits 0, usage errors 2
        return int(stop.code or 0)
    from coopgraph import commands

    commands.VERBOSITY = getattr(args, "verbosity", 1)
    from coopgraph.progress import show_on

    show_on(commands.VERBOSITY)
    try:
        return int(args.run(args))
    except CoopgraphError as error:
        for problem in error.problems:
            print(str(problem) if problem.location.path else problem.message, file=sys.stderr)
        return Exit.PROBLEMS
    except BrokenPipeError:  # `coopgraph query ... | head`
        sys.stderr.close()
        return Exit.OK
    except KeyboardInterrupt:
        return 130


def entry() -> None:  # console script
    sys.exit(main())
