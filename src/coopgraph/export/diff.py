"""What a data change does to the graph, for a reviewer: ``coopgraph diff``.

Two builds (each checked and reasoned, in memory) are compared:

- records added, removed and changed field by field, every kind: the same
  comparison as the bundle changelog (:func:`coopgraph.export.changelog.compare`);
- triples added and removed per named graph (ontology, asserted, inferred);
- derived cooperation links (``coop:cooperatesWith``) gained or lost;
- status changes: agreements whose lifecycle (status and date) differs;
- curation gaps (the saved ``curation-gaps`` query) opened or closed.

>>> report = compare_builds(old_statements, new_statements, old_store, new_store)   # doctest: +SKIP
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from coopgraph.export import changelog
from coopgraph.export.formats import Statements
from coopgraph.graph.vocab import COOP

if TYPE_CHECKING:
    import pyoxigraph as ox

GRAPHS = ("ontology", "asserted", "inferred")
TEXT_TRIPLES = 20  # triples shown per graph and direction in the text report (json has them all)


def compare_builds(old: Statements, new: Statements, old_store: ox.Store, new_store: ox.Store) -> dict[str, Any]:
    """The whole report, deterministic (everything sorted)."""
    report: dict[str, Any] = {
        "records": changelog.compare(old.get("asserted", []), new.get("asserted", []), new["ontology"])
    }
    report["triples"] = {
        name: {
            "added": sorted(line.decode("utf-8") for line in set(new.get(name, [])) - set(old.get(name, []))),
            "removed": sorted(line.decode("utf-8") for line in set(old.get(name, [])) - set(new.get(name, []))),
        }
        for name in GRAPHS
    }
    before, after = _links(old_store), _links(new_store)
    report["cooperation"] = {"gained": sorted(after - before), "lost": sorted(before - after)}
    old_status, new_status = _lifecycles(old_store), _lifecycles(new_store)
    report["statuses"] = [
        {"agreement": ident, "label": (new_status.get(ident) or old_status[ident])[0],
         "before": (old_status.get(ident) or ("", []))[1], "after": (new_status.get(ident) or ("", []))[1]}
        for ident in sorted(old_status.keys() | new_status.keys())
        if (old_status.get(ident) or ("", []))[1] != (new_status.get(ident) or ("", []))[1]
    ]  # fmt: skip
    old_gaps, new_gaps = _gaps(old_store), _gaps(new_store)
    report["curation-gaps"] = {"new": sorted(new_gaps - old_gaps), "closed": sorted(old_gaps - new_gaps)}
    return report


def _rows(store: ox.Store, query: str) -> list[list[str]]:
    rows = []
    for solution in store.query(query, use_default_graph_as_union=True):  # type: ignore[union-attr]
        row = []
        for term in solution:
            row.append("" if term is None else term.value)
        rows.append(row)
    return rows


def _links(store: ox.Store) -> set[tuple[str, str]]:
    """Country pairs (by label, each pair once) that the reasoner says cooperate."""
    query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT DISTINCT ?a ?b ?la ?lb WHERE {{ ?a <{COOP.cooperatesWith}> ?b .
      OPTIONAL {{ ?a rdfs:label ?la FILTER(LANG(?la) = "en") }}
      OPTIONAL {{ ?b rdfs:label ?lb FILTER(LANG(?lb) = "en") }} }}"""
    found = set()
    for a, b, la, lb in _rows(store, query):
        pair = sorted([(la or a.rsplit("/", 1)[-1]), (lb or b.rsplit("/", 1)[-1])])
        found.add((pair[0], pair[1]))
    return found


