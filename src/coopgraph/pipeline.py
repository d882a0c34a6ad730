"""The pipeline end to end: curate -> populate -> validate -> reason -> write.

Only this module and the CLI touch files; the stages are plain functions.

The graph lives in one Oxigraph store from the moment it is minted: populate
streams N-Triples into it (no rdflib Graph of the data is built, but for the
small copies an OWL reasoner reads), the shapes and the violation queries run
on it, the reasoner adds the ``inferred`` graph to it (the rules work in it:
no copy), and the outputs are serialised from it
(:mod:`coopgraph.export.formats`: the same bytes ``coopgraph export`` writes).
For a world of :data:`DISK_FROM` agreements or more that store is on disk from
the start, inside the build's new version directory (RocksDB keeps memory
bounded: 12M quads took 6 GB in memory at 100k agreements), so releasing the
build is one rename and no copy; smaller worlds are built in memory (the
shape queries run several times faster there) and copied at the end.  The
rdflib path this replaced took 4 minutes for 1,000 agreements.

>>> summary = build(Path("data"), Path("build"))      # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import queue
import re
import sys
import tempfile
import threading
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph

from coopgraph.curate.checker import Curation, World, agreement_files, curate, stream_curation
from coopgraph.errors import CoopgraphError, Problem
from coopgraph.graph.origins import Origins
from coopgraph.graph.vocab import COOP, DEFAULT_BASE
from coopgraph.perf import release_memory, without_gc
from coopgraph.progress import stage

if TYPE_CHECKING:
    import pyoxigraph as ox

log = logging.getLogger("coopgraph")

REASONERS = ("auto", "hermit", "pellet", "rules", "none")

DISK_FROM = 25_000
"""Agreements from which ``build`` works in an on-disk store (below: in memory, then copied).

