"""What makes the data inconsistent with the ontology, said in a curator's words.

HermiT only says "inconsistent" (an empty message); this module finds the
culprit in a store closed by the rules (:func:`coopgraph.reason.rules.close`) and
points at the YAML record that wrote it.  Kinds:

- a node in two disjoint classes, directly or through a property's domain or
  range: a person given as a party, a post "in" a country, a ministry serving
  a ministry;
- a functional property with two values that cannot be the same: two
  different literals, two individuals declared different, or of disjoint classes;
- two records linked (``owl:sameAs``) to the same outside identifier whose
  kinds are disjoint.  The OWL reasoner is not shown these links (see
  :mod:`coopgraph.reason.reasoner`), so this check serves both paths.

>>> for problem in problems(contradictions(store, axioms), origins): print(problem)   # doctest: +SKIP
data/posts.yaml:12: contradiction: 'country/alpha' is declared a coop:Country, and is given as coop:postIn ...
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from rdflib import OWL, RDF, URIRef

from coopgraph.errors import Location, Problem
from coopgraph.reason.axioms import Axioms, short
from coopgraph.reason.rules import inferred_graphs

if TYPE_CHECKING:
    import pyoxigraph as ox


@dataclass(frozen=True, order=True)
class Clash:
    """One contradiction: the node whose record is at fault, what clashes, and another record involved."""

    node: str
    message: str
    other: str | None = None


def contradictions(store: ox.Store, axioms: Axioms) -> list[Clash]:
    """Every contradiction in a closed store, one per node (the most specific classes that clash)."""
    clashes = [*_disjoint_members(store, axioms), *_shared_identifiers(store, axioms), *_functional(store, axioms)]
    return sorted(set(clashes))


def problems(clashes: Iterable[Clash], origins: Mapping[Any, Location]) -> list[Problem]:
    """Clashes as problems placed at the YAML record behind each node."""
    out = []
    for clash in clashes:
        also = f" (see also {_where(clash.other, origins)})" if clash.other else ""
        out.append(Problem(_where(clash.node, origins), f"contradiction: {clash.message}{also}"))
    return out


def _where(node: str | None, origins: Mapping[Any, Location]) -> Location:
    if node is None:
        return Location("(graph)")
    return origins.get(URIRef(node)) or origins.get(node) or Location("(graph)")


def _select(store: ox.Store, query: str) -> Iterator[dict[str, Any]]:
    """The rows of a SELECT, each variable's value as the term (``row["x"].value`` is its text)."""
    solutions = cast("ox.QuerySolutions", store.query(query))
    names = [v.value for v in solutions.variables]
    for solution in solutions:
        yield {name: solution[name] for name in names}


def _clashing(types_a: Iterable[str], types_b: Iterable[str], axioms: Axioms) -> list[tuple[str, str]]:
    """The disjoint pairs among two sets of classes."""
    return [(a, b) for a in types_a for b in types_b if (a, b) in axioms.disjoint]


def _most_specific(rows: list[tuple[str, str]], axioms: Axioms) -> tuple[str, str]:
    return max(rows, key=lambda ab: (axioms.specificity(ab[0]) + axioms.specificity(ab[1]), ab))


def _types(store: ox.Store, node: Any) -> set[str]:
    import pyoxigraph as ox

    return {
        _text(q.object) for q in store.quads_for_pattern(node, ox.NamedNode(str(RDF.type)), None, ox.DefaultGraph())
    }


def _disjoint_members(store: ox.Store, axioms: Axioms) -> list[Clash]:
    """One pass over the class memberships (faster than a join per disjoint pair)."""
    import pyoxigraph as ox

    relevant = {a for a, _ in axioms.disjoint}
    members: dict[str, set[str]] = {}
    for quad in store.quads_for_pattern(None, ox.NamedNode(str(RDF.type)), None, ox.DefaultGraph()):
        cls = _text(quad.object)
        if cls in relevant and isinstance(quad.subject, ox.NamedNode):
            members.setdefault(quad.subject.value, set()).add(cls)
    clashes = []
    for node, classes in sorted(members.items()):
        rows = [(a, b) for a, b in _clashing(classes, classes, axioms) if a < b] if len(classes) > 1 else []
        if rows:
            clashes.append(_explain(store, axioms, node, *_most_specific(rows, axioms)))
    return clashes


