"""The explorer as an analyst uses it, in real headless Chromium at desktop (1440×900) and phone (390×844) sizes.

Responsive drawers, the canvas drawn at full width on a phone, touch panning, labels readable at the
opening zoom, ranked search, keyboard and the node list, axe-core (from npm, tests/js) on every view,
the URL fragment, exports, the side panel's details. Every page is checked offline (no request that is
not a file:// URL) and free of console errors. Screenshots go to build/screenshots/ (CI keeps them).
"""

from __future__ import annotations

import base64
import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Request, Route

from coopgraph.graph.store import open_store
from coopgraph.graph.vocab import individual
from coopgraph.pipeline import build
from coopgraph.views.html import render
from coopgraph.views.project import project
from tests.conftest import ROOT, SHIPPED
from tests.views.test_browser import THAI, Opened

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "tests" / "js" / "node_modules" / "axe-core" / "axe.min.js"
DESKTOP = {"width": 1440, "height": 900}
PHONE = {"width": 390, "height": 844}
MOU = str(individual("agreement", "alpha-beta-digital-mou-2024"))
BLOC_MOU = str(individual("agreement", "bloc-beta-mou-2025"))
THAILAND = str(individual("country", "thailand"))
ASEAN_CHINA = str(individual("agreement", "asean-china-communications-digital-technology-2024"))
PRASERT = str(individual("person", "prasert-jantararuangtong"))
SECURITY = str(individual("topic", "digital-security"))


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data built once, and its other views written as the CLI writes them."""
    out = tmp_path_factory.mktemp("explorer-shipped")
    build(SHIPPED, out, reasoner="none")
    store = open_store(out)
    for name, options in {"countries": {"view": "countries"}, "topics": {"view": "topics"},
                          "ego": {"view": "ego", "focus": "country/thailand"}}.items():
        (out / f"{name}.html").write_bytes(render(project(store, **options)))
    return out


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """Open a file at a size; afterwards no request may have left file:// and no error occurred."""
    opened: list[Opened] = []

    def load(path: Path, viewport: dict[str, int] = DESKTOP, *, fragment: str = "", touch: bool = False) -> Opened:
        context = browser.new_context(viewport=viewport, locale="th-TH", has_touch=touch, accept_downloads=True)
        page = context.new_page()
        result = Opened(page)

        def route(handle: Route, request: Request) -> None:
            result.requests.append(request.url)
            if request.url.startswith("file://"):
                handle.continue_()
            else:
                result.blocked.append(request.url)
                handle.abort()

        page.route("**/*", route)
        page.on("console", lambda message: result.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: result.errors.append(str(error)))
        page.goto(path.resolve().as_uri() + fragment)
        page.wait_for_function("window.coopgraph && window.coopgraph.ready === true")
        opened.append(result)
        return result

    yield load
    for result in opened:
        assert result.blocked == [], f"non-file requests: {result.blocked}"
        assert result.errors == [], f"console errors: {result.errors}"
        result.page.context.close()


