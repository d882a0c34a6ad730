"""The shipped data: every seed fact and every RECORDS.md agreement answers SPARQL over build/coopgraph.ttl.

The graph is built once from data/ and queried with pyoxigraph (not rdflib), so
these tests also prove the Turtle reads the same elsewhere.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from coopgraph.cli import main
from coopgraph.sparql.query import run_saved
from tests.conftest import SHIPPED

PREFIXES = """
PREFIX coop: <https://w3id.org/coopgraph/ontology#>
PREFIX id: <https://w3id.org/coopgraph/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""
ASEAN_CHINA = "asean-china-communications-digital-technology-2024"
MDES_KOMINFO = "mdes-kominfo-ict-digitalization-2024"
SEED = "https://www.thaigov.go.th/news/contents/details/78348"


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> ox.Store:
    out = tmp_path_factory.mktemp("shipped")
    assert main(["build", "--data", str(SHIPPED), "--out", str(out), "--reasoner", "none"]) == 0
    store = ox.Store()
    store.bulk_load(path=str(Path(out) / "coopgraph.ttl"), format=ox.RdfFormat.TURTLE)
    return store


def rows(store: ox.Store, query: str) -> list[tuple[str, ...]]:
    return sorted(tuple(str(term.value) if term is not None else "" for term in row) for row in store.query(PREFIXES + query))


def ask(store: ox.Store, query: str) -> bool:
    return bool(store.query(PREFIXES + "ASK {" + query + "}"))


# ---------------------------------------------------------------- the seed press release
def test_seed_asean_china_mou(graph: ox.Store) -> None:
    a = f"id:agreement\\/{ASEAN_CHINA}".replace("\\/", "/")
    assert ask(graph, f"""<https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> a coop:MemorandumOfUnderstanding ;
        rdfs:label ?en, ?th ; coop:term "P5Y"^^xsd:duration ;
        coop:hasParty <https://w3id.org/coopgraph/id/organization/asean>, <https://w3id.org/coopgraph/id/country/china> ;
        prov:wasDerivedFrom/coop:url "{SEED}"^^xsd:anyURI .
        FILTER(lang(?en) = "en" && STRSTARTS(?en, "Memorandum of Understanding between the Association of Southeast Asian Nations"))
        FILTER(lang(?th) = "th" && STRSTARTS(?th, "บันทึกความเข้าใจระหว่างสมาคมประชาชาติแห่งเอเชียตะวันออกเฉียงใต้และสาธารณรัฐประชาชนจีน"))""")
    assert a
    # the parties' Thai names as the release gives them
    assert rows(graph, f"""SELECT ?th WHERE {{ <https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> coop:hasParty ?p .
        ?p rdfs:label ?th FILTER(lang(?th) = "th") }}""") == [("สมาคมประชาชาติแห่งเอเชียตะวันออกเฉียงใต้",), ("สาธารณรัฐประชาชนจีน",)]


def test_seed_signing_date_place_meeting_signatory(graph: ox.Store) -> None:
    found = rows(graph, f"""SELECT ?date ?place ?meeting_th ?signer_th ?post_th WHERE {{
        <https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> coop:hasSigning ?s .
        ?s coop:date ?date ; coop:place/rdfs:label ?place ; coop:duringMeeting/rdfs:label ?meeting_th ;
           coop:hasSignature ?sig . ?sig coop:signatory/rdfs:label ?signer_th ; coop:inCapacityOf/rdfs:label ?post_th .
        FILTER NOT EXISTS {{ ?sig coop:onBehalfOf ?side }}  # no source says for which party he signed (issue 12)
        FILTER(lang(?place) = "en" && lang(?meeting_th) = "th" && lang(?signer_th) = "th" && lang(?post_th) = "th") }}""")
    assert found == [(
        "2024-02-02", "Singapore", "การประชุมรัฐมนตรีอาเซียนด้านดิจิทัลและสาธารณรัฐประชาชนจีน",
        "ประเสริฐ จันทรรวงทอง", "รัฐมนตรีว่าการกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",
    )]


def test_seed_seven_numbered_areas_with_thai_names(graph: ox.Store) -> None:
    found = rows(graph, f"""SELECT ?n ?th WHERE {{ <https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> coop:hasArea ?a .
        ?a coop:areaNumber ?n ; rdfs:label ?th FILTER(lang(?th) = "th") }}""")
    assert [n for n, _ in found] == ["1", "2", "3", "4", "5", "6", "7"]
    assert ("4", "ด้านความมั่นคงปลอดภัยทางดิจิทัล") in found


