"""The persistent store: the built dataset on disk, opened directly by every read command.

``coopgraph build`` leaves an Oxigraph store under ``build/store`` (a symlink
to ``build/stores/<stamp>``), so ``query``, ``serve``, ``visualise``,
``export`` and ``stats`` open the graph without re-parsing anything.  A build
writes a complete new store beside the old one and swaps the symlink with one
atomic rename; readers that opened the old store keep reading it.  Older
stores are removed once no process holds them: :func:`open_store` takes a
shared lock (``stores/<stamp>.lock``) that lasts as long as the process.

Named graphs: ``<GRAPH_BASE>ontology``, ``asserted``, ``inferred``; queries
see their union as the default graph unless asked for one of them.

>>> store = open_store(Path("build"))          # doctest: +SKIP
>>> bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))   # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from coopgraph.errors import CoopgraphError
from coopgraph.graph.iris import GRAPH_BASE
from coopgraph.perf import without_gc

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    from coopgraph.graph.dataset import Parts

STORE_LINK = "store"
STORES_DIR = "stores"


def graph_node(name: str) -> ox.NamedNode:
    import pyoxigraph as ox

    return ox.NamedNode(GRAPH_BASE + name)  # = vocab.graph_iri(name), without importing rdflib


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
    return _write_store(out_dir, lambda store: fill(store, parts))


@without_gc  # a stream is generated as it loads: the collector would walk the world again and again
def write_ntriples_store(
    graphs: Mapping[str, bytes | Iterable[bytes]], out_dir: Path, *, lenient: bool = False
) -> Path:
    """Like :func:`write_store`, from N-Triples per named graph: no rdflib Graph needed.

    ``graphs`` maps "ontology" / "asserted" / "inferred" to N-Triples, as
    bytes or as a stream of chunks (:func:`coopgraph.graph.populate.ntriples_chunks`):
    the fast path for big worlds.  A stream is loaded :data:`LOAD_BATCH` bytes
    at a time: Oxigraph's bulk loader holds about 1.5 GB for 5M triples in one
    call, and a few hundred MB per batch (for 20% more time).  ``lenient`` skips
    Oxigraph's IRI validation (a fifth of the load time): only for text that
    coopgraph wrote itself from checked data (:func:`coopgraph.graph.populate.ntriples_chunks`).
    """
    import pyoxigraph as ox

    def load(store: ox.Store) -> None:
        for name, text in graphs.items():
            for batch in [text] if isinstance(text, bytes) else batches(text, LOAD_BATCH):
                store.bulk_load(batch, ox.RdfFormat.N_TRIPLES, to_graph=graph_node(name), lenient=lenient)

    return _write_store(out_dir, load)


LOAD_BATCH = 64 << 20


def batches(chunks: Iterable[bytes], size: int) -> Iterator[bytes]:
    """Whole chunks joined into batches of about ``size`` bytes (a chunk ends with a whole line)."""
    batch: list[bytes] = []
    held = 0
    for chunk in chunks:
        batch.append(chunk)
        held += len(chunk)
        if held >= size:
            yield b"".join(batch)
            batch, held = [], 0
    if batch:
        yield b"".join(batch)


def write_store_from(source: ox.Store, out_dir: Path) -> Path:
    """Like :func:`write_store`, copying every quad of another (in-memory) store.

    Graph by graph through an N-Triples file beside the new store: the loader
    streams it, so a 5-million-triple graph costs no extra gigabytes of text in
    memory, and no quad becomes a Python object on the way (``bulk_extend``).
    """
    import pyoxigraph as ox

    def load(store: ox.Store) -> None:
        for graph in [ox.DefaultGraph(), *sorted(source.named_graphs(), key=str)]:
            with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".copy-", suffix=".nt") as staged:
                source.dump(staged, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
                staged.flush()
                if staged.tell():
                    store.bulk_load(path=staged.name, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)

    return _write_store(out_dir, load)


def _write_store(out_dir: Path, load: Callable[[ox.Store], None]) -> Path:
    import pyoxigraph as ox

    stores = out_dir / STORES_DIR
    stores.mkdir(parents=True, exist_ok=True)
    target = stores / f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    writing = _hold(target, create=True)  # a concurrent build must not prune a store being written
    try:
        store = ox.Store(str(target))
        load(store)
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
    finally:
        os.close(writing)
    for old in stores.iterdir():  # keep the new store, the previous one, and any a reader holds
        if old.suffix != LOCK_SUFFIX and old not in (target, previous):
            _remove_unless_held(old)
    return target


LOCK_SUFFIX = ".lock"
_HELD: dict[Path, int] = {}
"""Lock files (shared) of the stores this process opened, by store; held until it exits."""


def _lock_file(store_dir: Path) -> Path:
    return store_dir.with_name(store_dir.name + LOCK_SUFFIX)


def _hold(store_dir: Path, *, create: bool = False) -> int:
    """A shared lock on a store: while any process holds one, no build removes the store."""
    import fcntl

    fd = os.open(_lock_file(store_dir), os.O_RDONLY | (os.O_CREAT if create else 0), 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _remove_unless_held(store_dir: Path) -> None:
    import fcntl

    try:
        fd = os.open(_lock_file(store_dir), os.O_RDONLY)
    except FileNotFoundError:  # a store from before locks, or its lock already gone
        shutil.rmtree(store_dir, ignore_errors=True)
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:  # a reader still has it open: a later build removes it
        os.close(fd)
        return
    try:
        shutil.rmtree(store_dir, ignore_errors=True)
        _lock_file(store_dir).unlink(missing_ok=True)
    finally:
        os.close(fd)


def open_store(out_dir: Path) -> ox.Store:
    """Open the built store read-only; a clear error when there is none."""
    import pyoxigraph as ox

    link = out_dir / STORE_LINK
    if not link.exists():
        raise CoopgraphError(f"{out_dir}/{STORE_LINK}: no built graph here; run `coopgraph build` first")
    target = link.resolve()
    if target not in _HELD:
        with contextlib.suppress(FileNotFoundError):  # a store written before locks existed has none
            _HELD[target] = _hold(target)
    try:
        return ox.Store.read_only(str(target))
    except OSError as error:
        raise CoopgraphError(f"{link}: cannot open the store ({error})") from None


def as_rdflib(store: ox.Store) -> Dataset:
    """An rdflib view (oxrdflib) of a store: the rdflib API, Oxigraph's speed."""
    from oxrdflib import OxigraphStore
    from rdflib import Dataset

    return Dataset(store=OxigraphStore(store=store), default_union=True)
