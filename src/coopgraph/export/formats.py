"""Linked-data export: the built dataset in every standard RDF format, byte for byte stable.

Everything streams through Oxigraph: the store dumps each named graph as
N-Triples; the lines are moved to the publisher's base (``--base-iri``); blank
nodes (the ontology's OWL lists and restrictions) get canonical RDFC-1.0
labels; the lines are sorted; and Oxigraph's serialisers write the sorted
stream, declaring our prefixes.  JSON-LD is written here, because Oxigraph's
JSON-LD writer declares no ``@context``.

Why sort ourselves: a store's own dump order depends on the order triples were
loaded in (and a blank node's id is new in every build), so two builds of the
same data would not give the same bytes.  Sorted N-Triples lines group each
subject's triples, so the Turtle serialiser writes one block per subject.

>>> data = export(open_store(Path("build")), "turtle", graph="asserted")   # doctest: +SKIP
>>> b"@prefix coop: <https://w3id.org/coopgraph/ontology#> ." in data        # doctest: +SKIP
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from coopgraph.errors import CoopgraphError
from coopgraph.graph.dataset import GRAPH_NAMES, prefixes
from coopgraph.graph.vocab import DEFAULT_BASE, KIND_SEGMENTS, graph_iri

if TYPE_CHECKING:
    import pyoxigraph as ox

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


@dataclass(frozen=True)
class Format:
    """An output format: its file extension, media type, and whether it keeps named graphs."""

    name: str
    extension: str
    media_type: str
    datasets: bool


FORMATS: dict[str, Format] = {
    "turtle": Format("turtle", "ttl", "text/turtle", False),
    "trig": Format("trig", "trig", "application/trig", True),
    "nt": Format("nt", "nt", "application/n-triples", False),
    "nq": Format("nq", "nq", "application/n-quads", True),
    "jsonld": Format("jsonld", "jsonld", "application/ld+json", True),
    "xml": Format("xml", "rdf", "application/rdf+xml", False),
}
GRAPHS = ("all", *GRAPH_NAMES)

#: graph name -> its statements as sorted, distinct N-Triples lines (no newline)
Statements = dict[str, list[bytes]]


def export(store: ox.Store, fmt: str, *, graph: str = "all", base: str = DEFAULT_BASE) -> bytes:
    """One graph (or all three) of a store in one format, deterministic.

    Triple formats (Turtle, N-Triples, RDF/XML) get the union of the chosen
    graphs; quad formats (TriG, N-Quads, JSON-LD) keep each named graph.
    """
    return serialise(statements(store, graph=graph, base=base), fmt, base=base)


def statements(store: ox.Store, *, graph: str = "all", base: str = DEFAULT_BASE) -> Statements:
    """The chosen graphs as sorted N-Triples lines, rebased and with canonical blank nodes."""
    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node

    if graph not in GRAPHS:
        raise CoopgraphError(f"unknown graph {graph!r}: choose one of {', '.join(GRAPHS)}")
    check_base(base)
    names = GRAPH_NAMES if graph == "all" else (graph,)
    blobs = {name: store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph_node(name)) or b"" for name in names}
    dumped = {name: blob.splitlines() for name, blob in blobs.items()}
    if base != DEFAULT_BASE:
        dumped = {name: rebase_lines(lines, DEFAULT_BASE, base) for name, lines in dumped.items()}
    if any(b"_:" in blob for blob in blobs.values()):  # one fast scan spares a million-line one
        dumped = canonical_blank_nodes(dumped)
    # a store holds each triple of a graph once; only rebasing can make two lines one
    return {name: sorted(set(lines) if base != DEFAULT_BASE else lines) for name, lines in dumped.items()}


def check_base(base: str) -> None:
    """A base must be an absolute IRI ending in ``/`` or ``#`` (so ``<base>country/x`` is an IRI)."""
    import pyoxigraph as ox

    try:
        ox.NamedNode(base)
    except ValueError as error:
        raise CoopgraphError(f"--base-iri {base!r} is not an absolute IRI ({error})") from None
    if not base.endswith(("/", "#")) or ":" not in base:
        raise CoopgraphError(f"--base-iri {base!r} must be an absolute IRI ending in '/' or '#'")


