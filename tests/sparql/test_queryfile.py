"""queryfile: the saved questions and their headers; parameters become RDF terms of their type."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.resources import queries_dir
from coopgraph.sparql.query import execute, kind_of, query_prefixes
from coopgraph.sparql.queryfile import (
    PARAM_TYPES,
    Param,
    bind,
    find_query,
    guess_params,
    parse_query,
    saved_names,
    saved_queries,
    to_term,
)

SAVED = saved_queries()
PREFIXES = query_prefixes()
XSD = "http://www.w3.org/2001/XMLSchema#"

# The competency questions the issue asks for, by the saved query that answers each.
REQUIRED = {
    "agreements of a country (directly, via ministries, via blocs)": "agreements-of-country",
    "who signed what, for whom, in which post": "signatories",
    "witnesses": "witnesses",
    "agreements by topic including narrower topics": "agreements-by-topic",
    "the topics of an agreement": "topics-of-agreement",
    "agreements in a date range": "agreements-in-period",
    "agreements expiring within N months": "agreements-expiring",
    "a country's partners with counts": "partners-of-country",
    "officials and their posts over time": "officials-and-posts",
    "meetings and what was signed there": "meetings",
    "the sources behind an agreement": "sources-of-agreement",
    "curation gaps": "curation-gaps",
    "topic co-occurrence": "topic-cooccurrence",
    "agreements per year": "agreements-per-year",
    "a label search in Thai or English": "label-search",
}


def test_at_least_fifteen_saved_questions_cover_the_issue() -> None:
    assert len(SAVED) >= 15
    assert set(REQUIRED.values()) <= set(SAVED)
    assert "checks" not in " ".join(SAVED)  # violation queries are not questions


@pytest.mark.parametrize("name", sorted(SAVED))
def test_header_is_complete(name: str) -> None:
    saved = SAVED[name]
    assert saved.title["en"].strip() and saved.title["th"].strip()
    assert re.search(r"[\u0E00-\u0E7F]", saved.title["th"]), "the Thai title is in Thai script"
    assert len(saved.description) > 40
    assert saved.tags
    for param in saved.params.values():
        assert param.type in PARAM_TYPES
        assert param.default is not None, f"{name}: parameter {param.name} has no default"


@pytest.mark.parametrize("name", sorted(SAVED))
def test_query_is_valid_named_and_ordered(name: str) -> None:
    saved = SAVED[name]
    kind = kind_of(saved.text, source=name)  # parses as SPARQL, with only its own PREFIX lines
    body = "\n".join(line for line in saved.text.splitlines() if not line.lstrip().startswith("#"))
    assert not re.search(r"SELECT\s+(DISTINCT\s+)?\*", body, re.I), "named columns, never SELECT *"
    if kind == "select":
        assert re.search(r"\bORDER BY\b", body), "an ORDER BY keeps results stable"
    # every parameter binds: Oxigraph substitutes only projected variables, so this fails otherwise
    bindings = bind(saved.params, {}, PREFIXES, where=name)
    assert set(bindings) == set(saved.params)
    execute(ox.Store(), saved.text, bindings=bindings, source=name)


def test_header_lines_keep_file_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "bad.rq"
    path.write_text("#+ title: {en: A, th: ก}\n#+ description: [unclosed\nSELECT ?x WHERE { ?x ?p ?o }\n")
    with pytest.raises(CoopgraphError, match=r"bad\.rq:2: header is not valid YAML"):
        parse_query(path.read_text(), path, shown="bad.rq")


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("", r"x\.rq:1: no '#\+' header"),
        ("#+ title: {en: Only English}\n#+ description: d\n", r"x\.rq:1: title must give English and Thai"),
        ("#+ title: {en: A, th: ก}\n", r"x\.rq:1: description is missing"),
        (
            "#+ title: {en: A, th: ก}\n#+ description: d\n#+ params:\n#+   n: {type: number}\n",
            r"x\.rq:3: .*needs a type",
        ),
        (
            "#+ title: {en: A, th: ก}\n#+ description: d\n#+ params:\n#+   on: {type: date}\n",
            r"x\.rq:3: parameter name True",
        ),
        ("#+ title: {en: A, th: ก}\n#+ description: d\n#+ author: me\n", r"x\.rq:3: unknown header field 'author'"),
    ],
)
def test_bad_headers_name_file_and_line(header: str, message: str) -> None:
    with pytest.raises(CoopgraphError, match=message):
        parse_query(header + "SELECT ?x WHERE { ?x ?p ?o } ORDER BY ?x\n", Path("x.rq"), shown="x.rq")


def test_find_query_names_what_exists() -> None:
    assert find_query("partners-of-country").name == "partners-of-country"
    with pytest.raises(CoopgraphError, match=r"no saved query 'partners'.*did you mean 'company-partners' or 'partners-of-country'"):
        find_query("partners")
    with pytest.raises(CoopgraphError, match=r"saved queries: .*agreements-of-country"):
        find_query("../etc/passwd")
    assert saved_names() == sorted(SAVED)
    assert queries_dir().name == "queries"


def test_defaults_bind_as_typed_terms() -> None:
    terms = bind(SAVED["agreements-expiring"].params, {"months": "6"}, PREFIXES)
    assert terms["months"] == ox.Literal("6", datatype=ox.NamedNode(XSD + "integer"))
    assert terms["as_of"] == ox.Literal(dt.date.today().isoformat(), datatype=ox.NamedNode(XSD + "date"))
    assert terms["lang"] == ox.Literal("en")


@pytest.mark.parametrize(
    "value",
    [
        "indonesia",
        "country:indonesia",
        "https://w3id.org/coopgraph/id/country/indonesia",
        "<https://w3id.org/coopgraph/id/country/indonesia>",
    ],
)
def test_iri_parameters_accept_every_spelling(value: str) -> None:
    param = Param("country", "iri", "country:thailand")
    assert to_term(param, value, PREFIXES) == ox.NamedNode("https://w3id.org/coopgraph/id/country/indonesia")


@pytest.mark.parametrize(
    ("param", "value", "message"),
    [
        (Param("country", "iri", "country:thailand"), "x> } DROP ALL", "is not an IRI"),
        (Param("country", "iri", "country:thailand"), "nowhere:x", "unknown prefix 'nowhere:'"),
        (Param("country", "iri"), "thailand", "a bare slug needs a prefixed default"),
        (Param("when", "date"), "2024-13-01", "is not a date"),
        (Param("n", "integer"), "1.5", "is not a whole number"),
        (Param("lang", "lang"), 'th" }', "is not a language tag"),
        (Param("flag", "boolean"), "yes", "is not true or false"),
    ],
)
def test_bad_values_are_errors_not_text(param: Param, value: str, message: str) -> None:
    with pytest.raises(CoopgraphError, match=message):
        to_term(param, value, PREFIXES)


def test_a_string_with_quotes_and_braces_stays_one_literal() -> None:
    hostile = 'x" } ; DROP ALL ; SELECT * WHERE { "'
    assert to_term(Param("text", "string"), hostile, PREFIXES) == ox.Literal(hostile)


def test_unknown_parameter_lists_the_known_ones() -> None:
    with pytest.raises(
        CoopgraphError, match=r"unknown parameter cuntry; its parameters: country \(iri\), as_of \(date\), status_filter \(status\), lang \(lang\)"
    ):
        bind(SAVED["partners-of-country"].params, {"cuntry": "china"}, PREFIXES, where="partners-of-country")


def test_guess_params_reads_types_off_values() -> None:
    guessed = guess_params({"c": "country:thailand", "d": "2024-02-02", "n": "5", "t": "ASEAN", "b": "true"}, PREFIXES)
    assert {name: p.type for name, p in guessed.items()} == {
        "c": "iri",
        "d": "date",
        "n": "integer",
        "t": "string",
        "b": "boolean",
    }


def test_queries_command_lists_and_shows(capsys: pytest.CaptureFixture[str]) -> None:
    from coopgraph.cli import main

    assert main(["queries", "--lang", "th", "-f", "csv"]) == 0
    listing = capsys.readouterr().out.splitlines()
    assert listing[0] == "name,title,parameters,tags" and len(listing) == len(SAVED) + 1
    partners = next(line for line in listing if line.startswith("partners-of-country,"))
    assert "ประเทศคู่ความร่วมมือ" in partners and "country=country:thailand (iri)" in partners
    assert main(["queries", "--tag", "blocs", "-f", "csv"]) == 0
    assert {line.split(",")[0] for line in capsys.readouterr().out.splitlines()[1:]} == {
        name for name, saved in SAVED.items() if "blocs" in saved.tags
    }
    assert main(["queries", "partners-of-country"]) == 0
    assert capsys.readouterr().out == SAVED["partners-of-country"].text
    assert main(["queries", "partner"]) == 1
    assert "did you mean 'company-partners' or 'partners-of-country'" in capsys.readouterr().err
