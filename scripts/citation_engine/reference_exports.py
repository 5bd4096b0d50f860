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
from citation_engine.download_names import download_stem
from citation_engine.entry_types import ENTRY_TYPES, THESIS_GENRES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

    from citation_engine.references import Person, Reference

# Entry type -> RIS type, from the one table the checks and CSL-JSON read too.
RIS_TYPES: Final = {name: row.ris for name, row in ENTRY_TYPES.items()}
# BibTeX field -> rispy's long field name (the RIS tag in the comment). Tags per type follow
# the RIS specification as Zotero's RIS translator reads it (zotero/translators RIS.js).
_RIS_FIELDS: Final = {
    "title": "title",  # TI
    "volume": "volume",  # VL
    "publisher": "publisher",  # PB
    "institution": "publisher",
    "school": "publisher",
    "organization": "publisher",
    "address": "place_published",  # CY
    "location": "place_published",
    "edition": "edition",  # ET
    "version": "edition",  # ET: Zotero reads it as a program's version
    "doi": "doi",  # DO
    "isbn": "issn",  # SN
    "annote": "notes",  # N1
    "howpublished": "notes",
    "type": "type_of_work",  # M3: report type, thesis type
}
# Where the series title goes: T3 for a part of a book (T2 holds the book), else T2.
_SERIES_TAG: Final = {"incollection": "tertiary_title", "inbook": "tertiary_title"}
_REPORT_TYPES: Final = ("techreport", "report")


class _RisWriter(rispy.RisWriter):  # type: ignore[misc]
    """rispy's writer without the "1." counter line before each record.

    A record starts with "TY  - " (RIS specification), and Pandoc refuses a file that does not.
    """

    def set_header(self, count: int) -> str:
        return ""


DOWNLOADS_SUBDIR: Final = "entries"
# rispy's tags plus ED (editor), which rispy does not know; readers pass the same mapping.
RIS_MAPPING: Final = {**rispy.TAG_KEY_MAPPING, "ED": "editors"}
RIS_LIST_TAGS: Final = [*rispy.LIST_TYPE_TAGS, "ED"]


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
        if ris_name == "notes":
            record.setdefault("notes", []).append(value)
        else:
            record.setdefault(ris_name, value)
    if reference.entry_type in THESIS_GENRES and "type_of_work" not in record:
        # APA's words, with the plain apostrophe the RIS file has always carried. English
        # on purpose, and not an option: the file's M3 (type of work) is data for a reference
        # manager, the genre term of the style the site cites in (APA 7), and the same words
        # the formatted reference prints in brackets; a reader's language does not change it.
        genre = THESIS_GENRES[reference.entry_type]
        record["type_of_work"] = genre.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'")
    if number := reference.get("number"):
        # A report's number is SN (Zotero: reportNumber); elsewhere IS is the issue.
        record["issn" if reference.entry_type in _REPORT_TYPES else "number"] = number
    if series := reference.get("series"):
        record[_SERIES_TAG.get(reference.entry_type, "secondary_title")] = series
    container = reference.get("journal") or reference.get("booktitle")
    if container:
        record["secondary_title"] = container
    if (year := reference.get("year")) and year.lower() != "n.d.":
        record["year"] = year  # RIS wants a year; an undated work has no PY
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
        # A chapter's editors edit its book: A2, which Zotero, Pandoc and rispy read as editors.
        # On a book, Zotero reads A2 as the *series* editor and Pandoc drops A3, so the editors
        # of a whole edited book go in ED, which both read as editor.
        editors_tag = "secondary_authors" if record["type_of_reference"] == "CHAP" else "editors"
        record[editors_tag] = [_ris_name(person) for person in reference.editors]
    return record


def to_ris(references: Iterable[Reference]) -> str:
    """Return the entries as one RIS document."""
    records = [to_ris_record(reference) for reference in references]
    text: str = rispy.dumps(
        records, implementation=_RisWriter, mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS
    )
    return text


def to_csl_json_text(references: Iterable[Reference]) -> str:
    """Return the entries as a CSL-JSON array, the format Zotero and citeproc read natively."""
    items = [to_csl_json(reference, export=True) for reference in references]
    return json.dumps(items, ensure_ascii=False, indent=2) + "\n"


def write_downloads(
    references: Mapping[str, Reference], out_dir: Path, basename: str = "references"
) -> list[Path]:
    """Write whole-library and per-entry downloads under ``out_dir``; return the files written.

    ``basename`` names the whole-library files, as the extension's ``download_basename``
    option does on the bibliography page.
    """
    entries_dir = out_dir / DOWNLOADS_SUBDIR
    entries_dir.mkdir(parents=True, exist_ok=True)
    ordered = [references[key] for key in sorted(references)]
    outputs: dict[Path, str] = {
        out_dir / f"{basename}.bib": to_bibtex(ordered),
        out_dir / f"{basename}.ris": to_ris(ordered),
        out_dir / f"{basename}.json": to_csl_json_text(ordered),
    }
    for reference in ordered:
        stem = download_stem(reference.key)
        outputs[entries_dir / f"{stem}.bib"] = to_bibtex([reference])
        outputs[entries_dir / f"{stem}.ris"] = to_ris([reference])
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
