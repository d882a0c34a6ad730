"""Benchmark the HTML explorer: generation in Python and readiness in headless Chromium.

For synthetic views of 200 and 2,000 nodes (built here as networkx graphs with the
attributes :func:`coopgraph.views.project.project` gives: kinds, labels in English and Thai,
facts, sources, agreements with dates), it measures

- generation: layout, analytics and the whole ``render`` (which includes both);
- in Chromium (Debian's /usr/bin/chromium, headless): *drawn*, from navigation start to
  the first complete drawing of the fitted network (the page sets ``coopgraph.ready``);
  *interactive*, the time a click on a node takes to highlight its neighbourhood and fill the
  side panel, and a search to hide what does not match, each until the next frame is drawn.

    python benchmarks/bench_html.py            # 200 and 2000 nodes, 3 browser runs each
    python benchmarks/bench_html.py 500 --runs 5
    python benchmarks/bench_html.py --world 1000   # the analyst's targets on a generated world

``--world N`` builds the generated world of N agreements (benchmarks/generate.py, no reasoner) and
measures, on its whole-graph explorer at 1440x900, what an analyst feels: *select* (a click on the
most important node until its neighbourhood is drawn and the panel filled), *filter* (a topic chosen,
and cleared, until redrawn and re-fitted) and *pan* (frames per second while dragging the drawing with
edges drawn, from synthetic pointer events each animation frame, counted by vis-network's afterDrawing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import networkx as nx

from coopgraph.curate.dates import parse_date
from coopgraph.views.analytics import analyse
from coopgraph.views.facts import AgreementInfo
from coopgraph.views.html import render
from coopgraph.views.labels import KINDS, RELATIONS
from coopgraph.views.layout import positions

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
BASE = "https://w3id.org/coopgraph/id/"
KIND_MIX = ["agreement"] * 3 + ["person"] * 2 + ["country", "ministry", "topic", "post", "place", "meeting", "igo"]


def synthetic(n: int, *, seed: int = 7) -> nx.MultiDiGraph:
    """A view of ``n`` nodes shaped like the whole-graph view: a scale-free graph with typed, labelled nodes."""
    rng = random.Random(seed)
    skeleton = nx.barabasi_albert_graph(n, 2, seed=seed)
    kinds = {i: KIND_MIX[rng.randrange(len(KIND_MIX))] for i in skeleton}
    iri = {i: f"{BASE}{kinds[i]}/node-{i:05d}" for i in skeleton}
    graph = nx.MultiDiGraph(view="all", labels={})
    infos: dict[str, AgreementInfo] = {}
    countries = [iri[i] for i in skeleton if kinds[i] == "country"]
    topics = [iri[i] for i in skeleton if kinds[i] == "topic"]
    for i in sorted(skeleton, key=lambda i: iri[i]):
        kind = kinds[i]
        en, th = KINDS[kind]
        attrs: dict[str, Any] = {
            "kind": kind, "label_en": f"{en} {i}", "label_th": f"{th} {i}", "alt": [f"{en[:3]}-{i}"],
            "facts": [["type", en, th]], "sources": [[f"https://example.org/source/{i}", f"Source {i}", f"แหล่ง {i}"]],
            "agreements": [],
        }
        if kind == "agreement":
            day = dt.date(2005, 1, 1) + dt.timedelta(days=rng.randrange(20 * 365))
            date = parse_date(day.isoformat())
            infos[iri[i]] = AgreementInfo(
                iri=iri[i], label_en=attrs["label_en"], label_th=attrs["label_th"], kind="memorandum-of-understanding",
                date=date, status=(status := rng.choice(["signed", "in-force", "expired"])),
                intervals=((status, date.earliest().isoformat(), ""),),
                parties=(), countries=tuple(sorted(rng.sample(countries, min(2, len(countries))))),
                topics=tuple(sorted(rng.sample(topics, min(2, len(topics))))),
            )
            attrs["facts"].append(["signed", date.text, date.text])
        graph.add_node(iri[i], **attrs)
    for a, b in sorted(skeleton.edges()):
        relation = "party" if "agreement" in (kinds[a], kinds[b]) else "member-of"
        agreements = [iri[x] for x in (a, b) if kinds[x] == "agreement"]
        en, th = RELATIONS[relation]
        graph.add_edge(iri[a], iri[b], relation, relation=relation, label_en=en, label_th=th, agreements=agreements,
                       weight=1, note="")
        for x in (a, b):
            graph.nodes[iri[x]]["agreements"] = sorted(set(graph.nodes[iri[x]]["agreements"]) | set(agreements))
    graph.graph["agreements"] = dict(sorted(infos.items()))
    return graph


def timed(function: Any, *args: Any, **kwargs: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return result, time.perf_counter() - start


def generation(graph: nx.MultiDiGraph) -> tuple[bytes, dict[str, float]]:
    _, layout_s = timed(positions, graph)
    result, analytics_s = timed(analyse, graph)
    page, render_s = timed(render, graph, analytics=result)
    return page, {"layout_s": layout_s, "analytics_s": analytics_s, "render_total_s": render_s + analytics_s}


NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
_SINCE = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(performance.now() - t0))))"
CLICK = "id => { const t0 = performance.now(); window.coopgraph.select(id, false); return " + _SINCE + "; }"
SEARCH = """text => { const box = document.getElementById("search"); const t0 = performance.now();
  box.value = text; box.dispatchEvent(new KeyboardEvent("keydown", {key: "Enter"})); return """ + _SINCE + "; }"


def in_browser(path: Path, hub: str, runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    drawn, click, search, wall = [], [], [], []
    with sync_playwright() as driver:
        browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            page = browser.new_page(viewport={"width": 1400, "height": 860})
            page.route("**/*", lambda route, request: route.continue_() if request.url.startswith("file:")
                       else route.abort())
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_function("window.coopgraph && window.coopgraph.ready === true", polling=10, timeout=120_000)
            wall.append(time.perf_counter() - start)
            drawn.append(page.evaluate("window.coopgraph.readyAt") / 1000)
            page.evaluate(NEXT_FRAME)
            click.append(page.evaluate(CLICK, hub) / 1000)
            page.evaluate("() => window.coopgraph.select(null)")
            search.append(page.evaluate(SEARCH, "1") / 1000)
            page.close()
        browser.close()
    return {
        "drawn_s": statistics.median(drawn), "wall_ready_s": statistics.median(wall),
        "click_highlight_s": statistics.median(click), "search_s": statistics.median(search),
        "usable_s": statistics.median(d + c for d, c in zip(drawn, click, strict=True)),
    }


SELECT = """id => { const t0 = performance.now(); window.coopgraph.select(id, false); return """ + _SINCE + "; }"
FILTER = """value => { const s = document.getElementById("filter-topic"); const t0 = performance.now(); s.value = value;
  s.dispatchEvent(new Event("change")); return """ + _SINCE + "; }"
PAN = """() => new Promise(done => {
  const net = window.coopgraph.network; const canvas = document.querySelector("#network canvas");
  const r = canvas.getBoundingClientRect(); const x0 = r.x + r.width / 2, y0 = r.y + r.height / 2;
  const ev = (type, x, y) => canvas.dispatchEvent(new PointerEvent(type, {bubbles: true, cancelable: true, clientX: x,
    clientY: y, pointerId: 1, pointerType: "mouse", isPrimary: true, buttons: type === "pointerup" ? 0 : 1,
    button: 0}));
  const frames = []; const drawn = () => frames.push(performance.now()); net.on("afterDrawing", drawn);
  const before = net.getViewPosition(); ev("pointerdown", x0, y0); const t0 = performance.now(); let i = 0;
  function step() { if (performance.now() - t0 > 3000) { ev("pointerup", x0, y0); net.off("afterDrawing", drawn);
      const after = net.getViewPosition();
      done({fps: (frames.length - 1) * 1000 / (frames[frames.length - 1] - frames[0]),
            moved: Math.hypot(after.x - before.x, after.y - before.y)}); return; }
    i += 1; ev("pointermove", x0 + (i % 300) - 150, y0 + ((i * 2) % 200) - 100); requestAnimationFrame(step); }
  requestAnimationFrame(step); })"""


def world(n: int, runs: int) -> dict[str, Any]:
    """Build the generated world of ``n`` agreements and time select, filter and pan in its explorer."""
    from playwright.sync_api import sync_playwright

    from benchmarks.generate import world_for
    from coopgraph.pipeline import build

    data, _ = world_for(n)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "build"
        _, build_s = timed(build, data, out, reasoner="none")
        page_bytes = (out / "coopgraph.html").read_bytes()
        drawn, select, filter_, clear, pan = [], [], [], [], []
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1440, "height": 900})
                page.route("**/*", lambda route, request: route.continue_() if request.url.startswith("file:")
                           else route.abort())
                page.goto((out / "coopgraph.html").as_uri())
                page.wait_for_function("window.coopgraph && window.coopgraph.ready === true", polling=10,
                                       timeout=120_000)
                drawn.append(page.evaluate("window.coopgraph.readyAt") / 1000)
                page.evaluate(NEXT_FRAME)
                hub = page.evaluate("window.coopgraph.order()[0]")
                topic = page.evaluate("window.coopgraph.data.filters.topics[3][0]")
                for _ in range(3):
                    select.append(page.evaluate(SELECT, hub))
                    page.evaluate("() => window.coopgraph.select(null)")
                    page.evaluate(NEXT_FRAME)
                    filter_.append(page.evaluate(FILTER, topic))
                    clear.append(page.evaluate(FILTER, ""))
                page.evaluate(PAN)  # warm-up
                pan.append(page.evaluate(PAN)["fps"])
                page.close()
            browser.close()
    return {"agreements": n, "build_s": build_s, "html_mb": len(page_bytes) / 1e6,
            "drawn_s": statistics.median(drawn), "select_ms": statistics.median(select),
            "filter_ms": statistics.median(filter_), "clear_ms": statistics.median(clear),
            "pan_fps": statistics.median(pan)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[200, 2000])
    parser.add_argument("--runs", type=int, default=3, help="browser runs per size (median reported)")
    parser.add_argument("--world", type=int, metavar="N",
                        help="measure the explorer of the generated world of N agreements")
    args = parser.parse_args(argv)
    if args.world:
        seen = world(args.world, args.runs)
        print("| agreements | HTML MB | drawn s | select ms (target < 150) | filter ms (< 150) | clear filter ms | "
              "pan fps, edges drawn (>= 30) |")
        print("|---|---|---|---|---|---|---|")
        print(f"| {seen['agreements']} | {seen['html_mb']:.2f} | {seen['drawn_s']:.2f} | {seen['select_ms']:.0f} | "
              f"{seen['filter_ms']:.0f} | {seen['clear_ms']:.0f} | {seen['pan_fps']:.0f} |")
        return 0
    print("| nodes | edges | layout s | analytics s | render (incl. layout, analytics) s | HTML MB | "
          "drawn s | click s | search s | usable (drawn + click) s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.sizes:
            graph = synthetic(n)
            page, made = generation(graph)
            if render(graph) != page:
                print(f"warning: {n} nodes: two renders differ", file=sys.stderr)
            path = Path(tmp) / f"bench-{n}.html"
            path.write_bytes(page)
            hub = max(graph.degree, key=lambda pair: (pair[1], pair[0]))[0]
            seen = in_browser(path, hub, args.runs)
            print(f"| {n} | {graph.number_of_edges()} | {made['layout_s']:.2f} | {made['analytics_s']:.2f} | "
                  f"{made['render_total_s']:.2f} | {len(page) / 1e6:.2f} | {seen['drawn_s']:.2f} | "
                  f"{seen['click_highlight_s']:.3f} | {seen['search_s']:.3f} | {seen['usable_s']:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
