"""Writing outputs so that a reader never sees half of them (shared by every stage that writes).

A build's outputs go together through :func:`coopgraph.graph.store.release`
(one version directory, one link switched); single files written by other
commands (``export -o``, ``schema``, ``visualise -o``) through
:func:`write_atomically`.  Either way a path that cannot be written is one
line naming it (:func:`unwritable`), never a traceback.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

from coopgraph.errors import CoopgraphError, display_path


def write_atomically(files: Mapping[Path, bytes]) -> None:
    """Write every file, or none: temp files first, then rename each into place."""
    staged: list[tuple[Path, str]] = []
    path = Path()
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
    except OSError as error:
        raise unwritable(path, error) from None
    finally:
        for _, temp in staged:
            if os.path.exists(temp):
                os.unlink(temp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def unwritable(path: Path | str, error: OSError, what: str = "") -> CoopgraphError:
    """One line for a path that cannot be written: which path, (what,) and what the system said."""
    where = display_path(Path(error.filename or path))
    reason = error.strerror or str(error) or type(error).__name__
    if isinstance(error, FileExistsError | NotADirectoryError):
        reason = f"{reason}: a file is in the way of a directory"
    return CoopgraphError(f"{where}: cannot write{f' {what}' if what else ''} ({reason})")
