"""The persistent store: the built dataset on disk, opened directly by every read command.

``coopgraph build`` leaves an Oxigraph store under ``build/store`` (a link
to ``current/store``; ``build/current`` links to the build's version
directory ``build/.v-<stamp>``), so ``query``, ``serve``, ``visualise``,
``export`` and ``stats`` open the graph without re-parsing anything.  A build
writes all its outputs, the store among them, into a new version beside the
old one and switches ``current`` with one atomic rename (:func:`release`);
readers that opened the old store keep reading it.  Older versions are
removed once no process holds them: :func:`open_store` takes a shared lock
(``.v-<stamp>.lock``) that lasts as long as the process.

Named graphs: ``<GRAPH_BASE>ontology``, ``asserted``, ``inferred``; queries
see their union as the default graph unless asked for one of them.

>>> store = open_store(Path("build"))          # doctest: +SKIP
>>> bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))   # doctest: +SKIP
True
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from coopgraph.errors import CoopgraphError, display_path
from coopgraph.files import unwritable
from coopgraph.graph.iris import GRAPH_BASE
from coopgraph.perf import without_gc

if TYPE_CHECKING:
    import pyoxigraph as ox
    from rdflib import Dataset, Graph

    from coopgraph.graph.dataset import Parts

STORE_LINK = "store"
STORES_DIR = "stores"
"""Where builds before versions kept their stores (``build/stores/<stamp>``): emptied by the next build."""


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


def write_store_from(source: ox.Store, out_dir: Path, files: Mapping[str, bytes | Path] | None = None) -> Path:
    """Like :func:`write_store`, copying every quad of another (in-memory) store; ``files`` join the release.

    Graph by graph through an N-Triples file inside the new version (so a
    killed build's copy goes with its version): the loader streams it, so a
    5-million-triple graph costs no extra gigabytes of text in memory, and no
    quad becomes a Python object on the way (``bulk_extend``).
    """
    return release(out_dir, files or {}, functools.partial(copy_store, source))


def copy_store(source: ox.Store, store: ox.Store, version: Path) -> None:
    """Every quad of ``source`` into ``store``, graph by graph, through N-Triples files staged in ``version``."""
    import pyoxigraph as ox

    for graph in [ox.DefaultGraph(), *sorted(source.named_graphs(), key=str)]:
        with tempfile.NamedTemporaryFile(dir=version, prefix=".copy-", suffix=".nt") as staged:
            source.dump(staged, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
            staged.flush()
            if staged.tell():
                store.bulk_load(path=staged.name, format=ox.RdfFormat.N_TRIPLES, to_graph=graph, lenient=True)


def _write_store(out_dir: Path, load: Callable[[ox.Store], None]) -> Path:
    return release(out_dir, {}, lambda store, _version: load(store))


# --------------------------------------------------------------------------- releases
#
# out/.v-<stamp>/{coopgraph.ttl, coopgraph.trig, coopgraph.html, store/}   one build's outputs, whole
# out/current -> .v-<stamp>                                                 the one link a build switches
# out/coopgraph.ttl -> current/coopgraph.ttl, out/store -> current/store   stable names for readers
# out/.lock                                                                 held by the build writing here
# out/.v-<stamp>.lock                                                       shared by readers of that version

CURRENT = "current"
VERSION_PREFIX = ".v-"
BUILD_LOCK = ".lock"
_LOCKED: dict[Path, int] = {}
"""Build locks this process holds, by output directory, and the thread holding each (a build's own store
write does not wait on itself; another thread of the same process is refused like another process)."""


@contextlib.contextmanager
def build_lock(out_dir: Path) -> Iterator[None]:
    """Hold ``out_dir/.lock`` exclusively: a second build into the same directory stops with one clear line.

    An ``flock`` goes with its process: a killed build leaves no stale lock.
    """
    import fcntl
    import threading

    key = out_dir.absolute()
    if key in _LOCKED:
        if _LOCKED[key] != threading.get_ident():
            raise CoopgraphError(f"{display_path(out_dir)}: another build is writing here (this process)")
        yield
        return
    writable(out_dir)
    try:
        fd = os.open(out_dir / BUILD_LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as error:
        raise unwritable(out_dir / BUILD_LOCK, error, "the build") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        os.close(fd)
        raise CoopgraphError(
            f"{display_path(out_dir)}: another build is writing here{f' (process {holder})' if holder else ''}; "
            "wait for it or use another --out"
        ) from None
    with contextlib.suppress(OSError):  # who holds it, for the message above: a full disk may refuse it
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
    _LOCKED[key] = threading.get_ident()
    try:
        yield
    finally:
        del _LOCKED[key]
        os.close(fd)


def writable(out_dir: Path) -> None:
    """Make ``out_dir`` (and its parents) or say in one line why it cannot be."""
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise unwritable(out_dir, error, "the build") from None
    if not os.access(out_dir, os.W_OK | os.X_OK):
        raise CoopgraphError(f"{display_path(out_dir)}: cannot write the build (permission denied)")


def release(out_dir: Path, files: Mapping[str, bytes | Path], load: Callable[[ox.Store, Path], None]) -> Path:
    """Write one build's files and store into a fresh version and make it current with one rename.

    Readers go through ``out_dir/current`` (the stable names are links into
    it), so they see the previous set or this one, whole: under SIGKILL at any
    moment, or a disk that fills up, the old ``current`` is untouched.  What a
    killed or failed build left (its half-written version, copies, temporary
    links) is removed by the next build.  Returns the new store's directory.
    """
    import pyoxigraph as ox

    with new_version(out_dir) as version:
        store = ox.Store(str(version.store_dir))
        version.guard(load, store, version.path)
        return version.publish(files, store)


class Version:
    """A build's version directory while it is written: removed unless :meth:`publish` makes it current.

    The build's working store can live in it from the start (``store_dir``):
    populated, checked and reasoned in place, then released by one rename,
    with no copy of millions of quads at the end.
    """

    def __init__(self, out_dir: Path, path: Path, writing: int) -> None:
        self.out_dir, self.path, self._writing = out_dir, path, writing
        self.published = False

    @property
    def store_dir(self) -> Path:
        return self.path / STORE_LINK

    def guard(self, work: Callable[..., Any], *args: Any) -> Any:
        """Run a write into the version; a full disk says which build could not be written."""
        try:
            return work(*args)
        except OSError as error:
            raise unwritable(self.out_dir, error, "the build") from None

    def publish(self, files: Mapping[str, bytes | Path], store: ox.Store) -> Path:
        """Write ``files`` beside the store, flush it, and make this version current (the one switch).

        ``store`` is the store opened on :attr:`store_dir`; it may still be read afterwards.
        """
        out_dir, version = self.out_dir, self.path
        try:
            for name, content in files.items():
                _write_synced(version / name, content)
            store.flush()
            store.optimize()
            _fsync_dir(version)
            names = [*files, STORE_LINK]
            _link_names(out_dir, names, only_missing=True)  # dangling until the switch: nothing half-visible
            previous = (out_dir / CURRENT).resolve() if (out_dir / CURRENT).is_symlink() else None
            _replace_link(out_dir / CURRENT, version.name)  # the one switch
        except OSError as error:
            raise unwritable(out_dir, error, "the build") from None
        self.published = True
        try:  # the build is out; what follows is tidying
            _fsync_dir(out_dir)
            _link_names(out_dir, names, only_missing=False)  # outputs of an older layout become links
            clean(out_dir, keep={version, *([previous] if previous else [])})
        except OSError as error:
            raise unwritable(out_dir, error, "the build") from None
        return version / STORE_LINK

    def discard(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)
        _lock_file(self.path).unlink(missing_ok=True)


@contextlib.contextmanager
def new_version(out_dir: Path) -> Iterator[Version]:
    """A fresh ``out_dir/.v-<stamp>`` under the build lock, for :meth:`Version.publish` to make current.

    Whatever ends the block before that (bad data, a contradiction, a full
    disk, an interrupt) removes the version: the previous build stays as it was.
    """
    with build_lock(out_dir):
        try:
            clean(out_dir)
        except OSError as error:
            raise unwritable(out_dir, error, "the build") from None
        path = out_dir / f"{VERSION_PREFIX}{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**9}"
        try:
            path.mkdir()
            writing = _hold(path, create=True)
        except OSError as error:
            raise unwritable(path, error, "the build") from None
        version = Version(out_dir, path, writing)
        try:
            yield version
        except BaseException:
            if not version.published:
                version.discard()
            raise
        finally:
            os.close(writing)
        if not version.published:
            version.discard()


def _write_synced(path: Path, content: bytes | Path) -> None:
    """Write a file's bytes, or move a file written elsewhere (a big output, never held in memory), and sync it."""
    if isinstance(content, Path):
        shutil.move(content, path)
        with open(path, "rb+") as moved:
            os.fsync(moved.fileno())
        return
    with open(path, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_link(link: Path, target: str) -> None:
    temp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    if temp.is_symlink() or temp.exists():
        temp.unlink()
    os.symlink(target, temp)
    os.replace(temp, link)


def _link_names(out_dir: Path, names: Iterable[str], *, only_missing: bool) -> None:
    """``out_dir/NAME -> current/NAME`` for each output; an older build's file or link under that name is replaced."""
    for name in names:
        link = out_dir / name
        target = f"{CURRENT}/{name}"
        if link.is_symlink() and os.readlink(link) == target:
            continue
        if only_missing and (link.is_symlink() or link.exists()):
            continue
        if link.is_dir() and not link.is_symlink():
            raise CoopgraphError(f"{link}: a directory is in the way of the build's output; move it away")
        _replace_link(link, target)


def clean(out_dir: Path, keep: Iterable[Path] = ()) -> None:
    """Remove what earlier builds left: versions no one reads, temporary files and links, older layouts' stores.

    Call with the build lock held.  Without ``keep``, the current version and
    the one before it are all that is kept (besides any a reader holds).
    """
    kept = {path.resolve() for path in keep}
    for link in (out_dir / CURRENT, out_dir / STORE_LINK):  # what readers reach now, in this layout or an older one
        if link.is_symlink():
            kept |= {link.resolve(), link.resolve().parent}
    for entry in list(out_dir.iterdir()) if out_dir.is_dir() else []:
        name = entry.name
        if name.startswith(VERSION_PREFIX) and not name.endswith(LOCK_SUFFIX):
            if entry.resolve() not in kept:
                _remove_unless_held(entry)
        elif name.startswith(VERSION_PREFIX) and name.endswith(LOCK_SUFFIX):
            if not entry.with_name(name.removesuffix(LOCK_SUFFIX)).exists():
                entry.unlink(missing_ok=True)  # its version is gone: a lock on nothing
        elif name.startswith(".") and (name.endswith((".tmp", ".nt")) or name.startswith(f".{STORE_LINK}.")):
            if entry.is_symlink() or entry.is_file():
                entry.unlink(missing_ok=True)  # temporary links and files (older builds' `.copy-*.nt` too)
        elif name == STORES_DIR and entry.is_dir() and not entry.is_symlink():
            for old in entry.iterdir():  # the layout before versions: build/stores/<stamp>
                if old.suffix != LOCK_SUFFIX and old.resolve() not in kept:
                    _remove_unless_held(old)
            with contextlib.suppress(OSError):
                for lock in entry.glob(f"*{LOCK_SUFFIX}"):
                    if not lock.with_suffix("").exists():
                        lock.unlink()
                entry.rmdir()  # only when empty


LOCK_SUFFIX = ".lock"
_HELD: dict[Path, int] = {}
"""Lock files (shared) of the versions this process opened, by store; held until it exits."""


def _lock_file(store_dir: Path) -> Path:
    """A version's reader lock sits beside it (``.v-X.lock``); a store inside a version is locked by its version's."""
    if store_dir.name == STORE_LINK and store_dir.parent.name.startswith(VERSION_PREFIX):
        store_dir = store_dir.parent
    return store_dir.with_name(store_dir.name + LOCK_SUFFIX)


def _hold(store_dir: Path, *, create: bool = False) -> int:
    """A shared lock on a version (or an older layout's store): while any process holds one, no build removes it."""
    import fcntl

    fd = os.open(_lock_file(store_dir), os.O_RDONLY | (os.O_CREAT if create else 0), 0o644)
    fcntl.flock(fd, fcntl.LOCK_SH)
    return fd


def _remove_unless_held(store_dir: Path) -> None:
    import fcntl

    try:
        fd = os.open(_lock_file(store_dir), os.O_RDONLY)
    except FileNotFoundError:  # a killed build's version, or a store from before locks
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


def rdflib_term(node: object) -> Any:
    """An Oxigraph term as rdflib's, built directly (no parser: rdflib's N-Triples parser is quadratic)."""
    import pyoxigraph as ox
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, ox.NamedNode):
        return URIRef(node.value)
    if isinstance(node, ox.BlankNode):
        return BNode(node.value)
    assert isinstance(node, ox.Literal)  # triples in a named graph: no quoted triples in coopgraph data
    if node.language:
        return Literal(node.value, lang=node.language)
    datatype = node.datatype.value
    return Literal(node.value, datatype=None if datatype in _PLAIN else URIRef(datatype))


_PLAIN = {"http://www.w3.org/2001/XMLSchema#string", "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"}


def rdflib_graph(store: ox.Store, graph: ox.NamedNode, into: Graph | None = None) -> Graph:
    """One named graph of a store as an rdflib ``Graph``, term by term.

    Not through rdflib's N-Triples parser: it is quadratic in the length of a
    literal (an 8 MB note took 197 s; this takes well under one).
    """
    from rdflib import Graph as RdflibGraph

    result = into if into is not None else RdflibGraph(bind_namespaces="none")
    term = rdflib_term
    result.addN(
        (term(q.subject), term(q.predicate), term(q.object), result)
        for q in store.quads_for_pattern(None, None, None, graph)
    )
    return result
