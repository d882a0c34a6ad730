"""Each compiled constraint as SPARQL, run on the store: the focus nodes that fail it."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDF

from coopgraph.checks.entailment import _Schema
from coopgraph.checks.shapes_graph import (
    _ASSERTED,
    _INOCULATED_CLASSES,
    _INOCULATED_PROPERTIES,
    _NAMED_INDIVIDUAL,
    _NODE_KINDS,
    _NOTHING,
    _ONTOLOGY,
    _PARSED_DATATYPES,
    _RANGES,
    _TYPE,
    _VALUE_KINDS,
    _Constraint,
    _Path,
    _Shape,
    _short,
)

if TYPE_CHECKING:
    import pyoxigraph as ox

    _Term = ox.NamedNode | ox.BlankNode | ox.Literal


# --------------------------------------------------------------------------- generating SPARQL


@dataclass(frozen=True)
class _Check:
    """One constraint of a targeted shape: its results are the shape's focus nodes that fail it.

    ``holder`` is the node shape itself for a node-level constraint, else one of its property shapes.
    """

    shape: _Shape
    holder: _Shape
    constraint: _Constraint
    message: str
    shown: str


def _checks(shapes: tuple[_Shape, ...]) -> Iterator[_Check]:
    for shape in shapes:
        if not shape.targets:
            continue  # validated only where another shape refers to it
        for c in shape.constraints:  # a node shape's own constraints, or a targeted property shape's
            yield _Check(shape, shape, c, str(shape.message), _shown(shape))
        for prop in shape.properties:
            for c in prop.constraints:
                yield _Check(shape, prop, c, str(prop.message), _shown(prop))


def _shown(shape: _Shape) -> str:
    """The path as pySHACL's result names it (sh:resultPath), for a property shape with an IRI path."""
    if shape.path is None or shape.path.inverse:
        return ""
    return f" [{_short(shape.path.predicate[1:-1])}]"


