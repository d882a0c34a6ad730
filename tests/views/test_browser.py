"""The explorer in a real headless Chromium: offline, no console errors, counts, Thai, search, filters, slider, links.

Playwright drives Debian's /usr/bin/chromium (no `playwright install`). Every request of the
context (page, popups, workers) and every WebSocket is recorded, and any that would leave the
machine (not file:, data:, blob:) is aborted and fails the test, also when the page starts it
late: after each test the page's fake clock jumps two minutes ahead before the check. Each test saves a
screenshot under artifacts/ (git-ignored) for a person to look at.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from playwright.sync_api import Browser, Page, Request, Route, WebSocketRoute

from coopgraph.graph.store import open_store
from coopgraph.graph.vocab import individual
from coopgraph.pipeline import build
from coopgraph.views.html import render
from coopgraph.views.project import project
from tests.conftest import ROOT, SHIPPED
from tests.views.test_html import tricky_graph

pytestmark = pytest.mark.browser

ARTIFACTS = ROOT / "artifacts"
THAI = re.compile(r"[\u0e00-\u0e7f]")
MOU = str(individual("agreement", "alpha-beta-digital-mou-2024"))
BLOC_MOU = str(individual("agreement", "bloc-beta-mou-2025"))
ADA = str(individual("person", "ada-alpha"))
OMEGA = str(individual("country", "omega"))
SECURITY = str(individual("topic", "digital-security"))
SOURCE = "https://example.org/news/1"


LOCAL = ("file:", "data:", "blob:", "about:")  # schemes that never leave the machine


@dataclass
class Opened:
    """A loaded page and what it did: every request, and every console error or uncaught exception."""

    page: Page
    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def settle(self) -> None:
        """Let the page's timers run (two minutes of page time, at once) and hand over what it started since.

        The page clock is Playwright's fake clock, so a request the script delays (a timer after load
        or after a click) is started now, and seen by the route before anything is asserted.
        """
        for _ in range(2):  # a timer set by a timer
            self.page.clock.fast_forward("01:00")
        self.page.wait_for_timeout(300)  # deliver the route and WebSocket events to Python

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def visible(self) -> set[str]:
        return set(self.js("window.coopgraph.visibleNodeIds()"))

    def node_point(self, node: str) -> tuple[float, float]:
        """Where a node is drawn, in page coordinates."""
        point = self.js(
            """id => { const n = window.coopgraph.network; const p = n.canvasToDOM(n.getPositions([id])[id]);
                       const box = document.getElementById("network").getBoundingClientRect();
                       return [p.x + box.left, p.y + box.top]; }""",
            node,
        )
        return float(point[0]), float(point[1])

    def shot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        target = ARTIFACTS / f"browser-{name}.png"
        self.page.screenshot(path=str(target))
        return target


@pytest.fixture
def open_page(browser: Browser) -> Iterator[Any]:
    """Open a file in a fresh context; after the test, no request may have left file:// and no error occurred."""
    opened: list[Opened] = []

    def load(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1400, "height": 860}, locale="th-TH", service_workers="block")
        page = context.new_page()
        result = Opened(page)

        def route(handle: Route, request: Request) -> None:
            result.requests.append(request.url)
            if request.url.startswith(LOCAL):
                handle.continue_()
            else:
                result.blocked.append(request.url)
                handle.abort()

        def websocket(socket: WebSocketRoute) -> None:
            result.blocked.append(socket.url)
            socket.close()

        # on the context, not the page: popups and workers are routed too; WebSockets have their own route
        context.route("**/*", route)
        context.route_web_socket(re.compile(".*"), websocket)
        context.on("page", lambda popup: result.blocked.append(f"a popup ({popup.url})"))
        page.on("console", lambda message: result.errors.append(message.text) if message.type == "error" else None)
        page.on("pageerror", lambda error: result.errors.append(str(error)))
        page.clock.install()  # time runs as usual, and settle() can jump it forward
        page.goto(path.resolve().as_uri())
        page.wait_for_function("window.coopgraph && window.coopgraph.ready === true")
        opened.append(result)
        return result

    yield load
    for result in opened:
        result.settle()  # what the page started late (after load, after the test's last click) is counted too
        assert result.blocked == [], f"non-file requests: {result.blocked}"
        assert result.errors == [], f"console errors: {result.errors}"
        assert result.requests and all(url.startswith(LOCAL) for url in result.requests)
        result.page.context.close()


@pytest.fixture(scope="module")
def tiny_graph(tiny_build: Path) -> nx.MultiDiGraph:
    return project(open_store(tiny_build), view="all")


