"""Where each node of the asserted graph was written: node IRI -> :class:`Location`, compact enough for millions.

A dict of IRI text to ``Location`` took ~55 bytes of key and ~150 of
objects per node: 5.5 GB for the 10M nodes of a million agreements.  Only
lookups are ever made (a shape's focus node, a query's answer, a reasoner's
clash), never a listing, so a node is kept as a 64-bit digest of its IRI
beside its file (an index into the file names, each kept once) and line: 16
bytes.  Two IRIs sharing a digest (odds ~1e-6 for 10M nodes) would make one
report the other's line; nothing else depends on it.

>>> origins = Origins()
>>> origins["https://w3id.org/coopgraph/id/agreement/x"] = Location("data/agreements/x.yaml", 1)
>>> origins.get("https://w3id.org/coopgraph/id/agreement/x")
Location(path='data/agreements/x.yaml', line=1)
"""

from __future__ import annotations

import hashlib
import threading
from array import array
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from coopgraph.errors import Location

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

_LINE_BITS = 32


def _digest(key: Any) -> int:
    """64 bits of the IRI's text: rdflib ``URIRef``, pyoxigraph ``NamedNode`` and plain text alike."""
    text = getattr(key, "value", None) or str(key)
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Origins(Mapping[Any, Location]):
    """Node IRI -> where its YAML record (or field) was written; filled while minting, then looked up.

    Keys may be rdflib ``URIRef``s, pyoxigraph ``NamedNode``s or IRI text (a
    ``URIRef`` is a ``str`` but does not compare equal to one).  Setting a
    key twice keeps the last, as a dict does.
    """

    def __init__(self, items: Mapping[Any, Location] | None = None) -> None:
        self._files: list[str] = []
        self._file_index: dict[str, int] = {}
        self._new_keys = array("Q")  # appended while minting, sorted on the first lookup
        self._new_places = array("Q")
        self._keys: NDArray[np.uint64] | None = None
        self._places: NDArray[np.uint64] | None = None
        self._merging = threading.Lock()  # the checks look nodes up from two threads
        for key, where in (items or {}).items():
            self[key] = where

    def __setitem__(self, key: Any, where: Location) -> None:
        index = self._file_index.get(where.path)
        if index is None:
            index = self._file_index[where.path] = len(self._files)
            self._files.append(where.path)
        self._new_keys.append(_digest(key))
        self._new_places.append(index << _LINE_BITS | where.line)

    def __getitem__(self, key: Any) -> Location:
        keys, places = self._sorted()
        digest = _digest(key)
        i = int(keys.searchsorted(digest))
        if i == len(keys) or int(keys[i]) != digest:
            raise KeyError(key)
        place = int(places[i])
        return Location(self._files[place >> _LINE_BITS], place & ((1 << _LINE_BITS) - 1))

    def __contains__(self, key: object) -> bool:
        try:
            self[key]
        except KeyError:
            return False
        return True

    def __len__(self) -> int:
        return len(self._sorted()[0])

    def __iter__(self) -> Iterator[Any]:
        raise TypeError("origins keep a digest of each node, not its IRI: look nodes up, they cannot be listed")

    def __bool__(self) -> bool:
        return bool(self._new_keys) or (self._keys is not None and len(self._keys) > 0)

    def nbytes(self) -> int:
        """The memory the table takes (file names aside)."""
        sorted_part = 0 if self._keys is None or self._places is None else self._keys.nbytes + self._places.nbytes
        return sorted_part + self._new_keys.buffer_info()[1] * 8 * 2

    def _sorted(self) -> tuple[NDArray[np.uint64], NDArray[np.uint64]]:
        """Keys in order (the last setting of a key wins) and their places, merging what was set since.

        The merge runs under a lock (numpy sorts without the GIL): two threads looking up
        at once after the last setting merge it once.  Setting while looking up is not supported.
        """
        if self._keys is None or self._places is None or self._new_keys:
            with self._merging:
                self._merge()
        assert self._keys is not None and self._places is not None
        return self._keys, self._places

    def _merge(self) -> None:
        import numpy as np

        if self._keys is None or self._places is None or self._new_keys:
            keys = np.frombuffer(self._new_keys, dtype=np.uint64)
            places = np.frombuffer(self._new_places, dtype=np.uint64)
            if self._keys is not None and self._places is not None:
                keys, places = np.concatenate([self._keys, keys]), np.concatenate([self._places, places])
            order = np.argsort(keys, kind="stable")  # equal keys stay in the order set: the last is kept
            keys, places = keys[order], places[order]
            last = np.ones(len(keys), dtype=bool)
            last[:-1] = keys[1:] != keys[:-1]
            self._keys, self._places = keys[last].copy(), places[last].copy()
            self._new_keys, self._new_places = array("Q"), array("Q")
