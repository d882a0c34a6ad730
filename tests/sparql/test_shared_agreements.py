"""``shared-agreements``, rewritten for 100k agreements, gives the rows of its earlier text for every pair.

The earlier text (``tests/sparql/reference/shared-agreements.rq``) joined the two unions of "how
each takes part" before the two countries' cooperation nodes restricted them (past 600 s at 100k);
the saved text reads each side from its country.  Both must answer exactly the same rows in the
same order: here on the tiny world, the shipped data and a generated 300-agreement world, without
and with the rules reasoner, for many pairs of countries (the most and least connected, members of
the largest bloc, pairs with nothing in common, the saved defaults, a pair reversed, a country
with itself), several dates, status filters and a language, the saved text run both with its
parameters as constants (as saved queries run) and substituted.  (The builds with the rules
reasoner have the same cooperation nodes: compared once, they gave the same rows.)  The
cooperation nodes follow the same rules as "how each takes part", so a slip in a bloc branch
would rarely show in the shared agreements: the second test also compares both texts over every
agreement, whoever its parties.  Speed is measured in
``benchmarks/`` (WHY.md, "Scale, fifth session"), not here.
"""

from __future__ import annotations

import re
import shutil
from itertools import permutations
from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.graph.store import open_store
from coopgraph.sparql.constants import inline
from coopgraph.sparql.query import query_prefixes, run
from coopgraph.sparql.queryfile import bind, saved_queries
from tests.conftest import TINY

REFERENCE = Path(__file__).parent / "reference" / "shared-agreements.rq"
COOP = "https://w3id.org/coopgraph/ontology#"
CASES: tuple[
    dict[str, str], ...
] = (  # (as_of, status_filter, lang): the defaults first, then dates, phases, one status, Thai
    {},
    {"status_filter": "any"},
    {"as_of": "2024-03-01", "status_filter": "any"},
    {"as_of": "2015-06-01", "status_filter": "ended"},
    {"as_of": "2005-01-01", "status_filter": "pending"},
    {"as_of": "2023-01-01", "status_filter": "signed", "lang": "th"},
)


def _column(store: ox.Store, query: str) -> list[str]:
    found = store.query(f"PREFIX coop: <{COOP}> {query}", use_default_graph_as_union=True)
    return [f"<{row[0].value}>" for row in found]  # type: ignore[union-attr]


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
    pairs += [(a, b) for a, b in zip(bloc, bloc[1:] + bloc[:1], strict=True) if a != b][:2]
    others = [c for c in countries if c not in bloc][:2]  # a bloc member with countries outside it, both ways
    pairs += [pair for m in bloc[:8] for o in others for pair in ((m, o), (o, m))]
    pairs += [(a, b) for a in ranked[:1] for b in countries if b not in ranked][:2]  # nothing shared
    pairs += [(ranked[0], ranked[0])] if ranked else []  # a country with itself
    pairs += [("<https://w3id.org/coopgraph/id/country/thailand>", "<https://w3id.org/coopgraph/id/country/indonesia>")]
    return list(dict.fromkeys(pairs))


# The bloc's members on the edges of the rules: joined on the signing day (in), a month after it but
# before the agreement took effect (out: a later step is not when it was made), in a month given
# without a day (out: the whole month must lie inside), left on the signing day (out), left in the
# month after (in), joined on the day of the meeting that adopted the second agreement (in).
EDGES = {
    "delta": "from: 2020-06-15",
    "epsilon": "from: 2020-07-01",
    "eta": "from: 2020-06",
    "zeta": "from: 2019, to: 2020-06-15",
    "theta": "from: 2019, to: 2020-07",
    "iota": "from: 2021-03-10",
}
EDGE_AGREEMENTS = {
    "bloc-beta-edges-2020": """kind: memorandum-of-understanding
title: {en: Edges MOU}
parties: [bloc, beta]
lifecycle:
  - {status: in-force, date: 2020-09-01}
signings:
  - date: 2020-06-15
    signatories:
      - {person: unknown, for: bloc}
sources: [bloc-charter]
""",
    "bloc-beta-adopted-2021": """kind: declaration
title: {en: Edges declaration}
parties: [bloc, beta]
adopted-at: bloc-summit-1
sources: [bloc-charter]
""",
}


