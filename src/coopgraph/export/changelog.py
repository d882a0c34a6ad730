"""What changed between two builds: every kind of record, field by field, and Wikidata links.

``coopgraph export bundle --since`` (CHANGES.md) and ``coopgraph diff`` use this one comparison.

Nodes are compared by IRI in the asserted graph (what curators wrote).  A node
is *changed* when any triple about it differs, including the triples of the
nodes it owns: an agreement's signings, signatures, areas and status changes,
a person's tenures.  So a new signatory or a corrected signing date shows as
a change to its agreement; ``fields`` says which values left and came, property
by property (on the node itself or on a part it owns).  Kinds: agreements,
people, posts, actors, meetings, places, sources and topics (a country, both an
actor and a place, counts as an actor).  Wikidata links are compared per node: a
node that gained, lost or swapped its ``owl:sameAs`` target.

>>> changes = compare(old_lines, new_lines, ontology_lines)    # doctest: +SKIP
>>> changes["agreements"]["changed"][0]["properties"]           # doctest: +SKIP
['dcterms:title', 'rdfs:label', 'skos:prefLabel']
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from rdflib import OWL, RDF, RDFS

from coopgraph.errors import CoopgraphError, display_path
from coopgraph.graph.dataset import prefixes
from coopgraph.graph.vocab import COOP, DEFAULT_BASE, WD, graph_iri

#: properties whose objects are parts of their subject (minted from its id)
OWNED = tuple(str(p) for p in (COOP.hasSigning, COOP.hasSignature, COOP.hasArea, COOP.hasStatusChange, COOP.hasTenure))
KINDS = ("agreements", "people", "posts", "actors", "meetings", "places", "sources", "topics")
LINKS = "wikidata-links"

Triple = tuple[str, str, str]  # N-Triples terms: <iri>, _:b, "literal"@en


def _terms(line: bytes) -> Triple:
    subject, predicate, rest = line.decode("utf-8").split(" ", 2)
    return subject, predicate, rest[:-2]


def _iri(term: str) -> str:
    return term[1:-1] if term.startswith("<") else term


class _Graph:
    """An asserted graph indexed by subject, for descriptions and types."""

    def __init__(self, lines: Iterable[bytes]) -> None:
        self.about: dict[str, set[Triple]] = {}
        for line in lines:
            triple = _terms(line)
            self.about.setdefault(triple[0], set()).add(triple)

    def typed(self, classes: set[str]) -> set[str]:
        rdf_type = f"<{RDF.type}>"
        return {s for s, triples in self.about.items() if any(p == rdf_type and o in classes for _, p, o in triples)}

    def description(self, node: str) -> set[Triple]:
        """The node's triples and those of the nodes it owns, transitively."""
        seen, todo, triples = {node}, [node], set()
        while todo:
            for triple in self.about.get(todo.pop(), ()):
                triples.add(triple)
                if _iri(triple[1]) in OWNED and triple[2] not in seen:
                    seen.add(triple[2])
                    todo.append(triple[2])
        return triples

    def label(self, node: str) -> str:
        labels = sorted(o for _, p, o in self.about.get(node, ()) if p == f"<{RDFS.label}>")
        english = [o for o in labels if o.endswith('"@en')]
        for text in english or labels:
            quoted = text[: text.rindex('"') + 1]
            try:
                return str(json.loads(quoted))
            except ValueError:  # an N-Triples escape JSON lacks (\U0001F600)
                return quoted[1:-1]
        return _iri(node).rstrip("/").rsplit("/", 1)[-1]

    def wikidata(self, node: str) -> list[str]:
        same_as, wikidata = f"<{OWL.sameAs}>", f"<{WD}"
        return sorted(_iri(o) for _, p, o in self.about.get(node, ()) if p == same_as and o.startswith(wikidata))


def kind_classes(ontology: Iterable[bytes]) -> dict[str, set[str]]:
    """The classes of each kind, with their subclasses from the ontology (``coop:Declaration`` is an agreement)."""
    sub_class_of = f"<{RDFS.subClassOf}>"
    parents: dict[str, set[str]] = {}
    for line in ontology:
        s, p, o = _terms(line)
        if p == sub_class_of:
            parents.setdefault(s, set()).add(o)

    def under(root: str) -> set[str]:
        found = {root}
        grew = True
        while grew:
            more = {child for child, ups in parents.items() if ups & found} - found
            found |= more
            grew = bool(more)
        return found

    roots = {
        "agreements": COOP.Agreement, "people": COOP.Person, "posts": COOP.Post, "actors": COOP.Actor,
        "meetings": COOP.Meeting, "places": COOP.Place, "sources": COOP.SourceDocument, "topics": COOP.Topic,
    }  # fmt: skip
    classes = {kind: under(f"<{root}>") for kind, root in roots.items()}
    classes["meetings"] |= under(f"<{COOP.MeetingSeries}>")
    return classes


