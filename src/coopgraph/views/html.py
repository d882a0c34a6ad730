"""Render a projected view as one self-contained, offline HTML explorer.

pyvis shapes the nodes and edges for vis-network; the page is our own
template (pyvis's loads Bootstrap from a CDN and its ``local`` mode fetches
vis-network), with vis-network's JS and CSS inlined from the files pyvis ships.
Nothing on the page is fetched: no CDN, no web font, no request to any
non-file URL.  Positions are computed in Python with a fixed seed and physics
is off, so a 2,000-node view draws at once and the same data gives the same
bytes (no timestamps, everything sorted).

The page's data is one JSON block; the script puts every text in the DOM with
``textContent``, so a label holding ``<b>`` shows as those characters.

A page draws at most :data:`NODE_LIMIT` nodes.  A larger view keeps countries,
blocs and topics, then the most connected agreements and organisations, then
the rest by degree (:func:`coopgraph.views.project.choose`), and the page says in its
side bar how many nodes and edges of which kinds were left out and which
``coopgraph visualise`` views show them.  :func:`explorer_page_from_store`
caps while projecting, so the left-out nodes' labels, facts and sources are
never worked out: on the 1,000-agreement world (8,674 nodes) the page took 62 s
before the cap and about 5 s with it.

>>> page = render(project(store, view="countries"), lang="th")     # doctest: +SKIP
>>> page[:15]                                                       # doctest: +SKIP
b'<!DOCTYPE html>'
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx

from coopgraph.views.analytics import Analytics, analyse, summary
from coopgraph.views.facts import status_phase
from coopgraph.views.labels import AGREEMENT_KINDS, FACTS, KINDS, RELATIONS, status_filters, status_names
from coopgraph.views.layout import SEED, positions
from coopgraph.views.project import cap

if TYPE_CHECKING:
    import pyoxigraph as ox

    from coopgraph.graph.dataset import Parts

ASSETS = Path(__file__).resolve().parent / "explorer"
VIS_VERSION = "vis-9.1.2"
LANGUAGES = ("en", "th")
FONT = "system-ui, 'Noto Sans Thai', 'Noto Sans', Loma, Garuda, 'Tlwg Typo', Tahoma, sans-serif"
#: node kind -> (fill colour, border colour, shape): one shape per kind, colour as a second cue. vis-network
#: draws dot, hexagon, square, triangle, star, diamond and triangleDown (label outside, so size shows);
#: explorer.js draws pentagon, octagon, ring, cross and bar as custom shapes the same way.
STYLE: dict[str, tuple[str, str, str]] = {
    "country": ("#2f6db5", "#1d4a80", "dot"),
    "igo": ("#e69f00", "#a87300", "hexagon"),
    "government": ("#56b4e9", "#2f86b8", "square"),
    "ministry": ("#009e73", "#006b4e", "pentagon"),
    "agency": ("#7fc8a9", "#3f8f6d", "octagon"),
    "company": ("#cc79a7", "#98527a", "triangle"),
    "person": ("#d55e00", "#933f00", "star"),
    "agreement": ("#f2d43d", "#a68c12", "diamond"),
    "topic": ("#8c6bb1", "#5f4683", "ring"),
    "meeting": ("#8a8f96", "#5c6168", "cross"),
    "place": ("#a6761d", "#6f4e12", "triangleDown"),
    "post": ("#b9bec5", "#7f858c", "bar"),
}
MIN_SIZE, MAX_SIZE = 9.0, 40.0
#: the most nodes a page draws: 2,000 with precomputed positions draw in about 2 s in headless Chromium
#: (benchmarks/HTML.md); a larger view is capped and the page says what was left out.
NODE_LIMIT = 2000
UI: dict[str, dict[str, str]] = {
    "en": {
        "title": "coopgraph: digital-cooperation agreements",
        "view_all": "Whole knowledge graph",
        "view_countries": "Country cooperation network",
        "view_ego": "Around {focus}",
        "view_topics": "Topics × countries",
        "search": "Search, in Thai or English",
        "otherLanguage": "ไทย",
        "filters": "Filters",
        "country": "Country",
        "topic": "Topic",
        "kind": "Agreement kind",
        "status": "Status",
        "any": "(any)",
        "signedBy": "Signed up to",
        "allDates": "all dates",
        "reset": "Reset",
        "shown": "{n} of {m} nodes shown",
        "legend": "Legend",
        "analytics": "Analytics",
        "nodes": "Nodes",
        "edges": "Edges",
        "communities": "Communities",
        "communitySizes": "Community sizes",
        "topDegree": "Most connected (degree)",
        "topBetweenness": "Most in between (betweenness)",
        "sampled": "betweenness estimated from {k} sampled nodes: each value within ±{e} of the exact one (95 %)",
        "perYear": "Agreements per year",
        "undated": "undated",
        "pick": "Click a node to see its details, sources and agreements.",
        "alt": "Also known as",
        "sources": "Sources",
        "noSources": "No source recorded.",
        "agreements": "Agreements",
        "connections": "Connections",
        "noMatch": "Nothing matches.",
        "omitted": "Large graph: {n} of {total} nodes and {e} of {edges} edges are drawn (at most {limit}): "
                   "countries, blocs and topics first, then the most connected agreements and organisations, "
                   "then the rest by connections. Left out: {left}. The analytics describe the drawn part.",
        "omittedHow": "To see what was left out, write smaller views: coopgraph visualise --view ego "
                      "--focus ID --depth 2 (e.g. --focus country/thailand), --view countries, --view topics, "
                      "or --from DATE --to DATE for a period.",
        "filtersButton": "Filters",
        "detailsButton": "Details",
        "close": "Close",
        "window": "Signed (or first recorded) between",
        "from": "From",
        "to": "To",
        "allYears": "all years",
        "results": "{n} found",
        "more": "… and {n} more",
        "export": "Keep and share",
        "png": "Save image (PNG)",
        "csv": "Save visible agreements (CSV)",
        "share": "Link to this view",
        "list": "Drawn nodes, as a list ({n})",
        "graph": "Network drawing. Tab here, then arrow keys move from node to node, Enter zooms to it, "
                 "+ and - zoom, Escape clears.",
        "selectedNow": "Selected: {label} ({kind})",
        "toggleKind": "Show or hide: {kind}",
        "signatories": "Signatories",
        "witnesses": "Witnesses",
        "term": "Term",
        "areas": "Areas of cooperation",
        "notes": "Notes",
        "history": "Status history",
        "unknown": "unknown",
        "forSide": "for {side}",
        "fallback": "EN",
        "fallbackTitle": "no Thai text recorded; shown in English",
        "fullTitle": "Full title",
        "shortTitle": "Short name",
        "windowNote": "This file shows agreements signed {from} – {to} (coopgraph visualise --from/--to).",
        "open": "open",
        "wholeView": "Betweenness and communities are computed on the whole view, not on the filtered part.",
        "threshold": "Draw links of at least {n} shared agreements",
        "asOf": "Status as of",
        "today": "today",
        "todayButton": "Today",
        "statusOn": "Status on {date}",
        "statusNow": "status on {date}",
        "until": "until",
        "since": "since",
        "steps": "Lifecycle as recorded",
        "stated": "stated",
        "disputed": "disputed",
        "claimed": "{source}: {role}",
        "partnersOn": "Partners on {date}",
        "noPartners": "none on this date under this filter",
        "firstRecorded": "first recorded",
    },
    "th": {
        "title": "coopgraph: ความตกลงความร่วมมือด้านดิจิทัล",
        "view_all": "กราฟความรู้ทั้งหมด",
        "view_countries": "เครือข่ายความร่วมมือระหว่างประเทศ",
        "view_ego": "รอบ {focus}",
        "view_topics": "หัวข้อ × ประเทศ",
        "search": "ค้นหา ภาษาไทยหรืออังกฤษ",
        "otherLanguage": "English",
        "filters": "ตัวกรอง",
        "country": "ประเทศ",
        "topic": "หัวข้อ",
        "kind": "ประเภทความตกลง",
        "status": "สถานะ",
        "any": "(ทั้งหมด)",
        "signedBy": "ลงนามถึง",
        "allDates": "ทุกช่วงเวลา",
        "reset": "ล้างตัวกรอง",
        "shown": "แสดง {n} จาก {m} โหนด",
        "legend": "คำอธิบายสัญลักษณ์",
        "analytics": "การวิเคราะห์",
        "nodes": "โหนด",
        "edges": "เส้นเชื่อม",
        "communities": "กลุ่ม",
        "communitySizes": "ขนาดของกลุ่ม",
        "topDegree": "เชื่อมโยงมากที่สุด (ดีกรี)",
        "topBetweenness": "เป็นตัวกลางมากที่สุด (ความเป็นศูนย์กลางระหว่าง)",
        "sampled": "ประมาณค่าจากโหนดตัวอย่าง {k} โหนด: คลาดเคลื่อนไม่เกิน ±{e} (ความเชื่อมั่น 95 %)",
        "perYear": "จำนวนความตกลงต่อปี",
        "undated": "ไม่ทราบวันที่",
        "pick": "คลิกโหนดเพื่อดูรายละเอียด แหล่งที่มา และความตกลง",
        "alt": "ชื่ออื่น",
        "sources": "แหล่งที่มา",
        "noSources": "ไม่มีแหล่งที่มาที่บันทึกไว้",
        "agreements": "ความตกลง",
        "connections": "การเชื่อมโยง",
        "noMatch": "ไม่พบรายการที่ตรงกัน",
        "omitted": "กราฟขนาดใหญ่: แสดง {n} จาก {total} โหนด และ {e} จาก {edges} เส้นเชื่อม (ไม่เกิน {limit} โหนด) "
                   "โดยเลือกประเทศ กลุ่มประเทศ และหัวข้อก่อน ตามด้วยความตกลงและองค์กรที่เชื่อมโยงมากที่สุด "
                   "แล้วจึงโหนดอื่นตามจำนวนการเชื่อมโยง ส่วนที่ไม่ได้แสดง: {left} การวิเคราะห์คำนวณจากส่วนที่แสดงเท่านั้น",
        "omittedHow": "ดูส่วนที่ไม่ได้แสดงได้ด้วยมุมมองที่เล็กลง: coopgraph visualise --view ego --focus ID "
                      "--depth 2 (เช่น --focus country/thailand), --view countries, --view topics "
                      "หรือ --from DATE --to DATE เพื่อเลือกช่วงเวลา",
        "filtersButton": "ตัวกรอง",
        "detailsButton": "รายละเอียด",
        "close": "ปิด",
        "window": "ลงนาม (หรือบันทึกครั้งแรก) ระหว่าง",
        "from": "ตั้งแต่",
        "to": "ถึง",
        "allYears": "ทุกปี",
        "results": "พบ {n} รายการ",
        "more": "… และอีก {n} รายการ",
        "export": "บันทึกและแบ่งปัน",
        "png": "บันทึกภาพ (PNG)",
        "csv": "บันทึกความตกลงที่แสดง (CSV)",
        "share": "ลิงก์ของมุมมองนี้",
        "list": "โหนดที่แสดง ในรูปรายการ ({n})",
        "graph": "ภาพเครือข่าย กด Tab มาที่นี่ แล้วใช้ปุ่มลูกศรเลื่อนไปทีละโหนด Enter เพื่อซูมไปที่โหนด + และ - เพื่อซูม Escape เพื่อล้าง",
        "selectedNow": "เลือก: {label} ({kind})",
        "toggleKind": "แสดงหรือซ่อน: {kind}",
        "signatories": "ผู้ลงนาม",
        "witnesses": "สักขีพยาน",
        "term": "ระยะเวลา",
        "areas": "สาขาความร่วมมือ",
        "notes": "หมายเหตุ",
        "history": "ประวัติสถานะ",
        "unknown": "ไม่ทราบ",
        "forSide": "ในนามของ {side}",
        "fallback": "EN",
        "fallbackTitle": "ไม่มีข้อความภาษาไทย แสดงเป็นภาษาอังกฤษ",
        "fullTitle": "ชื่อเต็ม",
        "shortTitle": "ชื่อย่อ",
        "windowNote": "ไฟล์นี้แสดงความตกลงที่ลงนามระหว่าง {from} – {to} (coopgraph visualise --from/--to)",
        "open": "เปิด",
        "wholeView": "ค่าความเป็นศูนย์กลางระหว่างและกลุ่มคำนวณจากมุมมองทั้งหมด ไม่ใช่เฉพาะส่วนที่กรอง",
        "threshold": "แสดงเส้นที่มีความตกลงร่วมกันอย่างน้อย {n} ฉบับ",
        "asOf": "สถานะ ณ วันที่",
        "today": "วันนี้",
        "todayButton": "วันนี้",
        "statusOn": "สถานะ ณ {date}",
        "statusNow": "สถานะ ณ {date}",
        "until": "ถึง",
        "since": "ตั้งแต่",
        "steps": "ขั้นตอนตามที่บันทึก",
        "stated": "ระบุในแหล่งข้อมูล",
        "disputed": "แหล่งข้อมูลไม่ตรงกัน",
        "claimed": "{source}: {role}",
        "partnersOn": "ประเทศคู่ร่วมมือ ณ {date}",
        "noPartners": "ไม่มีในวันนี้ภายใต้ตัวกรองนี้",
        "firstRecorded": "บันทึกครั้งแรก",
    },
}


def render(
    graph: nx.MultiDiGraph, *, lang: str = "en", seed: int = SEED, analytics: Analytics | None = None,
    limit: int | None = NODE_LIMIT,
) -> bytes:
    """The explorer page of a view, as UTF-8 bytes (whatever the locale).

    A view of more than ``limit`` nodes is drawn capped (:func:`coopgraph.views.project.cap`),
    and the page says what was left out and how to see it.
    """
    if lang not in LANGUAGES:
        raise ValueError(f"lang must be one of {LANGUAGES}")
    if limit is not None and "omitted" not in graph.graph and graph.number_of_nodes() > limit:
        graph = cap(graph, limit)
        analytics = None
    analytics = analytics or analyse(graph)
    data = page_data(graph, lang=lang, seed=seed, analytics=analytics)
    view = str(graph.graph.get("view", "all"))
    title = f"{UI[lang]['title']} — {UI[lang]['view_' + view].replace('{focus}', '').strip()}"
    parts = {
        "LANG": lang,
        "TITLE": _escape_text(title),
        "VIS_CSS": _asset(_vis_dir() / "vis-network.css"),
        "CSS": _asset(ASSETS / "explorer.css"),
        "DATA": script_json(data),
        "VIS_JS": _asset(_vis_dir() / "vis-network.min.js"),
        "JS": _asset(ASSETS / "explorer.js"),
    }
    template = (ASSETS / "explorer.html").read_text(encoding="utf-8")
    page = re.sub(r"@([A-Z_]+)@", lambda m: parts[m.group(1)], template)
    return page.encode("utf-8")


def page_data(graph: nx.MultiDiGraph, *, lang: str, seed: int, analytics: Analytics) -> dict[str, Any]:
    """Everything the page's script reads: vis nodes and edges (shaped by pyvis), filters, legend, analytics."""
    from pyvis.edge import Edge
    from pyvis.network import Network

    view = str(graph.graph.get("view", "all"))
    directed = view in ("all", "ego")
    where = positions(graph, seed=seed)
    top = max(analytics.degree.values(), default=0.0) or 1.0
    net = Network(directed=True)
    shorts: dict[str, tuple[str, str]] = dict(graph.graph.get("short", {}))
    for node, data in graph.nodes(data=True):
        fill, border, shape = STYLE.get(data["kind"], ("#97c2fc", "#2b7ce9", "dot"))
        x, y = where[node]
        size = MIN_SIZE + (MAX_SIZE - MIN_SIZE) * math.sqrt(analytics.degree.get(node, 0.0) / top)
        short_en, short_th = shorts.get(node, ("", ""))
        net.add_node(
            node,
            label=(short_th or data["label_th"]) if lang == "th" else (short_en or data["label_en"]),
            short_en=short_en, short_th=short_th,
            shape=shape,
            color={"background": fill, "border": border,
                   "highlight": {"background": fill, "border": "#111111"},
                   "hover": {"background": fill, "border": "#111111"}},
            textColor=_text_colour(fill),
            x=x, y=y, size=round(size, 1), fontSize=round(12 + (size - MIN_SIZE) * 0.45),
            kind=data["kind"], label_en=data["label_en"], label_th=data["label_th"], alt=data["alt"],
            facts=data["facts"], sources=data["sources"], agreements=data["agreements"],
            degree=analytics.degree.get(node, 0.0), betweenness=analytics.betweenness.get(node, 0.0),
            community=analytics.community.get(node, -1),
        )
    for i, (a, b, key, data) in enumerate(graph.edges(keys=True, data=True)):
        weight = int(data.get("weight", 1))
        # what net.add_edge does for a directed network, without its scan of every node per edge
        edge = Edge(
            a, b, True, id=f"e{i}", relation=str(key), label_en=data["label_en"], label_th=data["label_th"],
            agreements=data["agreements"], weight=weight, note=data.get("note", ""),
            width=round(1 + 1.5 * math.log2(weight), 2), arrows="to" if directed else "",
        )
        net.edges.append(edge.options)
    nodes, edges, *_ = net.get_network_data()
    for edge in edges:
        if not directed:
            edge.pop("arrows", None)
    infos = graph.graph.get("agreements", {})
    labels: dict[str, tuple[str, str]] = dict(graph.graph.get("labels", {}))
    for node, data in graph.nodes(data=True):
        labels[node] = (data["label_en"], data["label_th"])
    agreements = {
        iri: {
            "label_en": info.label_en, "label_th": info.label_th,
            # when it was made, or first recorded (made: false), in words; early/late: the days it may fall on
            "date": info.when.en if info.when else "", "date_th": info.when.th if info.when else "",
            "made": info.made, "uncertain": bool(info.when and info.when.uncertain),
            "sort": _iso(info.when.earliest if info.when else None),
            "late": _iso(info.when.latest if info.when else None),
            # the status intervals the reasoning stage computed: the page reads the status on the viewer's date
            "intervals": [list(i) for i in info.intervals],
            "kind": info.kind, "countries": list(info.countries), "topics": list(info.topics),
            "short_en": shorts.get(iri, ("", ""))[0], "short_th": shorts.get(iri, ("", ""))[1],
        }
        for iri, info in sorted(infos.items())
    }
    kinds_used = {str(d["kind"]) for _, d in graph.nodes(data=True)}
    counts = analytics.per_kind
    return {
        "lang": lang,
        "view": view,
        "focus": graph.graph.get("focus"),
        "omitted": graph.graph.get("omitted"),
        "window": list(graph.graph["window"]) if graph.graph.get("window") else None,
        "details": dict(sorted(graph.graph.get("details", {}).items())),
        "nodes": nodes,
        "edges": edges,
        "agreements": agreements,
        "dates": sorted({d for a in agreements.values() for d in (a["sort"], a["late"]) if d}),
        "filters": _filters(agreements, labels),
        "legend": [
            {"kind": kind, "en": en, "th": th, "shape": STYLE[kind][2], "count": counts.get(kind, 0),
             "color": {"background": STYLE[kind][0], "border": STYLE[kind][1]}}
            for kind, (en, th) in KINDS.items() if kind in kinds_used
        ],
        "kinds": {k: list(v) for k, v in KINDS.items()},
        "facts": {k: list(v) for k, v in FACTS.items()},
        "relations": {k: list(v) for k, v in RELATIONS.items()},
        "statuses": {key: list(names) for key, names in status_names().items()},
        "phases": {key: status_phase(key) for key in status_names()},
        "ui": UI,
        "analytics": summary(analytics, {n: d["label_en"] for n, d in graph.nodes(data=True)}),
        "options": vis_options(big=graph.number_of_nodes() > 800, directed=directed, seed=seed),
    }


