"""The data contract after populate: SHACL shapes and the violation queries.

`coopgraph check` runs these after the per-file checks of :mod:`curate`.  Each
SHACL result and each row of a ``queries/checks/*.rq`` query becomes a
:class:`Problem` placed at the YAML record that produced the offending node.
A check query returns ``?focus`` (the node) and ``?message`` (what is wrong).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, URIRef
from rdflib.namespace import SH

from coopgraph.checks.shapes_graph import _short
from coopgraph.errors import Location, Problem
from coopgraph.resources import queries_dir, shapes_file

if TYPE_CHECKING:
    import pyoxigraph as ox


def shacl_problems(
    data: Graph, ontology: Graph, origins: dict[URIRef, Location], shapes_path: Path | None = None
) -> list[Problem]:
    """pySHACL over the asserted graph (with the ontology for class hierarchy): the reference.

    The build runs :func:`shape_problems` (the same shapes compiled to SPARQL);
    tests/test_shapes.py compares the two on many inputs.
    """
    import pyshacl  # heavy: only the tests pay for it now

    shapes = Graph().parse(shapes_path or shapes_file(), format="turtle")
    conforms, report, _ = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs", abort_on_first=False, allow_warnings=True
    )
    if conforms:
        return []
    problems = []
    for result in report.subjects(SH.resultSeverity, SH.Violation):
        focus = report.value(result, SH.focusNode)
        message = report.value(result, SH.resultMessage) or "violates the data contract"
        path = report.value(result, SH.resultPath)
        where = origins.get(focus, Location("(graph)")) if isinstance(focus, URIRef) else Location("(graph)")
        shown = f" [{_short(str(path))}]" if isinstance(path, URIRef) else ""
        problems.append(Problem(where, f"{message}{shown} ({_short(str(focus))})"))
    return problems


def shape_problems(store: ox.Store, origins: Mapping[Any, Location]) -> list[Problem]:
    """The SHACL shapes over a store's ``asserted`` graph (the ``ontology`` graph gives the class hierarchy).

    Compiled to SPARQL and run on Oxigraph (:mod:`coopgraph.checks.shapes`): the same
    results as pySHACL (:func:`shacl_problems`, which a test compares), in
    seconds where pySHACL took minutes for a thousand agreements.
    """
    from coopgraph.checks.shapes import shape_problems as compiled

    return compiled(store, origins)  # type: ignore[arg-type]


def store_problems(store: ox.Store, origins: Mapping[Any, Location]) -> list[Problem]:
    """The shapes' problems, then the violation queries', with the violation queries run on a second thread.

    Oxigraph evaluates a query without holding the GIL, and the two halves only read the
    store, so on two cores they overlap: at 100,000 agreements on disk the shapes take
    49 s and the four violation queries 25 s, one after the other (benchmarks/WHY.md).
    The problems come in the same order as run one after the other.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1, thread_name_prefix="coopgraph-violations") as pool:
        violations = pool.submit(query_problems, store, origins)
        shapes = shape_problems(store, origins)
        return shapes + violations.result()


def query_problems(store: ox.Store, origins: Mapping[Any, Location], directory: Path | None = None) -> list[Problem]:
    """Run every violation query over the store's graphs (their union); each row is one problem."""
    import pyoxigraph as ox

    problems = []
    for path in sorted((directory or queries_dir() / "checks").glob("*.rq")):
        answer = store.query(path.read_text(encoding="utf-8"), use_default_graph_as_union=True)
        assert isinstance(answer, ox.QuerySolutions), f"{path}: a check query is a SELECT"
        names = {variable.value for variable in answer.variables}
        for row in answer:
            focus = row["focus"] if "focus" in names else None
            message = row["message"] if "message" in names else None
            node = focus.value if isinstance(focus, ox.NamedNode) else None
            where = (origins.get(node) or origins.get(URIRef(node))) if node is not None else None
            text = (message.value if message is not None else "") or path.stem
            problems.append(Problem(where or Location("(graph)"), f"{text} ({path.stem})"))
    return problems