def compare(old: Iterable[bytes], new: Iterable[bytes], ontology: Iterable[bytes]) -> dict[str, Any]:
    """Added, removed and changed agreements, people, posts and Wikidata links (sorted by IRI)."""
    before, after = _Graph(old), _Graph(new)
    short = _Shortener()
    changes: dict[str, Any] = {}
    claimed_before: set[str] = set()
    claimed_after: set[str] = set()
    for kind, classes in kind_classes(ontology).items():  # a node counts once, in the first kind it is
        was, now = before.typed(classes) - claimed_before, after.typed(classes) - claimed_after
        claimed_before |= was
        claimed_after |= now
        changed = []
        for node in sorted(was & now):
            old_d, new_d = before.description(node), after.description(node)
            if old_d != new_d:
                differing = {p for _, p, _ in old_d ^ new_d}
                entry = _entry(after, node)
                entry["properties"] = sorted(short(_iri(p)) for p in differing)
                entry["fields"] = _fields(node, old_d, new_d, short)
                changed.append(entry)
        changes[kind] = {
            "added": [_entry(after, n) for n in sorted(now - was)],
            "removed": [_entry(before, n) for n in sorted(was - now)],
            "changed": changed,
        }
    linked_before = {n: before.wikidata(n) for n in before.about if before.wikidata(n)}
    linked_after = {n: after.wikidata(n) for n in after.about if after.wikidata(n)}
    changes[LINKS] = {
        "added": [
            {**_entry(after, n), "wikidata": linked_after[n]} for n in sorted(linked_after.keys() - linked_before)
        ],
        "removed": [
            {**_entry(before, n), "wikidata": linked_before[n]} for n in sorted(linked_before.keys() - linked_after)
        ],
        "changed": [
            {**_entry(after, n), "wikidata": linked_after[n], "was": linked_before[n]}
            for n in sorted(linked_before.keys() & linked_after.keys())
            if linked_before[n] != linked_after[n]
        ],
    }
    return changes


def _fields(node: str, old: set[Triple], new: set[Triple], short: _Shortener) -> list[dict[str, Any]]:
    """Values removed and added per (part, property): the field-by-field view of a changed node."""
    grouped: dict[tuple[str, str], dict[str, list[str]]] = {}
    for triples, what in ((old - new, "removed"), (new - old, "added")):
        for s, p, o in sorted(triples):
            part = "" if s == node else _part(node, s)
            slot = grouped.setdefault((part, short(_iri(p))), {"removed": [], "added": []})
            slot[what].append(_value(o, short))
    return [{"part": part, "property": prop, **values} if part else {"property": prop, **values}
            for (part, prop), values in sorted(grouped.items())]  # fmt: skip


def _part(node: str, sub: str) -> str:
    """An owned node by the tail of its IRI (``signing/x-1/signature/1`` -> ``signing x-1 signature 1``)."""
    return _iri(sub).rsplit("/", 2)[-2] + "/" + _iri(sub).rsplit("/", 1)[-1] if "/" in _iri(sub) else _iri(sub)


def _value(term: str, short: _Shortener) -> str:
    """A term as a reviewer reads it: a literal's text (with its language), an IRI shortened."""
    if term.startswith("<"):
        return short(_iri(term))
    if term.startswith('"'):
        end = term.rindex('"')
        try:
            text = str(json.loads(term[: end + 1]))
        except ValueError:
            text = term[1:end]
        suffix = term[end + 1 :]
        return text + (suffix if suffix.startswith("@") else "")
    return term


def _entry(graph: _Graph, node: str) -> dict[str, Any]:
    return {"iri": _iri(node), "label": graph.label(node)}


