"""Keep formatted references on disk between builds, keyed on everything that shapes them.

Formatting with citeproc-py costs several milliseconds an entry, which for a bibliography of
thousands is most of a build's fixed cost. The formatted runs depend only on the entries'
CSL data, the CSL style file and the code that maps and formats them, so a content hash of
those three is a safe key: change any of them and the entry is formatted again. A damaged
or stale cache file is ignored, never trusted.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Final

from citation_engine import citation_labels, csl_json, reference_styles
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

# Not under .cache/: "zensical build --clean" empties that folder.
DEFAULT_CACHE_DIR: Final = Path(".citation-cache")
_CODE_FILES: Final = (
    Path(csl_json.__file__),
    Path(reference_styles.__file__),
    Path(citation_labels.__file__),
)


def cache_key(references: dict[str, Reference], style: str) -> str:
    """A hash of the entries' BibTeX source, the style file and the formatting code.

    The source text decides everything the CSL mapping sees, and hashing it is much cheaper
    than mapping thousands of entries just to find out that nothing changed.
    """
    digest = hashlib.sha256()
    for key in sorted(references):
        digest.update(references[key].raw_bibtex.encode("utf-8"))
        digest.update(b"\0")
    for style_file in (style, *(name for _, _, name in COPY_STYLES)):
        digest.update(resolve_style(style_file).read_bytes())
    for path in _CODE_FILES:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def styled_with_cache(
    references: dict[str, Reference], style: str, cache_dir: Path = DEFAULT_CACHE_DIR
) -> StyledBibliography:
    """Return the formatted bibliography from the cache, or format it and store it."""
    check_site_style(style)
    path = cache_dir / f"{cache_key(references, style)}.json"
    cached = _read(path, style)
    if cached is not None and {entry.key for entry in cached.entries} == set(references):
        return cached
    styled = reference_styles.style_references(references, style)
    _write(path, styled)
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
