"""The explorer's status on a date, in real headless Chromium: the same answer as the saved queries.

On the shipped data, the partners of Thailand the explorer draws (countries view, ego view) are the
rows of ``partners-of-country`` as of today and as of a past date, under the default filter (in
effect) and under ``any``; the real cancelled MDES–Prime Opportunity Fund MOU (signed 2024-03-27,
cancelled 2025-11-24) and the real planned Thailand–Singapore MOU (planned 2024-11-28) show only when
the filter asks, with the status of the chosen date as their badge. The as-of date changes badges and
counts and is kept in the URL; the page holds no date of its build (two builds: the same bytes);
axe-core finds nothing critical or serious; no request leaves file://. Screenshots: build/screenshots/.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest

import coopgraph
from coopgraph.graph.store import open_store
from coopgraph.graph.vocab import individual
from coopgraph.pipeline import build
from coopgraph.views.html import render
from coopgraph.views.project import project
from tests.conftest import SHIPPED, TINY
from tests.views.test_browser import Opened
from tests.views.test_explorer_browser import AXE, DESKTOP, PHONE, THAILAND, axe, open_page, shot

pytestmark = pytest.mark.browser
__all__ = ["open_page"]  # the fixture, shared with test_explorer_browser

CANCELLED = str(individual("agreement", "mdes-prime-opportunity-fund-2024"))
PLANNED = str(individual("agreement", "thailand-singapore-digital-economy-mou-planned"))
DISPUTED = str(individual("agreement", "komdigi-bmdv-digital-cooperation-2024"))
SINGAPORE = str(individual("country", "singapore"))
TIMOR = str(individual("country", "timor-leste"))
PAST = "2024-03-01"  # before the Prime Opportunity Fund MOU was signed (2024-03-27) and the plan (2024-11-28)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built once as `coopgraph build` does (no OWL reasoner: the status intervals and
    dated cooperation are computed in Python either way), with its countries and Thailand ego views."""
    out = tmp_path_factory.mktemp("status-shipped")
    build(SHIPPED, out, reasoner="none")
    store = open_store(out)
    (out / "countries.html").write_bytes(render(project(store, view="countries")))
    (out / "ego.html").write_bytes(render(project(store, view="ego", focus="country/thailand")))
    return out


def query_partners(out: Path, day: str | None, status: str) -> set[str]:
    params: dict[str, Any] = {"country": "country:thailand", "status_filter": status}
    if day:
        params["as_of"] = dt.date.fromisoformat(day)
    rows = coopgraph.open(out).query("partners-of-country", **params)
    return {str(row["partner"]) for row in rows}


def fragment(day: str | None, status: str) -> str:
    parts = ([f"asof={day}"] if day else []) + ([] if status == "in-effect" else [f"status={status}"])
    return "#" + "&".join(parts) if parts else ""


def edge_partners(page: Opened, country: str) -> set[str]:
    """The countries joined to ``country`` by an edge the countries view draws."""
    return set(page.js("""id => { const c = window.coopgraph; const drawn = new Set(c.visibleEdgeIds());
      return c.data.edges.filter(e => drawn.has(e.id) && (e.from === id || e.to === id))
                         .map(e => e.from === id ? e.to : e.from); }""", country))


@pytest.mark.parametrize("status", ["in-effect", "any"])
@pytest.mark.parametrize("day", [None, PAST], ids=["today", "past"])
def test_partners_of_thailand_are_the_saved_querys(open_page: Any, shipped: Path, day: str | None,
                                                   status: str) -> None:
    wanted = query_partners(shipped, day, status)
    assert len(wanted) >= 10
    countries = open_page(shipped / "countries.html", fragment=fragment(day, status))
    assert countries.js("window.coopgraph.asOf()") == (day or dt.date.today().isoformat())
    assert edge_partners(countries, THAILAND) == wanted
    assert set(countries.js("id => window.coopgraph.partners(id)", THAILAND)) == wanted
    ego = open_page(shipped / "ego.html", fragment=fragment(day, status))
    assert set(ego.js("id => window.coopgraph.partners(id)", THAILAND)) == wanted
    ego.js("id => window.coopgraph.select(id, true)", THAILAND)  # the panel lists the same partners
    listed = set(ego.page.locator("#panel ul.partners li[data-id]").evaluate_all("els => els.map(e => e.dataset.id)"))
    assert listed == wanted


