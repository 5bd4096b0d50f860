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
import threading
from bisect import bisect_left
from dataclasses import dataclass
from enum import Enum
from typing import Any, Final, NamedTuple

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


def citation_form(key: str) -> str | None:
    """How a page cites this key: ``@key``, Pandoc's braced ``@{key}``, or ``None`` (no way).

    Braces take any key without spaces whose own braces balance (``@{.hidden}``,
    ``@{10.1037/pst0000172}``, ``@{Doe:2020ab}``), as in Pandoc's Markdown reader.
    """
    if is_citable_key(key):
        return f"@{key}"
    if parse_key(f"{{{key}}}", 0) == (key, len(key) + 2):
        return f"@{{{key}}}"
    return None


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


# Past this depth of nested brackets and citations, the parser reads the rest of the text
# from its end backwards instead (``_Parser._read_ahead``): no page can exhaust the stack.
_DEEP: Final = 24

# A parsed cite list or suffix shares its tail with every other that reached the same point;
# a chain of pairs keeps that sharing, and becomes a tuple only for a citation that is kept.
_Chain = tuple[Any, "_Chain"] | None


def _unchain(chain: _Chain) -> list[Any]:
    items = []
    while chain is not None:
        items.append(chain[0])
        chain = chain[1]
    return items


_CANDIDATE_RE: Final = re.compile(r"[-@\[]")