def _filters(agreements: dict[str, dict[str, Any]], labels: dict[str, tuple[str, str]]) -> dict[str, list[list[str]]]:
    """The choices of each filter: only values some agreement in the view has, sorted by English name."""
    def named(iris: set[str]) -> list[list[str]]:
        rows = [[iri, *labels.get(iri, (iri.rsplit("/", 1)[-1],) * 2)] for iri in iris]
        return sorted(rows, key=lambda row: (row[1].casefold(), row[0]))

    kinds = {a["kind"] for a in agreements.values()}
    statuses = {i[0] for a in agreements.values() for i in a["intervals"]} | {"unknown"}
    return {
        "countries": named({c for a in agreements.values() for c in a["countries"]}),
        "topics": named({t for a in agreements.values() for t in a["topics"]}),
        "kinds": [[key, en, th] for key, en, th in AGREEMENT_KINDS.values() if key in kinds],
        "statuses": [row for row in status_filters() if row[0] in statuses or row[0] in ("in-effect", "any", "pending",
                                                                                          "ended")],
    }


def _iso(day: Any) -> str:
    return day.isoformat() if day is not None else ""


def vis_options(*, big: bool, directed: bool, seed: int = SEED) -> dict[str, Any]:
    """vis-network options: positions fixed by Python, physics off, a seed so nothing is random."""
    return {
        "autoResize": True,
        "layout": {"randomSeed": seed, "improvedLayout": False},
        "physics": {"enabled": False},
        "interaction": {
            # edges stay drawn while panning and zooming: a large view strokes them in a few paths (explorer.js)
            "hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": False, "hideEdgesOnZoom": False,
            "multiselect": False, "navigationButtons": False, "keyboard": False,
        },
        # no text stroke: canvas strokeText made one frame of 2,000 nodes take 4.5 s in headless Chromium, 0.3 s without
        "nodes": {
            "borderWidth": 1.5,
            "font": {"face": FONT, "size": 14, "strokeWidth": 0, "background": "rgba(255,255,255,0.7)"},
            # a label is drawn only when it is at least 11 px on screen, and never above 16 px (explorer.js relabel)
            "scaling": {"label": {"enabled": False, "drawThreshold": 12, "maxVisible": 16}},
        },
        "edges": {
            "smooth": False,
            "selectionWidth": 1.5,
            "arrows": {"to": {"enabled": directed, "scaleFactor": 0.45}},
            "font": {"face": FONT, "size": 10, "align": "middle", "color": "#4a5663", "strokeWidth": 0},
            "scaling": {"label": {"enabled": False, "drawThreshold": 11, "maxVisible": 14}},
        },
    }


