"""In-text citations: one inline processor recognises them, for the page and for every check.

``CitationInlineProcessor`` sits below Python-Markdown's raw-HTML pattern, so code spans,
escapes, links, autolinks and raw HTML (attributes and comments included) are already out of
its way; block code and HTML blocks never reach inline processing at all. Every citation it
accepts is recorded with its source text, so the unknown-key check, the site's citation index
(which renders each page in "collect" mode) and the page itself read the same citations.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX, AtomicString

from citation_engine.citation_labels import author_and_date, collapses
from citation_engine.citation_syntax import (
    START_RE,
    Citation,
    CitationMode,
    CitedWork,
    citation_at,
    split_locator,
)
from citation_engine.errors import CitationError, Problem, SourceLocation, unknown_key_message
from citation_engine.foreign import markdown_internals
from citation_engine.html_building import TextBuilder, anchor_for
from citation_engine.page_context import SeenCitation, SeenWork

if TYPE_CHECKING:
    from markdown import Markdown

    from citation_engine.page_context import PageRecord
    from citation_engine.site_bibliography import SiteBibliography

LINK_CLASS = "citation__link"
LABEL_CLASS = "citation__label"  # a label inside a link: text, since links cannot nest

_PLACEHOLDER_RE: Final = re.compile(
    r"\x02(?:(?P<escape>\d+)|klzzwxh:(?P<inline>\d+)|wzxhzdk:(?P<html>\d+))\x03"
)
_HTML_PLACEHOLDER_RE: Final = re.compile(r"\x02wzxhzdk:(?P<html>\d+)\x03")
_OPEN_A_RE: Final = re.compile(r"<a[\s>]", re.IGNORECASE)
_CLOSE_A_RE: Final = re.compile(r"</a\s*>", re.IGNORECASE)


@dataclass(frozen=True)
class PlacedWork:
    """A seen work with its 1-based line in the Markdown the page was rendered from."""

    work: SeenWork
    line: int


class SourceCapturePreprocessor(Preprocessor):
    """Keep the page's Markdown (after snippets are added) to find each citation's line."""

    def __init__(self, md: Markdown, record: PageRecord) -> None:
        super().__init__(md)
        self.record = record

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines unchanged."""
        self.record.source = "\n".join(lines)
        return lines


class CitationInlineProcessor(InlineProcessor):
    """Every citation form: ``[see @a, p. 3; -@b]``, ``@a``, ``@a [p. 3]``, ``-@a``."""

    def __init__(self, md: Markdown, record: PageRecord) -> None:
        super().__init__(START_RE.pattern, md)
        self.record = record

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the citation starting here, or decline so the text stays as written."""
        link_ids = frozenset(self.md.references) if self.md else frozenset()
        citation = citation_at(data, m.start(), link_ids)
        if citation is None:
            return None, None, None
        source = data[citation.start : citation.end]
        seen = SeenCitation(
            tuple(
                SeenWork(work.key, work.mode, self._plain(work.prefix), self._plain(work.suffix))
                for work in citation.works
            ),
            _source_chunks(source),
        )
        self.record.seen.append(seen)
        for work in citation.works:
            self.record.cited.setdefault(work.key)
        linked = not self._inside_link(data, m.start())
        element = build_citation(citation, self.record.require().site, linked=linked)
        return element, citation.start, citation.end

    def _inside_link(self, data: str, position: int) -> bool:
        """Inside a Markdown link's text, or after an unclosed raw ``<a>`` in this text."""
        inline = self.md.treeprocessors["inline"] if self.md else None
        if "a" in getattr(inline, "ancestors", ()):
            return True
        depth = 0
        for match in _HTML_PLACEHOLDER_RE.finditer(data, 0, position):
            raw = markdown_internals.stashed(self.md, int(match["html"]))
            depth += len(_OPEN_A_RE.findall(raw)) - len(_CLOSE_A_RE.findall(raw))
        return depth > 0

    def _plain(self, text: str) -> str:
        """Prefix or suffix as plain text, as Pandoc's ``stringify`` gives it."""
        resolved = _PLACEHOLDER_RE.sub(self._resolve, text)
        previous = None
        while previous != resolved:
            previous, resolved = resolved, strip_emphasis(resolved)
        leading = " " if resolved[:1].isspace() else ""
        return leading + " ".join(html.unescape(resolved).split())

    def _resolve(self, match: re.Match[str]) -> str:
        if match["escape"] is not None:
            return chr(int(match["escape"]))
        if match["html"] is not None or self.md is None:
            return ""
        inline = self.md.treeprocessors["inline"]
        node = getattr(inline, "stashed_nodes", {}).get(match["inline"])
        if node is None:
            return ""
        if isinstance(node, str):
            return _PLACEHOLDER_RE.sub(self._resolve, node)
        return _PLACEHOLDER_RE.sub(self._resolve, "".join(node.itertext()))


