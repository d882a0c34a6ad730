"""Truthful answers on a date: partners, companies and cooperation with a cancelled and a planned MOU in the data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from coopgraph.errors import CoopgraphError
from coopgraph.graph.store import open_store
from coopgraph.sparql.query import run_saved
from tests.sparql.test_query import AGREEMENT, COUNTRY, rows

ORG = "https://w3id.org/coopgraph/id/organization/"
PLANNED = AGREEMENT + "thailand-singapore-digital-economy-mou-planned"
CANCELLED = AGREEMENT + "mdes-prime-opportunity-fund-2024"


def by_partner(found: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    """partner -> its statuses (in row order, comma-separated), agreements summed, earliest since."""
    merged: dict[str, dict[str, str]] = {}
    for r in found:
        m = merged.setdefault(r["partner"].removeprefix(COUNTRY), {"statuses": "", "agreements": "0", "since": ""})
        m["statuses"] = ", ".join(filter(None, [m["statuses"], r["status"]]))
        m["agreements"] = str(int(m["agreements"]) + int(r["agreements"]))
        m["since"] = min(filter(None, [m["since"], r["since"]]), default="")
    return merged


def test_partners_of_thailand_today_and_on_a_past_date(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    today = by_partner(rows(capsys, shipped_build, "partners-of-country"))
    anything = by_partner(rows(capsys, shipped_build, "partners-of-country", "status_filter=any"))
    # the planned Thailand - Singapore MOU is no partner link by default, and is shown, marked, when asked
    assert "planned" not in today["singapore"]["statuses"]
    assert "planned" in anything["singapore"]["statuses"]
    assert int(anything["singapore"]["agreements"]) == int(today["singapore"]["agreements"]) + 1
    # the Thai-Cambodian MOU is only cabinet-approved: Cambodia counts through ASEAN, not through it
    assert "cabinet-approved" not in today["cambodia"]["statuses"]
    assert "cabinet-approved" in anything["cambodia"]["statuses"]
    assert {"indonesia", "china", "laos", "singapore", "india"} <= set(today)
    # on 2023-01-01 the Thai-Lao MOU (signed 2022-11-07, five years) was in effect, beside the ASEAN
    # documents adopted since 2021; the ASEAN-China MOU (2024) and the Thai-Indonesian MOU (2024) were not yet
    past_rows = rows(capsys, shipped_build, "partners-of-country", "as_of=2023-01-01")
    past = by_partner(past_rows)
    assert "china" not in past
    assert int(past["indonesia"]["agreements"]) < int(today["indonesia"]["agreements"])
    lao = [r for r in past_rows if r["partner"] == COUNTRY + "laos" and r["status"] == "signed"]
    assert len(lao) == 1 and lao[0]["agreements"] == "1" and lao[0]["since"] == "2022-11-07"
    pending = by_partner(rows(capsys, shipped_build, "partners-of-country", "as_of=2025-06-01", "status_filter=pending"))
    assert {"singapore", "cambodia"} <= set(pending) and "china" not in pending


def test_company_partners_and_the_cancelled_mou(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def companies(*params: str) -> dict[str, str]:
        found = rows(capsys, shipped_build, "company-partners", *params)
        return {r["agreement"]: r["status"] for r in found}

    assert CANCELLED not in companies()  # cancelled on 2025-11-24
    assert companies("as_of=2025-06-01")[CANCELLED] == "signed"
    assert companies("status_filter=any")[CANCELLED] == "cancelled"
    assert companies("status_filter=cancelled") == {CANCELLED: "cancelled"}
    assert CANCELLED not in companies("as_of=2024-03-26", "status_filter=in-effect")  # the day before signing
    assert AGREEMENT + "mdes-huawei-government-cloud-2022" in companies()


def test_who_cooperated_with_thailand_on_cybersecurity_as_of_a_date(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    found = rows(capsys, shipped_build, "cooperation-on-topic", "as_of=2025-06-01")
    assert found and all(r["status"] in ("signed", "adopted", "in-force", "renewed") for r in found)
    singapore = {r["agreement"] for r in found if r["partner"] == COUNTRY + "singapore"}
    assert AGREEMENT + "asean-china-communications-digital-technology-2024" in singapore
    assert PLANNED not in singapore  # the planned MOU is no cooperation on that date
    assert {r["partner"].removeprefix(COUNTRY) for r in found} >= {"china", "laos", "singapore"}
    marked = rows(capsys, shipped_build, "cooperation-on-topic", "as_of=2025-06-01", "status_filter=any")
    assert {(r["agreement"], r["status"]) for r in marked if r["partner"] == COUNTRY + "singapore"} >= {(PLANNED, "planned")}
    before = rows(capsys, shipped_build, "cooperation-on-topic", "as_of=2021-01-01")
    assert before == []


def test_agreements_of_a_country_say_their_status(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    listed = {r["agreement"]: r["status"] for r in rows(capsys, shipped_build, "agreements-of-country", "status_filter=any")}
    assert listed[PLANNED] == "planned" and listed[CANCELLED] == "cancelled"
    default = {r["agreement"] for r in rows(capsys, shipped_build, "agreements-of-country")}
    assert PLANNED not in default and CANCELLED not in default
    assert AGREEMENT + "mdes-lao-mtc-postal-telecom-ict-digital-2022" in default


def test_an_organisations_agreements_across_renames(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    for name in ("komdigi", "kominfo"):
        found = rows(capsys, shipped_build, "organization-agreements", f"organization=organization:{name}")
        under = {r["agreement"].removeprefix(AGREEMENT): r["as"].removeprefix(ORG) for r in found}
        assert under["mdes-kominfo-ict-digitalization-2024"] == "kominfo"
        assert under["komdigi-uk-digital-partnership-2025"] == "komdigi"


def test_meetings_with_what_was_signed_there_sub_meetings_included(
    capsys: pytest.CaptureFixture[str], shipped_build: Path
) -> None:
    found = rows(capsys, shipped_build, "meeting-signings")
    adgmin4 = {(r["agreement"].removeprefix(AGREEMENT), r["at"].rsplit("/", 1)[1]) for r in found if r["meeting"].endswith("/adgmin-4")}
    assert ("asean-china-communications-digital-technology-2024", "adgmin-4-asean-china") in adgmin4
    adopted = {r["agreement"].removeprefix(AGREEMENT): r["how"] for r in found if r["meeting"].endswith("/adgmin-5")}
    assert adopted["bangkok-digital-declaration-2025"] == "adopted"


def test_curation_gap_no_signing_recorded(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    gaps = {r["item"] for r in rows(capsys, shipped_build, "curation-gaps") if r["gap"] == "no signing recorded"}
    assert PLANNED in gaps and CANCELLED not in gaps


def test_the_api_refuses_a_name_that_names_nothing(shipped_build: Path) -> None:
    store = open_store(shipped_build)
    result = run_saved(store, "partners-of-country", {"country": "country:thailand", "as_of": "2023-01-01"})
    partners = {row[0].value for row in result.shown().rows}
    assert COUNTRY + "laos" in partners and COUNTRY + "china" not in partners
    with pytest.raises(CoopgraphError, match=r"country=country:thailandd names nothing in the graph \(did you mean country:thailand\?\)"):
        run_saved(store, "partners-of-country", {"country": "country:thailandd"})
    with pytest.raises(CoopgraphError, match=r"names nothing in the graph$"):
        run_saved(store, "partners-of-country", {"country": "country:zzzzzzzz"})
    with pytest.raises(CoopgraphError, match=r"did you mean ended\?"):
        run_saved(store, "partners-of-country", {"status_filter": "endd"})


# --- every query that lists or counts agreements reads the status on a date -------------------------------


def listed(capsys: pytest.CaptureFixture[str], build: Path, name: str, *params: str) -> dict[str, str]:
    """agreement -> its status, from a saved query's rows."""
    return {r["agreement"]: r["status"] for r in rows(capsys, build, name, *params)}


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("agreements-in-period", ("from=2024-01-01", "to=2024-12-31")),
        ("agreements-by-topic", ("topic=topic:digital-economy",)),
        ("agreements-by-level", ()),
    ],
)
def test_the_cancelled_mou_is_listed_only_when_asked_or_before_it_ended(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, name: str, params: tuple[str, ...]
) -> None:
    assert CANCELLED not in listed(capsys, shipped_build, name, *params)  # cancelled on 2025-11-24
    assert listed(capsys, shipped_build, name, *params, "status_filter=any")[CANCELLED] == "cancelled"
    assert listed(capsys, shipped_build, name, *params, "as_of=2025-06-01")[CANCELLED] == "signed"
    assert CANCELLED not in listed(capsys, shipped_build, name, *params, "as_of=2024-03-26")  # the day before signing
    assert listed(capsys, shipped_build, name, *params, "status_filter=cancelled") == {CANCELLED: "cancelled"}


