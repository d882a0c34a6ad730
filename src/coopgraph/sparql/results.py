"""Query results written out: one function per format, chosen by name.

Tables: ``table`` (aligned, for a terminal; IRIs as prefixed names), ``markdown``,
and the three SPARQL 1.1 result formats ``csv``, ``tsv`` and ``json`` (plus
``xml`` for the endpoint).  Graphs (CONSTRUCT, DESCRIBE) are Turtle, or
N-Triples / JSON-LD when a line or JSON format is asked for.  Output is
deterministic: graph triples are sorted before writing.

>>> render(Result("ask", boolean=True), "json", prefixes={})
b'{"head": {}, "boolean": true}\\n'
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from typing import IO, TYPE_CHECKING, cast

from coopgraph.sparql.query import Result

if TYPE_CHECKING:
    import pyoxigraph as ox

    from coopgraph.sparql.query import Term

FORMATS = ("table", "csv", "tsv", "json", "markdown")
GRAPH_FORMATS = ("turtle", "ntriples", "jsonld")
#: a table format asked of a graph result -> the graph format used instead
GRAPH_FOR = {"table": "turtle", "markdown": "turtle", "csv": "ntriples", "tsv": "ntriples", "json": "jsonld"}
MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
    "ntriples": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
    "table": "text/plain",
    "markdown": "text/markdown",
}
CELL_WIDTH = 60  # a terminal table cuts longer cells with an ellipsis


def render(result: Result, fmt: str, *, prefixes: Mapping[str, str]) -> bytes:
    """The result in a format; ``fmt`` is one of FORMATS, ``xml``, or a GRAPH_FORMATS name."""
    if result.kind == "graph":
        return write_graph(result.triples, GRAPH_FOR.get(fmt, fmt), prefixes=prefixes)
    if fmt in GRAPH_FORMATS:
        raise ValueError(f"a {result.kind.upper()} result is a table; use one of {', '.join(FORMATS)}")
    return TABLE_WRITERS[fmt](result, prefixes)


# --- terms --------------------------------------------------------------------------------------


def compact(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A term as a person reads it: ``country:thailand``, a literal's text, ``_:b1``.

    >>> import pyoxigraph as ox
    >>> compact(ox.NamedNode("https://w3id.org/coopgraph/id/country/thailand"),
    ...         {"country": "https://w3id.org/coopgraph/id/country/"})
    'country:thailand'
    """
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        iri = term.value
        best = max((ns for ns in prefixes.items() if iri.startswith(ns[1])), key=lambda ns: len(ns[1]), default=None)
        if best is not None and _local_ok(iri[len(best[1]) :]):
            return f"{best[0]}:{iri[len(best[1]) :]}"
        return f"<{iri}>"
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _local_ok(local: str) -> bool:
    return bool(local) and all(c.isalnum() or c in "-_." for c in local) and not local.endswith(".")


def plain(term: Term | None) -> str:
    """SPARQL CSV: IRIs and literals as their bare value."""
    import pyoxigraph as ox

    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def json_term(term: Term) -> dict[str, str]:
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": str(term)}


# --- tables -------------------------------------------------------------------------------------


def write_json(result: Result, prefixes: Mapping[str, str]) -> bytes:
    if result.kind == "ask":
        document: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {name: json_term(term) for name, term in zip(result.columns, row, strict=True) if term is not None}
            for row in result.rows
        ]
        document = {"head": {"vars": list(result.columns)}, "results": {"bindings": bindings}}
    return (json.dumps(document, ensure_ascii=False) + "\n").encode("utf-8")


def write_xml(result: Result, prefixes: Mapping[str, str]) -> bytes:
    from xml.sax.saxutils import quoteattr  # imports urllib.request: 0.1 s of start-up otherwise

    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    if result.kind == "ask":
        out += ["<head/>", f"<boolean>{'true' if result.boolean else 'false'}</boolean>", "</sparql>"]
        return ("\n".join(out) + "\n").encode("utf-8")
    out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in result.columns) + "</head>")
    out.append("<results>")
    for row in result.rows:
        cells = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(result.columns, row, strict=True)
            if term is not None
        )
        out.append(f"<result>{cells}</result>")
    out += ["</results>", "</sparql>"]
    return ("\n".join(out) + "\n").encode("utf-8")