def script_json(value: Any) -> str:
    """JSON safe inside ``<script>``: sorted keys, UTF-8 text, and no ``<``, ``>`` or ``&`` to end the block."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    for char, escaped in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                          ("\u2029", "\\u2029")):
        text = text.replace(char, escaped)
    return text


def _text_colour(fill: str) -> str:
    r, g, b = (int(fill[i : i + 2], 16) for i in (1, 3, 5))
    return "#1d232a" if 0.299 * r + 0.587 * g + 0.114 * b > 150 else "#ffffff"


def _escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _vis_dir() -> Path:
    import pyvis

    return Path(pyvis.__file__).resolve().parent / "templates" / "lib" / VIS_VERSION


def _asset(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if re.search(r"</(script|style)", text, re.IGNORECASE):
        raise ValueError(f"{path} cannot be inlined: it closes its own block")
    return text


def explorer_page_from_store(store: ox.Store, *, lang: str = "en", limit: int = NODE_LIMIT) -> bytes:
    """The whole-graph explorer of a built store (named graphs ``asserted``, ``inferred``): what ``build`` writes.

    At most ``limit`` nodes are drawn; the labels, facts and sources of the
    others are never worked out, so a large store costs one pass over its
    asserted triples plus the work of the drawn nodes.
    """
    from coopgraph.views.project import project

    return render(project(store, view="all", limit=limit), lang=lang, limit=limit)


def explorer_page(parts: Parts, *, lang: str = "en") -> bytes:
    """The whole-graph explorer of a freshly built dataset (in memory); see :func:`explorer_page_from_store`."""
    from coopgraph.graph.store import memory_store

    return explorer_page_from_store(memory_store(parts), lang=lang)