def test_the_planned_mou_is_listed_marked_only_when_asked(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    for name, params in (("agreements-by-topic", ("topic=topic:cybersecurity",)), ("agreements-by-level", ())):
        assert PLANNED not in listed(capsys, shipped_build, name, *params)
        assert listed(capsys, shipped_build, name, *params, "status_filter=any")[PLANNED] == "planned"
        assert listed(capsys, shipped_build, name, *params, "status_filter=pending")[PLANNED] == "planned"


def test_agreements_per_year_count_by_status_on_a_date(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def counts(*params: str) -> dict[tuple[str, str], int]:
        return {(r["year"], r["status"]): int(r["agreements"]) for r in rows(capsys, shipped_build, "agreements-per-year", *params)}

    today, anything, before = counts(), counts("status_filter=any"), counts("as_of=2025-06-01")
    assert ("2024", "cancelled") not in today and anything[("2024", "cancelled")] == 1
    assert before[("2024", "signed")] == today[("2024", "signed")] + 1  # the MDES - Prime Opportunity Fund MOU, then in effect
    assert ("", "planned") in anything and not any(status == "planned" for _, status in today)
    assert all(status in ("signed", "adopted", "in-force", "renewed") for _, status in today)


def test_agreements_expiring_read_the_status_on_the_date(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    lao = AGREEMENT + "mdes-lao-mtc-postal-telecom-ict-digital-2022"  # signed 2022-11-07 for five years
    assert listed(capsys, shipped_build, "agreements-expiring", "as_of=2027-06-01")[lao] == "signed"
    assert lao not in listed(capsys, shipped_build, "agreements-expiring", "as_of=2021-06-01", "months=120")  # not yet signed
    assert listed(capsys, shipped_build, "agreements-expiring", "as_of=2021-06-01", "months=120", "status_filter=any")[lao] == "unknown"


def test_a_cancelled_agreement_with_a_term_is_not_expiring(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """The shipped cancelled MOU has no term: a copy of the data gives it one (P5Y, so it would expire in 2029)."""
    import shutil

    from coopgraph.pipeline import build
    from tests.conftest import SHIPPED

    data = tmp_path / "data"
    shutil.copytree(SHIPPED, data)
    record = data / "agreements" / "mdes-prime-opportunity-fund-2024.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace("topics: [digital-economy]\n", "topics: [digital-economy]\nterm: P5Y\n"), encoding="utf-8")
    build(data, tmp_path / "build", reasoner="none")
    ahead = ("months=60",)
    assert CANCELLED not in listed(capsys, tmp_path / "build", "agreements-expiring", *ahead)
    assert listed(capsys, tmp_path / "build", "agreements-expiring", *ahead, "status_filter=any")[CANCELLED] == "cancelled"
    assert listed(capsys, tmp_path / "build", "agreements-expiring", "as_of=2025-06-01", *ahead)[CANCELLED] == "signed"


def test_cooperation_network_reads_the_dated_links(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def pairs(*params: str) -> dict[tuple[str, str], dict[str, int]]:
        found: dict[tuple[str, str], dict[str, int]] = {}
        for r in rows(capsys, shipped_build, "cooperation-network", *params):
            pair = (r["country"].removeprefix(COUNTRY), r["partner"].removeprefix(COUNTRY))
            found.setdefault(pair, {})[r["status"]] = int(r["agreements"])
        return found

    today, anything = pairs(), pairs("status_filter=any")
    assert all(a < b for a, b in today)  # each pair once
    assert "planned" not in today[("singapore", "thailand")] and anything[("singapore", "thailand")]["planned"] == 1
    assert sum(anything[("singapore", "thailand")].values()) == sum(today[("singapore", "thailand")].values()) + 1
    past = pairs("as_of=2023-01-01")
    assert ("china", "thailand") not in past and ("china", "thailand") in today  # the MDES-NDA MOU: 2023-10-18
    assert past[("laos", "thailand")].get("signed", 0) >= 1  # the Thai-Lao MOU, signed 2022-11-07


@pytest.mark.parametrize(
    ("partner", "params", "expected"),
    [
        ("china", (), True),
        ("china", ("as_of=2023-01-01",), False),  # before the MDES-NDA MOU (2023-10-18) and the ASEAN-China MOU (2024)
        ("germany", ("status_filter=any",), False),
        ("singapore", ("status_filter=planned",), True),  # the planned Thailand-Singapore MOU
        ("singapore", ("as_of=2020-01-01", "status_filter=planned"), False),  # planned on 2024-11-28
    ],
)
def test_cooperate_on_a_date(
    capsys: pytest.CaptureFixture[str], shipped_build: Path, partner: str, params: tuple[str, ...], expected: bool
) -> None:
    from tests.sparql.test_query import cli

    code, out, err = cli(capsys, "query", "cooperate", "--out", str(shipped_build), "-f", "json", "-p", f"partner={partner}",
                         *[a for p in params for a in ("-p", p)])
    assert code == 0, err
    assert json.loads(out)["boolean"] is expected


def test_shared_agreements_on_a_date(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    singapore = ("partner=singapore",)
    assert PLANNED not in listed(capsys, shipped_build, "shared-agreements", *singapore)
    marked = rows(capsys, shipped_build, "shared-agreements", *singapore, "status_filter=any")
    planned = [r for r in marked if r["agreement"] == PLANNED]
    assert [(r["status"], r["countryVia"], r["partnerVia"]) for r in planned] == [("planned", "direct", "direct")]
    past = listed(capsys, shipped_build, "shared-agreements", "partner=china", "as_of=2023-12-01")
    assert past == {AGREEMENT + "mdes-china-nda-digital-economy-2023": "signed"}  # the ASEAN-China MOU came in 2024


def test_signatories_show_uncertain_dates_and_disputed_roles(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A disputed signing date is shown as each source gives it; a disputed role with each source's version."""
    import shutil

    from coopgraph.pipeline import build
    from tests.conftest import TINY

    data = tmp_path / "tiny"
    shutil.copytree(TINY, data)
    record = data / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = record.read_text(encoding="utf-8")
    disputed = (
        "      - person: ada-alpha\n        post: alpha-digital-minister\n        for: alpha-digital-ministry\n"
        "        disputed:\n          - {role: signatory, sources: [press-release-1]}\n"
        "          - {role: witness, sources: [bloc-charter], note: {en: she says she only witnessed}}\n"
    )
    assert "      - {person: ada-alpha, post: alpha-digital-minister, for: alpha-digital-ministry}\n" in text
    text = text.replace("      - {person: ada-alpha, post: alpha-digital-minister, for: alpha-digital-ministry}\n", disputed)
    witness = (
        "    witnesses:\n      - person: bob-beta\n        disputed:\n"
        "          - {role: witness, sources: [press-release-1]}\n          - {role: signatory, sources: [bloc-charter]}\n"
    )
    record.write_text(text.replace("    witnesses: [{person: bob-beta}]\n", witness), encoding="utf-8")
    build(data, tmp_path / "build", reasoner="none")
    signed = {r["signatory"].rsplit("/", 1)[1]: r for r in rows(capsys, tmp_path / "build", "signatories") if r["signatory"]}
    ada = signed["ada-alpha"]
    assert ada["roleCertainty"] == "disputed"
    assert ada["roleClaims"].count("signatory (") == 1 and ada["roleClaims"].count("witness (") == 1
    assert all(r["roleCertainty"] == "stated" and r["roleClaims"] == "" for k, r in signed.items() if k != "ada-alpha")
    bob = [r for r in rows(capsys, tmp_path / "build", "witnesses") if r["witness"].endswith("/bob-beta")]
    assert [r["roleCertainty"] for r in bob] == ["disputed"]
    assert bob[0]["roleClaims"].count("witness (") == 1 and bob[0]["roleClaims"].count("signatory (") == 1


def test_signatories_keep_a_date_the_sources_disagree_on(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    bmdv = [r for r in rows(capsys, shipped_build, "signatories") if r["agreement"].endswith("/komdigi-bmdv-digital-cooperation-2024")]
    assert {r["roleCertainty"] for r in rows(capsys, shipped_build, "signatories")} == {"stated"}  # no dispute shipped
    assert bmdv and {(r["date"], r["earliest"], r["latest"]) for r in bmdv} == {
        ("2024-11-21/2024-11-22 | 2024-11-24", "2024-11-21", "2024-11-24")
    }


def test_topic_pairs_count_only_agreements_in_the_filter(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def counts(*params: str) -> dict[tuple[str, str, str], int]:
        found = rows(capsys, shipped_build, "topic-cooccurrence", "min=1", *params)
        return {(r["topic"].rsplit("/", 1)[1], r["other"].rsplit("/", 1)[1], r["status"]): int(r["agreements"]) for r in found}

    today, anything = counts(), counts("status_filter=any")
    assert {status for *_, status in today} <= {"signed", "adopted", "in-force", "renewed"}
    assert "planned" in {status for *_, status in anything}  # the planned Thailand-Singapore MOU, marked
    assert sum(today.values()) < sum(anything.values())
    # before any agreement of the data was made, nothing is in effect; with any, all count as unknown then
    assert counts("as_of=2000-01-01") == {}
    assert {status for *_, status in counts("as_of=2000-01-01", "status_filter=any")} == {"unknown"}


def test_package_members_say_their_status_on_the_date(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    package = "https://w3id.org/coopgraph/id/package/india-thailand-2025-04-03"
    def members(*params: str) -> dict[str, str]:
        return {r["member"]: r["status"] for r in rows(capsys, shipped_build, "agreement-packages", *params) if r["package"] == package}

    signed = members()
    assert AGREEMENT + "mdes-meity-digital-technologies-2025" in signed and set(signed.values()) == {"signed"}
    assert members("as_of=2025-04-02") == {}  # the day before the visit
    assert set(members("as_of=2025-04-02", "status_filter=any").values()) == {"unknown"}


def test_meeting_signings_follow_the_status_filter(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def signed_at(*params: str) -> dict[str, str]:
        found = rows(capsys, shipped_build, "meeting-signings", *params)
        return {r["agreement"].removeprefix(AGREEMENT): r["status"] for r in found if r["meeting"].endswith("/adgmin-4")}

    assert signed_at()["asean-china-communications-digital-technology-2024"] == "signed"
    # before the 4th ADGMIN nothing signed there was in effect yet
    assert signed_at("as_of=2024-01-01") == {}
    assert signed_at("as_of=2024-01-01", "status_filter=any")["asean-china-communications-digital-technology-2024"] == "unknown"


def test_organisation_agreements_default_to_those_in_effect(capsys: pytest.CaptureFixture[str], shipped_build: Path) -> None:
    def listed(*params: str) -> set[str]:
        found = rows(capsys, shipped_build, "organization-agreements", "organization=organization:komdigi", *params)
        return {r["agreement"].removeprefix(AGREEMENT) for r in found}

    assert "mdes-kominfo-ict-digitalization-2024" not in listed("as_of=2023-06-01")
    assert "mdes-kominfo-ict-digitalization-2024" in listed("as_of=2023-06-01", "status_filter=any")
    assert "mdes-kominfo-ict-digitalization-2024" in listed()


def test_a_meeting_with_nothing_signed_is_listed_once_and_picks_up_nothing(
    capsys: pytest.CaptureFixture[str], tiny_copy: Path, tmp_path: Path
) -> None:
    """An unbound agreement must not be filled in by a label or status lookup (it once matched every label)."""
    from coopgraph.pipeline import build

    with (tiny_copy / "meetings.yaml").open("a", encoding="utf-8") as f:
        f.write("- id: ministers-meeting-2\n  series: ministers-meeting\n  ordinal: 2\n"
                "  name: {en: 2nd Digital Ministers' Meeting}\n  start: 2025-02-01\n  sources: [press-release-1]\n")
    out = tmp_path / "out"
    build(tiny_copy, out, reasoner="none")
    found = rows(capsys, out, "meeting-signings", "status_filter=any")
    second = [r for r in found if r["meeting"].endswith("/ministers-meeting-2")]
    assert [(r["agreement"], r["title"], r["at"], r["status"]) for r in second] == [("", "", "", "")]
    assert all(r["agreement"].startswith(AGREEMENT) for r in found if r["agreement"])
    first = [r for r in found if r["meeting"].endswith("/ministers-meeting-1")]
    assert first and all(r["agreement"] and r["status"] for r in first)
