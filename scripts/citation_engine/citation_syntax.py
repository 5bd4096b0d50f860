r"""Pandoc's citation grammar, read from text as Python-Markdown's inline processors see it.

The grammar is the one in Pandoc's manual ("Citation syntax") and its Markdown reader:

- a key is ``@`` then a letter, digit or ``_`` of any script, then letters, digits, ``_``, and
  the punctuation ``:.#$%&-+?<>~/`` where a letter, digit or ``_`` follows (``//`` too), or a
  braced key ``@{any.non-space{balanced}chars}``;
- ``[prefix @key suffix; prefix -@key suffix]`` is a normal citation, one or more works;
- ``@key`` is author-in-text, optionally followed by ``[suffix]`` or by a bracketed group;
- ``-@key`` (inside brackets or not) suppresses the author.

Prefix and suffix are Markdown: they are returned as source text for the caller to render.
The text may hold Python-Markdown's placeholders (``\x02...\x03``) for code spans, escapes,
links and raw HTML that earlier processors have already taken out: each counts as one opaque
character, never as a bracket, a semicolon or the start of a key. That is what keeps
citations out of code, attributes and comments. Nothing here knows about the bibliography.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum
from typing import Final

STX: Final = "\x02"
ETX: Final = "\x03"

_INTERNAL_PUNCTUATION: Final = frozenset(":.#$%&-+?<>~/")
_SPACE: Final = frozenset(" \t\n")
_ENTITY_RE: Final = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")

# A citation candidate starts at an opening bracket or at "@"/"-@".
START_RE: Final = re.compile(r"\[|-(?=@)|@")

# Pandoc's locator terms (citeproc's, in English): full names, abbreviations and symbols.
LOCATOR_TERMS: Final = (
    "book", "books", "bk.", "bks.",
    "chapter", "chapters", "chap.", "chaps.", "ch.",
    "column", "columns", "col.", "cols.",
    "figure", "figures", "fig.", "figs.",
    "folio", "folios", "fol.", "fols.",
    "issue", "issues", "no.", "nos.",
    "line", "lines", "l.", "ll.",
    "note", "notes", "n.", "nn.",
    "opus", "opera", "op.", "opp.",
    "page", "pages", "p.", "pp.",
    "paragraph", "paragraphs", "para.", "paras.", "¶", "¶¶",
    "part", "parts", "pt.", "pts.",
    "section", "sections", "sec.", "secs.", "§", "§§",
    "sub verbo", "sub verbis", "s.v.", "s.vv.",
    "verse", "verses", "v.", "vv.",
    "volume", "volumes", "vol.", "vols.",
)  # fmt: skip
_TERMS_RE: Final = "|".join(
    re.escape(term) for term in sorted(LOCATOR_TERMS, key=len, reverse=True)
)
# A suffix that starts with a locator: an optional comma, then a term and a value, a braced
# locator ("{pp. iv, vi-xi}"), or a bare page number.
_LOCATOR_RE: Final = re.compile(
    rf"^\s*,?\s*(?:\{{(?P<braced>[^{{}}]*)\}}"
    rf"|(?P<term>(?:{_TERMS_RE})\s*[\w–—-]+(?:\s*[,&–—-]\s*[\w]+)*)"
    rf"|(?P<number>\d+(?:\s*[–—-]\s*\d+)?)(?![\w]))",
    re.IGNORECASE,
)


class CitationMode(Enum):
    """Pandoc's three citation modes, named as in its JSON."""

    NORMAL = "NormalCitation"
    AUTHOR_IN_TEXT = "AuthorInText"
    SUPPRESS_AUTHOR = "SuppressAuthor"


@dataclass(frozen=True)
class CitedWork:
    """One cited key with the Markdown written around it, as Pandoc's ``Citation``.

    ``prefix`` is trimmed; ``suffix`` keeps one leading space when the source had one (Pandoc
    does the same), so ``[@a, p. 3]`` has suffix ``", p. 3"`` and ``[@a p. 3]`` ``" p. 3"``.
    """

    key: str
    mode: CitationMode = CitationMode.NORMAL
    prefix: str = ""
    suffix: str = ""

    @property
    def suppress_author(self) -> bool:
        """Whether the author is left out (``-@key``)."""
        return self.mode is CitationMode.SUPPRESS_AUTHOR

    @property
    def locator(self) -> str:
        """The locator at the start of the suffix (braces dropped), or ``""``."""
        return split_locator(self.suffix)[0]


