/* coopgraph explorer: search, filters, time slider, language toggle, side panel and analytics over a
 * vis-network drawing whose positions were computed in Python. Every text from the data is put in
 * the page with textContent, never as HTML. Tests and benchmarks read window.coopgraph. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("coopgraph-data").textContent);
  var LANGS = ["en", "th"];
  var state = {
    lang: DATA.lang, country: "", topic: "", kind: "", status: "",
    dateIndex: DATA.dates.length, query: "", selected: null
  };
  var byId = new Map();
  var adjacency = new Map();
  DATA.nodes.forEach(function (n) {
    byId.set(n.id, n);
    adjacency.set(n.id, []);
    n.search = [n.label_en, n.label_th].concat(n.alt, [n.id.split("/").pop()]).map(norm);
  });
  DATA.edges.forEach(function (e) {
    adjacency.get(e.from).push(e);
    adjacency.get(e.to).push(e);
  });

  // ------------------------------------------------------------------ helpers
  function t(key) { return DATA.ui[state.lang][key] || DATA.ui.en[key] || key; }
  function pick(en, th) { return state.lang === "th" ? (th || en) : en; }
  function label(n) { return pick(n.label_en, n.label_th); }
  function shortLabel(n) {  // on the canvas; the tooltip and the panel give the whole name
    var text = label(n);
    return text.length > 42 ? text.slice(0, 40).trim() + "…" : text;
  }
  function norm(text) {
    // case, Latin accents, spaces and punctuation do not matter: "Komdigi" finds "Kom-Digi"
    return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
      .replace(/[\s\-\u2010-\u2015_.,;:'"\u2018\u2019\u201c\u201d()\/]+/g, "");
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function link(url, text) {
    var a = el("a", text || url);
    if (/^https?:\/\//i.test(url)) { a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer"; }
    return a;
  }
  function nodeLink(id, text) {
    var a = el("a", text, "node-link");
    a.tabIndex = 0;
    a.addEventListener("click", function () { select(id, true); });
    return a;
  }
  function kindName(kind) { var k = DATA.kinds[kind]; return k ? pick(k[0], k[1]) : kind; }
  function factName(key) { var f = DATA.facts[key]; return f ? pick(f[0], f[1]) : key; }
  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  // ------------------------------------------------------------------ vis data
  function tooltip(n) {
    var box = el("div");
    box.appendChild(el("div", label(n), "tip-title"));
    var facts = el("div", null, "tip-facts");
    n.facts.forEach(function (f) {
      facts.appendChild(el("div", factName(f[0]) + ": " + pick(f[1], f[2])));
    });
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
      if (info) lines.push("• " + pick(info.label_en, info.label_th) + (info.date ? " (" + info.date + ")" : ""));
    });
    if (e.agreements.length > 12) lines.push("…");
    return lines.join("\n");
  }
  function visNode(n) {
    return { id: n.id, label: shortLabel(n), title: tooltip(n), x: n.x, y: n.y, size: n.size, shape: n.shape,
             color: n.color, font: { color: "#1d232a", size: n.fontSize } };
  }
  function visEdge(e) {
    return { id: e.id, from: e.from, to: e.to, label: pick(e.label_en, e.label_th), title: edgeTitle(e),
             width: e.width, arrows: e.arrows, color: { color: "#a7b0ba", highlight: "#2d3a48", hover: "#56616d" } };
  }
  var nodes = new vis.DataSet(DATA.nodes.map(visNode));
  var edges = new vis.DataSet(DATA.edges.map(visEdge));
  var container = document.getElementById("network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, DATA.options);
  function batch(work) {
    // with physics off every DataSet update redraws at once; draw once for a batch of updates
    var renderer = network.renderer;
    var allowed = renderer && renderer.allowRedraw;
    if (renderer) renderer.allowRedraw = false;
    try { work(); } finally { if (renderer) renderer.allowRedraw = allowed; }
    network.redraw();
  }
  var hiddenNodes = new Set();
  var hiddenEdges = new Set();

  // ------------------------------------------------------------------ filters and search
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
    selects[key].addEventListener("change", function () { state[key] = selects[key].value; refresh(); });
  });
  var slider = document.getElementById("slider");
  slider.max = String(DATA.dates.length);
  slider.value = String(DATA.dates.length);
  slider.disabled = DATA.dates.length === 0;
  slider.addEventListener("input", function () { state.dateIndex = Number(slider.value); refresh(); });
  document.getElementById("reset").addEventListener("click", function () {
    state.country = state.topic = state.kind = state.status = state.query = "";
    state.dateIndex = DATA.dates.length;
    document.getElementById("search").value = "";
    renderControls();
    refresh();
  });

  function filtering() {
    return !!(state.country || state.topic || state.kind || state.status || state.dateIndex < DATA.dates.length);
  }
  function allowedAgreements() {
    var until = state.dateIndex < DATA.dates.length ? DATA.dates[state.dateIndex] : null;
    var allowed = new Set();
    Object.keys(DATA.agreements).forEach(function (iri) {
      var a = DATA.agreements[iri];
      if (state.country && a.countries.indexOf(state.country) < 0) return;
      if (state.topic && a.topics.indexOf(state.topic) < 0) return;
      if (state.kind && a.kind !== state.kind) return;
      if (state.status && a.status !== state.status) return;
      if (until !== null && (!a.sort || a.sort > until)) return;
      allowed.add(iri);
    });
    return allowed;
  }
  function matches(query) {
    var q = norm(query);
    var found = [];
    if (!q) return found;
    DATA.nodes.forEach(function (n) {
      if (n.search.some(function (s) { return s.indexOf(q) >= 0; })) found.push(n.id);
    });
    return found;
  }
  function refresh() {
    var allowed = filtering() ? allowedAgreements() : null;
    var context = null;
    var found = state.query ? matches(state.query) : [];
    if (state.query) {  // the matches and their neighbours
      context = new Set(found);
      found.forEach(function (id) {
        adjacency.get(id).forEach(function (e) { context.add(e.from); context.add(e.to); });
      });
    }
    var nodeUpdates = [];
    var shown = 0;
    DATA.nodes.forEach(function (n) {
      var show = true;
      if (allowed) show = n.agreements.some(function (a) { return allowed.has(a); });
      if (show && context) show = context.has(n.id);
      if (show) shown += 1;
      if (show === hiddenNodes.has(n.id)) {
        if (show) hiddenNodes.delete(n.id); else hiddenNodes.add(n.id);
        nodeUpdates.push({ id: n.id, hidden: !show });
      }
    });
    var edgeUpdates = [];
    DATA.edges.forEach(function (e) {
      var show = !hiddenNodes.has(e.from) && !hiddenNodes.has(e.to);
      if (show && allowed && e.agreements.length) show = e.agreements.some(function (a) { return allowed.has(a); });
      if (show === hiddenEdges.has(e.id)) {
        if (show) hiddenEdges.delete(e.id); else hiddenEdges.add(e.id);
        edgeUpdates.push({ id: e.id, hidden: !show });
      }
    });
    batch(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
    });
    document.getElementById("shown").textContent = format(t("shown"), { n: shown, m: DATA.nodes.length });
    var until = state.dateIndex < DATA.dates.length ? DATA.dates[state.dateIndex] : null;
    document.getElementById("slider-value").textContent = until ? "≤ " + until : t("allDates");
    renderResults(found);
    if (state.selected && hiddenNodes.has(state.selected)) select(null);
  }
  var searchInput = document.getElementById("search");
  var searchTimer = null;
  searchInput.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(function () { state.query = searchInput.value.trim(); refresh(); }, 120);
  });
  searchInput.addEventListener("keydown", function (event) {
    if (event.key === "Enter") {
      clearTimeout(searchTimer);
      state.query = searchInput.value.trim();
      refresh();
      var first = matches(state.query)[0];
      if (first) select(first, true);
    }
  });
  function renderResults(found) {
    var list = document.getElementById("search-results");
    list.textContent = "";
    if (!state.query || document.activeElement !== searchInput && !list.matches(":hover")) return;
    if (!found.length) { list.appendChild(el("li", t("noMatch"), "muted")); return; }
    found.slice(0, 40).forEach(function (id) {
      var n = byId.get(id);
      var item = el("li", label(n));
      item.appendChild(el("span", kindName(n.kind), "kind"));
      item.tabIndex = 0;
      item.addEventListener("mousedown", function (event) { event.preventDefault(); select(id, true); });
      list.appendChild(item);
    });
  }
  searchInput.addEventListener("blur", function () { document.getElementById("search-results").textContent = ""; });
  searchInput.addEventListener("focus", function () { if (state.query) refresh(); });

  // ------------------------------------------------------------------ selection: neighbourhood and side panel
  var FADED = { background: "#eceef1", border: "#d5d9de" };
  var fadedNodes = new Set();
  var fadedEdges = new Set();
  function highlight(id) {
    // fade all but the node and its neighbours; only what changes is sent to vis (each update redraws)
    var keep = new Set();
    var keepEdges = new Set();
    if (id) {
      keep.add(id);
      adjacency.get(id).forEach(function (e) { keep.add(e.from); keep.add(e.to); keepEdges.add(e.id); });
    }
    var nodeUpdates = [];
    DATA.nodes.forEach(function (n) {
      var fade = !!id && !keep.has(n.id);
      if (fade === fadedNodes.has(n.id)) return;
      if (fade) fadedNodes.add(n.id); else fadedNodes.delete(n.id);
      nodeUpdates.push({ id: n.id, color: fade ? FADED : n.color,
                         font: { color: fade ? "#c3c8ce" : "#1d232a", size: n.fontSize } });
    });
    var edgeUpdates = [];
    DATA.edges.forEach(function (e) {
      var fade = !!id && !keepEdges.has(e.id);
      if (fade === fadedEdges.has(e.id)) return;
      if (fade) fadedEdges.add(e.id); else fadedEdges.delete(e.id);
      edgeUpdates.push({ id: e.id, color: { color: fade ? "#eef0f2" : "#a7b0ba", highlight: "#2d3a48", hover: "#56616d" },
                         font: { color: fade ? "rgba(0,0,0,0)" : "#4a5663" } });
    });
    batch(function () {
      if (nodeUpdates.length) nodes.update(nodeUpdates);
      if (edgeUpdates.length) edges.update(edgeUpdates);
    });
  }
  function select(id, focus) {
    if (id && hiddenNodes.has(id)) return;
    state.selected = id;
    highlight(id);
    if (id) {
      network.selectNodes([id]);
      if (focus) network.focus(id, { scale: Math.max(network.getScale(), 0.9), animation: false });
    } else {
      network.unselectAll();
    }
    renderPanel();
  }
  network.on("click", function (params) { select(params.nodes.length ? params.nodes[0] : null); });

  function section(panel, title) { panel.appendChild(el("h2", title)); }
  function renderPanel() {
    var panel = document.getElementById("panel");
    panel.textContent = "";
    var n = state.selected && byId.get(state.selected);
    if (!n) { panel.appendChild(el("p", t("pick"), "muted")); return; }
    panel.appendChild(el("h3", label(n)));
    var other = state.lang === "th" ? n.label_en : n.label_th;
    if (other && other !== label(n)) panel.appendChild(el("div", other, "other-label"));
    var chip = el("span", kindName(n.kind), "kind-chip");
    chip.style.background = n.color.background;
    chip.style.color = n.textColor;
    panel.appendChild(chip);
    var facts = el("dl");
    n.facts.forEach(function (f) {
      facts.appendChild(el("dt", factName(f[0])));
      facts.appendChild(el("dd", pick(f[1], f[2])));
    });
    panel.appendChild(facts);
    if (n.alt.length) {
      section(panel, t("alt"));
      panel.appendChild(el("div", n.alt.join(" · ")));
    }
    section(panel, t("sources"));
    if (n.sources.length) {
      var sources = el("ul");
      n.sources.forEach(function (s) { var li = el("li"); li.appendChild(link(s[0], pick(s[1], s[2]))); sources.appendChild(li); });
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
        var li = el("li");
        var name = pick(info.label_en, info.label_th);
        li.appendChild(byId.has(a) ? nodeLink(a, name) : el("span", name));
        var status = DATA.statuses[info.status];
        li.appendChild(el("span", " — " + (info.date || t("undated")) + (status ? ", " + pick(status[0], status[1]) : ""), "muted"));
        list.appendChild(li);
      });
      panel.appendChild(list);
    }
    var around = adjacency.get(n.id).filter(function (e) { return !hiddenEdges.has(e.id); });
    if (around.length) {
      section(panel, t("connections") + " (" + around.length + ")");
      var links = el("ul");
      around.forEach(function (e) {
        var otherId = e.from === n.id ? e.to : e.from;
        var li = el("li", (e.from === n.id ? "→ " : "← ") + pick(e.label_en, e.label_th) + ": ");
        li.appendChild(nodeLink(otherId, label(byId.get(otherId))));
        if (e.weight > 1) li.appendChild(el("span", " (" + e.weight + ")", "muted"));
        links.appendChild(li);
      });
      panel.appendChild(links);
    }
    panel.appendChild(el("div", n.id, "iri"));
  }

  // ------------------------------------------------------------------ legend, analytics, language
  var SVG = "http://www.w3.org/2000/svg";
  function glyph(shape, color) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("viewBox", "0 0 16 16");
    var points = {
      diamond: "8,1 15,8 8,15 1,8", square: "2,2 14,2 14,14 2,14", triangle: "8,1 15,14 1,14",
      triangleDown: "1,2 15,2 8,15", hexagon: "4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
      star: "8,0.5 10,6 15.5,6 11,9.5 12.8,15 8,11.7 3.2,15 5,9.5 0.5,6 6,6"
    }[shape];
    var mark = document.createElementNS(SVG, points ? "polygon" : "circle");
    if (points) mark.setAttribute("points", points);
    else { mark.setAttribute("cx", "8"); mark.setAttribute("cy", "8"); mark.setAttribute("r", "6.5"); }
    mark.setAttribute("fill", color.background);
    mark.setAttribute("stroke", color.border);
    svg.appendChild(mark);
    return svg;
  }
  function renderLegend() {
    var legend = document.getElementById("legend");
    legend.textContent = "";
    DATA.legend.forEach(function (item) {
      var li = el("li");
      li.appendChild(glyph(item.shape, item.color));
      li.appendChild(el("span", pick(item.en, item.th) + " (" + item.count + ")"));
      legend.appendChild(li);
    });
  }
  function renderStats() {
    var a = DATA.analytics;
    var box = document.getElementById("stats");
    box.textContent = "";
    box.appendChild(el("div", t("nodes") + ": " + a.nodes + " · " + t("edges") + ": " + a.edges + " · " +
      t("communities") + ": " + a.communities));
    [["top_degree", "topDegree"], ["top_betweenness", "topBetweenness"]].forEach(function (pair) {
      box.appendChild(el("h2", t(pair[1])));
      var list = el("ol");
      a[pair[0]].forEach(function (row) {
        var li = el("li");
        var n = byId.get(row[0]);
        li.appendChild(nodeLink(row[0], n ? label(n) : row[1]));
        li.appendChild(el("span", " " + row[2].toFixed(3), "muted"));
        list.appendChild(li);
      });
      box.appendChild(list);
    });
    if (a.betweenness_samples) box.appendChild(el("div", format(t("sampled"), { k: a.betweenness_samples, e: a.betweenness_error }), "muted"));
    box.appendChild(el("h2", t("perYear")));
    var years = Object.keys(a.per_year).sort();
    var most = Math.max.apply(null, years.map(function (y) { return a.per_year[y]; }).concat([1]));
    years.forEach(function (year) {
      var row = el("div", null, "bar-row");
      row.appendChild(el("span", year === "unknown" ? t("undated") : year, "year"));
      var bar = el("span", null, "bar");
      bar.style.width = Math.round(140 * a.per_year[year] / most) + "px";
      row.appendChild(bar);
      row.appendChild(el("span", a.per_year[year]));
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
  function renderControls() {
    document.documentElement.lang = state.lang;
    document.querySelectorAll("[data-ui]").forEach(function (node) { node.textContent = t(node.dataset.ui); });
    searchInput.placeholder = t("search");
    document.title = t("title") + " — " + viewName();
    document.getElementById("view-name").textContent = viewName();
    document.getElementById("lang").textContent = t("otherLanguage");
    fillSelect(selects.country, DATA.filters.countries, state.country);
    fillSelect(selects.topic, DATA.filters.topics, state.topic);
    fillSelect(selects.kind, DATA.filters.kinds, state.kind);
    fillSelect(selects.status, DATA.filters.statuses, state.status);
    slider.value = String(state.dateIndex);
    renderLegend();
    renderStats();
    renderOmitted();
  }
  function viewName() {
    var name = t("view_" + DATA.view);
    var focus = DATA.focus && byId.get(DATA.focus);
    return focus ? format(name, { focus: label(focus) }) : name;
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
    refresh();
    renderPanel();
  }
  document.getElementById("lang").addEventListener("click", function () {
    setLanguage(state.lang === "th" ? "en" : "th");
  });

  renderControls();
  refresh();
  renderPanel();
  window.coopgraph = {
    network: network, nodes: nodes, edges: edges, data: DATA, state: state, ready: false, readyAt: null,
    select: select, setLanguage: setLanguage,
    visibleNodeIds: function () { return DATA.nodes.filter(function (n) { return !hiddenNodes.has(n.id); }).map(function (n) { return n.id; }); },
    visibleEdgeIds: function () { return DATA.edges.filter(function (e) { return !hiddenEdges.has(e.id); }).map(function (e) { return e.id; }); }
  };
  network.once("afterDrawing", function () {  // fit once the canvas has its final size
    network.fit({ animation: false });
    window.coopgraph.ready = true;
    window.coopgraph.readyAt = performance.now();
    document.body.setAttribute("data-ready", "1");
  });
})();
