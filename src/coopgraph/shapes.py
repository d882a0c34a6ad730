"""The SHACL shapes as SPARQL: the data contract checked on an Oxigraph store.

pySHACL took 85 s on 1,000 agreements (144k triples) and does not scale to a
5M-triple build.  This module reads ``ontology/shapes.ttl`` once (cached per
file and modification time), compiles every constraint into a SPARQL SELECT,
and runs those on the store that holds the named graphs ``asserted`` and
``ontology``.  The problems are the ones :func:`coopgraph.validate.shacl_problems`
builds from pySHACL's report: same location, same text, same multiplicity (one
per focus node and failing value for value constraints, one per focus node for
counts and node-level constraints, one per repeated language for sh:uniqueLang).

How it runs: each targeted shape's focus nodes are one query; each constraint
is one query over *all* nodes with values on its path, listing either the
nodes that fail (sh:class, sh:datatype, sh:maxCount, ...) or those that pass
(sh:minCount, sh:hasValue, sh:qualifiedMinCount); Python intersects or
subtracts the targets.  Node-level sh:or/sh:and become unions and
intersections of such sets.  Value-level nesting (sh:or of sh:datatype on a
value, sh:qualifiedValueShape) stays inside one query as FILTER expressions.
Shapes that share targets or a whole constraint share its answer.  About 1-2 s
on 1,000 agreements, a minute or so on 100,000 (5M triples).

What pySHACL validates (``ont_graph`` + ``inference="rdfs"``), reproduced here:

* The data graph is the asserted graph plus the ontology *inoculated* into it
  (``pyshacl.rdfutil.inoculate``): only the ontology's RDFS/OWL axiom triples
  (rdfs:label, rdfs:subClassOf, rdfs:domain, owl:..., typing with RDFS/OWL
  classes), its blank nodes, and every triple about or pointing at an
  owl:NamedIndividual.  Other ontology triples (skos:definition on a class,
  dcterms on the header) are not data.  The inoculated triples *are*
  validated like asserted ones (an ontology class with an untagged rdfs:label
  is a problem at ``(graph)``), as with pySHACL.
* RDFS entailment is done at query time: a node is an instance of C when it
  is typed with a subclass of C, or is the subject (object) of a property
  whose rdfs:domain (rdfs:range) is a subclass of C, through subproperties;
  a property's values include its subproperties' values.  The closures are
  computed in Python from the store's schema triples on every call.  As in
  owlrl, a literal object of a property with an rdfs:range is an instance of
  that range, so it can be a focus node (reported at ``(graph)``).

Limits (each raises :class:`CoopgraphError` at compile time rather than
passing silently): only the SHACL constructs used by the shipped shapes are
compiled (see ``_ALLOWED``); paths are an IRI or ``[ sh:inversePath IRI ]``;
targets are sh:targetClass and sh:targetSubjectsOf on node shapes; every
shape that reports needs exactly one sh:message (pySHACL's generated texts
are not reproduced); classes from the RDF/RDFS/OWL/XSD vocabularies (whose
RDFS meta-entailments are not reproduced) are refused, and so is a datatype
whose well-formedness rule is not known here.  Known differences from
pySHACL: well-formedness of xsd:date, xsd:duration, xsd:boolean and numbers
is Oxigraph's cast, not rdflib's parser (they agree on the usual mistakes,
but a literal that rdflib flags ill-typed *and* rewrites on output, such as
``"TRUE"^^xsd:boolean``, reaches the store as a valid ``"true"``); sh:pattern
is Oxigraph's regex, not Python's; a node typed with a blank-node class that
is a subclass of C is not found as a C.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from coopgraph.errors import CoopgraphError, Location, Problem
from coopgraph.iris import GRAPH_BASE
from coopgraph.perf import without_gc
from coopgraph.resources import shapes_file

if TYPE_CHECKING:
    import pyoxigraph as ox

    _Term = ox.NamedNode | ox.BlankNode | ox.Literal

_ASSERTED = f"<{GRAPH_BASE}asserted>"
_ONTOLOGY = f"<{GRAPH_BASE}ontology>"
_TYPE = f"<{RDF.type}>"
_NAMED_INDIVIDUAL = f"<{OWL.NamedIndividual}>"
_NOTHING = "FILTER(false)"  # the pattern without solutions


def _words(text: str) -> list[str]:
    return text.split()


# What pySHACL's inoculation copies from the ontology whatever the subject
# (pyshacl.rdfutil.consts RDFS_properties/OWL_properties, RDFS_classes/OWL_classes).
_RDFS_PROPERTIES = _words("comment domain isDefinedBy label member range seeAlso subClassOf subPropertyOf")
_OWL_PROPERTIES = _words(
    "allValuesFrom annotatedProperty annotatedSource annotatedTarget assertionProperty cardinality complementOf "
    "datatypeComplementOf differentFrom disjointUnionOf disjointWith distinctMembers equivalentClass "
    "equivalentProperty hasKey hasSelf hasValue intersectionOf inverseOf maxCardinality maxQualifiedCardinality "
    "members minCardinality minQualifiedCardinality onClass onDataRange onDatatype oneOf onProperties onProperty "
    "propertyChainAxiom propertyDisjointWith qualifiedCardinality sameAs someValuesFrom sourceIndividual "
    "targetIndividual targetValue unionOf withRestrictions"
)
_OWL_CLASSES = _words(
    "AllDifferent AllDisjointClasses AllDisjointProperties Annotation AnnotationProperty AsymmetricProperty Axiom "
    "Class DataRange DatatypeProperty DeprecatedClass DeprecatedProperty FunctionalProperty "
    "InverseFunctionalProperty IrreflexiveProperty NamedIndividual NegativePropertyAssertion ObjectProperty "
    "Ontology OntologyProperty ReflexiveProperty Restriction SymmetricProperty TransitiveProperty"
)
_RDFS_CLASSES = _words("Class Container ContainerMembershipProperty Datatype Literal Resource")
_INOCULATED_PROPERTIES = frozenset(
    [f"<{RDFS[name]}>" for name in _RDFS_PROPERTIES] + [f"<{OWL[name]}>" for name in _OWL_PROPERTIES]
)
_INOCULATED_CLASSES = tuple(f"<{RDFS[name]}>" for name in _RDFS_CLASSES) + tuple(f"<{OWL[n]}>" for n in _OWL_CLASSES)

# sh:datatype: rdflib parses these (an unparsable literal is ill-typed, so pySHACL rejects it) and
# Oxigraph can cast to them, so "well-formed" is "the cast of its lexical form succeeds".
_PARSED_DATATYPES = frozenset(
    XSD[name] for name in ("date", "dateTime", "time", "duration", "boolean", "integer", "decimal", "float", "double")
)
# rdflib does not parse these: pySHACL accepts any lexical form with the right datatype IRI.
_UNPARSED_DATATYPES = frozenset([XSD.gYear, XSD.gYearMonth, XSD.anyURI, XSD.string])

# Every sh: predicate a shape may carry; anything else is an error, never silently skipped.
_ALLOWED = frozenset(
    SH[name]
    for name in _words(
        "path property message targetClass targetSubjectsOf class datatype minCount maxCount or and hasValue in "
        "qualifiedValueShape qualifiedMinCount languageIn uniqueLang pattern minInclusive name description order group"
    )
)
_REPEATABLE = frozenset([SH.property, SH.targetClass, SH.targetSubjectsOf, SH["class"], SH["or"], SH["and"]])
_VALUE_KINDS = frozenset({"class", "datatype", "in", "pattern", "minInclusive", "languageIn", "or", "and"})


@dataclass(frozen=True)
class _Path:
    predicate: str  # the property as SPARQL, <iri>
    inverse: bool


@dataclass(frozen=True)
class _Constraint:
    """One constraint parameter of a shape (``kind`` is its sh: name)."""

    kind: str
    terms: tuple[str, ...] = ()  # SPARQL terms (sh:class, sh:in, ...); sh:datatype's IRI; sh:languageIn's tags
    count: int = 0  # sh:minCount, sh:maxCount, sh:qualifiedMinCount
    shapes: tuple[_Shape, ...] = ()  # sh:or, sh:and, sh:qualifiedValueShape


@dataclass(frozen=True)
class _Shape:
    name: str
    path: _Path | None
    constraints: tuple[_Constraint, ...]
    properties: tuple[_Shape, ...]
    message: str | None
    targets: tuple[tuple[str, str], ...]  # ("class" | "subjectsOf", <iri>)


@without_gc  # the answers are big sets of new objects: the collector would walk the caller's world again and again
def shape_problems(store: ox.Store, origins: dict[URIRef, Location], *, shapes: Path | None = None) -> list[Problem]:
    """Validate the store's ``asserted`` graph (with its ``ontology``) against the shapes, as pySHACL would."""
    import pyoxigraph as ox

    path = (shapes or shapes_file()).resolve()
    compiled = _compile(path, path.stat().st_mtime_ns)
    if not store.query(f"ASK {{ GRAPH {_ONTOLOGY} {{ ?s ?p ?o }} }}"):
        raise ValueError(f"the store has no ontology graph {_ONTOLOGY}: without it the shapes see no class hierarchy")
    runner = _Runner(store, _Schema.read(store))
    problems = []
    for check in _checks(compiled):
        for focus in runner.failing(check):
            node = URIRef(focus.value) if isinstance(focus, ox.NamedNode) else None
            where = origins.get(node, Location("(graph)")) if node is not None else Location("(graph)")
            problems.append(Problem(where, f"{check.message}{check.shown} ({_short(focus.value)})"))
    return sorted(problems)


