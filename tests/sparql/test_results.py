"""results: every format writes what a standard reader reads back; tables line up in Thai too."""

from __future__ import annotations

import csv
import io

import pyoxigraph as ox
import pytest
from rdflib import Graph

from coopgraph.sparql.query import Result
from coopgraph.sparql.results import CELL_WIDTH, compact, render, width, write_graph

XSD = "http://www.w3.org/2001/XMLSchema#"
PREFIXES = {"country": "https://w3id.org/coopgraph/id/country/", "rdfs": "http://www.w3.org/2000/01/rdf-schema#"}
THAILAND = ox.NamedNode("https://w3id.org/coopgraph/id/country/thailand")
ROWS = (
    (THAILAND, ox.Literal("ราชอาณาจักรไทย", language="th"), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))),
    (ox.NamedNode("http://example.org/a?b=1"), ox.Literal('tab\there "quoted", comma | pipe'), None),
    (ox.BlankNode("b1"), ox.Literal("2024-02", datatype=ox.NamedNode(XSD + "gYearMonth")), ox.Literal("")),
)
TABLE = Result("select", ("country", "label", "n"), ROWS)


@pytest.mark.parametrize(
    ("fmt", "reader"),
    [("json", ox.QueryResultsFormat.JSON), ("xml", ox.QueryResultsFormat.XML), ("tsv", ox.QueryResultsFormat.TSV)],
)
def test_sparql_result_formats_read_back_exactly(fmt: str, reader: ox.QueryResultsFormat) -> None:
    parsed = ox.parse_query_results(render(TABLE, fmt, prefixes=PREFIXES), reader)
    assert [v.value for v in parsed.variables] == list(TABLE.columns)
    back = [tuple(solution[i] for i in range(3)) for solution in parsed]
    assert back[0] == ROWS[0]
    assert back[1][:2] == ROWS[1][:2] and back[1][2] is None
    assert back[2][1:] == ROWS[2][1:] and isinstance(back[2][0], ox.BlankNode)


@pytest.mark.parametrize("fmt", ["json", "xml", "tsv", "csv"])
def test_ask_in_every_result_format(fmt: str) -> None:
    data = render(Result("ask", boolean=True), fmt, prefixes={})
    if fmt == "csv":
        assert data == b"boolean\r\ntrue\r\n"
    else:
        reader = {
            "json": ox.QueryResultsFormat.JSON,
            "xml": ox.QueryResultsFormat.XML,
            "tsv": ox.QueryResultsFormat.TSV,
        }
        assert bool(ox.parse_query_results(data, reader[fmt])) is True


def test_csv_is_plain_values() -> None:
    table = list(csv.reader(io.StringIO(render(TABLE, "csv", prefixes=PREFIXES).decode())))
    assert table[0] == ["country", "label", "n"]
    assert table[1] == ["https://w3id.org/coopgraph/id/country/thailand", "ราชอาณาจักรไทย", "3"]
    assert table[2] == ["http://example.org/a?b=1", 'tab\there "quoted", comma | pipe', ""]


def test_terminal_table_lines_up_thai_and_compacts_iris() -> None:
    lines = render(TABLE, "table", prefixes=PREFIXES).decode().splitlines()
    assert lines[0].split() == ["country", "label", "n"]
    assert lines[-1] == "(3 rows)"
    rule = lines[1]
    starts = [i for i, c in enumerate(rule) if c == "-" and (i == 0 or rule[i - 1] == " ")]
    first = lines[2]
    assert first.startswith("country:thailand ")
    # each column starts at the same display column as its rule, Thai vowel marks taking no width
    assert width(first[: first.index("ราช")]) == starts[1]
    assert width(first[: first.rindex("3")]) == starts[2]
    assert width("ราชอาณาจักรไทย") == 13 and width("ที่") == 1 and width("中国") == 4


