"""Scan the docs folder once to learn which pages cite which works, and on which lines.

The bibliography page needs "cited on" links before the citing pages are rendered, and both
engines render pages in an order of their own; a scan of the Markdown sources answers that
up front. The same scan lets the check command find unknown keys without building.

The scan does not read the Markdown itself: it is handed a ``PageScanner``, which renders a
page with the page's own Markdown extensions and the citation extension in collect mode, and
gives back what the extension's inline processor saw. So code, raw HTML, comments, link
targets and text added by other extensions (snippets) are treated exactly as on the page.
This module knows nothing of the extension that does it.

That render costs about as much as the page's own, so a build with a cache folder keeps
each page's scan there (``scan-<digest>.json``, one file beside the formatting cache): an
entry is keyed on the page's path, its text and its body as rendered (with the text of
snippets, which the scanner adds), and the file's name on everything else that
shapes a scan (this package's code, the scanner's settings: its Markdown extensions and their
options, the versions of Python-Markdown, pymdown-extensions and PyYAML). It holds only the
pages of the last scan. Every scan that ends with a cache folder (its file written, or only
touched when nothing changed) removes the folder's other ``scan-*.json`` files: the scans of
other settings, or of older code. Unchanged pages are then not rendered twice; an edited
page is scanned again.

The index also records each page file's modification time and size as the scan saw them
(``CitationIndex.files``), so the extension can tell whether a page changed since the scan.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import stat
import threading
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Final, Protocol

from citation_engine.errors import BibliographyError, Problem, SourceLocation, display_path
from citation_engine.front_matter import split_front_matter

if TYPE_CHECKING:
    from collections.abc import Iterator


class PageScanner(Protocol):
    """Renders a page's Markdown body and returns ``(key, line)`` for each citation in it.

    ``settings`` names everything besides the text that shapes the answer (the extensions and
    their options), for the scan cache's file name. Scanners that compare equal give equal
    answers, so the build's bibliography may be kept across pages.
    """

    @property
    def settings(self) -> str:
        """A stable text naming what shapes the scan."""
        ...

    def __call__(self, markdown_text: str) -> list[tuple[str, int]]:
        """Each citation of the body, as its key and its 1-based line in the body."""
        ...

    def source(self, markdown_text: str) -> str:
        """The body as the page is rendered from: with the text extensions add (snippets).

        The scan cache keys a page on it, so an edited snippet is scanned again.
        """
        ...

    def __hash__(self) -> int:
        """Hashable: the build's bibliography is cached on it."""
        ...