def _select(store: ox.Store, query: str) -> list[tuple[_Term, ...]]:
    import pyoxigraph as ox

    solutions = store.query(query)
    assert isinstance(solutions, ox.QuerySolutions)
    return [tuple(row) for row in solutions]


def _short(text: str) -> str:
    """A node as problems name it: the local name of a term, the path under ``/id/`` of an individual."""
    for cut in ("#", "/id/"):
        if cut in text:
            return text.rsplit(cut, 1)[1] if cut == "#" else text.split(cut, 1)[1]
    return text


# --------------------------------------------------------------------------- compiling the shapes graph


@functools.cache
def _compile(path: Path, mtime_ns: int) -> tuple[_Shape, ...]:
    """The targeted shapes of a shapes file; cached per file and modification time."""
    graph = Graph().parse(path, format="turtle")
    parser = _Parser(graph, path)
    tops = sorted(
        {s for s in graph.subjects(RDF.type, SH.NodeShape)}
        | {s for p in (SH.targetClass, SH.targetSubjectsOf) for s in graph.subjects(p, None)},
        key=str,
    )
    shapes = tuple(parser.shape(node) for node in tops)
    for shape in shapes:
        if shape.path is not None:
            raise parser.error(shape.name, "a property shape with targets is not compiled; wrap it in a node shape")
        if shape.constraints and shape.message is None:
            raise parser.error(shape.name, "its node constraints need an sh:message")
        for prop in shape.properties:
            if prop.message is None:
                raise parser.error(prop.name, "a property shape needs an sh:message")
    unread = {s for s, p in graph.subject_predicates() if str(p).startswith(str(SH))} - parser.seen
    if unread:
        raise parser.error(_name(min(unread, key=str)), "it carries SHACL terms but is not reached from any shape")
    return shapes