def test_seed_emerging_technology_items_are_narrower_topics(graph: ox.Store) -> None:
    found = rows(graph, f"""SELECT ?en WHERE {{ <https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> coop:hasArea ?a .
        ?a coop:areaNumber 3 ; coop:areaTopic ?t . ?t skos:broader+ ?e . ?e skos:prefLabel "Emerging technologies"@en .
        ?t skos:prefLabel ?en FILTER(lang(?en) = "en") }}""")
    labels = {en.lower() for (en,) in found}
    for item in ("5g use cases", "artificial intelligence", "cloud computing", "big data", "smart cities", "future networks"):
        assert item in labels


def test_seed_itu_mention(graph: ox.Store) -> None:
    assert ask(graph, f"""<https://w3id.org/coopgraph/id/agreement/{ASEAN_CHINA}> coop:hasArea ?a .
        ?a coop:areaNumber 6 ; coop:mentions ?itu . ?itu owl:sameAs <http://www.wikidata.org/entity/Q376150>""")


def test_seed_thailand_indonesia_mou(graph: ox.Store) -> None:
    a = f"<https://w3id.org/coopgraph/id/agreement/{MDES_KOMINFO}>"
    parties = rows(graph, f"""SELECT ?th WHERE {{ {a} coop:hasParty ?p . ?p rdfs:label ?th FILTER(lang(?th) = "th") }}""")
    assert parties == [("กระทรวงการสื่อสารและสารสนเทศแห่งอินโดนีเซีย",), ("กระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม",)]
    signers = rows(graph, f"""SELECT ?signer ?post ?witness WHERE {{ {a} coop:hasSigning ?s .
        ?s coop:date "2024-02-02"^^xsd:date ; coop:witness/rdfs:label ?witness ; coop:hasSignature ?sig .
        ?sig coop:signatory/rdfs:label ?signer ; coop:inCapacityOf/rdfs:label ?post .
        FILTER(lang(?signer) = "th" && lang(?post) = "th" && lang(?witness) = "th") }}""")
    assert signers == [("วิศิษฏ์ วิศิษฏ์สรอรรถ", "ปลัดกระทรวงดิจิทัลเพื่อเศรษฐกิจและสังคม", "ประเสริฐ จันทรรวงทอง")]
    assert ask(graph, f"{a} coop:hasSigning/coop:hasSignature ?sig . ?sig coop:certainty coop:Unknown ; "
               "coop:onBehalfOf <https://w3id.org/coopgraph/id/organization/kominfo> FILTER NOT EXISTS { ?sig coop:signatory ?x }")
    areas = rows(graph, f"""SELECT ?en ?th WHERE {{ {a} coop:hasArea ?x . ?x rdfs:label ?en, ?th
        FILTER(lang(?en) = "en" && lang(?th) = "th") }}""")
    assert len(areas) == 7 and ("Anti-online scamming", "การป้องกันปัญหาการหลอกลวงผ่านสื่อออนไลน์") in areas


def test_seed_people_have_thai_and_english_names_and_variants(graph: ox.Store) -> None:
    assert ask(graph, """<https://w3id.org/coopgraph/id/person/prasert-jantararuangtong> rdfs:label "Prasert Jantararuangtong"@en,
        "ประเสริฐ จันทรรวงทอง"@th ; skos:altLabel "Prasert Chantararuangthong"@en""")
    assert ask(graph, """<https://w3id.org/coopgraph/id/person/wisit-wisitsora-at> skos:altLabel
        "ศาสตราจารย์พิเศษวิศิษฏ์ วิศิษฏ์สรอรรถ"@th""")


# ---------------------------------------------------------------- RECORDS.md
RECORDS = [
    # agreement id, signing or status date, its datatype, one of its source URLs
    ("mdes-china-nda-digital-economy-2023", "2023-10-18", "date", "adslthailand.com/post/15586"),
    ("mdes-lao-mtc-postal-telecom-ict-digital-2022", "2022-11-07", "date", "bangkokpost.com/business/2432310"),
    ("mdes-huawei-government-cloud-2022", "2022-02-25", "date", "nationthailand.com/tech/40012772"),
    ("mdes-cambodia-mptc-call-centre-hybrid-scam-2022", "2022-07-05", "date", "77kaoded.com/news/lakana/2307907"),
    ("mdes-meity-digital-technologies-2025", "2025-04-03", "date", "theshillongtimes.com"),
    ("thailand-microsoft-digital-first-ai-2023", "2023-11-16", "date", "nationthailand.com/business/corporate/40032915"),
    ("mdes-google-mou-2023", "2023", "gYear", "nationthailand.com/news/policy/40043311"),
    ("ministerial-declaration-digital-cooperation-common-future-2022", "2022-11-10", "date", "nationthailand.com/thailand/general/40021921"),
    ("bangkok-digital-declaration-2025", "2025-01-17", "date", "usasean.org"),
    ("kominfo-timor-leste-mtc-communications-informatics-2024", "2024-01-26", "date", "bnnbreaking.com"),
    ("komdigi-uk-digital-partnership-2025", "2025-01-21", "date", "topik.id"),
    ("saudi-mcit-singapore-mci-digital-economy-moc-2022", "2022-09", "gYearMonth", "zawya.com"),
]