def rebase_lines(lines: Iterable[bytes], old: str, new: str) -> list[bytes]:
    """Move every IRI under ``old`` to ``new``; literals are left alone.

    >>> rebase_lines([b'<http://a/x> <http://p> "<http://a/y>" .'], "http://a/", "http://b/")
    [b'<http://b/x> <http://p> "<http://a/y>" .']
    """
    old_b, new_b = b"<" + old.encode(), b"<" + new.encode()
    cut = len(old_b)
    moved = []
    for line in lines:
        if old_b in line:
            subject, predicate, rest = line.split(b" ", 2)
            if subject.startswith(old_b):
                subject = new_b + subject[cut:]
            if predicate.startswith(old_b):
                predicate = new_b + predicate[cut:]
            if rest.startswith(old_b):
                rest = new_b + rest[cut:]
            line = b" ".join((subject, predicate, rest))
        moved.append(line)
    return moved


def _has_blank(line: bytes) -> bool:
    if b"_:" not in line:  # most lines: one fast scan, no split
        return False
    return line.startswith(b"_:") or line.split(b" ", 2)[2].startswith(b"_:")


def canonical_blank_nodes(graphs: Mapping[str, list[bytes]]) -> dict[str, list[bytes]]:
    """Relabel blank nodes with RDFC-1.0, so the same graph always writes the same labels.

    Only statements that mention a blank node take part (the labels depend on
    nothing else), so this costs little on large data without blank nodes.
    """
    import pyoxigraph as ox

    touched = {name: [line for line in lines if _has_blank(line)] for name, lines in graphs.items()}
    if not any(touched.values()):
        return dict(graphs)
    names = {str(graph_iri(name)): name for name in graphs}
    dataset = ox.Dataset()
    for name, lines in touched.items():
        graph = ox.NamedNode(str(graph_iri(name)))
        for triple in ox.parse(_join(lines), ox.RdfFormat.N_TRIPLES):
            dataset.add(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
    dataset.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    relabelled: dict[str, list[ox.Triple]] = {name: [] for name in graphs}
    for quad in dataset:
        relabelled[names[quad.graph_name.value]].append(quad.triple)
    return {
        name: [line for line in lines if not _has_blank(line)] + ntriples(relabelled[name]).splitlines()
        for name, lines in graphs.items()
    }


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """Triples as canonical N-Triples."""
    import pyoxigraph as ox

    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


def _join(lines: Iterable[bytes]) -> bytes:
    body = b"\n".join(lines)
    return body + b"\n" if body else b""


def union_lines(stmts: Statements) -> list[bytes]:
    """The distinct triples of all chosen graphs, sorted."""
    if len(stmts) == 1:
        return next(iter(stmts.values()))
    every: set[bytes] = set()
    for lines in stmts.values():
        every.update(lines)
    return sorted(every)


def quad_lines(stmts: Statements) -> list[bytes]:
    """N-Quads lines, named graph by named graph (in IRI order), each graph's lines sorted."""
    quads: list[bytes] = []
    for name in sorted(stmts, key=lambda n: str(graph_iri(n))):
        suffix = b"<" + str(graph_iri(name)).encode() + b"> ."
        quads.extend(line[:-1] + suffix for line in stmts[name])
    return quads


def declared_prefixes(base: str = DEFAULT_BASE, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The dataset's prefixes, one per kind of individual (``signing:``), and any extra, sorted by name."""
    declared = {name: str(namespace) for name, namespace in prefixes(base).items()}
    for segment in KIND_SEGMENTS.values():
        declared.setdefault(segment, f"{base}{segment}/")
    declared.update(extra or {})
    return dict(sorted(declared.items()))


def serialise(
    stmts: Statements, fmt: str, *, base: str = DEFAULT_BASE, extra_prefixes: Mapping[str, str] | None = None
) -> bytes:
    """Write statements in one format; every format declares our prefixes."""
    import pyoxigraph as ox

    if fmt not in FORMATS:
        raise CoopgraphError(f"unknown format {fmt!r}: choose one of {', '.join(FORMATS)}")
    declared = declared_prefixes(base, extra_prefixes)
    if fmt == "nt":
        return _join(union_lines(stmts))
    if fmt == "nq":
        return _join(sorted(quad_lines(stmts)))
    if fmt == "jsonld":
        return jsonld(stmts, declared)
    if fmt == "trig":
        quads = ox.parse(_join(quad_lines(stmts)), ox.RdfFormat.N_QUADS, lenient=True)
        return _sorted_prefixes(ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=declared) or b"", declared)
    triples = ox.parse(_join(union_lines(stmts)), ox.RdfFormat.N_TRIPLES, lenient=True)
    if fmt == "turtle":
        return _sorted_prefixes(ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=declared) or b"", declared)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=declared) or b""