def _name(node: Node) -> str:
    return str(node) if isinstance(node, URIRef) else f"blank node {node}"


class _Parser:
    """Reads shapes from the shapes graph, refusing whatever the compiler does not handle."""

    def __init__(self, graph: Graph, path: Path) -> None:
        self.graph = graph
        self.path = path
        self.seen: set[Node] = set()
        self._stack: list[Node] = []

    def error(self, where: str, what: str) -> CoopgraphError:
        return CoopgraphError(f"{self.path}: shape {where}: {what} (coopgraph.shapes compiles SHACL to SPARQL)")

    def shape(self, node: Node, within: str = "") -> _Shape:
        name = _name(node) if isinstance(node, URIRef) or not within else f"{within} > {_name(node)}"
        if node in self._stack:
            raise self.error(name, "recursive shapes are not compiled")
        self._stack.append(node)
        self.seen.add(node)
        values: dict[URIRef, list[Node]] = {}
        for p, o in self.graph.predicate_objects(node):
            assert isinstance(p, URIRef)
            if p == RDF.type and o in (SH.NodeShape, SH.PropertyShape):
                continue
            if str(p).startswith(str(SH)):
                if p not in _ALLOWED:
                    raise self.error(name, f"{p.n3(self.graph.namespace_manager)} is not supported")
                values.setdefault(p, []).append(o)
        for p, os in values.items():
            if len(os) > 1 and p not in _REPEATABLE:
                raise self.error(name, f"more than one {p.n3(self.graph.namespace_manager)}")
        one = {p: os[0] for p, os in values.items()}
        path = self._path(one[SH.path], name) if SH.path in one else None
        constraints = [c for p, os in values.items() for o in os for c in self._constraint(p, o, one, name)]
        if SH.qualifiedMinCount in one and SH.qualifiedValueShape not in one:
            raise self.error(name, "sh:qualifiedMinCount without sh:qualifiedValueShape")
        for c in constraints:
            if path is None and c.kind not in _VALUE_KINDS | {"hasValue"}:
                raise self.error(name, f"sh:{c.kind} needs sh:path")
        properties = tuple(self.shape(p, name) for p in sorted(values.get(SH.property, []), key=str))
        if path is not None and properties:
            raise self.error(name, "sh:property inside a property shape is not compiled")
        message = one.get(SH.message)
        targets = tuple(
            sorted(
                ("class" if p == SH.targetClass else "subjectsOf", self._iri(o, name))
                for p in (SH.targetClass, SH.targetSubjectsOf)
                for o in values.get(p, [])
            )
        )
        for kind, iri in targets:
            if kind == "class":
                self._user_class(iri, name)
        self._stack.pop()
        return _Shape(
            name, path, tuple(constraints), properties, str(message) if message is not None else None, targets
        )

    def _constraint(self, p: URIRef, o: Node, one: dict[URIRef, Node], name: str) -> Iterator[_Constraint]:
        if p == SH["class"]:
            yield _Constraint("class", (self._user_class(self._iri(o, name), name),))
        elif p == SH.datatype:
            if not isinstance(o, URIRef) or (o not in _PARSED_DATATYPES | _UNPARSED_DATATYPES | {RDF.langString}):
                raise self.error(name, f"sh:datatype {o}: its well-formedness rule is not known to the compiler")
            yield _Constraint("datatype", (str(o),))
        elif p in (SH.minCount, SH.maxCount, SH.qualifiedMinCount):
            if not isinstance(o, Literal) or not isinstance(o.value, int):
                raise self.error(name, f"{p.n3(self.graph.namespace_manager)} needs an integer")
            if p == SH.minCount:
                yield _Constraint("minCount", count=o.value)
            elif p == SH.maxCount:
                yield _Constraint("maxCount", count=o.value)
        elif p == SH.qualifiedValueShape:
            count = one.get(SH.qualifiedMinCount)
            if not isinstance(count, Literal) or not isinstance(count.value, int):
                raise self.error(name, "sh:qualifiedValueShape needs an integer sh:qualifiedMinCount")
            yield _Constraint("qualifiedMinCount", count=count.value, shapes=(self.shape(o, name),))
        elif p in (SH["or"], SH["and"]):
            kind = "or" if p == SH["or"] else "and"
            yield _Constraint(kind, shapes=tuple(self.shape(member, name) for member in self._list(o, name)))
        elif p == SH.hasValue:
            yield _Constraint("hasValue", (self._term(o, name),))
        elif p == SH["in"]:
            yield _Constraint("in", tuple(self._term(member, name) for member in self._list(o, name)))
        elif p == SH.languageIn:
            tags = self._list(o, name)
            if not all(isinstance(t, Literal) and isinstance(t.value, str) for t in tags):
                raise self.error(name, "sh:languageIn needs a list of strings")
            yield _Constraint("languageIn", tuple(sorted({str(t).lower() for t in tags})))
        elif p == SH.uniqueLang:
            if not (isinstance(o, Literal) and isinstance(o.value, bool)):
                raise self.error(name, "sh:uniqueLang needs true or false")
            if o.value:
                yield _Constraint("uniqueLang")
        elif p == SH.pattern:
            try:
                re.compile(str(o))
            except re.error as bad:
                raise self.error(name, f"sh:pattern {str(o)!r} is not a regular expression: {bad}") from None
            yield _Constraint("pattern", (Literal(str(o)).n3(),))
        elif p == SH.minInclusive:
            if not isinstance(o, Literal):
                raise self.error(name, "sh:minInclusive needs a literal")
            yield _Constraint("minInclusive", (o.n3(),))
        # sh:path, sh:property, sh:message, targets and sh:name & co. are read by shape()

    def _path(self, node: Node, name: str) -> _Path:
        if isinstance(node, URIRef):
            if node == RDF.type:
                raise self.error(name, "sh:path rdf:type is not compiled (RDFS typing is not a plain property)")
            return _Path(f"<{node}>", False)
        inverse = self.graph.value(node, SH.inversePath)
        if (
            isinstance(node, BNode)
            and isinstance(inverse, URIRef)
            and len(list(self.graph.predicate_objects(node))) == 1
        ):
            self.seen.add(node)
            return _Path(f"<{inverse}>", True)
        raise self.error(name, "only an IRI or [ sh:inversePath IRI ] is compiled as sh:path")

    def _list(self, node: Node, name: str) -> list[Node]:
        items = list(self.graph.items(node))
        if not items:
            raise self.error(name, "expected a non-empty RDF list")
        return items

    def _iri(self, node: Node, name: str) -> str:
        if not isinstance(node, URIRef):
            raise self.error(name, f"expected an IRI, found {node}")
        return f"<{node}>"

    def _term(self, node: Node, name: str) -> str:
        if isinstance(node, (URIRef, Literal)):
            return node.n3()
        raise self.error(name, "a blank node as a value is not compiled")

    def _user_class(self, iri: str, name: str) -> str:
        if any(iri.startswith(f"<{ns}") for ns in (RDF, RDFS, OWL, XSD)):
            raise self.error(name, f"class {iri}: RDFS entailment of RDF/RDFS/OWL classes is not reproduced")
        return iri


