"""Origins: node -> where it was written, looked up by IRI text, URIRef or NamedNode; compact."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from coopgraph.errors import Location
from coopgraph.graph.origins import Origins

IRI = "https://w3id.org/coopgraph/id/agreement/x"


def test_any_form_of_the_iri_finds_the_place_and_the_last_setting_wins() -> None:
    origins = Origins({IRI: Location("a.yaml", 1)})
    origins[IRI + "-1"] = Location("a.yaml", 7)
    assert origins[URIRef(IRI)] == origins[ox.NamedNode(IRI)] == origins.get(IRI) == Location("a.yaml", 1)
    origins[IRI] = Location("b.yaml", 3)  # set again after a lookup: merged, the last kept
    assert origins[IRI] == Location("b.yaml", 3) and origins[IRI + "-1"] == Location("a.yaml", 7)
    assert len(origins) == 2 and IRI + "-1" in origins
    assert origins.get(IRI + "-2") is None and IRI + "-2" not in origins
    with pytest.raises(KeyError):
        origins[IRI + "-2"]
    assert not Origins() and origins


def test_a_node_costs_sixteen_bytes_and_a_file_name_is_kept_once() -> None:
    origins = Origins()
    for i in range(10_000):
        origins[f"{IRI}-{i}"] = Location("data/agreements/x.yaml", i + 1)
    assert origins[f"{IRI}-9999"] == Location("data/agreements/x.yaml", 10_000)
    assert origins.nbytes() == 16 * 10_000
    assert len(origins._files) == 1


def test_threads_looking_up_at_once_merge_the_settings_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks look nodes up from two threads: the first lookups merge what was set, once, and all agree."""
    import threading
    import time

    import numpy as np

    origins = Origins()
    for i in range(50_000):
        origins[f"{IRI}-{i}"] = Location("a.yaml", i + 1)
    origins[f"{IRI}-7"] = Location("b.yaml", 70)  # set twice: the last wins
    sorts: list[int] = []
    argsort = np.argsort

    def slow_argsort(*args: object, **kwargs: object) -> object:
        sorts.append(1)
        time.sleep(0.05)  # widen the window another thread could enter by
        return argsort(*args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(np, "argsort", slow_argsort)
    start = threading.Barrier(8)
    found: list[list[Location | None]] = []

    def look_up() -> None:
        start.wait()
        found.append([origins.get(f"{IRI}-{i}") for i in (0, 7, 49_999, 50_000)])

    threads = [threading.Thread(target=look_up) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(sorts) == 1
    assert found == [[Location("a.yaml", 1), Location("b.yaml", 70), Location("a.yaml", 50_000), None]] * 8
    assert len(origins) == 50_000
