"""Render the golden fixture pages: the bibliography page and two citing pages.

The stored HTML in ``tests/fixtures/golden/*.html`` was rendered by the engine that built
its lists as element trees; ``test_golden_rendering`` holds today's output to it. Rewrite
the files only for an intended change of output:
``.venv/bin/python -m tests.golden_rendering``.
"""

from __future__ import annotations

from pathlib import Path

import markdown
from citation_engine.markdown_extension import CitationExtension

GOLDEN = Path(__file__).parent / "fixtures" / "golden"
PAGES = ("index.md", "topic/page.md", "references/index.md")
# The Markdown extensions of the real site that act on an element tree after ours.
EXTENSIONS = ("abbr", "attr_list", "toc", "tables", "admonition")


def render(page: str) -> str:
    """The HTML of one golden page, as plain Python-Markdown renders it."""
    extension = CitationExtension(
        bibliography=str(GOLDEN / "references.bib"),
        docs_dir=str(GOLDEN / "docs"),
        nav="index.md, topic/page.md, references/index.md",
        page=page,
    )
    md = markdown.Markdown(extensions=[*EXTENSIONS, extension])
    return md.convert((GOLDEN / "docs" / page).read_text(encoding="utf-8"))


def golden_file(page: str) -> Path:
    """Where a page's expected HTML is stored."""
    return GOLDEN / (page.replace("/", "__").removesuffix(".md") + ".html")


if __name__ == "__main__":
    for name in PAGES:
        golden_file(name).write_text(render(name), encoding="utf-8")