def test_the_dates_change_the_answer(shipped: Path) -> None:
    """The four cases above differ where the data says they must (else the test above proves little)."""
    today, past = query_partners(shipped, None, "in-effect"), query_partners(shipped, PAST, "in-effect")
    assert TIMOR in today and TIMOR not in past  # the Timor-Leste agreement was adopted on 2025-10-26


def choose(page: Opened, status: str) -> None:
    """Pick a status filter as a person does (on a phone, the filters are in a drawer)."""
    if not page.page.locator("#filter-status").is_visible():
        page.page.click("#toggle-controls")
    page.page.select_option("#filter-status", status)


def badge(page: Opened, agreement: str) -> str:
    page.js("id => window.coopgraph.select(id, true)", agreement)
    return page.page.locator("#panel > .badge").get_attribute("data-status") or ""


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_cancelled_and_planned_mous_only_when_the_filter_asks(open_page: Any, shipped: Path, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    page = open_page(shipped / "coopgraph.html", viewport)
    drawn = page.visible()
    assert CANCELLED not in drawn and PLANNED not in drawn  # in effect today: cancelled and planned are not
    assert page.page.locator("#filter-status").input_value() == "in-effect"
    choose(page, "any")
    assert {CANCELLED, PLANNED} <= page.visible()
    assert badge(page, CANCELLED) == "cancelled" and badge(page, PLANNED) == "planned"
    assert "status=any" in page.page.url
    shot(page, f"status-any-{size}")
    choose(page, "ended")
    assert CANCELLED in page.visible() and PLANNED not in page.visible()
    choose(page, "pending")
    assert PLANNED in page.visible() and CANCELLED not in page.visible()

    past = open_page(shipped / "coopgraph.html", viewport, fragment="#asof=2024-06-01")
    assert CANCELLED in past.visible() and PLANNED not in past.visible()  # signed then; not yet planned
    assert badge(past, CANCELLED) == "signed"
    history = past.page.locator("#panel ol.history li")
    assert history.count() == 2
    assert "2024-03-27 – 2025-11-24" in history.nth(0).inner_text()
    assert past.page.locator("#panel ol.history li[aria-current=date]").inner_text().startswith(
        history.nth(0).inner_text().split(" ◀")[0])  # the interval holding on the date is marked
    shot(past, f"status-history-{size}")


def counts(page: Opened) -> tuple[str, str]:
    return page.page.locator("#shown").inner_text(), page.page.locator("#legend").inner_text()


def test_the_as_of_date_changes_badges_and_counts_and_reopens_from_the_url(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html")
    assert page.page.locator("#as-of").input_value() == dt.date.today().isoformat()
    before = counts(page), page.visible()
    page.js("id => window.coopgraph.select(id, true)", CANCELLED)  # hidden today: selecting it does nothing
    page.page.fill("#as-of", "2024-06-01")
    page.page.locator("#as-of").dispatch_event("change")
    after = counts(page), page.visible()
    assert after[0][0] != before[0][0] and after[0][1] != before[0][1]  # "n of m nodes shown" and the legend
    assert CANCELLED in after[1]
    assert TIMOR not in page.js("id => window.coopgraph.partners(id)", THAILAND)  # Timor-Leste's came in 2025
    assert badge(page, CANCELLED) == "signed"
    assert "asof=2024-06-01" in page.page.url
    link = page.page.url
    again = open_page(shipped / "coopgraph.html", fragment="#" + link.split("#", 1)[1])
    assert again.page.locator("#as-of").input_value() == "2024-06-01"
    assert again.visible() == after[1] and counts(again) == after[0]
    again.page.click("#as-of-today")
    assert "asof=" not in again.page.url and again.visible() == before[1]


def test_an_uncertain_date_is_shown_in_words_and_placed_in_the_window(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html", fragment="#status=any&from=2024&to=2024")
    assert DISPUTED in page.visible()  # its signing fell 21-24 November 2024, the sources disagree on the day
    page.js("id => window.coopgraph.select(id, true)", DISPUTED)
    text = page.page.locator("#panel").inner_text()
    assert "disputed: between 21 and 22 November 2024 (habanusantara.net, m.tribunnews.com)" in text
    assert "24 November 2024 (teknologi.bisnis.com)" in text
    assert "undated" not in text.lower()
    outside = open_page(shipped / "coopgraph.html", fragment="#status=any&from=2025&to=2025")
    assert DISPUTED not in outside.visible()


def test_same_bytes_for_two_builds_and_no_date_of_the_build(shipped: Path, tmp_path: Path) -> None:
    again = tmp_path / "again"
    build(SHIPPED, again, reasoner="none")
    for name in ("coopgraph.html",):
        assert (again / name).read_bytes() == (shipped / name).read_bytes()
    page = (shipped / "coopgraph.html").read_bytes()
    assert dt.date.today().isoformat().encode() not in page
    assert render(project(open_store(again), view="countries")) == (shipped / "countries.html").read_bytes()


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_axe_with_the_status_controls_and_history(open_page: Any, shipped: Path, size: str) -> None:
    assert AXE.exists(), "run ./dev setup (npm ci in tests/js) to install axe-core"
    page = open_page(shipped / "coopgraph.html", DESKTOP if size == "desktop" else PHONE,
                     fragment="#status=any&asof=2025-12-01")
    page.js("id => window.coopgraph.select(id, true)", CANCELLED)
    if size == "phone":
        page.page.click("#toggle-controls")
    assert axe(page) == []
    page.js("() => window.coopgraph.setLanguage('th')")
    assert axe(page) == []
    shot(page, f"status-controls-{size}")


def test_a_disputed_role_carries_each_sources_version(open_page: Any, tmp_path: Path) -> None:
    data = tmp_path / "data"
    import shutil

    shutil.copytree(TINY, data)
    mou = data / "agreements" / "alpha-beta-digital-mou-2024.yaml"
    text = mou.read_text(encoding="utf-8")
    sources = re.findall(r"^- id: (\S+)", (data / "sources.yaml").read_text(encoding="utf-8"), re.M)
    assert len(sources) >= 2
    disputed = (f"    witnesses:\n      - person: bob-beta\n        disputed:\n"
                f"          - {{role: witness, sources: [{sources[0]}]}}\n"
                f"          - {{role: signatory, sources: [{sources[1]}]}}\n")
    assert "    witnesses: [{person: bob-beta}]\n" in text
    mou.write_text(text.replace("    witnesses: [{person: bob-beta}]\n", disputed), encoding="utf-8")
    out = tmp_path / "out"
    build(data, out, reasoner="none")
    page = open_page(out / "coopgraph.html", fragment="#status=any")
    page.js("id => window.coopgraph.select(id, true)", str(individual("agreement", "alpha-beta-digital-mou-2024")))
    panel = page.page.locator("#panel")
    assert "Ada Alpha" in panel.inner_text() and "stated" in panel.locator("li.signatory").first.inner_text()
    witness = panel.locator(".certainty.disputed")
    assert witness.count() == 1
    said = witness.inner_text()
    assert "disputed" in said and "witnessed" in said and "signed" in said


def test_a_day_and_month_with_no_year_is_said_so(open_page: Any, shipped: Path) -> None:
    """The Brunei-Singapore MoU was signed on 30 May of a year its source does not give."""
    mou = "https://w3id.org/coopgraph/id/agreement/brunei-singapore-digital-cooperation-mou"
    page = open_page(shipped / "coopgraph.html", fragment="#status=any")
    page.js("id => window.coopgraph.select(id, true)", mou)
    text = page.page.locator("#panel").inner_text()
    assert "30 May, year unknown" in text
    assert "datelined Bandar Seri Begawan" in text  # the reasoning travels with the date
