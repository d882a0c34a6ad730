"""``shared-agreements``, rewritten for 100k agreements, gives the rows of its earlier text for every pair.

The earlier text (``tests/sparql/reference/shared-agreements.rq``) joined the two unions of "how
each takes part" before the two countries' cooperation nodes restricted them (past 600 s at 100k);
the saved text reads each side from its country.  Both must answer exactly the same rows in the
same order: here on the tiny world, the shipped data and a generated 300-agreement world, without
and with the rules reasoner, for many pairs of countries (the most and least connected, members of
the largest bloc, pairs with nothing in common, the saved defaults, a pair reversed, a country
with itself), several dates, status filters and a language, the saved text run both with its
parameters as constants (as saved queries run) and substituted.  Speed is measured in
``benchmarks/`` (WHY.md, "Scale, fifth session"), not here.
"""

from __future__ import annotations

from itertools import permutations
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.graph.store import open_store
from coopgraph.sparql.constants import inline
from coopgraph.sparql.query import query_prefixes, run
from coopgraph.sparql.queryfile import bind, saved_queries

REFERENCE = Path(__file__).parent / "reference" / "shared-agreements.rq"
COOP = "https://w3id.org/coopgraph/ontology#"
CASES = (  # (as_of, status_filter, lang): the defaults first, then dates, phases, one status, Thai
    {},
    {"status_filter": "any"},
    {"as_of": "2024-03-01", "status_filter": "any"},
    {"as_of": "2015-06-01", "status_filter": "ended"},
    {"as_of": "2005-01-01", "status_filter": "pending"},
    {"as_of": "2023-01-01", "status_filter": "signed", "lang": "th"},
)


def _column(store: ox.Store, query: str) -> list[str]:
    found = store.query(f"PREFIX coop: <{COOP}> {query}", use_default_graph_as_union=True)
    return [f"<{row[0].value}>" for row in found]  # type: ignore[index,union-attr]


def _pairs(store: ox.Store) -> list[tuple[str, str]]:
    """Pairs of countries worth comparing on this store (IRIs in N-Triples form)."""
    ranked = _column(
        store,
        "SELECT ?c (COUNT(?n) AS ?k) WHERE { ?c coop:hasCooperation ?n } GROUP BY ?c ORDER BY DESC(?k) ?c",
    )
    countries = _column(store, "SELECT ?c WHERE { ?c a coop:Country } ORDER BY ?c")
    bloc = _column(  # the members of the bloc with the most members
        store,
        "SELECT ?c WHERE { { SELECT ?b (COUNT(?m) AS ?k) WHERE { ?m coop:bloc ?b } GROUP BY ?b "
        "ORDER BY DESC(?k) ?b LIMIT 1 } ?m coop:bloc ?b ; coop:member ?c } ORDER BY ?c",
    )
    busy = ranked[:3] + ranked[-1:]
    pairs = list(permutations(busy, 2))  # each pair both ways round
    pairs += [(a, b) for a, b in zip(bloc, bloc[1:] + bloc[:1], strict=True) if a != b][:4]
    pairs += [(a, b) for a in ranked[:1] for b in countries if b not in ranked][:2]  # nothing shared
    pairs += [(ranked[0], ranked[0])] if ranked else []  # a country with itself
    pairs += [("<https://w3id.org/coopgraph/id/country/thailand>", "<https://w3id.org/coopgraph/id/country/indonesia>")]
    return list(dict.fromkeys(pairs))


@pytest.mark.parametrize(
    "world", ["tiny_build", "shipped_build", "reasoned_shipped", "synthetic_build", "reasoned_synthetic"]
)
def test_shared_agreements_gives_the_reference_rows(request: pytest.FixtureRequest, world: str) -> None:
    store = open_store(request.getfixturevalue(world))
    prefixes = query_prefixes()
    saved = saved_queries()["shared-agreements"]
    reference = REFERENCE.read_text(encoding="utf-8")
    answered = 0
    for country, partner in _pairs(store):
        for case in CASES:
            given = {"country": country, "partner": partner, **case}
            bindings = bind(dict(saved.params), given, prefixes, where="shared-agreements")
            expected = run(store, reference, bindings=bindings, prefixes=prefixes)
            assert expected.rows == run(store, reference, bindings=bindings, prefixes=prefixes, inline=True).rows
            for constants in (True, False):
                got = run(store, saved.text, bindings=bindings, prefixes=prefixes, inline=constants)
                assert got.columns == expected.columns
                assert got.rows == expected.rows, (world, given, constants)
            answered += len(expected.rows)
    if world != "tiny_build":
        assert answered > 0, f"shared-agreements answers something on {world}"


def test_the_saved_text_takes_both_countries_as_constants() -> None:
    """Every parameter is written into the text (what makes Oxigraph start from the country)."""
    saved = saved_queries()["shared-agreements"]
    bindings = bind(dict(saved.params), {}, query_prefixes(), where="shared-agreements")
    written, left = inline(saved.text, bindings)
    assert left == {}
    assert "<https://w3id.org/coopgraph/id/country/thailand> coop:hasCooperation" in written
    assert "coop:member <https://w3id.org/coopgraph/id/country/indonesia>" in written
