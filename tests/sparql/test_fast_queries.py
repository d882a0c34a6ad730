"""Saved queries rewritten for speed at 100k agreements give the rows of their plain formulations.

``tests/sparql/reference/`` keeps each rewritten query as it was before (the straightforward
formulation: the status interval holding on ``as_of`` as one OPTIONAL of five patterns, which
Oxigraph answers with a hash join over every interval in the store).  The saved query must give
exactly the same rows, in the same order, on the tiny, the shipped and a small synthetic world
(blocs with dated memberships, partial dates, expired and renewed terms), and a crafted one with
overlapping blocs (``cooperation-network``'s country groups), on several dates and under every kind
of status filter.  How fast is measured in ``benchmarks/``, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from coopgraph.graph.store import open_store
from coopgraph.sparql.query import query_prefixes, run
from coopgraph.sparql.queryfile import bind, saved_queries

REFERENCE = Path(__file__).parent / "reference"
REWRITTEN = sorted(p.stem for p in REFERENCE.glob("*.rq"))
DATES = ("2026-01-01", "2024-03-01", "2023-01-01", "2015-06-01", "2005-01-01")
FILTERS = ("in-effect", "any", "pending", "ended", "signed", "expired", "unknown")
LANGS = ("en", "th")  # names in Thai where there are, else English (alternating with the filters)


@pytest.fixture(scope="module")
def overlapping_store() -> object:
    """Two blocs sharing a member, a member also a party, the same pair twice (tests/reason/test_cooperation.py)."""
    from tests.reason.test_cooperation import overlapping_store

    return overlapping_store()


def _countries(store: object, limit: int = 3) -> list[str]:
    """The countries with the most cooperation nodes (bloc members among them), and one with few."""
    found = store.query(  # type: ignore[attr-defined]
        "SELECT ?c (COUNT(?n) AS ?k) WHERE { ?c <https://w3id.org/coopgraph/ontology#hasCooperation> ?n } "
        "GROUP BY ?c ORDER BY DESC(?k) ?c",
        use_default_graph_as_union=True,
    )
    ranked = [f"<{row[0].value}>" for row in found]
    return ranked[:limit] + ranked[-1:]


@pytest.mark.parametrize("world", ["tiny_build", "shipped_build", "synthetic_build", "overlapping_store"])
@pytest.mark.parametrize("name", REWRITTEN)
def test_rewritten_query_gives_the_reference_rows(request: pytest.FixtureRequest, world: str, name: str) -> None:
    built = request.getfixturevalue(world)
    store = open_store(built) if isinstance(built, Path) else built
    prefixes = query_prefixes()
    saved = saved_queries()[name]
    reference = (REFERENCE / f"{name}.rq").read_text(encoding="utf-8")
    countries = _countries(store) if "country" in saved.params else [None]
    compared = 0
    seen: set[frozenset[tuple[str, str]]] = set()
    for country in countries:
        for as_of in DATES:
            for status_filter, lang in zip(FILTERS, LANGS * len(FILTERS)):
                given = {"as_of": as_of, "status_filter": status_filter, "country": country, "months": "60", "lang": lang}
                given = {k: v for k, v in given.items() if v and k in saved.params}
                if frozenset(given.items()) in seen:  # a query without some of these parameters
                    continue
                seen.add(frozenset(given.items()))
                bindings = bind(dict(saved.params), given, prefixes, where=name)
                expected = run(store, reference, bindings=bindings, prefixes=prefixes)
                got = run(store, saved.text, bindings=bindings, prefixes=prefixes)
                assert got.columns == expected.columns
                assert got.rows == expected.rows, (name, country, as_of, status_filter)
                assert got.boolean == expected.boolean, (name, country, as_of, status_filter)  # ASK
                compared += len(got.rows) + got.boolean
    if world == "shipped_build":  # the defaults of other parameters name things of the shipped data
        assert compared > 0, f"{name} answers something on {world}"
    if world == "overlapping_store" and name == "cooperation-network":
        assert compared > 0, f"{name} answers something on {world}"