@pytest.mark.parametrize(("agreement", "date", "datatype", "url"), RECORDS, ids=[r[0] for r in RECORDS])
def test_records_agreement_with_date_precision_and_source(
    graph: ox.Store, agreement: str, date: str, datatype: str, url: str
) -> None:
    a = f"<https://w3id.org/coopgraph/id/agreement/{agreement}>"
    assert ask(graph, f"""{a} a/rdfs:subClassOf* coop:Agreement ; rdfs:label ?en ; prov:wasDerivedFrom/coop:url ?u .
        {{ {a} coop:hasSigning/coop:date ?d }} UNION {{ {a} coop:hasStatusChange/coop:date ?d }}
        FILTER(lang(?en) = "en" && CONTAINS(STR(?u), "{url}") && ?d = "{date}"^^xsd:{datatype})""")


def test_records_komdigi_bmdv_date_is_disputed_with_each_source(graph: ox.Store) -> None:
    """Which day was the Komdigi-BMDV MoU signed? Each source's answer, with that source; no single date."""
    a = "<https://w3id.org/coopgraph/id/agreement/komdigi-bmdv-digital-cooperation-2024>"
    claims = rows(graph, f"""SELECT ?edtf ?url WHERE {{ {a} coop:hasSigning ?s . ?s coop:dateQualifier coop:SourcesDisagree ;
        coop:dateClaim ?c . ?c coop:edtf ?edtf ; prov:wasDerivedFrom/coop:url ?url
        FILTER NOT EXISTS {{ ?s coop:date ?any }} }} ORDER BY ?edtf ?url""")
    assert [(edtf, url.split("/")[2]) for edtf, url in claims] == [
        ("2024-11-21/2024-11-22", "habanusantara.net"),
        ("2024-11-21/2024-11-22", "m.tribunnews.com"),
        ("2024-11-24", "teknologi.bisnis.com"),
    ]


def test_records_unknown_signatories_stay_unknown(graph: ox.Store) -> None:
    unknown = rows(graph, """SELECT DISTINCT ?a WHERE { ?a coop:hasSigning/coop:hasSignature ?sig .
        ?sig coop:certainty coop:Unknown FILTER NOT EXISTS { ?sig coop:signatory ?p } }""")
    names = {a.rsplit("/", 1)[-1] for (a,) in unknown}
    assert {"mdes-china-nda-digital-economy-2023", "mdes-meity-digital-technologies-2025", MDES_KOMINFO} <= names


def test_records_cambodia_signing_only_planned(graph: ox.Store) -> None:
    a = "<https://w3id.org/coopgraph/id/agreement/mdes-cambodia-mptc-call-centre-hybrid-scam-2022>"
    assert ask(graph, f'{a} coop:hasStatusChange [ coop:status coop:Planned ; coop:date "2022-07-11"^^xsd:date ]')
    assert not ask(graph, f"{a} coop:hasSigning ?s")


def test_records_lao_term_and_automatic_renewal_and_thai_names(graph: ox.Store) -> None:
    a = "<https://w3id.org/coopgraph/id/agreement/mdes-lao-mtc-postal-telecom-ict-digital-2022>"
    assert ask(graph, f"""{a} coop:term "P5Y"^^xsd:duration ; coop:renewalTerm "P3Y"^^xsd:duration ;
        coop:automaticRenewal true ; coop:hasStatusChange [ coop:status coop:CabinetApproved ; coop:date "2022-10-25"^^xsd:date ] ;
        coop:hasSigning/coop:hasSignature/coop:signatory/rdfs:label "ชัยวุฒิ ธนาคมานุสรณ์"@th""")


def test_records_asean_membership_with_dates(graph: ox.Store) -> None:
    found = dict(rows(graph, """SELECT ?country ?start WHERE { ?m a coop:BlocMembership ;
        coop:bloc <https://w3id.org/coopgraph/id/organization/asean> ; coop:member ?c ; coop:startDate ?start ;
        prov:wasDerivedFrom ?src . ?c coop:wikidata ?country }"""))
    assert len(found) == 11
    assert found["Q869"] == "1967-08-08" and found["Q921"] == "1984-01-08" and found["Q574"] == "2025-10-26"


def test_records_kominfo_renamed_komdigi(graph: ox.Store) -> None:
    assert ask(graph, """<https://w3id.org/coopgraph/id/organization/kominfo> coop:renamedTo <https://w3id.org/coopgraph/id/organization/komdigi> .
        ?c coop:originalOrganization <https://w3id.org/coopgraph/id/organization/kominfo> ;
           coop:resultingOrganization <https://w3id.org/coopgraph/id/organization/komdigi> ; coop:date "2024-10"^^xsd:gYearMonth ;
           prov:wasDerivedFrom ?src""")