def _sorted_prefixes(text: bytes, declared: Mapping[str, str]) -> bytes:
    """Our own ``@prefix`` block, sorted by name, in place of the serialiser's (whose order is its own)."""
    lines = text.split(b"\n")
    start = 0
    while start < len(lines) and lines[start].startswith(b"@prefix "):
        start += 1
    head = [f"@prefix {name}: <{iri}> .".encode() for name, iri in declared.items()]
    return b"\n".join([*head, b"", *lines[start:]])


# --- JSON-LD ------------------------------------------------------------------


def jsonld(stmts: Statements, declared: Mapping[str, str]) -> bytes:
    """JSON-LD with our prefixes as its ``@context``; one named graph per graph, nodes sorted.

    Literals keep their exact lexical form: anything but a plain string is a
    value object with ``@type`` or ``@language``.
    """
    import pyoxigraph as ox

    compact = _Compactor(declared)
    graphs = []
    for name in sorted(stmts, key=lambda n: str(graph_iri(n))):
        triples = ox.parse(_join(stmts[name]), ox.RdfFormat.N_TRIPLES, lenient=True)
        graphs.append({"@id": str(graph_iri(name)), "@graph": _nodes(triples, compact)})
    document = {"@context": dict(declared), "@graph": graphs}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _nodes(triples: Iterable[ox.Triple], compact: _Compactor) -> list[dict[str, Any]]:
    """Node objects from subject-sorted triples: ``@id``, ``@type``, then properties in order."""
    import pyoxigraph as ox

    nodes: list[dict[str, Any]] = []
    current: dict[str, Any] = {}
    for triple in triples:
        subject = compact.node(triple.subject)
        if current.get("@id") != subject:
            current = {"@id": subject}
            nodes.append(current)
        obj = triple.object
        if triple.predicate.value == RDF_TYPE and isinstance(obj, ox.NamedNode | ox.BlankNode):
            current.setdefault("@type", []).append(compact.node(obj))
        else:
            current.setdefault(compact.iri(triple.predicate.value), []).append(compact.value(obj))
    return [_ordered(node) for node in nodes]


def _ordered(node: dict[str, Any]) -> dict[str, Any]:
    first: dict[str, Any] = {key: node[key] for key in ("@id", "@type") if key in node}
    return {**first, **{key: value for key, value in node.items() if key not in first}}


