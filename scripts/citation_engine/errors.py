"""Error types that carry a source location, so every message names a file and a line.

This module owns only the shape of errors; it never decides what is wrong.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from pathlib import Path


@dataclass(frozen=True, order=True, slots=True)
class SourceLocation:
    """A 1-based position in a source file, shown as ``path:line`` (line 0: the whole file)."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


def display_path(path: Path, root: Path | None) -> str:
    """Name a file as a reader of a message would: relative to ``root`` when it lies inside."""
    if root is None:
        return path.as_posix()
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with an input, kept as data until the edge where it is reported."""

    location: SourceLocation
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


class ProblemsError(Exception):
    """Raised once with every problem found, so one bad input never hides the next."""

    headline = "problems found"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(problems)
        count = len(self.problems)
        lines = [f"{count} {self.headline}:" if count != 1 else f"1 {self.headline[:-1]}:"]
        lines += [f"  {problem}" for problem in self.problems]
        super().__init__("\n".join(lines))


class BibliographyError(ProblemsError):
    """The BibTeX file could not be turned into a clean set of references."""

    headline = "bibliography problems"


class CitationError(ProblemsError):
    """A page cites a key the bibliography does not hold, or writes a malformed citation."""

    headline = "citation problems"


class EngineError(Exception):
    """The engine that renders the pages (MkDocs, Zensical) lacks an internal the engine needs."""
