"""html: one self-contained page, byte-identical for the same data, nothing fetched, UTF-8 whatever the locale."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest

from coopgraph.cli import main
from coopgraph.graph.store import open_store
from coopgraph.views.html import NODE_LIMIT, explorer_page, explorer_page_from_store, render, script_json
from coopgraph.views.project import project

DATA_BLOCK = re.compile(r'<script id="coopgraph-data" type="application/json">(.*?)</script>', re.S)
FETCHING = {"src", "href", "srcset", "poster", "data", "action", "formaction", "background", "manifest", "xlink:href"}
TRICKY = '</script><b>bold</b> & "quoted" \u2028 <!-- x'


def page_data(page: bytes) -> dict[str, object]:
    found = DATA_BLOCK.search(page.decode("utf-8"))
    assert found, "no data block"
    data: dict[str, object] = json.loads(found.group(1))
    return data


def tricky_graph() -> nx.MultiDiGraph:
    """Two nodes whose texts are HTML and script-closing tags: they must show as text."""
    graph = nx.MultiDiGraph(view="all", agreements={}, labels={})
    common = {"alt": ["<i>alt</i>"], "agreements": []}
    graph.add_node(
        "https://example.org/a", kind="country", label_en=TRICKY, label_th="ไทย <b>หนา</b>",
        facts=[["type", "Country <img src=x onerror=alert(1)>", "ประเทศ"]],
        sources=[["https://example.org/source?a=1&b=<2>", "Source <u>title</u>", "แหล่ง"]], **common,
    )
    graph.add_node(
        "https://example.org/b", kind="topic", label_en="Plain", label_th="ธรรมดา", facts=[], sources=[], **common
    )
    graph.add_edge(
        "https://example.org/a", "https://example.org/b", "topic", relation="topic", label_en="<em>topic</em>",
        label_th="หัวข้อ", agreements=[], weight=1, note="",
    )
    return graph


class _Fetches(HTMLParser):
    """Every attribute value a browser would fetch on load, and CSS url()/@import targets."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        for name, value in attrs:
            if name in FETCHING and value:
                self.urls.append(value)
            if name == "style" and value:
                self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", value)

    def handle_data(self, data: str) -> None:
        if self.lasttag == "style":
            self.urls += re.findall(r"url\(\s*['\"]?([^'\")]+)", data)
            self.urls += re.findall(r"@import\s+(?:url\()?['\"]?([^'\"); ]+)", data)


@pytest.fixture(scope="module")
def tiny_page(tiny_build: Path) -> bytes:
    return render(project(open_store(tiny_build), view="all"))


def test_same_data_same_bytes(tiny_build: Path, tiny_page: bytes) -> None:
    assert render(project(open_store(tiny_build), view="all")) == tiny_page
    for view in ("countries", "topics"):
        first = render(project(open_store(tiny_build), view=view), lang="th")
        assert first == render(project(open_store(tiny_build), view=view), lang="th")


def test_same_bytes_whatever_the_hash_seed(tiny_build: Path) -> None:
    """Processes with different string hashing: no order (of nodes, edges, filters) may come from a set or hash()."""
    command = [sys.executable, "-m", "coopgraph", "visualise", "--out", str(tiny_build), "-o", "-"]
    pages = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(command, env=env, capture_output=True, check=False)
        assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
        pages.append(done.stdout)
    assert len(page_data(pages[0])["nodes"]) > 10  # type: ignore[arg-type]
    assert pages[0] == pages[1] == pages[2]
    assert pages[0] == (tiny_build / "coopgraph.html").read_bytes()  # what the build wrote, in this process


def test_build_writes_the_explorer(tiny_build: Path, tiny_page: bytes) -> None:
    assert (tiny_build / "coopgraph.html").read_bytes() == tiny_page


def test_nothing_to_fetch(tiny_page: bytes) -> None:
    parser = _Fetches()
    parser.feed(tiny_page.decode("utf-8"))
    remote = [u for u in parser.urls if re.match(r"^\s*(https?:)?//", u, re.I)]
    assert remote == []
    assert all(u.startswith("data:") for u in parser.urls)  # only vis-network's inline images
    assert "link" not in parser.tags and "iframe" not in parser.tags
    assert parser.tags.count("script") == 3  # data, vis-network, explorer: all inline
    text = tiny_page.decode("utf-8")
    assert not re.search(r"<script[^>]*\ssrc=", text)
    for host in ("cdnjs.cloudflare.com", "cdn.jsdelivr.net", "unpkg.com", "fonts.googleapis.com", "bootstrap"):
        assert host not in text.lower()


def test_page_data_matches_the_graph(tiny_build: Path, tiny_page: bytes) -> None:
    graph = project(open_store(tiny_build), view="all")
    data = page_data(tiny_page)
    nodes, edges = data["nodes"], data["edges"]
    assert isinstance(nodes, list) and isinstance(edges, list)
    assert [n["id"] for n in nodes] == list(graph)
    assert len(edges) == graph.number_of_edges()
    assert all(isinstance(n["x"], int) and isinstance(n["y"], int) for n in nodes)
    options = data["options"]
    assert isinstance(options, dict)
    assert options["physics"] == {"enabled": False} and options["layout"]["randomSeed"] == 7
    assert data["dates"] == ["2024-02-02", "2025-01-01", "2025-12-31"]  # first and last days each date may mean


