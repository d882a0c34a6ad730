"""Shared fixtures: the tiny world, a copy of it to break, and the shipped data."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from rdflib import Graph, URIRef

from coopgraph.errors import Location

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Playwright

ROOT = Path(__file__).resolve().parent.parent
TINY = ROOT / "tests" / "data" / "tiny"
BAD = ROOT / "tests" / "data" / "bad"
SHIPPED = ROOT / "data"


@pytest.fixture
def tiny_copy(tmp_path: Path) -> Path:
    """A writable copy of the tiny world."""
    target = tmp_path / "data"
    shutil.copytree(TINY, target)
    return target


@pytest.fixture(scope="session")
def tiny_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tiny world built once (no reasoner): a build directory with ``store``, read-only for tests."""
    from coopgraph.pipeline import build

    out = tmp_path_factory.mktemp("tiny-build")
    build(TINY, out, reasoner="none")
    return out


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data (data/) built once without a reasoner: asserted facts only, read-only for tests."""
    from coopgraph.pipeline import build

    out = tmp_path_factory.mktemp("shipped-build")
    build(SHIPPED, out, reasoner="none")
    return out


REASONING = ROOT / "tests" / "data" / "reasoning"


def crafted(name: str) -> tuple[Graph, dict[URIRef, Location], str]:
    """A hand-written asserted graph from ``tests/data/reasoning``, where each subject is, and its expectation.

    The origins stand in for YAML records: a subject's location is the line that
    starts its statement.  The first line may read ``# expect: <error>``.
    """
    path = REASONING / name
    text = path.read_text(encoding="utf-8")
    graph = Graph(bind_namespaces="none").parse(data=text, format="turtle")
    origins: dict[URIRef, Location] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        head = line.split(" ", 1)[0]
        if head and not line.startswith(("@", "#", " ")) and ":" in head:
            origins.setdefault(URIRef(graph.namespace_manager.expand_curie(head)), Location(name, number))
    first = text.splitlines()[0]
    return graph, origins, first.removeprefix("# expect: ") if first.startswith("# expect: ") else ""


# --- the one headless Chromium the browser tests drive (Debian's, as root: see ../shared/NOTES.md) -------

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Chromium, launched once for the session; each test opens its own context."""
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield chromium
    chromium.close()
