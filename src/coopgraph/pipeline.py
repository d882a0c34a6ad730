"""The pipeline end to end: curate -> populate -> validate -> reason -> write.

Only this module and the CLI touch files; the stages are plain functions.

>>> summary = build(Path("data"), Path("build"))      # doctest: +SKIP
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, Graph, URIRef

from coopgraph.curate import World, curate
from coopgraph.dataset import Parts, new_graph, read_ontology, serialise_trig, serialise_turtle, write_atomically
from coopgraph.errors import CoopgraphError, Location, Problem
from coopgraph.populate import populate
from coopgraph.store import STORE_LINK, write_store
from coopgraph.vocab import COOP, DEFAULT_BASE

REASONERS = ("auto", "hermit", "pellet", "rules", "none")


@dataclass(frozen=True)
class Checked:
    """A world that passed every check, with its graphs."""

    world: World
    ontology: Graph
    asserted: Graph
    origins: dict[URIRef, Location]


def check(data_dir: Path, *, base: str = DEFAULT_BASE) -> Checked:
    """Every check a curator needs, in order; raise one error listing all problems."""
    from coopgraph.validate import query_problems, shacl_problems

    world = curate(data_dir)
    ontology = read_ontology()
    asserted, origins = populate(world, base=base)
    problems: list[Problem] = shacl_problems(asserted, ontology, origins)
    problems += query_problems(asserted + ontology, origins)
    if problems:
        raise CoopgraphError(problems)
    return Checked(world, ontology, asserted, origins)


def infer(checked: Checked, *, reasoner: str) -> Graph:
    """The inferred graph (empty with ``reasoner="none"``)."""
    if reasoner == "none":
        return new_graph()
    from coopgraph.reason import reason

    return reason(checked.ontology, checked.asserted, reasoner=reasoner, origins=checked.origins)


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    outputs: list[Path]

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"built {counts} -> {', '.join(str(p) for p in self.outputs)}"


def build(data_dir: Path, out_dir: Path, *, base: str = DEFAULT_BASE, reasoner: str = "auto") -> Summary:
    """Check, populate, reason and write ``coopgraph.ttl`` and ``coopgraph.trig`` atomically."""
    checked = check(data_dir, base=base)
    parts = Parts(checked.ontology, checked.asserted, infer(checked, reasoner=reasoner))
    from coopgraph.html import explorer_page  # pyvis and numpy only when building

    files = {
        out_dir / "coopgraph.ttl": serialise_turtle(parts.union(base=base)),
        out_dir / "coopgraph.trig": serialise_trig(parts, base=base),
        out_dir / "coopgraph.html": explorer_page(parts),
    }
    write_atomically(files)
    write_store(parts, out_dir)
    return Summary(counts(checked.world, parts), [*files, out_dir / STORE_LINK])


def counts(world: World, parts: Parts) -> dict[str, int]:
    inferred_edges = sum(1 for _ in parts.inferred.subject_objects(COOP.cooperatesWith)) // 2
    return {
        "agreements": len(world.agreements),
        "actors": len(world.actors),
        "people": len(world.people),
        "topics": len(world.topics),
        "sources": len(world.sources),
        "asserted triples": len(parts.asserted),
        "inferred triples": len(parts.inferred),
        "cooperation edges": inferred_edges,
        "ontology triples": len(parts.ontology),
        "typed nodes": len(set(parts.asserted.subjects(RDF.type, None))),
    }
