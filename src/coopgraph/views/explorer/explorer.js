/* coopgraph explorer: ranked search, filters, a time window, legend toggles, a language toggle, the side
 * panel, analytics, a node list (the canvas's accessible twin), exports and a shareable URL fragment, over
 * a vis-network drawing whose positions were computed in Python. Every text from the data is put in the
 * page with textContent, never as HTML. Tests and benchmarks read window.coopgraph. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("coopgraph-data").textContent);
  var LANGS = ["en", "th"];
  var THAI = /[\u0e00-\u0e7f]/;
  var LATIN = /[A-Za-z]/;
  var years = yearRange();
  var state = {
    lang: DATA.lang, country: "", topic: "", kind: "", status: "in-effect", from: years.min, to: years.max,
    hiddenKinds: new Set(), query: "", selected: null, threshold: 1, asOf: ""
  };
  // ------------------------------------------------------------------ status on a date
  // Each agreement carries the status intervals the reasoning stage computed (reason/status.py); the page reads
  // the status on the viewer's date (today by their clock, or the "as of" date), as the saved queries do on
  // as_of. The page itself never holds a date of its build, so the same data gives the same bytes.
  var STATUS_KEYS = DATA.filters.statuses.map(function (r) { return r[0]; });
  var DATE = /^\d{4}-\d{2}-\d{2}$/;
  function todayIso() {
    var d = new Date();
    return d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0");
  }
  function asOfDay() { return state.asOf || todayIso(); }
  var statusMemo = { day: null, map: new Map() };
  function statusOn(iri, day) {
    var info = DATA.agreements[iri];
    if (!info) return "unknown";
    day = day || asOfDay();
    if (statusMemo.day !== day) { statusMemo.day = day; statusMemo.map = new Map(); }
    if (statusMemo.map.has(iri)) return statusMemo.map.get(iri);
    var found = "unknown";
    for (var i = 0; i < info.intervals.length; i++) {
      var v = info.intervals[i];  // [status, from, until or ""]: from inclusive, until exclusive
      if (v[1] <= day && (!v[2] || day < v[2])) { found = v[0]; break; }
    }
    statusMemo.map.set(iri, found);
    return found;
  }
  function passes(status, wanted) {  // as the saved queries' status_filter: any, a phase, or one status
    return wanted === "any" || wanted === status || DATA.phases[status] === wanted;
  }
  var byId = new Map();
  var adjacency = new Map();
  DATA.nodes.forEach(function (n) {
    byId.set(n.id, n);
    adjacency.set(n.id, []);
  });
  DATA.edges.forEach(function (e) {
    adjacency.get(e.from).push(e);
    adjacency.get(e.to).push(e);
  });
  // reading order: the most connected first, countries and blocs weighing most, then agreements; ties by id.
  // Labels at the opening zoom, the node list and the arrow keys follow it.
  var WEIGHT = { country: 6, igo: 6, agreement: 2, topic: 1, government: 1, ministry: 1, agency: 1, company: 1 };
  function importance(n) { return n.degree * (WEIGHT[n.kind] || 0.5); }
  var ranked = DATA.nodes.slice().sort(function (a, b) { return importance(b) - importance(a) || (a.id < b.id ? -1 : 1); });
  var rankOf = new Map();
  ranked.forEach(function (n, i) { rankOf.set(n.id, i); });

  // ------------------------------------------------------------------ helpers
  function t(key) { return DATA.ui[state.lang][key] || DATA.ui.en[key] || key; }
  function pick(en, th) { return state.lang === "th" ? (th || en) : en; }
  function label(n) { return pick(n.label_en, n.label_th); }
  function shortName(n) { return pick(n.short_en || n.label_en, n.short_th || n.short_en || n.label_th); }
  function shortLabel(n) {  // on the canvas; the tooltip and the panel give the whole name
    var text = shortName(n);
    var most = n.short_en ? 80 : 48;  // a short title is already short; other names are cut
    return text.length > most ? text.slice(0, most - 2).trim() + "…" : text;
  }
  function isFallback(en, th) {  // Thai shown, but what is there is the English text
    return state.lang === "th" && !!en && (!th || th === en) && LATIN.test(en) && !THAI.test(en);
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function marked(tag, en, th, cls, fallback) {  // a text in the current language, its English fallback marked
    var node = el(tag, pick(en, th), cls);
    if (fallback === undefined ? isFallback(en, th) : (state.lang === "th" && fallback)) {
      var badge = el("abbr", t("fallback"), "fallback");
      badge.title = t("fallbackTitle");
      node.appendChild(badge);
    }
    return node;
  }
  function link(url, text) {
    var a = el("a", text || url);
    if (/^https?:\/\//i.test(url)) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }
  function nodeLink(id, text) {  // a real link: its href reopens the view with the node selected
    var a = el("a", text, "node-link");
    a.href = "#" + fragment({ sel: id });
    a.addEventListener("click", function (event) {
      if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      select(id, true);
    });
    return a;
  }
  function kindName(kind) { var k = DATA.kinds[kind]; return k ? pick(k[0], k[1]) : kind; }
  function factName(key) { var f = DATA.facts[key]; return f ? pick(f[0], f[1]) : key; }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }
  function yearRange() {
    var found = DATA.dates.map(function (d) { return Number(d.slice(0, 4)); });
    if (!found.length) return { min: 0, max: 0, none: true };
    return { min: Math.min.apply(null, found), max: Math.max.apply(null, found), none: false };
  }
  function statusName(status) { var s = DATA.statuses[status]; return s ? pick(s[0], s[1]) : status; }
  function badge(iri) {  // the status on the chosen date, as a badge; its phase colours it
    var status = statusOn(iri);
    var b = el("span", statusName(status), "badge phase-" + (DATA.phases[status] || "unknown"));
    b.dataset.status = status;
    return b;
  }
  function dateOf(info) { return pick(info.date, info.date_th); }
  function countryOf(n) {  // the countries a search result belongs to, for its line in the list
    var ids = [];
    if (n.kind === "country") return "";
    if (DATA.agreements[n.id]) ids = DATA.agreements[n.id].countries;
    else {
      adjacency.get(n.id).forEach(function (e) {
        var other = byId.get(e.from === n.id ? e.to : e.from);
        if (other && other.kind === "country" && ids.indexOf(other.id) < 0) ids.push(other.id);
      });
    }
    return ids.slice(0, 3).map(function (id) {
      var c = byId.get(id);
      if (c) return label(c);
      var row = DATA.filters.countries.filter(function (r) { return r[0] === id; })[0];
      return row ? pick(row[1], row[2]) : id.split("/").pop();
    }).join(", ") + (ids.length > 3 ? ", …" : "");
  }

  // ------------------------------------------------------------------ vis data
  function tooltip(n) {
    var box = el("div");
    box.appendChild(el("div", label(n), "tip-title"));
    var facts = el("div", null, "tip-facts");
    n.facts.forEach(function (f) {
      if (f[0] === "partners") return;  // partners depend on the date and the filter: in the panel
      facts.appendChild(el("div", factName(f[0]) + ": " + pick(f[1], f[2])));
    });
    if (DATA.agreements[n.id]) facts.appendChild(el("div", format(t("statusOn"), { date: asOfDay() }) + ": " + statusName(statusOn(n.id))));
    box.appendChild(facts);
    if (n.alt.length) box.appendChild(el("div", t("alt") + ": " + n.alt.join(" · ")));
    if (n.sources.length) {
      box.appendChild(el("div", t("sources") + ":"));
      n.sources.forEach(function (s) { box.appendChild(link(s[0], pick(s[1], s[2]))); });
    }
    return box;
  }
  function edgeTitle(e) {
    var lines = [pick(e.label_en, e.label_th) + (e.weight > 1 ? " (" + e.weight + ")" : "")];
    lines.push(label(byId.get(e.from)) + " → " + label(byId.get(e.to)));
    if (e.note) lines.push(e.note);
    e.agreements.slice(0, 12).forEach(function (a) {
      var info = DATA.agreements[a];
      if (info) lines.push("• " + pick(info.short_en || info.label_en, info.short_th || info.label_th) + " (" +
        (info.date ? dateOf(info) + ", " : "") + statusName(statusOn(a)) + ")");
    });
    if (e.agreements.length > 12) lines.push("…");
    return lines.join("\n");
  }
  var COMMUNITY = ["#1b6ca8", "#d1495b", "#2a9d8f", "#e07a1f", "#7b4ea3", "#5c8a1f", "#b5446e", "#3d5a80",
                   "#8d6a1f", "#00798c"];
  function baseColor(n) {  // the countries view colours communities; other views colour kinds
    if (DATA.view === "countries" && n.community >= 0) {
      var c = COMMUNITY[n.community % COMMUNITY.length];
      return { background: c, border: "#1d232a", highlight: { background: c, border: "#111111" },
               hover: { background: c, border: "#111111" } };
    }
    return n.color;
  }
  // shapes vis-network does not have, drawn by a ctxRenderer with the label outside as vis's own are
  function polygon(sides, turn) {
    var points = [];
    for (var i = 0; i < sides; i++) {
      var a = turn + 2 * Math.PI * i / sides;
      points.push([Math.cos(a), Math.sin(a)]);
    }
    return points;
  }
  var OUTLINES = {
    pentagon: polygon(5, -Math.PI / 2),
    octagon: polygon(8, Math.PI / 8),
    cross: [[-0.35, -1], [0.35, -1], [0.35, -0.35], [1, -0.35], [1, 0.35], [0.35, 0.35], [0.35, 1], [-0.35, 1],
            [-0.35, 0.35], [-1, 0.35], [-1, -0.35], [-0.35, -0.35]],
    bar: [[-1, -0.5], [1, -0.5], [1, 0.5], [-1, 0.5]]
  };
  function customShape(shape) {
    return function (args) {
      var ctx = args.ctx, x = args.x, y = args.y, style = args.style, r = style.size;
      return {
        drawNode: function () {
          ctx.beginPath();
          if (shape === "ring") {
            ctx.arc(x, y, r, 0, 2 * Math.PI);
            ctx.moveTo(x + r * 0.45, y);
            ctx.arc(x, y, r * 0.45, 0, 2 * Math.PI, true);
          } else {
            OUTLINES[shape].forEach(function (p, i) {
              if (i) ctx.lineTo(x + p[0] * r, y + p[1] * r); else ctx.moveTo(x + p[0] * r, y + p[1] * r);
            });
            ctx.closePath();
          }
          ctx.fillStyle = style.color;
          ctx.fill("evenodd");
          ctx.lineWidth = style.borderWidth;
          ctx.strokeStyle = style.borderColor;
          ctx.stroke();
        },
        drawExternalLabel: function () {
          var node = network.body.nodes[args.id];
          if (!node || node.options.label === undefined) return;
          var state = args.state;
          node.labelModule.calculateLabelSize(ctx, state.selected, state.hover, x, y, "hanging");
          node.labelModule.draw(ctx, x, y + r + 0.5 * node.labelModule.size.height, state.selected, state.hover, "hanging");
        },
        nodeDimensions: { width: 2 * r, height: 2 * r }
      };
    };
  }
  var RENDERERS = {};
  ["pentagon", "octagon", "ring", "cross", "bar"].forEach(function (shape) { RENDERERS[shape] = customShape(shape); });
  function visNode(n) {
    var node = { id: n.id, label: shortLabel(n), title: tooltip(n), x: n.x, y: n.y, size: n.size, shape: n.shape,
                 color: baseColor(n), font: { color: "#1d232a", size: small(n) } };
    if (RENDERERS[n.shape]) { node.shape = "custom"; node.ctxRenderer = RENDERERS[n.shape]; }
    return node;
  }
  function visEdge(e) {
    return { id: e.id, from: e.from, to: e.to, label: pick(e.label_en, e.label_th), title: edgeTitle(e),
             width: e.width, arrows: e.arrows, color: { color: "#a7b0ba", highlight: "#2d3a48", hover: "#56616d" } };
  }
  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  // vis "caps" a tooltip that has no room above the pointer at the top of the drawing, over the pointer: the
  // node under it could no longer be clicked. Wherever vis puts a tooltip, it is moved off the pointer.
  function avoidPointer(popup) {
    var frame = popup.frame;
    frame.style.maxHeight = "";
    var px = popup.x - 3, py = popup.y + 5;  // vis shows it at (pointer x + 3, pointer y - 5)
    var left = parseFloat(frame.style.left), top = parseFloat(frame.style.top);
    var width = frame.offsetWidth, height = frame.offsetHeight;
    var room = container.getBoundingClientRect();
    var covers = function (l, tp) { return px >= l - 4 && px <= l + width + 4 && py >= tp - 4 && py <= tp + height + 4; };
    if (!covers(left, top)) return;
    var below = room.height - py - 14, above = py - 14;
    if (height <= below) top = py + 14;
    else if (height <= above) top = py - 14 - height;
    else if (px + 14 + width <= room.width) left = px + 14;
    else if (px - 14 - width >= 0) left = px - 14 - width;
    else {  // no room anywhere (a phone): the larger side, scrolling
      frame.style.maxHeight = Math.max(60, Math.max(below, above)) + "px";
      top = below >= above ? py + 14 : Math.max(0, py - 14 - frame.offsetHeight);
    }
    frame.style.left = left + "px";
    frame.style.top = top + "px";
  }
  network.on("showPopup", function () {
    var popup = network.interactionHandler && network.interactionHandler.popup;
    if (!popup) return;
    if (!popup.coopgraphWrapped) {  // vis also re-shows it without the event, as the pointer moves
      var show = popup.show;
      popup.show = function () { show.apply(popup, arguments); if (!popup.hidden) avoidPointer(popup); };
      popup.coopgraphWrapped = true;
    }
    avoidPointer(popup);
  });
  function batch(work) {
    // with physics off every DataSet update redraws at once; draw once for a batch of updates
    var renderer = network.renderer;
    var allowed = renderer && renderer.allowRedraw;
    if (renderer) renderer.allowRedraw = false;
    try { work(); } finally { if (renderer) renderer.allowRedraw = allowed; }
    network.redraw();
  }
  var hiddenNodes = new Set();
  var hiddenEdges = new Set();  // not drawn, for whatever reason
  var edgeOff = new Set();  // not drawn because a filter leaves the edge out (its ends may be drawn)
  // A large view draws its edges itself, one canvas path per width under the nodes: vis-network strokes each
  // edge on its own (6,000 edges took 30 ms of a 37 ms frame in headless Chromium). vis keeps its edges hidden
  // there, so edges have no tooltips in a large view; the selection's edges are drawn over its veil.
  var BATCH = DATA.edges.length > 1000;
  var EDGE_COLOUR = "#a7b0ba";
  if (BATCH) {
    Object.keys(network.body.edges).forEach(function (id) { network.body.edges[id].options.hidden = true; });
    network.body.emitter.emit("_dataChanged");
  }
  function strokeEdges(ctx, ids, colour, extra) {
    var groups = new Map();
    ids.forEach(function (e) {
      if (hiddenEdges.has(e.id)) return;
      var width = e.width + extra;
      if (!groups.has(width)) groups.set(width, []);
      groups.get(width).push(e);
    });
    ctx.strokeStyle = colour;
    var least = 0.8 / network.getScale();  // at least 0.8 px on screen
    groups.forEach(function (list, width) {
      ctx.lineWidth = Math.max(width, least);
      ctx.beginPath();
      list.forEach(function (e) {
        var a = byId.get(e.from), b = byId.get(e.to);
        ctx.moveTo(a.x, a.y);
        ctx.lineTo(b.x, b.y);
      });
      ctx.stroke();
    });
  }
  network.on("beforeDrawing", function (ctx) {
    var r = network.renderer;
    if (!BATCH || r.dragging && r.options.hideEdgesOnDrag || r.zooming && r.options.hideEdgesOnZoom) return;
    strokeEdges(ctx, DATA.edges, EDGE_COLOUR, 0);
  });
  function applyVisibility(nodeIds, edgeIds) {
    // Straight to vis-network 9.1.2's node and edge options, then one "_dataChanged" (which recomputes what is
    // drawn): a DataSet update re-parses every option of every node and took 40 us per node, 0.3 s a filter.
    // The DataSet keeps the data; what is drawn is what visibleNodeIds() and visibleEdgeIds() say.
    if (!nodeIds.length && !edgeIds.length) return;
    var body = network.body;
    nodeIds.forEach(function (id) { body.nodes[id].options.hidden = hiddenNodes.has(id); });
    if (BATCH) {
      // vis draws none of its edges here: what it would recompute on "_dataChanged" (33 ms at 6,000 edges) is
      // just the list of drawn nodes
      body.nodeIndices = DATA.nodes.filter(function (n) { return !hiddenNodes.has(n.id); }).map(function (n) { return n.id; });
      body.edgeIndices = [];
      network.redraw();
      return;
    }
    edgeIds.forEach(function (id) { body.edges[id].options.hidden = edgeOff.has(id); });
    body.emitter.emit("_dataChanged");
  }

  // ------------------------------------------------------------------ labels readable at every zoom
  // vis draws a label only when it is at least drawThreshold - 1 px on screen (options: 12 -> 11 px) and caps
  // it at maxVisible px. The most connected nodes (more of them as one zooms in) get a font big enough to be
  // drawn at the current scale; the others keep their own size and appear once zoomed in enough.
  var labelled = new Map();  // node id -> font size given for the current zoom step
  var openingScale = null;
  var ON_SCREEN = 13;
  function labelBudget(scale) {
    var box = container.getBoundingClientRect();
    var base = Math.max(8, Math.round(box.width * box.height / 26000));
    var growth = openingScale ? Math.pow(Math.max(1, scale / openingScale), 2) : 1;
    return Math.min(DATA.nodes.length, Math.round(base * growth));
  }
  function step(scale) { return Math.pow(2, Math.floor(Math.log2(scale) * 4) / 4); }  // quarter-octave steps
  var lastStep = null;
  function relabel(force) {
    var scale = network.getScale();
    var s = step(scale);
    var view = network.getViewPosition();
    var key = s + ":" + Math.round(view.x * scale / 40) + ":" + Math.round(view.y * scale / 40);
    if (!force && key === lastStep) return;
    lastStep = key;
    var size = ON_SCREEN / s;
    var budget = labelBudget(scale);
    var box = container.getBoundingClientRect();
    var half = { x: box.width / 2, y: box.height / 2 };
    var placed = [];  // screen boxes of labels chosen so far: a label that would overlap one is left out
    var want = new Map();
    for (var i = 0; i < ranked.length && placed.length < budget; i++) {
      var n = ranked[i];
      if (hiddenNodes.has(n.id)) continue;
      var x = (n.x - view.x) * scale + half.x, y = (n.y - view.y) * scale + half.y;
      var width = shortLabel(n).length * 7 + 6, top = y + n.size * scale + 1;
      var rect = [x - width / 2, top, x + width / 2, top + 17];
      if (rect[2] < 0 || rect[0] > box.width || rect[3] < 0 || rect[1] > box.height) continue;
      var clash = false;
      for (var j = 0; j < placed.length && !clash; j++) {
        var r = placed[j];
        clash = rect[0] < r[2] && r[0] < rect[2] && rect[1] < r[3] && r[1] < rect[3];
      }
      if (clash) continue;
      placed.push(rect);
      want.set(n.id, n.fontSize * scale >= ON_SCREEN - 1 ? n.fontSize : Math.round(size * 10) / 10);
    }
    var updates = [];
    labelled.forEach(function (_, id) {
      if (!want.has(id)) updates.push({ id: id, font: { size: small(byId.get(id)) } });
    });
    want.forEach(function (value, id) { if (labelled.get(id) !== value) updates.push({ id: id, font: { size: value } }); });
    labelled = want;
    if (updates.length) batch(function () { nodes.update(updates); });
  }
  // A label not chosen is drawn only when zoomed far in (4 px x scale >= 11 px). Never a size that lands in vis's
  // fade band (11-12 px on screen), where the text fades out but its white background is still drawn.
  function small(n) { return Math.min(n.fontSize, 4); }
  var relabelQueued = false;
  network.on("dragEnd", function () { relabel(false); });
  network.on("afterDrawing", function () {  // after any zoom (wheel, pinch, fit, focus, moveTo): the labels follow
    if (relabelQueued || openingScale === null || step(network.getScale()) === stepOf(lastStep)) return;
    relabelQueued = true;
    requestAnimationFrame(function () { relabelQueued = false; relabel(false); });
  });
  function stepOf(key) { return key === null ? null : Number(String(key).split(":")[0]); }
  function fitVisible() {
    var ids = visibleNodeIds();
    var options = { animation: false };
    if (ids.length && ids.length < DATA.nodes.length) options.nodes = ids;
    network.fit(options);
    if (!openingScale) openingScale = network.getScale();
    relabel(true);
  }

  // ------------------------------------------------------------------ search: tokens and trigrams, ranked
  function norm(text) {  // case and Latin accents do not matter; Thai marks stay
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function tokens(text) { return norm(text).split(/[^\p{L}\p{N}\p{M}]+/u).filter(Boolean); }
  function compact(text) { return tokens(text).join(""); }
  function trigrams(word) {
    var padded = " " + word + " ";
    var found = new Set();
    for (var i = 0; i + 3 <= padded.length; i++) found.add(padded.slice(i, i + 3));
    return found;
  }
  var searchIndex = DATA.nodes.map(function (n) {
    var info = DATA.agreements[n.id];
    var fields = [n.label_en, n.label_th, n.short_en, n.short_th, n.id.split("/").pop()].concat(n.alt);
    if (info) {
      var kind = DATA.filters.kinds.filter(function (k) { return k[0] === info.kind; })[0];
      if (kind) fields.push(kind[1], kind[2]);
    }
    fields = fields.filter(Boolean);
    var words = new Set();
    fields.forEach(function (f) { tokens(f).forEach(function (w) { words.add(w); }); });
    var list = Array.from(words);
    return {
      node: n, words: list, grams: null,
      exact: new Set(fields.map(compact)),
      text: fields.map(compact).join("\u0001")
    };
  });
  var KIND_BONUS = { country: 0.6, igo: 0.5, topic: 0.3 };
  function score(entry, query, words) {
    if (entry.exact.has(query)) return 100 + (KIND_BONUS[entry.node.kind] || 0);
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      var q = words[i], best = 0;
      for (var j = 0; j < entry.words.length && best < 10; j++) {
        var w = entry.words[j];
        if (w === q) best = 10;
        else if (w.startsWith(q)) best = Math.max(best, 7);
        else if (q.length >= 2 && w.indexOf(q) >= 0) best = Math.max(best, 5);
      }
      if (!best && q.length >= 2 && entry.text.indexOf(q) >= 0) best = 4;  // Thai runs without spaces
      if (!best && q.length >= 4) {  // a typo: trigram similarity
        if (!entry.grams) entry.grams = entry.words.map(trigrams);
        var mine = trigrams(q);
        for (var k = 0; k < entry.grams.length; k++) {
          var theirs = entry.grams[k], shared = 0;
          mine.forEach(function (g) { if (theirs.has(g)) shared += 1; });
          var sim = shared / (mine.size + theirs.size - shared);
          if (sim >= 0.4) best = Math.max(best, 6 * sim);
        }
      }
      if (!best) return 0;  // every word must be found
      total += best;
    }
    return total / words.length + (KIND_BONUS[entry.node.kind] || 0) + Math.min(0.3, entry.node.degree);
  }
  function search(query) {  // [{id, score}] best first; ties by reading order
    var words = tokens(query);
    if (!words.length) return [];
    var whole = words.join("");
    var found = [];
    searchIndex.forEach(function (entry) {
      if (!visibleWithoutSearch(entry.node)) return;  // filters and legend toggles apply to search too
      var s = score(entry, whole, words);
      if (s > 0) found.push({ id: entry.node.id, score: s });
    });
    found.sort(function (a, b) { return b.score - a.score || rankOf.get(a.id) - rankOf.get(b.id); });
    return found;
  }

  // ------------------------------------------------------------------ filters
  function fillStatus() {  // no "(any)" row: "any" is one of its choices, "in effect" the default
    var select = selects.status;
    select.textContent = "";
    DATA.filters.statuses.forEach(function (o) {
      var option = el("option", pick(o[1], o[2]));
      option.value = o[0];
      select.appendChild(option);
    });
    select.value = state.status;
  }
  function fillSelect(select, options, current) {
    select.textContent = "";
    var any = el("option", t("any"));
    any.value = "";
    select.appendChild(any);
    options.forEach(function (o) {
      var option = el("option", pick(o[1], o[2]));
      option.value = o[0];
      select.appendChild(option);
    });
    select.value = current;
  }
  var selects = {
    country: document.getElementById("filter-country"), topic: document.getElementById("filter-topic"),
    kind: document.getElementById("filter-kind"), status: document.getElementById("filter-status")
  };
  Object.keys(selects).forEach(function (key) {
    selects[key].addEventListener("change", function () { state[key] = selects[key].value; refresh(true); });
  });
  var asOfInput = document.getElementById("as-of");
  asOfInput.addEventListener("change", function () {
    var value = asOfInput.value;
    setAsOf(DATE.test(value) && value !== todayIso() ? value : "");
  });
  document.getElementById("as-of-today").addEventListener("click", function () { setAsOf(""); });
  function setAsOf(day) {  // a new date: every status, badge, tooltip and count follows
    state.asOf = day;
    retitle();
    refresh(true);
    renderPanel();
  }
  function retitle() {  // agreement tooltips and edge tooltips say the status on the date
    batch(function () {
      nodes.update(DATA.nodes.filter(function (n) { return DATA.agreements[n.id]; }).map(function (n) { return { id: n.id, title: tooltip(n) }; }));
      if (!BATCH) edges.update(DATA.edges.filter(function (e) { return e.agreements.length; }).map(function (e) { return { id: e.id, title: edgeTitle(e) }; }));
    });
  }
  var fromYear = document.getElementById("from-year");
  var toYear = document.getElementById("to-year");
  [fromYear, toYear].forEach(function (input) {
    input.min = String(years.min);
    input.max = String(years.max);
    input.disabled = years.none || years.min === years.max && DATA.dates.length < 2;
  });
  (function yearMarks() {
    var list = document.getElementById("years");
    var marks = document.getElementById("year-marks");
    if (years.none) return;
    var stride = Math.max(1, Math.ceil((years.max - years.min + 1) / 6));
    for (var y = years.min; y <= years.max; y++) {
      var option = el("option");
      option.value = String(y);
      list.appendChild(option);
    }
    for (var m = years.min; m <= years.max; m += stride) marks.appendChild(el("span", m));
    if ((years.max - years.min) % stride) marks.appendChild(el("span", years.max));
  })();
  fromYear.addEventListener("input", function () {
    state.from = Number(fromYear.value);
    if (state.from > state.to) { state.to = state.from; toYear.value = String(state.to); }
    refresh(true);
  });
  toYear.addEventListener("input", function () {
    state.to = Number(toYear.value);
    if (state.to < state.from) { state.from = state.to; fromYear.value = String(state.from); }
    refresh(true);
  });
  var threshold = document.getElementById("threshold");
  var maxWeight = DATA.edges.reduce(function (m, e) { return Math.max(m, e.weight || 1); }, 1);
  if (DATA.view === "countries" && maxWeight > 1) {
    document.getElementById("threshold-box").hidden = false;
    threshold.max = String(maxWeight);
    threshold.addEventListener("input", function () { state.threshold = Number(threshold.value); refresh(true); });
  }
  document.getElementById("reset").addEventListener("click", function () { clearAll(); });
  function clearAll() {
    state.country = state.topic = state.kind = state.query = "";
    state.status = "in-effect";
    if (state.asOf) { state.asOf = ""; retitle(); }
    state.from = years.min;
    state.to = years.max;
    state.threshold = 1;
    state.hiddenKinds.clear();
    searchInput.value = "";
    select(null);
    renderControls();
    refresh(true);
  }

  function windowed() { return !years.none && (state.from > years.min || state.to < years.max); }
  function narrowing() { return !!(state.country || state.topic || state.kind || windowed()); }
  function filtering() { return narrowing() || state.status !== "any"; }
  function allowedAgreements() {
    var allowed = new Set();
    var span = windowed();
    var first = state.from + "-01-01", last = state.to + "-12-31";
    var day = asOfDay();
    Object.keys(DATA.agreements).forEach(function (iri) {
      var a = DATA.agreements[iri];
      if (state.country && a.countries.indexOf(state.country) < 0) return;
      if (state.topic && a.topics.indexOf(state.topic) < 0) return;
      if (state.kind && a.kind !== state.kind) return;
      if (state.status !== "any" && !passes(statusOn(iri, day), state.status)) return;
      if (span) {  // an uncertain date counts where it may fall: [sort, late] meets the window
        if (!a.sort && !a.late) return;
        if (a.late && a.late < first || a.sort && a.sort > last) return;
      }
      allowed.add(iri);
    });
    return allowed;
  }
  var lastAllowed = null;
  function visibleWithoutSearch(n) {
    if (state.hiddenKinds.has(n.kind)) return false;
    if (lastAllowed) {
      if (!n.agreements.length) return !narrowing();  // the status filter hides only what hangs on agreements
      return n.agreements.some(function (a) { return lastAllowed.has(a); });
    }
    return true;
  }
  function weightNow(e) {  // the agreements an edge stands for that pass the filters on the date
    if (!lastAllowed || !e.agreements.length) return e.weight || 1;
    var k = 0;
    e.agreements.forEach(function (a) { if (lastAllowed.has(a)) k += 1; });
    return k;
  }
  var found = [];
  function refresh(refit) {
    var allowed = filtering() ? allowedAgreements() : null;
    lastAllowed = allowed;
    found = state.query ? search(state.query) : [];
    var context = null;
    if (found.length) {  // the matches and their neighbours; no match never empties the graph
      context = new Set();
      found.forEach(function (f) {
        context.add(f.id);
        adjacency.get(f.id).forEach(function (e) { context.add(e.from); context.add(e.to); });
      });
    }
    var nodeChanges = [];
    DATA.nodes.forEach(function (n) {
      var show = visibleWithoutSearch(n);
      if (show && context) show = context.has(n.id);
      if (show === hiddenNodes.has(n.id)) {
        if (show) hiddenNodes.delete(n.id); else hiddenNodes.add(n.id);
        nodeChanges.push(n.id);
      }
    });
    var edgeChanges = [];
    DATA.edges.forEach(function (e) {
      // an edge is drawn when both its ends are (vis's own rule) and, under a filter, it stands for an allowed agreement
      var own = true;
      if (allowed && e.agreements.length) own = e.agreements.some(function (a) { return allowed.has(a); });
      if (own && state.threshold > 1) own = weightNow(e) >= state.threshold;
      if (own === edgeOff.has(e.id)) {
        if (own) edgeOff.delete(e.id); else edgeOff.add(e.id);
        edgeChanges.push(e.id);
      }
      var show = own && !hiddenNodes.has(e.from) && !hiddenNodes.has(e.to);
      if (show === hiddenEdges.has(e.id)) { if (show) hiddenEdges.delete(e.id); else hiddenEdges.add(e.id); }
    });
    applyVisibility(nodeChanges, edgeChanges);
    var nodeUpdates = nodeChanges;
    renderCounts();
    renderResults();
    if (state.selected && hiddenNodes.has(state.selected)) select(null);
    if (openingScale === null) { /* the opening fit comes once the canvas has its size; labels follow it */ }
    else if (refit && (nodeUpdates.length || edgeChanges.length)) fitVisible();
    else if (nodeUpdates.length) relabel(true);
    writeFragment();
  }
  function renderCounts() {
    var shown = DATA.nodes.length - hiddenNodes.size;
    document.getElementById("shown").textContent = format(t("shown"), { n: shown, m: DATA.nodes.length });
    asOfInput.value = asOfDay();
    document.getElementById("as-of-value").textContent = state.asOf ? "" : "(" + t("today") + ")";
    document.getElementById("window-value").textContent = years.none ? "" :
      windowed() ? state.from + " – " + state.to : "(" + t("allYears") + ")";
    fromYear.value = String(state.from);
    toYear.value = String(state.to);
    if (!document.getElementById("threshold-box").hidden) {
      threshold.value = String(state.threshold);
      document.getElementById("threshold-label").textContent = format(t("threshold"), { n: state.threshold });
    }
    renderLegend();
    renderStats();
    renderList();
  }

  // ------------------------------------------------------------------ the search box: a combobox
  var searchInput = document.getElementById("search");
  var results = document.getElementById("search-results");
  var active = -1;
  var searchTimer = null;
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { state.query = searchInput.value.trim(); active = -1; refresh(true); }, 120);
  });
  searchInput.addEventListener("keydown", function (event) {
    var options = results.querySelectorAll("[role=option]");
    if (event.key === "Enter") {
      event.preventDefault();
      clearTimeout(searchTimer);
      if (searchInput.value.trim() !== state.query) { state.query = searchInput.value.trim(); refresh(true); }
      var chosen = active >= 0 && options[active] ? options[active].dataset.id : found.length ? found[0].id : null;
      if (chosen) { select(chosen, true); closeResults(); }
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (!options.length) return;
      active = (active + (event.key === "ArrowDown" ? 1 : -1) + options.length) % options.length;
      markActive(options);
    } else if (event.key === "Escape") {
      event.preventDefault();
      event.stopPropagation();
      if (searchInput.value) { searchInput.value = ""; state.query = ""; refresh(true); }
      else clearAll();
      closeResults();
    }
  });
  function markActive(options) {
    options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
    if (options[active]) {
      searchInput.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
  }
  function closeResults() {
    results.textContent = "";
    results.hidden = true;
    searchInput.setAttribute("aria-expanded", "false");
    searchInput.removeAttribute("aria-activedescendant");
  }
  var SHOW_RESULTS = 30;
  function renderResults() {
    results.textContent = "";
    if (!state.query || document.activeElement !== searchInput) { closeResults(); return; }
    if (!found.length) {
      results.appendChild(el("li", t("noMatch"), "info")).setAttribute("role", "presentation");
      results.hidden = false;
      searchInput.setAttribute("aria-expanded", "false");
      announce(t("noMatch"));
      return;
    }
    found.slice(0, SHOW_RESULTS).forEach(function (f, i) {
      var n = byId.get(f.id);
      var item = el("li", shortName(n));
      item.id = "result-" + i;
      item.dataset.id = n.id;
      item.setAttribute("role", "option");
      item.setAttribute("aria-selected", i === active ? "true" : "false");
      var where = countryOf(n);
      item.appendChild(el("span", kindName(n.kind) + (where ? " · " + where : ""), "kind"));
      item.addEventListener("mousedown", function (event) { event.preventDefault(); select(n.id, true); closeResults(); });
      results.appendChild(item);
    });
    if (found.length > SHOW_RESULTS) {
      results.appendChild(el("li", format(t("more"), { n: found.length - SHOW_RESULTS }), "info")).setAttribute("role", "presentation");
    }
    results.hidden = false;
    searchInput.setAttribute("aria-expanded", "true");
    announce(format(t("results"), { n: found.length }));
  }
  searchInput.addEventListener("blur", function () { setTimeout(closeResults, 0); });
  searchInput.addEventListener("focus", function () { if (state.query) renderResults(); });
  var announcer = document.getElementById("announce");
  function announce(text) { announcer.textContent = text; }

  // ------------------------------------------------------------------ selection: neighbourhood and side panel
  // Selection: the node and its neighbours are drawn again over a white veil that fades the rest. Nothing in
  // the DataSet changes, so a selection costs one redraw whatever the size of the graph.
  var near = null;  // {nodes, edges} of the selected node's neighbourhood, or null
  function highlight(id) {
    if (!id) { near = null; return; }
    var keep = new Set([id]);
    var keepEdges = new Set();
    adjacency.get(id).forEach(function (e) { keep.add(e.from); keep.add(e.to); keepEdges.add(e.id); });
    near = { nodes: keep, edges: keepEdges };
  }
  network.on("afterDrawing", function (ctx) {
    if (!near) return;
    var box = container.getBoundingClientRect();
    var a = network.DOMtoCanvas({ x: 0, y: 0 }), b = network.DOMtoCanvas({ x: box.width, y: box.height });
    ctx.fillStyle = "rgba(255,255,255,0.82)";
    ctx.fillRect(a.x, a.y, b.x - a.x, b.y - a.y);
    var body = network.body;
    var labels = [];
    if (BATCH) strokeEdges(ctx, adjacency.get(state.selected), "#56616d", 0.5);
    else near.edges.forEach(function (id) {
      var edge = body.edges[id];
      if (edge && !hiddenEdges.has(id)) { edge.draw(ctx); edge.drawArrows(ctx); }
    });
    near.nodes.forEach(function (id) {
      var node = body.nodes[id];
      if (!node || hiddenNodes.has(id)) return;
      var later = node.draw(ctx);
      if (later && later.drawExternalLabel) labels.push(later.drawExternalLabel);
    });
    labels.forEach(function (draw) { draw(); });
  });
  function faded(id) { return !!near && !near.nodes.has(id); }
  var narrow = window.matchMedia("(max-width: 900px)");
  function select(id, focus) {
    if (id && (!byId.has(id) || hiddenNodes.has(id))) return;
    state.selected = id;
    highlight(id);
    if (id) {
      network.selectNodes([id]);
      if (focus) { network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false }); relabel(false); }
      var n = byId.get(id);
      announce(format(t("selectedNow"), { label: label(n), kind: kindName(n.kind) }));
      if (narrow.matches && focus) drawer("panel", true);
    } else {
      network.unselectAll();
    }
    network.redraw();
    renderPanel();
    renderList();
    writeFragment();
  }
  network.on("click", function (params) {
    select(params.nodes.length ? params.nodes[0] : null);
    if (narrow.matches && params.nodes.length) drawer("panel", true);
  });

  function section(panel, title) { panel.appendChild(el("h2", title)); }
  function sourceLinks(list, sources) {
    sources.forEach(function (s) { var li = el("li"); li.appendChild(link(s[0], pick(s[1], s[2]))); list.appendChild(li); });
  }
  function named(value) { return value ? pick(value[0], value[1]) : t("unknown"); }
  function namedNode(tag, value) { return marked(tag, value[0], value[1], null, value[2]); }
  function agreementDetails(panel, id) {
    var d = DATA.details[id];
    if (!d) return;
    var info = DATA.agreements[id];
    if (info && info.short_en) {
      var short = el("dl");
      short.appendChild(el("dt", t("shortTitle")));
      short.appendChild(el("dd", pick(info.short_en, info.short_th)));
      panel.appendChild(short);
    }
    if (d.term) {
      section(panel, t("term"));
      panel.appendChild(el("div", pick(d.term[0], d.term[1])));
    }
    d.signings.forEach(function (s) {
      section(panel, t("signatories") + (s.date ? " — " + pick(s.date[0], s.date[1]) : ""));
      var list = el("ul");
      s.signatories.forEach(function (p) {
        var li = namedNode("li", p.person);
        li.classList.add("signatory");
        if (p.post) li.appendChild(el("span", ", " + named(p.post)));
        li.appendChild(el("span", " — " + format(t("forSide"), { side: named(p["for"]) }), "muted"));
        certainty(li, p);
        list.appendChild(li);
      });
      if (!s.signatories.length) list.appendChild(el("li", t("unknown"), "muted"));
      panel.appendChild(list);
      if (s.witnesses.length) {
        section(panel, t("witnesses"));
        var w = el("ul");
        s.witnesses.forEach(function (p) { var li = namedNode("li", p.person); certainty(li, p); w.appendChild(li); });
        panel.appendChild(w);
      }
    });
    if (d.areas.length) {
      section(panel, t("areas"));
      var areas = el("ol", null, "areas");
      d.areas.forEach(function (a) {
        var li = marked("li", a[1], a[2], null, a[3]);
        if (a[0]) li.value = a[0];
        areas.appendChild(li);
      });
      panel.appendChild(areas);
    }
    if (d.notes.length) {
      section(panel, t("notes"));
      panel.appendChild(marked("p", d.notes[0], d.notes[1], "notes", d.notes[2]));
    }
    statusHistory(panel, id, d);
  }
  function certainty(li, p) {  // a role as the sources give it: stated, or disputed with each source's version
    if (p.certainty === "stated") li.appendChild(el("span", " · " + t("stated"), "muted certainty"));
    else if (p.certainty === "disputed") {
      var box = el("span", " · " + t("disputed") + (p.claims.length ? ": " : ""), "certainty disputed");
      box.appendChild(el("span", p.claims.map(function (c) {
        return format(t("claimed"), { source: c[2] || "?", role: pick(c[0], c[1]) });
      }).join("; ")));
      li.appendChild(box);
    }
  }
  function statusHistory(panel, id, d) {  // each status interval, the one holding on the chosen date marked
    var info = DATA.agreements[id];
    if (!info) return;
    var day = asOfDay();
    section(panel, t("history"));
    var now = el("p", null, "status-now");
    now.appendChild(el("span", format(t("statusOn"), { date: day }) + ": "));
    now.appendChild(badge(id));
    panel.appendChild(now);
    if (info.intervals.length) {
      var h = el("ol", null, "history");
      info.intervals.forEach(function (v) {
        var holds = v[1] <= day && (!v[2] || day < v[2]);
        var li = el("li", statusName(v[0]) + ": " + v[1] + " – " + (v[2] || "…"), holds ? "now" : null);
        if (holds) {
          li.setAttribute("aria-current", "date");
          li.appendChild(el("strong", " ◀ " + format(t("statusNow"), { date: day })));
        }
        h.appendChild(li);
      });
      panel.appendChild(h);
    }
    var uncertain = d.steps.some(function (s) { return s[3]; });
    if (d.steps.length && (uncertain || !info.intervals.length)) {  // dates no interval could use, in words
      section(panel, t("steps"));
      var list = el("ul");
      d.steps.forEach(function (s) { list.appendChild(el("li", statusName(s[0]) + ": " + (pick(s[1], s[2]) || t("undated")))); });
      panel.appendChild(list);
    }
  }
  function partners(id) {  // the countries an agreement passing the filters on the date joins this one with
    var found = new Set();
    Object.keys(DATA.agreements).forEach(function (iri) {
      var info = DATA.agreements[iri];
      if (info.countries.indexOf(id) < 0 || info.countries.length < 2) return;
      if (lastAllowed ? !lastAllowed.has(iri) : false) return;
      info.countries.forEach(function (c) { if (c !== id) found.add(c); });
    });
    return Array.from(found).sort();
  }
  function renderPanel() {
    var panel = document.getElementById("panel");
    panel.textContent = "";
    var close = el("button", t("close"), "drawer-toggle");
    close.type = "button";
    close.addEventListener("click", function () { drawer("panel", false); document.getElementById("toggle-panel").focus(); });
    panel.appendChild(close);
    var n = state.selected && byId.get(state.selected);
    if (!n) { panel.appendChild(el("p", t("pick"), "muted")); return; }
    var details = DATA.details[n.id];
    if (details) panel.appendChild(marked("h3", details.title[0], details.title[1], null, details.title[2]));
    else panel.appendChild(marked("h3", n.label_en, n.label_th));
    var other = state.lang === "th" ? n.label_en : n.label_th;
    if (other && other !== label(n)) panel.appendChild(el("div", other, "other-label"));
    var chip = el("span", kindName(n.kind), "kind-chip");
    chip.style.background = n.color.background;
    chip.style.color = n.textColor;
    panel.appendChild(chip);
    if (DATA.agreements[n.id]) panel.appendChild(badge(n.id));
    var facts = el("dl");
    n.facts.forEach(function (f) {
      if (f[0] === "term" || f[0] === "renewal" || f[0] === "signatories" && details) return;  // in words below
      if (f[0] === "partners") return;  // on the date, below
      facts.appendChild(el("dt", factName(f[0])));
      facts.appendChild(marked("dd", f[1], f[2]));
    });
    panel.appendChild(facts);
    if (n.kind === "country") {
      var found = partners(n.id);
      section(panel, format(t("partnersOn"), { date: asOfDay() }) + " (" + found.length + ")");
      var plist = el("ul", null, "partners");
      found.forEach(function (c) {
        var li = el("li");
        var other = byId.get(c);
        if (other) li.appendChild(nodeLink(c, label(other)));
        else {
          var row = DATA.filters.countries.filter(function (r) { return r[0] === c; })[0];
          li.appendChild(el("span", row ? pick(row[1], row[2]) : c.split("/").pop()));
        }
        li.dataset.id = c;
        plist.appendChild(li);
      });
      if (!found.length) plist.appendChild(el("li", t("noPartners"), "muted"));
      panel.appendChild(plist);
    }
    agreementDetails(panel, n.id);
    if (n.alt.length) {
      section(panel, t("alt"));
      panel.appendChild(el("div", n.alt.join(" · ")));
    }
    section(panel, t("sources"));
    if (n.sources.length) {
      var sources = el("ul");
      sourceLinks(sources, n.sources);
      panel.appendChild(sources);
    } else {
      panel.appendChild(el("div", t("noSources"), "muted"));
    }
    var own = n.agreements.filter(function (a) { return a !== n.id && DATA.agreements[a]; });
    if (own.length) {
      section(panel, t("agreements") + " (" + own.length + ")");
      own.sort(function (a, b) {
        var x = DATA.agreements[a], y = DATA.agreements[b];
        return (y.sort || "").localeCompare(x.sort || "") || a.localeCompare(b);
      });
      var list = el("ul");
      own.forEach(function (a) {
        var info = DATA.agreements[a];
        var li = el("li", null, "agreement");
        var name = pick(info.short_en || info.label_en, info.short_th || info.label_th);
        li.appendChild(byId.has(a) ? nodeLink(a, name) : el("span", name));
        li.appendChild(el("span", " — " + (info.made ? "" : t("firstRecorded") + " ") + (dateOf(info) || t("undated")) + " ", "muted"));
        li.appendChild(badge(a));
        var d = DATA.details[a];
        if (d && d.sources.length) {  // sources wherever an agreement is listed
          var links = el("ul", null, "sources-inline");
          sourceLinks(links, d.sources);
          li.appendChild(links);
        }
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    var around = adjacency.get(n.id).filter(function (e) { return !hiddenEdges.has(e.id); });
    if (around.length) {
      section(panel, t("connections") + " (" + around.length + ")");
      var links2 = el("ul");
      around.forEach(function (e) {
        var otherId = e.from === n.id ? e.to : e.from;
        var li = el("li", (e.from === n.id ? "→ " : "← ") + pick(e.label_en, e.label_th) + ": ");
        li.appendChild(nodeLink(otherId, label(byId.get(otherId))));
        if (e.weight > 1) li.appendChild(el("span", " (" + e.weight + ")", "muted"));
        links2.appendChild(li);
      });
      panel.appendChild(links2);
    }
    panel.appendChild(el("div", n.id, "iri"));
  }

  // ------------------------------------------------------------------ drawers (narrow screens)
  function drawer(id, open) {
    var box = document.getElementById(id);
    var button = document.getElementById(id === "panel" ? "toggle-panel" : "toggle-controls");
    if (open === undefined) open = !box.classList.contains("open");
    box.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) {
      var other = id === "panel" ? "controls" : "panel";
      if (narrow.matches) { document.getElementById(other).classList.remove("open");
        document.getElementById(other === "panel" ? "toggle-panel" : "toggle-controls").setAttribute("aria-expanded", "false"); }
    }
  }
  document.getElementById("toggle-controls").addEventListener("click", function () { drawer("controls"); });
  document.getElementById("toggle-panel").addEventListener("click", function () { drawer("panel"); });

  // ------------------------------------------------------------------ the canvas by keyboard, and its list twin
  function visibleNodeIds() { return DATA.nodes.filter(function (n) { return !hiddenNodes.has(n.id); }).map(function (n) { return n.id; }); }
  function visibleEdgeIds() { return DATA.edges.filter(function (e) { return !hiddenEdges.has(e.id); }).map(function (e) { return e.id; }); }
  container.addEventListener("keydown", function (event) {
    var order = ranked.filter(function (n) { return !hiddenNodes.has(n.id); });
    if (!order.length) return;
    var at = state.selected ? order.findIndex(function (n) { return n.id === state.selected; }) : -1;
    if (event.key === "ArrowRight" || event.key === "ArrowDown") {
      event.preventDefault();
      select(order[(at + 1) % order.length].id, true);
    } else if (event.key === "ArrowLeft" || event.key === "ArrowUp") {
      event.preventDefault();
      select(order[(at - 1 + order.length) % order.length].id, true);
    } else if (event.key === "Enter" && state.selected) {
      event.preventDefault();
      network.focus(state.selected, { scale: Math.max(network.getScale() * 1.5, 1), animation: false });
      relabel(false);
    } else if (event.key === "+" || event.key === "=" || event.key === "-") {
      event.preventDefault();
      network.moveTo({ scale: network.getScale() * (event.key === "-" ? 0.8 : 1.25), animation: false });
      relabel(false);
    }
  });
  var listBox = document.getElementById("list-box");
  listBox.addEventListener("toggle", function () { renderList(); });
  function renderList() {
    var shown = DATA.nodes.length - hiddenNodes.size;
    document.getElementById("list-summary").textContent = format(t("list"), { n: shown });
    var list = document.getElementById("node-list");
    list.textContent = "";
    if (!listBox.open) return;
    ranked.forEach(function (n) {
      if (hiddenNodes.has(n.id)) return;
      var li = el("li");
      var a = nodeLink(n.id, label(n));
      if (n.id === state.selected) a.setAttribute("aria-current", "true");
      li.appendChild(a);
      li.appendChild(el("span", " · " + kindName(n.kind), "kind"));
      list.appendChild(li);
    });
  }
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    if (document.getElementById("panel").classList.contains("open") || document.getElementById("controls").classList.contains("open")) {
      drawer("panel", false);
      drawer("controls", false);
    }
    if (state.query) { searchInput.value = ""; state.query = ""; refresh(true); }
    select(null);
  });

  // ------------------------------------------------------------------ legend, analytics, language
  var SVG = "http://www.w3.org/2000/svg";
  function glyph(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("aria-hidden", "true");
    var points = {
      diamond: "8,1 15,8 8,15 1,8", square: "2,2 14,2 14,14 2,14", triangle: "8,1 15,14 1,14",
      triangleDown: "1,2 15,2 8,15", hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.7 3.2,15 5,9.5 0.5,6 6,6"
    }[shape];
    if (!points && OUTLINES[shape]) {
      points = OUTLINES[shape].map(function (p) { return (8 + p[0] * 6.8).toFixed(2) + "," + (8 + p[1] * 6.8).toFixed(2); }).join(" ");
    }
    var mark = document.createElementNS(SVG, points ? "polygon" : shape === "ring" ? "path" : "circle");
    if (points) mark.setAttribute("points", points);
    else if (shape === "ring") {
      mark.setAttribute("d", "M14.5,8A6.5,6.5 0 1,0 1.5,8A6.5,6.5 0 1,0 14.5,8ZM11,8A3,3 0 1,1 5,8A3,3 0 1,1 11,8Z");
      mark.setAttribute("fill-rule", "evenodd");
    } else { mark.setAttribute("cx", "8"); mark.setAttribute("cy", "8"); mark.setAttribute("r", "6.5"); }
    mark.setAttribute("fill", color.background);
    mark.setAttribute("stroke", color.border);
    svg.appendChild(mark);
    return svg;
  }
  function renderLegend() {
    var legend = document.getElementById("legend");
    legend.textContent = "";
    var counts = {};
    DATA.nodes.forEach(function (n) { if (!hiddenNodes.has(n.id)) counts[n.kind] = (counts[n.kind] || 0) + 1; });
    DATA.legend.forEach(function (item) {
      var li = el("li");
      var button = el("button");
      button.type = "button";
      button.dataset.kind = item.kind;
      button.setAttribute("aria-pressed", state.hiddenKinds.has(item.kind) ? "false" : "true");
      button.title = format(t("toggleKind"), { kind: pick(item.en, item.th) });
      button.appendChild(glyph(item.shape, item.color));
      button.appendChild(el("span", pick(item.en, item.th) + " (" + (counts[item.kind] || 0) + ")"));
      button.addEventListener("click", function () {
        if (state.hiddenKinds.has(item.kind)) state.hiddenKinds.delete(item.kind); else state.hiddenKinds.add(item.kind);
        refresh(true);
        var again = legend.querySelector('button[data-kind="' + item.kind + '"]');
        if (again) again.focus();
      });
      li.appendChild(button);
      legend.appendChild(li);
    });
  }
  function renderStats() {
    var a = DATA.analytics;
    var box = document.getElementById("stats");
    box.textContent = "";
    var partial = hiddenNodes.size > 0;
    var shownEdges = DATA.edges.length - hiddenEdges.size;
    box.appendChild(el("div", t("nodes") + ": " + (DATA.nodes.length - hiddenNodes.size) + " · " + t("edges") + ": " +
      shownEdges + " · " + t("communities") + ": " + a.communities));
    // degree among what is drawn; betweenness is of the whole view (said so when filtered)
    var degree = new Map();
    if (partial) {
      DATA.edges.forEach(function (e) {
        if (hiddenEdges.has(e.id)) return;
        degree.set(e.from, (degree.get(e.from) || 0) + 1);
        degree.set(e.to, (degree.get(e.to) || 0) + 1);
      });
    }
    var topDegree = partial ? Array.from(degree.keys()).sort(function (x, y) {
      return degree.get(y) - degree.get(x) || (x < y ? -1 : 1);
    }).slice(0, 10).map(function (id) { return [id, id, degree.get(id), true]; }) : a.top_degree;
    [[topDegree, "topDegree"], [a.top_betweenness, "topBetweenness"]].forEach(function (pair) {
      box.appendChild(el("h2", t(pair[1])));
      var list = el("ol");
      pair[0].forEach(function (row) {
        var li = el("li");
        var n = byId.get(row[0]);
        li.appendChild(n ? nodeLink(row[0], label(n)) : el("span", row[1]));
        li.appendChild(el("span", " " + (row[3] ? row[2] : row[2].toFixed(3)), "muted"));
        list.appendChild(li);
      });
      box.appendChild(list);
    });
    if (partial) box.appendChild(el("div", t("wholeView"), "muted"));
    if (a.betweenness_samples) box.appendChild(el("div", format(t("sampled"), { k: a.betweenness_samples, e: a.betweenness_error }), "muted"));
    box.appendChild(el("h2", t("perYear")));
    var perYear = {};
    if (lastAllowed || partial) {
      Object.keys(DATA.agreements).forEach(function (iri) {
        if (lastAllowed && !lastAllowed.has(iri)) return;
        if (byId.has(iri) && hiddenNodes.has(iri)) return;
        var info = DATA.agreements[iri];
        var year = info.sort ? info.sort.slice(0, 4) : "unknown";
        perYear[year] = (perYear[year] || 0) + 1;
      });
    } else perYear = a.per_year;
    var yearsSeen = Object.keys(perYear).sort();
    var most = Math.max.apply(null, yearsSeen.map(function (y) { return perYear[y]; }).concat([1]));
    yearsSeen.forEach(function (year) {
      var row = el("div", null, "bar-row");
      row.appendChild(el("span", year === "unknown" ? t("undated") : year, "year"));
      var bar = el("span", null, "bar");
      bar.style.width = Math.round(140 * perYear[year] / most) + "px";
      row.appendChild(bar);
      row.appendChild(el("span", perYear[year]));
      box.appendChild(row);
    });
    box.appendChild(el("h2", t("communitySizes")));
    box.appendChild(el("div", a.community_sizes.slice(0, 20).join(", ") + (a.community_sizes.length > 20 ? ", …" : "")));
  }
  function renderOmitted() {  // a capped view says what it left out, and how to see it
    var box = document.getElementById("omitted");
    var o = DATA.omitted;
    box.textContent = "";
    box.hidden = !o;
    if (!o) return;
    function count(value) { return Number(value).toLocaleString("en-US"); }  // 12,345 in both languages
    var left = Object.keys(o.kinds).map(function (kind) { return count(o.kinds[kind]) + " × " + kindName(kind); });
    box.appendChild(el("p", format(t("omitted"), {
      n: count(DATA.nodes.length), total: count(o.nodes), e: count(DATA.edges.length), edges: count(o.edges),
      limit: count(o.limit), left: left.join(", ")
    })));
    box.appendChild(el("p", t("omittedHow")));
  }
  function renderWindowNote() {  // a file written for a period says so
    var box = document.getElementById("window-note");
    box.hidden = !DATA.window;
    if (DATA.window) box.textContent = format(t("windowNote"), { from: DATA.window[0] || "…", to: DATA.window[1] || "…" });
  }
  function renderControls() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-ui]").forEach(function (node) { node.textContent = t(node.dataset.ui); });
    searchInput.placeholder = t("search");
    searchInput.setAttribute("aria-label", t("search"));
    results.setAttribute("aria-label", t("search"));
    container.setAttribute("aria-label", t("graph"));
    fromYear.setAttribute("aria-label", t("window") + ": " + t("from"));
    toYear.setAttribute("aria-label", t("window") + ": " + t("to"));
    document.title = t("title") + " — " + viewName();
    document.getElementById("view-name").textContent = viewName();
    var langButton = document.getElementById("lang");
    langButton.textContent = t("otherLanguage");
    langButton.setAttribute("lang", state.lang === "th" ? "en" : "th");
    fillSelect(selects.country, DATA.filters.countries, state.country);
    fillSelect(selects.topic, DATA.filters.topics, state.topic);
    fillSelect(selects.kind, DATA.filters.kinds, state.kind);
    fillStatus();
    renderCounts();
    renderOmitted();
    renderWindowNote();
  }
  function viewName() {
    var name = t("view_" + DATA.view);
    var focus = DATA.focus && byId.get(DATA.focus);
    var text = focus ? format(name, { focus: label(focus) }) : name;
    if (DATA.window) text += " · " + (DATA.window[0] || "…") + " – " + (DATA.window[1] || "…");
    return text;
  }
  function setLanguage(lang) {
    if (LANGS.indexOf(lang) < 0) return;
    state.lang = lang;
    batch(function () {
      nodes.update(DATA.nodes.map(function (n) { return { id: n.id, label: shortLabel(n), title: tooltip(n) }; }));
      edges.update(DATA.edges.map(function (e) {
        return { id: e.id, label: pick(e.label_en, e.label_th), title: edgeTitle(e) };
      }));
    });
    renderControls();
    refresh(false);
    renderPanel();
  }
  document.getElementById("lang").addEventListener("click", function () {
    setLanguage(state.lang === "th" ? "en" : "th");
  });

  // ------------------------------------------------------------------ the view's state in the URL fragment
  function fragment(extra) {
    var p = new URLSearchParams();
    var s = Object.assign({}, state, extra || {});
    if (s.lang !== DATA.lang) p.set("lang", s.lang);
    ["country", "topic", "kind"].forEach(function (k) { if (s[k]) p.set(k, s[k]); });
    if (s.status !== "in-effect") p.set("status", s.status);
    if (s.asOf) p.set("asof", s.asOf);
    if (!years.none && s.from > years.min) p.set("from", String(s.from));
    if (!years.none && s.to < years.max) p.set("to", String(s.to));
    if (s.hiddenKinds.size) p.set("hide", Array.from(s.hiddenKinds).sort().join(","));
    if (s.threshold > 1) p.set("min", String(s.threshold));
    if (s.query) p.set("q", s.query);
    var sel = extra && "sel" in extra ? extra.sel : s.selected;
    if (sel) p.set("sel", sel);
    return p.toString();
  }
  var applying = true;  // nothing is written to the URL before the page has read it (on its first drawing)
  function writeFragment() {
    if (applying) return;
    var text = fragment();
    document.getElementById("share").href = "#" + text;
    if (location.hash.slice(1) !== text) history.replaceState(null, "", text ? "#" + text : location.pathname + location.search);
  }
  function readFragment() {
    var p = new URLSearchParams(location.hash.slice(1));
    applying = true;
    try {
      var lang = p.get("lang");
      if (lang && LANGS.indexOf(lang) >= 0 && lang !== state.lang) setLanguage(lang);
      state.country = p.get("country") || "";
      state.topic = p.get("topic") || "";
      state.kind = p.get("kind") || "";
      var status = p.get("status");
      state.status = status && STATUS_KEYS.indexOf(status) >= 0 ? status : "in-effect";
      var asof = p.get("asof");
      var day = asof && DATE.test(asof) && !isNaN(Date.parse(asof)) ? asof : "";
      if (day !== state.asOf) { state.asOf = day; retitle(); }
      var from = Number(p.get("from")), to = Number(p.get("to"));
      state.from = from >= years.min && from <= years.max ? from : years.min;
      state.to = to >= state.from && to <= years.max ? to : years.max;
      state.hiddenKinds = new Set((p.get("hide") || "").split(",").filter(function (k) { return DATA.kinds[k]; }));
      state.threshold = Math.max(1, Math.min(maxWeight, Number(p.get("min")) || 1));
      state.query = p.get("q") || "";
      searchInput.value = state.query;
      renderControls();
      refresh(true);
      var sel = p.get("sel");
      select(sel && byId.has(sel) ? sel : null, !!sel);
    } finally { applying = false; }
    writeFragment();
  }
  window.addEventListener("hashchange", function () { if (location.hash.slice(1) !== fragment()) readFragment(); });

  // ------------------------------------------------------------------ exports: PNG of the drawing, CSV of agreements
  function download(name, url) {
    var a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }
  function pngUrl() {  // the drawing on white, as the screen shows it
    var canvas = container.querySelector("canvas");
    var copy = document.createElement("canvas");
    copy.width = canvas.width;
    copy.height = canvas.height;
    var ctx = copy.getContext("2d");
    ctx.fillStyle = "#ffffff";
    ctx.fillRect(0, 0, copy.width, copy.height);
    ctx.drawImage(canvas, 0, 0);
    return copy.toDataURL("image/png");
  }
  function csvCell(value) {
    var text = String(value === undefined || value === null ? "" : value);
    if (/^[=+\-@\t\r]/.test(text)) text = "'" + text;  // no formula when a spreadsheet opens it
    return /[",\n\r]/.test(text) ? '"' + text.replace(/"/g, '""') + '"' : text;
  }
  function visibleAgreements() {
    return Object.keys(DATA.agreements).sort().filter(function (iri) {
      if (lastAllowed && !lastAllowed.has(iri)) return false;
      return !byId.has(iri) || !hiddenNodes.has(iri);
    });
  }
  function csvText() {
    function names(ids, rows) {
      return ids.map(function (id) {
        var row = rows.filter(function (r) { return r[0] === id; })[0];
        return row ? row[1] : id.split("/").pop();
      }).join("; ");
    }
    var lines = [["id", "short title", "title (en)", "title (th)", "kind", "signed", "status on " + asOfDay(), "countries", "topics", "sources"]];
    visibleAgreements().forEach(function (iri) {
      var a = DATA.agreements[iri];
      var d = DATA.details[iri];
      lines.push([iri, a.short_en, a.label_en, a.label_th, a.kind, a.date, statusOn(iri),
                  names(a.countries, DATA.filters.countries), names(a.topics, DATA.filters.topics),
                  d ? d.sources.map(function (s) { return s[0]; }).join(" ") : ""]);
    });
    return "\ufeff" + lines.map(function (row) { return row.map(csvCell).join(","); }).join("\r\n") + "\r\n";
  }
  function stem() { return "coopgraph-" + DATA.view + (DATA.focus ? "-" + DATA.focus.split("/").pop() : ""); }
  document.getElementById("export-png").addEventListener("click", function () { download(stem() + ".png", pngUrl()); });
  document.getElementById("export-csv").addEventListener("click", function () {
    download(stem() + ".csv", "data:text/csv;charset=utf-8," + encodeURIComponent(csvText()));
  });

  // ------------------------------------------------------------------ start
  renderControls();
  refresh(false);
  renderPanel();
  window.coopgraph = {
    network: network, nodes: nodes, edges: edges, data: DATA, state: state, ready: false, readyAt: null,
    select: select, setLanguage: setLanguage, search: search, csv: csvText, png: pngUrl, faded: faded,
    labelled: function () { return Array.from(labelled.keys()); },
    order: function () { return ranked.map(function (n) { return n.id; }); },
    visibleNodeIds: visibleNodeIds, visibleEdgeIds: visibleEdgeIds,
    statusOn: function (iri) { return statusOn(iri); }, partners: partners, asOf: asOfDay,
    allowed: function () { return lastAllowed ? Array.from(lastAllowed).sort() : Object.keys(DATA.agreements).sort(); }
  };
  network.once("afterDrawing", function () {  // fit once the canvas has its final size, then the URL's state
    fitVisible();
    applying = false;
    if (location.hash.length > 1) readFragment(); else writeFragment();
    window.coopgraph.ready = true;
    window.coopgraph.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
})();
