"""Where a long run is: one line per stage of a build or check, on a terminal only.

The pipeline names its stages (``with stage("reasoning"): ...``); what is shown is the
command line's choice (:func:`show_on`): on a terminal, a live status line (rich) with
the stage and the time so far, so a 10,000-agreement build is never silent for a
minute; with ``-v``, one line per finished stage with its time, wherever stderr goes;
when piped, in CI or with ``-q``, nothing. Library callers (the Python API) see nothing
unless they ask.

>>> with stage("reading the data"):
...     pass
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator

#: what is shown: None (nothing), "live" (a status line on a terminal), "lines" (a line per stage)
_MODE: str | None = None


def show_on(verbosity: int) -> None:
    """Decide for this process: lines with -v; a live line on a terminal outside CI; else nothing."""
    global _MODE
    if verbosity >= 2:
        _MODE = "lines"
    elif verbosity >= 1 and sys.stderr.isatty() and not os.environ.get("CI"):
        _MODE = "live"
    else:
        _MODE = None


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Run a stage of the pipeline, shown as the command line asked."""
    started = time.perf_counter()
    if _MODE == "live":
        from rich.console import Console

        console = Console(stderr=True)
        with console.status(f"{name} …"):
            yield
        return
    yield
    if _MODE == "lines":
        print(f"{name}: {memory()}, {time.perf_counter() - started:.1f} s", file=sys.stderr)


def memory() -> str:
    """This process's resident memory now and at its peak (where a big build's memory goes, stage by stage)."""
    import resource

    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            now = int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:  # not Linux: the peak alone
        return f"peak RSS {peak:,.0f} MB"
    return f"RSS {now:,.0f} MB (peak {peak:,.0f} MB)"