def strip_emphasis(text: str) -> str:
    r"""The text with each emphasis (``*a*``, ``__b__``, ``***c***``) replaced by its content.

    One pass of the substitution
    ``(?<![\w*])(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])`` -> ``\2``, worked out
    with the closing runs found once, so that a long run of openers without closers (``*a *a
    *a ...``) costs no more than the text's length.
    """
    closers: dict[tuple[str, int], list[int]] = {}
    for match in re.finditer(r"\*+|_+", text):
        start, end = match.span()
        if end < len(text) and (text[end].isalnum() or text[end] in "_*"):
            continue
        for count in range(1, min(3, end - start) + 1):
            at = end - count
            if at > start or (at > 0 and not text[at - 1].isspace()):
                closers.setdefault((text[start], count), []).append(at)
    breaks = [match.start() for match in re.finditer("\n", text)]
    pieces = []
    done = 0
    position = 0
    while position < len(text):
        char = text[position]
        before = text[position - 1] if position else " "
        if char not in "*_" or before.isalnum() or before in "_*":
            position += 1
            continue
        run = 1
        while run < 3 and text[position : position + run + 1] == char * (run + 1):
            run += 1
        for count in range(run, 0, -1):
            inner = position + count
            if inner >= len(text) or text[inner].isspace():
                continue
            candidates = closers.get((char, count), [])
            found = bisect_left(candidates, inner + 1)
            if found == len(candidates):
                continue
            closing = candidates[found]
            line_break = bisect_left(breaks, inner)
            if line_break < len(breaks) and breaks[line_break] < closing:
                continue
            pieces += [text[done:position], text[inner:closing]]
            done = position = closing + count
            break
        else:
            position += 1
    pieces.append(text[done:])
    return "".join(pieces)


def _source_chunks(source: str) -> tuple[str, ...]:
    """Regular expressions for the citation's text in the page's Markdown, between its gaps.

    Placeholders stand for code, escapes, links or HTML of unknown source length: each is a
    gap of at least one character between two chunks. Whitespace may have been a line break
    plus indentation or a blockquote marker.
    """
    chunks: list[list[str]] = [[]]
    for piece in re.split(r"(\x02[^\x03]*\x03|\s+)", source):
        if not piece:
            continue
        if piece.startswith(STX):
            chunks.append([])
        elif piece.isspace():
            chunks[-1].append(r"\s+(?:>\s*)*")
        else:
            chunks[-1].append(re.escape(piece))
    return tuple("".join(chunk) for chunk in chunks)


def _find_chunks(chunks: list[re.Pattern[str]], text: str, start: int) -> tuple[int, int] | None:
    """Where the chunks occur in order from ``start``, a gap of one character or more apart.

    The first chunk's first occurrence is the one: each later chunk is searched for from the
    earliest place it could start, and a later first chunk could only push them further on.
    """
    first = chunks[0].search(text, start)
    if first is None:
        return None
    end = first.end()
    for chunk in chunks[1:]:
        found = chunk.search(text, end + 1)
        if found is None:
            return None
        end = found.end()
    return first.start(), end


