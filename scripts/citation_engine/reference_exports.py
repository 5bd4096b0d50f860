"""Write the bibliography in the formats reference managers import: BibTeX, RIS, CSL-JSON.

The only module that imports rispy. BibTeX is written by ``bibtex_writing`` from the fields
the site read, with every macro expanded; RIS and CSL-JSON come from the same CSL-JSON
mapping the site formats with.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any, Final

import rispy

from citation_engine.bibtex_writing import format_entries
from citation_engine.csl_json import to_csl_json
from citation_engine.entry_types import ENTRY_TYPES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from citation_engine.references import Person, Reference

# Entry type -> RIS type, from the one table the checks and CSL-JSON read too.
RIS_TYPES: Final = {name: row.ris for name, row in ENTRY_TYPES.items()}
# BibTeX field -> rispy's long field name.
_RIS_FIELDS: Final = {
    "title": "title",
    "volume": "volume",
    "number": "number",
    "publisher": "publisher",
    "institution": "publisher",
    "school": "publisher",
    "address": "place_published",
    "edition": "edition",
    "doi": "doi",
    "isbn": "issn",
    "annote": "notes",
}
DOWNLOADS_SUBDIR: Final = "entries"


def to_bibtex(references: Iterable[Reference]) -> str:
    """Return the entries as BibTeX that means what the site shows (see ``bibtex_writing``)."""
    return format_entries(reference.raw_bibtex for reference in references)


def to_ris_record(reference: Reference) -> dict[str, Any]:
    """Return one RIS record as rispy's dictionary of long field names."""
    record: dict[str, Any] = {"type_of_reference": RIS_TYPES.get(reference.entry_type, "GEN")}
    record["id"] = reference.key
    for bibtex_name, ris_name in _RIS_FIELDS.items():
        value = reference.get(bibtex_name)
        if not value:
            continue
        record[ris_name] = [value] if ris_name == "notes" else value
    container = reference.get("journal") or reference.get("booktitle")
    if container:
        record["secondary_title"] = container
    if year := reference.get("year"):
        record["year"] = year
    start, _, end = reference.get("pages").replace("–", "--").partition("--")
    if start:
        record["start_page"] = start.strip("-")
    if end:
        record["end_page"] = end.strip("-")
    if url := reference.get("url"):
        record["urls"] = [url]
    if reference.authors:
        record["authors"] = [_ris_name(person) for person in reference.authors]
    if reference.editors:
        record["secondary_authors"] = [_ris_name(person) for person in reference.editors]
    return record


def to_ris(references: Iterable[Reference]) -> str:
    """Return the entries as one RIS document."""
    text: str = rispy.dumps([to_ris_record(reference) for reference in references])
    return text


def to_csl_json_text(references: Iterable[Reference]) -> str:
    """Return the entries as a CSL-JSON array, the format Zotero and citeproc read natively."""
    items = [to_csl_json(reference) for reference in references]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def write_downloads(references: Mapping[str, Reference], out_dir: Path) -> list[Path]:
    """Write whole-library and per-entry downloads under ``out_dir``; return the files written."""
    entries_dir = out_dir / DOWNLOADS_SUBDIR
    entries_dir.mkdir(parents=True, exist_ok=True)
    ordered = [references[key] for key in sorted(references)]
    outputs: dict[Path, str] = {
        out_dir / "references.bib": to_bibtex(ordered),
        out_dir / "references.ris": to_ris(ordered),
        out_dir / "references.json": to_csl_json_text(ordered),
    }
    for reference in ordered:
        outputs[entries_dir / f"{reference.key}.bib"] = to_bibtex([reference])
        outputs[entries_dir / f"{reference.key}.ris"] = to_ris([reference])
    expected = set(outputs)
    for stale in [*entries_dir.iterdir()]:
        if stale not in expected:
            stale.unlink()
    for path, text in outputs.items():
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return sorted(outputs)


def _ris_name(person: Person) -> str:
    """RIS writes "Family, Given, Suffix", or a corporate name as it stands."""
    if person.literal:
        return person.literal
    return ", ".join(part for part in (person.family, person.given, person.suffix) if part)