def _shared_identifiers(store: ox.Store, axioms: Axioms) -> list[Clash]:
    import pyoxigraph as ox

    query = f"""SELECT DISTINCT ?x ?y ?w WHERE {{
        ?x <{OWL.sameAs}> ?w . ?y <{OWL.sameAs}> ?w . FILTER(isIRI(?x) && isIRI(?y) && STR(?x) < STR(?y)) }}"""
    clashes = []
    for row in _select(store, query):
        x, y, w = row["x"].value, row["y"].value, row["w"].value
        rows = _clashing(_types(store, ox.NamedNode(x)), _types(store, ox.NamedNode(y)), axioms)
        if not rows:
            continue  # two records of one thing that can be one thing: not a contradiction
        a, b = _most_specific(rows, axioms)
        why_a, why_b = _why_member(store, axioms, x, a)[0], _why_member(store, axioms, y, b)[0]
        message = (
            f"{short(y)} and {short(x)} are both linked to {short(w)} (owl:sameAs), so they would be one thing; "
            f"but {short(y)} {why_b}, and {short(x)} {why_a}, and nothing is both"
        )
        clashes.append(Clash(y, message, other=x))
    return clashes


def _functional(store: ox.Store, axioms: Axioms) -> list[Clash]:
    clashes = []
    for prop in sorted(axioms.functional | axioms.inverse_functional):
        inverse = prop not in axioms.functional
        pattern = f"?v1 <{prop}> ?x . ?v2 <{prop}> ?x ." if inverse else f"?x <{prop}> ?v1 . ?x <{prop}> ?v2 ."
        seen: set[tuple[str, frozenset[str]]] = set()
        for row in _select(store, f"SELECT ?x ?v1 ?v2 WHERE {{ {pattern} FILTER(!sameTerm(?v1, ?v2)) }}"):
            x, v1, v2 = row["x"], row["v1"], row["v2"]
            key = (x.value, frozenset({str(v1), str(v2)}))
            if key in seen or not _distinct(store, axioms, v1, v2):
                continue
            seen.add(key)
            first, second = sorted((_term(v1), _term(v2)))
            if inverse:
                message = (
                    f"{short(x.value)} is the {short(prop)} of both {first} and {second}, but it can be the "
                    f"{short(prop)} of one thing only (inverse-functional)"
                )
            else:
                message = (
                    f"{short(x.value)} has two values of {short(prop)}, {first} and {second}, but it can have "
                    "one only (functional) and they are different"
                )
            clashes.append(Clash(x.value, message))
    return clashes


def _distinct(store: ox.Store, axioms: Axioms, a: Any, b: Any) -> bool:
    """Whether two values of a functional property cannot denote the same thing."""
    import pyoxigraph as ox

    if isinstance(a, ox.Literal) or isinstance(b, ox.Literal):
        return True
    if (a.value, b.value) in axioms.different:
        return True
    return bool(_clashing(_types(store, a), _types(store, b), axioms))


def _explain(store: ox.Store, axioms: Axioms, node: str, a: str, b: str) -> Clash:
    """Why ``node`` is in both ``a`` and ``b``: the asserted triple behind each membership."""
    why_a, at_a = _why_member(store, axioms, node, a)
    why_b, at_b = _why_member(store, axioms, node, b)
    if at_a != node and at_b == node:  # say first what the node's own record says
        (why_a, at_a), (why_b, at_b), (a, b) = (why_b, at_b), (why_a, at_a), (b, a)
    at = at_b if at_b != node else at_a  # point at the record that wrote the reference, if any
    message = f"{short(node)} {why_a}, and {why_b}; but nothing is both a {short(a)} and a {short(b)} (disjoint)"
    return Clash(at, message, other=node if at != node else None)


def _why_member(store: ox.Store, axioms: Axioms, node: str, cls: str) -> tuple[str, str]:
    """A phrase saying why ``node`` is a ``cls``, and the node whose record says so."""
    import pyoxigraph as ox

    me = ox.NamedNode(node)
    graphs = inferred_graphs(store)

    def asserted(quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        return [q for q in quads if all(ox.Quad(q.subject, q.predicate, q.object, g) not in store for g in graphs)]

    outgoing = asserted(store.quads_for_pattern(me, None, None, ox.DefaultGraph()))
    for q in sorted(outgoing, key=str):
        if q.predicate.value == str(RDF.type) and cls in axioms.classes_of(_text(q.object)):
            so = "" if _text(q.object) == cls else f" (so a {short(cls)})"
            return f"is declared a {short(_text(q.object))}{so}", node
    for q in sorted(outgoing, key=str):
        if cls in axioms.subject_types.get(q.predicate.value, ()):
            return f"has {short(q.predicate.value)} {_term(q.object)}, which makes it a {short(cls)}", node
    for q in sorted(asserted(store.quads_for_pattern(None, None, me, ox.DefaultGraph())), key=str):
        if cls in axioms.object_types.get(q.predicate.value, ()) and isinstance(q.subject, ox.NamedNode):
            subject = q.subject.value
            return f"is given as {short(q.predicate.value)} of {short(subject)}, which makes it a {short(cls)}", subject
    return f"is inferred to be a {short(cls)}", node


def _text(term: Any) -> str:
    """The IRI or lexical form of a pyoxigraph term."""
    return str(term.value)


def _term(term: Any) -> str:
    import pyoxigraph as ox

    return f'"{term.value}"' if isinstance(term, ox.Literal) else short(term.value)
