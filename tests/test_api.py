"""The public Python API: typed answers, the views the CLI draws, errors as CoopgraphError, a light import."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Dataset, Literal, URIRef

import coopgraph
from coopgraph.cli import main
from coopgraph.graph.store import open_store
from coopgraph.sparql.values import XSD, literal_value
from coopgraph.views.html import render
from coopgraph.views.project import project
from tests.conftest import BAD, ROOT, SHIPPED, TINY

COUNTRY = "https://w3id.org/coopgraph/id/country/"
THAILAND = COUNTRY + "thailand"


@pytest.fixture(scope="module")
def kg(shipped_build: Path) -> coopgraph.KnowledgeGraph:
    return coopgraph.open(shipped_build)


# --- the public face ----------------------------------------------------------------------------


def test_import_is_light_and_lists_its_api() -> None:
    """In a fresh interpreter: none of the heavy libraries, and every public name resolves."""
    code = (
        "import sys, coopgraph\n"
        "heavy = sorted(m for m in ('owlready2', 'pyvis', 'pandas', 'networkx', 'rdflib', 'pyshacl')"
        " if m in sys.modules)\n"
        "print(heavy)\n"
        "print(all(hasattr(coopgraph, name) for name in coopgraph.__all__), 'build' in dir(coopgraph))\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT,
        env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"},
    )
    assert run.stdout.splitlines() == ["[]", "True True"], run.stderr


def test_version_is_the_projects() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert coopgraph.__version__ == pyproject["project"]["version"]
    assert (ROOT / "src" / "coopgraph" / "py.typed").exists()


def test_check_is_a_function_beside_the_checks_stage() -> None:
    import coopgraph.checks.validate  # importing the stage does not shadow the function

    assert coopgraph.checks.validate.shape_problems and callable(coopgraph.check)
    report = coopgraph.check(TINY)
    assert report.counts["agreements"] == 2 and report.triples > 100
    assert str(report).startswith("ok: 2 agreements, 8 actors")


# --- typed values -------------------------------------------------------------------------------


def test_a_day_is_a_date_and_counts_are_ints(kg: coopgraph.KnowledgeGraph) -> None:
    rows = kg.query("partners-of-country", country="country:thailand")
    first = rows[0]
    assert isinstance(first["latest"], dt.date) and first["latest"] >= dt.date(2024, 1, 1)
    assert type(first["agreements"]) is int and first["agreements"] >= 2
    assert rows.columns == ("partner", "partnerLabel", "agreements", "status", "since", "latest")  # bound ones left out
    assert {r["partner"].curie for r in rows} >= {"country:indonesia", "country:china", "country:laos"}


def test_a_month_only_date_keeps_its_precision(kg: coopgraph.KnowledgeGraph) -> None:
    """Saudi Arabia's one agreement with Singapore is dated 2022-09 in the sources: not 2022-09-01."""
    found = kg.query("partners-of-country", country="country:saudi-arabia")
    (row,) = [r for r in found if r["partner"].curie == "country:singapore"]
    latest = row["latest"]
    assert isinstance(latest, coopgraph.PartialDate) and not isinstance(latest, dt.date)
    assert (str(latest), latest.precision) == ("2022-09", "month")
    assert latest != dt.date(2022, 9, 1)


def test_year_and_month_dates_sort_and_stay_partial(kg: coopgraph.KnowledgeGraph) -> None:
    rows = kg.query(
        "SELECT DISTINCT ?d WHERE { ?e coop:date ?d FILTER(DATATYPE(?d) != xsd:date) } ORDER BY ?d"
    )
    dates = [r["d"] for r in rows]
    assert {d.precision for d in dates} == {"month", "year"}
    assert "2023" in [str(d) for d in dates]  # the MDES-Google collaboration: a year only
    assert sorted(dates) == sorted(dates, key=lambda d: (d.earliest(), len(d.text)))


def test_language_tagged_text_compares_as_text(kg: coopgraph.KnowledgeGraph) -> None:
    labels = {r["partner"].curie: r["partnerLabel"] for r in kg.query("partners-of-country", lang="th")}
    china = labels["country:china"]
    assert china == "สาธารณรัฐประชาชนจีน" and isinstance(china, coopgraph.LangString) and china.lang == "th"
    assert labels["country:malaysia"].lang == "en"  # no Thai name: English instead, and it says so


