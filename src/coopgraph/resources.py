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


def shipped_data_dir() -> Path:
    """The data that comes with coopgraph (a checkout's ``data/``, or the installed copy)."""
    return _find("data")


def default_data_dir() -> Path:
    """``./data`` when it exists (a curator's working copy), else the shipped data."""
    return choose_data_dir(None, shipped=False)[0]


#: files and folders of which at least one marks a directory as coopgraph data
DATA_MARKERS = ("sources.yaml", "actors.yaml", "people.yaml", "topics.yaml", "agreements")


def choose_data_dir(given: Path | None, *, shipped: bool) -> tuple[Path, str]:
    """The data directory to use and why, in words a person reads on stderr.

    >>> choose_data_dir(None, shipped=True)[1]
    'the shipped data, as --shipped asks'
    """
    if shipped:
        return shipped_data_dir(), "the shipped data, as --shipped asks"
    if given is not None:
        return given, "--data"
    here = Path("data")
    if here.is_dir():
        return here, "./data exists here; --shipped for the shipped data"
    return shipped_data_dir(), "the shipped data: no ./data here"


def looks_like_data(directory: Path) -> bool:
    """Whether ``directory`` holds any coopgraph data file (else one clear error beats a list of missing files)."""
    return directory.is_dir() and any((directory / name).exists() for name in DATA_MARKERS)
