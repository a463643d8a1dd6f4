"""The one user-facing error type.

Every stage reports what is wrong with the user's input as `Problem`s, collected into a single
`PodcastError`, so a run reports every problem of every file at once and the CLI has exactly one
thing to catch. Library exceptions are converted where the library is called, never later.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one input: where it is, which field, and what was expected."""

    path: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.field}: {self.message}"


def problem(path: Path | str, line: int | None, field: str, message: str) -> Problem:
    """Build a Problem with a path shown as the user typed it (relative when possible)."""
    return Problem(_display(path), line, field, message)


def _display(path: Path | str) -> str:
    """Relative to the working directory when under it, as written or else with its folders
    resolved (the show may be reached through a symlink); a symlinked file is named, not its target."""
    absolute = os.path.abspath(path)
    resolved = os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))
    here = Path.cwd()
    for candidate in map(Path, (absolute, resolved)):
        if candidate.is_relative_to(here):
            return str(candidate.relative_to(here))
    return str(path)


class PodcastError(Exception):
    """Raised with every problem found; the CLI prints them and exits 1."""

    def __init__(self, problems: list[Problem] | tuple[Problem, ...]):
        self.problems = tuple(sorted(set(problems), key=_order))
        super().__init__("\n".join(str(p) for p in self.problems))


def _order(p: Problem) -> tuple[str, int, str, str]:
    return (p.path, p.line or 0, p.field, p.message)