_HEADING_RE: Final = re.compile(r"^#\s+(?P<title>.+?)\s*#*\s*$", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class CitationPlace:
    """Where a key is cited: the page (relative to docs, with slashes) and the file line."""

    key: str
    location: SourceLocation


@dataclass(frozen=True)
class PageCitations:
    """One Markdown page: its title, how many front-matter lines precede the body, its citations."""

    path: str
    title: str
    body_offset: int
    places: tuple[CitationPlace, ...]

    @cached_property
    def keys(self) -> tuple[str, ...]:
        """The keys this page cites, first citation first, each once."""
        return tuple(dict.fromkeys(place.key for place in self.places))


# A page file as the scan saw it: its modification time (ns) and its size.
FileStamp = tuple[int, int]


@dataclass(frozen=True)
class CitationIndex:
    """Every page of the site with what it cites, and each page file's stamp when scanned."""

    pages: dict[str, PageCitations]
    files: dict[str, FileStamp] = field(default_factory=dict)

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

    def places(self) -> Iterator[CitationPlace]:
        """Every citation of every page, page by page."""
        for _, page in sorted(self.pages.items()):
            yield from page.places


def scan_docs(
    docs_dir: Path,
    scan: PageScanner,
    display_root: Path | None = None,
    cache_dir: Path | None = None,
) -> CitationIndex:
    """Scan every ``.md`` file under ``docs_dir`` with ``scan``.

    Locations name files relative to ``display_root``, as a reader of the message would.
    With ``cache_dir``, unchanged pages are read from the scan cache there (see above).

    Raises:
        MissingDocsError: ``docs_dir`` is not a folder (an empty index would hide it).
    """
    if not docs_dir.is_dir():
        raise MissingDocsError(display_path(docs_dir, display_root))
    cache = _ScanCache(cache_dir, scan) if cache_dir is not None else None
    pages = {}
    # Stamped before reading: an edit made while the scan runs is seen as a change later.
    files = page_files(docs_dir)
    for relative in files:
        path = docs_dir / relative
        shown = display_path(path, display_root)
        text = path.read_text(encoding="utf-8")
        if cache is None:
            pages[relative] = scan_page(text, relative, shown, scan)
        else:
            pages[relative] = cache.scan(text, relative, shown)
    if cache is not None:
        cache.save()
    return CitationIndex(pages, files)


class MissingDocsError(BibliographyError):
    """The docs folder to scan does not exist."""

    def __init__(self, shown: str) -> None:
        message = (
            f"the docs folder {shown} does not exist: set the engine's docs_dir, or the "
            "citation_engine option docs_dir, to the folder of the Markdown pages"
        )
        super().__init__([Problem(SourceLocation(shown, 0), message)])


def page_files(docs_dir: Path) -> dict[str, FileStamp]:
    """Every ``.md`` file under ``docs_dir`` (docs-relative, in path order) and its stamp.

    Only regular files: a named pipe would block the scan; the build refuses it by name.
    """
    files = {}
    for path in sorted(docs_dir.rglob("*.md")):
        stamp = file_stamp(path)
        if stamp is not None:
            files[path.relative_to(docs_dir).as_posix()] = stamp
    return files


def file_stamp(path: Path) -> FileStamp | None:
    """A regular file's modification time (ns) and size; ``None`` for anything else or none."""
    try:
        status = os.stat(path)  # noqa: PTH116 - one call, on every page
    except OSError:
        return None
    if not stat.S_ISREG(status.st_mode):
        return None
    return status.st_mtime_ns, status.st_size


def scan_page(text: str, relative_path: str, display_path: str, scan: PageScanner) -> PageCitations:
    """Return a page's title, front-matter length and citations with their file lines."""
    split = split_front_matter(text)
    offset, body, meta = split.lines, split.body, split.meta
    heading = _HEADING_RE.search(body)
    # The H1 is the title readers see; front matter `title` may be written for the browser tab.
    title = str((heading["title"] if heading else "") or meta.get("title") or relative_path)
    places = tuple(
        CitationPlace(key, SourceLocation(display_path, line + offset)) for key, line in scan(body)
    )
    return PageCitations(relative_path, title, offset, places)


# A page's scan as stored: title, front-matter lines, and (key, file line) for each citation.
_Stored = tuple[str, int, list[tuple[str, int]]]
_SCAN_LIBRARIES: Final = ("Markdown", "pymdown-extensions", "PyYAML")
_PACKAGE_DIR: Final = Path(__file__).resolve().parent


@lru_cache(maxsize=8)
def scan_digest(settings: str) -> str:
    """A hash of everything besides a page's path and text that shapes its scan."""
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):  # foreign/ too: it reads the stash
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    digest.update(settings.encode("utf-8"))
    for name in _SCAN_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\n".encode())
    return digest.hexdigest()[:32]


class _ScanCache:
    """Each page's scan, kept on disk by the hash of its path and text."""

    def __init__(self, folder: Path, scan: PageScanner) -> None:
        self.folder = folder
        self.scan_page = scan
        self.path = folder / f"scan-{scan_digest(scan.settings)}.json"
        self.stored = self._read()
        self.used: dict[str, _Stored] = {}

    def _read(self) -> dict[str, _Stored]:
        try:
            raw = json.loads(self.path.read_text(encoding="utf-8"))
            return {
                str(entry): (str(title), int(offset), [(str(k), int(n)) for k, n in sites])
                for entry, (title, offset, sites) in raw.items()
            }
        except (OSError, ValueError, TypeError, AttributeError):
            return {}  # missing or damaged: scan again, never trust it

    def scan(self, text: str, relative_path: str, display_path: str) -> PageCitations:
        # The page's text gives its title and front matter; its body as rendered (snippets
        # added) gives its citations.
        rendered = self.scan_page.source(split_front_matter(text).body)
        entry = hashlib.sha256(f"{relative_path}\0{text}\0{rendered}".encode()).hexdigest()
        stored = self.stored.get(entry)
        if stored is None:
            page = scan_page(text, relative_path, display_path, self.scan_page)
            stored = (page.title, page.body_offset, [(p.key, p.location.line) for p in page.places])
        self.used[entry] = stored
        title, offset, places = stored
        return PageCitations(
            relative_path,
            title,
            offset,
            tuple(CitationPlace(key, SourceLocation(display_path, line)) for key, line in places),
        )

    def save(self) -> None:
        """Keep the pages of this scan only; write when anything changed."""
        try:
            if self.used != self.stored:
                self.folder.mkdir(parents=True, exist_ok=True)
                # The process and the thread: two threads saving at once never share a file.
                temporary = self.path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
                temporary.write_text(json.dumps(self.used), encoding="utf-8")
                temporary.replace(self.path)
            else:
                self.path.touch()  # recently used: the formatting cache's pruning keeps it
            for stale in self.folder.glob("scan-*.json"):
                if stale != self.path:
                    stale.unlink(missing_ok=True)
        except OSError:
            return  # a read-only checkout still builds, only without the cache
