"""Saved queries with their parameters written in as constants give the rows substitution gives.

Every saved query, on the tiny world, the shipped data and a generated 300-agreement world (the
last two reasoned with the rules, so the queries over coop:Cooperation answer something), over
several countries, dates and status filters: the rewritten text (:func:`inline`) and Oxigraph's
``substitutions=`` of the same terms answer the same rows in the same order.  And a value can
never change a query's shape: hostile values are written in only as one inert token, else they
stay substitutions (the channels' own tests are in test_query, test_endpoint and the API's).
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from coopgraph.graph.store import open_store
from coopgraph.sparql.constants import INERT, MAX_INLINE, inline
from coopgraph.sparql.query import query_prefixes, run
from coopgraph.sparql.queryfile import bind, saved_queries

SAVED = saved_queries()
DATES = ("2026-01-01", "2019-06-01", "2005-01-01")
FILTERS = ("in-effect", "any", "ended", "signed")
HOSTILE = (
    "x> } ; DROP ALL #",
    'a"b',
    "line\nbreak",
    "brace } # hash",
    "nul\u0000",
    "back\\slash \\u0022",
    "x" * 100_000,
    "?country",
    "' } UNION { ?s ?p ?o } #",
)


def _iris(store: ox.Store, kind: str, limit: int = 3) -> list[str]:
    """The things of a class with the most statements about them, and one with the fewest."""
    found = store.query(
        f"SELECT ?x (COUNT(*) AS ?k) WHERE {{ ?x a <https://w3id.org/coopgraph/ontology#{kind}> ; ?p ?o }} "
        "GROUP BY ?x ORDER BY DESC(?k) ?x",
        use_default_graph_as_union=True,
    )
    ranked = [f"<{row[0].value}>" for row in found]  # type: ignore[index,union-attr]
    return ranked[:limit] + ranked[-1:]


def _cases(store: ox.Store, params: dict) -> list[dict[str, str]]:
    """Parameter sets to compare: the defaults, then the IRIs, dates and filters varied one by one."""
    cases: list[dict[str, str]] = [{}]
    kinds = {"country": "Country", "partner": "Country", "agreement": "Agreement", "organization": "Organization"}
    for name, param in params.items():
        if param.type == "iri" and name in kinds:
            cases += [{name: iri} for iri in _iris(store, kinds[name])]
        elif param.type == "date":
            cases += [{name: day} for day in DATES]
        elif param.type == "status":
            cases += [{name: f} for f in FILTERS]
        elif param.type == "lang":
            cases.append({name: "th"})
    return cases


@pytest.mark.parametrize("world", ["tiny_build", "reasoned_shipped", "reasoned_synthetic"])
def test_every_saved_query_answers_the_same_with_constants(request: pytest.FixtureRequest, world: str) -> None:
    store = open_store(request.getfixturevalue(world))
    prefixes = query_prefixes()
    answered: dict[str, int] = {}
    for name, saved in SAVED.items():
        if name == "cooperation-network" and world == "reasoned_synthetic":
            continue  # one row per pair and agreement: slow here, and compared on the other two worlds
        for given in _cases(store, dict(saved.params)):
            bindings = bind(dict(saved.params), given, prefixes, where=name)
            expected = run(store, saved.text, bindings=bindings, prefixes=prefixes)
            got = run(store, saved.text, bindings=bindings, prefixes=prefixes, inline=True)
            assert (got.columns, got.rows, got.boolean) == (expected.columns, expected.rows, expected.boolean), (
                name,
                given,
            )
            assert set(got.triples) == set(expected.triples), (name, given)  # a graph's order means nothing
            answered[name] = answered.get(name, 0) + len(got.rows) + len(got.triples) + got.boolean
    assert sum(answered.values()) > 0
    if world == "reasoned_shipped":  # the defaults name things of the shipped data: every query answers
        assert sorted(n for n, k in answered.items() if not k) == []


@pytest.mark.parametrize("name", sorted(SAVED))
def test_every_saved_query_takes_its_parameters_as_constants(name: str) -> None:
    """No saved query falls back to substitution for its defaults, and Oxigraph reads the rewrite."""
    saved = SAVED[name]
    bindings = bind(dict(saved.params), {}, query_prefixes(), where=name)
    text, left = inline(saved.text, bindings)
    assert left == {}
    if bindings:
        assert text != saved.text
        for term in bindings.values():
            assert str(term) in text
    ox.Store().query(text, prefixes=query_prefixes())  # parses (a syntax error raises)


def test_constants_go_where_substitution_reaches_and_nowhere_else() -> None:
    text = (
        "SELECT ?c ?n WHERE {\n"
        '  ?x <p> ?c . FILTER(?x != "?c") # ?c in a comment\n'
        "  { SELECT ?c (COUNT(?y) AS ?n) WHERE { ?y <q> ?c } GROUP BY ?c ORDER BY DESC(?c) }\n"
        "  { SELECT ?z WHERE { ?z <r> ?c } }\n"
        "  FILTER EXISTS { ?c <s> <http://e/?c> }\n"
        "} ORDER BY ?c"
    )
    c = ox.NamedNode("http://e/a")
    got, left = inline(text, {"c": c})
    assert left == {}
    assert got == (
        "SELECT (<http://e/a> AS ?c) ?n WHERE {\n"
        '  ?x <p> <http://e/a> . FILTER(?x != "?c") # ?c in a comment\n'
        "  { SELECT  (COUNT(?y) AS ?n) WHERE { ?y <q> <http://e/a> } GROUP BY (<http://e/a>) "
        "ORDER BY DESC(<http://e/a>) }\n"
        "  { SELECT ?z WHERE { ?z <r> ?c } }\n"  # a sub-SELECT that does not project ?c: another variable
        "  FILTER EXISTS { <http://e/a> <s> <http://e/?c> }\n"
        "} ORDER BY (<http://e/a>)"
    )


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?c WHERE { ?x <p> ?o MINUS { ?x <q> ?c } }",
        "SELECT ?c WHERE { VALUES ?c { <http://e/b> } ?x <p> ?c }",
        "SELECT ?c WHERE { ?x <p> ?o BIND(?o AS ?c) }",
        "SELECT ?c WHERE { ?x <p> ?c FILTER(BOUND(?c)) }",
        "SELECT ?c ?x WHERE { { SELECT ?c ?x WHERE { ?x <p> ?c } LIMIT 1 } }",
        "SELECT ?c WHERE { { SELECT ?c WHERE { ?x <p> ?c } } }",  # the sub-SELECT would project nothing
        "SELECT ?x WHERE { ?x <p> ?c }",  # not projected: Oxigraph's own error stands
    ],
)
def test_shapes_not_rewritten_keep_substitution(text: str) -> None:
    bindings = {"c": ox.NamedNode("http://e/a")}
    assert inline(text, bindings) == (text, bindings)


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_is_one_inert_token_or_stays_substituted(value: str) -> None:
    from coopgraph.sparql.query import keywords

    saved = SAVED["label-search"]
    bindings = bind(dict(saved.params), {"text": value}, query_prefixes(), where="label-search")
    text, left = inline(saved.text, bindings)
    written = str(bindings["text"])
    if "text" in left:  # kept as a substitution: nothing of it is in the text
        assert not INERT.fullmatch(written) or len(written) > MAX_INLINE
        assert written not in text
    else:  # one token with no escape in it, wherever it stands
        assert INERT.fullmatch(written) and len(written) <= MAX_INLINE
    assert [w for w in keywords(text) if w != "AS"] == [w for w in keywords(saved.text) if w != "AS"]
    store = ox.Store()
    label = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
    store.add(ox.Quad(ox.NamedNode("http://e/a"), label, ox.Literal(value)))
    store.add(ox.Quad(ox.NamedNode("http://e/b"), label, ox.Literal("other")))
    found = run(store, saved.text, bindings=bindings, prefixes=query_prefixes(), inline=True)
    assert found.rows == run(store, saved.text, bindings=bindings, prefixes=query_prefixes()).rows
    assert [row[0] for row in found.rows] == [ox.NamedNode("http://e/a")]