@pytest.fixture(scope="module")
def edges_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny world with bloc members and agreements on the edges of the bloc rules (:data:`EDGES`)."""
    from coopgraph.pipeline import build

    data = tmp_path_factory.mktemp("edges") / "data"
    shutil.copytree(TINY, data)
    actors = (data / "actors.yaml").read_text(encoding="utf-8")
    members = "".join(f"    - {{country: {c}, {span}, sources: [bloc-charter]}}\n" for c, span in EDGES.items())
    marker = "    - {country: gamma, from: 2030-01-01, sources: [bloc-charter]}\n"
    assert marker in actors
    actors = actors.replace(marker, marker + members)
    actors += "".join(
        f"- id: {c}\n  kind: country\n  name: {{en: {c.title()}}}\n  sources: [bloc-charter]\n" for c in EDGES
    )
    (data / "actors.yaml").write_text(actors, encoding="utf-8")
    with (data / "meetings.yaml").open("a", encoding="utf-8") as meetings:
        meetings.write(
            "- id: bloc-summit-1\n  series: ministers-meeting\n  ordinal: 2\n  name: {en: Bloc summit}\n"
            "  start: 2021-03-10\n  place: alpha-city\n  sources: [bloc-charter]\n"
        )
    for name, text in EDGE_AGREEMENTS.items():
        (data / "agreements" / f"{name}.yaml").write_text(f"id: {name}\n{text}", encoding="utf-8")
    out = tmp_path_factory.mktemp("edges-build")
    build(data, out, reasoner="none")
    return out


@pytest.mark.parametrize("world", ["tiny_build", "edges_build", "shipped_build", "synthetic_build"])
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


SHARED = re.compile(  # the shared agreements: the first country's cooperation nodes with the second
    r"\?country coop:hasCooperation \?cooperation \.\s*"
    r"\?cooperation coop:partner \?partner ; coop:through \?agreement \."
)


@pytest.mark.parametrize("world", ["tiny_build", "edges_build", "shipped_build", "synthetic_build"])
def test_how_each_takes_part_matches_on_every_agreement(request: pytest.FixtureRequest, world: str) -> None:
    """Both texts with the shared agreements widened to every agreement: every way of taking part is compared."""
    store = open_store(request.getfixturevalue(world))
    prefixes = query_prefixes()
    saved = saved_queries()["shared-agreements"]
    texts = [REFERENCE.read_text(encoding="utf-8"), saved.text]
    widened = [SHARED.sub("?agreement coop:hasParty ?someone .", text) for text in texts]
    assert all(len(SHARED.findall(text)) == 1 for text in texts) and widened != texts
    answered: set[str] = set()
    for country, partner in _pairs(store):
        for case in CASES[1:4]:
            given = {"country": country, "partner": partner, **case}
            bindings = bind(dict(saved.params), given, prefixes, where="shared-agreements")
            expected, got = (run(store, text, bindings=bindings, prefixes=prefixes, inline=True) for text in widened)
            assert got.rows == expected.rows, (world, given)
            answered |= {str(row[expected.columns.index("countryVia")]) for row in expected.rows}
    if world not in ("tiny_build", "edges_build"):
        assert answered == {'"direct"', '"government body"', '"bloc"'}, answered


def test_the_edges_world_has_the_cases_it_is_for(edges_build: Path) -> None:
    """Who takes part through the bloc in the edge agreements: the rules' edges, as written above."""
    store = open_store(edges_build)
    found = {
        (row[0].value.rsplit("/", 1)[-1], row[1].value.rsplit("/", 1)[-1])
        for row in store.query(  # type: ignore[union-attr]
            f"PREFIX coop: <{COOP}> SELECT ?c ?a WHERE {{ ?c coop:hasCooperation/coop:through ?a "
            'FILTER(CONTAINS(STR(?a), "edges") || CONTAINS(STR(?a), "adopted")) }',
            use_default_graph_as_union=True,
        )
    }
    assert {c for c, a in found if a == "bloc-beta-edges-2020"} >= {"delta", "theta", "beta"}
    assert not {c for c, a in found if a == "bloc-beta-edges-2020"} & {"epsilon", "eta", "zeta", "iota"}
    assert {c for c, a in found if a == "bloc-beta-adopted-2021"} >= {"delta", "iota", "beta"}