class _Runner:
    """Runs the checks' queries, each once, and combines their answers with the targets in Python.

    A constraint query covers every node with values on the path (not only the targets), so a
    shape's targets are computed once and shapes that share a constraint share its answer.  A
    query lists either the nodes that fail (sh:class, sh:maxCount, ...) or those that pass
    (sh:minCount, sh:hasValue); node-level sh:or/sh:and become unions and intersections of such
    sets, rather than an EXISTS per focus node (28 s at 100k agreements).

    Which queries a check uses does not depend on the data, so :meth:`results` first plans
    every check (a dry run that only counts uses), then drops each answer after its last use:
    the memory held is that of the answers still to be used, not of every check's (10.5 GB
    at a million agreements when all ~140 were kept).  An answer keeps only its first column,
    the focus node, the one thing the checks read.
    """

    def __init__(self, store: ox.Store, schema: _Schema) -> None:
        self.store = store
        self.schema = schema
        self._answers: dict[str, list[_Term]] = {}
        self._sets: dict[str, frozenset[_Term]] = {}
        self._left: Counter[tuple[str, bool]] | None = None  # uses still to come (as a list, as a set)
        self._planned: list[tuple[str, bool]] = []  # every use, in order (while planning)

    def results(self, checks: Iterable[_Check]) -> Iterator[tuple[_Check, list[_Term]]]:
        """Each check with its failing focus nodes, in order, holding only answers still to be used.

        Not on threads: Oxigraph releases the GIL while it evaluates (per row), but running the
        next queries ahead on two threads gained no wall time on the shared two-core machine
        and held more memory (benchmarks/WHY.md, fifth session).
        """
        checks = list(checks)
        for check in checks:  # the plan: answers are empty, only the queries used are recorded
            self.failing(check)
        self._left, self._answers, self._sets = Counter(self._planned), {}, {}
        self._planned = []
        for check in checks:
            yield check, self.failing(check)

    def held(self) -> set[tuple[str, bool]]:
        """The answers held now, as (query, as a set): a test checks each has a use to come in that form."""
        return {(query, False) for query in self._answers} | {(query, True) for query in self._sets}

    def left(self, query: str, as_set: bool) -> int:
        """How many uses of the query's answer (as a list or as a set) are still to come."""
        assert self._left is not None, "not planned"
        return self._left[query, as_set]

    def _use(self, query: str, as_set: bool) -> list[_Term] | frozenset[_Term]:
        """The query's first column (run once), counting this use; each form is dropped after its last use.

        The list (for the order of the targets, or one result per failing value) and the set
        (to compare) are each kept only while a use of that form is to come.
        """
        if self._left is None:  # planning
            self._planned.append((query, as_set))
            return frozenset() if as_set else []
        left = self._left
        left[query, as_set] -= 1
        if left[query, as_set] < 0:
            raise AssertionError(f"a query used more often than planned: {query}")
        found = self._sets.get(query)
        answer = self._answers.get(query)
        if answer is None and found is None:
            answer = _focus_nodes(self.store, query)
        if found is None and (as_set or left[query, True]):
            assert answer is not None
            found = frozenset(answer)
        if left[query, False]:
            assert answer is not None, "a list dropped before its last use"
            self._answers[query] = answer
        else:
            self._answers.pop(query, None)
        if left[query, True]:
            assert found is not None
            self._sets[query] = found
        else:
            self._sets.pop(query, None)
        if as_set:
            assert found is not None
            return found
        assert answer is not None
        return answer

    def rows(self, query: str) -> list[_Term]:
        answer = self._use(query, as_set=False)
        assert isinstance(answer, list)
        return answer

    def _set(self, query: str) -> frozenset[_Term]:
        found = self._use(query, as_set=True)
        assert isinstance(found, frozenset)
        return found

    def targets(self, shape: _Shape) -> list[_Term]:
        return self.rows(self.targets_query(shape))

    def target_set(self, shape: _Shape) -> frozenset[_Term]:
        return self._set(self.targets_query(shape))

    def targets_query(self, shape: _Shape) -> str:
        return f"SELECT DISTINCT ?focus WHERE {{ {_Sparql(self.schema).targets(shape)} }}"

    def failing(self, check: _Check) -> list[_Term]:
        """The focus nodes with a result, once per result (per failing value for value constraints)."""
        targets = self.targets(check.shape)
        if check.holder.path is not None:
            query, passing = _Sparql(self.schema).violations(check.holder.path, check.constraint)
            if passing:
                have = self._set(query)
                return [focus for focus in targets if focus not in have]
            found = self.rows(query)
            wanted = self.target_set(check.shape)
            return [focus for focus in found if focus in wanted]
        passed = self.passing(check.shape, check.holder, check.constraint)
        return [focus for focus in targets if focus not in passed]

    def passing(self, top: _Shape, shape: _Shape, c: _Constraint) -> frozenset[_Term]:
        """The targets of ``top`` that satisfy constraint ``c`` of ``shape`` (``top`` or a shape nested in it)."""
        targets = self.target_set(top)
        sparql = _Sparql(self.schema)
        if shape.path is not None:
            query, passing = sparql.violations(shape.path, c)
            found = self._set(query)
            return targets & found if passing else targets - found
        if c.kind in ("or", "and"):
            sets = [self.conforming(top, member) for member in c.shapes]
            return frozenset().union(*sets) if c.kind == "or" else targets.intersection(*sets)
        if c.kind == "class":  # the instances, as for sh:targetClass; a literal is never one
            where = f"{sparql.instance('?focus', c.terms[0])} FILTER(!isLiteral(?focus))"
            return targets & self._set(f"SELECT DISTINCT ?focus WHERE {{ {where} }}")
        # any other value constraint on the focus node itself: test each target in SPARQL
        where = f"{{ {self.targets_query(top)} }} FILTER({sparql.value_ok(c, '?focus')})"
        return self._set(f"SELECT ?focus WHERE {{ {where} }}")

    def conforming(self, top: _Shape, shape: _Shape) -> frozenset[_Term]:
        """The targets of ``top`` that conform to a nested shape: every constraint, every sh:property."""
        result = self.target_set(top)
        for c in shape.constraints:
            result &= self.passing(top, shape, c)
        for prop in shape.properties:
            result &= self.conforming(top, prop)
        return result