def test_wikidata_links_only_those_listed(graph: ox.Store) -> None:
    listed = {"Q869", "Q252", "Q148", "Q334", "Q7768", "Q376150", "Q17", "Q884", "Q668", "Q145", "Q30", "Q851",
              "Q819", "Q424", "Q881", "Q833", "Q836", "Q928", "Q921", "Q574", "Q458", "Q183"}
    linked = {iri.rsplit("/", 1)[-1] for (iri,) in rows(graph, "SELECT ?w WHERE { ?x owl:sameAs ?w }")}
    assert linked and linked <= listed


def test_every_fact_node_has_a_source(graph: ox.Store) -> None:
    missing = rows(graph, """SELECT ?n WHERE {
        VALUES ?kind { coop:Signing coop:Tenure coop:BlocMembership coop:StatusChange coop:OrganizationChange }
        { ?n a ?kind } UNION { ?n a/rdfs:subClassOf* coop:Agreement }
        FILTER NOT EXISTS { ?n prov:wasDerivedFrom ?s } }""")
    assert missing == []


# ---------------------------------------------------------------- the data branch: ADGMIN and ASEAN members
ADDED = [
    # agreement id, signing or status date, its datatype, one of its source URLs (one per ADGMIN, one per country)
    ("asean-digital-masterplan-2025", "2021-01-22", "date", "vietnamplus.vn/asean-digital-masterplan-2025-adopted"),
    ("japan-asean-ict-work-plan-2021", "2021-01-22", "date", "soumu.go.jp/menu_news/s-news/01tsushin09_02000116"),
    ("india-asean-digital-work-plan-2022", "2022-01-28", "date", "devdiscourse.com/article/international/1901707"),
    ("boracay-digital-declaration-2023", "2023-02-10", "date", "newsbytes.ph/2023/02/12"),
    ("asean-japan-digital-work-plan-2025", "2025-01-17", "date", "news.3rd-in.co.jp"),
    ("asean-ai-safety-network-declaration-2025", "2025-10-26", "date", "cadeproject.org"),
    ("kkd-singapore-mci-data-protection-cybersecurity-digital-economy-2023", "2023-01-30", "date", "thesundaily.my/home/malaysia-singapore-sign-mou"),
    ("mptc-timor-leste-mtc-post-telecom-ict-digital-2025", "2025-01-20", "date", "chinaview.cn/20250122"),
    ("dict-japan-mic-ict-moc-2023", "2023-02", "gYearMonth", "currentph.com/2023/02/15"),
    ("vietnam-mic-uk-dcms-digital-economy-letter-of-intent-2021", "2021-11", "gYearMonth", "urdupoint.com"),
    ("kominfo-japan-mic-ict-moc-2023", "2023-10-11", "date", "idxchannel.com"),
    ("singapore-mci-italy-digital-cooperation-2021", "2021-08-05", "date", "ambsingapore.esteri.it"),
    ("mdes-rwanda-mict-telecom-ict-digital-2018", "2018", "gYear", "newswit.com/th/CCuV"),
    ("mdes-huawei-ai-digital-development-2023", "2023-12", "gYearMonth", "thethaiger.com"),
]


@pytest.mark.parametrize(("agreement", "date", "datatype", "url"), ADDED, ids=[r[0] for r in ADDED])
def test_added_agreement_with_date_precision_and_source(
    graph: ox.Store, agreement: str, date: str, datatype: str, url: str
) -> None:
    test_records_agreement_with_date_precision_and_source(graph, agreement, date, datatype, url)


def test_at_least_fifty_agreements_each_with_a_source_url(graph: ox.Store) -> None:
    found = rows(graph, """SELECT ?a (MIN(STR(?u)) AS ?url) WHERE { ?a a/rdfs:subClassOf* coop:Agreement .
        OPTIONAL { ?a prov:wasDerivedFrom/coop:url ?u } } GROUP BY ?a""")
    assert len(found) >= 50 and all(url.startswith("http") for _, url in found)


def test_adgmin_meetings_one_to_five_adopt_something(graph: ox.Store) -> None:
    """Each ADGMIN from the 1st (2021) to the 5th (2025), or one of its related meetings, adopted an agreement."""
    found = rows(graph, """SELECT DISTINCT ?n WHERE { ?a coop:adoptedAt ?m . ?m coop:partOfMeeting? ?g .
        ?g coop:ordinal ?n ; coop:inSeries <https://w3id.org/coopgraph/id/meeting/adgmin> }""")
    assert {int(n) for (n,) in found} >= {1, 2, 3, 4, 5}


