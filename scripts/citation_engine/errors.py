"""Error types that carry a source location, so every message names a file and a line.

This module owns the shape of errors, and the wording of the one message that both the
build's check and a page's renderer give (``unknown_key_message``); it never decides what is
wrong. It imports nothing of the engine's, so any module may import it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence
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


# What a message must never send raw to a terminal or a log: C0 and C1 controls (an escape
# sequence can retitle or rewrite the terminal), and the invisible and bidirectional marks
# that make a key read differently from how it is stored.
_UNPRINTABLE_RE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\u00ad\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069"
    "\u3164\ufeff\U000e0000-\U000e007f]"
)


def printable(text: str) -> str:
    r"""``text`` with every control or invisible character written as its code, ``\u001b``."""
    return _UNPRINTABLE_RE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


@dataclass(frozen=True, order=True, slots=True)
class Problem:
    """One thing wrong with an input, kept as data until the edge where it is reported.

    A warning is an input the site still renders as Pandoc would (an incomplete record, a
    repeated copy of an entry): ``check`` shows it, a build goes on. Anything else stops
    the build.
    """

    location: SourceLocation
    message: str
    warning: bool = False

    def __str__(self) -> str:
        kind = "warning: " if self.warning else ""
        return f"{self.location}: {kind}{printable(self.message)}"


class ProblemsError(Exception):
    """Raised once with every problem found, so one bad input never hides the next."""

    headline = "problems found"

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: Sequence[Problem] = sorted(p for p in problems if not p.warning)
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


def unknown_key_message(key: str, references: Mapping[str, object]) -> str:
    """Say which key is unknown and which existing keys are nearest ("did you mean")."""
    nearest = difflib.get_close_matches(key, list(references), n=3, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(k) for k in nearest)}?" if nearest else ""
    return f"unknown citation key '{key}'{hint}"
