"""How this site's pages are written, for commands that read them outside a build.

During a build the engine scans pages with the extensions MkDocs or Zensical hand it. The
``check``, ``export`` and ``cites`` commands run without an engine, so they scan with the
extensions that decide what is code, raw HTML, a link or a list on this site's pages, as in
``mkdocs.yml`` (a test compares the two). Extensions that only add output (toc) or text from
elsewhere (snippets, whose shared abbreviations hold no citation) are left out.
"""

from __future__ import annotations

from typing import Final

from citation_engine.markdown_extension import MarkdownScanner

PAGE_EXTENSIONS: Final = (
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "pymdownx.details",
    "pymdownx.superfences",
)


def site_scanner() -> MarkdownScanner:
    """The scan of this site's pages outside a build."""
    return MarkdownScanner.of(PAGE_EXTENSIONS)