class _Shortener:
    def __init__(self) -> None:
        self.namespaces = sorted(((str(ns), name) for name, ns in prefixes().items()), key=lambda p: -len(p[0]))

    def __call__(self, iri: str) -> str:
        for namespace, name in self.namespaces:
            if iri.startswith(namespace) and len(iri) > len(namespace):
                return f"{name}:{iri[len(namespace) :]}"
        return iri


def is_empty(changes: Mapping[str, Any]) -> bool:
    return not any(entries for kind in changes.values() for entries in kind.values())


def as_json(changes: Mapping[str, Any], previous: Mapping[str, str]) -> bytes:
    document = {"previous": dict(previous), **changes}
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


TITLES = {
    "agreements": "Agreements", "people": "People", "posts": "Posts", "actors": "Actors", "meetings": "Meetings",
    "places": "Places", "sources": "Sources", "topics": "Topics", LINKS: "Wikidata links",
}  # fmt: skip


def as_markdown(changes: Mapping[str, Any], previous: Mapping[str, str]) -> bytes:
    """A human changelog: one section per kind, one line per node."""
    lines = ["# Changes since the previous bundle", ""]
    if previous:
        dates = ", ".join(f"{key} {value}" for key, value in sorted(previous.items()))
        lines += [f"The previous bundle: {dates}.", ""]
    if is_empty(changes):
        lines += ["Nothing changed in any record or Wikidata link.", ""]
    for kind, title in TITLES.items():
        groups = changes[kind]
        if not any(groups.values()):
            continue
        lines += [f"## {title}", ""]
        for what in ("added", "removed", "changed"):
            for entry in groups[what]:
                detail = ""
                if "properties" in entry:
                    detail = f" ({', '.join(entry['properties'])})"
                if "wikidata" in entry:
                    detail = f" → {', '.join(entry['wikidata'])}"
                    if "was" in entry:
                        detail += f" (was {', '.join(entry['was'])})"
                lines.append(f"- {what}: [{_escape(entry['label'])}](<{entry['iri']}>){detail}")
        lines.append("")
    return "\n".join(lines).encode("utf-8")


def _escape(text: str) -> str:
    return "".join("\\" + c if c in "[]\\*_`" else c for c in text)


def read_bundle_graphs(bundle: Path, *, base: str = DEFAULT_BASE) -> dict[str, list[bytes]]:
    """The named graphs of an earlier bundle (from its ``coopgraph.nq``), moved to ``base``.

    The earlier bundle's base is read from its ``void.ttl`` (``void:uriSpace``),
    so bundles published under different bases still compare node by node.
    """
    import pyoxigraph as ox

    from coopgraph.export.formats import ntriples, rebase_lines

    path = bundle / "coopgraph.nq"
    if not path.is_file():
        raise CoopgraphError(f"{display_path(path)}: no such file; --since must name an earlier bundle directory")
    names = {str(graph_iri(name)): name for name in ("ontology", "asserted", "inferred")}
    by_graph: dict[str, list[ox.Triple]] = {name: [] for name in names.values()}
    try:
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            name = names.get(getattr(quad.graph_name, "value", ""))
            if name:
                by_graph[name].append(quad.triple)
    except SyntaxError as error:
        raise CoopgraphError(f"{display_path(path)}: {error}") from None
    graphs = {name: ntriples(triples).splitlines() for name, triples in by_graph.items()}
    old_base = previous_description(bundle).get("uriSpace", DEFAULT_BASE)
    if old_base != base:
        graphs = {name: rebase_lines(lines, old_base, base) for name, lines in graphs.items()}
    return graphs


def previous_description(bundle: Path) -> dict[str, str]:
    """The earlier bundle's base and dates, from its ``void.ttl`` (empty when it has none)."""
    from rdflib import Graph
    from rdflib.namespace import DCTERMS

    from coopgraph.graph.vocab import VOID

    path = bundle / "void.ttl"
    if not path.is_file():
        return {}
    graph = Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as error:  # rdflib raises many types for bad Turtle
        raise CoopgraphError(f"{display_path(path)}: {error}") from None
    found = {}
    for dataset in graph.subjects(RDF.type, VOID.Dataset):
        space = graph.value(dataset, VOID.uriSpace)
        if space is None or graph.value(dataset, VOID.triples) is None:
            continue
        found["uriSpace"] = str(space)
        for key, prop in (("issued", DCTERMS.issued), ("modified", DCTERMS.modified)):
            value = graph.value(dataset, prop)
            if value is not None:
                found[key] = str(value)
    return found