def _lifecycles(store: ox.Store) -> dict[str, tuple[str, list[str]]]:
    """Agreement IRI -> (label, ['signed 2024-02-02', ...]) from its status changes."""
    query = f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?agreement ?label ?status ?date WHERE {{
      ?agreement <{COOP.hasStatusChange}> ?event . ?event <{COOP.status}> ?status .
      OPTIONAL {{ ?event <{COOP.date}> ?date }}
      OPTIONAL {{ ?agreement rdfs:label ?label FILTER(LANG(?label) = "en") }} }}"""
    found: dict[str, tuple[str, list[str]]] = {}
    for agreement, label, status, date in _rows(store, query):
        name = status.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        entry = found.setdefault(agreement, (label or agreement.rsplit("/", 1)[-1], []))
        entry[1].append(f"{name} {date}".strip())
    return {k: (label, sorted(statuses)) for k, (label, statuses) in found.items()}


def _gaps(store: ox.Store) -> set[tuple[str, str, str]]:
    """Rows of the saved curation-gaps query: (gap, item label, detail)."""
    from coopgraph.resources import queries_dir

    text = (queries_dir() / "curation-gaps.rq").read_text(encoding="utf-8")
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#+"))
    body = body.replace(
        "SELECT DISTINCT ?gap ?item ?itemLabel ?detail ?lang", "SELECT DISTINCT ?gap ?itemLabel ?detail"
    )
    body = body.replace("WHERE {", 'WHERE {\n  BIND("en" AS ?lang)', 1)
    return {(gap, label, detail) for gap, label, detail in _rows(store, body)}


def is_empty(report: Mapping[str, Any]) -> bool:
    return (
        changelog.is_empty(report["records"])
        and not any(v for graph in report["triples"].values() for v in graph.values())
        and not any(report["cooperation"].values())
        and not report["statuses"]
        and not any(report["curation-gaps"].values())
    )


def as_json(report: Mapping[str, Any]) -> str:
    return json.dumps(report, ensure_ascii=False, indent=2) + "\n"


def as_text(report: Mapping[str, Any], *, since: str) -> str:
    """The report as a reviewer reads it in a terminal or a pull request."""
    out = [f"coopgraph diff: the data since {since}", ""]
    if is_empty(report):
        return "\n".join([*out, "No change to the graph."]) + "\n"
    out.append("Records")
    any_record = False
    for kind, title in changelog.TITLES.items():
        groups = report["records"][kind]
        for what in ("added", "removed"):
            for entry in groups[what]:
                any_record = True
                extra = f" -> {', '.join(entry['wikidata'])}" if "wikidata" in entry else ""
                out.append(f"  {what:<8} {title.lower()}: {entry['label']} <{entry['iri']}>{extra}")
        for entry in groups["changed"]:
            any_record = True
            if "fields" not in entry:  # a Wikidata link swapped
                out.append(
                    f"  changed  {title.lower()}: {entry['label']} -> {', '.join(entry['wikidata'])}"
                    f" (was {', '.join(entry['was'])})"
                )
                continue
            out.append(f"  changed  {title.lower()}: {entry['label']} <{entry['iri']}>")
            for field in entry["fields"]:
                where = f"{field['part']} " if "part" in field else ""
                old = "; ".join(field["removed"]) or "-"
                new = "; ".join(field["added"]) or "-"
                out.append(f"             {where}{field['property']}: {_cut(old)} => {_cut(new)}")
    if not any_record:
        out.append("  (none)")
    out += ["", "Triples per graph"]
    short = changelog._Shortener()
    for name, groups in report["triples"].items():
        out.append(f"  {name}: +{len(groups['added'])} -{len(groups['removed'])}")
        for sign, what in (("+", "added"), ("-", "removed")):
            shown = groups[what][:TEXT_TRIPLES]
            out += [f"    {sign} {_cut(_short_line(line, short), 160)}" for line in shown]
            if len(groups[what]) > len(shown):
                out.append(f"    {sign} ... {len(groups[what]) - len(shown)} more (--format json lists them all)")
    out += ["", "Derived cooperation links"]
    for what, sign in (("gained", "+"), ("lost", "-")):
        out += [f"  {sign} {a} <-> {b}" for a, b in report["cooperation"][what]]
    if not any(report["cooperation"].values()):
        out.append("  (no change)")
    out += ["", "Status changes"]
    for entry in report["statuses"]:
        before = ", ".join(entry["before"]) or "none"
        after = ", ".join(entry["after"]) or "none"
        out.append(f"  {entry['label']}: {before} => {after}")
    if not report["statuses"]:
        out.append("  (no change)")
    out += ["", "Curation gaps"]
    for what, sign in (("new", "+"), ("closed", "-")):
        out += [
            f"  {sign} {gap}: {label}" + (f" ({detail})" if detail else "")
            for gap, label, detail in report["curation-gaps"][what]
        ]
    if not any(report["curation-gaps"].values()):
        out.append("  (no change)")
    return "\n".join(out) + "\n"


def _short_line(line: str, short: Any) -> str:
    """An N-Triples line with its IRIs as prefixed names (``id:agreement/x coop:hasParty id:country/y``)."""
    return re.sub(r"<([^<>\s]+)>", lambda m: short(m.group(1)), line.removesuffix(" ."))


def _cut(text: str, width: int = 100) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."
