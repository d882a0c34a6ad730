"""The SHACL shapes as SPARQL: the data contract checked on an Oxigraph store.

pySHACL took 85 s on 1,000 agreements (144k triples) and does not scale to a
5M-triple build.  This module reads ``ontology/shapes.ttl`` once (cached per
file and modification time), compiles every constraint into a SPARQL SELECT,
and runs those on the store that holds the named graphs ``asserted`` and
``ontology``.  The problems are the ones :func:`coopgraph.checks.validate.shacl_problems`
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

Limits (each raises :class:`CoopgraphError` at compile time, naming the construct, rather than
passing silently): the SHACL Core constructs compiled are listed in ``_ALLOWED``
(tests/check/test_shacl_core.py has a case for each Core construct, compiled or refused);
paths are an IRI or ``[ sh:inversePath IRI ]``; targets are sh:targetClass, sh:targetNode,
sh:targetObjectsOf, sh:targetSubjectsOf and the implicit class target of a shape typed
rdfs:Class (one level, as pySHACL reads it: owl:Class alone or a longer subclass chain is
refused); sh:deactivated is read on shapes and property shapes, not inside sh:or/sh:and;
only sh:Violation is compiled as a severity; every shape that reports needs exactly one
sh:message (pySHACL's generated texts are not reproduced); classes from the RDF/RDFS/OWL/XSD
vocabularies (whose RDFS meta-entailments are not reproduced) are refused, and so is a datatype
whose well-formedness rule is not known here.  Known differences from pySHACL: a value range
(sh:minInclusive ...) against a literal of an incomparable datatype (a date against 5) fails,
as SHACL defines it, where pySHACL orders such literals by their datatype IRIs; well-formedness
of xsd:date, xsd:duration, xsd:boolean and numbers
is Oxigraph's cast, not rdflib's parser (they agree on the usual mistakes,
but a literal that rdflib flags ill-typed *and* rewrites on output, such as
``"TRUE"^^xsd:boolean``, reaches the store as a valid ``"true"``); sh:pattern
is Oxigraph's regex, not Python's; a node typed with a blank-node class that
is a subclass of C is not found as a C.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from coopgraph.checks.entailment import _Schema
from coopgraph.checks.shapes_graph import _ONTOLOGY, _compile, _short
from coopgraph.checks.sparql_checks import _checks, _Runner
from coopgraph.errors import Location, Problem
from coopgraph.perf import without_gc
from coopgraph.resources import shapes_file

if TYPE_CHECKING:
    import pyoxigraph as ox

    _Term = ox.NamedNode | ox.BlankNode | ox.Literal


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
    for check, failing in runner.results(_checks(compiled)):
        for focus in failing:
            node = URIRef(focus.value) if isinstance(focus, ox.NamedNode) else None
            where = origins.get(node, Location("(graph)")) if node is not None else Location("(graph)")
            problems.append(Problem(where, f"{check.message}{check.shown} ({_short(focus.value)})"))
    return sorted(problems)
