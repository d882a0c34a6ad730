"""query: the saved questions answered from the shipped data, through the CLI, in every format."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef

from coopgraph.cli import main
from coopgraph.errors import CoopgraphError
from coopgraph.graph.dataset import Parts, new_graph, read_ontology
from coopgraph.graph.store import memory_store
from coopgraph.graph.vocab import COOP, individual
from coopgraph.sparql.query import query_prefixes, run, with_prefixes, with_values
from coopgraph.sparql.queryfile import bind, find_query, saved_names
from tests.conftest import ROOT, TINY
from tests.sparql.conftest import Listener

AGREEMENT = "https://w3id.org/coopgraph/id/agreement/"
COUNTRY = "https://w3id.org/coopgraph/id/country/"
FORMATS = ("table", "csv", "tsv", "json", "markdown")


def cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def rows(
    capsys: pytest.CaptureFixture[str], build: Path, name: str, *params: str, lang: str | None = None
) -> list[dict[str, str]]:
    args = ["query", name, "--out", str(build), "-f", "csv", *[a for p in params for a in ("-p", p)]]
    code, out, err = cli(capsys, *args, *(["--lang", lang] if lang else []))
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


# --- every saved question runs, in every format --------------------------------------------------


@pytest.mark.parametrize("name", saved_names())
def test_every_saved_query_runs_in_every_format(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, name: str
) -> None:
    outputs = {}
    for fmt in FORMATS:
        code, out, err = cli(capsys, "query", name, "--out", str(shipped_build), "-f", fmt)
        assert code == 0, err
        assert out and not err
        outputs[fmt] = out
    kind = find_query(name).text
    if "CONSTRUCT" in kind:  # a graph: Turtle for the table formats, N-Triples for csv/tsv, JSON-LD for json
        assert len(Graph().parse(data=outputs["table"], format="turtle")) > 0
        assert len(Graph().parse(data=outputs["csv"], format="nt")) > 0
        assert len(Graph().parse(data=outputs["json"], format="json-ld")) > 0
    elif "ASK" in kind:
        assert json.loads(outputs["json"])["boolean"] in (True, False)
    else:
        document = json.loads(outputs["json"])
        table = list(csv.DictReader(io.StringIO(outputs["csv"])))
        assert len(document["results"]["bindings"]) == len(table) > 0
        assert "lang" not in document["head"]["vars"]  # a bound parameter is not repeated on every row
        assert outputs["markdown"].count("\n") == len(table) + 2


# --- the right answers on the shipped data ----------------------------------------------------------


def test_thailands_partners_include_indonesia_and_china(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    partners = {r["partner"].removeprefix(COUNTRY): r for r in rows(capsys, shipped_build, "partners-of-country")}
    assert {"indonesia", "china", "laos", "cambodia", "singapore"} <= set(partners)
    assert "thailand" not in partners and "germany" not in partners
    assert partners["indonesia"]["partnerLabel"] == "Indonesia"
    assert int(partners["indonesia"]["agreements"]) >= 2  # the MDES-Kominfo MOU and the ASEAN-China MOU
    assert int(partners["china"]["agreements"]) >= 2  # the MDES-NDA MOU and the ASEAN-China MOU
    thai = {
        r["partner"].removeprefix(COUNTRY): r["partnerLabel"]
        for r in rows(capsys, shipped_build, "partners-of-country", lang="th")
    }
    assert thai["china"] == "สาธารณรัฐประชาชนจีน"
    assert thai["malaysia"] == "Malaysia"  # no Thai name given: English instead


def test_thailand_and_indonesia_share_agreements_each_its_own_way(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    shared = {r["agreement"].removeprefix(AGREEMENT): r for r in rows(capsys, shipped_build, "shared-agreements")}
    mou = shared["mdes-kominfo-ict-digitalization-2024"]
    assert (mou["countryVia"], mou["partnerVia"]) == ("government body", "government body")
    assert mou["countryParty"].endswith("/mdes") and mou["partnerParty"].endswith("/kominfo")
    assert shared["asean-china-communications-digital-technology-2024"]["countryVia"] == "bloc"
    china = rows(capsys, shipped_build, "shared-agreements", "partner=china")
    assert {r["agreement"].removeprefix(AGREEMENT) for r in china} >= {
        "mdes-china-nda-digital-economy-2023",
        "asean-china-communications-digital-technology-2024",
    }
    assert {r["partnerVia"] for r in china} == {"direct", "government body"}  # China itself, and its NDA


def test_agreements_of_a_country_follow_ministries_and_blocs(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    found = {
        (r["agreement"].removeprefix(AGREEMENT), r["via"]) for r in rows(capsys, shipped_build, "agreements-of-country")
    }
    assert ("mdes-kominfo-ict-digitalization-2024", "government body") in found
    assert ("asean-china-communications-digital-technology-2024", "bloc") in found
    assert ("thailand-microsoft-digital-first-ai-2023", "government body") in found  # the Royal Thai Government
    assert ("ministerial-declaration-digital-cooperation-common-future-2022", "direct") in found


def test_bloc_membership_counts_only_on_the_signing_date(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    """Timor-Leste joined ASEAN in October 2025: the ASEAN-China MOU of February 2024 is not its."""
    timor = {
        r["agreement"].removeprefix(AGREEMENT)
        for r in rows(capsys, shipped_build, "agreements-of-country", "country=timor-leste")
    }
    assert "kominfo-timor-leste-mtc-communications-informatics-2024" in timor
    assert "asean-china-communications-digital-technology-2024" not in timor
    members_2025 = {
        r["member"].removeprefix(COUNTRY) for r in rows(capsys, shipped_build, "bloc-members", "date=2025-01-01")
    }
    members_2026 = {
        r["member"].removeprefix(COUNTRY) for r in rows(capsys, shipped_build, "bloc-members", "date=2026-01-01")
    }
    assert len(members_2025) == 10 and "thailand" in members_2025
    assert members_2026 - members_2025 == {"timor-leste"}


def test_ask_whether_two_countries_cooperate(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    for partner, answer in (("china", "true"), ("indonesia", "true"), ("germany", "false")):
        code, out, _ = cli(
            capsys, "query", "cooperate", "-p", f"partner={partner}", "--out", str(shipped_build), "-f", "csv"
        )
        assert (code, out.split()) == (0, ["boolean", answer])


def test_signatories_witnesses_and_posts(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    signatures = rows(capsys, shipped_build, "signatories")
    wisit = [r for r in signatures if r["signatory"].endswith("/wisit-wisitsora-at")]
    assert wisit and wisit[0]["agreement"].endswith("/mdes-kominfo-ict-digitalization-2024")
    assert wisit[0]["post"].endswith("/th-permanent-secretary-of-digital-economy-and-society")
    assert wisit[0]["behalf"].endswith("/mdes") and wisit[0]["certainty"] == "Stated"
    unknown = [r for r in signatures if r["certainty"] == "Unknown"]
    assert unknown and all(r["signatory"] == "" for r in unknown)
    witnesses = rows(capsys, shipped_build, "witnesses")
    prasert = [r for r in witnesses if r["witness"].endswith("/prasert-jantararuangtong")]
    assert any(r["post"].endswith("/th-minister-of-digital-economy-and-society") for r in prasert)


def test_topics_with_narrower_topics(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    found = rows(capsys, shipped_build, "agreements-by-topic")  # emerging technologies, and narrower
    matched = {(r["agreement"].removeprefix(AGREEMENT), r["matched"].rsplit("/", 1)[1]) for r in found}
    assert ("asean-china-communications-digital-technology-2024", "5g-use-cases") in matched
    assert ("asean-china-communications-digital-technology-2024", "emerging-technologies") in matched
    topics = rows(capsys, shipped_build, "topics-of-agreement")
    assert any(r["topic"].endswith("/5g-use-cases") and r["broader"].endswith("/emerging-technologies") for r in topics)


def test_dates_ranges_and_expiry(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    in_2024 = {
        r["agreement"].removeprefix(AGREEMENT): r["date"]
        for r in rows(capsys, shipped_build, "agreements-in-period", "status_filter=any")  # dates here; status: test_status_queries
    }
    assert in_2024["komdigi-bmdv-digital-cooperation-2024"] == "2024-11-21/2024-11-22 | 2024-11-24"  # sources disagree
    assert "mdes-google-mou-2023" not in in_2024
    soon = rows(capsys, shipped_build, "agreements-expiring", "as_of=2027-06-01", "months=12")
    assert [(r["agreement"].removeprefix(AGREEMENT), r["expires"]) for r in soon] == [
        ("mdes-lao-mtc-postal-telecom-ict-digital-2022", "2027-11-07")
    ]
    renewed = rows(capsys, shipped_build, "agreements-expiring", "as_of=2028-01-01", "months=60")
    lao = next(r for r in renewed if r["agreement"].endswith("/mdes-lao-mtc-postal-telecom-ict-digital-2022"))
    assert (lao["term"], lao["renewal"], lao["renewals"], lao["expires"]) == ("P5Y", "P3Y", "1", "2030-11-07")
    years: dict[str, int] = {}
    for r in rows(capsys, shipped_build, "agreements-per-year", "status_filter=any"):  # one row per year and status
        years[r["year"]] = years.get(r["year"], 0) + int(r["agreements"])
    assert years["2024"] >= 4 and sum(years.values()) == len(list((ROOT / "data" / "agreements").glob("*.yaml")))


def test_uncertain_dates_are_kept_in_periods_and_marked(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    """Komdigi-BMDV: signed at IDDC 2024 (21-22 Nov) says one source, 'today' on 24 Nov says another."""
    komdigi = "komdigi-bmdv-digital-cooperation-2024"

    def found(start: str, end: str) -> dict[str, dict[str, str]]:
        listed = rows(capsys, shipped_build, "agreements-in-period", f"from={start}", f"to={end}", "status_filter=any")
        return {r["agreement"].removeprefix(AGREEMENT): r for r in listed if r["event"] == "signed"}

    late_november = found("2024-11-23", "2024-11-30")[komdigi]  # only the second source's day is in it
    assert late_november["in_period"] == "may fall"
    assert {"sources disagree", "within a range"} <= set(late_november["date_certainty"].split(", "))
    assert found("2024-11-01", "2024-11-30")[komdigi]["in_period"] == "within"  # every claim is in November
    assert komdigi not in found("2024-11-01", "2024-11-20")
    inferred = found("2024-02-02", "2024-02-02")["mdes-kominfo-ict-digitalization-2024"]
    assert (inferred["in_period"], inferred["date_certainty"]) == ("within", "inferred")
    plain = found("2024-01-26", "2024-01-26")["kominfo-timor-leste-mtc-communications-informatics-2024"]
    assert plain["date_certainty"] == "stated"
    gaps = {(r["gap"], r["item"].rsplit("/", 1)[1]): r["detail"] for r in rows(capsys, shipped_build, "curation-gaps")}
    assert gaps[("signing date: sources disagree", komdigi)] == "2024-11-21/2024-11-22 | 2024-11-24"
    assert gaps[("signing date: inferred", "mdes-kominfo-ict-digitalization-2024")].startswith("2024-02-02: The release")


def test_period_and_year_queries_include_what_may_fall_there(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Approximate, uncertain, ranged and year-less dates: each period and year that may hold them shows them."""
    from coopgraph.pipeline import build

    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    agreement = data / "agreements" / "bloc-beta-mou-2025.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace("date: 2025\n", "date: 2025~\n"), encoding="utf-8")
    agreement = data / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    agreement.write_text(agreement.read_text(encoding="utf-8").replace("date: 2024-02-02\n", "date: XXXX-02-02\n"), encoding="utf-8")
    out = tmp_path / "build"
    build(data, out, reasoner="none")
    in_2026 = {r["agreement"].rsplit("/", 1)[1]: r for r in rows(capsys, out, "agreements-in-period", "from=2026-01-01", "to=2026-12-31", "status_filter=any")}
    assert in_2026["bloc-beta-mou-2025"]["in_period"] == "may fall"  # around 2025: 2024-2026
    assert in_2026["bloc-beta-mou-2025"]["date_certainty"] == "approximate"
    assert in_2026["alpha-beta-digital-mou-2024"]["date_certainty"] == "year unknown"  # 2 February of 2026, maybe
    march = rows(capsys, out, "agreements-in-period", "from=2026-03-01", "to=2026-03-31", "status_filter=any")
    assert [r["agreement"].rsplit("/", 1)[1] for r in march] == ["bloc-beta-mou-2025"]  # no 2 February in March
    years: dict[str, tuple[int, int]] = {}
    for r in rows(capsys, out, "agreements-per-year", "status_filter=any"):  # one row per year and status
        before = years.get(r["year"], (0, 0))
        years[r["year"]] = (before[0] + int(r["agreements"]), before[1] + int(r["may_fall"]))
    assert years[""] == (2, 0)  # counted once each, under no certain year
    assert years["2024"] == years["2025"] == years["2026"] == (0, 1)
    assert sum(a for a, _ in years.values()) == 2