def test_added_rwanda_mou_thai_title_and_thai_signatory(graph: ox.Store) -> None:
    a = "<https://w3id.org/coopgraph/id/agreement/mdes-rwanda-mict-telecom-ict-digital-2018>"
    assert ask(graph, f"""{a} rdfs:label ?th ; coop:hasSigning [ coop:duringMeeting ?pp ;
            coop:hasSignature/coop:signatory/rdfs:label "พิเชฐ ดุรงคเวโรจน์"@th ] .
        FILTER(lang(?th) = "th" && STRSTARTS(?th, "บันทึกความเข้าใจว่าด้วยความร่วมมือด้านโทรคมนาคม ไอซีที และเทคโนโลยีดิจิทัล"))""")


def test_added_malaysia_singapore_mou_signatories_and_witnesses(graph: ox.Store) -> None:
    a = "<https://w3id.org/coopgraph/id/agreement/kkd-singapore-mci-data-protection-cybersecurity-digital-economy-2023>"
    signers = rows(graph, f"SELECT ?p WHERE {{ {a} coop:hasSigning/coop:hasSignature/coop:signatory ?p }}")
    witnesses = rows(graph, f"SELECT ?p WHERE {{ {a} coop:hasSigning/coop:witness ?p }}")
    person = "https://w3id.org/coopgraph/id/person/"
    assert signers == [(person + "fahmi-fadzil",), (person + "josephine-teo",)]
    assert witnesses == [(person + "anwar-ibrahim",), (person + "lee-hsien-loong",)]


def test_added_unknown_stays_unknown(graph: ox.Store) -> None:
    """When was the Brunei-Singapore MoU signed? On 30 May (worked out from a dateline), year not stated."""
    a = "<https://w3id.org/coopgraph/id/agreement/brunei-singapore-digital-cooperation-mou>"
    assert rows(graph, f"""SELECT ?edtf WHERE {{ {a} coop:hasSigning ?s . ?s coop:edtf ?edtf ;
        coop:dateQualifier coop:YearUnknown , coop:Inferred ; coop:inferredFrom ?why }}""") == [("XXXX-05-30",)]
    assert not ask(graph, f"{a} coop:hasSigning/coop:date ?d")  # no year: no xsd date to hold it
    found = run_saved(graph, "curation-gaps").rows
    gaps = {(row[0].value, row[3].value) for row in found if row[1].value.endswith("/brunei-singapore-digital-cooperation-mou")}
    assert ("signing date: year unknown", "XXXX-05-30") in gaps
    unknown = rows(graph, """SELECT DISTINCT ?a WHERE { ?a coop:hasSigning/coop:hasSignature ?sig .
        ?sig coop:certainty coop:Unknown FILTER NOT EXISTS { ?sig coop:signatory ?p } }""")
    names = {a.rsplit("/", 1)[-1] for (a,) in unknown}
    assert "japan-mic-singapore-mci-ict-moc-2021" in names
    assert "dict-china-miit-digital-ict-2023" not in names  # W.Media names its signatories


def test_thai_topic_labels_we_wrote_are_marked_as_ours(graph: ox.Store) -> None:
    """A Thai topic label is the seed release's wording, or marked coop:curatorLabel (issue 12, item 7)."""
    labels = rows(graph, """SELECT ?topic (EXISTS { ?topic coop:curatorLabel ?th } AS ?ours) WHERE {
        ?topic a coop:Topic ; rdfs:label ?th FILTER(lang(?th) = "th") }""")
    assert len(labels) == 43
    from_the_release = {topic.rsplit("/", 1)[1] for topic, ours in labels if ours == "false"}
    assert from_the_release == {  # each of these Thai wordings is in the seed release (thaigov-news-78348)
        "digital-policy-and-regulation", "digital-service-governance", "digital-infrastructure", "telecommunications",
        "radio-spectrum", "digital-technologies", "emerging-technologies", "digital-security", "cybersecurity",
        "data-security", "anti-online-scams", "digital-literacy", "digital-manpower", "digital-economy",
        "digital-platform-services", "digital-inclusion", "digital-transformation", "other-fields",
    }


# ---------------------------------------------------------------- record shapes of real sources (issue 12)
AGREEMENT = "https://w3id.org/coopgraph/id/agreement/"


def test_package_signed_at_modis_visit_is_one_package_of_separately_counted_agreements(graph: ox.Store) -> None:
    """What was signed together on 3 April 2025? One package; each member still an agreement of its own."""
    members = rows(graph, """SELECT ?m ?size WHERE { ?p a coop:AgreementPackage ; coop:packageMember ?m ;
        coop:packageSize ?size ; coop:date "2025-04-03"^^xsd:date }""")
    assert members == [
        (AGREEMENT + "india-thailand-strategic-partnership-declaration-2025", "6"),
        (AGREEMENT + "mdes-meity-digital-technologies-2025", "6"),
    ]
    assert all(ask(graph, f"<{m}> a/rdfs:subClassOf* coop:Agreement ; coop:hasSigning ?s") for m, _ in members)