# --------------------------------------------------------------------------- RDFS entailment


@dataclass(frozen=True)
class _Schema:
    """The RDFS closures of the store's schema triples (both graphs), as SPARQL IRIs."""

    sub_classes: dict[str, frozenset[str]]  # class -> itself and every (indirect) subclass
    sub_properties: dict[str, frozenset[str]]  # property -> itself and every (indirect) subproperty
    domains: dict[str, frozenset[str]]  # property -> its declared rdfs:domain classes
    ranges: dict[str, frozenset[str]]
    # What occurs at all, so that a query leaves out lookups that cannot match (a third of the time):
    asserted_types: frozenset[str]  # classes with an rdf:type triple in asserted
    ontology_predicates: frozenset[str]
    ontology_types: frozenset[str]

    @classmethod
    def read(cls, store: ox.Store) -> _Schema:
        query = (
            f"SELECT DISTINCT ?s ?p ?o WHERE {{ VALUES ?p {{ <{RDFS.subClassOf}> <{RDFS.subPropertyOf}> "
            f"<{RDFS.domain}> <{RDFS.range}> }} {{ GRAPH {_ASSERTED} {{ ?s ?p ?o }} }} UNION "
            f"{{ GRAPH {_ONTOLOGY} {{ ?s ?p ?o }} }} }}"
        )
        edges: dict[str, list[tuple[str, str]]] = {}
        for s, p, o in _select(store, query):
            edges.setdefault(p.value, []).append((str(s), str(o)))

        def terms(where: str) -> frozenset[str]:
            return frozenset(str(x) for (x,) in _select(store, f"SELECT DISTINCT ?x WHERE {{ {where} }}"))

        return cls(
            _downward(edges.get(str(RDFS.subClassOf), [])),
            _downward(edges.get(str(RDFS.subPropertyOf), [])),
            _grouped(edges.get(str(RDFS.domain), [])),
            _grouped(edges.get(str(RDFS.range), [])),
            terms(f"GRAPH {_ASSERTED} {{ ?s {_TYPE} ?x }}"),
            terms(f"GRAPH {_ONTOLOGY} {{ ?s ?x ?o }}"),
            terms(f"GRAPH {_ONTOLOGY} {{ ?s {_TYPE} ?x }}"),
        )

    def classes(self, cls: str) -> frozenset[str]:
        return self.sub_classes.get(cls, frozenset([cls]))

    def properties(self, prop: str) -> frozenset[str]:
        return self.sub_properties.get(prop, frozenset([prop]))

    def typing(self, cls: str, declared: dict[str, frozenset[str]]) -> frozenset[str]:
        """Every property whose use types its subject (domain) or object (range) as an instance of ``cls``."""
        classes = self.classes(cls)
        return frozenset(q for p, ds in declared.items() if ds & classes for q in self.properties(p))


