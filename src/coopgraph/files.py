"""Writing outputs so that a reader never sees half of them (shared by every stage that writes)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_atomically(files: Mapping[Path, bytes]) -> None:
    """Write every file, or none: temp files first, then rename each into place."""
    staged: list[tuple[Path, str]] = []
    try:
        for path, content in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            staged.append((path, temp))
            os.fchmod(handle, 0o666 & ~_umask())  # mkstemp makes 0600; outputs are published
            with os.fdopen(handle, "wb") as out:
                out.write(content)
        for path, temp in staged:
            os.replace(temp, path)
    finally:
        for _, temp in staged:
            if os.path.exists(temp):
                os.unlink(temp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