def test_loads_offline_and_counts_match_the_graph(
    open_page: Any, tiny_build: Path, tiny_graph: nx.MultiDiGraph
) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    assert page.js("window.coopgraph.nodes.length") == tiny_graph.number_of_nodes()
    assert page.js("window.coopgraph.edges.length") == tiny_graph.number_of_edges()
    assert set(page.js("window.coopgraph.nodes.getIds()")) == set(tiny_graph)
    assert page.js("window.coopgraph.network.physics.options.enabled") is False
    legend = page.page.locator("#legend li").all_inner_texts()
    assert len(legend) == len({d["kind"] for _, d in tiny_graph.nodes(data=True)})
    assert page.page.locator("#stats").inner_text().count("\n") > 5  # analytics on the page
    page.shot("loaded")


def test_no_request_on_any_interaction(open_page: Any, tiny_build: Path) -> None:
    """Search, pick, click, hover, filter, slide, switch language, reset; then let every timer run: nothing leaves."""
    page = open_page(tiny_build / "coopgraph.html")
    page.page.fill("#search", "ada")
    page.page.locator("#search-results li").first.dispatch_event("mousedown")
    x, y = page.node_point(MOU)
    page.page.mouse.move(x, y)
    page.page.locator("div.vis-tooltip").wait_for(state="visible")
    page.page.mouse.click(x, y)
    page.page.mouse.dblclick(x, y)
    page.page.select_option("#filter-topic", SECURITY)
    page.page.focus("#to-year")
    page.page.keyboard.press("Home")
    page.page.keyboard.press("End")
    page.page.click("#lang")
    page.page.click("#lang")
    page.page.click("#reset")
    page.page.mouse.click(5, 5)
    page.settle()
    assert page.blocked == []
    assert page.requests and all(url.startswith(LOCAL) for url in page.requests)


def test_the_request_watch_sees_late_requests_and_websockets(open_page: Any, tiny_build: Path) -> None:
    """The watch itself: a fetch a minute after load, a WebSocket, a beacon, are all seen (then forgiven)."""
    page = open_page(tiny_build / "coopgraph.html")
    page.js(
        """() => {
             setTimeout(() => fetch("https://example.invalid/late").catch(() => {}), 60000);
             setTimeout(() => { new WebSocket("ws://127.0.0.1:9/socket"); }, 1000);
             navigator.sendBeacon("https://example.invalid/beacon", "x");
           }"""
    )
    page.settle()
    seen = sorted(page.blocked)
    assert seen == ["https://example.invalid/beacon", "https://example.invalid/late", "ws://127.0.0.1:9/socket"]
    page.blocked.clear()
    page.requests[:] = [url for url in page.requests if url.startswith(LOCAL)]
    page.errors.clear()  # the aborted requests' console messages