def shot(page: Opened, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"explorer-{name}.png"
    page.page.screenshot(path=str(target))
    return target


DRAWN = """() => { const canvas = document.querySelector('#network canvas');
  const ctx = canvas.getContext('2d'); const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
  let ink = 0; for (let i = 3; i < data.length; i += 4 * 7) if (data[i] > 0) ink++; return ink; }"""


def canvas_box(page: Opened) -> dict[str, float]:
    return page.js("() => { const r = document.querySelector('#network canvas').getBoundingClientRect();"
                   " return {x: r.x, y: r.y, width: r.width, height: r.height}; }")


# --------------------------------------------------------------------------- 1. responsive


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_graph_gets_the_screen_and_draws(open_page: Any, shipped: Path, size: str) -> None:
    viewport = DESKTOP if size == "desktop" else PHONE
    page = open_page(shipped / "coopgraph.html", viewport)
    box = canvas_box(page)
    if size == "phone":
        assert box["width"] == viewport["width"]  # full width: the side panels are drawers
        assert not page.page.locator("#controls").is_visible() and not page.page.locator("#panel").is_visible()
    else:
        assert box["width"] >= 800 and page.page.locator("#controls").is_visible()
        assert page.page.locator("#panel").is_visible()
    assert box["height"] >= viewport["height"] * 0.7
    assert page.js(DRAWN) > 500  # nodes and edges are drawn, not a blank canvas
    shot(page, f"{size}-opening")


def test_on_a_phone_the_drawers_open_and_close(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html", PHONE)
    toggle = page.page.locator("#toggle-controls")
    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    page.page.locator("#controls").wait_for(state="visible")
    assert toggle.get_attribute("aria-expanded") == "true"
    page.page.wait_for_timeout(250)  # the slide-in transition
    shot(page, "phone-filters")
    page.page.keyboard.press("Escape")
    page.page.locator("#controls").wait_for(state="hidden")
    page.js("id => window.coopgraph.select(id, true)", THAILAND)  # a selection opens the details drawer
    page.page.locator("#panel").wait_for(state="visible")
    assert page.page.locator("#panel h3").inner_text().startswith("Thailand")
    page.page.wait_for_timeout(250)
    shot(page, "phone-details")
    page.page.locator("#panel button.drawer-toggle").click()
    page.page.locator("#panel").wait_for(state="hidden")
    assert canvas_box(page)["width"] == PHONE["width"]


def test_touch_pans_the_drawing(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html", PHONE, touch=True)
    before = page.js("window.coopgraph.network.getViewPosition()")
    box = canvas_box(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    session = page.page.context.new_cdp_session(page.page)

    def touch(kind: str, points: list[tuple[float, float]]) -> None:
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": a, "y": b} for a, b in points]})

    touch("touchStart", [(x, y)])
    for i in range(1, 11):
        touch("touchMove", [(x + 12 * i, y + 8 * i)])
        page.page.wait_for_timeout(16)
    touch("touchEnd", [])
    after = page.js("window.coopgraph.network.getViewPosition()")
    assert abs(after["x"] - before["x"]) > 1 or abs(after["y"] - before["y"]) > 1


# --------------------------------------------------------------------------- 2. a first view that explains itself


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_the_most_connected_nodes_are_labelled_readably_at_the_opening_zoom(
    open_page: Any, shipped: Path, size: str
) -> None:
    page = open_page(shipped / "coopgraph.html", DESKTOP if size == "desktop" else PHONE)
    drawn = page.js("""() => { const net = window.coopgraph.network; const scale = net.getScale();
      return window.coopgraph.labelled().map(id => { const node = net.body.nodes[id];
        return [id, node.options.font.size * scale, node.labelModule.visible()]; }); }""")
    assert len(drawn) >= (8 if size == "desktop" else 4)
    assert all(px >= 11 and visible for _, px, visible in drawn)  # at least 11 px on screen, and drawn
    # the most important node is labelled; the next ones give way where their labels would overlap
    assert page.js("window.coopgraph.order()[0]") in {node for node, _, _ in drawn}
    labels = page.js("window.coopgraph.nodes.get().map(n => n.label)")
    assert "ASEAN–China MOU on communications and digital technology (2024)" in labels
    assert not any(label.startswith("Memorandum of Understanding between") for label in labels)
    page.js("id => window.coopgraph.select(id, true)", ASEAN_CHINA)
    if size == "phone":
        page.page.locator("#panel").wait_for(state="visible")
    assert page.page.locator("#panel h3").inner_text().startswith(
        "Memorandum of Understanding between the Association of Southeast Asian Nations")
    shot(page, f"{size}-labels")


# --------------------------------------------------------------------------- 3. search that finds


@pytest.mark.parametrize("query, wanted", [
    ("memorandum china", ASEAN_CHINA),
    ("Jantararuangtong Prasert", PRASERT),
    ("ASEAN-China MOU", ASEAN_CHINA),
    ("china asean mou", ASEAN_CHINA),
    ("Thailand", THAILAND),
    ("ไทย", THAILAND),
    ("Thiland", THAILAND),  # a typo: trigrams
])
def test_search_ranks_what_was_meant_first(open_page: Any, shipped: Path, query: str, wanted: str) -> None:
    page = open_page(shipped / "coopgraph.html")
    assert page.js("q => window.coopgraph.search(q)[0].id", query) == wanted


def test_search_box_lists_kind_and_country_and_enter_picks_the_best(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html")
    everything = page.visible()
    page.page.fill("#search", "MOU")
    options = page.page.locator("#search-results [role=option]")
    options.first.wait_for()
    assert options.count() >= 10  # every MOU
    assert page.page.locator("#search").get_attribute("aria-expanded") == "true"
    first = options.first.inner_text()
    assert "Agreement" in first and "·" in first  # kind and countries
    shot(page, "search-mou")
    page.page.fill("#search", "Thailand")
    first_option = "document.querySelector('#search-results [role=option]')"
    page.page.wait_for_function(f"{first_option} && {first_option}.dataset.id.endsWith('/thailand')")
    page.page.press("#search", "Enter")
    assert page.js("window.coopgraph.state.selected") == THAILAND
    page.page.fill("#search", "zzqxw nothing")
    page.page.wait_for_function("document.querySelector('#search-results .info')")
    assert page.page.locator("#search-results").inner_text() == "Nothing matches."
    assert page.visible() == everything  # no match never empties the graph


# --------------------------------------------------------------------------- 4. accessible


def axe(page: Opened) -> list[dict[str, Any]]:
    page.page.add_script_tag(path=str(AXE))
    found = page.js("""async () => { const r = await axe.run(document, {resultTypes: ['violations']});
      return r.violations.map(v => ({id: v.id, impact: v.impact,
                                     nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})); }""")
    return [v for v in found if v["impact"] in ("critical", "serious")]


@pytest.mark.parametrize("view", ["coopgraph", "countries", "topics", "ego"])
def test_axe_finds_no_critical_or_serious_violation(open_page: Any, shipped: Path, view: str) -> None:
    assert AXE.exists(), "run ./dev setup (npm ci in tests/js) to install axe-core"
    page = open_page(shipped / f"{view}.html")
    assert axe(page) == []
    page.js("id => window.coopgraph.select(id, false)", page.js("window.coopgraph.data.analytics.top_degree[0][0]"))
    page.page.fill("#search", page.js("window.coopgraph.data.analytics.top_degree[0][1]").split()[0])
    page.page.locator("#search-results [role=option]").first.wait_for()
    assert axe(page) == []  # with the panel filled and the results open
    page.js("() => window.coopgraph.setLanguage('th')")
    assert axe(page) == []


def test_axe_on_a_phone_with_a_drawer_open(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html", PHONE)
    assert axe(page) == []
    page.page.click("#toggle-controls")
    page.page.locator("#controls").wait_for(state="visible")
    page.page.wait_for_timeout(250)
    assert axe(page) == []


def test_the_keyboard_reaches_the_graph_and_moves_through_nodes(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html")
    page.page.focus("#network")
    page.page.keyboard.press("ArrowRight")
    top = page.js("window.coopgraph.order()[0]")
    assert page.js("window.coopgraph.state.selected") == top
    page.page.keyboard.press("ArrowRight")
    second = page.js("window.coopgraph.state.selected")
    assert second not in (None, top)
    assert page.page.locator("#announce").inner_text().startswith("Selected: ")
    links = page.page.locator("#panel a.node-link")
    assert links.count() > 0 and all((links.nth(i).get_attribute("href") or "").startswith("#")
                                     for i in range(links.count()))
    page.page.keyboard.press("Escape")
    assert page.js("window.coopgraph.state.selected") is None
    page.page.click("#list-box summary")  # the canvas's accessible twin
    items = page.page.locator("#node-list a")
    items.first.wait_for()
    assert items.count() == len(page.visible())
    items.nth(2).focus()
    page.page.keyboard.press("Enter")
    assert page.js("window.coopgraph.state.selected") is not None
    shot(page, "keyboard-list")


# --------------------------------------------------------------------------- 5. analyst controls


def test_the_view_state_is_in_the_url_and_a_link_reopens_it(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    page.page.select_option("#filter-topic", SECURITY)
    page.js("id => window.coopgraph.select(id, false)", MOU)
    page.page.click("#lang")
    fragment = page.js("location.hash")
    assert "topic=" in fragment and "sel=" in fragment and "lang=th" in fragment
    again = open_page(tiny_build / "coopgraph.html", fragment=fragment)
    assert again.js("window.coopgraph.state.topic") == SECURITY
    assert again.js("window.coopgraph.state.selected") == MOU
    assert again.page.locator("html").get_attribute("lang") == "th"
    assert BLOC_MOU not in again.visible()


def test_time_window_legend_toggles_and_counts(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    assert page.page.locator("#year-marks span").all_inner_texts() == ["2024", "2025"]
    scale = page.js("window.coopgraph.network.getScale()")
    page.page.focus("#to-year")
    page.page.keyboard.press("Home")
    shown = page.visible()
    assert MOU in shown and BLOC_MOU not in shown
    assert page.js("window.coopgraph.network.getScale()") != scale  # re-fitted to what is left
    stats = page.page.locator("#stats div").first.inner_text()
    assert stats.startswith(f"Nodes: {len(shown)} ·")  # the analytics follow the filter
    assert page.page.locator("#window-value").inner_text() == "2024 – 2024"
    legend = page.page.locator("#legend button[data-kind=agreement]")
    assert legend.inner_text().endswith("(1)")  # legend counts follow the filters
    page.page.keyboard.press("End")
    assert BLOC_MOU in page.visible()
    legend.click()
    assert legend.get_attribute("aria-pressed") == "false"
    assert not {MOU, BLOC_MOU} & page.visible()
    legend.click()
    assert {MOU, BLOC_MOU} <= page.visible()


def test_exports_png_and_csv_of_what_is_visible(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    page.page.select_option("#filter-topic", SECURITY)
    with page.page.expect_download() as got:
        page.page.click("#export-csv")
    rows = list(csv.reader(io.StringIO(Path(got.value.path()).read_text(encoding="utf-8-sig"))))
    assert rows[0][0] == "id" and [row[0] for row in rows[1:]] == [MOU]
    assert "https://example.org/news/1" in rows[1][-1]
    with page.page.expect_download() as got:
        page.page.click("#export-png")
    assert got.value.suggested_filename == "coopgraph-all.png"
    assert Path(got.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    png = base64.b64decode(page.js("window.coopgraph.png()").split(",", 1)[1])
    assert len(png) > 2000


def test_a_file_for_a_period_says_its_window(open_page: Any, tiny_build: Path, tmp_path: Path) -> None:
    from coopgraph.views.facts import Period

    target = tmp_path / "period.html"
    graph = project(open_store(tiny_build), view="all", period=Period.parse("2025", "2025"))
    target.write_bytes(render(graph))
    page = open_page(target)
    note = page.page.locator("#window-note")
    assert note.is_visible() and "2025-01-01 – 2025-12-31" in note.inner_text()
    assert "2025-01-01" in page.page.locator("#view-name").inner_text()


# --------------------------------------------------------------------------- 6. panel


def test_the_panel_lists_signatories_term_areas_and_marks_fallbacks(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    page.js("id => window.coopgraph.select(id, false)", MOU)
    panel = page.page.locator("#panel")
    text = panel.inner_text()
    assert "5 years, renews automatically for 3 years" in text
    signatories = panel.locator("li.signatory").all_inner_texts()
    assert any(s.startswith("Ada Alpha") and "for " in s for s in signatories)
    assert any(s.startswith("unknown") for s in signatories)
    assert "witnesses" in text.lower() and "bob beta" in text.lower()
    assert panel.locator("ol.areas li").first.inner_text().startswith("Artificial Intelligence")
    assert panel.locator("ol.areas li").first.get_attribute("value") == "1"
    page.js("() => window.coopgraph.setLanguage('th')")
    page.js("id => window.coopgraph.select(id, false)", BLOC_MOU)  # no Thai title: marked as English
    assert panel.locator("h3 abbr.fallback").count() == 1
    assert THAI.search(panel.inner_text())
    shot(page, "panel-th")


def test_countries_view_lists_agreements_with_sources(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "countries.html")
    page.js("id => window.coopgraph.select(id, false)", THAILAND)
    items = page.page.locator("#panel li.agreement")
    assert items.count() >= 5
    assert items.first.locator("a[href^='http']").count() >= 1
    # communities coloured: one colour per community (Louvain may find one on a dense bloc graph)
    pairs = page.js("""() => { const community = new Map(window.coopgraph.data.nodes.map(n => [n.id, n.community]));
      return window.coopgraph.nodes.get().map(n => [community.get(n.id), n.color.background]); }""")
    colour = {community: c for community, c in pairs}
    assert len(colour) >= 1 and all(colour[community] == c for community, c in pairs)
    assert len(set(colour.values())) == min(len(colour), 10)
    shot(page, "countries")


def test_one_shape_per_kind(tiny_build: Path) -> None:
    from coopgraph.views.html import STYLE

    shapes = [shape for _, _, shape in STYLE.values()]
    assert len(set(shapes)) == len(shapes) == len(STYLE)


def test_countries_view_weight_threshold(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "countries.html")
    box = page.page.locator("#threshold-box")
    assert box.is_visible()
    every = set(page.js("window.coopgraph.visibleEdgeIds()"))
    page.page.focus("#threshold")
    page.page.keyboard.press("ArrowRight")
    heavy = set(page.js("window.coopgraph.visibleEdgeIds()"))
    assert heavy < every
    weights = page.js("ids => ids.map(id => window.coopgraph.edges.get(id)).map(e => window.coopgraph.data.edges"
                      ".find(d => d.id === e.id).weight)", sorted(heavy))
    assert all(w >= 2 for w in weights)
    assert "min=2" in page.js("location.hash")


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_a_tooltip_never_covers_the_node_under_the_pointer(open_page: Any, tiny_build: Path, size: str) -> None:
    page = open_page(tiny_build / "coopgraph.html", DESKTOP if size == "desktop" else PHONE)
    for node in page.js("window.coopgraph.order()").copy()[:6]:
        x, y = page.node_point(node)
        page.page.mouse.move(x, y)
        page.page.locator("div.vis-tooltip").wait_for(state="visible")
        under = page.js("p => { const e = document.elementFromPoint(p[0], p[1]); return e.tagName + '.' + e.className}",
                        [x, y])
        assert under == "CANVAS."
        page.page.mouse.click(x, y)
        assert page.js("window.coopgraph.state.selected") == node
        page.page.keyboard.press("Escape")
        box = canvas_box(page)
        page.page.mouse.move(box["x"] + 2, box["y"] + box["height"] - 2)  # off the node: its tooltip goes
        page.page.locator("div.vis-tooltip").wait_for(state="hidden")


def test_tab_reaches_every_control_and_the_drawing(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html")
    page.page.focus("body")
    reached = []
    for _ in range(60):
        page.page.keyboard.press("Tab")
        reached.append(page.js("() => { const e = document.activeElement;"
                               " return e.id || (e.dataset && e.dataset.kind) || e.tagName; }"))
    wanted = {"search", "lang", "filter-country", "filter-topic", "filter-kind", "filter-status", "from-year",
              "to-year", "reset", "export-png", "export-csv", "share", "network", "country", "agreement"}
    assert wanted <= set(reached), wanted - set(reached)


def test_two_fingers_zoom_the_drawing(open_page: Any, shipped: Path) -> None:
    page = open_page(shipped / "coopgraph.html", PHONE, touch=True)
    before = page.js("window.coopgraph.network.getScale()")
    box = canvas_box(page)
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    session = page.page.context.new_cdp_session(page.page)

    def touch(kind: str, points: list[tuple[float, float]]) -> None:
        session.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": a, "y": b} for a, b in points]})

    touch("touchStart", [(x - 20, y), (x + 20, y)])
    for i in range(1, 11):
        touch("touchMove", [(x - 20 - 8 * i, y), (x + 20 + 8 * i, y)])
        page.page.wait_for_timeout(16)
    touch("touchEnd", [])
    assert page.js("window.coopgraph.network.getScale()") > before * 1.3
    shot(page, "phone-pinched")