def test_iris_are_full_text_with_a_curie_and_go_back_in_as_parameters(kg: coopgraph.KnowledgeGraph) -> None:
    indonesia = next(r["partner"] for r in kg.query("partners-of-country") if r["partner"].curie == "country:indonesia")
    assert isinstance(indonesia, coopgraph.IRI) and indonesia == COUNTRY + "indonesia" == indonesia.iri
    assert indonesia in kg.networkx(view="countries")  # a node id as it is
    back = {r["partner"] for r in kg.query("partners-of-country", country=indonesia)}
    assert THAILAND in back


def test_durations_are_kept_as_written(kg: coopgraph.KnowledgeGraph) -> None:
    terms = {r["t"] for r in kg.query("SELECT ?t WHERE { ?a coop:term ?t }")}
    assert "P5Y" in terms
    term = next(iter(terms))
    assert isinstance(term, coopgraph.Duration) and term.datatype == XSD + "duration"
    assert repr(coopgraph.Duration("P5Y")) == "Duration('P5Y')"


def test_numbers_booleans_and_unbound(kg: coopgraph.KnowledgeGraph) -> None:
    (row,) = kg.query("SELECT (1.50 AS ?dec) (2.5e0 AS ?dbl) (true AS ?yes) (7 AS ?n) ?nothing WHERE {}")
    assert row == {"dec": decimal.Decimal("1.50"), "dbl": 2.5, "yes": True, "n": 7, "nothing": None}
    assert type(row["dbl"]) is float and type(row["yes"]) is bool


def test_python_values_are_bound_as_typed_terms(kg: coopgraph.KnowledgeGraph) -> None:
    """Each value matches only the term of its own type (bound columns themselves are left out, as in the CLI)."""
    candidates = (
        '3 "3" false "false" "2024-02-02"^^xsd:date "2024-02-02" "2024-02"^^xsd:gYearMonth "2024-02"'
        ' "plain text" "ไทย"@th "ไทย" <https://w3id.org/coopgraph/id/country/laos> "P5Y"^^xsd:duration "P5Y"'
    )
    rows = kg.query(
        f"SELECT ?n ?b ?d ?m ?t ?l ?i ?p ?x WHERE {{ VALUES ?x {{ {candidates} }}"
        " FILTER(sameTerm(?x, ?n) || sameTerm(?x, ?b) || sameTerm(?x, ?d) || sameTerm(?x, ?m) || sameTerm(?x, ?t)"
        " || sameTerm(?x, ?l) || sameTerm(?x, ?i) || sameTerm(?x, ?p)) }",
        n=3, b=False, d=dt.date(2024, 2, 2), m=coopgraph.PartialDate("2024-02", "month"), t="plain text",
        l=coopgraph.LangString("ไทย", "th"), i=coopgraph.IRI(COUNTRY + "laos"), p=coopgraph.Duration("P5Y"),
    )
    assert rows.columns == ("x",)
    assert [r["x"] for r in rows] == [
        3, False, dt.date(2024, 2, 2), coopgraph.PartialDate("2024-02", "month"), "plain text", "ไทย", COUNTRY + "laos",
        "P5Y",
    ]
    assert rows[5]["x"].lang == "th" and isinstance(rows[7]["x"], coopgraph.Duration)


def test_a_bad_lexical_form_stays_text_with_its_datatype() -> None:
    for text, kind in [("abc", "integer"), ("2024-13", "gYearMonth"), ("x", "decimal"), ("2024-02-30", "date")]:
        value = literal_value(text, XSD + kind)
        assert isinstance(value, coopgraph.TypedLiteral) and value == text and value.datatype == XSD + kind
    assert literal_value("2024", XSD + "gYear") == coopgraph.PartialDate("2024", "year")
    assert literal_value("-INF", XSD + "double") == float("-inf")