@dataclass(frozen=True)
class Citation:
    """A citation as Pandoc's ``Cite`` holds it: one or more works, and where it was written.

    ``start`` and ``end`` index the text it was parsed from; ``nested`` holds author-in-text
    citations written inside a suffix (``[@a, see also @b]``), which Pandoc also reads.
    """

    works: tuple[CitedWork, ...]
    start: int = 0
    end: int = 0
    nested: tuple[Citation, ...] = ()
    bracketed: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        """The cited keys in the order written, nested ones after their host."""
        own = tuple(work.key for work in self.works)
        return own + tuple(key for inner in self.nested for key in inner.keys)

    @property
    def narrative(self) -> bool:
        """Whether it was written as ``@key`` in running text (possibly ``@key [p. 3]``)."""
        return not self.bracketed and self.works[0].mode is CitationMode.AUTHOR_IN_TEXT


def split_locator(suffix: str) -> tuple[str, str]:
    """Split a suffix into (locator, rest) the way citeproc does for Pandoc.

    The locator keeps its term ("p. 33") and loses only the braces of a braced locator.
    """
    match = _LOCATOR_RE.match(suffix)
    if match is None:
        return "", suffix
    locator = match["braced"] if match["braced"] is not None else match["term"] or match["number"]
    return " ".join(locator.split()), suffix[match.end() :]


# -- the parser --------------------------------------------------------------------------


def _is_regular(char: str) -> bool:
    return char.isalnum() or char == "_"


def _unit_end(text: str, position: int) -> int:
    """End of the unit at ``position``: a whole placeholder, or one character."""
    if text[position] == STX:
        closing = text.find(ETX, position)
        if closing != -1:
            return closing + 1
    return position + 1


def after_string(text: str, position: int) -> bool:
    """Whether ``position`` directly follows a word, as Pandoc's ``notAfterString`` asks.

    Pandoc reads letters, digits and full stops as one string, and an emphasis that has just
    closed counts too: ``x@a``, ``x.@a`` and ``*a*@b`` are not citations.
    """
    if position == 0:
        return False
    before = text[position - 1]
    if before.isalnum() or before == ".":
        return True
    if before in "*_":
        run = position - 1
        while run > 0 and text[run - 1] == before:
            run -= 1
        return run > 0 and text[run - 1] not in _SPACE and text[run - 1] != "["
    return False


def parse_key(text: str, position: int) -> tuple[str, int] | None:
    """Read a key starting just after ``@``; return it and the index after it."""
    if position >= len(text):
        return None
    if text[position] == "{":
        depth = 0
        index = position
        while index < len(text):
            char = text[index]
            if char in _SPACE or char in (STX, ETX):
                return None
            if char == "{":
                depth += 1
            elif char == "}":
                depth -= 1
                if depth == 0:
                    key = text[position + 1 : index]
                    return (key, index + 1) if key else None
            index += 1
        return None
    first = text[position]
    if not (_is_regular(first) or first == "*"):
        return None
    index = position + 1
    while index < len(text):
        char = text[index]
        following = text[index + 1] if index + 1 < len(text) else ""
        if _is_regular(char):
            index += 1
        elif char in _INTERNAL_PUNCTUATION and following and _is_regular(following):
            index += 2
        elif char in ":/" and following == "/":
            index += 1
        else:
            break
    return text[position:index], index


def is_citable_key(key: str) -> bool:
    """Whether ``[@key]`` cites exactly this key, with no braces needed."""
    return parse_key(key, 0) == (key, len(key))