def test_thai_labels_after_the_language_toggle(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    assert not any(THAI.search(label) for label in page.js("window.coopgraph.nodes.get().map(n => n.label)"))
    page.page.click("#lang")
    labels = page.js("window.coopgraph.nodes.get().map(n => n.label)")
    assert "อัลฟา" in labels and "เอดา อัลฟา" in labels
    assert THAI.search(page.page.locator("#legend").inner_text())
    assert page.page.locator("html").get_attribute("lang") == "th"
    edge_labels = page.js("window.coopgraph.edges.get().map(e => e.label)")
    assert "ลงนาม" in edge_labels  # relation names on edges, in Thai too
    page.shot("thai")


def test_search_finds_thai_english_and_variant_names(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    everything = page.visible()
    page.page.fill("#search", "ada alfa")  # a variant spelling, only in skos:altLabel
    page.page.wait_for_function(f"window.coopgraph.visibleNodeIds().length < {len(everything)}")
    shown = page.visible()
    assert ADA in shown and OMEGA not in shown
    assert page.page.locator("#search-results li").first.inner_text().startswith("Ada Alpha")
    page.shot("search")
    page.page.fill("#search", "ปัญญาประดิษฐ์")  # Thai: artificial intelligence
    page.page.wait_for_function("id => !window.coopgraph.visibleNodeIds().includes(id)", arg=ADA)
    assert str(individual("topic", "artificial-intelligence")) in page.visible()
    page.page.fill("#search", "")
    page.page.wait_for_function(f"window.coopgraph.visibleNodeIds().length === {len(everything)}")


def test_a_filter_changes_what_is_visible(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    assert {MOU, BLOC_MOU} <= page.visible()
    page.page.select_option("#filter-topic", SECURITY)
    shown = page.visible()
    assert MOU in shown and BLOC_MOU not in shown and OMEGA not in shown
    assert page.js("id => window.coopgraph.network.body.nodes[id].options.hidden", BLOC_MOU) is True
    countries = page.page.locator("#filter-country option").all_inner_texts()
    assert "Alpha" in countries and "Beta" in countries
    page.shot("filter")
    page.page.click("#reset")
    assert {MOU, BLOC_MOU, OMEGA} <= page.visible()


def test_the_time_slider_changes_what_is_visible(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    page.page.focus("#to-year")
    page.page.keyboard.press("Home")  # back to the first year with a signing
    shown = page.visible()
    assert MOU in shown and BLOC_MOU not in shown
    assert page.page.locator("#window-value").inner_text() == "2024 – 2024"
    page.shot("slider")
    page.page.keyboard.press("End")
    assert BLOC_MOU in page.visible()


def test_tooltip_and_side_panel_carry_source_links(open_page: Any, tiny_build: Path) -> None:
    page = open_page(tiny_build / "coopgraph.html")
    x, y = page.node_point(MOU)
    page.page.mouse.move(x, y)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.locator(f'a[href="{SOURCE}"]').wait_for(state="visible")
    assert "Signed: 2024-02-02" in tooltip.inner_text()
    page.shot("tooltip")
    page.page.mouse.click(x, y)
    panel = page.page.locator("#panel")
    assert panel.locator("h3").inner_text().startswith("Memorandum of Understanding between Alpha and Beta")
    link = panel.locator(f'a[href="{SOURCE}"]')
    assert link.count() == 1 and link.get_attribute("target") == "_blank"
    faded = page.js("id => window.coopgraph.faded(id)", OMEGA)
    near = page.js("id => window.coopgraph.faded(id)", ADA)
    assert faded and not near  # the neighbourhood is highlighted, the rest faded
    page.shot("panel")


def test_html_in_labels_shows_as_text(open_page: Any, tmp_path: Path) -> None:
    target = tmp_path / "tricky.html"
    target.write_bytes(render(tricky_graph()))
    page = open_page(target)
    node = "https://example.org/a"
    x, y = page.node_point(node)
    page.page.mouse.move(x, y)
    tooltip = page.page.locator("div.vis-tooltip")
    tooltip.wait_for(state="visible")
    assert "</script><b>bold</b>" in tooltip.inner_text()
    assert tooltip.locator("b, img, u").count() == 0
    page.page.mouse.click(x, y)
    assert page.page.locator("#panel h3").inner_text().startswith("</script><b>bold</b> & \"quoted\"")
    assert page.page.locator("#panel b, #panel img, #panel u, #panel em").count() == 0
    assert page.js("document.querySelectorAll('script').length") == 3  # nothing injected
    page.shot("escaped")


def test_the_shipped_data_builds_an_explorer_that_works(
    open_page: Any, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out = tmp_path_factory.mktemp("shipped")
    build(SHIPPED, out, reasoner="none")
    page = open_page(out / "coopgraph.html")
    graph = project(open_store(out), view="all")
    assert page.js("window.coopgraph.nodes.length") == graph.number_of_nodes()
    assert page.js("window.coopgraph.edges.length") == graph.number_of_edges()
    page.page.click("#lang")
    thai = [label for label in page.js("window.coopgraph.nodes.get().map(n => n.label)") if THAI.search(label)]
    assert len(thai) > 10
    page.shot("shipped-th")


def test_a_capped_large_world_draws_and_says_what_was_left_out(open_page: Any, tmp_path: Path) -> None:
    from coopgraph.views.html import NODE_LIMIT, explorer_page_from_store
    from tests.views.test_project import synthetic_store

    target = tmp_path / "big.html"
    target.write_bytes(explorer_page_from_store(synthetic_store(countries=40, agreements=1200)))
    page = open_page(target)
    assert page.js("window.coopgraph.nodes.length") == NODE_LIMIT
    note = page.page.locator("#omitted")
    assert note.is_visible()
    text = note.inner_text()
    assert f"{NODE_LIMIT:,} of 2,445 nodes" in text and "445 × Person" in text
    assert "coopgraph visualise --view ego --focus" in text
    page.page.click("#lang")
    assert THAI.search(note.inner_text()) and "445 × บุคคล" in note.inner_text()
    page.page.select_option("#filter-topic", str(individual("topic", "t1")))  # filters still work
    assert 0 < len(page.visible()) < NODE_LIMIT
    page.shot("capped")


def test_a_small_world_shows_no_note(open_page: Any, tmp_path: Path) -> None:
    target = tmp_path / "tricky.html"
    target.write_bytes(render(tricky_graph()))
    page = open_page(target)
    assert page.page.locator("#omitted").is_hidden()