def test_levels_tell_a_leaders_declaration_from_a_ministries_mou(graph: ox.Store) -> None:
    levels = dict(rows(graph, """SELECT ?a ?l WHERE { ?a coop:level ?lv . ?lv rdfs:label ?l FILTER(lang(?l) = "en")
        ?a coop:inPackage ?p }"""))
    assert levels == {
        AGREEMENT + "india-thailand-strategic-partnership-declaration-2025": "heads of state or government",
        AGREEMENT + "mdes-meity-digital-technologies-2025": "sector ministers",
    }


def test_escap_declaration_has_named_and_unnamed_parties(graph: ox.Store) -> None:
    """Who signed the Seoul ministerial declaration? Thailand, and others no source names."""
    a = f"<{AGREEMENT}ministerial-declaration-digital-cooperation-common-future-2022>"
    assert rows(graph, f"SELECT ?p WHERE {{ {a} coop:hasParty ?p }}") == [("https://w3id.org/coopgraph/id/country/thailand",)]
    assert rows(graph, f"SELECT ?n WHERE {{ {a} coop:unnamedParties ?n }}") == [("1",)]
    assert not ask(graph, f"{a} coop:partyCount ?count")  # no source says how many


def test_5th_adgmin_chaired_by_a_person_and_a_country_with_a_person_participating(graph: ox.Store) -> None:
    m = "<https://w3id.org/coopgraph/id/meeting/adgmin-5>"
    chairs = rows(graph, f"SELECT ?c ?kind WHERE {{ {m} coop:chair ?c . ?c a ?kind FILTER(?kind IN (coop:Person, coop:Country)) }}")
    assert [(c.rsplit("/", 1)[1], k.rsplit("#", 1)[1]) for c, k in chairs] == [
        ("thailand", "Country"), ("prasert-jantararuangtong", "Person")
    ]
    assert ask(graph, f'{m} coop:participant ?p . ?p a coop:Person ; rdfs:label "Kao Kim Hourn"@en')


MEETING = "https://w3id.org/coopgraph/id/meeting/"
PERSON = "https://w3id.org/coopgraph/id/person/"


def test_co_chairs_of_the_asean_india_digital_ministers_meetings(graph: ox.Store) -> None:
    """Who co-chaired each ADGMIN meeting with India? Two people each, India's minister in both."""
    chairs = rows(graph, f"""SELECT ?m ?name WHERE {{
        VALUES ?m {{ <{MEETING}adgmin-2-india> <{MEETING}adgmin-3-india> }}
        ?m coop:chair ?c . ?c a coop:Person ; rdfs:label ?name FILTER(lang(?name) = "en") }}""")
    assert chairs == [
        (MEETING + "adgmin-2-india", "Devusinh Chauhan"),
        (MEETING + "adgmin-2-india", "Tin Aung San"),
        (MEETING + "adgmin-3-india", "Devusinh Chauhan"),
        (MEETING + "adgmin-3-india", "Ivan John E. Uy"),
    ]
    # each co-chaired meeting cites the source that says "co-chaired"
    assert ask(graph, f'<{MEETING}adgmin-2-india> prov:wasDerivedFrom/coop:url ?u FILTER(CONTAINS(STR(?u), "devdiscourse.com"))')
    assert ask(graph, f'<{MEETING}adgmin-3-india> prov:wasDerivedFrom/coop:url ?u FILTER(CONTAINS(STR(?u), "orissadiary.com"))')


def test_a_signatory_signing_in_several_posts_at_once(graph: ox.Store) -> None:
    """In which capacities did India's signatory sign the MDDI-MeitY MoU? Three ministerial posts held at once."""
    a = "<https://w3id.org/coopgraph/id/agreement/mddi-meity-digital-technologies-2024>"
    posts = rows(graph, f"""SELECT ?signer ?post WHERE {{ {a} coop:hasSigning/coop:hasSignature ?sig .
        ?sig coop:signatory ?signer ; coop:inCapacityOf/rdfs:label ?post FILTER(lang(?post) = "en") }}""")
    assert posts == [
        (PERSON + "ashwini-vaishnaw", "Minister for Electronics and Information Technology"),
        (PERSON + "ashwini-vaishnaw", "Minister for Information and Broadcasting"),
        (PERSON + "ashwini-vaishnaw", "Minister for Railways"),
        (PERSON + "josephine-teo", "Minister for Digital Development and Information"),
    ]
    # signed at a meeting whose participants include people, the signatories among them
    people = rows(graph, f"""SELECT ?p WHERE {{ {a} coop:hasSigning/coop:duringMeeting ?m .
        ?m coop:participant ?p . ?p a coop:Person }}""")
    assert people == [(PERSON + "ashwini-vaishnaw",), (PERSON + "josephine-teo",), (PERSON + "s-jaishankar",)]