def test_ask_and_construct_answer_rows(kg: coopgraph.KnowledgeGraph) -> None:
    assert kg.query("ASK { ?c a coop:Country }")[0] == {"boolean": True}
    triples = kg.query("CONSTRUCT { ?c a coop:Country } WHERE { ?c a coop:Country } ")
    assert triples.columns == ("subject", "predicate", "object")
    assert {"subject": THAILAND, "predicate": "http://www.w3.org/1999/02/22-rdf-syntax-ns#type",
            "object": "https://w3id.org/coopgraph/ontology#Country"} in triples


def test_a_saved_query_from_a_file(kg: coopgraph.KnowledgeGraph, tmp_path: Path) -> None:
    copy = tmp_path / "mine.rq"
    shutil.copy(ROOT / "queries" / "partners-of-country.rq", copy)
    assert kg.query(copy, country="china") == kg.query("partners-of-country", country="country:china")


# --- rows ---------------------------------------------------------------------------------------


def test_rows_repr_records_and_equality(kg: coopgraph.KnowledgeGraph) -> None:
    rows = kg.query("partners-of-country", country="country:thailand")
    shown = repr(rows)
    assert shown.startswith(f"<Rows: {len(rows)} rows>") and "country:indonesia" in shown and "https://" not in shown
    records = rows.to_records()
    assert records == list(rows) and records[0] is not rows[0] and type(records[0]) is dict
    assert rows[:2] == records[:2] and rows[:2].columns == rows.columns
    assert "<td>country:cambodia</td>" in rows._repr_html_() or "<td>country:" in rows._repr_html_()


def test_to_pandas_dtypes(kg: coopgraph.KnowledgeGraph) -> None:
    pd = pytest.importorskip("pandas")  # an optional extra: the test extra installs it
    df = kg.query("partners-of-country", country="country:thailand").to_pandas()
    assert list(df.columns) == ["partner", "partnerLabel", "agreements", "status", "since", "latest"]
    assert df["agreements"].dtype == "int64"
    whole = kg.query("SELECT ?d WHERE { VALUES ?d { \"2024-02-02\"^^xsd:date \"2023-01-17\"^^xsd:date } }").to_pandas()
    assert pd.api.types.is_datetime64_any_dtype(whole["d"])  # whole dates only: datetime64
    years = [value for value in df["latest"] if getattr(value, "precision", "day") == "year"]
    assert years and df["latest"].dtype == object  # a year-only date (the 2018 Rwanda MOU) keeps its precision
    assert pd.api.types.is_string_dtype(df["partner"]) and df["partner"].iloc[0].startswith(COUNTRY)
    partial = kg.query("partners-of-country", country="country:saudi-arabia").to_pandas()
    singapore = partial[partial["partner"].str.endswith("/singapore")]
    assert partial["latest"].dtype == object and singapore["latest"].iloc[0].precision == "month"
    mixed = kg.query("SELECT ?n ?x ?b WHERE { VALUES (?n ?x ?b) { (1 1.5 true) (UNDEF 2 false) } }").to_pandas()
    assert (str(mixed["n"].dtype), str(mixed["x"].dtype), str(mixed["b"].dtype)) == ("Int64", "float64", "bool")


def test_to_pandas_without_pandas_says_how_to_get_it(
    kg: coopgraph.KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # `import pandas` now raises ImportError
    with pytest.raises(coopgraph.CoopgraphError, match=r"pip install 'coopgraph\[pandas\]'"):
        kg.query("ASK {}").to_pandas()


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "params", "message"),
    [
        ("partners", {}, r"no saved query 'partners' \(did you mean 'company-partners' or 'partners-of-country'\?\)"),
        ("SELECT ?x WHERE { ?x ?p }", {}, r"^query:1:\d+: SPARQL syntax error"),
        ("partners-of-country", {"cuntry": "china"}, r"unknown parameter cuntry; its parameters: country \(iri\)"),
        ("partners-of-country", {"country": "x> } DROP"}, r"parameter country='x> } DROP' is not an IRI"),
        ("INSERT DATA { <a:b> <a:c> <a:d> }", {}, r"this is a SPARQL update; coopgraph is read-only"),
        ("SELECT ?x WHERE { ?x ?p ?o }", {"x": object()}, r"give text, a number, a boolean or a date"),
    ],
)
def test_query_errors_are_coopgraph_errors(
    kg: coopgraph.KnowledgeGraph, query: str, params: dict[str, object], message: str
) -> None:
    with pytest.raises(coopgraph.CoopgraphError, match=message):
        kg.query(query, **params)  # type: ignore[arg-type]


