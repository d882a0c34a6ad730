"""The shapes graph (``ontology/shapes.ttl``) read into :class:`_Shape` objects, refusing what is not compiled."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD
from rdflib.term import Node

from coopgraph.errors import CoopgraphError
from coopgraph.graph.iris import GRAPH_BASE

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
        "path property message targetClass targetSubjectsOf targetObjectsOf targetNode class datatype nodeKind "
        "minCount maxCount or and hasValue in qualifiedValueShape qualifiedMinCount languageIn uniqueLang pattern "
        "minInclusive minExclusive maxInclusive maxExclusive minLength maxLength deactivated severity "
        "name description order group defaultValue"
    )
)
_TARGETS = {
    SH.targetClass: "class",
    SH.targetSubjectsOf: "subjectsOf",
    SH.targetObjectsOf: "objectsOf",
    SH.targetNode: "node",
}
_REPEATABLE = frozenset([SH.property, SH["class"], SH["or"], SH["and"], *_TARGETS])
_RANGES = {"minInclusive": ">=", "minExclusive": ">", "maxInclusive": "<=", "maxExclusive": "<"}
_NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.BlankNode: "isBlank({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
_VALUE_KINDS = frozenset(
    {"class", "datatype", "nodeKind", "in", "pattern", "languageIn", "minLength", "maxLength", "or", "and", *_RANGES}
)
# The SHACL Core terms that are refused wherever they appear, with what they are (for the error).
_REFUSED_PATHS = {
    SH.alternativePath: "sh:alternativePath",
    SH.zeroOrMorePath: "sh:zeroOrMorePath",
    SH.oneOrMorePath: "sh:oneOrMorePath",
    SH.zeroOrOnePath: "sh:zeroOrOnePath",
}


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
    targets: tuple[tuple[str, str], ...]  # ("class" | "subjectsOf" | "objectsOf" | "node", SPARQL term)
    deactivated: bool = False


# --------------------------------------------------------------------------- compiling the shapes graph


@functools.cache
def _compile(path: Path, mtime_ns: int) -> tuple[_Shape, ...]:
    """The shapes of a shapes file that are validated (targeted or not, deactivated ones left out); cached."""
    graph = Graph().parse(path, format="turtle")
    parser = _Parser(graph, path)
    declared = set(graph.subjects(RDF.type, SH.NodeShape)) | set(graph.subjects(RDF.type, SH.PropertyShape))
    parser.implicit = _implicit_class_targets(graph, parser, declared)
    tops = sorted(declared | {s for p in _TARGETS for s in graph.subjects(p, None)}, key=str)
    shapes = tuple(shape for shape in (parser.shape(node) for node in tops) if not shape.deactivated)
    for shape in shapes:
        if shape.constraints and shape.message is None:
            what = "a property shape needs" if shape.path is not None else "its node constraints need"
            raise parser.error(shape.name, f"{what} an sh:message")
        for prop in shape.properties:
            if prop.message is None:
                raise parser.error(prop.name, "a property shape needs an sh:message")
    unread = {s for s, p in graph.subject_predicates() if str(p).startswith(str(SH))} - parser.seen
    if unread:
        node = min(unread, key=str)
        terms = sorted({p.n3(graph.namespace_manager) for p in graph.predicates(node) if str(p).startswith(str(SH))})
        raise parser.error(_name(node), f"it carries {', '.join(terms)} but is not reached from any shape")
    return shapes


def _implicit_class_targets(graph: Graph, parser: _Parser, declared: set[Node]) -> frozenset[Node]:
    """The shapes that are also classes: SHACL targets each at its own instances (an implicit sh:targetClass).

    A class is a SHACL instance of rdfs:Class in the shapes graph.  pySHACL reads that one level deep
    (rdf:type rdfs:Class, or a type declared rdfs:subClassOf rdfs:Class) and only for nodes it
    takes for shapes, so what lies beyond (owl:Class alone, longer chains, an undeclared shape that
    is a class) is refused rather than guessed.
    """
    meta = {RDFS.Class, *graph.subjects(RDFS.subClassOf, RDFS.Class)}
    beyond = ({OWL.Class} | set(graph.transitive_subjects(RDFS.subClassOf, RDFS.Class))) - meta
    carrying = {s for s, p in graph.subject_predicates() if str(p).startswith(str(SH))}
    found = set()
    for node in sorted(carrying | declared, key=str):
        types = set(graph.objects(node, RDF.type))
        if types & meta:
            if node not in declared:
                raise parser.error(
                    _name(node),
                    "an rdfs:Class carrying SHACL terms is compiled as an implicit class target only when it "
                    "is typed sh:NodeShape (or sh:PropertyShape)",
                )
            found.add(node)
        elif types & beyond:
            shown = ", ".join(sorted(t.n3(graph.namespace_manager) for t in types & beyond))
            raise parser.error(
                _name(node),
                f"typed {shown}: an implicit class target is compiled only for rdf:type rdfs:Class "
                "(or a direct rdfs:subClassOf rdfs:Class); use sh:targetClass",
            )
    return frozenset(found)


def _name(node: Node) -> str:
    return str(node) if isinstance(node, URIRef) else f"blank node {node}"


class _Parser:
    """Reads shapes from the shapes graph, refusing whatever the compiler does not handle."""

    def __init__(self, graph: Graph, path: Path) -> None:
        self.graph = graph
        self.path = path
        self.seen: set[Node] = set()
        self.implicit: frozenset[Node] = frozenset()
        self._stack: list[Node] = []

    def error(self, where: str, what: str) -> CoopgraphError:
        return CoopgraphError(f"{self.path}: shape {where}: {what} (coopgraph.checks.shapes compiles SHACL to SPARQL)")

    def shape(self, node: Node, within: str = "", role: str = "top") -> _Shape:
        """One shape; ``role`` is how it was reached: "top", "property" (of a shape), "member" (of a constraint)."""
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
        types = set(self.graph.objects(node, RDF.type))
        if SH.NodeShape in types and (SH.PropertyShape in types or SH.path in one):
            raise self.error(name, "an sh:NodeShape cannot be a property shape (sh:PropertyShape or sh:path)")
        if SH.path not in one and (SH.PropertyShape in types or role == "property"):
            raise self.error(name, "a property shape (sh:PropertyShape, or a value of sh:property) needs an sh:path")
        deactivated = self._flag(one.get(SH.deactivated), "sh:deactivated", name)
        if deactivated and role == "member":
            raise self.error(name, "sh:deactivated on a shape inside sh:or/sh:and/sh:qualifiedValueShape")
        severity = one.get(SH.severity)
        if severity is not None and severity != SH.Violation:
            shown = severity.n3(self.graph.namespace_manager)
            raise self.error(name, f"sh:severity {shown}: only sh:Violation is compiled (the build reports violations)")
        path = self._path(one[SH.path], name) if SH.path in one else None
        constraints = [c for p, os in values.items() for o in os for c in self._constraint(p, o, one, name)]
        if SH.qualifiedMinCount in one and SH.qualifiedValueShape not in one:
            raise self.error(name, "sh:qualifiedMinCount without sh:qualifiedValueShape")
        for c in constraints:
            if path is None and c.kind not in _VALUE_KINDS | {"hasValue"}:
                raise self.error(name, f"sh:{c.kind} needs sh:path")
        parsed = [self.shape(p, name, "property") for p in sorted(values.get(SH.property, []), key=str)]
        properties = tuple(p for p in parsed if not p.deactivated)
        if path is not None and parsed:
            raise self.error(name, "sh:property inside a property shape is not compiled")
        message = one.get(SH.message)
        targets = [(kind, self._target(kind, o, name)) for p, kind in _TARGETS.items() for o in values.get(p, [])]
        if node in self.implicit:
            targets.append(("class", self._user_class(self._iri(node, name), name)))
        self._stack.pop()
        return _Shape(
            name,
            path,
            tuple(constraints),
            properties,
            str(message) if message is not None else None,
            tuple(sorted(set(targets))),
            deactivated,
        )

    def _target(self, kind: str, o: Node, name: str) -> str:
        if kind == "node":
            return self._term(o, name)
        iri = self._iri(o, name)
        if kind == "class":
            return self._user_class(iri, name)
        if o == RDF.type:
            raise self.error(name, f"sh:target{kind[0].upper()}{kind[1:]} rdf:type is not compiled (RDFS typing)")
        return iri

    def _flag(self, o: Node | None, what: str, name: str) -> bool:
        if o is None:
            return False
        if not (isinstance(o, Literal) and isinstance(o.value, bool)):
            raise self.error(name, f"{what} needs true or false")
        return o.value

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
            yield _Constraint("qualifiedMinCount", count=count.value, shapes=(self.shape(o, name, "member"),))
        elif p in (SH["or"], SH["and"]):
            kind = "or" if p == SH["or"] else "and"
            members = self._list(o, name)
            yield _Constraint(kind, shapes=tuple(self.shape(member, name, "member") for member in members))
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
            if self._flag(o, "sh:uniqueLang", name):
                yield _Constraint("uniqueLang")
        elif p == SH.pattern:
            try:
                re.compile(str(o))
            except re.error as bad:
                raise self.error(name, f"sh:pattern {str(o)!r} is not a regular expression: {bad}") from None
            yield _Constraint("pattern", (Literal(str(o)).n3(),))
        elif p.removeprefix(str(SH)) in _RANGES:
            if not isinstance(o, Literal):
                raise self.error(name, f"{p.n3(self.graph.namespace_manager)} needs a literal")
            yield _Constraint(p.removeprefix(str(SH)), (o.n3(),))
        elif p in (SH.minLength, SH.maxLength):
            if not isinstance(o, Literal) or not isinstance(o.value, int) or o.value < 0:
                raise self.error(name, f"{p.n3(self.graph.namespace_manager)} needs a non-negative integer")
            yield _Constraint(p.removeprefix(str(SH)), count=o.value)
        elif p == SH.nodeKind:
            if o not in _NODE_KINDS:
                raise self.error(name, f"sh:nodeKind {o}: not a SHACL node kind")
            yield _Constraint("nodeKind", (str(o),))
        # sh:path, sh:property, sh:message, targets, sh:deactivated, sh:severity and sh:name & co. are read
        # by shape(); sh:name, sh:description, sh:order, sh:group and sh:defaultValue do not validate

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
        if self.graph.value(node, RDF.first) is not None:
            raise self.error(name, "a sequence path (an RDF list as sh:path) is not compiled")
        for p, shown in _REFUSED_PATHS.items():
            if self.graph.value(node, p) is not None:
                raise self.error(name, f"{shown} is not compiled as sh:path")
        if inverse is not None:
            raise self.error(name, "sh:inversePath of anything but an IRI is not compiled")
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