def place_citations(source: str, seen: list[SeenCitation]) -> list[PlacedWork]:
    """Find each seen citation's line in the source it was rendered from.

    Citations are seen in document order, except that link text is read before the rest of
    its paragraph; so each search starts after the previous find, and falls back to the
    start of the page.
    """
    placed = []
    cursor = 0
    masked = mask_code(source)
    for citation in seen:
        chunks = [re.compile(chunk, re.DOTALL) for chunk in citation.source_chunks]
        match = (
            _find_chunks(chunks, masked, cursor)
            or _find_chunks(chunks, masked, 0)
            or _find_chunks(chunks, source, 0)
        )
        start = match[0] if match else 0
        if match and match[0] >= cursor:
            cursor = match[1]
        end = match[1] if match else len(source)
        for work in citation.works:
            at = _key_position(source, work.key, start, end)
            placed.append(PlacedWork(work, source.count("\n", 0, at) + 1 if match else 0))
            start = max(start, at)
    return placed


_FILLER: Final = "\x00"
_FENCE_RE: Final = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")
_CODE_SPAN_RE: Final = re.compile(r"(?<!`)(?P<ticks>`+)(?!`).+?(?<!`)(?P=ticks)(?!`)", re.DOTALL)


def mask_code(source: str) -> str:
    """The source with code and comments blanked (same length, same lines).

    Only used to choose between two places a citation's text could have come from: a
    citation Python-Markdown saw is never in code, so its text is looked up here first.
    Code spans and comments become a filler that is not whitespace, so the gap a placeholder
    leaves in a citation's pattern and the spaces around it never match the same characters.
    """
    lines = source.split("\n")
    fence = ""
    previous_blank = True
    previous_code = False
    for number, line in enumerate(lines):
        opening = _FENCE_RE.match(line)
        blank = not line.strip()
        if fence:
            if opening and opening["fence"][0] == fence[0] and len(opening["fence"]) >= len(fence):
                fence = ""
            lines[number] = " " * len(line)
        elif opening:
            fence = opening["fence"]
            lines[number] = " " * len(line)
        elif not blank and line.startswith(("    ", "\t")) and (previous_blank or previous_code):
            lines[number] = " " * len(line)
            previous_code = True
        elif not blank:
            previous_code = False
        previous_blank = blank
    masked = _blank_comments("\n".join(lines))
    return _CODE_SPAN_RE.sub(lambda match: _blank(match[0]), masked)


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", _FILLER, text)


