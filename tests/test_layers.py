"""The package tree names the pipeline, and data flows one way through it.

Every ``import`` in ``src/coopgraph`` (at module level or inside a function) is read
with :mod:`ast`; each module belongs to a stage, and a stage may import only the shared
modules and the stages before it. Peers (``sparql``, ``views``, ``export``) do not import
each other. Module-level and lazy imports together form no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "src" / "coopgraph"

#: stage -> the stages (and shared modules) it may import. ``shared`` is the top-level helpers.
ALLOWED: dict[str, set[str]] = {
    "shared": {"shared"},
    "curate": {"shared", "curate"},
    "graph": {"shared", "curate", "graph"},
    "checks": {"shared", "curate", "graph", "checks"},
    "reason": {"shared", "curate", "graph", "reason"},
    "sparql": {"shared", "curate", "graph", "sparql"},
    "views": {"shared", "curate", "graph", "views"},
    "export": {"shared", "curate", "graph", "export"},
    "pipeline": {"shared", "curate", "graph", "checks", "reason", "views", "export", "pipeline"},
    "api": {"shared", "curate", "graph", "checks", "reason", "sparql", "views", "export", "pipeline", "api"},
    "commands": {"shared", "curate", "graph", "checks", "reason", "sparql", "views", "export", "pipeline", "api",
                 "commands"},
}
SHARED = {"coopgraph.errors", "coopgraph.resources", "coopgraph.perf", "coopgraph.files", "coopgraph.suggest", "coopgraph.progress"}
#: the package itself re-exports the public API (lazily): it is the API's face, so no stage imports it
API = {"coopgraph", "coopgraph.api"}
STAGES = {"curate", "graph", "checks", "reason", "sparql", "views", "export", "commands"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    parts = module.split(".")
    if module in SHARED:
        return "shared"
    if module in API:
        return "api"
    if len(parts) > 1 and parts[1] in STAGES:
        return parts[1]
    if parts[1:2] == ["pipeline"]:
        return "pipeline"
    if parts[1:2] in (["cli"], ["__main__"]):
        return "commands"
    raise AssertionError(f"{module} belongs to no stage: put it in a stage's subpackage or declare it shared")


def imports_of(path: Path) -> set[str]:
    """Every coopgraph module that ``path`` imports, resolved to a module (not a name inside one)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.startswith("coopgraph")}
        elif isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("coopgraph"):
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                is_module = (PACKAGE.parent / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    PACKAGE.parent / Path(*candidate.split(".")) / "__init__.py"
                ).exists()
                found.add(candidate if is_module else node.module)
    return found


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_stage_is_a_documented_subpackage() -> None:
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists(), f"coopgraph.{stage} is not a package"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and ("In:" in doc or stage == "commands"), f"coopgraph.{stage} says nothing of what comes in and out"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_stage_imports_a_later_one(module: str) -> None:
    stage = stage_of(module)
    wrong = {
        imported for imported in imports_of(MODULES[module])
        if imported in MODULES and stage_of(imported) not in ALLOWED[stage]
    }
    assert not wrong, f"{module} ({stage}) imports a later or peer stage: {sorted(wrong)}"


def test_no_import_cycles() -> None:
    graph = nx.DiGraph()
    for module, path in MODULES.items():
        for imported in imports_of(path):
            if imported in MODULES and imported != module and not module.startswith(imported + "."):
                # a subpackage's __init__ is imported with its modules; only edges between modules count
                graph.add_edge(module, imported)
    cycles = [cycle for cycle in nx.simple_cycles(graph) if len(cycle) > 1]
    assert not cycles, f"import cycles: {cycles[:5]}"


def test_the_layering_test_would_notice_a_backward_import(tmp_path: Path) -> None:
    """The checker itself: a curate module importing views is caught."""
    fake = tmp_path / "mod.py"
    fake.write_text("def f():\n    from coopgraph.views.project import project\n", encoding="utf-8")
    assert imports_of(fake) == {"coopgraph.views.project"}
    assert stage_of("coopgraph.views.project") not in ALLOWED["curate"]
