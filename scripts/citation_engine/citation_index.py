"""Scan the docs folder once to learn which pages cite which works, and on which lines.

The bibliography page needs "cited on" links before the citing pages are rendered, and both
engines render pages in an order of their own; a scan of the Markdown sources answers that
up front. The same scan lets the check command find unknown keys without building.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Final

import yaml

from citation_engine.citation_syntax import find_citations
from citation_engine.errors import SourceLocation, display_path

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

_FRONT_MATTER_RE: Final = re.compile(r"\A---\s*\n(?P<yaml>.*?\n)---\s*\n", re.DOTALL)
_HEADING_RE: Final = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True)
class CitationSite:
    """Where a key is cited: the page (relative to docs, with slashes) and the file line."""

    key: str
    location: SourceLocation


@dataclass(frozen=True)
class PageCitations:
    """One Markdown page: its title, how many front-matter lines precede the body, its citations."""

    path: str
    title: str
    body_offset: int
    sites: tuple[CitationSite, ...]

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The keys this page cites, first citation first, each once."""
        return tuple(dict.fromkeys(site.key for site in self.sites))


@dataclass(frozen=True)
class CitationIndex:
    """Every page of the site with what it cites."""

    pages: dict[str, PageCitations]

    @cached_property
    def _pages_by_key(self) -> dict[str, list[PageCitations]]:
        by_key: dict[str, list[PageCitations]] = {}
        for _, page in sorted(self.pages.items()):
            for key in page.keys:
                by_key.setdefault(key, []).append(page)
        return by_key

    def citing_pages(self, key: str) -> list[PageCitations]:
        """Pages that cite ``key``, in path order."""
        return list(self._pages_by_key.get(key, []))

    def cited_keys(self) -> set[str]:
        """Every key cited anywhere in the site."""
        return {key for page in self.pages.values() for key in page.keys}

    def sites(self) -> Iterator[CitationSite]:
        """Every citation of every page, page by page."""
        for _, page in sorted(self.pages.items()):
            yield from page.sites


def scan_docs(docs_dir: Path, display_root: Path | None = None) -> CitationIndex:
    """Scan every ``.md`` file under ``docs_dir``.

    Locations name files relative to ``display_root``, as a reader of the message would.
    """
    pages = {}
    for path in sorted(docs_dir.rglob("*.md")):
        relative = path.relative_to(docs_dir).as_posix()
        shown = display_path(path, display_root)
        pages[relative] = scan_page(path.read_text(encoding="utf-8"), relative, shown)
    return CitationIndex(pages)


def scan_page(text: str, relative_path: str, display_path: str) -> PageCitations:
    """Return a page's title, front-matter length and citations with their file lines."""
    front = _FRONT_MATTER_RE.match(text)
    offset = front.group(0).count("\n") if front else 0
    body = text[front.end() :] if front else text
    meta = _front_matter(front.group("yaml") if front else "")
    heading = _HEADING_RE.search(body)
    # The H1 is the title readers see; front matter `title` may be written for the browser tab.
    title = str((heading["title"] if heading else "") or meta.get("title") or relative_path)
    sites = tuple(
        CitationSite(key, SourceLocation(display_path, found.line + offset))
        for found in find_citations(body)
        for key in found.citation.keys
    )
    return PageCitations(relative_path, title, offset, sites)


def _front_matter(text: str) -> dict[str, object]:
    if not text:
        return {}
    loaded = yaml.safe_load(text)
    return loaded if isinstance(loaded, dict) else {}
