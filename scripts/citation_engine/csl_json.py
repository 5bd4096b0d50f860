"""Map our ``Reference`` records to CSL-JSON, the data model of every CSL processor.

One mapping serves both the citation style (``reference_styles``) and the CSL-JSON download
(``reference_exports``), so what readers import is exactly what the site formatted.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Final

from citation_engine.biblatex_fields import parse_date
from citation_engine.entry_types import ENTRY_TYPES, THESIS_GENRES

if TYPE_CHECKING:
    from citation_engine.references import Person, Reference

# Entry type -> CSL type, and the thesis genres: one table for checks, CSL and RIS.
CSL_TYPES: Final = {name: row.csl for name, row in ENTRY_TYPES.items()}

# BibTeX field -> CSL variable, for fields that map one to one.
_SIMPLE_FIELDS: Final = {
    "title": "title",
    "volume": "volume",
    "edition": "edition",
    "series": "collection-title",
    "howpublished": "medium",
    "doi": "DOI",
    "url": "URL",
    "version": "version",
    "isbn": "ISBN",
    "annote": "annote",
    "chapter": "chapter-number",
}
_CONTAINER_FIELDS: Final = ("journal", "booktitle")
_PLACE_FIELDS: Final = ("address", "location")
# BibTeX's "number" is a report's own number (CSL "number"), a book's number in its series
# ("collection-number"), and otherwise a journal issue ("issue"). Sending a report number as
# "issue" printed "(Issue TR-42)".
_NUMBER_VARIABLES: Final = {
    "techreport": "number",
    "report": "number",
    "book": "collection-number",
    "incollection": "collection-number",
    "inbook": "collection-number",
}
_PUBLISHER_FIELDS: Final = ("publisher", "institution", "school", "organization")
# Characters the formatter uses as markup; field text must never contain them.
PRIVATE_USE_RE: Final = re.compile("[\ue000-\uf8ff]")


def to_csl_json(reference: Reference) -> dict[str, Any]:
    """Return the CSL-JSON item for one reference, with clean text in every variable."""
    item: dict[str, Any] = {
        "id": reference.key,
        "type": CSL_TYPES.get(reference.entry_type, "document"),
    }
    for bibtex_name, csl_name in _SIMPLE_FIELDS.items():
        if value := reference.get(bibtex_name):
            item[csl_name] = _clean(value)
    _set_first(item, "container-title", reference, _CONTAINER_FIELDS)
    _set_first(item, "publisher", reference, _PUBLISHER_FIELDS)
    _set_first(item, "publisher-place", reference, _PLACE_FIELDS)
    if number := reference.get("number"):
        item[_NUMBER_VARIABLES.get(reference.entry_type, "issue")] = _clean(number)
    if pages := reference.get("pages"):
        item["page"] = _clean(pages).replace("--", "–").replace("-", "–")
    if genre := reference.get("type") or THESIS_GENRES.get(reference.entry_type, ""):
        item["genre"] = _clean(genre)
    if reference.authors:
        item["author"] = [_person(person) for person in reference.authors]
    if reference.editors:
        item["editor"] = [_person(person) for person in reference.editors]
    item.update(_issued(reference.get("year"), reference.get("date")))
    return item


def _set_first(
    item: dict[str, Any], name: str, reference: Reference, fields: tuple[str, ...]
) -> None:
    for field in fields:
        if value := reference.get(field):
            item[name] = _clean(value)
            return


def _issued(year: str, date: str) -> dict[str, Any]:
    if date and (parts := parse_date(date)):
        # biblatex's date, to the day where it gives one, as Pandoc reads it.
        return {"issued": {"date-parts": [list(part) for part in parts]}}
    if not year or year.lower() == "n.d.":
        return {}  # the style prints "n.d." for a work without a date
    if year.isdigit():
        return {"issued": {"date-parts": [[int(year)]]}}
    return {"issued": {"literal": year.lower()}}


def _person(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": _clean(person.literal)}
    name = {"family": _clean(person.family)}
    if person.given:
        name["given"] = _clean(person.given)
    if person.suffix:
        name["suffix"] = _clean(person.suffix)
    return name


def _clean(value: str) -> str:
    return PRIVATE_USE_RE.sub("", value)