def test_texts_cannot_break_out_of_the_data_block() -> None:
    page = render(tricky_graph()).decode("utf-8")
    block = DATA_BLOCK.search(page)
    assert block and "<" not in block.group(1) and ">" not in block.group(1)
    data = page_data(page.encode("utf-8"))
    nodes = data["nodes"]
    assert isinstance(nodes, list) and nodes[0]["label_en"] == TRICKY
    assert json.loads(script_json({"t": TRICKY})) == {"t": TRICKY}
    assert "<b>bold</b>" not in page


def test_written_as_utf8_under_an_ascii_locale(tiny_build: Path, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHONUTF8", "PYTHONIOENCODING"))}
    env.update(LANG="C", LC_ALL="C", PYTHONUTF8="0", PYTHONCOERCECLOCALE="0")
    target = tmp_path / "th.html"
    command = [sys.executable, "-m", "coopgraph", "visualise", "--out", str(tiny_build), "--lang", "th"]
    done = subprocess.run([*command, "-o", str(target)], env=env, capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert "อัลฟา" in target.read_text(encoding="utf-8")
    piped = subprocess.run([*command, "-o", "-"], env=env, capture_output=True, check=False)
    assert piped.returncode == 0 and piped.stdout == target.read_bytes()


def test_visualise_cli_views(tiny_build: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = ["--out", str(tiny_build)]
    first, second = tmp_path / "1.html", tmp_path / "2.html"
    ego = ["--view", "ego", "--focus", "country/alpha", "--depth", "2"]
    for target in (first, second):
        assert main(["visualise", *out, *ego, "-o", str(target)]) == 0
    assert first.read_bytes() == second.read_bytes()
    assert page_data(first.read_bytes())["focus"] == "https://w3id.org/coopgraph/id/country/alpha"
    assert main(["visualise", *out, "--from", "2025", "--to", "2025", "-o", str(first)]) == 0
    assert page_data(first.read_bytes())["dates"] == ["2025-01-01", "2025-12-31"]  # "2025": any day of it
    assert main(["visualise", *out, "--view", "ego", "-o", str(first)]) == 1
    assert "--focus" in capsys.readouterr().err


# --------------------------------------------------------------------------- large worlds: a capped page


@pytest.fixture(scope="module")
def big_world() -> ox.Store:
    """2,445 nodes (40 countries, 5 topics, 1,200 agreements, 1,200 people): above NODE_LIMIT."""
    from tests.views.test_project import synthetic_store

    return synthetic_store(countries=40, agreements=1200)


@pytest.fixture(scope="module")
def big_page(big_world: ox.Store) -> bytes:
    return explorer_page_from_store(big_world)


def test_a_large_world_draws_at_most_the_limit_and_says_what_was_left_out(big_world: ox.Store, big_page: bytes) -> None:
    data = page_data(big_page)
    nodes, edges = data["nodes"], data["edges"]
    assert isinstance(nodes, list) and isinstance(edges, list)
    assert len(nodes) == NODE_LIMIT
    full = project(big_world, view="all")
    assert full.number_of_nodes() == 2445
    assert data["omitted"] == {"limit": NODE_LIMIT, "nodes": 2445, "edges": full.number_of_edges(),
                               "kinds": {"person": 445}}
    kinds = {n["kind"] for n in nodes}
    assert kinds == {"country", "topic", "agreement", "person"}
    drawn = {n["id"] for n in nodes}
    assert all(e["from"] in drawn and e["to"] in drawn for e in edges)
    listed = data["agreements"]
    assert isinstance(listed, dict) and set(listed) == {n["id"] for n in nodes if n["kind"] == "agreement"}
    ui = data["ui"]
    assert isinstance(ui, dict)
    for lang in ("en", "th"):  # the note the page shows, and the views that show the rest
        assert "{left}" in ui[lang]["omitted"] and "--view ego --focus" in ui[lang]["omittedHow"]
    assert 'id="omitted"' in big_page.decode("utf-8")


def test_a_large_world_gives_the_same_bytes(big_world: ox.Store, big_page: bytes) -> None:
    assert explorer_page_from_store(big_world) == big_page


def test_render_caps_a_view_that_was_projected_whole(big_world: ox.Store, big_page: bytes) -> None:
    page = render(project(big_world, view="all"), limit=300)
    data = page_data(page)
    assert isinstance(data["nodes"], list) and len(data["nodes"]) == 300
    assert data["omitted"]["nodes"] == 2445  # type: ignore[index]


def test_a_small_world_has_no_note(tiny_page: bytes) -> None:
    assert page_data(tiny_page)["omitted"] is None


def test_explorer_page_of_parts_is_the_page_of_their_store() -> None:
    from coopgraph.curate.checker import curate
    from coopgraph.graph.dataset import Parts, new_graph
    from coopgraph.graph.populate import populate
    from coopgraph.graph.store import memory_store
    from tests.conftest import TINY

    asserted, _ = populate(curate(TINY))
    parts = Parts(new_graph(), asserted, new_graph())
    page = explorer_page(parts)
    assert page == explorer_page_from_store(memory_store(parts))
    assert page == render(project(memory_store(parts), view="all"))
