"""``coopgraph export``: the built graph in any RDF format, or a whole portal bundle.

coopgraph export --format trig --graph asserted -o asserted.trig
coopgraph export --format nt --base-iri https://data.example.org/id/ > all.nt
coopgraph export --bundle portal --since portal-2024 --endpoint https://data.example.org/sparql
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from coopgraph.commands import add_base_option

HELP = "export the built graph (turtle, trig, nt, nq, jsonld, xml) or a portal bundle (--bundle DIR)"
FORMAT_NAMES = ("turtle", "trig", "nt", "nq", "jsonld", "xml")
GRAPH_NAMES = ("all", "asserted", "inferred", "ontology")


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "-f",
        "--format",
        choices=FORMAT_NAMES,
        default=None,
        help="RDF format (default: from -o's extension, else turtle)",
    )
    parser.add_argument("--graph", choices=GRAPH_NAMES, default="all", help="which graph (default: all)")
    parser.add_argument("-o", "--output", type=Path, default=None, help="file to write (default: stdout)")
    parser.add_argument("--out", type=Path, default=Path("build"), help="the build directory to read (default: build)")
    add_base_option(parser)
    bundle = parser.add_argument_group("portal bundle")
    bundle.add_argument("--bundle", type=Path, metavar="DIR", help="write a portal bundle into DIR instead of one file")
    bundle.add_argument(
        "--since", type=Path, metavar="OLD_DIR", help="an earlier bundle: write CHANGES.md and changes.json"
    )
    bundle.add_argument("--endpoint", metavar="URL", help="the public SPARQL endpoint serving this data")
    bundle.add_argument(
        "--issued",
        metavar="YYYY-MM-DD",
        help="date of first publication (default: the earlier bundle's, else today; SOURCE_DATE_EPOCH honoured)",
    )
    bundle.add_argument("--license", metavar="IRI", default=None, help="licence of the data (default: CC BY 4.0)")
    bundle.add_argument("--publisher", metavar="NAME", default=None, help="who publishes the bundle")
    bundle.add_argument("--homepage", metavar="URL", default=None, help="the catalogue homepage (default: w3id IRI)")
    bundle.add_argument("--contact", metavar="URL", default=None,
                        help="where people reach the publisher: a URL or mailto: (default: the homepage)")
    bundle.add_argument(
        "--download-url", metavar="URL", help="where the bundle's files will be (default: relative to void.ttl)"
    )


def run(args: argparse.Namespace) -> int:
    from coopgraph.errors import CoopgraphError
    from coopgraph.graph.store import open_store

    bundle_only = [
        flag
        for flag, value in (
            ("--since", args.since),
            ("--endpoint", args.endpoint),
            ("--issued", args.issued),
            ("--license", args.license),
            ("--publisher", args.publisher),
            ("--download-url", args.download_url),
            ("--homepage", args.homepage),
            ("--contact", args.contact),
        )
        if value is not None
    ]
    if args.bundle is None and bundle_only:
        raise CoopgraphError(f"{', '.join(bundle_only)}: only with --bundle DIR")
    if args.bundle is not None and (args.format or args.output or args.graph != "all"):
        raise CoopgraphError("--bundle DIR writes every format of every graph: drop --format, --graph and -o")
    store = open_store(args.out)
    if args.bundle is not None:
        return _bundle(store, args)
    from coopgraph.export.formats import export
    from coopgraph.files import write_atomically

    fmt = args.format or _format_of(args.output)
    data = export(store, fmt, graph=args.graph, base=args.base)
    if args.output is None or str(args.output) == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        if args.output.is_dir():
            raise CoopgraphError(f"{args.output}: is a directory; give a file name (or --bundle DIR)")
        write_atomically({args.output: data})
        print(f"exported {fmt} ({args.graph}) -> {args.output}", file=sys.stderr)
    return 0


def _format_of(output: Path | None) -> str:
    """``-o x.nq`` means N-Quads; anything unknown means Turtle."""
    from coopgraph.export.formats import FORMATS

    if output is not None:
        for name, fmt in FORMATS.items():
            if output.suffix == f".{fmt.extension}":
                return name
    return "turtle"


def _bundle(store: object, args: argparse.Namespace) -> int:
    from coopgraph.export.bundle import Options, bundle

    defaults = Options()
    options = Options(
        base=args.base,
        since=args.since,
        endpoint=args.endpoint,
        issued=args.issued,
        license=args.license or defaults.license,
        publisher=args.publisher or defaults.publisher,
        download_url=args.download_url,
        homepage=args.homepage or defaults.homepage,
        contact=args.contact,
    )
    written = bundle(store, args.bundle, options)  # type: ignore[arg-type]
    print(f"bundle: {len(written)} files -> {args.bundle}", file=sys.stderr)
    return 0
