"""The endpoint's HTML: the front page, query results, the saved queries and one page per entity.

Plain functions from data to a complete, self-contained UTF-8 page (no
scripts, no CDN, inline CSS), every text escaped.  Links to entities under
the base IRI point at this server, so a browser can walk the graph.

>>> "<h1>coopgraph</h1>" in front_page(has_graph=False, queries=[])
True
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from html import escape
from typing import Any
from urllib.parse import quote, urlencode

from coopgraph.sparql.query import Result
from coopgraph.sparql.queryfile import SavedQuery

STYLE = """
body{font-family:"Noto Sans Thai","Noto Sans",Loma,Garuda,sans-serif;margin:2rem auto;max-width:70rem;
padding:0 1rem;color:#1a1a1a;line-height:1.45}
table{border-collapse:collapse;margin:1rem 0;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;
text-align:left;vertical-align:top}th{background:#f2f2f2}code,pre,textarea{font-family:monospace}
textarea{width:100%;height:12rem}a{color:#0645ad}.lang{color:#666;font-size:.8em}.note{color:#555}
"""


def page(title: str, body: str, *, lang: str = "en") -> bytes:
    """A complete HTML document."""
    return (
        f'<!DOCTYPE html>\n<html lang="{escape(lang)}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n"
    ).encode()


def front_page(*, has_graph: bool, queries: Sequence[SavedQuery], lang: str = "en") -> str:
    graph = '<li><a href="/graph">the cooperation network</a> (interactive HTML)</li>' if has_graph else ""
    return (
        "<h1>coopgraph</h1><p>A knowledge graph of digital-cooperation agreements between governments.</p><ul>"
        '<li><a href="/sparql">SPARQL endpoint</a> (SPARQL 1.1 Protocol, read-only): <code>/sparql</code></li>'
        f'<li><a href="/queries">{len(queries)} saved questions</a>, each an endpoint of its own</li>{graph}</ul>'
        + query_form("")
    )


def query_form(text: str) -> str:
    example = (
        text
        or "SELECT ?country ?label WHERE {\n  ?country a coop:Country ; rdfs:label ?label .\n"
        '  FILTER(LANG(?label) = "en")\n} ORDER BY ?label'
    )
    return (
        '<form method="post" action="/sparql"><p><label for="q">SPARQL query (the usual prefixes are declared; '
        f"results as HTML here, or JSON, XML, CSV or TSV by <code>Accept</code>):</label></p>"
        f'<textarea id="q" name="query">{escape(example)}</textarea><p><button>Run</button></p></form>'
    )


def results_page(result: Result, text: str, *, shown: Callable[[Any], str], link: Callable[[str], str]) -> str:
    """A SELECT or ASK result as an HTML table under the query that made it."""
    import pyoxigraph as ox

    if result.kind == "ask":
        table = f"<p>Answer: <strong>{'yes' if result.boolean else 'no'}</strong></p>"
    else:
        head = "".join(f"<th>{escape(c)}</th>" for c in result.columns)
        rows = []
        for row in result.rows:
            cells = []
            for term in row:
                if isinstance(term, ox.NamedNode):
                    cells.append(f'<td><a href="{escape(link(term.value))}">{escape(shown(term))}</a></td>')
                else:
                    cells.append(f"<td>{escape(shown(term))}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        more = " (cut at the endpoint's limit)" if result.truncated else ""
        table = f"<p>{len(result.rows)} rows{more}</p><table><tr>{head}</tr>{''.join(rows)}</table>"
    return f"<h1>Query results</h1>{table}{query_form(text)}"


def queries_page(queries: Sequence[SavedQuery], *, lang: str = "en") -> str:
    items = []
    for saved in queries:
        params = ", ".join(
            f"<code>{escape(p.name)}</code> ({escape(p.type)}, default <code>{escape(p.default or '')}</code>)"
            for p in saved.params.values()
        )
        defaults = {p.name: p.default for p in saved.params.values() if p.default is not None}
        href = f"/queries/{quote(saved.name)}" + (f"?{urlencode(defaults)}" if defaults else "")
        items.append(
            f'<tr><td><a href="{escape(href)}">{escape(saved.name)}</a></td><td>{escape(saved.title_in(lang))}'
            f'<div class="note">{escape(saved.description)}</div></td><td>{params or "none"}</td></tr>'
        )
    return (
        "<h1>Saved questions</h1><p>Run one at <code>/queries/NAME?param=value</code>; results by "
        "<code>Accept</code> (HTML, JSON, XML, CSV, TSV, Turtle for graphs).</p>"
        f"<table><tr><th>name</th><th>question</th><th>parameters</th></tr>{''.join(items)}</table>"
    )


def entity_page(
    iri: str,
    label: str,
    outgoing: Sequence[tuple[str, object]],
    incoming: Sequence[tuple[object, str]],
    *,
    shown: Callable[[Any], str],
    link: Callable[[str], str],
    labels: Mapping[str, str],
) -> str:
    """One entity: what it says (property, value) and what points at it (subject, property)."""
    import pyoxigraph as ox

    def value(term: object) -> str:
        if isinstance(term, ox.NamedNode):
            name = labels.get(term.value) or shown(term)
            return f'<a href="{escape(link(term.value))}">{escape(name)}</a>'
        if isinstance(term, ox.Literal) and term.language:
            return f'{escape(term.value)} <span class="lang">@{escape(term.language)}</span>'
        return escape(shown(term))

    def prop(predicate: str) -> str:
        return f'<a href="{escape(link(predicate))}">{escape(shown(ox.NamedNode(predicate)))}</a>'

    out_rows = "".join(f"<tr><td>{prop(p)}</td><td>{value(o)}</td></tr>" for p, o in outgoing)
    in_rows = "".join(f"<tr><td>{value(s)}</td><td>{prop(p)}</td></tr>" for s, p in incoming)
    incoming_table = (
        f"<h2>Linked from</h2><table><tr><th>subject</th><th>property</th></tr>{in_rows}</table>" if in_rows else ""
    )
    formats = " · ".join(
        f'<a href="{escape(link(iri))}{"&" if "?" in link(iri) else "?"}format={f}">{f}</a>'
        for f in ("turtle", "jsonld", "ntriples")
    )
    return (
        f"<h1>{escape(label)}</h1><p><code>{escape(iri)}</code> · {formats}</p>"
        f"<table><tr><th>property</th><th>value</th></tr>{out_rows}</table>{incoming_table}"
    )