class _TooDeepError(Exception):
    """Raised when rules nest past ``_DEEP``; the caller reads ahead and tries again."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position


class _Parsed(NamedTuple):
    """One ``prefix @key suffix``, as positions until the citation around it is kept."""

    prefix: tuple[int, int]
    suppress: bool
    key: str
    suffix: tuple[bool, int, int]
    nested: _Chain
    end: int


class _Parser:
    """Pandoc's citation grammar over one text, remembering every result by position.

    Each rule's result depends only on where it starts, so each is worked out once: the
    scans that look for the end of a prefix or a suffix share their work with every scan
    that reaches the same point, and the brackets are matched once with a stack. A page is
    therefore read in time linear in its length, however its brackets are (un)balanced.
    """

    def __init__(self, text: str, link_ids: frozenset[str] = frozenset()) -> None:
        self.text = text
        self.link_ids = link_ids
        self.length = len(text)
        self._bracketed: dict[int, Citation | None] = {}
        self._textual: dict[int, Citation | None] = {}
        self._keys: dict[int, tuple[bool, str, int] | None] = {}
        self._citations: dict[int, _Parsed | None] = {}
        self._lists: dict[int, tuple[_Chain, int] | None] = {}
        self._prefix_stops: dict[int, int] = {}
        self._suffix_stops: dict[int, tuple[int, _Chain]] = {}
        self._emphasis: dict[int, int | None] = {}
        self._closers: dict[tuple[str, int], list[int]] = {}
        self._matching: list[int] | None = None
        self._breaks: list[int] | None = None
        self._etx: list[int] | None = None
        self._depth = 0
        self._read_from = self.length
        # After Python-Markdown puts a citation's placeholder in the text, the text after it
        # is the earlier text's: positions from ``_first`` on are asked of ``_root`` (the
        # first text), ``_shift`` characters further on here than there.
        self._root: _Parser | None = None
        self._shift = 0
        self._first = self.length + 1
        self._tail = self.length + 1
        self.accepted: tuple[int, int] | None = None

    # -- precomputed facts about the text --------------------------------------------------

    def _unit_end(self, position: int) -> int:
        """End of the unit at ``position``: a whole placeholder, or one character."""
        if self.text[position] == STX:
            if self._etx is None:
                self._etx = [match.start() for match in re.finditer(ETX, self.text)]
            at = bisect_left(self._etx, position)
            if at < len(self._etx):
                return self._etx[at] + 1
        return position + 1

    def _balanced_end(self, position: int) -> int | None:
        """End of a balanced ``[...]`` starting at ``position``, read whole as Pandoc does."""
        if self._root is not None and position >= self._first:
            end = self._root._balanced_end(position - self._shift)
            return None if end is None else end + self._shift
        if self._matching is None:
            matching = [-1] * self.length
            opened: list[int] = []
            index = 0
            while index < self.length:
                char = self.text[index]
                if char == "[":
                    opened.append(index)
                elif char == "]" and opened:
                    matching[opened.pop()] = index + 1
                index = self._unit_end(index)
            self._matching = matching
        end = self._matching[position]
        return end if end != -1 else None

    def _closer_starts(self, char: str, count: int) -> list[int]:
        """Where a run of exactly ``count`` ``char`` follows a character that is no space."""
        starts = self._closers.get((char, count))
        if starts is None:
            starts = [
                match.start()
                for match in re.finditer(f"{re.escape(char)}+", self.text)
                if match.end() - match.start() == count
                and match.start() > 0
                and not self.text[match.start() - 1].isspace()
            ]
            self._closers[(char, count)] = starts
        return starts

    def _paragraph_break(self, start: int, stop: int) -> bool:
        """Whether ``text[start:stop]`` holds a blank line (two line breaks in a row)."""
        if self._breaks is None:
            self._breaks = [match.start() for match in re.finditer(r"\n(?=\n)", self.text)]
        at = bisect_left(self._breaks, start)
        return at < len(self._breaks) and self._breaks[at] + 2 <= stop

    def _emphasis_end(self, position: int) -> int | None:
        """End of an emphasis opened at ``position`` (``*a; b*``), which Pandoc reads whole."""
        if position in self._emphasis:
            return self._emphasis[position]
        self._emphasis[position] = end = self._find_emphasis_end(position)
        return end

    def _find_emphasis_end(self, position: int) -> int | None:
        text = self.text
        char = text[position]
        run = position
        while run < self.length and text[run] == char and run - position <= 3:
            run += 1
        count = run - position
        if count > 3 or run >= self.length or text[run] in _SPACE:
            return None
        if char == "_" and position > 0 and _is_regular(text[position - 1]):
            return None
        starts = self._closer_starts(char, count)
        at = bisect_left(starts, run)
        if at == len(starts) or self._paragraph_break(run, starts[at]):
            return None
        end = starts[at] + count
        if char == "_" and end < self.length and _is_regular(text[end]):
            return None
        return end

    def _key(self, position: int) -> tuple[bool, str, int] | None:
        if position not in self._keys:
            self._keys[position] = _cite_key(self.text, position)
        return self._keys[position]

    def _skip(self, position: int) -> int:
        if position < self.length and self.text[position] not in _SPACE:
            return position
        return _skip_spnl(self.text, position)

    # -- the rules -------------------------------------------------------------------------

    def _inline_end(self, index: int) -> int:
        char = self.text[index]
        if char == "&":
            entity = _ENTITY_RE.match(self.text, index)
            if entity is not None:
                return entity.end()
        if char in "*_":
            end = self._emphasis_end(index)
            if end is not None:
                return end
        if char == "[":
            nested = self.bracketed(index)
            if nested is not None:
                return nested.end
            end = self._balanced_end(index)
            if end is not None:
                return end
        return self._unit_end(index)

    def _prefix_stop(self, position: int) -> int:
        """Where a prefix scan from ``position`` stops: ``]``, ``;``, a key, or the end."""
        text = self.text
        passed = []
        index = position
        while True:
            known = self._prefix_stops.get(index)
            if known is not None:
                stop = known
                break
            if index >= self.length:
                stop = self.length
                break
            char = text[index]
            if char in "];" or (char in "-@" and self._key(index) is not None):
                stop = index
                break
            passed.append(index)
            index = self._inline_end(index)
        for index in passed:
            self._prefix_stops[index] = stop
        return stop

    def prefix(self, position: int) -> int | None:
        """Inlines up to a key: the index of the key, or ``None`` (``]``, or no key)."""
        stop = self._prefix_stop(position)
        if stop >= self.length or self.text[stop] == "]":
            return None
        if self.text[stop] == ";":
            # Pandoc's prefix stops before "; @key"; no key can then start at the ";".
            return None
        return stop

    def _suffix_stop(self, start: int) -> tuple[int, _Chain]:
        """Where a suffix scan stops (``;``, ``]`` or the end), and the citations it passed."""
        text = self.text
        passed: list[tuple[int, Citation | None]] = []
        index = start
        while True:
            known = self._suffix_stops.get(index)
            if known is not None:
                stop, chain = known
                break
            if index >= self.length or text[index] in ";]":
                stop, chain = index, None
                break
            found = self.textual(index) if text[index] in "-@" else None
            passed.append((index, found))
            index = found.end if found is not None else self._inline_end(index)
        for index, found in reversed(passed):
            if found is not None:
                chain = (found, chain)
            self._suffix_stops[index] = (stop, chain)
        return stop, chain

    def _suffix_text(self, suffix: tuple[bool, int, int]) -> str:
        has_space, start, stop = suffix
        body = self.text[start:stop].rstrip()
        return " " + body if has_space and body else body

    def _suffix(self, position: int) -> tuple[tuple[bool, int, int], _Chain]:
        """Inlines up to ``;`` or ``]``; a leading space is kept as one space."""
        has_space = position < self.length and self.text[position] in _SPACE
        start = self._skip(position)
        stop, chain = self._suffix_stop(start)
        return (has_space, start, stop), chain

    def citation(self, position: int) -> _Parsed | None:
        if position not in self._citations:
            self._citations[position] = self._read_citation(position)
        return self._citations[position]

    def _read_citation(self, position: int) -> _Parsed | None:
        index = self.prefix(position)
        if index is None:
            return None
        key = self._key(index)
        if key is None:
            return None
        suppress, name, after = key
        suffix, nested = self._suffix(after)
        return _Parsed((position, index), suppress, name, suffix, nested, suffix[2])

    def _work(self, parsed: _Parsed) -> CitedWork:
        mode = CitationMode.SUPPRESS_AUTHOR if parsed.suppress else CitationMode.NORMAL
        prefix = self.text[parsed.prefix[0] : parsed.prefix[1]].strip()
        return CitedWork(parsed.key, mode, prefix, self._suffix_text(parsed.suffix))

    def cite_list(self, position: int) -> tuple[_Chain, int] | None:
        """``prefix @a suffix; prefix @b suffix``: the citations as a chain, and its end."""
        if position in self._lists:
            return self._lists[position]
        text = self.text
        passed: list[tuple[int, _Parsed]] = []
        index = position
        while True:
            if index in self._lists:
                known = self._lists[index]
                if known is None:
                    return None
                chain, end = known
                break
            parsed = self.citation(index)
            if parsed is None:
                self._lists[index] = None
                return None
            passed.append((index, parsed))
            after = parsed.end
            if after < self.length and text[after] == ";":
                following = self._skip(after + 1)
                if self.citation(following) is not None:
                    index = following
                    continue
            chain, end = None, after
            break
        for index, parsed in reversed(passed):
            chain = (parsed, chain)
            self._lists[index] = (chain, end)
        return self._lists[position]

    def _closed_at(self, index: int) -> int | None:
        """The end of a group closed by ``]`` at ``index`` (after spaces), if nothing follows."""
        index = self._skip(index)
        if not self.text.startswith("]", index):
            return None
        end = index + 1
        if end < self.length and self.text[end] in "([{":
            return None
        return end

    def _deeper(self, position: int) -> None:
        """Enter a nested rule at ``position``; stop at once if the nesting is deep."""
        if self._depth >= _DEEP and position + 1 < self._read_from:
            raise _TooDeepError(position + 1)
        self._depth += 1

    def _read_ahead(self, start: int) -> None:
        """Work out every citation from the end of the text back to ``start``.

        Each rule only looks further on in the text, so read from the end backwards, every
        rule finds the results it needs already there, and nothing nests.
        """
        candidates = [
            match.start() for match in _CANDIDATE_RE.finditer(self.text, start, self._read_from)
        ]
        for position in reversed(candidates):
            if self.text[position] == "[":
                self.bracketed(position)
            else:
                self.textual(position)
            self._read_from = position
        self._read_from = min(self._read_from, start)

    def at(self, position: int) -> Citation | None:
        """The citation starting at ``position`` (at ``[``, ``@`` or ``-@``), or ``None``."""
        citation = self._at(position)
        if citation is not None:
            self.accepted = (citation.start, citation.end)
        return citation

    def _at(self, position: int) -> Citation | None:
        while True:
            try:
                if self.text.startswith("[", position):
                    return self.bracketed(position)
                return self.textual(position)
            except _TooDeepError as deep:
                # Nested deeper than is safe: read what follows from its end, then again.
                self._read_ahead(deep.position)

    def bracketed(self, position: int) -> Citation | None:
        """``[see @a, p. 3; -@b]``: not a link, a reference link or a bracketed span."""
        if not self.text.startswith("[", position):
            return None
        if self._root is not None and position >= self._first:
            return _shifted(self._root._at(position - self._shift), self._shift)
        if position not in self._bracketed:
            self._deeper(position)
            try:
                self._bracketed[position] = self._read_bracketed(position)
            finally:
                self._depth -= 1
        return self._bracketed[position]

    def _read_bracketed(self, position: int) -> Citation | None:
        parsed = self.cite_list(self._skip(position + 1))
        if parsed is None:
            return None
        chain, index = parsed
        end = self._closed_at(index)
        if end is None:
            return None
        works = _unchain(chain)
        nested = [inner for work in works for inner in _unchain(work.nested)]
        return Citation(
            tuple(self._work(work) for work in works), position, end, tuple(nested), bracketed=True
        )

    def textual(self, position: int) -> Citation | None:
        """``@key``, ``-@key``, ``@key [p. 33]`` or ``@key [@b]``."""
        if self._root is not None and position >= self._first:
            return _shifted(self._root._at(position - self._shift), self._shift)
        if position not in self._textual:
            self._deeper(position)
            try:
                self._textual[position] = self._read_textual(position)
            finally:
                self._depth -= 1
        return self._textual[position]

    def _read_textual(self, position: int) -> Citation | None:
        key = self._key(position)
        if key is None:
            return None
        suppress, name, index = key
        mode = CitationMode.SUPPRESS_AUTHOR if suppress else CitationMode.AUTHOR_IN_TEXT
        first = CitedWork(name, mode)
        following = self._skip(index)
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
        suffix, nested = self._suffix(position + 1)
        index = suffix[2]
        rest: list[_Parsed] = []
        if text.startswith(";", index):
            parsed = self.cite_list(self._skip(index + 1))
            if parsed is not None:
                rest = _unchain(parsed[0])
                index = parsed[1]
        end = self._closed_at(index)
        if end is None:
            return None
        close = self._skip(index)
        label = " ".join(text[position + 1 : close].split()).lower()
        if label in self.link_ids:
            return None  # "@key [x]" where [x] is a defined reference link: Pandoc links it
        works = [CitedWork(first.key, first.mode, "", self._suffix_text(suffix))]
        works.extend(self._work(parsed) for parsed in rest)
        inner = _unchain(nested) + [
            citation for parsed in rest for citation in _unchain(parsed.nested)
        ]
        return tuple(works), end, tuple(inner)


_LOCAL = threading.local()


def _shifted(citation: Citation | None, shift: int) -> Citation | None:
    if citation is None or shift == 0:
        return citation
    nested = tuple(_shifted(inner, shift) for inner in citation.nested)
    return Citation(
        citation.works,
        citation.start + shift,
        citation.end + shift,
        tuple(inner for inner in nested if inner is not None),
        citation.bracketed,
    )


def _follower(earlier: _Parser, text: str) -> _Parser | None:
    """A parser for ``text`` if it is ``earlier``'s with its accepted citation replaced.

    Python-Markdown puts a placeholder where each citation was and asks again from just
    after it; what follows is unchanged, so it is read once, in the first text. A position
    that looks back across the placeholder is read here: right after a citation ending in a
    key (``@a@b``) the character before differs, and so, after one not ending in ``]``, may
    a run of ``*`` or ``_`` that starts there.
    """
    if earlier.accepted is None:
        return None
    start, end = earlier.accepted
    rest = len(earlier.text) - end
    after = len(text) - rest
    if after <= start or (earlier._root is not None and end < earlier._tail):
        return None
    if not text.endswith(earlier.text[end:]):
        return None
    parser = _Parser(text, earlier.link_ids)
    parser._root = earlier._root or earlier
    parser._shift = earlier._shift + (len(text) - len(earlier.text))
    parser._tail = after
    if earlier.text[end - 1] == "]":
        parser._first = after
    elif end < len(earlier.text) and earlier.text[end] in "*_":
        return parser
    else:
        parser._first = after + 1
    return parser


def _parser(text: str, link_ids: frozenset[str]) -> _Parser:
    """The parser for this text: Python-Markdown asks at each ``[`` and ``@`` of one text."""
    recent: list[_Parser] = getattr(_LOCAL, "recent", [])
    chosen = next(
        (
            parser
            for parser in recent
            if parser.link_ids == link_ids and (parser.text is text or parser.text == text)
        ),
        None,
    )
    if chosen is None:
        followers = (_follower(parser, text) for parser in recent if parser.link_ids == link_ids)
        chosen = next((parser for parser in followers if parser is not None), None)
    if chosen is None:
        chosen = _Parser(text, link_ids)
    _LOCAL.recent = [chosen, *(parser for parser in recent if parser is not chosen)][:4]
    return chosen


def citation_at(
    text: str, position: int, link_ids: frozenset[str] = frozenset()
) -> Citation | None:
    """The citation starting at ``position`` (at ``[``, ``@`` or ``-@``), or ``None``."""
    return _parser(text, link_ids).at(position)


def find_citations(text: str, link_ids: frozenset[str] = frozenset()) -> list[Citation]:
    """Every citation in a run of inline text, left to right (no Markdown block parsing).

    Python-Markdown's inline processor calls ``citation_at`` itself; this scan serves
    callers that already hold inline text, and the tests.
    """
    parser = _Parser(text, link_ids)
    found = []
    position = 0
    for match in START_RE.finditer(text):
        if match.start() < position:
            continue
        citation = parser.at(match.start())
        if citation is not None:
            found.append(citation)
            position = citation.end
    return found
