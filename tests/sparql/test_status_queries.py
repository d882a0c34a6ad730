"""Truthful answers on a date: partners, companies and cooperation with a cancelled and a planned MOU in the data."""

from __future__ import annotations

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
