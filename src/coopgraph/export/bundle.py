"""A portal bundle: everything a linked-data portal or catalogue needs, in one directory.

``coopgraph export --bundle DIR`` writes, all from the built store::

    coopgraph.ttl .nt .rdf        the dataset, its three graphs merged
    coopgraph.trig .nq .jsonld    the dataset in named graphs (ontology, asserted, inferred)
    ontology.ttl, shapes.ttl      the OWL ontology and the SHACL shapes the data conforms to
    ontology.en.html, .th.html    the ontology's documentation, in English and Thai
    CHANGES.md, changes.json      with --since OLD: what changed since the earlier bundle
    void.ttl                      VoID + DCAT: counts, partitions, licence, dates, one
                                  distribution per file above (media type, size in bytes)

The same store and options give byte-identical files; every file is written
or none (a failure leaves the previous bundle as it was).

>>> bundle(open_store(Path("build")), Path("portal"), since=Path("portal-2024"))   # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import XSD, BNode, Graph, Literal, URIRef
from rdflib.term import Node

from coopgraph.errors import CoopgraphError
from coopgraph.export import changelog
from coopgraph.export.formats import (
    FORMATS,
    Statements,
    canonical_blank_nodes,
    ntriples,
    rebase_lines,
    serialise,
    statements,
    union_lines,
)
from coopgraph.export.void import (
    DEFAULT_HOMEPAGE,
    DEFAULT_LICENSE,
    DEFAULT_PUBLISHER,
    Description,
    count,
    date_range,
    describe,
    latest_date,
)
from coopgraph.export.w3id import htaccess
from coopgraph.files import write_atomically
from coopgraph.graph.dataset import new_graph
from coopgraph.graph.vocab import DEFAULT_BASE
from coopgraph.resources import shapes_file

if TYPE_CHECKING:
    import pyoxigraph as ox

DATA = "coopgraph"
CHANGE_FILES = ("CHANGES.md", "changes.json")


@dataclass(frozen=True)
class Options:
    """What the publisher says about the bundle (everything else comes from the data)."""

    base: str = DEFAULT_BASE
    since: Path | None = None
    endpoint: str | None = None
    issued: str | None = None  # YYYY-MM-DD
    license: str = DEFAULT_LICENSE
    publisher: str = DEFAULT_PUBLISHER
    download_url: str | None = None
    homepage: str = DEFAULT_HOMEPAGE
    contact: str | None = None  # a URL or mailto:; the homepage when not given


def bundle(store: ox.Store, out_dir: Path, options: Options | None = None) -> list[Path]:
    """Write the bundle into ``out_dir``; return the files written, in order."""
    options = options or Options()
    _check_iri("--endpoint", options.endpoint)
    _check_iri("--license", options.license)
    _check_iri("--download-url", options.download_url)
    _check_iri("--homepage", options.homepage)
    _check_iri("--contact", options.contact)
    _check_date("--issued", options.issued)
    previous = changelog.previous_description(options.since) if options.since else {}
    old_graphs = changelog.read_bundle_graphs(options.since, base=options.base) if options.since else None
    stmts = statements(store, graph="all", base=options.base)
    files = contents(stmts, options, old_graphs, previous)
    paths = {out_dir / name: content for name, content in files.items()}
    write_atomically(paths)
    for name in CHANGE_FILES:  # a changelog from an earlier run must not outlive its --since
        stale = out_dir / name
        if name not in files and stale.exists():
            stale.unlink()
    return list(paths)


def contents(
    stmts: Statements,
    options: Options,
    old_graphs: dict[str, list[bytes]] | None = None,
    previous: dict[str, str] | None = None,
) -> dict[str, bytes]:
    """Every file of the bundle by name (``void.ttl`` last, since it describes the others)."""
    files: dict[str, bytes] = {}
    for name, fmt in FORMATS.items():
        files[f"{DATA}.{fmt.extension}"] = serialise(stmts, name, base=options.base)
    files["ontology.ttl"] = serialise({"ontology": stmts["ontology"]}, "turtle", base=options.base)
    files["shapes.ttl"] = shapes(options.base)
    from coopgraph.export.ontodoc import ontology_pages

    for lang, page in ontology_pages(_rdflib_graph(stmts["ontology"])).items():
        files[f"ontology.{lang}.html"] = page
    if old_graphs is not None:
        changes = changelog.compare(old_graphs["asserted"], stmts["asserted"], stmts["ontology"])
        shown = {key: value for key, value in (previous or {}).items() if key in ("issued", "modified")}
        files["CHANGES.md"] = changelog.as_markdown(changes, shown)
        files["changes.json"] = changelog.as_json(changes, shown)
    files[".htaccess"] = htaccess(options.base, options.download_url, options.endpoint)
    modified = latest_date(stmts["asserted"])
    about = Description(
        base=options.base,
        license=options.license,
        publisher=options.publisher,
        issued=_issued(options.issued, (previous or {}).get("issued")),
        modified=modified,
        endpoint=options.endpoint,
        download_url=options.download_url,
        homepage=options.homepage,
        contact=options.contact or options.homepage,
        temporal=date_range(stmts["asserted"]),
    )
    files["void.ttl"] = describe(count(union_lines(stmts), base=options.base), files, about)
    return files


def _issued(explicit: str | None, previous: str | None) -> Literal:
    """First publication, a publication date: as the publisher says, else as the earlier bundle said, else today.

    "Today" honours ``SOURCE_DATE_EPOCH`` (reproducible-builds.org), so a packager can pin it.
    """
    if explicit is not None:
        _check_date("--issued", explicit)
        return Literal(explicit, datatype=XSD.date)
    if previous is not None:
        return Literal(previous, datatype=_date_type(previous))
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    today = dt.datetime.fromtimestamp(int(epoch), dt.UTC).date() if epoch and epoch.isdigit() else dt.date.today()
    return Literal(today.isoformat(), datatype=XSD.date)


def _date_type(text: str) -> URIRef:
    return {4: XSD.gYear, 7: XSD.gYearMonth}.get(len(text), XSD.date)


def _check_date(option: str, value: str | None) -> None:
    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise CoopgraphError(f"{option} {value!r} is not a date (YYYY-MM-DD)") from None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise CoopgraphError(f"{option} {value!r} is not a date (YYYY-MM-DD)")


def _check_iri(option: str, value: str | None) -> None:
    if value is None:
        return
    import pyoxigraph as ox

    try:
        ox.NamedNode(value)
    except ValueError as error:
        raise CoopgraphError(f"{option} {value!r} is not an absolute IRI ({error})") from None


def shapes(base: str) -> bytes:
    """The shipped SHACL shapes: as written, or re-written with their individuals moved to ``base``."""
    import pyoxigraph as ox

    path = shapes_file()
    if not path.is_file():
        raise CoopgraphError(f"{path}: the SHACL shapes are missing from this installation")
    text = path.read_bytes()
    if base == DEFAULT_BASE or DEFAULT_BASE.encode() not in text:
        return text
    try:
        triples = list(ox.parse(text, ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
    except SyntaxError as error:
        raise CoopgraphError(f"{path}: {error}") from None
    lines = ntriples(triples).splitlines()
    moved = canonical_blank_nodes({"ontology": rebase_lines(lines, DEFAULT_BASE, base)})
    shacl = {"sh": "http://www.w3.org/ns/shacl#"}
    return serialise({"ontology": sorted(set(moved["ontology"]))}, "turtle", base=base, extra_prefixes=shacl)


def _rdflib_graph(lines: list[bytes]) -> Graph:
    """An rdflib graph of N-Triples lines that keeps their (canonical) blank-node labels: pyLODE shows them."""
    import pyoxigraph as ox

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Node:
        if isinstance(node, ox.NamedNode):
            return URIRef(node.value)
        if isinstance(node, ox.BlankNode):
            return BNode(node.value)
        if isinstance(node, ox.Literal):
            if node.language:
                return Literal(node.value, lang=node.language)
            return Literal(node.value, datatype=URIRef(node.datatype.value))
        raise CoopgraphError(f"RDF-star triple terms are not supported in the ontology: {node}")

    graph = new_graph()
    for triple in ox.parse(b"\n".join(lines), ox.RdfFormat.N_TRIPLES):
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph
