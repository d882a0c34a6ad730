"""Shared fixtures: the tiny world, a copy of it to break, and the shipped data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

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