class _Sparql:
    """Builds the patterns and expressions of one shape's queries, with fresh variable names."""

    def __init__(self, schema: _Schema) -> None:
        self.schema = schema
        self._names = itertools.count(1)

    def var(self) -> str:
        return f"?v{next(self._names)}"

    # ---- the data graph pySHACL validates: asserted + inoculated ontology, RDFS-entailed

    def edge(self, s: str, predicates: Iterable[str], o: str) -> str:
        """``s p o`` for any of the predicates, in asserted or in the inoculated part of the ontology.

        One UNION branch per constant predicate, not a VALUES join: inside EXISTS, Oxigraph then
        stops at the first match instead of materialising, say, every agreement with a topic.
        """
        return self._union([self.triple(s, p, o) for p in sorted(set(predicates))])

    def triple(self, s: str, p: str, o: str) -> str:
        """``s p o`` as pySHACL's data graph has it (before entailment), leaving out graphs that cannot match."""
        branches = []
        if p != _TYPE or not o.startswith("<") or o in self.schema.asserted_types:
            branches.append(f"GRAPH {_ASSERTED} {{ {s} {p} {o} }}")
        if p in self.schema.ontology_predicates and (
            p != _TYPE or not o.startswith("<") or o in self.schema.ontology_types
        ):
            visible = self._inoculated(s, p, o)
            branches.append(f"GRAPH {_ONTOLOGY} {{ {s} {p} {o} }}" + (f" FILTER({visible})" if visible else ""))
        return self._union(branches)

    @staticmethod
    def _union(patterns: list[str]) -> str:
        patterns = [p for p in patterns if p != _NOTHING]
        return " UNION ".join(f"{{ {p} }}" for p in patterns) if patterns else _NOTHING

    def _inoculated(self, s: str, p: str, o: str) -> str:
        """The condition for an ontology triple to be copied into pySHACL's data graph ('' = always)."""
        if p in _INOCULATED_PROPERTIES or (p == _TYPE and o in _INOCULATED_CLASSES):
            return ""
        parts = []
        if p == _TYPE and o.startswith("?"):
            parts.append(f"{o} IN ({', '.join(_INOCULATED_CLASSES)})")
        if not s.startswith('"'):
            parts.append(f"isBlank({s})")
            parts.append(f"EXISTS {{ GRAPH {_ONTOLOGY} {{ {s} {_TYPE} {_NAMED_INDIVIDUAL} }} }}")
        if not o.startswith('"'):
            parts.append(f"EXISTS {{ GRAPH {_ONTOLOGY} {{ {o} {_TYPE} {_NAMED_INDIVIDUAL} }} }}")
        return " || ".join(parts)

    def instance(self, x: str, cls: str) -> str:
        """A pattern binding ``x`` to the instances of ``cls`` under RDFS (rdfs2, rdfs3, rdfs7, rdfs9)."""
        types = sorted(t for t in self.schema.classes(cls) if t.startswith("<"))
        branches = [self.triple(x, p, t) for t in types for p in sorted(self.schema.properties(_TYPE))]
        domains, ranges = self.schema.typing(cls, self.schema.domains), self.schema.typing(cls, self.schema.ranges)
        branches += [self.edge(x, domains, self.var()), self.edge(self.var(), ranges, x)]
        return self._union(branches)

    def violations(self, path: _Path, c: _Constraint) -> tuple[str, bool]:
        """A query over all nodes with values on the path: (its text, whether it lists the conforming ones)."""
        x, v = "?focus", self.var()
        values = self.path(path, x, v)
        if c.kind in _VALUE_KINDS:  # one result per failing value
            return f"SELECT DISTINCT ?focus {v} WHERE {{ {values} FILTER(!{self.value_ok(c, v, path)}) }}", False
        if c.kind == "uniqueLang":  # one result per language tag used twice (a group, not a self-join: 3x less CPU)
            tagged = f'{values} FILTER(isLiteral({v}) && LANG({v}) != "") BIND(LCASE(LANG({v})) AS ?lang)'
            twice = f"GROUP BY ?focus ?lang HAVING (COUNT(DISTINCT {v}) > 1)"
            return f"SELECT ?focus ?lang WHERE {{ {tagged} }} {twice}", False
        if c.kind == "hasValue":
            return f"SELECT DISTINCT ?focus WHERE {{ {values} FILTER(sameTerm({v}, {c.terms[0]})) }}", True
        if c.kind == "maxCount":
            if c.count == 0:  # any value fails: the same query (and answer) as sh:minCount 1's
                return f"SELECT DISTINCT ?focus WHERE {{ {values} }}", False
            having = f"COUNT(DISTINCT {v}) > {c.count}"
            return f"SELECT ?focus WHERE {{ {values} }} GROUP BY ?focus HAVING ({having})", False
        if c.kind == "minCount":
            where, count = values, c.count
            if count <= 0:
                return "SELECT ?focus WHERE { FILTER(false) }", False
            if count == 1:
                return f"SELECT DISTINCT ?focus WHERE {{ {values} }}", True
        elif c.kind == "qualifiedMinCount":
            count = c.count
            if count <= 0:
                return "SELECT ?focus WHERE { FILTER(false) }", False
            where = f"{values} FILTER({self.conforms(c.shapes[0], v)})"
        else:
            raise AssertionError(c.kind)
        return f"SELECT ?focus WHERE {{ {where} }} GROUP BY ?focus HAVING (COUNT(DISTINCT {v}) >= {count})", True

    def targets(self, shape: _Shape) -> str:
        branches = []
        for kind, term in shape.targets:
            if kind == "class":
                branches.append(self.instance("?focus", term))
            elif kind == "subjectsOf":
                branches.append(self.edge("?focus", self.schema.properties(term), self.var()))
            elif kind == "objectsOf":
                branches.append(self.edge(self.var(), self.schema.properties(term), "?focus"))
            else:  # a node given by name: a focus node whether or not the data mentions it
                branches.append(f"VALUES ?focus {{ {term} }}")
        # one target: its pattern as it is, so that the query is the text (and shares the answer) of
        # the sh:minCount 1 query on the same path, "the nodes with a value"
        return branches[0] if len(branches) == 1 else self._union(branches)

    def path(self, path: _Path, x: str, v: str) -> str:
        preds = self.schema.properties(path.predicate)
        return self.edge(v, preds, x) if path.inverse else self.edge(x, preds, v)

    # ---- constraints

    def value_ok(self, c: _Constraint, v: str, via: _Path | None = None) -> str:
        """An expression: the value node ``v`` (reached ``via`` a path, if known) satisfies a value constraint.

        sh:class is the costly one (an EXISTS over every way of being typed); when the path's own
        rdfs:range (rdfs:domain for an inverse path) already types every value, only literals fail.
        """
        if c.kind == "class":
            cls = c.terms[0]
            if via is not None:
                typing = self.schema.typing(cls, self.schema.domains if via.inverse else self.schema.ranges)
                if self.schema.properties(via.predicate) <= typing:
                    return f"!isLiteral({v})"
            return f"(!isLiteral({v}) && EXISTS {{ {self.instance(v, cls)} }})"
        if c.kind == "datatype":
            return _datatype_ok(URIRef(c.terms[0]), v)
        if c.kind in ("in", "hasValue"):
            return "(" + " || ".join(f"sameTerm({v}, {term})" for term in c.terms) + ")"
        if c.kind == "pattern":
            return f"(!isBlank({v}) && COALESCE(REGEX(STR({v}), {c.terms[0]}), false))"
        if c.kind in _RANGES:
            return f"(isLiteral({v}) && COALESCE({v} {_RANGES[c.kind]} {c.terms[0]}, false))"
        if c.kind == "nodeKind":
            return _NODE_KINDS[URIRef(c.terms[0])].format(v=v)
        if c.kind in ("minLength", "maxLength"):
            compare = ">=" if c.kind == "minLength" else "<="
            return f"(!isBlank({v}) && STRLEN(STR({v})) {compare} {c.count})"
        if c.kind == "languageIn":
            if "*" in c.terms:
                return f'(isLiteral({v}) && LANG({v}) != "")'
            tags = ", ".join(Literal(tag).n3() for tag in c.terms)
            first = f'STRBEFORE(LANG({v}), "-")'
            return (
                f'(isLiteral({v}) && LANG({v}) != "" && (LCASE(LANG({v})) IN ({tags}) || LCASE({first}) IN ({tags})))'
            )
        if c.kind in ("or", "and"):
            joined = (" || " if c.kind == "or" else " && ").join(self.conforms(s, v) for s in c.shapes)
            return f"({joined})"
        raise AssertionError(c.kind)

    def focus_ok(self, prop: _Shape, c: _Constraint, x: str) -> str:
        """An expression: focus node ``x`` satisfies constraint ``c`` of property shape ``prop``."""
        assert prop.path is not None
        if c.kind in _VALUE_KINDS:
            v = self.var()
            return f"NOT EXISTS {{ {self.path(prop.path, x, v)} FILTER(!{self.value_ok(c, v, prop.path)}) }}"
        if c.kind == "minCount":
            return self.at_least(prop.path, x, c.count)
        if c.kind == "maxCount":
            return f"!{self.at_least(prop.path, x, c.count + 1)}"
        if c.kind == "qualifiedMinCount":
            return self.at_least(prop.path, x, c.count, c.shapes[0])
        if c.kind == "hasValue":
            v = self.var()
            return f"EXISTS {{ {self.path(prop.path, x, v)} FILTER(sameTerm({v}, {c.terms[0]})) }}"
        if c.kind == "uniqueLang":
            return f"NOT EXISTS {{ {self.same_language(prop.path, x, self.var(), self.var())} }}"
        raise AssertionError(c.kind)

    def at_least(self, path: _Path, x: str, n: int, shape: _Shape | None = None) -> str:
        """``x`` has ``n`` distinct values on the path (conforming to ``shape`` if given)."""
        if n <= 0:
            return "true"
        vs = [self.var() for _ in range(n)]
        parts = [self.path(path, x, v) for v in vs]
        conditions = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2)]
        if shape is not None:
            conditions += [self.conforms(shape, v) for v in vs]
        where = " ".join(parts) + (f" FILTER({' && '.join(conditions)})" if conditions else "")
        return f"EXISTS {{ {where} }}"

    def same_language(self, path: _Path, x: str, a: str, b: str) -> str:
        """Two distinct values of ``x`` on the path with the same language tag (case-insensitive)."""
        same = f'isLiteral({a}) && isLiteral({b}) && LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))'
        return f"{self.path(path, x, a)} {self.path(path, x, b)} FILTER(!sameTerm({a}, {b}) && {same})"

    def conforms(self, shape: _Shape, x: str) -> str:
        """An expression: node ``x`` conforms to a nested shape (every constraint, every sh:property)."""
        if shape.path is None:
            parts = [self.value_ok(c, x) for c in shape.constraints]
        else:
            parts = [self.focus_ok(shape, c, x) for c in shape.constraints]
        parts += [self.conforms(prop, x) for prop in shape.properties]
        return "(" + (" && ".join(parts) or "true") + ")"


def _datatype_ok(datatype: URIRef, v: str) -> str:
    """sh:datatype as pySHACL checks it: the datatype IRI, a language tag, and well-formedness where rdflib parses."""
    if datatype == RDF.langString:
        return f'(isLiteral({v}) && LANG({v}) != "")'
    same = f"(isLiteral({v}) && sameTerm(DATATYPE({v}), <{datatype}>)"
    if datatype in _PARSED_DATATYPES:
        return f"{same} && COALESCE(isLiteral(<{datatype}>(STR({v}))), false))"
    return same + ")"


def _focus_nodes(store: ox.Store, query: str) -> list[_Term]:
    """The first column of a SELECT, once per row (the other columns are never made Python objects)."""
    import pyoxigraph as ox

    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [row[0] for row in solutions]