def _cite_key(text: str, position: int) -> tuple[bool, str, int] | None:
    """``-@key`` or ``@key`` at ``position`` (not after a word): (suppressed, key, end)."""
    if after_string(text, position):
        return None
    # "--@key" is a dash, then an author-in-text citation (Pandoc's smart typography).
    suppress = text.startswith("-@", position) and text[position - 1 : position] != "-"
    at = position + 1 if suppress else position
    if not text.startswith("@", at):
        return None
    parsed = parse_key(text, at + 1)
    if parsed is None:
        return None
    return suppress, parsed[0], parsed[1]


def _skip_spnl(text: str, position: int) -> int:
    """Pandoc's ``spnl``: spaces, at most one line break, spaces."""
    index = position
    while index < len(text) and text[index] in " \t":
        index += 1
    if index < len(text) and text[index] == "\n":
        index += 1
        while index < len(text) and text[index] in " \t":
            index += 1
    return index


def _emphasis_end(text: str, position: int, stop: int) -> int | None:
    """End of an emphasis opened at ``position`` (``*a; b*``), which Pandoc reads whole."""
    char = text[position]
    run = position
    while run < stop and text[run] == char:
        run += 1
    count = run - position
    if count > 3 or run >= stop or text[run] in _SPACE:
        return None
    if char == "_" and position > 0 and _is_regular(text[position - 1]):
        return None
    closer = re.compile(
        rf"(?<=[^\s{re.escape(char)}]){re.escape(char * count)}(?!{re.escape(char)})"
    )
    match = closer.search(text, run, stop)
    if match is None or "\n\n" in text[run : match.start()]:
        return None
    if char == "_" and match.end() < stop and _is_regular(text[match.end()]):
        return None
    return match.end()


def _balanced_end(text: str, position: int, stop: int) -> int | None:
    """End of a balanced ``[...]`` starting at ``position``, read whole as Pandoc does."""
    depth = 0
    index = position
    while index < stop:
        char = text[index]
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                return index + 1
        index = _unit_end(text, index)
    return None


