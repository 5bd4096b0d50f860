"""Parse Pandoc citation syntax (``[see @key, p. 12; @other]``, ``[-@key]``, ``@key``).

Pure string work: no Markdown, no bibliography. The Markdown extension and the docs scanner
both use these patterns, so what the build renders and what the checks count cannot differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from collections.abc import Iterator

# Pandoc's key grammar: starts with a letter, digit or underscore; may hold internal
# punctuation; never ends in it, so "see @key." ends the key before the full stop.
KEY_PATTERN: Final = r"[A-Za-z0-9_](?:[\w:.#$%&+?<>~/-]*[A-Za-z0-9_])?"

# A bracketed group with at least one "@" that is not a link ("[x](url)" or "[x][ref]").
BRACKETED_RE: Final = re.compile(r"\[(?P<body>[^\[\]\n]*@[^\[\]\n]*)\](?![(\[])")

# "@key" not glued to a word, an e-mail address, a path or URL, an escaping backslash, or the
# opening bracket of link text ("[@key](url)" is a link, as in Pandoc).
NARRATIVE_RE: Final = re.compile(rf"(?<![\w@\\/.:=+\[-])@(?P<key>{KEY_PATTERN})")

_ITEM_RE: Final = re.compile(
    rf"^(?P<prefix>[^@]*?)\s*(?<![\w\\])(?P<suppress>-)?@(?P<key>{KEY_PATTERN})(?P<suffix>[^@]*)$"
)
_FENCE_RE: Final = re.compile(r"^\s*(?P<fence>`{3,}|~{3,})")
_CODE_SPAN_RE: Final = re.compile(r"(?P<ticks>`+).+?(?P=ticks)")


@dataclass(frozen=True)
class CitedWork:
    """One cited key with what surrounds it inside the brackets."""

    key: str
    prefix: str = ""
    locator: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """A bracketed (parenthetical) citation of one or more works, or a narrative one."""

    works: tuple[CitedWork, ...]
    narrative: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """The cited keys in the order written."""
        return tuple(work.key for work in self.works)


def parse_bracketed(body: str) -> Citation | None:
    """Parse the text between brackets; ``None`` when it is not a citation at all."""
    works = []
    for part in body.split(";"):
        match = _ITEM_RE.match(part.strip())
        if match is None:
            return None
        suffix = match["suffix"].strip()
        locator = suffix[1:].strip() if suffix.startswith(",") else suffix
        works.append(
            CitedWork(
                key=match["key"],
                prefix=" ".join(match["prefix"].split()),
                locator=" ".join(locator.split()),
                suppress_author=bool(match["suppress"]),
            )
        )
    return Citation(tuple(works))


def parse_narrative(key: str) -> Citation:
    """Return the citation written in running text as ``@key``."""
    return Citation((CitedWork(key),), narrative=True)


@dataclass(frozen=True)
class FoundCitation:
    """A citation found in Markdown source, with its 1-based line in that source."""

    citation: Citation
    line: int


def find_citations(markdown: str) -> Iterator[FoundCitation]:
    r"""Yield every citation in Markdown source, skipping fenced code and code spans.

    Escaped "\\@" is not a citation. The Markdown extension sees the same text after
    Python-Markdown has removed code, so both agree on what counts.
    """
    fence = ""
    for number, line in enumerate(markdown.splitlines(), start=1):
        opening = _FENCE_RE.match(line)
        if fence:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = ""
            continue
        if opening:
            fence = opening["fence"]
            continue
        yield from (FoundCitation(citation, number) for citation in _citations_in_line(line))


def _citations_in_line(line: str) -> Iterator[Citation]:
    text = _CODE_SPAN_RE.sub(lambda match: " " * len(match[0]), line)
    remaining = []
    position = 0
    for match in BRACKETED_RE.finditer(text):
        citation = parse_bracketed(match["body"])
        if citation is None:
            continue
        remaining.append(text[position : match.start()])
        position = match.end()
        yield citation
    remaining.append(text[position:])
    for chunk in remaining:
        for match in NARRATIVE_RE.finditer(chunk):
            yield parse_narrative(match["key"])