def _xml_term(term: Term) -> str:
    from xml.sax.saxutils import escape, quoteattr

    described = json_term(term)
    value = escape(described["value"])
    if described["type"] == "uri":
        return f"<uri>{value}</uri>"
    if described["type"] == "bnode":
        return f"<bnode>{value}</bnode>"
    if "xml:lang" in described:
        return f"<literal xml:lang={quoteattr(described['xml:lang'])}>{value}</literal>"
    if "datatype" in described:
        return f"<literal datatype={quoteattr(described['datatype'])}>{value}</literal>"
    return f"<literal>{value}</literal>"


def write_csv(result: Result, prefixes: Mapping[str, str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "ask":
        writer.writerows([["boolean"], ["true" if result.boolean else "false"]])
    else:
        writer.writerow(result.columns)
        writer.writerows([plain(term) for term in row] for row in result.rows)
    return buffer.getvalue().encode("utf-8")


def write_tsv(result: Result, prefixes: Mapping[str, str]) -> bytes:
    if result.kind == "ask":
        return f"?boolean\n{'true' if result.boolean else 'false'}\n".encode()
    lines = ["\t".join(f"?{c}" for c in result.columns)]
    lines += ["\t".join("" if term is None else str(term) for term in row) for row in result.rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def _cells(result: Result, prefixes: Mapping[str, str]) -> tuple[list[str], list[list[str]]]:
    if result.kind == "ask":
        return ["boolean"], [["true" if result.boolean else "false"]]
    return list(result.columns), [[compact(term, prefixes) for term in row] for row in result.rows]


def write_table(result: Result, prefixes: Mapping[str, str]) -> bytes:
    header, rows = _cells(result, prefixes)
    rows = [[_cut(" ".join(cell.split()), CELL_WIDTH) for cell in row] for row in rows]
    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = [_pad_row(header, widths), "  ".join("-" * w for w in widths)]
    lines += [_pad_row(row, widths) for row in rows]
    footer = f"({len(rows)} row{'s' if len(rows) != 1 else ''}{', truncated' if result.truncated else ''})"
    return ("\n".join(line.rstrip() for line in lines) + "\n" + footer + "\n").encode("utf-8")


def write_markdown(result: Result, prefixes: Mapping[str, str]) -> bytes:
    header, rows = _cells(result, prefixes)

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(" ".join(c.split()).replace("|", "\\|") for c in cells) + " |"

    lines = [line(header), "|" + "|".join("---" for _ in header) + "|", *(line(r) for r in rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def width(text: str) -> int:
    """Columns a text takes on a terminal: Thai vowel and tone marks take none, CJK takes two."""
    total = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
            continue
        total += 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1
    return total


def _cut(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out = ""
    for char in text:
        if width(out + char) > limit - 1:
            break
        out += char
    return out + "…"


def _pad_row(cells: Sequence[str], widths: Sequence[int]) -> str:
    return "  ".join(cell + " " * (w - width(cell)) for cell, w in zip(cells, widths, strict=True))


TABLE_WRITERS: dict[str, Callable[[Result, Mapping[str, str]], bytes]] = {
    "table": write_table,
    "markdown": write_markdown,
    "csv": write_csv,
    "tsv": write_tsv,
    "json": write_json,
    "xml": write_xml,
}


# --- solutions straight from Oxigraph (the endpoint) ---------------------------------------------

SOLUTION_FORMATS = ("json", "xml", "csv", "tsv")


class _Enough(Exception):
    """Raised into pyoxigraph's writer once it has written the rows we keep: it stops evaluating."""


class _Lines:
    """A sink for pyoxigraph's TSV writer that counts lines and stops it past ``limit`` rows."""

    def __init__(self, limit: int | None) -> None:
        self.parts: list[bytes] = []
        self.lines = 0
        self.stop = None if limit is None else limit + 2  # the header, the rows kept, one more: truncated

    def write(self, data: bytes) -> int:
        chunk = bytes(data)
        self.parts.append(chunk)
        self.lines += chunk.count(b"\n")
        if self.stop is not None and self.lines >= self.stop:
            raise _Enough
        return len(data)

    def flush(self) -> None:
        pass


def write_solutions(solutions: ox.QuerySolutions, fmt: str, *, limit: int | None = None) -> tuple[bytes, bool]:
    """A SELECT answer in a SPARQL result format, at most ``limit`` rows; and whether rows were cut.

    The same bytes as :func:`render` of :func:`~coopgraph.sparql.query.collect` (tested), at a
    fraction of the cost: Oxigraph evaluates and writes the rows as TSV (one line a row, so the
    cap is a line count and evaluation stops there), each distinct cell is read back into a
    term once, and our writers work on cells.  CSV is Oxigraph's own writer (the same bytes).
    """
    import pyoxigraph as ox

    sink = _Lines(limit)
    with contextlib.suppress(_Enough):  # stopped at the cap
        solutions.serialize(cast("IO[bytes]", sink), format=ox.QueryResultsFormat.TSV)
    head, _, body = b"".join(sink.parts).partition(b"\n")
    lines = body.split(b"\n")
    lines.pop()  # what follows the last newline: nothing, or a row cut off mid-way
    truncated = limit is not None and len(lines) > limit
    if truncated:
        del lines[limit:]
    columns = [v.value for v in solutions.variables]
    if fmt == "csv":
        tsv = head + b"\n" + b"".join(line + b"\n" for line in lines)
        parsed = ox.parse_query_results(tsv, ox.QueryResultsFormat.TSV)
        return parsed.serialize(format=ox.QueryResultsFormat.CSV) or b"", truncated
    rows = [line.split(b"\t") for line in lines] if columns else [[] for _ in lines]
    cells = {cell for row in rows for cell in row}
    iris = {cell for cell in cells if cell[:1] == b"<" and cell[:2] != b"<<"}  # <<triple>> terms are read
    terms = _read_cells(cells - iris)
    writer = {"json": _json_solutions, "xml": _xml_solutions, "tsv": _tsv_solutions}[fmt]
    return writer(columns, rows, terms, iris).encode("utf-8"), truncated


def write_triples(
    triples: ox.QueryTriples, fmt: str, *, prefixes: Mapping[str, str], limit: int | None = None
) -> tuple[bytes, bool]:
    """A CONSTRUCT/DESCRIBE answer as :func:`write_graph` writes it, at most ``limit`` triples; and whether cut.

    Oxigraph writes the triples as N-Triples (one line a triple: the cap is a line count, and
    evaluation stops there); a line is ``str(triple) + " ."``, so sorting the lines is sorting
    by ``str`` as :func:`write_graph` does.  N-Triples is then those lines; other formats are
    written from them.
    """
    import pyoxigraph as ox

    sink = _Lines(None if limit is None else limit - 1)  # no header line
    with contextlib.suppress(_Enough):  # stopped at the cap
        triples.serialize(cast("IO[bytes]", sink), format=ox.RdfFormat.N_TRIPLES)
    lines = b"".join(sink.parts).split(b"\n")
    lines.pop()
    truncated = limit is not None and len(lines) > limit
    if truncated:
        del lines[limit:]
    lines.sort()
    ntriples = b"".join(line + b"\n" for line in lines)
    if fmt == "ntriples":
        return ntriples, truncated
    read = list(ox.parse(ntriples, ox.RdfFormat.N_TRIPLES))
    return write_graph(read, fmt, prefixes=prefixes, presorted=True), truncated


def _read_cells(cells: set[bytes]) -> dict[bytes, Term]:
    """Each distinct TSV cell as the term it writes, read by pyoxigraph's TSV reader in one call."""
    import pyoxigraph as ox

    cells.discard(b"")  # unbound
    if not cells:
        return {}
    ordered = sorted(cells)
    parsed = ox.parse_query_results(b"?t\n" + b"\n".join(ordered) + b"\n", ox.QueryResultsFormat.TSV)
    assert isinstance(parsed, ox.QuerySolutions)
    return {cell: solution[0] for cell, solution in zip(ordered, parsed, strict=True)}


def _fragments(
    terms: Mapping[bytes, Term], iris: set[bytes], write: Callable[[Term], str], write_iri: Callable[[str], str]
) -> dict[bytes, str]:
    """Each distinct cell as a writer writes it; an IRI cell is ``<`` + the IRI + ``>`` (no escapes in IRIs)."""
    found = {cell: write(term) for cell, term in terms.items()}
    found.update((cell, write_iri(cell[1:-1].decode("utf-8"))) for cell in iris)
    found[b""] = ""
    return found


Cells = Sequence[Sequence[bytes]]


def _json_solutions(columns: Sequence[str], rows: Cells, terms: Mapping[bytes, Term], iris: set[bytes]) -> str:
    """As :func:`write_json` (``json.dumps`` with its default separators), one fragment per distinct term."""
    quote = json.encoder.encode_basestring
    fragment = _fragments(terms, iris, _json_fragment, lambda iri: '{"type": "uri", "value": ' + quote(iri) + "}")
    names = [json.dumps(c, ensure_ascii=False) + ": " for c in columns]
    out = []
    for row in rows:
        cells = ", ".join([name + fragment[cell] for name, cell in zip(names, row, strict=True) if cell])
        out.append("{" + cells + "}")
    head = json.dumps({"vars": list(columns)}, ensure_ascii=False)
    return '{"head": ' + head + ', "results": {"bindings": [' + ", ".join(out) + "]}}\n"


def _json_fragment(term: Term) -> str:
    """``json.dumps(json_term(term), ensure_ascii=False)``, without its per-call machinery."""
    import pyoxigraph as ox

    quote = json.encoder.encode_basestring  # what json.dumps uses for str when ensure_ascii=False
    if isinstance(term, ox.NamedNode):
        return '{"type": "uri", "value": ' + quote(term.value) + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type": "bnode", "value": ' + quote(term.value) + "}"
    if isinstance(term, ox.Literal):
        if term.language:
            extra = ', "xml:lang": ' + quote(term.language)
        elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            extra = ', "datatype": ' + quote(term.datatype.value)
        else:
            extra = ""
        return '{"type": "literal", "value": ' + quote(term.value) + extra + "}"
    return json.dumps(json_term(term), ensure_ascii=False)


def _xml_solutions(columns: Sequence[str], rows: Cells, terms: Mapping[bytes, Term], iris: set[bytes]) -> str:
    from xml.sax.saxutils import escape, quoteattr

    fragment = _fragments(terms, iris, _xml_term, lambda iri: f"<uri>{escape(iri)}</uri>")
    opens = [f"<binding name={quoteattr(c)}>" for c in columns]
    out = ['<?xml version="1.0" encoding="utf-8"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">']
    out.append("<head>" + "".join(f"<variable name={quoteattr(c)}/>" for c in columns) + "</head>")
    out.append("<results>")
    for row in rows:
        cells = "".join([start + fragment[cell] + "</binding>" for start, cell in zip(opens, row, strict=True) if cell])
        out.append("<result>" + cells + "</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"


def _tsv_solutions(columns: Sequence[str], rows: Cells, terms: Mapping[bytes, Term], iris: set[bytes]) -> str:
    fragment = _fragments(terms, iris, str, lambda iri: f"<{iri}>")
    lines = ["\t".join(f"?{c}" for c in columns)]
    lines += ["\t".join([fragment[cell] for cell in row]) for row in rows]
    return "\n".join(lines) + "\n"


# --- graphs -------------------------------------------------------------------------------------


def write_graph(
    triples: Sequence[ox.Triple], fmt: str, *, prefixes: Mapping[str, str], presorted: bool = False
) -> bytes:
    """Triples as Turtle (with the prefixes they use), N-Triples, JSON-LD or RDF/XML, sorted
    (``presorted``: they already are, by ``str``)."""
    import pyoxigraph as ox

    formats = {
        "turtle": ox.RdfFormat.TURTLE,
        "ntriples": ox.RdfFormat.N_TRIPLES,
        "jsonld": ox.RdfFormat.JSON_LD,
        "rdfxml": ox.RdfFormat.RDF_XML,
    }
    if fmt not in formats:
        raise ValueError(f"a graph is written as {', '.join(formats)}, not {fmt}")
    ordered = list(triples) if presorted else sorted(triples, key=str)
    if fmt == "ntriples":
        return ox.serialize(ordered, format=formats[fmt]) or b""
    iris = _iris(ordered)
    used = {p: ns for p, ns in prefixes.items() if any(iri.startswith(ns) for iri in iris)}
    data = ox.serialize(ordered, format=formats[fmt], prefixes=dict(sorted(used.items()))) or b""
    if fmt != "turtle":
        return data
    lines = data.decode("utf-8").split("\n")
    head = [line for line in lines if line.startswith("@prefix ")]  # oxigraph writes them in its own order
    return "\n".join(sorted(head) + lines[len(head) :]).encode("utf-8")


def _iris(triples: Sequence[ox.Triple]) -> set[str]:
    """Every IRI the triples name, datatypes of literals included (what a prefix can shorten)."""
    import pyoxigraph as ox

    found: set[str] = set()
    for triple in triples:
        for term in (triple.subject, triple.predicate, triple.object):
            if isinstance(term, ox.NamedNode):
                found.add(term.value)
            elif isinstance(term, ox.Literal):
                found.add(term.datatype.value)
    return found
