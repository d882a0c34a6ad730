"""coopgraph: a knowledge graph of digital-cooperation agreements between governments.

The public Python API (:mod:`coopgraph.api`), loaded on first use so that
``import coopgraph`` stays fast::

    import coopgraph
    kg = coopgraph.build("data", out="build")        # or coopgraph.open("build")
    rows = kg.query("partners-of-country", country="country:thailand")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "IRI",
    "CheckReport",
    "CoopgraphError",
    "Duration",
    "KnowledgeGraph",
    "LangString",
    "PartialDate",
    "Rows",
    "TypedLiteral",
    "__version__",
    "build",
    "check",
    "open",
]

if TYPE_CHECKING:
    from coopgraph.api import (
        IRI,
        CheckReport,
        CoopgraphError,
        Duration,
        KnowledgeGraph,
        LangString,
        PartialDate,
        Rows,
        TypedLiteral,
        build,
        check,
        open,
    )


def __getattr__(name: str) -> Any:
    """The API's names, imported when first asked for (PEP 562)."""
    if name in __all__:
        import coopgraph.api

        value = getattr(coopgraph.api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'coopgraph' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))

