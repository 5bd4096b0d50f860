"""Write everything the site serves from ``docs/downloads``, the one way every command does.

The reference files come from the engine; beside them go the site's own citation file and
licence, which every footer links. The ``export`` command (``make export``, for Zensical)
and the MkDocs plugin (``alliance_site.mkdocs_plugin``, in every ``mkdocs build`` and
``mkdocs serve`` rebuild) both call this, so a download never depends on which wrote it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from citation_engine.reference_exports import write_downloads
from citation_engine.site_bibliography import load_site_bibliography

from alliance_site.site_pages import site_scanner

if TYPE_CHECKING:
    from pathlib import Path

    from citation_engine.citation_index import PageScanner

# (file in the project, name in the downloads folder)
SITE_FILES: Final = (("CITATION.cff", "CITATION.cff"), ("LICENSE", "LICENSE.txt"))


def write_site_downloads(
    bib: Path,
    docs: Path,
    out: Path,
    *,
    style: str = "apa",
    root: Path | None = None,
    scan: PageScanner | None = None,
    cache_dir: Path | None = None,
) -> list[Path]:
    """Write the reference downloads and the site files; return every file written.

    ``scan`` reads the pages' citations (a cited key defined twice stops the export); a
    build hands in the engine's, with the extensions MkDocs was configured with, and the
    extension's cache folder: the pages then see the same scan, made once.

    Raises:
        BibliographyError: the bibliography cannot be read; nothing is rewritten.
    """
    site = load_site_bibliography(bib, docs, style, root, cache_dir, scan=scan or site_scanner())
    written = write_downloads(site.references, out)
    project = root if root is not None else bib.resolve().parent.parent
    for source, name in SITE_FILES:
        if (project / source).is_file():
            target = out / name
            target.write_bytes((project / source).read_bytes())
            written.append(target)
    return written