Measured (``benchmarks/WHY.md``): at 10k agreements the in-memory build peaks at 2.4 GB and takes
145 s, on disk 2.2 GB and 351 s (the rules and shape queries run 2-7x slower on RocksDB); at 100k
in memory 10.5 GB, on disk 5.7 GB.  Between the two, the in-memory peak passes 4 GB at about 28k
agreements: below that, memory costs nothing worth the slower build."""

STORES = ("auto", "memory", "disk")
"""Where ``build`` keeps its working store: ``auto`` chooses by size (:data:`DISK_FROM`)."""


def disk_from(store: str) -> int:
    """The world size from which a build with ``store`` works on disk."""
    return {"auto": DISK_FROM, "memory": sys.maxsize, "disk": 0}[store]


@dataclass
class Checked:
    """A world that passed every check, in a store (graphs ``ontology`` and ``asserted``).

    ``on_disk``: the store was opened on a directory (the build's version), not in memory.

    The curated records themselves are not kept (a third of the memory at
    100k agreements): only how many of each kind there were (``tally``).
    """

    tally: dict[str, int]
    store: ox.Store
    origins: Origins
    base: str = DEFAULT_BASE
    on_disk: bool = False
    _graphs: dict[str, Graph] = field(default_factory=dict, repr=False)

    def graph(self, name: str) -> Graph:
        """One named graph as rdflib (for small worlds: the OWL reasoner, tests)."""
        if name not in self._graphs:
            from coopgraph.graph.dataset import new_graph
            from coopgraph.graph.store import graph_node, rdflib_graph

            self._graphs[name] = rdflib_graph(self.store, graph_node(name), new_graph(self.base))
        return self._graphs[name]

    @property
    def ontology(self) -> Graph:
        return self.graph("ontology")

    @property
    def asserted(self) -> Graph:
        return self.graph("asserted")

    def size(self, name: str = "asserted") -> int:
        return count(self.store, name)


def check(
    data_dir: Path, *, base: str = DEFAULT_BASE, store_dir: Path | None = None, disk_from: int = 0
) -> Checked:
    """Every check a curator needs, in order; raise one error listing all problems.

    With ``store_dir``, a world of at least ``disk_from`` agreements is
    populated into an on-disk store there (a new directory); else in memory.
    """
    from coopgraph.checks.validate import store_problems

    on_disk = store_dir is not None and data_dir.is_dir() and agreement_files(data_dir) >= disk_from
    disk_errors = _scratch(store_dir.parent.parent) if on_disk and store_dir else contextlib.nullcontext()
    with disk_errors:  # RocksDB's errors (a full disk): one line naming the build's directory
        if on_disk and store_dir is not None:  # no agreement is held: each is loaded as it is read
            with stage("reading the data and populating the graph (on disk)"):
                store, counted, origins = stream_into_store(data_dir, store_dir, base=base)
            release_memory()
        else:
            with stage("reading the data"):
                world = curate(data_dir)
            counted = tally(world)
            with stage("populating the graph (in memory)"):
                store, origins = populate_store(world, base=base)
                del world  # the store holds what follows; origins say where each node came from
                release_memory()
        with stage("checking the shapes and violation queries"):
            problems: list[Problem] = store_problems(store, origins)
    release_memory()  # the sets the shapes compared
    if problems:
        raise CoopgraphError(problems)
    return Checked(counted, store, origins, base, on_disk=on_disk)


def tally(world: World, agreements: int | None = None) -> dict[str, int]:
    """How many records of each kind a world has (``agreements``: how many were streamed, not kept)."""
    return {
        "agreements": len(world.agreements) if agreements is None else agreements,
        "actors": len(world.actors),
        "people": len(world.people),
        "topics": len(world.topics),
        "sources": len(world.sources) + len(world.streamed_sources),
    }


def populate_store(
    world: World, *, base: str = DEFAULT_BASE, path: Path | None = None
) -> tuple[ox.Store, Origins]:
    """The ontology and the asserted graph in a new store (in memory or on disk at ``path``), and origins."""
    import pyoxigraph as ox

    from coopgraph.graph.populate import traced_ntriples
    from coopgraph.graph.store import LOAD_BATCH, batches, graph_node

    store = ox.Store(str(path)) if path is not None else ox.Store()
    store.bulk_load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=graph_node("ontology"))
    chunks, origins = traced_ntriples(world, base=base)
    for batch in batches(chunks, LOAD_BATCH):  # text coopgraph wrote from checked data: no IRI validation
        store.bulk_load(batch, ox.RdfFormat.N_TRIPLES, to_graph=graph_node("asserted"), lenient=True)
    return store, origins


def stage_ntriples(world: World, path: Path, *, base: str = DEFAULT_BASE) -> Origins:
    """The asserted graph as an N-Triples file, and where each node came from."""
    from coopgraph.graph.populate import traced_ntriples

    chunks, origins = traced_ntriples(world, base=base)
    _write(chunks, path)
    return origins


@without_gc  # the records go as they are read (no cycles): the collector's passes only walked the origins again
def stream_ntriples(data_dir: Path, path: Path, *, base: str = DEFAULT_BASE) -> tuple[dict[str, int], Origins]:
    """:func:`stage_ntriples` of the data in ``data_dir`` read one record at a time: no agreement or source is held.

    The same file as ``stage_ntriples(curate(data_dir), path)``, and the same
    problems raised (after the whole file is written: they are known only
    when every id is).  Returns the tally and the origins.
    """
    from coopgraph.graph.populate import streamed_ntriples

    curation: Curation = stream_curation(data_dir)
    # sources are minted as they are read, then the other registries, then each agreement: none is held
    registries, sources, agreements = curation.registries, curation.sources(), curation.agreements()
    chunks, origins = streamed_ntriples(registries, agreements, sources=sources, base=base)
    _write(chunks, path)
    curation.finish()
    return tally(curation.registries, curation.count), origins


def _write(chunks: Iterator[bytes], path: Path) -> None:
    with path.open("wb") as out:
        for chunk in chunks:
            out.write(chunk)


DISK_LOAD_BATCH = 16 << 20
"""Bytes of N-Triples per bulk load into the on-disk store.  Measured on the 10k world's 112 MB:
one load of the whole file 14.0 s and 593 MB peak RSS, 64 MB batches 15.6 s and 403 MB, 16 MB
batches 11.3 s and 126 MB (the loader's memory grows with what one call is given)."""


def load_on_disk(store_dir: Path, asserted: Path) -> ox.Store:
    """A new on-disk store of the ontology and the asserted graph, read from the N-Triples file ``asserted``.

    In :data:`DISK_LOAD_BATCH` pieces of whole lines: Oxigraph's loader holds
    memory in proportion to what one call gets.  The file is removed after.
    """
    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node

    store = ox.Store(str(store_dir))
    store.bulk_load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=graph_node("ontology"))
    into = graph_node("asserted")
    with asserted.open("rb") as text:
        while batch := text.read(DISK_LOAD_BATCH):
            batch += text.readline()  # up to the end of the line
            # text coopgraph wrote from checked data: no IRI validation
            store.bulk_load(batch, ox.RdfFormat.N_TRIPLES, to_graph=into, lenient=True)
    asserted.unlink()
    return store


LOAD_AHEAD = 2
"""Batches of N-Triples minted and waiting while the loader thread loads one (each :data:`DISK_LOAD_BATCH` bytes)."""
STREAM_LINES = 20_000
"""N-Triples lines per chunk the minter hands on (batches join whole chunks)."""


@without_gc  # as stream_ntriples
def stream_into_store(
    data_dir: Path, store_dir: Path, *, base: str = DEFAULT_BASE
) -> tuple[ox.Store, dict[str, int], Origins]:
    """:func:`stream_ntriples` and :func:`load_on_disk` at once: a new on-disk store, the tally and the origins.

    Oxigraph's bulk loader lets go of the GIL, so a thread loads each batch of
    :data:`DISK_LOAD_BATCH` bytes while Python reads, checks and mints the
    next (two cores: the reading and the loading overlap, and no staged file
    is written and read again).  The store holds what the two steps gave.  A
    problem in the data is raised once every file is read, as before; the
    store (in the build's version directory, which goes with the failure) is
    let go first.
    """
    import pyoxigraph as ox

    from coopgraph.graph.populate import streamed_ntriples
    from coopgraph.graph.store import batches, graph_node

    store = ox.Store(str(store_dir))
    try:
        store.bulk_load(ontology_ntriples(), ox.RdfFormat.N_TRIPLES, to_graph=graph_node("ontology"))
        curation: Curation = stream_curation(data_dir)
        registries, sources, agreements = curation.registries, curation.sources(), curation.agreements()
        chunks, origins = streamed_ntriples(registries, agreements, sources=sources, base=base, lines=STREAM_LINES)
        with _loading(store, graph_node("asserted")) as load:
            for batch in batches(chunks, DISK_LOAD_BATCH):
                if not curation.problems:  # a build that will fail loads no more
                    load(batch)
        curation.finish()
    except BaseException as error:  # RocksDB closed before the failed version's directory is removed:
        traceback.clear_frames(error.__traceback__)  # no frame of the failure holds the store (the loader's did)
        del store
        raise
    return store, tally(curation.registries, curation.count), origins


@contextlib.contextmanager
def _loading(store: ox.Store, into: ox.NamedNode) -> Iterator[Callable[[bytes], None]]:
    """A function handing N-Triples to a thread that bulk-loads them into ``into``, in order.

    At most :data:`LOAD_AHEAD` batches wait (memory stays bounded); a load
    that fails (a full disk) is raised in the caller, at its next batch or at
    the end; a caller that fails stops the thread after its current load.
    """
    import pyoxigraph as ox

    waiting: queue.Queue[bytes | None] = queue.Queue(maxsize=LOAD_AHEAD)
    failed: list[BaseException] = []

    def loader() -> None:
        while (batch := waiting.get()) is not None:
            if failed:
                continue  # drained, not loaded: the build stops
            try:  # text coopgraph wrote from checked data: no IRI validation
                store.bulk_load(batch, ox.RdfFormat.N_TRIPLES, to_graph=into, lenient=True)
            except BaseException as error:  # raised in the caller
                failed.append(error)

    def load(batch: bytes) -> None:
        if failed:
            raise failed[0]
        waiting.put(batch)

    thread = threading.Thread(target=loader, name="coopgraph-loader", daemon=True)
    thread.start()
    try:
        yield load
    except BaseException as error:
        failed.append(error)  # the loader drops what still waits
        raise
    finally:
        waiting.put(None)
        thread.join()
    if failed:
        raise failed[0]


@functools.cache
def ontology_ntriples() -> bytes:
    """The ontology file as N-Triples (its blank nodes get canonical labels when exported)."""
    import pyoxigraph as ox

    from coopgraph.resources import ontology_file

    text = ox.serialize(ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    assert text is not None  # no output file given: the bytes come back
    return text


def infer(checked: Checked, *, reasoner: str) -> None:
    """Add the ``inferred`` graph to the checked store (with ``reasoner="none"``: only the status
    intervals and dated cooperation nodes, computed in Python, so status queries still answer)."""
    if reasoner == "none":
        from coopgraph.reason.reasoner import dated_store

        dated_store(checked.store)
        return
    from coopgraph.reason.reasoner import reason_store

    reason_store(checked.store, reasoner=reasoner, origins=checked.origins, owl_input=checked.graph)


@dataclass(frozen=True)
class Summary:
    counts: dict[str, int]
    outputs: list[Path]

    def __str__(self) -> str:
        counts = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"built {counts} -> {', '.join(str(p) for p in self.outputs)}"


def build(
    data_dir: Path,
    out_dir: Path,
    *,
    base: str = DEFAULT_BASE,
    reasoner: str = "auto",
    reasoner_timeout: float | None = None,
    disk_from: int = DISK_FROM,
) -> Summary:
    """Check, populate, reason; then write ``coopgraph.ttl``, ``.trig``, ``.html`` and the store, atomically.

    Nothing is written before the data has passed every check and the
    reasoner: a contradiction leaves the previous build as it was.  All four
    outputs go into a fresh version directory that one rename makes current
    (:func:`coopgraph.graph.store.new_version`), under a lock on ``out_dir`` taken
    first, so a second build into the same directory stops at once.  A world of
    ``disk_from`` agreements or more is built in that version's on-disk store.
    """
    import pyoxigraph as ox

    from coopgraph.graph.store import STORE_LINK, copy_store, new_version

    with new_version(out_dir) as version, tempfile.TemporaryDirectory(prefix="coopgraph-outputs-") as scratch:
        stopped: BaseException | None = None
        try:
            checked = check(data_dir, base=base, store_dir=version.store_dir, disk_from=disk_from)
            with _scratch(out_dir):
                files = _reason_and_prepare(checked, reasoner, Path(scratch), reasoner_timeout)
        except BaseException as error:  # bad data, a contradiction, a timeout: raised again below
            stopped = _cleared(error)  # no frame of it holds the store
        if stopped is not None:
            checked = None  # type: ignore[assignment]  # an on-disk store closed before its version goes (else it may write on)
            raise stopped
        with stage("writing the outputs and the store"):
            if checked.on_disk:
                version.publish(files, checked.store)
            else:
                written = ox.Store(str(version.store_dir))
                failure: BaseException | None = None
                try:
                    version.guard(copy_store, checked.store, written, version.path)
                    version.publish(files, written)
                except BaseException as error:  # raised again below
                    failure = _without_frames(error)
                del written  # RocksDB closed before its version directory is removed (else it may write on)
                if failure is not None:
                    raise failure
    return Summary(counts(checked), [*(out_dir / name for name in files), out_dir / STORE_LINK])


def _reason_and_prepare(
    checked: Checked, reasoner: str, scratch: Path, reasoner_timeout: float | None
) -> dict[str, bytes | Path]:
    """Reason (into the checked store) and prepare the output files in ``scratch``."""
    from coopgraph.reason.reasoner import OWL_REASONERS, choose

    chosen = "none" if reasoner == "none" else choose(reasoner, checked.size())
    if chosen in OWL_REASONERS:
        with stage(f"reasoning ({chosen}) and preparing the outputs"):
            return _outputs_with_owl_reasoner(
                checked, chosen, scratch, explicit=reasoner != "auto", timeout=reasoner_timeout
            )
    with stage(f"reasoning ({chosen})"):
        infer(checked, reasoner=chosen)
        checked.origins = Origins()  # only the checks and the reasoner name records (about 0.5 GB at 100k)
        release_memory()  # what the rules' Python side held, handed back
    with stage("preparing Turtle, TriG and the explorer"):
        return outputs(checked, scratch)


def _without_frames(error: BaseException) -> BaseException:
    """The error without its tracebacks (theirs too that it came from): their frames hold the store open."""
    seen: BaseException | None = error
    while seen is not None:
        seen.__traceback__ = None
        seen = seen.__context__ or seen.__cause__
    return error


def _cleared(error: BaseException) -> BaseException:
    """The error with its finished frames' locals (and those of the errors it came from) let go; its lines stay."""
    seen: BaseException | None = error
    while seen is not None:
        traceback.clear_frames(seen.__traceback__)
        seen = seen.__context__ or seen.__cause__
    return error


class ScratchFull(OSError):
    """Writing the sorted outputs in the scratch directory failed (no file name: the build's directory is named)."""


@contextlib.contextmanager
def _scratch(out_dir: Path) -> Iterator[None]:
    """A failed scratch write (or on-disk store write): a build that cannot be written, one line naming ``out_dir``."""
    from coopgraph.files import unwritable

    try:
        yield
    except OSError as error:
        raise unwritable(out_dir, error, "the build") from None


def outputs(checked: Checked, scratch: Path) -> dict[str, bytes | Path]:
    """The files a build writes (by name), from the checked (and reasoned) store.

    Turtle and TriG are written into ``scratch`` as they stream (sorted on disk,
    :func:`coopgraph.export.formats.write_sorted`): sorting millions of
    statements as Python lists took gigabytes at 10k agreements.
    """
    from coopgraph.export.formats import write_sorted
    from coopgraph.views.html import explorer_page_from_store  # pyvis and numpy only when building

    made = {"turtle": scratch / "coopgraph.ttl", "trig": scratch / "coopgraph.trig"}
    try:
        with tempfile.TemporaryDirectory(dir=scratch, prefix="sort-") as runs:
            write_sorted(checked.store, made, base=checked.base, scratch=runs)
    except OSError as error:  # a full disk: said as for the build's directory (the scratch is ours, not the user's)
        code = error.errno or int(next(iter(re.findall(r"os error (\d+)", str(error))), 0))  # Oxigraph's have no errno
        raise ScratchFull(code, os.strerror(code) if code else str(error)) from None
    return {
        "coopgraph.ttl": made["turtle"],
        "coopgraph.trig": made["trig"],
        "coopgraph.html": explorer_page_from_store(checked.store),
    }


def _outputs_with_owl_reasoner(
    checked: Checked, reasoner: str, scratch: Path, *, explicit: bool, timeout: float | None = None
) -> dict[str, bytes | Path]:
    """The outputs with the OWL reasoner's inferences, prepared while it runs.

    HermiT spends seconds in Java.  Meanwhile the rules (which give the same
    inferred graph on the shipped data, a test compares them) fill the store
    and the outputs are serialised from it.  When the reasoner is done its
    inferences are compared with the rules': the same (the usual case), the
    outputs stand; different, the reasoner's replace them, the outputs are made
    again, and a warning says so.  Either way the files hold exactly what the
    OWL reasoner inferred, and a contradiction it finds fails the build.
    Should Java fail or run past ``timeout``, the rules' outputs stand with a
    warning, unless the reasoner was chosen by name (``explicit``): then the
    build stops with one line.
    """
    from concurrent.futures import ThreadPoolExecutor

    import pyoxigraph as ox

    from coopgraph.graph.store import graph_node
    from coopgraph.reason.reasoner import reason, reason_store

    ontology, asserted = checked.ontology, checked.asserted  # rdflib copies, made before the thread starts
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="owl-reasoner") as pool:
        owl = pool.submit(
            reason, ontology, asserted,
            reasoner=reasoner, origins=checked.origins, timeout=timeout, fallback=not explicit,
        )
        reason_store(checked.store, reasoner="rules", origins=checked.origins)
        files = outputs(checked, scratch)
        nt = owl.result().serialize(format="nt", encoding="utf-8")  # typed terms: the dated nodes carry literals
        found = {(t.subject, t.predicate, t.object) for t in ox.parse(nt, format=ox.RdfFormat.N_TRIPLES)}
    inferred = graph_node("inferred")
    ruled = {(q.subject, q.predicate, q.object) for q in checked.store.quads_for_pattern(None, None, None, inferred)}
    if found == ruled:
        return files
    log.warning(
        "warning: %s and the rules disagree (%d inferred triples only %s gives, %d only the rules); "
        "writing %s's",
        reasoner, len(found - ruled), reasoner, len(ruled - found), reasoner,
    )
    checked.store.update(f"CLEAR SILENT GRAPH <{inferred.value}>")
    checked.store.extend(ox.Quad(s, p, o, inferred) for s, p, o in found)
    return outputs(checked, scratch)


def count(store: ox.Store, graph: str, pattern: str = "?s ?p ?o") -> int:
    from coopgraph.graph.store import graph_node

    answer: Any = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_node(graph).value}> {{ {pattern} }} }}")
    return int(next(iter(answer))[0].value)


def counts(checked: Checked) -> dict[str, int]:
    store = checked.store
    edges = count(store, "inferred", f"?a <{COOP.cooperatesWith}> ?b") // 2
    typed: Any = store.query(
        "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { GRAPH <" + _graph("asserted") + "> { ?s a ?type } }"
    )
    return checked.tally | {
        "asserted triples": count(store, "asserted"),
        "inferred triples": count(store, "inferred"),
        "cooperation edges": edges,
        "ontology triples": count(store, "ontology"),
        "typed nodes": int(next(iter(typed))[0].value),
    }


def _graph(name: str) -> str:
    from coopgraph.graph.store import graph_node

    return graph_node(name).value