def test_name_spellings_cite_sources_that_print_them(graph: ox.Store) -> None:
    """A person's English spelling is cited to a source in English, a Thai spelling to one in Thai (item 7)."""
    cited = rows(graph, f"""SELECT ?p ?lang WHERE {{
        VALUES ?p {{ <{PERSON}boviengkham-vongdara> <{PERSON}pichet-durongkaveroj> <{PERSON}wisit-wisitsora-at> }}
        ?p prov:wasDerivedFrom/<http://purl.org/dc/terms/language> ?lang }}""")
    for person in ("boviengkham-vongdara", "pichet-durongkaveroj", "wisit-wisitsora-at"):
        assert {lang for p, lang in cited if p == PERSON + person} >= {"en", "th"}, person
    # a variant no stored source prints is gone; the ones Thairath and The Thaiger print are kept
    variants = rows(graph, f"""SELECT ?v WHERE {{ <{PERSON}prasert-jantararuangtong> skos:altLabel ?v FILTER(lang(?v) = "en") }}""")
    assert variants == [("Prasert Chantararuangthong",), ("Prasert Chantraruangthong",)]


NAME_SOURCES = {  # person: (a spelling it carries, the address of a stored page that prints it)
    "xanana-gusmao": ("Xanana Gusmão", "https://id.tatoli.tl/2023/09/06/perkuat-kerjasama-bilateral-xanana-temui-raja-brunei-darussalam-dan-pm-vietnam/"),
    "abdullah-al-swaha": ("Abdullah Al-Swaha", "https://indiplomacy.com/2024/02/07/saudi-arabia-and-singapore-strengthen-digital-partnership-at-world-economic-forum/"),
    "moon-jae-in": ("Moon Jae-in", "https://www.thesundaily.my/local/mahathir-south-korea-president-to-witness-signing-of-four-mous-in-seoul-XB1650000"),
    "chea-vandeth": ("Vandeth Chea", "https://mptc.gov.kh/en/2020/06/minister-vandeth-chea-meets-with-h-e-eva-nguyen-binh-frances-ambassador-to-cambodia/"),
    "ferdinand-marcos-jr": ("Ferdinand Marcos Jr.", "https://www.rappler.com/nation/list-bilateral-agreements-signed-marcos-jr-japan-visit-2023/"),
    "s-jaishankar": ("S. Jaishankar", "https://www.newsx.com/national/eam-jaishankar-meets-malaysia-pm-anwar-ibrahim-during-state-visit-to-india/"),
    "abdul-mutalib-yusof": (
        "Abdul Mutalib bin Pehin Orang Kaya Seri Setia Dato Paduka Haji Mohammad Yusof",
        "http://www.mtic.gov.bn/Lists/Speeches/NewDispItem.aspx?ID=148&ContentTypeId=0x01009E303218B4B09449AE6D253837EBB2FC",
    ),
}


@pytest.mark.parametrize("person", sorted(NAME_SOURCES))
def test_each_checked_spelling_cites_a_page_that_prints_it(graph: ox.Store, person: str) -> None:
    """Where does this spelling of the name come from? A page that prints it, cited on the person (item 7)."""
    spelling, url = NAME_SOURCES[person]
    names = rows(graph, f"""SELECT ?n WHERE {{ <{PERSON}{person}> skos:prefLabel|skos:altLabel ?n FILTER(lang(?n) = "en") }}""")
    assert (spelling,) in names
    assert ask(graph, f"""<{PERSON}{person}> prov:wasDerivedFrom/coop:url "{url}"^^xsd:anyURI""")


def test_the_cancelled_mous_witness_is_the_then_minister_not_a_signatory(graph: ox.Store) -> None:
    a = "<https://w3id.org/coopgraph/id/agreement/mdes-prime-opportunity-fund-2024>"
    assert rows(graph, f"SELECT ?w WHERE {{ {a} coop:hasSigning/coop:witness ?w }}") == [(PERSON + "prasert-jantararuangtong",)]
    assert rows(graph, f"SELECT ?s WHERE {{ {a} coop:hasSigning/coop:hasSignature/coop:signatory ?s }}") == [
        (PERSON + "wisit-wisitsora-at",)
    ]


def test_kkd_mic_moc_dated_to_kishidas_visit_not_a_day_month_swap(graph: ox.Store) -> None:
    """When was the Malaysia-Japan MOC exchanged? 5 November 2023 (Kishida's visit), worked out from a dateline."""
    a = "<https://w3id.org/coopgraph/id/agreement/kkd-japan-mic-moc-2023>"
    assert rows(graph, f"""SELECT ?d ?w WHERE {{ {a} coop:hasSigning ?s . ?s coop:date ?d ;
        coop:dateQualifier coop:Inferred ; coop:witness ?w }}""") == [
        ("2023-11-05", PERSON + "anwar-ibrahim"),
        ("2023-11-05", PERSON + "fumio-kishida"),
    ]
    assert not ask(graph, '?s coop:date "2023-05-11"^^xsd:date')