class _Parser:
    def __init__(self, text: str, link_ids: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.link_ids = link_ids

    # prefix: inlines up to a key (after an optional "; "), or "]" (which fails)
    def prefix(self, position: int) -> tuple[str, int] | None:
        text = self.text
        index = position
        while index < len(text):
            char = text[index]
            if char == "]":
                return None
            if char == ";":
                after = _skip_spnl(text, index + 1)
                if _cite_key(text, after) is not None:
                    return text[position:index].strip(), index
                return None
            if char in "-@" and _cite_key(text, index) is not None:
                return text[position:index].strip(), index
            index = self._inline_end(index, len(text))
        return None

    def _inline_end(self, index: int, stop: int) -> int:
        char = self.text[index]
        if char == "&":
            entity = _ENTITY_RE.match(self.text, index, stop)
            if entity is not None:
                return entity.end()
        if char in "*_":
            end = _emphasis_end(self.text, index, stop)
            if end is not None:
                return end
        if char == "[":
            nested = self.bracketed(index)
            if nested is not None:
                return nested.end
            end = _balanced_end(self.text, index, stop)
            if end is not None:
                return end
        return _unit_end(self.text, index)

    def suffix(self, position: int) -> tuple[str, int, tuple[Citation, ...]]:
        """Inlines up to ``;`` or ``]``; a leading space is kept as one space."""
        text = self.text
        has_space = position < len(text) and text[position] in _SPACE
        start = _skip_spnl(text, position)
        index = start
        nested: list[Citation] = []
        while index < len(text) and text[index] not in ";]":
            if text[index] in "-@":
                found = self.textual(index)
                if found is not None:
                    nested.append(found)
                    index = found.end
                    continue
            index = self._inline_end(index, len(text))
        body = text[start:index].rstrip()
        return (" " + body if has_space and body else body), index, tuple(nested)

    def citation(self, position: int) -> tuple[CitedWork, int, tuple[Citation, ...]] | None:
        parsed_prefix = self.prefix(position)
        if parsed_prefix is None:
            return None
        prefix, index = parsed_prefix
        key = _cite_key(self.text, index)
        if key is None:
            return None
        suppress, name, index = key
        suffix, index, nested = self.suffix(index)
        mode = CitationMode.SUPPRESS_AUTHOR if suppress else CitationMode.NORMAL
        return CitedWork(name, mode, prefix, suffix), index, nested

    def cite_list(self, position: int) -> tuple[list[CitedWork], int, list[Citation]] | None:
        works: list[CitedWork] = []
        nested: list[Citation] = []
        index = position
        while True:
            parsed = self.citation(index)
            if parsed is None:
                return None if not works else (works, index, nested)
            work, after, inner = parsed
            works.append(work)
            nested.extend(inner)
            index = after
            if index < len(self.text) and self.text[index] == ";":
                following = _skip_spnl(self.text, index + 1)
                if self.citation(following) is None:
                    return works, index, nested
                index = following
                continue
            return works, index, nested

    def bracketed(self, position: int) -> Citation | None:
        """``[see @a, p. 3; -@b]``: not a link, a reference link or a bracketed span."""
        text = self.text
        if not text.startswith("[", position):
            return None
        parsed = self.cite_list(_skip_spnl(text, position + 1))
        if parsed is None:
            return None
        works, index, nested = parsed
        index = _skip_spnl(text, index)
        if not text.startswith("]", index):
            return None
        end = index + 1
        if end < len(text) and text[end] in "([{":
            return None
        return Citation(tuple(works), position, end, tuple(nested), bracketed=True)

    def textual(self, position: int) -> Citation | None:
        """``@key``, ``-@key``, ``@key [p. 33]`` or ``@key [@b]``."""
        key = _cite_key(self.text, position)
        if key is None:
            return None
        suppress, name, index = key
        mode = CitationMode.SUPPRESS_AUTHOR if suppress else CitationMode.AUTHOR_IN_TEXT
        first = CitedWork(name, mode)
        following = _skip_spnl(self.text, index)
        if self.text.startswith("[", following) and not self.text.startswith("[^", following):
            group = self.bracketed(following)
            if group is not None:
                return Citation((first, *group.works), position, group.end, group.nested)
            bare = self._bare_locator(first, following)
            if bare is not None:
                return Citation(bare[0], position, bare[1], bare[2])
        return Citation((first,), position, index)

    def _bare_locator(
        self, first: CitedWork, position: int
    ) -> tuple[tuple[CitedWork, ...], int, tuple[Citation, ...]] | None:
        text = self.text
        suffix, index, nested = self.suffix(position + 1)
        works = [CitedWork(first.key, first.mode, "", suffix)]
        inner = list(nested)
        if text.startswith(";", index):
            rest = self.cite_list(_skip_spnl(text, index + 1))
            if rest is not None:
                works.extend(rest[0])
                inner.extend(rest[2])
                index = rest[1]
        index = _skip_spnl(text, index)
        if not text.startswith("]", index):
            return None
        end = index + 1
        if end < len(text) and text[end] in "([{":
            return None
        label = " ".join(text[position + 1 : index].split()).lower()
        if label in self.link_ids:
            return None  # "@key [x]" where [x] is a defined reference link: Pandoc links it
        return tuple(works), end, tuple(inner)


def citation_at(
    text: str, position: int, link_ids: frozenset[str] = frozenset()
) -> Citation | None:
    """The citation starting at ``position`` (at ``[``, ``@`` or ``-@``), or ``None``."""
    parser = _Parser(text, link_ids)
    if text.startswith("[", position):
        return parser.bracketed(position)
    return parser.textual(position)


def find_citations(text: str, link_ids: frozenset[str] = frozenset()) -> list[Citation]:
    """Every citation in a run of inline text, left to right (no Markdown block parsing).

    Python-Markdown's inline processor calls ``citation_at`` itself; this scan serves
    callers that already hold inline text, and the tests.
    """
    found = []
    position = 0
    for match in START_RE.finditer(text):
        if match.start() < position:
            continue
        citation = citation_at(text, match.start(), link_ids)
        if citation is not None:
            found.append(citation)
            position = citation.end
    return found