def test_no_build_bad_data_and_bad_options_are_coopgraph_errors(tmp_path: Path, tiny_copy: Path) -> None:
    with pytest.raises(coopgraph.CoopgraphError, match=r"no built graph here; run `coopgraph build` first"):
        coopgraph.open(tmp_path / "nothing")
    shutil.copy(BAD / "agreements--bad-date.yaml", tiny_copy / "agreements" / "bad-date.yaml")
    with pytest.raises(coopgraph.CoopgraphError, match=r"bad-date\.yaml:\d+: ") as caught:
        coopgraph.check(tiny_copy)
    assert len(caught.value.problems) == 3
    with pytest.raises(coopgraph.CoopgraphError, match=r"reasoner 'magic': choose one of auto, hermit"):
        coopgraph.build(TINY, tmp_path / "out", reasoner="magic")
    with pytest.raises(coopgraph.CoopgraphError, match=r"no such data directory"):
        coopgraph.build(tmp_path / "no-data", tmp_path / "out", reasoner="none")
    blocked = tmp_path / "file"
    blocked.write_text("not a directory")
    with pytest.raises(coopgraph.CoopgraphError, match=r"cannot write the build"):
        coopgraph.build(TINY, blocked / "out", reasoner="none")


def test_view_errors_are_coopgraph_errors(kg: coopgraph.KnowledgeGraph, tmp_path: Path) -> None:
    with pytest.raises(coopgraph.CoopgraphError, match=r"choose one of"):
        kg.networkx(view="galaxy")
    with pytest.raises(coopgraph.CoopgraphError, match=r"no such entity"):
        kg.networkx(view="ego", focus="country:atlantis")
    with pytest.raises(coopgraph.CoopgraphError, match=r"lang 'fr'"):
        kg.explorer(tmp_path / "x.html", lang="fr")


# --- rdflib, networkx, the explorer -------------------------------------------------------------


def test_rdflib_dataset_has_the_three_named_graphs(kg: coopgraph.KnowledgeGraph, shipped_build: Path) -> None:
    dataset = kg.rdflib()
    assert isinstance(dataset, Dataset)
    sizes = {str(g.identifier).rsplit("/", 1)[-1]: len(g) for g in dataset.graphs() if len(g)}
    # the shipped build fixture runs no reasoner: the inferred graph holds only the dated status and cooperation nodes
    assert set(sizes) == {"ontology", "asserted", "inferred"}
    asserted = dataset.get_context(URIRef("https://w3id.org/coopgraph/graph/asserted"))
    assert (URIRef(THAILAND), None, Literal("Thailand", lang="en")) in asserted
    assert dict(dataset.namespaces())["country"] == URIRef(COUNTRY) and "brick" not in dict(dataset.namespaces())
    store = open_store(shipped_build)
    assert sizes["asserted"] == len(list(store.quads_for_pattern(None, None, None, store_graph("asserted"))))


def store_graph(name: str) -> object:
    import pyoxigraph as ox

    return ox.NamedNode(f"https://w3id.org/coopgraph/graph/{name}")


def test_networkx_views_are_the_projection(kg: coopgraph.KnowledgeGraph, shipped_build: Path) -> None:
    store = open_store(shipped_build)
    countries = kg.networkx(view="countries")
    assert nx.utils.graphs_equal(countries, project(store, view="countries"))
    assert countries.graph == project(store, view="countries").graph and THAILAND in countries
    ego = kg.networkx(view="ego", focus="country:thailand", depth=1, start="2024")
    from coopgraph.views.facts import Period

    expected = project(store, view="ego", focus=THAILAND, period=Period.parse("2024", None))
    assert nx.utils.graphs_equal(ego, expected) and ego.graph["focus"] == THAILAND


