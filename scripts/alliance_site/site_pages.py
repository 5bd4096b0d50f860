"""How this site's pages are written, for commands that read them outside a build.

During a build the engine scans pages with the extensions MkDocs or Zensical hand it. The
``check``, ``export`` and ``cites`` commands run without an engine, so they scan with the
extensions that decide what is code, raw HTML, a link or a list on this site's pages, and
with snippets as ``mkdocs.yml`` configures them (a snippet may add a citation), so the
commands and the build agree (a test compares them with ``mkdocs.yml``). Extensions that
only add output (toc) are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Final

from citation_engine.markdown_extension import MarkdownScanner

SNIPPETS: Final = "pymdownx.snippets"
PAGE_EXTENSIONS: Final = (
    "abbr",
    "admonition",
    "attr_list",
    "def_list",
    "footnotes",
    "md_in_html",
    "tables",
    "pymdownx.details",
    SNIPPETS,
    "pymdownx.superfences",
)
# As mkdocs.yml sets them; the relative base_path (default ".") is the project folder's.
SNIPPETS_OPTIONS: Final[dict[str, Any]] = {
    "auto_append": ["includes/abbreviations.md"],
    "check_paths": True,
}


def absolute_snippet_paths(options: dict[str, Any], project: Path) -> dict[str, Any]:
    """The snippets options with each relative ``base_path`` made absolute under ``project``."""
    base = options.get("base_path", ["."])
    paths = [base] if isinstance(base, str) else list(base)
    return {**options, "base_path": [str(project / path) for path in paths]}


def page_configs(project: Path | None = None) -> dict[str, dict[str, Any]]:
    """The options of ``PAGE_EXTENSIONS`` for the project folder (default: the working one).

    A file to append that the project lacks is left out: the commands also serve projects
    laid out otherwise (a test's, one built with Zensical), where this site's shared
    abbreviations do not exist; here they do, and are appended as in the build.
    """
    folder = project or Path.cwd()
    options = absolute_snippet_paths(SNIPPETS_OPTIONS, folder)
    bases = [Path(base) for base in options["base_path"]]
    options["auto_append"] = [
        name for name in options["auto_append"] if any((base / name).is_file() for base in bases)
    ]
    return {SNIPPETS: options}


def site_scanner(project: Path | None = None) -> MarkdownScanner:
    """The scan of this site's pages outside a build, snippets read from ``project``."""
    return MarkdownScanner.of(PAGE_EXTENSIONS, page_configs(project))
