"""Load, check, format and index the bibliography once per build, not once per page.

Both engines create a new Markdown instance for every page, so the work is remembered in
one object, ``SESSION`` (a ``BuildSession``), which holds every in-process memo of a build
and of the builds of one ``serve`` process. The scan's key is cheap to compute on every
page: the ``.bib`` file's modification time and those of the docs folders (which change
when a page is added or removed). Edits within a page (its citations, its title, a snippet)
are caught by the extension, which asks for a fresh scan (``forget_site``, which is
``SESSION.forget``) when a new build starts, when the page it renders changed since the
scan, and, on the bibliography page, when any page file changed (the scan records each
file's modification time and size); so a ``serve`` session sees every edit on the rebuild
it causes, an engine that renders only changed pages shows the current scan on each, and
a build stats every page once, not once for every page. Every cache layer of a build, on
disk and in memory, is listed in CONTRIBUTING ("Which caches does a build keep?").
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Final

from citation_engine.bibtex_loading import LoadedBibliography, load_bytes, read_bytes
from citation_engine.citation_index import CitationIndex, PageScanner, scan_docs
from citation_engine.errors import BibliographyError, Problem, display_path, unknown_key_message
from citation_engine.reference_checks import check_references
from citation_engine.reference_styles import DEFAULT_STYLE, Style, format_bibliography, load_style
from citation_engine.styling_cache import StylingStore

if TYPE_CHECKING:
    from citation_engine.reference_styles import StyledBibliography
    from citation_engine.references import Reference

# What identifies one scan of the site: the .bib file and its modification time, the docs
# folder and its folders' times, the style, the project folder and the cache folder.
_ScanKey = tuple[
    Path, int, Path, tuple[tuple[str, int], ...], str, Path, "Path | None", PageScanner
]


class BuildSession:
    """Every in-process memo of a build, and of the builds of one ``serve`` process.

    - ``styles``: each style name resolved once (``reference_styles.load_style``).
    - ``sites``: the last few scans (``SiteBibliography``), keyed on ``_ScanKey``; a guess
      (modification times), so ``forget`` drops them when a new build starts or a page
      changed since the scan.
    - ``checked``: the last ``.bib`` file loaded and checked, keyed on its path, its shown
      name and its bytes.
    - ``styled``: the last formatting, keyed on the references object it formatted (held
      here, so identity is safe) and the style.
    - ``resolved``: ``Path.resolve()`` of each absolute path the pages ask about.

    ``forget`` is the one way to drop them: it drops the memo keyed on modification times
    (the scans). Those keyed on content (the ``.bib`` bytes, the references
    object, a style name, a path) cannot go stale; each holds one value per key, and a new
    value replaces the old.
    """

    MAX_SITES: Final = 4

    def __init__(self) -> None:
        self.styles: dict[str, Style] = {}
        self.sites: dict[_ScanKey, SiteBibliography] = {}
        self.checked: tuple[tuple[Path, str, bytes], LoadedBibliography] | None = None
        self.styled: tuple[dict[str, Reference], Style, StyledBibliography] | None = None
        self.resolved: dict[Path, Path] = {}

    def style(self, name: str) -> Style:
        """The style of that name, resolved once per process."""
        style = self.styles.get(name)
        if style is None:
            style = self.styles[name] = load_style(name)
        return style

    def forget(self) -> None:
        """Drop what may be stale: the scans (see the class docstring)."""
        self.sites.clear()


SESSION: Final = BuildSession()


@dataclass(frozen=True)
class SiteBibliography:
    """Everything the pages need: checked references, their formatting, and who cites what."""

    references: dict[str, Reference]
    index: CitationIndex
    # The style's name; resolved into its ``Style`` value (once per process) only when the
    # formatting is asked for, so ``check`` never parses a style.
    style: str = DEFAULT_STYLE
    cache_dir: Path | None = None
    # What the file holds that renders but deserves the writer's attention (``check``).
    warnings: tuple[Problem, ...] = ()

    @cached_property
    def styled(self) -> StyledBibliography:
        """Every entry formatted by the citation style, once, on first use.

        Checking the bibliography needs no formatting, so ``check`` never pays for it; a
        build reuses the formatting of an earlier build when nothing that shapes it changed.
        A new scan of the pages keeps the same references object (``checked_references``),
        and with it this formatting, without reading the cache again.
        """
        style = SESSION.style(self.style)
        memo = SESSION.styled
        if memo is not None and memo[0] is self.references and memo[1] == style:
            return memo[2]
        styled = format_bibliography(self.references, style, StylingStore(self.cache_dir, style))
        SESSION.styled = (self.references, style, styled)
        return styled

    def unknown_key_problems(self) -> list[Problem]:
        """One problem for each citation of a key the bibliography lacks, with suggestions."""
        return [
            Problem(place.location, unknown_key_message(place.key, self.references))
            for place in self.index.places()
            if place.key not in self.references
        ]


def load_site_bibliography(
    bib_path: Path,
    docs_dir: Path,
    style: str,
    root: Path | None = None,
    cache_dir: Path | None = None,
    *,
    scan: PageScanner,
) -> SiteBibliography:
    """Return the build's bibliography, raising once with every problem in the ``.bib`` file.

    ``scan`` renders a page to find its citations (``citation_index``); the extension hands
    in one that renders with the page's own Markdown extensions.

    Only what the engine needs to render and export truthfully is refused here: a file or an
    entry it cannot read, and a cited key whose copies in the file differ. An incomplete or
    odd record renders, as Pandoc renders it, and is kept in ``warnings``; a site's house
    rules (its key scheme, every entry cited) belong to its own tooling.

    Raises:
        BibliographyError: the file is missing or unreadable, an entry cannot be read, or a
            cited key is defined twice, differently.
    """
    try:
        mtime_ns = bib_path.stat().st_mtime_ns
    except OSError:
        mtime_ns = -1  # the loader reports the missing or unreadable file
    key: _ScanKey = (
        _resolved(bib_path),
        mtime_ns,
        _resolved(docs_dir),
        _folder_token(docs_dir),
        style,
        _resolved(root or Path.cwd()),
        _resolved(cache_dir) if cache_dir else None,
        scan,
    )
    site = SESSION.sites.get(key)
    if site is None:
        site = _scan(*key)
        while len(SESSION.sites) >= BuildSession.MAX_SITES:
            del SESSION.sites[next(iter(SESSION.sites))]
        SESSION.sites[key] = site
    return site


def _resolved(path: Path) -> Path:
    """``path.resolve()``, once per process for an absolute path (every page asks again)."""
    if not path.is_absolute():
        return path.resolve()
    resolved = SESSION.resolved.get(path)
    if resolved is None:
        resolved = SESSION.resolved[path] = path.resolve()
    return resolved


def check_site(
    bib_path: Path, docs_dir: Path, style: str, root: Path | None = None, *, scan: PageScanner
) -> list[Problem]:
    """Return every problem in the bibliography and the pages' citations, without raising.

    Warnings (``Problem.warning``) come with the errors, so one run shows everything.
    """
    try:
        site = load_site_bibliography(bib_path, docs_dir, style, root, scan=scan)
    except BibliographyError as error:
        shown = display_path(_resolved(bib_path), _resolved(root or Path.cwd()))
        data, problem = read_bytes(bib_path, shown)
        warnings = _warnings(load_bytes(data, shown)) if problem is None else []
        return [*error.problems, *warnings]
    return [*site.warnings, *site.unknown_key_problems()]


def _warnings(loaded: LoadedBibliography) -> list[Problem]:
    everything = [*loaded.problems, *check_references(loaded.references)]
    return [problem for problem in everything if problem.warning]


def _scan(
    bib_path: Path,
    bib_mtime_ns: int,
    docs_dir: Path,
    docs_token: tuple[tuple[str, int], ...],
    style: str,
    root: Path,
    cache_dir: Path | None,
    scan: PageScanner,
) -> SiteBibliography:
    checked = checked_references(bib_path, display_path(bib_path, root))
    index = scan_docs(docs_dir, scan, root, cache_dir)
    conflicts = {
        key.lower(): checked.conflicts[key.lower()]
        for key in index.cited_keys()
        if key.lower() in checked.conflicts
    }
    if conflicts:
        raise BibliographyError(conflicts.values())
    return SiteBibliography(checked.references, index, style, cache_dir, checked.problems)


def checked_references(bib_path: Path, shown: str) -> LoadedBibliography:
    """The file's references, loaded and checked; from memory while its bytes are the same.

    Its ``problems`` are the warnings only, and its ``conflicts`` the keys that stop a build
    that cites them.

    A page edit under ``serve`` can make the build scan the pages again (a page's citations
    changed, or saving by rename touched its folder); the ``.bib`` file need not be parsed
    again for that. The memo holds one file: its path, how messages name it, and its bytes,
    which are all that shape the result within one process. A file with errors is never
    kept, so every build reports them.

    Raises:
        BibliographyError: the file is missing or unreadable, or an entry is broken.
    """
    data, problem = read_bytes(bib_path, shown)
    if problem is not None:
        raise BibliographyError([problem])
    key = (bib_path, shown, data)
    if SESSION.checked is not None and SESSION.checked[0] == key:
        return SESSION.checked[1]
    loaded = load_bytes(data, shown)
    if loaded.errors:
        raise BibliographyError(loaded.errors)
    checked = LoadedBibliography(loaded.references, tuple(_warnings(loaded)), loaded.conflicts)
    SESSION.checked = (key, checked)
    return checked


def _folder_token(docs_dir: Path) -> tuple[tuple[str, int], ...]:
    """Modification times of the docs folders: adding, removing or renaming a page changes one.

    The tree is walked again for every page, not remembered: a remembered list of folders
    would miss a folder added under a running ``serve``.
    """
    try:
        return tuple(
            # os.stat, not a Path made for each folder on every page.
            (folder, os.stat(folder).st_mtime_ns)  # noqa: PTH116
            for folder in sorted(directory for directory, _, _ in os.walk(docs_dir))
        )
    except OSError:
        return ()  # a folder went away while walking: the next page walks again


def forget_site() -> None:
    """Drop the cached scans (``SESSION.forget``), so the next page scans the docs afresh.

    The extension calls it when a new build starts (a page rendered a second time) and when
    a page file changed since the scan; ``check``, ``cites`` and ``export`` when they start.
    The loaded references stay memoised on the ``.bib`` file's bytes, which are read again.
    """
    SESSION.forget()