def test_dict_mci_mou_signatories_named_by_the_straits_times(graph: ox.Store) -> None:
    """Who signed the Philippines-Singapore digital cooperation MOU, and for whom? Uy for DICT, Teo for MCI."""
    a = "<https://w3id.org/coopgraph/id/agreement/dict-singapore-mci-digital-cooperation-2022>"
    signed = rows(graph, f"""SELECT ?who ?side WHERE {{ {a} coop:hasSigning/coop:hasSignature ?sig .
        ?sig coop:signatory ?who ; coop:onBehalfOf ?side }}""")
    assert [(who.rsplit("/", 1)[1], side.rsplit("/", 1)[1]) for who, side in signed] == [
        ("ivan-john-uy", "philippines-dict"),
        ("josephine-teo", "singapore-mci"),
    ]
    assert ask(graph, f"""{a} coop:hasSigning/prov:wasDerivedFrom/coop:url
        "https://www.straitstimes.com/singapore/spore-philippines-boost-digital-healthcare-tie-ups"^^xsd:anyURI""")


def test_dict_miit_mou_signed_in_beijing_by_uy_and_jin_zhuanglong(graph: ox.Store) -> None:
    """Who signed the Philippines-China digital MOU, where and in which posts? W.Media and Rappler say."""
    a = "<https://w3id.org/coopgraph/id/agreement/dict-china-miit-digital-ict-2023>"
    signed = rows(graph, f"""SELECT ?who ?post ?side ?place WHERE {{ {a} coop:hasSigning ?s .
        ?s coop:place ?place ; coop:hasSignature ?sig .
        ?sig coop:signatory ?who ; coop:inCapacityOf ?post ; coop:onBehalfOf ?side }}""")
    assert [tuple(v.rsplit("/", 1)[1] for v in row) for row in signed] == [
        ("ivan-john-uy", "ph-secretary-of-information-and-communications-technology", "philippines-dict", "beijing"),
        ("jin-zhuanglong", "cn-minister-of-industry-and-information-technology", "china-miit", "beijing"),
    ]
    assert ask(graph, f"""{a} coop:hasSigning/prov:wasDerivedFrom/coop:url
        "https://w.media/philippines-china-ink-mou-to-enhance-digital-cooperation/"^^xsd:anyURI""")


def test_bletchley_declaration_party_count_with_most_parties_unnamed(graph: ox.Store) -> None:
    """How many parties does the Bletchley Declaration have, and who? 29 (28 countries and the EU); nine named, 20 not."""
    a = "<https://w3id.org/coopgraph/id/agreement/bletchley-declaration-2023>"
    counts = rows(graph, f"SELECT ?count ?unnamed WHERE {{ {a} coop:partyCount ?count ; coop:unnamedParties ?unnamed }}")
    assert counts == [("29", "20")]
    named = sorted(p.rsplit("/", 1)[1] for (p,) in rows(graph, f"SELECT ?p WHERE {{ {a} coop:hasParty ?p }}"))
    assert named == sorted(["canada", "china", "european-union", "kenya", "nigeria", "rwanda", "saudi-arabia",
                            "united-arab-emirates", "united-states"])
    assert int(counts[0][0]) == len(named) + int(counts[0][1])  # every party is either named or counted as unnamed
    assert ask(graph, f"""{a} prov:wasDerivedFrom/coop:url "https://cybernews.com/news/bletchley-declaration-ai-safety/"^^xsd:anyURI""")


def test_apdmc_declaration_cabinet_approval_and_thai_title_from_mgr_online(graph: ox.Store) -> None:
    """When did Thailand's cabinet approve the APDMC declaration, and what is it called in Thai? 8 Nov 2022 (MGR Online)."""
    a = "<https://w3id.org/coopgraph/id/agreement/ministerial-declaration-digital-cooperation-common-future-2022>"
    assert ask(graph, f"""{a} coop:hasStatusChange [ coop:status coop:CabinetApproved ; coop:date "2022-11-08"^^xsd:date ;
        prov:wasDerivedFrom/coop:url "https://mgronline.com/politics/detail/9650000106635"^^xsd:anyURI ]""")
    assert rows(graph, f'SELECT ?th WHERE {{ {a} rdfs:label ?th FILTER(lang(?th) = "th") }}') == [
        ("ปฏิญญาว่าด้วยความร่วมมือทางดิจิทัลเพื่อกำหนดอนาคตร่วมกัน",)
    ]
    # how many signed is still not known: no party count, one unnamed party beside Thailand
    assert not ask(graph, f"{a} coop:partyCount ?n")
    assert rows(graph, f"SELECT ?n WHERE {{ {a} coop:unnamedParties ?n }}") == [("1",)]
