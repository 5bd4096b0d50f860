"""What a page's renderers are given: one frozen context per page, and the page's record.

The extension builds a ``PageContext`` once a page starts converting (the site's
bibliography, the page path, link building, the nav order, the options) and hands it to the
processors through the page's ``PageRecord``. The renderers read values from it and call
nothing back: they import nothing from the extension, which only wires them together.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from citation_engine.engine_pages import relative_link

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from citation_engine.citation_syntax import CitationMode
    from citation_engine.html_building import EngineLinks
    from citation_engine.site_bibliography import SiteBibliography


@dataclass(frozen=True)
class PageContext:
    """Everything the renderers need for one page, decided before any of them runs.

    ``site`` is ``None`` in collect mode (the scan), which needs no bibliography.
    ``options`` holds every option of the extension as a string, defaults filled in, in a
    read-only mapping (a copy of what it is given), so no renderer can change another's.
    ``links`` is not a value: it builds links by consulting the engine (MkDocs or Zensical)
    the page is converted under, through the page's ``Markdown`` (``EngineLinks``).
    """

    page: str
    display_path: str
    options: Mapping[str, str]
    site: SiteBibliography | None
    links: EngineLinks
    nav: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", MappingProxyType(dict(self.options)))

    def option(self, name: str) -> str:
        """An option's value (every option has a default)."""
        return self.options[name]

    def link_to(self, docs_path: str) -> str:
        """A page-relative link from this page to another docs path."""
        return relative_link(self.page, docs_path)

    def require_site(self) -> SiteBibliography:
        """The bibliography; only the scan (collect mode) renders without one."""
        if self.site is None:
            message = "citation_engine: a renderer needed the bibliography in collect mode"
            raise RuntimeError(message)
        return self.site

    def nav_sort_key(self) -> Callable[[str], tuple[int, str]]:
        """A sort key for page paths: navigation order first, then the others by path."""
        position = {path: index for index, path in enumerate(self.nav)}
        return lambda path: (position.get(path, len(self.nav)), path)


@dataclass(frozen=True)
class SeenWork:
    """A cited work as the page's inline processor saw it, with plain-text prefix and suffix."""

    key: str
    mode: CitationMode
    prefix: str
    suffix: str


@dataclass(frozen=True)
class SeenCitation:
    """One citation the inline processor accepted, and patterns of its source text."""

    works: tuple[SeenWork, ...]
    source_chunks: tuple[str, ...]


@dataclass
class PageRecord:
    """One page's conversion: its context, and what the processors saw, in order.

    The one mutable value the processors share. The extension makes one, hands it to every
    processor, and clears it in place (``reset``) before each page.
    """

    context: PageContext | None = None
    source: str = ""
    seen: list[SeenCitation] = field(default_factory=list)
    cited: dict[str, None] = field(default_factory=dict)

    def require(self) -> PageContext:
        """The context; the extension sets it before any renderer runs."""
        if self.context is None:
            message = "citation_engine: a renderer ran before the page's context was built"
            raise RuntimeError(message)
        return self.context
