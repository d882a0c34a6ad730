"""Where the shipped ontology, shapes and saved queries are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent


def _find(name: str) -> Path:
    for root in (_PACKAGE / "_shipped", _CHECKOUT):
        if (root / name).exists():
            return root / name
    raise FileNotFoundError(f"coopgraph is installed without its {name}/ directory")


def ontology_file() -> Path:
    return _find("ontology") / "coopgraph.ttl"


def shapes_file() -> Path:
    return _find("ontology") / "shapes.ttl"


def queries_dir() -> Path:
    return _find("queries")


def default_data_dir() -> Path:
    """``./data`` when it exists (a curator's working copy), else the shipped data."""
    here = Path("data")
    return here if here.is_dir() else _find("data")