def _blank_comments(text: str) -> str:
    """Blank each ``<!-- ... -->``; once one is not closed, no later one can be."""
    pieces = []
    done = 0
    while (start := text.find("<!--", done)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            break
        pieces += [text[done:start], _blank(text[start : end + 3])]
        done = end + 3
    pieces.append(text[done:])
    return "".join(pieces)


def _key_position(source: str, key: str, start: int, end: int) -> int:
    for written in (f"@{{{key}}}", f"@{key}"):
        at = source.find(written, start, end)
        if at != -1:
            return at
    return start


class CitationCheckTreeprocessor(Treeprocessor):
    """Stop the page with every unknown key, naming the file, the line and the nearest keys."""

    def __init__(self, md: Markdown, record: PageRecord) -> None:
        super().__init__(md)
        self.record = record

    def run(self, root: etree.Element) -> None:
        """Raise ``CitationError`` for unknown keys."""
        context = self.record.require()
        site = context.site
        if site is None:
            return  # collect mode: unknown keys are listed, not refused
        placed = place_citations(self.record.source, self.record.seen)
        page = site.index.pages.get(context.page)
        offset = page.body_offset if page else 0
        problems = [
            Problem(
                SourceLocation(context.display_path, item.line + offset),
                unknown_key_message(item.work.key, site.references),
            )
            for item in placed
            if item.work.key not in site.references
        ]
        if problems:
            raise CitationError(problems)


def build_citation(
    citation: Citation, site: SiteBibliography | None, *, linked: bool = True
) -> etree.Element:
    """Build the in-text citation: one link per work to its entry in the page's list.

    Prefix and suffix stay Markdown (Python-Markdown renders them after this processor); the
    labels are escaped text. Without a site (collect mode) or for an unknown key, the label
    is the key. Inside a link the labels are text, since a link cannot hold a link.
    The labels come from ``citation_labels`` (APA 7): works of a group in reference-list
    order, one author's works collapsed, labels that tell every work on the site apart, and
    "and" in narrative citations.
    """
    span = etree.Element("span", {"class": "citation"})
    first, *rest = citation.works
    if citation.narrative:
        author, year = _labels(site, first, narrative=True)
        _label(span, author, first.key, linked)
        span[-1].tail = f" ({year}{_suffix(first.suffix)}" + ("; " if rest else "")
        _works(span, rest, linked=linked, site=site)
        _append_tail(span, ")")
        return span
    if first.mode is CitationMode.SUPPRESS_AUTHOR and not citation.bracketed:
        _works(span, citation.works, linked=linked, site=site)
        return span
    span.text = "("
    _works(span, _in_list_order(citation.works, site), linked=linked, site=site, collapse=True)
    _append_tail(span, ")")
    return span


def _in_list_order(works: tuple[CitedWork, ...], site: SiteBibliography | None) -> list[CitedWork]:
    """APA 7 §8.12: the works of one parenthetical citation in reference-list order."""
    if site is None or any(work.key not in site.references for work in works):
        return list(works)
    position = site.styled.position
    return sorted(works, key=lambda work: position[work.key])


def _works(
    span: etree.Element,
    works: list[CitedWork] | tuple[CitedWork, ...],
    *,
    linked: bool = True,
    site: SiteBibliography | None = None,
    collapse: bool = False,
) -> None:
    previous: CitedWork | None = None
    for work in works:
        author, year = _labels(site, work)
        if collapse and previous is not None and _same_author(previous, work, site):
            # "(Segal et al., 2002, 2013)": one author's works share the name (APA 7 §8.12).
            _append_tail(span, ", ")
            _label(span, year, work.key, linked)
        else:
            if previous is not None:
                _append_tail(span, "; ")
            if work.prefix:
                _append_tail(span, f"{work.prefix} ")
            label = year if work.suppress_author else author_and_date(author, year)
            _label(span, label, work.key, linked)
        span[-1].tail = _suffix(work.suffix)
        previous = work


def _same_author(previous: CitedWork, work: CitedWork, site: SiteBibliography | None) -> bool:
    """Whether ``work`` collapses into ``previous``: same authors, nothing between."""
    if site is None or not site.styled.options.collapse.startswith("year"):
        return False
    if work.prefix or work.suppress_author or previous.suppress_author or previous.suffix:
        return False
    if previous.key not in site.references or work.key not in site.references:
        return False
    return collapses(site.styled[previous.key].label, site.styled[work.key].label)


def _labels(
    site: SiteBibliography | None, work: CitedWork, *, narrative: bool = False
) -> tuple[str, str]:
    """The work's (author, year) labels; the key alone when there is nothing to format."""
    if site is None or work.key not in site.references:
        return work.key, work.key
    label = site.styled[work.key].label
    return (label.narrative_author if narrative else label.author), label.date


def _label(span: etree.Element, label: str, key: str, linked: bool) -> None:
    builder = TextBuilder(span)
    if linked:
        builder.link(label, "#" + anchor_for(key), LINK_CLASS)
    else:
        inner = etree.SubElement(span, "span", {"class": LABEL_CLASS})
        inner.text = AtomicString(label)


def _suffix(suffix: str) -> str:
    """A suffix as printed: a locator after ", " without braces, other text as written."""
    locator, rest = split_locator(suffix)
    if locator:
        return f", {locator}{rest}"
    if suffix and (suffix[0].isalnum() or suffix[0] in "([{"):
        return f" {suffix}"
    return suffix


def _append_tail(span: etree.Element, text: str) -> None:
    """Add Markdown text after the last child (or as the span's text)."""
    if len(span):
        span[-1].tail = (span[-1].tail or "") + text
    else:
        span.text = (span.text or "") + text