def _downward(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """node -> the node and everything below it, from (sub, super) pairs: rdfs5/rdfs11 plus reflexivity."""
    below: dict[str, set[str]] = {}
    for sub, sup in pairs:
        below.setdefault(sup, set()).add(sub)
    closed = {}
    for top in below:
        seen, todo = {top}, [top]
        while todo:
            for sub in below.get(todo.pop(), ()):
                if sub not in seen:
                    seen.add(sub)
                    todo.append(sub)
        closed[top] = frozenset(seen)
    return closed


def _grouped(pairs: Iterable[tuple[str, str]]) -> dict[str, frozenset[str]]:
    grouped: dict[str, set[str]] = {}
    for key, value in pairs:
        grouped.setdefault(key, set()).add(value)
    return {key: frozenset(values) for key, values in grouped.items()}


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
        for c in shape.constraints:
            yield _Check(shape, shape, c, str(shape.message), "")
        for prop in shape.properties:
            assert prop.path is not None
            shown = "" if prop.path.inverse else f" [{_short(prop.path.predicate[1:-1])}]"
            for c in prop.constraints:
                yield _Check(shape, prop, c, str(prop.message), shown)


class _Runner:
    """Runs the checks' queries, each once, and combines their answers with the targets in Python.

    A constraint query covers every node with values on the path (not only the targets), so a
    shape's targets are computed once and shapes that share a constraint share its answer.  A
    query lists either the nodes that fail (sh:class, sh:maxCount, ...) or those that pass
    (sh:minCount, sh:hasValue); node-level sh:or/sh:and become unions and intersections of such
    sets, rather than an EXISTS per focus node (28 s at 100k agreements).
    """

    def __init__(self, store: ox.Store, schema: _Schema) -> None:
        self.store = store
        self.schema = schema
        self._answers: dict[str, list[tuple[_Term, ...]]] = {}
        self._sets: dict[str, frozenset[_Term]] = {}

    def rows(self, query: str) -> list[tuple[_Term, ...]]:
        if query not in self._answers:
            self._answers[query] = _select(self.store, query)
        return self._answers[query]

    def targets(self, shape: _Shape) -> list[_Term]:
        return [focus for (focus,) in self.rows(self.targets_query(shape))]

    def target_set(self, shape: _Shape) -> frozenset[_Term]:
        query = self.targets_query(shape)
        if query not in self._sets:
            self._sets[query] = frozenset(focus for (focus,) in self.rows(query))
        return self._sets[query]

    def targets_query(self, shape: _Shape) -> str:
        return f"SELECT DISTINCT ?focus WHERE {{ {_Sparql(self.schema).targets(shape)} }}"

    def failing(self, check: _Check) -> list[_Term]:
        """The focus nodes with a result, once per result (per failing value for value constraints)."""
        targets = self.targets(check.shape)
        if check.holder.path is not None:
            query, passing = _Sparql(self.schema).violations(check.holder.path, check.constraint)
            found = [row[0] for row in self.rows(query)]
            if passing:
                have = set(found)
                return [focus for focus in targets if focus not in have]
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
            found = {row[0] for row in self.rows(query)}
            return targets & found if passing else targets - found
        if c.kind in ("or", "and"):
            sets = [self.conforming(top, member) for member in c.shapes]
            return frozenset().union(*sets) if c.kind == "or" else targets.intersection(*sets)
        if c.kind == "class":  # the instances, as for sh:targetClass; a literal is never one
            where = f"{sparql.instance('?focus', c.terms[0])} FILTER(!isLiteral(?focus))"
            return targets & {focus for (focus,) in self.rows(f"SELECT DISTINCT ?focus WHERE {{ {where} }}")}
        # any other value constraint on the focus node itself: test each target in SPARQL
        where = f"{{ {self.targets_query(top)} }} FILTER({sparql.value_ok(c, '?focus')})"
        return frozenset(focus for (focus,) in self.rows(f"SELECT ?focus WHERE {{ {where} }}"))

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
        if c.kind == "uniqueLang":  # one result per language tag used twice
            b = self.var()
            same = self.same_language(path, x, v, b)
            return f"SELECT DISTINCT ?focus ?lang WHERE {{ {same} BIND(LCASE(LANG({v})) AS ?lang) }}", False
        if c.kind == "hasValue":
            return f"SELECT DISTINCT ?focus WHERE {{ {values} FILTER(sameTerm({v}, {c.terms[0]})) }}", True
        if c.kind == "maxCount":
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
        for kind, iri in shape.targets:
            if kind == "class":
                branches.append(self.instance("?focus", iri))
            else:
                branches.append(self.edge("?focus", self.schema.properties(iri), self.var()))
        return self._union(branches)

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
        if c.kind == "minInclusive":
            return f"(isLiteral({v}) && COALESCE({v} >= {c.terms[0]}, false))"
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
