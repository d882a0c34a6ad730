"""``coopgraph query NAME|FILE|'SPARQL'``: run a saved or ad-hoc query on the built graph or a remote store.

coopgraph query agreements-of-country -p country=indonesia --format markdown
coopgraph query 'SELECT ?c WHERE { ?c a coop:Country } ORDER BY ?c'
coopgraph query partners-of-country --endpoint http://127.0.0.1:7878/query --default-graph IRI
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from coopgraph.commands import add_base_option

if TYPE_CHECKING:
    from coopgraph.sparql.query import Result
    from coopgraph.sparql.queryfile import Param

HELP = "run a saved query (by name), a .rq file or SPARQL text on the built graph"
FORMAT_CHOICES = ("table", "csv", "tsv", "json", "markdown", "turtle", "ntriples", "jsonld")
_SPARQL = re.compile(r"\b(SELECT|ASK|CONSTRUCT|DESCRIBE|PREFIX|BASE|INSERT|DELETE|LOAD|CLEAR|DROP)\b|[{}]", re.I)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("query", metavar="NAME|FILE|SPARQL", help="a saved query's name, a .rq file, or SPARQL text")
    parser.add_argument(
        "-p", "--param", action="append", default=[], metavar="NAME=VALUE", help="bind a parameter (repeatable)"
    )
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMAT_CHOICES,
        default=None,
        help="output format (default: table on a terminal, csv when piped; graphs: turtle)",
    )
    parser.add_argument("--lang", default=None, help="language of labels, e.g. en or th (default: the query's, en)")
    parser.add_argument(
        "--graph",
        choices=("all", "asserted", "inferred"),
        default="all",
        help="query all graphs (default), the asserted facts with the ontology, or only what was inferred",
    )
    parser.add_argument("--out", type=Path, default=Path("build"), help="build directory holding the store")
    parser.add_argument("--endpoint", metavar="URL", help="run on a remote SPARQL 1.1 Protocol endpoint instead")
    parser.add_argument(
        "--default-graph",
        action="append",
        default=[],
        metavar="IRI",
        help="with --endpoint: the graph(s) to query as the default graph (repeatable)",
    )
    parser.add_argument("--user", help="with --endpoint: user name (basic or digest auth)")
    parser.add_argument("--password", help="with --endpoint: password")
    add_base_option(parser)


def run(args: argparse.Namespace) -> int:
    from coopgraph.errors import CoopgraphError
    from coopgraph.sparql.query import parse_assignments, query_prefixes, run, run_remote
    from coopgraph.sparql.queryfile import bind, guess_params, saved_names

    prefixes = query_prefixes(args.base)
    text, params, source = resolve(args.query)
    saved = args.query in saved_names() and params is not None  # ours: its parameters may go in as constants
    given = parse_assignments(args.param)
    if params is None:  # ad-hoc: types read off the values; --lang binds ?lang only when asked
        if args.lang is not None and "lang" not in given:
            given["lang"] = args.lang
        params = guess_params(given, prefixes)
    elif "lang" in params and "lang" not in given and args.lang is not None:
        given["lang"] = args.lang
    bindings = bind(params, given, prefixes, where=source)
    if args.endpoint:
        if args.graph != "all":
            raise CoopgraphError("--graph applies to the built store; with --endpoint use --default-graph IRI")
        result = run_remote(
            args.endpoint,
            text,
            bindings=bindings,
            prefixes=prefixes,
            default_graphs=args.default_graph,
            user=args.user,
            password=args.password,
            source=source,
        )
    else:
        from coopgraph.graph.store import open_store
        from coopgraph.sparql.query import check_names

        store = open_store(args.out)
        check_names(store, bindings, [n for n in given if params[n].type == "iri"], prefixes, where=source)
        result = run(
            store,
            text,
            bindings=bindings,
            graph=args.graph,
            prefixes=prefixes,
            source=source,
            base_iri=args.base,
            inline=saved,
        )
    write(result.shown(), args.format, prefixes)
    return 0


def write(result: Result, fmt: str | None, prefixes: dict[str, str]) -> None:
    """Write a result to stdout: a table on a terminal, csv when piped, Turtle for graphs."""
    from coopgraph.errors import CoopgraphError
    from coopgraph.sparql.results import render

    if fmt is None:
        fmt = "turtle" if result.kind == "graph" else "table" if sys.stdout.isatty() else "csv"
    try:
        data = render(result, fmt, prefixes=prefixes)
    except ValueError as error:
        raise CoopgraphError(f"--format {fmt}: {error}") from None
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def resolve(argument: str) -> tuple[str, dict[str, Param] | None, str]:
    """The query text, its declared parameters (None when it has no header) and how to name it."""
    from coopgraph.errors import CoopgraphError, display_path
    from coopgraph.sparql.queryfile import find_query, parse_query, saved_names

    if re.fullmatch(r"[\w.-]+", argument) and argument in saved_names():
        saved = find_query(argument)
        return saved.text, dict(saved.params), display_path(saved.path)
    path = Path(argument)
    if _is_file(path):
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CoopgraphError(f"{argument}: cannot read the query ({error})") from None
        if text.startswith("#+"):
            saved = parse_query(text, path, shown=argument)
            return saved.text, dict(saved.params), argument
        return text, None, argument
    if argument.endswith(".rq") and "\n" not in argument:
        raise CoopgraphError(f"{argument}: no such query file")
    if not _SPARQL.search(argument):
        find_query(argument)  # raises, listing the saved queries
    return argument, None, "query"


def _is_file(path: Path) -> bool:
    """Whether the argument names a file (SPARQL text is often no valid file name at all)."""
    try:
        return "\n" not in str(path) and path.is_file()
    except (OSError, ValueError):
        return False
