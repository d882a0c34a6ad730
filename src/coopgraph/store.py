"""The persistent store: the built dataset on disk, opened directly by every read command.

``coopgraph build`` leaves an Oxigraph store under ``build/store`` (a symlink
to ``build/stores/<stamp>``), so ``query``, ``serve``, ``visualise``,
``export`` and ``stats`` open the graph without re-parsing anything.  A build
writes a complete new store beside the old one and swaps the symlink with one
atomic rename; readers that opened the old store keep reading it, and the
store before the previous one is removed.

Named graphs: ``<GRAPH_BASE>ontology``, ``asserted``, ``inferred``; queries
see their union as the default graph unless asked for one of them.

>>> store = open_store(Path("build"))          # doctest: +SKIP
>>> bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))   # doctest: +SKIP
True
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import Graph

from coopgraph.errors import CoopgraphError
from coopgraph.vocab import graph_iri

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset

    from coopgraph.dataset import Parts

STORE_LINK = "store"
STORES_DIR = "stores"


def graph_node(name: str) -> ox.NamedNode:
    import pyoxigraph as ox

    return ox.NamedNode(str(graph_iri(name)))


def fill(store: ox.Store, parts: Parts) -> None:
    """Load the three graphs into a store (N-Triples: Oxigraph's fastest path)."""
    import pyoxigraph as ox

    for name, graph in parts.named().items():
        store.bulk_load(_ntriples(graph), ox.RdfFormat.N_TRIPLES, to_graph=graph_node(name))


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def memory_store(parts: Parts) -> ox.Store:
    """An in-memory store of a dataset (tests, ``--data`` without a build)."""
    import pyoxigraph as ox

    store = ox.Store()
    fill(store, parts)
    return store


def write_store(parts: Parts, out_dir: Path) -> Path:
    """Write a new on-disk store and make ``out_dir/store`` point at it atomically."""
    import pyoxigraph as ox

    stores = out_dir / STORES_DIR
    stores.mkdir(parents=True, exist_ok=True)
    target = stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    store = ox.Store(str(target))
    fill(store, parts)
    store.flush()
    store.optimize()
    del store
    link = out_dir / STORE_LINK
    temp_link = out_dir / f".{STORE_LINK}.{os.getpid()}"
    if temp_link.is_symlink() or temp_link.exists():
        temp_link.unlink()
    previous = link.resolve() if link.is_symlink() else None
    os.symlink(Path(STORES_DIR) / target.name, temp_link)
    os.replace(temp_link, link)
    for old in stores.iterdir():  # keep the new store and the one readers may still hold
        if old != target and (previous is None or old != previous):
            shutil.rmtree(old, ignore_errors=True)
    return target


def open_store(out_dir: Path) -> ox.Store:
    """Open the built store read-only; a clear error when there is none."""
    import pyoxigraph as ox

    link = out_dir / STORE_LINK
    if not link.exists():
        raise CoopgraphError(f"{out_dir}/{STORE_LINK}: no built graph here; run `coopgraph build` first")
    try:
        return ox.Store.read_only(str(link.resolve()))
    except OSError as error:
        raise CoopgraphError(f"{link}: cannot open the store ({error})") from None


def as_rdflib(store: ox.Store) -> Dataset:
    """An rdflib view (oxrdflib) of a store: the rdflib API, Oxigraph's speed."""
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    return Dataset(store=OxigraphStore(store=store), default_union=True)