def test_long_cells_are_cut_on_a_terminal_only() -> None:
    long = Result("select", ("t",), ((ox.Literal("x" * 200),),))
    assert max(width(line) for line in render(long, "table", prefixes={}).decode().splitlines()) == CELL_WIDTH
    assert "x" * 200 in render(long, "markdown", prefixes={}).decode()


def test_markdown_escapes_pipes() -> None:
    lines = render(TABLE, "markdown", prefixes=PREFIXES).decode().splitlines()
    assert lines[:2] == ["| country | label | n |", "|---|---|---|"]
    assert lines[3] == '| <http://example.org/a?b=1> | tab here "quoted", comma \\| pipe |  |'


def test_compact_uses_the_longest_prefix_and_keeps_odd_iris_whole() -> None:
    prefixes = {"id": "https://w3id.org/coopgraph/id/", **PREFIXES}
    assert compact(THAILAND, prefixes) == "country:thailand"
    assert compact(ox.NamedNode("https://w3id.org/coopgraph/id/country/a%20b"), prefixes) == (
        "<https://w3id.org/coopgraph/id/country/a%20b>"
    )


def test_graphs_are_sorted_turtle_with_only_the_prefixes_used() -> None:
    triples = [
        ox.Triple(THAILAND, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("Thailand", language="en")),
        ox.Triple(THAILAND, ox.NamedNode(PREFIXES["rdfs"] + "label"), ox.Literal("ไทย", language="th")),
    ]
    prefixes = {"zz": "http://unused.example/", **PREFIXES}
    turtle = write_graph(list(reversed(triples)), "turtle", prefixes=prefixes)
    assert turtle == write_graph(triples, "turtle", prefixes=prefixes)
    text = turtle.decode()
    assert text.splitlines()[:2] == [
        "@prefix country: <https://w3id.org/coopgraph/id/country/> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
    ]
    assert "zz:" not in text
    assert len(Graph().parse(data=text, format="turtle")) == 2
    assert len(Graph().parse(data=write_graph(triples, "jsonld", prefixes=prefixes), format="json-ld")) == 2
    with pytest.raises(ValueError, match="a SELECT result is a table"):
        render(TABLE, "turtle", prefixes={})


# --- the endpoint's writer: Oxigraph's rows straight to bytes, the same bytes as render(collect(...)) ---------

HOSTILE = [
    ox.Literal("ราชอาณาจักรไทย", language="th"),
    ox.Literal("Kingdom of Thailand", language="en-GB"),
    ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")),
    ox.Literal("-0.50", datatype=ox.NamedNode(XSD + "decimal")),
    ox.Literal("1e3", datatype=ox.NamedNode(XSD + "double")),
    ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean")),
    ox.Literal("2024-02", datatype=ox.NamedNode(XSD + "gYearMonth")),
    ox.Literal("x y", datatype=ox.NamedNode("https://example.org/own#type")),
    ox.Literal(""),
    ox.Literal('tab\there "quoted", comma | pipe\nnew line\r\\ end\\'),
    ox.Literal("control \x01 \x7f and <xml> & 'apos' ]]>"),
    ox.Literal('x"},{"s": 1'),
    ox.NamedNode("http://example.org/ü/a%20b?x=1&y=2"),
    ox.BlankNode("b1"),
    ox.Literal("\U0001f600 outside the BMP"),
]


@pytest.fixture(scope="module")
def varied() -> ox.Store:
    store = ox.Store()
    subject, link = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for number, term in enumerate(HOSTILE):
        store.add(ox.Quad(ox.NamedNode(f"http://example.org/s{number:02d}"), link, term))
        store.add(ox.Quad(subject, link, term))  # the same terms in many rows
    for number in range(3000):  # more than one 8 KB chunk of Oxigraph's writer
        store.add(
            ox.Quad(subject, ox.NamedNode("http://example.org/n"), ox.Literal(f"row {number} ไทย", language="th"))
        )
    return store


