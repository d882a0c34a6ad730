"""project: RDF -> networkx views with typed, labelled nodes and edges; cooperation from inferred or asserted."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from coopgraph.curate.checker import curate
from coopgraph.errors import CoopgraphError
from coopgraph.graph.dataset import Parts, new_graph
from coopgraph.graph.populate import populate
from coopgraph.graph.store import memory_store, open_store
from coopgraph.graph.vocab import COOP, individual
from coopgraph.views import labels as projection
from coopgraph.views.facts import Period
from coopgraph.views.index import INVERSE, PREDICATES, read_index
from coopgraph.views.labels import RELATIONS, Lit
from coopgraph.views.project import choose, project
from tests.conftest import ROOT, TINY

ALPHA = str(individual("country", "alpha"))
BETA = str(individual("country", "beta"))
GAMMA = str(individual("country", "gamma"))
OMEGA = str(individual("country", "omega"))
MOU = str(individual("agreement", "alpha-beta-digital-mou-2024"))
BLOC_MOU = str(individual("agreement", "bloc-beta-mou-2025"))
ADA = str(individual("person", "ada-alpha"))
EMERGING = str(individual("topic", "emerging-technologies"))


@pytest.fixture(scope="module")
def store(tiny_build: Path) -> ox.Store:
    return open_store(tiny_build)


def test_all_view_has_typed_nodes_with_labels_alt_labels_facts_and_sources(store: ox.Store) -> None:
    graph = project(store, view="all")
    assert graph.nodes[ALPHA]["kind"] == "country"
    assert (graph.nodes[ALPHA]["label_en"], graph.nodes[ALPHA]["label_th"]) == ("Alpha", "อัลฟา")
    assert graph.nodes[BETA]["label_th"] == "Beta"  # no Thai name: English shown
    assert "Ada Alfa" in graph.nodes[ADA]["alt"]
    assert graph.nodes[MOU]["kind"] == "agreement"
    facts = {key: en for key, en, _ in graph.nodes[MOU]["facts"]}
    assert facts["signed"] == "2024-02-02"
    assert "status" not in facts  # the status depends on the date: the page reads it off the intervals
    info = graph.graph["agreements"][MOU]
    assert [i[:2] for i in info.intervals[:2]] == [("cabinet-approved", "2024-01-01"), ("signed", "2024-02-02")]
    assert facts["term"] == "P5Y"
    thai_facts = {key: th for key, _, th in graph.nodes[MOU]["facts"]}
    assert "พ.ศ. 2567" in thai_facts["signed"]
    assert ["https://example.org/news/1", "Alpha and Beta sign an MOU", "อัลฟาและเบตาลงนามบันทึกความเข้าใจ"] in (
        graph.nodes[MOU]["sources"]
    )
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"agreement", "country", "igo", "meeting", "ministry", "person", "place", "post", "topic"}
    assert not any("/signing/" in n or "/signature/" in n or "/tenure/" in n for n in graph)  # folded into edges


def test_all_view_edges_are_labelled_relations(store: ox.Store) -> None:
    graph = project(store, view="all")
    assert graph.has_edge(ADA, MOU, "signed")
    assert graph.edges[ADA, MOU, "signed"]["label_th"] == RELATIONS["signed"][1]
    assert "2024-02-02" in graph.edges[ADA, MOU, "signed"]["note"]
    assert graph.has_edge(MOU, str(individual("organization", "alpha-digital-ministry")), "party")
    assert graph.has_edge(ALPHA, str(individual("organization", "bloc")), "member-of")
    for _, _, key, data in graph.edges(keys=True, data=True):
        assert data["relation"] == key and data["label_en"] and data["label_th"]


def test_countries_view_derives_cooperation_from_asserted_graph(store: ox.Store) -> None:
    graph = project(store, view="countries")
    # the 2024 MOU (through ministries serving alpha and beta) and the 2025 bloc MOU (alpha in the bloc then)
    assert set(graph) == {ALPHA, BETA}
    assert graph.edges[ALPHA, BETA, "cooperates-with"]["weight"] == 2
    assert graph.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [MOU, BLOC_MOU]
    assert GAMMA not in graph  # joined the bloc in 2030, after the 2025 MOU


def test_countries_view_weights_follow_the_period(store: ox.Store) -> None:
    early = project(store, view="countries", period=Period.parse(None, "2024"))
    assert early.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [MOU]
    late = project(store, view="countries", period=Period.parse("2025-01", None))
    assert late.edges[ALPHA, BETA, "cooperates-with"]["agreements"] == [BLOC_MOU]
    none = project(store, view="countries", period=Period.parse("2026", None))
    assert none.number_of_nodes() == 0


def test_countries_view_prefers_the_inferred_graph() -> None:
    asserted, _ = populate(curate(TINY))
    inferred = new_graph()
    from rdflib import URIRef

    inferred.add((URIRef(ALPHA), COOP.cooperatesWith, URIRef(OMEGA)))
    inferred.add((URIRef(OMEGA), COOP.cooperatesWith, URIRef(ALPHA)))
    inferred.add((URIRef(ALPHA), COOP.cooperatesThrough, URIRef(BLOC_MOU)))
    inferred.add((URIRef(OMEGA), COOP.cooperatesThrough, URIRef(BLOC_MOU)))
    graph = project(memory_store(Parts(new_graph(), asserted, inferred)), view="countries")
    assert [(a, b) for a, b, _ in graph.edges(keys=True)] == [(ALPHA, OMEGA)]
    assert graph.edges[ALPHA, OMEGA, "cooperates-with"]["weight"] == 1


def test_topics_view_counts_agreements_with_broader_topics(store: ox.Store) -> None:
    graph = project(store, view="topics")
    # the MOU on artificial intelligence (narrower) and the bloc MOU on emerging technologies
    assert graph.edges[ALPHA, EMERGING, "cooperates-on"]["weight"] == 2
    assert graph.nodes[EMERGING]["kind"] == "topic"
    assert graph.has_edge(str(individual("topic", "artificial-intelligence")), EMERGING, "broader")


def test_ego_view_by_depth(store: ox.Store) -> None:
    one = project(store, view="ego", focus="person/ada-alpha", depth=1)
    assert one.graph["focus"] == ADA
    assert {MOU, str(individual("post", "alpha-digital-minister"))} <= set(one)
    assert BETA not in one
    assert set(project(store, view="ego", focus="ada-alpha", depth=0)) == {ADA}
    two = project(store, view="ego", focus="Ada Alfa", depth=2)  # a variant name finds her too
    assert set(one) < set(two)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"view": "ego"}, "needs --focus"),
        ({"view": "ego", "focus": "nobody"}, "no such entity"),
        ({"view": "countries", "focus": "alpha"}, "--focus applies to --view ego"),
        ({"view": "planets"}, "choose one of"),
    ],
)
def test_bad_view_options_are_user_errors(store: ox.Store, kwargs: dict[str, str], message: str) -> None:
    with pytest.raises(CoopgraphError, match=message):
        project(store, **kwargs)  # type: ignore[arg-type]


def test_period_covers_imprecise_dates() -> None:
    from coopgraph.curate.dates import parse_date

    year = Period.parse("2024", "2024")
    assert year.covers(parse_date("2024-12-31")) and not year.covers(parse_date("2025-01-01"))
    assert Period.parse("2024-02", None).covers(parse_date("2024"))  # 2024 may be after February
    assert not Period.parse("2025", None).covers(None)  # unknown date: not in a bounded period
    assert Period().covers(None)
    with pytest.raises(CoopgraphError, match="after"):
        Period.parse("2025", "2024")
    with pytest.raises(CoopgraphError, match="bad date"):
        Period.parse("2024-13", None)


def test_period_drops_what_hung_only_on_dropped_agreements(store: ox.Store) -> None:
    graph = project(store, view="all", period=Period.parse("2025", None))
    assert MOU not in graph and ADA not in graph
    assert BLOC_MOU in graph and BETA in graph
    assert OMEGA in graph  # never tied to an agreement: stays


def test_same_data_same_graph(store: ox.Store) -> None:
    first, second = project(store, view="all"), project(store, view="all")
    assert list(first.nodes(data=True)) == list(second.nodes(data=True))
    assert list(first.edges(keys=True, data=True)) == list(second.edges(keys=True, data=True))
    assert list(first) == sorted(first)
    assert isinstance(first, nx.MultiDiGraph)


# --------------------------------------------------------------------------- large views are capped


def synthetic_store(countries: int = 40, agreements: int = 1200) -> ox.Store:
    """A generated world of many agreements, without the pipeline: each between two countries, on a topic,
    signed by a person of its own, with a literal that needs N-Triples escapes."""
    from coopgraph.graph.store import graph_node

    graph = graph_node("asserted")
    quads: list[ox.Quad] = []
    inferred: list[ox.Quad] = []

    def add(s: str, p: object, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(str(p)), o, graph))

    rdf_type, label, date = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type", str(SKOS_PREF), str(COOP.date)
    nations = [str(individual("country", f"c{i:03d}")) for i in range(countries)]
    for i, nation in enumerate(nations):
        add(nation, rdf_type, ox.NamedNode(str(COOP.Country)))
        add(nation, label, ox.Literal(f"Country {i}", language="en"))
        add(nation, label, ox.Literal(f"ประเทศ {i}", language="th"))
    topics = [str(individual("topic", f"t{i}")) for i in range(5)]
    for i, topic in enumerate(topics):
        add(topic, rdf_type, ox.NamedNode(str(COOP.Topic)))
        add(topic, label, ox.Literal(f'Topic "{i}" \\ <b>\n', language="en"))
    for j in range(agreements):
        agreement, person = str(individual("agreement", f"a{j:05d}")), str(individual("person", f"p{j:05d}"))
        signing, signature = f"{agreement}/signing", f"{agreement}/signature"
        add(agreement, rdf_type, ox.NamedNode(str(COOP.MemorandumOfUnderstanding)))
        add(agreement, label, ox.Literal(f"Agreement {j}", language="en"))
        for party in {nations[j % countries], nations[(j * 7 + 1) % countries]}:
            add(agreement, COOP.hasParty, ox.NamedNode(party))
        add(agreement, COOP.hasTopic, ox.NamedNode(topics[j % len(topics)]))
        add(agreement, COOP.hasSigning, ox.NamedNode(signing))
        day = f"{2000 + j % 25}-0{1 + j % 9}-1{j % 10}"
        add(signing, date, ox.Literal(day))
        # what the reasoning stage writes into the inferred graph of every build: the status intervals
        interval = f"{agreement}/status/1"
        inferred.append(ox.Quad(ox.NamedNode(agreement), ox.NamedNode(str(COOP.hasStatusInterval)),
                                ox.NamedNode(interval), graph_node("inferred")))
        inferred.append(ox.Quad(ox.NamedNode(interval), ox.NamedNode(str(COOP.status)),
                                ox.NamedNode(str(COOP.Signed)), graph_node("inferred")))
        inferred.append(ox.Quad(ox.NamedNode(interval), ox.NamedNode(str(COOP["from"])),
                                ox.Literal(day, datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#date")),
                                graph_node("inferred")))
        add(signing, COOP.hasSignature, ox.NamedNode(signature))
        add(signature, COOP.signatory, ox.NamedNode(person))
        add(person, rdf_type, ox.NamedNode(str(COOP.Person)))
        add(person, label, ox.Literal(f"Person {j}", language="en"))
    store = ox.Store()
    store.extend(quads + inferred)
    return store


SKOS_PREF = "http://www.w3.org/2004/02/skos/core#prefLabel"
NAMESPACES = {name: getattr(projection, name) for name in ("COOP", "SKOS", "RDFS", "RDF", "OWL", "DCTERMS", "PROV")}


@pytest.fixture(scope="module")
def big_store() -> ox.Store:
    return synthetic_store(countries=30, agreements=150)


def test_a_view_above_the_limit_keeps_countries_topics_then_the_most_connected(big_store: ox.Store) -> None:
    full = project(big_store, view="all")
    assert "omitted" not in full.graph and full.number_of_nodes() == 30 + 5 + 150 + 150
    capped = project(big_store, view="all", limit=100)
    assert capped.number_of_nodes() == 100
    kinds = Counter(data["kind"] for _, data in capped.nodes(data=True))
    assert kinds == {"country": 30, "topic": 5, "agreement": 65}  # agreements before people
    omitted = capped.graph["omitted"]
    assert omitted == {"limit": 100, "nodes": full.number_of_nodes(), "edges": full.number_of_edges(),
                       "kinds": {"person": 150, "agreement": 85}}
    assert sorted(capped.edges(keys=True)) == sorted(full.subgraph(capped).edges(keys=True))
    drawn = {n for n, data in capped.nodes(data=True) if data["kind"] == "agreement"}
    assert set(capped.graph["agreements"]) == drawn  # the page lists only the agreements it draws
    for node, data in capped.nodes(data=True):
        assert set(data["agreements"]) <= drawn
        counted = [f[1] for f in data["facts"] if f[0] == "agreements"]
        if data["kind"] != "agreement":  # the count agrees with the list
            assert counted == ([str(len(data["agreements"]))] if data["agreements"] else [])
        assert (data["label_en"], data["sources"]) == (full.nodes[node]["label_en"], full.nodes[node]["sources"])
    assert project(big_store, view="all", limit=100).graph == capped.graph
    assert list(project(big_store, view="all", limit=100).nodes(data=True)) == list(capped.nodes(data=True))


def test_at_the_limit_nothing_is_left_out(big_store: ox.Store) -> None:
    full = project(big_store, view="all")
    same = project(big_store, view="all", limit=full.number_of_nodes())
    assert "omitted" not in same.graph
    assert list(same.nodes(data=True)) == list(full.nodes(data=True))
    assert list(same.edges(keys=True, data=True)) == list(full.edges(keys=True, data=True))


def test_a_capped_ego_view_keeps_its_focus(big_store: ox.Store) -> None:
    person = str(individual("person", "p00007"))
    ego = project(big_store, view="ego", focus="person/p00007", depth=3, limit=20)
    assert ego.number_of_nodes() == 20 and person in ego and ego.graph["focus"] == person
    whole = project(big_store, view="ego", focus="person/p00007", depth=3)
    assert ego.graph["omitted"]["nodes"] == whole.number_of_nodes() > 20


def test_choose_keeps_agreements_then_their_parties_then_leaf_detail() -> None:
    kinds = {f"c{i}": "country" for i in range(3)} | {f"a{i}": "agreement" for i in range(10)}
    kinds |= {f"m{i}": "ministry" for i in range(4)} | {f"p{i}": "person" for i in range(5)}
    degree = {node: int(node[1:]) for node in kinds}
    assert choose(kinds, degree, 11) == {"c0", "c1", "c2", "a9", "a8", "a7", "a6", "a5", "a4", "a3", "a2"}
    assert choose(kinds, degree, 15) == {"c0", "c1", "c2", *(f"a{i}" for i in range(10)), "m3", "m2"}
    # the parties of the drawn agreements come before other organisations, however little connected
    assert choose(kinds, degree, 14, parties={"a1": {"m0"}}) == {"c0", "c1", "c2", *(f"a{i}" for i in range(10)), "m0"}
    assert choose(kinds, degree, 22) == set(kinds)
    assert choose(kinds, degree, 2, pinned=["p0"]) == {"p0", "c2"}


def test_the_index_reads_what_the_views_use(big_store: ox.Store) -> None:
    """read_index splits Oxigraph's N-Triples itself: the same terms as the quads, escapes undone."""
    import re

    index = read_index(big_store)
    topic = str(individual("topic", "t3"))
    assert index.label(topic, "en") == 'Topic "3" \\ <b>\n'
    graph = graph_node_asserted()
    for quad in big_store.quads_for_pattern(None, None, None, graph):
        s, o = quad.subject, quad.object
        assert isinstance(s, ox.NamedNode) and isinstance(o, ox.NamedNode | ox.Literal)
        term = o.value if isinstance(o, ox.NamedNode) else Lit(o.value, o.language or "", o.datatype.value)
        assert term in index.out[s.value][quad.predicate.value]
    source = "".join(p.read_text() for p in sorted((ROOT / "src" / "coopgraph" / "views").glob("*.py")))
    used = set(re.findall(r"\b((?:COOP|SKOS|RDFS|RDF|OWL|DCTERMS|PROV)\.[a-z]\w*)", source))
    used -= {"COOP.cooperatesWith", "COOP.cooperatesThrough"}  # read from the inferred graph, not the index
    missing = {name for name in used if _iri(name) not in PREDICATES}
    assert not missing, f"read_index skips predicates the views read: {missing}"
    backwards = set(re.findall(r"subjects\(((?:COOP|SKOS|RDFS|RDF|OWL|DCTERMS|PROV)\.\w+)", source))
    assert backwards and {_iri(name) for name in backwards} <= INVERSE


def _iri(name: str) -> str:
    """``COOP.bloc`` as project.py reads it."""
    namespace, term = name.split(".")
    return str(getattr(NAMESPACES[namespace], term))


def graph_node_asserted() -> ox.NamedNode:
    from coopgraph.graph.store import graph_node

    return graph_node("asserted")
