"""Long literals on the OWL reasoner's input path: linear now, quadratic through rdflib's N-Triples parser.

    python benchmarks/bench_long_literal.py            # notes of 0.25, 0.5 and 1 MB

One note of each size in an otherwise tiny store; the time to turn the store's
asserted graph into the rdflib Graph the HermiT path reads, term by term
(:func:`coopgraph.graph.store.rdflib_graph`, what the build does) and through
rdflib's N-Triples parser (what it did: an 8 MB note took 197 s).  Printed as
ratios to the smallest size: about 2 and 4 when linear, 4 and 16 when quadratic.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import pyoxigraph as ox
from rdflib import Graph

from coopgraph.graph.store import graph_node, rdflib_graph


def _store(size: int) -> ox.Store:
    store = ox.Store()
    graph = graph_node("asserted")
    note = ox.Literal("lorem ipsum " * (size // 12), language="en")
    store.add(ox.Quad(ox.NamedNode("https://example.org/a"), ox.NamedNode("https://example.org/note"), note, graph))
    return store


def _seconds(work: Callable[[], object]) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="250000,500000,1000000", help="note sizes in bytes")
    sizes = [int(s) for s in parser.parse_args().sizes.split(",")]
    paths: dict[str, Callable[[ox.Store], object]] = {
        "term by term": lambda store: rdflib_graph(store, graph_node("asserted")),
        "rdflib nt parser": lambda store: Graph().parse(
            data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph_node("asserted")), format="nt"
        ),
    }
    for name, path in paths.items():
        times = []
        for size in sizes:
            store = _store(size)
            times.append(_seconds(lambda: path(store)))  # noqa: B023 - called right here
        pairs = zip(sizes, times, strict=True)
        ratios = ", ".join(f"{size / sizes[0]:g}x size: {t / times[0]:.1f}x time" for size, t in pairs)
        print(f"{name:18} {ratios}  (smallest {times[0] * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