def test_explorer_writes_the_page_visualise_writes(
    kg: coopgraph.KnowledgeGraph, shipped_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    written = kg.explorer(tmp_path / "sub" / "thailand.html", view="ego", focus="country:thailand", lang="th")
    page = written.read_bytes()
    assert page.startswith(b"<!DOCTYPE html>") and b"vis-network" in page and b'<html lang="th"' in page
    cli = tmp_path / "cli.html"
    args = ["visualise", "--out", str(shipped_build), "--view", "ego", "--focus", "country/thailand"]
    assert main([*args, "--lang", "th", "-o", str(cli)]) == 0
    assert cli.read_bytes() == page
    capsys.readouterr()
    store = open_store(shipped_build)
    assert page == render(project(store, view="ego", focus=THAILAND), lang="th")


# --- the CLI goes through the API ---------------------------------------------------------------


def test_cli_build_and_check_call_the_api(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import coopgraph.api

    calls: list[str] = []
    real_build, real_check = coopgraph.api.build, coopgraph.api.check

    def build(*args: object, **kwargs: object) -> coopgraph.KnowledgeGraph:
        calls.append("build")
        return real_build(*args, **kwargs)  # type: ignore[arg-type]

    def check(*args: object, **kwargs: object) -> coopgraph.CheckReport:
        calls.append("check")
        return real_check(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(coopgraph.api, "build", build)
    monkeypatch.setattr(coopgraph.api, "check", check)
    assert main(["check", "--data", str(TINY)]) == 0
    assert main(["build", "--data", str(TINY), "--out", str(tmp_path), "--reasoner", "none"]) == 0
    err = capsys.readouterr().err
    assert calls == ["check", "build"]
    assert re.search(r"^ok: 2 agreements, .* triples$", err, re.M) and "built 2 agreements" in err


# --- the README's example, as written -----------------------------------------------------------


def readme_example() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## Python API\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)```", section, re.S)
    assert len(blocks) == 1, "the Python API section has one example"
    return blocks[0]


@pytest.mark.java
def test_the_readme_example_runs_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """In a fresh directory holding the shipped data as ``data/``; the build reasons with HermiT (auto)."""
    pd = pytest.importorskip("pandas")
    (tmp_path / "data").symlink_to(SHIPPED, target_is_directory=True)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {}
    exec(compile(readme_example(), "README.md", "exec"), namespace)
    kg = namespace["kg"]
    assert isinstance(kg, coopgraph.KnowledgeGraph) and kg.summary is not None
    assert kg.summary.counts["inferred triples"] > 0  # reasoned
    assert isinstance(namespace["latest"], dt.date)
    assert isinstance(namespace["df"], pd.DataFrame) and len(namespace["df"]) == len(namespace["rows"])  # type: ignore[arg-type]
    assert isinstance(namespace["g"], Dataset)
    graph = namespace["G"]
    assert isinstance(graph, nx.MultiDiGraph) and THAILAND in graph
    assert (tmp_path / "thailand.html").read_bytes().startswith(b"<!DOCTYPE html>")
    assert (tmp_path / "build" / "store").exists()
    assert "country:indonesia" in capsys.readouterr().out
    json.dumps([{k: str(v) for k, v in r.items()} for r in namespace["rows"]])  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "value", ["x> } ; DROP ALL #", 'a"b', "line\nbreak", "brace } # hash", "nul\u0000", "x" * 100_000]
)
def test_hostile_parameter_values_are_inert_or_refused(kg: coopgraph.KnowledgeGraph, value: str) -> None:
    """A saved query's parameters go into its text as constants only as one inert token (sparql/constants.py)."""
    assert len(kg.query("label-search", text=value)) == 0  # one odd text to look for
    try:
        answered = kg.query("agreements-of-country", country=f"country:{value}")
    except coopgraph.CoopgraphError as error:
        assert re.search(r"parameter country=.* is not an IRI", str(error)) and "\n" not in str(error)[:-1]
    else:
        assert len(answered) == 0  # a valid IRI naming nothing: an inert constant
    with pytest.raises(coopgraph.CoopgraphError, match=r"is not a date"):
        kg.query("agreements-of-country", as_of=f"2024-01-01{value}")