def test_curation_gaps_and_sources(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    gaps = {(r["gap"], r["item"].rsplit("/", 1)[1]) for r in rows(capsys, shipped_build, "curation-gaps")}
    assert ("unknown signatory", "mdes-kominfo-ict-digitalization-2024") in gaps
    assert ("signing dated to the month", "saudi-mcit-singapore-mci-digital-economy-moc-2022") in gaps
    assert ("signing dated to the year", "mdes-google-mou-2023") in gaps
    sources = rows(capsys, shipped_build, "sources-of-agreement")
    assert {"agreement", "signing"} <= {r["about"] for r in sources}
    assert any(r["url"] == "https://www.thaigov.go.th/news/contents/details/78348" for r in sources)


def test_label_search_in_thai_and_english(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    thai = {r["entity"].rsplit("/", 1)[1] for r in rows(capsys, shipped_build, "label-search", "text=กัมพูชา")}
    assert "cambodia" in thai
    english = rows(capsys, shipped_build, "label-search", "text=kominfo", lang="th")
    assert any(r["entity"].endswith("/kominfo") for r in english)
    hostile = rows(capsys, shipped_build, "label-search", 'text=x"} } ; DROP ALL ; SELECT * {')
    assert hostile == []  # one odd string to look for, not a change to the query


def test_officials_meetings_network(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    officials = rows(capsys, shipped_build, "officials-and-posts")
    assert any(r["person"].endswith("/prasert-jantararuangtong") and r["firstSeen"] == "2023-10-18" for r in officials)
    meetings = rows(capsys, shipped_build, "meetings")
    assert any(
        r["meeting"].endswith("/adgmin-5") and r["agreement"].endswith("/bangkok-digital-declaration-2025")
        for r in meetings
    )
    assert len({r["meeting"] for r in meetings}) == len([r for r in meetings if r["agreement"] == ""]) + len(
        {r["meeting"] for r in meetings if r["agreement"]}
    )  # a meeting without agreements is one row, not joined to everything
    network = rows(capsys, shipped_build, "cooperation-network")
    assert all(r["country"] < r["partner"] for r in network)
    pairs = {(r["country"].removeprefix(COUNTRY), r["partner"].removeprefix(COUNTRY)) for r in network}
    assert ("china", "thailand") in pairs and ("indonesia", "thailand") in pairs
    cooccurring = rows(capsys, shipped_build, "topic-cooccurrence", "min=3")
    assert cooccurring and all(int(r["agreements"]) >= 3 for r in cooccurring)


def test_construct_gives_deterministic_turtle(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    first = cli(capsys, "query", "agreement-graph", "--out", str(shipped_build))[1]
    second = cli(capsys, "query", "agreement-graph", "--out", str(shipped_build), "-f", "turtle")[1]
    assert first == second and first.startswith("@prefix agreement:")
    graph = Graph().parse(data=first, format="turtle")
    mou = URIRef(AGREEMENT + "mdes-kominfo-ict-digitalization-2024")
    assert (mou, COOP.hasParty, individual("organization", "mdes")) in graph
    assert any(o.language == "th" for o in graph.objects(mou, URIRef("http://www.w3.org/2000/01/rdf-schema#label")))


# --- graphs, languages, inline queries -----------------------------------------------------------


def test_graph_choice(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    numbers = {}
    for graph in ("all", "asserted", "inferred"):
        code, out, err = cli(capsys, "query", count, "--graph", graph, "--out", str(shipped_build), "-f", "csv")
        assert code == 0, err
        numbers[graph] = int(out.split()[1])
    # built without a reasoner: the inferred graph holds only the dated nodes computed in Python
    # (status intervals, qualified cooperation, country groups), no reasoner's edges
    nodes = (
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), STR(?agreement_ns)) || "
        "EXISTS { ?s a ?k FILTER(?k IN (coop:StatusInterval, coop:Cooperation, coop:CountryGroup, coop:CountryGrouping)) } || "
        "?p IN (coop:hasStatusInterval, coop:hasCooperation)) BIND(agreement: AS ?agreement_ns) }"
    )
    code, out, err = cli(capsys, "query", nodes, "--graph", "inferred", "--out", str(shipped_build), "-f", "csv")
    assert code == 0, err
    assert 0 < int(out.split()[1]) == numbers["inferred"]
    assert numbers["all"] == numbers["asserted"] + numbers["inferred"] > 1000


def test_inferred_edges_count_where_the_reasoner_put_them() -> None:
    """The queries read coop:cooperatesWith / coop:cooperatesThrough from the inferred graph when present."""
    from coopgraph.curate.checker import curate
    from coopgraph.graph.populate import populate
    from tests.conftest import TINY

    asserted, _ = populate(curate(TINY))
    inferred = new_graph()
    alpha, gamma = individual("country", "alpha"), individual("country", "gamma")
    mou = individual("agreement", "bloc-beta-mou-2025")
    inferred.add((alpha, COOP.cooperatesWith, gamma))
    inferred.add((alpha, COOP.cooperatesThrough, mou))
    inferred.add((gamma, COOP.cooperatesThrough, mou))
    store = memory_store(Parts(read_ontology(), asserted, inferred))
    prefixes = query_prefixes()
    saved = find_query("agreements-of-country")
    for graph, expected in (("all", "yes"), ("asserted", "no")):
        bindings = bind(saved.params, {"country": "country:alpha", "status_filter": "any"}, prefixes)
        result = run(store, saved.text, bindings=bindings, prefixes=prefixes, graph=graph).shown()
        column = result.columns.index("inferred")
        got = {row[0].value.rsplit("/", 1)[1]: row[column].value for row in result.rows}  # agreement -> inferred
        assert got["bloc-beta-mou-2025"] == expected


def test_lang_chooses_the_label_language(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    titles = {r["agreement"]: r["title"] for r in rows(capsys, shipped_build, "agreements-of-country", lang="th")}
    assert titles[AGREEMENT + "mdes-kominfo-ict-digitalization-2024"].startswith("บันทึกความเข้าใจร่วม")
    assert titles[AGREEMENT + "thailand-microsoft-digital-first-ai-2023"].startswith("Memorandum")  # no Thai title


def test_inline_query_with_typed_parameters(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    text = "SELECT ?country ?label WHERE { ?country rdfs:label ?label FILTER(LANG(?label) = 'en') } ORDER BY ?label"
    code, out, err = cli(
        capsys, "query", text, "-p", "country=country:thailand", "--out", str(shipped_build), "-f", "tsv"
    )
    assert (code, out) == (0, '?label\n"Thailand"@en\n'), err


def test_query_file_with_and_without_header(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.rq"
    plain.write_text("SELECT ?c WHERE { ?c a coop:Country } ORDER BY ?c LIMIT 1\n")
    code, out, err = cli(capsys, "query", str(plain), "--out", str(shipped_build), "-f", "csv")
    assert (code, out.split()) == (0, ["c", COUNTRY + "brunei"]), err
    headed = tmp_path / "headed.rq"
    headed.write_text(find_query("partners-of-country").text)
    code, out, _ = cli(capsys, "query", str(headed), "-p", "country=china", "--out", str(shipped_build), "-f", "csv")
    assert code == 0 and COUNTRY + "thailand" in out


def test_csv_when_piped(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    code, out, _ = cli(capsys, "query", "agreements-per-year", "--out", str(shipped_build))
    assert code == 0 and out.startswith("year,status,agreements,may_fall\r\n")


# --- errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["SELECT ?x WHERE {\n  ?x foo:bar ?y }"],
            r"^query:2:13: SPARQL syntax error near 'foo:bar': unknown prefix 'foo:'",
        ),
        (["SELECT ?x WHERE {\n  ?x ?p ?o }}"], r"^query:2:\d+: SPARQL syntax error"),
        (
            ["partners"],
            r"^no saved query 'partners' \(did you mean 'company-partners' or 'partners-of-country'\?\); saved queries: .*witnesses",
        ),
        (
            ["partners-of-country", "-p", "cuntry=x"],
            r"unknown parameter cuntry; its parameters: country \(iri\), as_of \(date\), status_filter \(status\), lang \(lang\)",
        ),
        (
            ["partners-of-country", "-p", "country=country:thailandd"],
            r"parameter country=country:thailandd names nothing in the graph \(did you mean country:thailand\?\)",
        ),
        (
            ["partners-of-country", "-p", "status_filter=cancelld"],
            r"parameter status_filter='cancelld' is not a status filter.*\(did you mean cancelled\?\)",
        ),
        (["partners-of-country", "-p", "country=x> } DROP"], r"parameter country='x> } DROP' is not an IRI"),
        (["partners-of-country", "-p", "country"], r"write a parameter as name=value"),
        (["INSERT DATA { <a:a> <a:b> <a:c> }"], r"this is a SPARQL update; coopgraph is read-only"),
        (["missing.rq"], r"missing\.rq: no such query file"),
        (
            ["SELECT ?x WHERE { ?x ?p ?o }", "-p", "y=1"],
            r"parameter y cannot be bound: the query's SELECT must project \?y",
        ),
    ],
)
def test_errors_are_one_line_and_say_what_exists(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, args: list[str], message: str
) -> None:
    code, out, err = cli(capsys, "query", *args, "--out", str(shipped_build))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.search(message, err.strip()), err


def test_syntax_error_in_a_saved_file_names_its_line(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, tmp_path: Path
) -> None:
    path = tmp_path / "broken.rq"
    path.write_text(
        "#+ title: {en: Broken, th: เสีย}\n#+ description: a test\n#+ tags: [test]\n"
        "SELECT ?x\nWHERE { ?x ?p ?o . FILTER(?x = ) }\n# the end\n"
    )
    code, _, err = cli(capsys, "query", str(path), "--out", str(shipped_build))
    assert (code, err) == (1, f"{path}:5:20: SPARQL syntax error: unexpected 'FILTER'\n")


def test_no_build_is_a_clear_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, err = cli(capsys, "query", "agreements-per-year", "--out", str(tmp_path / "nothing"))
    assert code == 1 and "no built graph here; run `coopgraph build` first" in err


def test_query_command_does_not_import_the_heavy_stages(shipped_build: Path) -> None:
    script = (
        "import sys; from coopgraph.cli import main; "
        f"code = main(['query', 'agreements-per-year', '--out', {str(shipped_build)!r}]); "
        "heavy = ('pyshacl', 'owlready2', 'pyvis', 'networkx', 'coopgraph.pipeline'); "
        "print(sorted(m for m in heavy if m in sys.modules), code)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[] 0"


# --- binding remotely: VALUES built from terms ---------------------------------------------------------


def test_values_block_opens_the_outermost_where_group() -> None:
    hostile = ox.Literal('a"} } DROP ALL #', language="th")
    sent = with_values("SELECT ?x ?t WHERE { { SELECT ?x WHERE { ?x ?p ?o } } }", {"t": hostile})
    assert sent == 'SELECT ?x ?t WHERE { VALUES (?t) { ("a\\"} } DROP ALL #"@th) } { SELECT ?x WHERE { ?x ?p ?o } } }'
    constructed = with_values("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", {"s": ox.NamedNode("http://x/a")})
    assert constructed == "CONSTRUCT { ?s ?p ?o } WHERE { VALUES (?s) { (<http://x/a>) } ?s ?p ?o }"
    tricky = with_values('SELECT ?w WHERE { ?w <http://x/where> "{ WHERE" }', {"w": ox.NamedNode("http://x/b")})
    assert tricky.startswith("SELECT ?w WHERE { VALUES (?w)")
    with pytest.raises(CoopgraphError, match="needs a WHERE"):
        with_values("DESCRIBE ?x", {"x": ox.NamedNode("http://x/c")})
    assert with_prefixes("SELECT ?c WHERE { ?c a coop:Country }", query_prefixes()).startswith("PREFIX coop: <")


def test_shown_drops_only_bound_columns() -> None:
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1")))
    result = run(store, "SELECT ?s ?o WHERE { ?s ?p ?o }", bindings={"s": ox.NamedNode("http://x/a")})
    assert result.columns == ("s", "o") and result.shown().columns == ("o",)
    assert result.shown().rows == ((ox.Literal("1"),),)


@pytest.mark.java
def test_the_reasoners_edges_agree_with_the_asserted_rule(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, tmp_path: Path
) -> None:
    """Built with the OWL reasoner, the same pairs and counts, and every pair also derived as coop:cooperatesWith."""
    from coopgraph.pipeline import build
    from tests.conftest import SHIPPED

    build(SHIPPED, tmp_path, reasoner="hermit")
    asserted = rows(capsys, shipped_build, "cooperation-network")
    reasoned = rows(capsys, tmp_path, "cooperation-network")

    def pairs(table: list[dict[str, str]]) -> dict[tuple[str, str], str]:
        return {(r["country"], r["partner"]): r["agreements"] for r in table}

    assert pairs(reasoned) == pairs(asserted)
    assert {r["inferred"] for r in reasoned} == {"yes"} and {r["inferred"] for r in asserted} == {"no"}
    through = {r["agreement"]: r["inferred"] for r in rows(capsys, tmp_path, "agreements-of-country")}
    assert through[AGREEMENT + "asean-china-communications-digital-technology-2024"] == "yes"
    declaration = AGREEMENT + "ministerial-declaration-digital-cooperation-common-future-2022"
    assert through[declaration] == "no"  # Thailand its only party: no second country to cooperate with


def test_describe_gives_the_entity_as_turtle(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    code, out, err = cli(
        capsys, "query", "DESCRIBE ?c WHERE { ?c a coop:Country }", "-p", "c=country:china", "--out", str(shipped_build)
    )
    assert code == 0, err
    graph = Graph().parse(data=out, format="turtle")
    assert set(graph.subjects()) == {URIRef(COUNTRY + "china")}
    assert (URIRef(COUNTRY + "china"), COOP.wikidata, None) in graph


# --- hostile queries: nothing leaves the machine (issue 13) --------------------------------------------

REMOTE = {
    "service": "SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}",
    "service-variable": "SELECT * WHERE {{ VALUES ?where {{ <{url}> }} SERVICE ?where {{ ?s ?p ?o }} }}",
    "service-escaped": "SELECT * WHERE {{ \\u0053ERVICE <{url}> {{ ?s ?p ?o }} }}",
    "service-ask": "ASK {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}",
    "load": "LOAD <{url}>",
    "load-silent": "LOAD SILENT <{url}> INTO GRAPH <urn:x>",
}


@pytest.mark.parametrize("name", sorted(REMOTE))
def test_query_cli_refuses_service_and_load_without_a_request(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, listener: Listener, name: str
) -> None:
    text = REMOTE[name].format(url=listener.url)
    code, out, err = cli(capsys, "query", text, "--out", str(shipped_build))
    assert code == 1 and out == "" and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert "SERVICE is refused" in err or "read-only" in err, err
    # --endpoint: the text is checked here before anything is sent (the listener is the "endpoint")
    code, _, err = cli(capsys, "query", text, "--endpoint", listener.url)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert listener.contacted() == []


def test_query_cli_as_a_process_refuses_service_without_a_request(shipped_build: Path, listener: Listener) -> None:
    from tests.servers import _tool

    for text in (REMOTE["service-variable"], REMOTE["load"]):
        done = subprocess.run(
            [_tool("coopgraph"), "query", text.format(url=listener.url), "--out", str(shipped_build)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 1 and done.stdout == "" and len(done.stderr.splitlines()) == 1, done.stderr
    assert listener.contacted() == []


def test_query_cli_respects_from_in_the_text(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def count(text: str, *extra: str) -> int:
        code, out, err = cli(capsys, "query", text, "--out", str(shipped_build), "-f", "csv", *extra)
        assert code == 0, err
        return int(out.splitlines()[1])

    asserted = "https://w3id.org/coopgraph/graph/asserted"
    everything = count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    only = count(f"SELECT (COUNT(*) AS ?n) FROM <{asserted}> WHERE {{ ?s ?p ?o }}")
    assert 0 < only < everything
    assert only == count("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", "--graph", "asserted") - count(
        "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/coopgraph/graph/ontology> WHERE { ?s ?p ?o }"
    )
    empty = count("SELECT (COUNT(*) AS ?n) FROM <urn:no-such-graph> WHERE { ?s ?p ?o }")
    assert empty == 0


def test_relative_iris_resolve_against_the_dataset_base(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    code, out, err = cli(capsys, "query", "ASK { <country/thailand> ?p ?o }", "--out", str(shipped_build), "-f", "json")
    assert code == 0 and json.loads(out)["boolean"] is True, err


def test_label_columns_fall_back_to_any_language_never_to_an_iri(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A document titled only in Chinese, a person named only in Thai: every saved query shows the name."""
    from coopgraph.pipeline import build

    data = tmp_path / "data"
    shutil.copytree(TINY, data)
    sources = data / "sources.yaml"
    sources.write_text(
        sources.read_text(encoding="utf-8").replace("  title: {en: The bloc's charter}", "  title: {zh: 集团宪章}"), encoding="utf-8"
    )
    people = data / "people.yaml"
    people.write_text(people.read_text(encoding="utf-8").replace("  name: {en: Bob Beta}", "  name: {th: บ็อบ เบตา}"), encoding="utf-8")
    out = tmp_path / "build"
    build(data, out, reasoner="none")
    shown: list[str] = []
    for name in saved_names():
        code, text, _ = cli(capsys, "query", name, "--out", str(out), "-f", "csv")
        assert code == 0, name
        shown += [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    sources = rows(capsys, out, "sources-of-agreement", "agreement=agreement:bloc-beta-mou-2025")
    shown += [r["sourceTitle"] for r in sources]
    assert "集团宪章" in shown and "บ็อบ เบตา" in shown
    for iri in (individual("source", "bloc-charter"), individual("person", "bob-beta")):
        assert str(iri) not in shown or _entity_column_only(capsys, out, str(iri))


def _entity_column_only(capsys: pytest.CaptureFixture[str], out: Path, iri: str) -> bool:
    """The IRI may appear as the row's entity (an IRI cell, <...> in TSV), never as a label's text."""
    for name in saved_names():
        _, text, _ = cli(capsys, "query", name, "--out", str(out), "-f", "tsv")
        if f'"{iri}"' in text:
            return False
    return True


# --- saved queries' parameters as constants: hostile values (CLI channel) ------------------------------

HOSTILE_TEXT = ["x> } ; DROP ALL #", 'a"b', "line\nbreak", "brace } # hash", "nul\u0000", "x" * 100_000, "?text"]
HOSTILE_PARAMS = [
    ("country=x> } ; DROP ALL #", r"parameter country='x> } ; DROP ALL #' is not an IRI"),
    ('country=country:a"b', r"is not an IRI.*Invalid IRI code point '\"'"),
    ("country=country:a\nb", r"is not an IRI"),
    ("country=country:a}b", r"is not an IRI"),
    ("country=country:thai#land", r"names nothing in the graph"),
    ("country=country:a\u0000b", r"is not an IRI"),
    ("country=country:" + "x" * 100_000, r"names nothing in the graph"),
    ('as_of=2024-01-01"} #', r"is not a date"),
    ('lang=en") } #', r"is not a language tag"),
    ("status_filter=any} #", r"is not a status filter"),
]


@pytest.mark.parametrize("value", HOSTILE_TEXT)
def test_saved_query_takes_a_hostile_text_as_one_constant(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from coopgraph.sparql import constants

    sent: list[str] = []
    real = constants.inline
    monkeypatch.setattr(constants, "inline", lambda text, b: sent.append(text) or real(text, b))
    assert rows(capsys, shipped_build, "label-search", f"text={value}") == []  # a text nothing has, no other query
    assert len(sent) == 1  # the saved query went the constants' way


@pytest.mark.parametrize(("param", "message"), HOSTILE_PARAMS)
def test_saved_query_refuses_a_hostile_typed_value_in_one_line(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, param: str, message: str
) -> None:
    code, out, err = cli(capsys, "query", "agreements-of-country", "-p", param, "--out", str(shipped_build))
    assert code == 1 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert re.search(message, err.strip()[:500]), err[:500]