class _Compactor:
    """Compact IRIs (``coop:Agreement``) with the longest declared namespace that fits."""

    def __init__(self, declared: Mapping[str, str]) -> None:
        self.namespaces = sorted(((iri, name) for name, iri in declared.items()), key=lambda p: -len(p[0]))
        self.cache: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        if iri not in self.cache:
            self.cache[iri] = iri
            for namespace, name in self.namespaces:
                local = iri[len(namespace) :]
                if iri.startswith(namespace) and local and not local.startswith("//"):
                    self.cache[iri] = f"{name}:{local}"
                    break
        return self.cache[iri]

    def node(self, term: ox.NamedNode | ox.BlankNode | ox.Triple) -> str:
        import pyoxigraph as ox

        if isinstance(term, ox.BlankNode):
            return f"_:{term.value}"
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        raise CoopgraphError(f"RDF-star triple terms cannot be written as JSON-LD: {term}")

    def value(self, term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> Any:
        import pyoxigraph as ox

        if not isinstance(term, ox.Literal):
            return {"@id": self.node(term)}
        if term.language:
            return {"@value": term.value, "@language": term.language}
        if term.datatype.value == XSD_STRING:
            return term.value
        return {"@value": term.value, "@type": self.iri(term.datatype.value)}


# --- big datasets: sorted on disk, written as a stream ---------------------------------------------------

RUN_LINES = 1 << 20
"""Lines sorted in memory at a time (about 150 MB of N-Triples); longer graphs are merged from sorted runs."""


def write_sorted(store: ox.Store, targets: Mapping[str, Any], *, base: str = DEFAULT_BASE, scratch: Any) -> None:
    """Write Turtle (``targets["turtle"]``) and/or TriG (``targets["trig"]``) files of all graphs, bounded in memory.

    The same bytes as ``serialise(statements(store), fmt)``: each graph is
    dumped to a file, its lines sorted in runs of :data:`RUN_LINES` and merged
    (``heapq.merge``), so no graph is ever a Python list; the few lines with a
    blank node are relabelled in memory as :func:`canonical_blank_nodes` does;
    Oxigraph parses the merged N-Triples / N-Quads from a file and writes the
    format into another.  ``scratch`` is a directory for the runs.
    """
    import heapq
    import os
    from pathlib import Path

    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node

    check_base(base)
    scratch = Path(scratch)
    runs: dict[str, list[Path]] = {}
    blank: dict[str, list[bytes]] = {}
    for name in GRAPH_NAMES:
        dumped = scratch / f"{name}.nt"
        store.dump(str(dumped), format=ox.RdfFormat.N_TRIPLES, from_graph=graph_node(name))
        runs[name], blank[name] = _sorted_runs(dumped, scratch, base)
        dumped.unlink()
    if any(blank.values()):
        relabelled = canonical_blank_nodes(blank)
        for name, lines in relabelled.items():
            if lines:
                run = scratch / f"{name}-blank.nt"
                run.write_bytes(_join(sorted(set(lines) if base != DEFAULT_BASE else lines)))
                runs[name].append(run)

    def merged(paths: list[Path]) -> Iterable[bytes]:
        """Distinct lines of sorted runs, in order (a store holds a triple once per graph; rebasing may repeat it)."""
        files = [path.open("rb") for path in paths]
        try:
            last = None
            for line in heapq.merge(*files):
                if line != last:
                    yield line
                    last = line
        finally:
            for file in files:
                file.close()

    declared = declared_prefixes(base)
    if "turtle" in targets:
        union = scratch / "union.nt"
        _write_lines(union, merged([run for name in GRAPH_NAMES for run in runs[name]]))
        _serialise_file(union, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.TURTLE, targets["turtle"], declared, scratch)
        union.unlink()
    if "trig" in targets:
        quads = scratch / "quads.nq"
        with quads.open("wb") as out:
            for name in sorted(GRAPH_NAMES, key=lambda n: str(graph_iri(n))):
                suffix = b"<" + str(graph_iri(name)).encode() + b"> .\n"
                out.writelines(line[:-2] + suffix for line in merged(runs[name]))  # "<o> .\n" -> "<o> <g> .\n"
        _serialise_file(quads, ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG, targets["trig"], declared, scratch)
        quads.unlink()
    for paths in runs.values():
        for path in paths:
            os.unlink(path)


def _sorted_runs(dumped: Any, scratch: Any, base: str) -> tuple[list[Any], list[bytes]]:
    """A dumped graph's lines as sorted run files (rebased), and its lines with a blank node, set apart."""
    runs = []
    blank: list[bytes] = []
    with dumped.open("rb") as source:
        while True:
            lines = [line.rstrip(b"\n") for _, line in zip(range(RUN_LINES), source, strict=False)]
            if not lines:
                break
            if base != DEFAULT_BASE:
                lines = rebase_lines(lines, DEFAULT_BASE, base)
            blank += [line for line in lines if _has_blank(line)]
            kept = sorted(line for line in lines if not _has_blank(line))
            del lines
            run = dumped.with_name(f"{dumped.stem}-{len(runs)}.run")
            _write_lines(run, kept)
            runs.append(run)
    return runs, blank


def _write_lines(path: Any, lines: Iterable[bytes]) -> None:
    with open(path, "wb") as out:
        for line in lines:
            out.write(line if line.endswith(b"\n") else line + b"\n")


def _serialise_file(source: Any, read: Any, write: Any, target: Any, declared: Mapping[str, str], scratch: Any) -> None:
    """Parse ``source`` as it streams and write ``target`` in another format, with our sorted ``@prefix`` block."""
    import shutil

    import pyoxigraph as ox

    written = scratch / "serialised.tmp"
    ox.serialize(ox.parse(path=str(source), format=read, lenient=True), str(written), format=write, prefixes=declared)
    with written.open("rb") as text, open(target, "wb") as out:
        line = text.readline()
        while line.startswith(b"@prefix "):
            line = text.readline()
        head = [f"@prefix {name}: <{iri}> .".encode() for name, iri in declared.items()]
        out.write(b"\n".join([*head, b""]) + b"\n")
        out.write(line)
        shutil.copyfileobj(text, out, 16 << 20)
    written.unlink()
