"""The one user-facing error type, and the place-aware problems it carries.

Curated-data problems read ``path:line: message`` so an editor can jump to
them.  A :class:`CoopgraphError` is caught by the CLI, printed one problem per
line on stderr, and turned into exit code 1; nothing else is.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path


class Exit(IntEnum):
    """Exit codes of every command."""

    OK = 0
    PROBLEMS = 1  # problems in the data or the query
    USAGE = 2  # the command line itself is wrong


@dataclass(frozen=True, order=True)
class Location:
    """Where a record or value was written: file and 1-based line."""

    path: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong, where it is, in a curator's words."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class CoopgraphError(Exception):
    """Every error a user should see without a traceback.

    >>> str(CoopgraphError([Problem(Location("data/x.yaml", 3), "party 'thailnd' is not defined")]))
    "data/x.yaml:3: party 'thailnd' is not defined"
    """

    def __init__(self, problems: list[Problem] | str) -> None:
        if isinstance(problems, str):
            problems = [Problem(Location(""), problems)]
        self.problems = sorted(set(problems), key=_problem_order)
        super().__init__("\n".join(p.message if not p.location.path else str(p) for p in self.problems))


def _problem_order(problem: Problem) -> tuple[str, int, str]:
    return (problem.location.path, problem.location.line, problem.message)


def display_path(path: Path) -> str:
    """A path as the user should see it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