VARIED_QUERIES = [
    "SELECT ?s ?o ?none WHERE { ?s <http://example.org/p> ?o OPTIONAL { ?o ?q ?none } } ORDER BY ?s ?o",
    "SELECT * WHERE { ?s ?p ?o } ORDER BY ?o",
    "SELECT ?o WHERE { ?s <http://example.org/p> ?o FILTER(false) }",
    "SELECT * WHERE { }",
    "SELECT ?x ?o WHERE { ?s <http://example.org/p> ?o } ORDER BY ?o",
]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("text", VARIED_QUERIES)
@pytest.mark.parametrize("limit", [None, 10_000, 3001, 7, 1, 0])
def test_solutions_from_oxigraph_are_the_bytes_render_writes(
    varied: ox.Store, fmt: str, text: str, limit: int | None
) -> None:
    """Thai, language tags, datatypes, blank and unbound values, escapes: byte for byte, cut at the same row."""
    from coopgraph.sparql.query import collect
    from coopgraph.sparql.results import write_solutions

    before = collect(varied.query(text), {}, limit=limit)
    data, truncated = write_solutions(varied.query(text), fmt, limit=limit)
    assert data == render(before, fmt, prefixes={})
    assert truncated == before.truncated


def test_the_row_cap_stops_the_evaluation(varied: ox.Store) -> None:
    """A cap of 5 over a result of 9 million rows answers at once: Oxigraph stops once the rows are written."""
    import time

    from coopgraph.sparql.results import write_solutions

    started = time.perf_counter()
    data, truncated = write_solutions(varied.query("SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }"), "tsv", limit=5)
    assert truncated and len(data.splitlines()) == 6
    assert time.perf_counter() - started < 30  # a liveness bound (the whole product would take minutes)


def test_turtle_declares_the_prefixes_of_datatypes_and_no_other() -> None:
    triples = [
        ox.Triple(
            THAILAND, ox.NamedNode("http://example.org/n"), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer"))
        )
    ]
    text = write_graph(triples, "turtle", prefixes={"xsd": XSD, "rdfs": PREFIXES["rdfs"], **PREFIXES}).decode()
    assert "@prefix xsd:" in text and "@prefix country:" in text and "@prefix rdfs:" not in text


GRAPH_QUERIES = [
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT { ?o <http://example.org/back> ?s } WHERE { ?s <http://example.org/p> ?o }",
    "DESCRIBE <http://example.org/s03>",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }",
]


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
@pytest.mark.parametrize("text", GRAPH_QUERIES)
@pytest.mark.parametrize("limit", [None, 10_000, 3001, 7, 1, 0])
def test_graphs_from_oxigraph_are_the_bytes_render_writes(
    varied: ox.Store, fmt: str, text: str, limit: int | None
) -> None:
    """Sorted as before, the same prefixes, cut at the same triple: byte for byte."""
    from coopgraph.sparql.query import collect
    from coopgraph.sparql.results import write_triples

    prefixes = {"ex": "http://example.org/", "xsd": XSD, "zz": "http://unused.example/"}
    before = collect(varied.query(text), {}, limit=limit)
    data, truncated = write_triples(varied.query(text), fmt, prefixes=prefixes, limit=limit)
    assert data == render(before, fmt, prefixes=prefixes)
    assert truncated == before.truncated


def test_fresh_blank_nodes_of_a_construct_are_kept_and_counted(varied: ox.Store) -> None:
    from coopgraph.sparql.results import write_triples

    text = "CONSTRUCT { _:x <http://example.org/of> ?s } WHERE { ?s <http://example.org/p> ?o }"
    data, truncated = write_triples(varied.query(text), "ntriples", prefixes={}, limit=None)
    read = list(ox.parse(data, ox.RdfFormat.N_TRIPLES))
    assert not truncated and len(read) == len(list(varied.query(text)))
    assert all(isinstance(t.subject, ox.BlankNode) for t in read) and data.splitlines() == sorted(data.splitlines())
