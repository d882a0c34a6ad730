"""Inference at scale: HermiT, owlrl, coopgraph's rules, and a bare pyoxigraph-rules baseline.

    python benchmarks/bench_reason.py                      # 100, 1k and 10k agreements
    python benchmarks/bench_reason.py --sizes 1000,10000,100000 --hermit-max 1000 --timeout 1800

The worlds come from :mod:`benchmarks.generate` (cached under ``benchmarks/out``
as ``benchmarks/run.py`` caches them).  Each reasoner gets the same asserted
graph (the build's N-Triples) and the ontology; times are for inference only
(loading the triples into the reasoner's store included, curating and
populating not), each reasoner in a fresh process stopped after ``--timeout``,
as wall seconds and CPU seconds of that process and its children (the JVM),
since the machine may be busy.

- ``rules``: :func:`coopgraph.reason.reasoner.reason_ntriples`: the compiled rules,
  semi-naive, plus the cooperation rule, the contradiction checks and the
  inferred graph written out as N-Triples: the whole stage.
- ``baseline``: the bare approach: generic rules that read the schema from the
  store (``?p rdfs:subPropertyOf ?q . ?x ?p ?y`` …) as SPARQL updates on
  pyoxigraph, re-run over everything until nothing new comes, plus the same
  cooperation rule.  No contradiction checks, nothing written out.
- ``hermit``: :func:`coopgraph.reason.reasoner.reason` with HermiT via owlready2.
- ``owlrl``: owlrl's OWL 2 RL closure of the rdflib graph (it derives much
  more: every RL entailment, literals included; and checks nothing we report).

:func:`inference` is what ``benchmarks/run.py`` calls for its inference row.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
OUT = ROOT / "benchmarks" / "out"

OWL = "http://www.w3.org/2002/07/owl#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
BASELINE_GRAPH = "urn:bench:inferred"

# The bare rules: one SPARQL update per RDFS/OWL construct our ontology uses, the schema read from the store.
_INSERT = (
    f"INSERT {{ ?s ?p ?o . GRAPH <{BASELINE_GRAPH}> {{ ?s ?p ?o }} }} "
    "WHERE { { SELECT DISTINCT ?s ?p ?o WHERE { %s } } FILTER NOT EXISTS { ?s ?p ?o } }"
)
_STEP = """{{ FILTER(isIRI(?{e})) ?{a} ?{e} ?{b} }} UNION {{ ?{e} <{OWL}inverseOf> ?{e}i . ?{b} ?{e}i ?{a} }}"""
BASELINE_RULES = [
    _INSERT % f"?x a ?c . ?c <{RDFS}subClassOf> ?o . FILTER(isIRI(?o)) BIND(?x AS ?s) BIND(<{RDF}type> AS ?p)",
    _INSERT % f"?x a ?c . {{ ?c <{OWL}equivalentClass> ?o }} UNION {{ ?o <{OWL}equivalentClass> ?c }} "
    f"FILTER(isIRI(?o)) BIND(?x AS ?s) BIND(<{RDF}type> AS ?p)",
    _INSERT % f"?s ?q ?o . ?q <{RDFS}subPropertyOf> ?p . FILTER(isIRI(?p))",
    _INSERT % f"?o ?q ?s . {{ ?q <{OWL}inverseOf> ?p }} UNION {{ ?p <{OWL}inverseOf> ?q }} "
    "FILTER(isIRI(?p) && !isLiteral(?s))",
    _INSERT % f"?o ?p ?s . ?p a <{OWL}SymmetricProperty> .",
    _INSERT % f"?s ?q ?y . ?q <{RDFS}domain> ?o . FILTER(isIRI(?o)) BIND(<{RDF}type> AS ?p)",
    _INSERT % f"?x ?q ?s . ?q <{RDFS}range> ?o ; a <{OWL}ObjectProperty> . FILTER(isIRI(?o) && !isLiteral(?s)) "
    f"BIND(<{RDF}type> AS ?p)",
    _INSERT % f"?s a ?c . ?c <{RDFS}subClassOf> ?r . ?r <{OWL}onProperty> ?p ; <{OWL}hasValue> ?o .",
    _INSERT
    % (
        f"?p <{OWL}propertyChainAxiom> ?l . ?l <{RDF}first> ?e1 ; <{RDF}rest> ?l2 . ?l2 <{RDF}first> ?e2 ; "
        f"<{RDF}rest> <{RDF}nil> . "
        + _STEP.format(e="e1", a="s", b="m", OWL=OWL)
        + " "
        + _STEP.format(e="e2", a="m", b="o", OWL=OWL)
    ),
    _INSERT
    % (
        f"?p <{OWL}propertyChainAxiom> ?l . ?l <{RDF}first> ?e1 ; <{RDF}rest> ?l2 . ?l2 <{RDF}first> ?e2 ; "
        f"<{RDF}rest> ?l3 . ?l3 <{RDF}first> ?e3 ; <{RDF}rest> <{RDF}nil> . "
        + _STEP.format(e="e1", a="s", b="m1", OWL=OWL)
        + " "
        + _STEP.format(e="e2", a="m1", b="m2", OWL=OWL)
        + " "
        + _STEP.format(e="e3", a="m2", b="o", OWL=OWL)
    ),
]


def world_for(n: int) -> Path:
    """The cached synthetic world of ``n`` agreements (the same cache as ``benchmarks/run.py``)."""
    from benchmarks.generate import world_for as cached

    return cached(n)[0]


def _clock(fn: Callable[[], Any]) -> tuple[Any, float, float]:
    """Run ``fn``; its value, wall seconds, CPU seconds (this process and its children)."""
    before = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    value = fn()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
    return value, wall, cpu


def ours(ontology: Any, asserted: bytes) -> int:
    from coopgraph.reason.reasoner import reason_ntriples

    return reason_ntriples(ontology, asserted).count(b"\n")


def baseline(ontology_nt: bytes, asserted: bytes) -> int:
    """The bare pyoxigraph rules, naive: every rule over every fact until a round adds nothing."""
    import pyoxigraph as ox

    from coopgraph.reason.cooperation import cooperation

    store = ox.Store()
    store.bulk_load(ontology_nt + asserted, ox.RdfFormat.N_TRIPLES)
    derived = cooperation(store)
    store.extend([ox.Quad(t.subject, t.predicate, t.object) for t in derived])
    store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.NamedNode(BASELINE_GRAPH)) for t in derived])
    size = -1
    while size != len(store):
        size = len(store)
        for rule in BASELINE_RULES:
            store.update(rule)
    return sum(1 for _ in store.quads_for_pattern(None, None, None, ox.NamedNode(BASELINE_GRAPH)))


def hermit(ontology: Any, asserted: bytes) -> int:
    from rdflib import Graph

    from coopgraph.reason.reasoner import reason

    graph = Graph().parse(data=asserted.decode("utf-8"), format="nt")
    return len(reason(ontology, graph, reasoner="hermit"))


def owlrl_closure(ontology_nt: bytes, asserted: bytes) -> int:
    import owlrl
    from rdflib import Graph

    graph = Graph().parse(data=(ontology_nt + asserted).decode("utf-8"), format="nt")
    before = len(graph)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return len(graph) - before


def _inputs(world: Path) -> tuple[Any, bytes, bytes, int]:
    """The ontology (rdflib and N-Triples), the asserted N-Triples of a world, and its agreement count.

    The asserted N-Triples are cached beside the world (``<world>.asserted.nt``), keyed by the
    world's generator marker, since curating 100k agreements takes many minutes.
    """
    import pyoxigraph as ox

    from coopgraph.graph.dataset import read_ontology
    from coopgraph.resources import ontology_file

    marker = world / ".generated-world"
    stamp = marker.read_text(encoding="utf-8") if marker.exists() else "hand-made"
    cache, cache_stamp = world.with_name(world.name + ".asserted.nt"), world.with_name(world.name + ".asserted.stamp")
    if cache.exists() and cache_stamp.exists() and cache_stamp.read_text(encoding="utf-8") == stamp:
        asserted = cache.read_bytes()
    else:
        from coopgraph.curate.checker import curate
        from coopgraph.graph.populate import ntriples

        asserted, _ = ntriples(curate(world))
        cache.write_bytes(asserted)
        cache_stamp.write_text(stamp, encoding="utf-8")
    ontology_nt = ox.serialize(
        ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES
    )
    n = sum(1 for _ in (world / "agreements").glob("*.yaml"))
    return read_ontology(), ontology_nt, asserted, n


RUNS: dict[str, Callable[[Any, bytes, bytes], int]] = {
    "rules": lambda ontology, ontology_nt, asserted: ours(ontology, asserted),
    "baseline": lambda ontology, ontology_nt, asserted: baseline(ontology_nt, asserted),
    "hermit": lambda ontology, ontology_nt, asserted: hermit(ontology, asserted),
    "owlrl": lambda ontology, ontology_nt, asserted: owlrl_closure(ontology_nt, asserted),
}


def measure(name: str, world: Path) -> dict[str, Any]:
    """One reasoner on one world, in this process."""
    ontology, ontology_nt, asserted, n = _inputs(world)
    triples, wall, cpu = _clock(lambda: RUNS[name](ontology, ontology_nt, asserted))
    return {
        "agreements": n,
        "asserted_triples": asserted.count(b"\n"),
        "seconds": round(wall, 2),
        "cpu_seconds": round(cpu, 2),
        "inferred_triples": triples,
    }


def spawn(name: str, world: Path, timeout: float) -> dict[str, Any]:
    """One reasoner on one world in a fresh process; ``{"timeout": s}`` when it takes longer."""
    import os
    import signal
    import subprocess

    argv = [sys.executable, str(Path(__file__).resolve()), "--child", name, "--world", str(world)]
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:  # stop the child and its JVM: its own process group
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return {"timeout": timeout}
    lines = [line for line in out.splitlines() if line.startswith("{")]
    if child.returncode != 0 or not lines:
        return {"error": (err.strip().splitlines() or ["failed"])[-1]}
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def inference(world: Path, *, hermit_max: int = 0, owlrl_max: int = 0, timeout: float = 900) -> dict[str, Any]:
    """Every reasoner on one world (each in its own process); what ``benchmarks/run.py`` reads.

    ``seconds`` / ``baseline`` are the rules' and the bare baseline's wall times.
    """
    n = sum(1 for _ in (world / "agreements").glob("*.yaml"))
    names = ["rules", "baseline"] + (["hermit"] if n <= hermit_max else []) + (["owlrl"] if n <= owlrl_max else [])
    reasoners = {name: spawn(name, world, timeout) for name in names}
    result: dict[str, Any] = {"agreements": n, "reasoners": reasoners}
    result["seconds"] = reasoners["rules"].get("seconds")
    result["baseline"] = reasoners["baseline"].get("seconds")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,1000,10000", help="agreements per world, comma-separated")
    parser.add_argument("--hermit-max", type=int, default=300, help="run HermiT up to this many agreements")
    parser.add_argument("--owlrl-max", type=int, default=300, help="run owlrl up to this many agreements")
    parser.add_argument("--timeout", type=float, default=900, help="seconds before a reasoner is stopped")
    parser.add_argument("--child", choices=sorted(RUNS), help=argparse.SUPPRESS)
    parser.add_argument("--world", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(measure(args.child, args.world)), flush=True)
        return 0
    for n in (int(s) for s in args.sizes.split(",")):
        result = inference(world_for(n), hermit_max=args.hermit_max, owlrl_max=args.owlrl_max, timeout=args.timeout)
        print(json.dumps(result), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
