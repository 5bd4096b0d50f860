"""Map our ``Reference`` records to CSL-JSON, the data model of every CSL processor.

One mapping serves the citation style (``reference_styles``), COinS and the CSL-JSON
download (``reference_exports``), so what readers import is what the site formatted. The
mapping reads BibTeX and biblatex fields as Pandoc 3.9's BibTeX reader does, so a file
renders on the site as it renders with ``pandoc --citeproc``:

- English titles are put in sentence case with braced words protected (``sentence_case``);
  the export carries the protection as ``<span class="nocase">``, as CSL-JSON writes it;
- biblatex's ``subtitle`` and ``titleaddon`` join the title (": " and ". "), a
  ``maintitle`` makes the title a ``volume-title``, ``origdate`` is the
  ``original-date``, ``translator``, ``bookauthor``, ``issue``, ``eprint``, ``langid``
  and ``entrysubtype = {magazine}`` are read, and localisation keys ("resreport",
  "newseries", "patentus") become the words they stand for;
- ``month`` (a macro, a number or an English month name) and ``day`` complete the year;
- publisher, institution, organisation and location are biblatex list fields ("A and B"
  is two), all kept and joined by "; " in Pandoc's order.
"""

from __future__ import annotations

import copy
import re
from typing import TYPE_CHECKING, Any, Final

from citation_engine.biblatex_fields import is_circa, month_number, parse_date
from citation_engine.bibtex_names import parse_people
from citation_engine.entry_types import ENTRY_TYPES, THESIS_GENRES
from citation_engine.latex_text import (
    NOCASE_CLOSE,
    NOCASE_OPEN,
    latex_to_marked_text,
    latex_to_text,
)
from citation_engine.sentence_case import (
    is_english,
    nocase_markup,
    sentence_case,
    strip_marks,
)

if TYPE_CHECKING:
    from citation_engine.references import Person, Reference

# Entry type -> CSL type, and the thesis genres: one table for checks, CSL and RIS.
CSL_TYPES: Final = {name: row.csl for name, row in ENTRY_TYPES.items()}

# BibTeX field -> CSL variable, for fields that map one to one.
_SIMPLE_FIELDS: Final = {
    "volume": "volume",
    "edition": "edition",
    "doi": "DOI",
    "url": "URL",
    "version": "version",
    "isbn": "ISBN",
    "annote": "annote",
    "chapter": "chapter-number",
    "volumes": "number-of-volumes",
}
_PLACE_FIELDS: Final = ("address", "location")
_AND_RE: Final = re.compile(r"\s+and\s+")
_TITLE_FIELDS: Final = ("title", "subtitle", "titleaddon")
_BOOK_TITLE_FIELDS: Final = ("booktitle", "booksubtitle", "booktitleaddon")
_MAIN_TITLE_FIELDS: Final = ("maintitle", "mainsubtitle", "maintitleaddon")
# Types whose work sits in a book: a maintitle names the book's multi-volume work.
_CONTAINED_TYPES: Final = frozenset(
    {"inbook", "incollection", "inproceedings", "conference", "bookinbook", "suppbook"}
    | {"suppcollection", "inreference"}
)
# BibTeX's "number" is a journal issue ("issue") in an article, a book's or a proceedings
# paper's number in its series ("collection-number"), and otherwise the work's own number
# (CSL "number": a report's, a dataset's), as Pandoc maps it. Sending a report number as
# "issue" printed "(Issue TR-42)".
_ISSUE_TYPES: Final = frozenset({"article", "periodical", "suppperiodical"})
_SERIES_NUMBER_TYPES: Final = frozenset(
    {
        "book",
        "mvbook",
        "collection",
        "mvcollection",
        "inbook",
        "incollection",
        "bookinbook",
        "suppbook",
        "suppcollection",
        "inproceedings",
        "conference",
        "proceedings",
        "mvproceedings",
        "reference",
        "mvreference",
        "inreference",
    }
)
# Every field naming who published the work, in the order Pandoc joins them with "; ".
_PUBLISHER_FIELDS: Final = ("school", "institution", "organization", "howpublished", "publisher")
# biblatex's localisation keys, as the en-US locale words Pandoc prints for them.
_LOCALISATION_KEYS: Final = {
    "resreport": "research report",
    "techreport": "technical report",
    "mathesis": "Master’s thesis",
    "phdthesis": "Doctoral dissertation",
    "candthesis": "Candidate thesis",
    "newseries": "new series",
    "oldseries": "old series",
    "patentde": "German patent",
    "patenteu": "European patent",
    "patentfr": "French patent",
    "patentuk": "British patent",
    "patentus": "U.S. patent",
    "patreq": "patent request",
    "patreqde": "German patent request",
    "patreqeu": "European patent request",
    "patreqfr": "French patent request",
    "patrequk": "British patent request",
    "patrequs": "U.S. patent request",
    # biblatex's publication states (``pubstate``), as Pandoc writes them
    "inpress": "in press",
    "forthcoming": "forthcoming",
    "submitted": "submitted",
    "prepublished": "pre-published",
}
# eprinttype -> the address the identifier resolves under (Pandoc's table).
_EPRINT_URLS: Final = {
    "arxiv": "https://arxiv.org/abs/",
    "jstor": "https://www.jstor.org/stable/",
    "pubmed": "https://www.ncbi.nlm.nih.gov/pubmed/",
    "googlebooks": "https://books.google.com?id=",
}
# babel's and polyglossia's language names -> BCP 47, as Pandoc 3.9 maps langid (another
# name is passed on as written, as Pandoc passes it).
_BABEL_LANGUAGES: Final = {
    "english": "en-US",
    "american": "en-US",
    "usenglish": "en-US",
    "british": "en-GB",
    "ukenglish": "en-GB",
    "canadian": "en-US",
    "australian": "en-GB",
    "newzealand": "en-GB",
    "german": "de-DE",
    "ngerman": "de-DE",
    "austrian": "de-AT",
    "naustrian": "de-AT",
    "french": "fr-FR",
    "spanish": "es-ES",
    "italian": "it-IT",
    "dutch": "nl-NL",
    "portuguese": "pt-PT",
    "brazilian": "pt-BR",
    "catalan": "ca-AD",
    "danish": "da-DK",
    "swedish": "sv-SE",
    "norsk": "nb-NO",
    "finnish": "fi-FI",
    "polish": "pl-PL",
    "czech": "cs-CZ",
    "russian": "ru-RU",
    "greek": "el-GR",
    "turkish": "tr-TR",
    "japanese": "ja-JP",
}
_BCP47_RE: Final = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*")
_SUBTYPES: Final = {"magazine": "article-magazine", "newspaper": "article-newspaper"}
# Pandoc gives @misc no CSL type, so apa.csl prints its year alone; as "document" (a type
# APA dates to the day) it would print the month and day Pandoc leaves out.
_YEAR_ONLY_TYPES: Final = frozenset({"misc"})
_LAST_DAY: Final = 31
_RANGE_ENDS: Final = 2
# Characters the formatter uses as markup; field text must never contain them.
PRIVATE_USE_RE: Final = re.compile("[\ue000-\uf8ff]")


# Reference id -> (the reference, its item for formatting). The formatter and the COinS span
# of each entry both need the item; the identity check makes a reused id safe.
_ITEMS: dict[int, tuple[Reference, dict[str, Any]]] = {}
_ITEMS_LIMIT: Final = 20_000  # a few bibliographies: serve reloads leave old ones here


def to_csl_json(reference: Reference, *, export: bool = False) -> dict[str, Any]:
    """Return the CSL-JSON item for one reference, with clean text in every variable.

    The item is a new dictionary each call (callers add variables such as ``year-suffix``);
    the item for formatting is built once per reference and copied.
    """
    if export:
        return _csl_item(reference, export=True)
    cached = _ITEMS.get(id(reference))
    if cached is None or cached[0] is not reference:
        if len(_ITEMS) >= _ITEMS_LIMIT:
            _ITEMS.clear()
        cached = (reference, _csl_item(reference, export=False))
        _ITEMS[id(reference)] = cached
    return copy.deepcopy(cached[1])


def _csl_item(reference: Reference, *, export: bool) -> dict[str, Any]:
    """The CSL-JSON item, built from the reference's fields.

    ``export`` gives the item readers download: protected words in ``nocase`` spans. Without
    it, the item is the one the site formats: plain text, and given names as citeproc-py
    initials them right (it makes "L.-. wei" of "Li-wei", where CSL processors print "L.").
    """
    finish = nocase_markup if export else strip_marks
    english = is_english(reference.get("langid") or reference.get("hyphenation"))
    item: dict[str, Any] = {
        "id": reference.key,
        "type": _csl_type(reference),
    }
    for bibtex_name, csl_name in _SIMPLE_FIELDS.items():
        if value := reference.get(bibtex_name):
            item[csl_name] = _clean(value)
    if not reference.get("url") and (url := _eprint_url(reference)):
        item["URL"] = url
    title = _title(reference, _TITLE_FIELDS, english=english)
    main = _title(reference, _MAIN_TITLE_FIELDS, english=english)
    contained = reference.entry_type in _CONTAINED_TYPES
    if main and not contained:
        # A volume of a multi-volume work: the work's title, then the volume's (Pandoc's map).
        item["title"] = finish(main)
        if title:
            item["volume-title"] = finish(title)
    elif title:
        item["title"] = finish(title)
        if short := _short_title(reference, title, english=english):
            item["title-short"] = finish(short)
    if journal := reference.get("journal"):
        subtitle = reference.get("journalsubtitle")
        item["container-title"] = _clean(f"{journal}: {subtitle}" if subtitle else journal)
    elif book := _title(reference, _BOOK_TITLE_FIELDS, english=english):
        if main and contained:
            item["container-title"] = finish(main)
            item["volume-title"] = finish(book)
        else:
            item["container-title"] = finish(book)
    elif main and contained:
        item["container-title"] = finish(main)
    if series := _title(reference, ("series",), english=english):
        item["collection-title"] = finish(series)
    if original_title := _title(reference, ("origtitle",), english=english):
        item["original-title"] = finish(original_title)
    publishers = [name for field in _PUBLISHER_FIELDS for name in _list_field(reference, field)]
    if publishers:
        item["publisher"] = "; ".join(publishers)
    for field in _PLACE_FIELDS:
        if places := _list_field(reference, field):
            item["publisher-place"] = "; ".join(places)
            break
    _set_number(item, reference)
    if pages := reference.get("pages"):
        item["page"] = _clean(pages).replace("--", "\u2013").replace("-", "\u2013")
    if genre := reference.get("type") or THESIS_GENRES.get(reference.entry_type, ""):
        item["genre"] = _clean(_LOCALISATION_KEYS.get(genre.strip().lower(), genre))
    name = _person if export else _person_for_formatting
    for csl_name, people in (("author", reference.authors), ("editor", reference.editors)):
        if people:
            item[csl_name] = [name(person) for person in people]
    for bibtex_name, csl_name in (("translator", "translator"), ("bookauthor", "container-author")):
        if people := _people(reference, bibtex_name):
            item[csl_name] = [name(person) for person in people]
    if language := _language(reference.get("langid") or reference.get("hyphenation")):
        item["language"] = language
    item.update(_issued(reference))
    if not export and "issued" in item:
        item["issued"] = _within_one_year(item["issued"])
    if pubstate := reference.get("pubstate"):
        item["status"] = _clean(_LOCALISATION_KEYS.get(pubstate.strip().lower(), pubstate))
    if (urldate := reference.bibtex_fields.get("urldate")) and (accessed := _date(urldate)):
        item["accessed"] = accessed
    if (origdate := reference.bibtex_fields.get("origdate")) and (original := _date(origdate)):
        item["original-date"] = original
    return item


def _language(langid: str) -> str:
    """The BCP 47 tag of a babel language name, as Pandoc writes it.

    CSL processors leave a German or French title out of the style's English title case.
    """
    name = langid.strip()
    if _BCP47_RE.fullmatch(name):
        return name.lower()  # Pandoc writes "en-US" as "en-us"
    return _BABEL_LANGUAGES.get(name.lower(), name)


def _csl_type(reference: Reference) -> str:
    csl_type = CSL_TYPES.get(reference.entry_type, "document")
    if csl_type == "article-journal":
        return _SUBTYPES.get(reference.get("entrysubtype").strip().lower(), csl_type)
    return csl_type


def _title(reference: Reference, fields: tuple[str, ...], *, english: bool) -> str:
    """The marked title these fields make: main part, then ": " subtitle, ". " addon."""
    text = ""
    for field, separator in zip(fields, ("", ": ", ". "), strict=False):
        raw = reference.bibtex_fields.get(field)
        if raw is None or not (decoded := reference.get(field)):
            continue
        try:
            marked = latex_to_marked_text(raw)
        except ValueError:
            marked = decoded  # the loader reported the field; print it as decoded
        if strip_marks(marked) != decoded:
            marked = decoded  # the decoded field is the one truth (an edited record)
        key = _LOCALISATION_KEYS.get(strip_marks(marked).strip().lower())
        text += (separator if text else "") + (key or marked)
    return sentence_case(text) if english and text else text


def _short_title(reference: Reference, title: str, *, english: bool) -> str:
    """The short title that stands for the work in the text, as Pandoc reads it, or "".

    ``shorttitle`` when the entry has one; else the ``title`` field up to its first colon
    outside braces (a subtitle and an addon are left out too), when that is shorter than
    the whole title. APA 7 (§8.14) shortens a long title the same way.
    """
    if reference.get("shorttitle"):
        return _title(reference, ("shorttitle",), english=english)
    main = _title(reference, ("title",), english=english)
    head, colon, _ = main.partition(":")
    if colon and head.count(NOCASE_OPEN) == head.count(NOCASE_CLOSE):
        main = head.rstrip()
    return main if main and main != title else ""


def _list_field(reference: Reference, field: str) -> list[str]:
    """A biblatex list field (publisher, location, institution): its items, split at "and".

    biblatex and Pandoc read "John Wiley and Sons" as two publishers; a name that holds
    "and" is written in braces, "{John Wiley and Sons}".
    """
    decoded = reference.get(field)
    if not decoded:
        return []
    raw = reference.bibtex_fields.get(field, "")
    cuts = [match.span() for match in _AND_RE.finditer(_unbraced(raw))]
    if not cuts:
        return [_clean(decoded)]
    starts = [0, *(end for _, end in cuts)]
    ends = [*(start for start, _ in cuts), len(raw)]
    pieces = [raw[start:end] for start, end in zip(starts, ends, strict=True)]
    names = []
    for piece in pieces:
        try:
            names.append(_clean(latex_to_text(piece)))
        except ValueError:
            return [_clean(decoded)]
    return [name for name in names if name]


def _unbraced(raw: str) -> str:
    """The text outside braces (what BibTeX splits a list at), the rest blanked."""
    out = []
    depth = 0
    for char in raw:
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        out.append(char if depth == 0 and char not in "{}" else "_")
    return "".join(out)


def _set_number(item: dict[str, Any], reference: Reference) -> None:
    number, issue = reference.get("number"), reference.get("issue")
    variable = (
        "issue"
        if reference.entry_type in _ISSUE_TYPES
        else "collection-number"
        if reference.entry_type in _SERIES_NUMBER_TYPES
        else "number"
    )
    if variable == "issue":
        # biblatex's issue ("Spring") follows the number ("2, Spring"); Pandoc reads it only
        # beside a number, and so does the site.
        if number:
            item["issue"] = _clean(f"{number}, {issue}" if issue else number)
    elif number:
        item[variable] = _clean(number)
        if issue:
            item["issue"] = _clean(issue)


def _eprint_url(reference: Reference) -> str:
    eprint = reference.get("eprint").strip()
    prefix = _EPRINT_URLS.get(reference.get("eprinttype").strip().lower())
    return f"{prefix}{eprint}" if eprint and prefix else ""


def _people(reference: Reference, field: str) -> tuple[Person, ...]:
    try:
        return parse_people(reference.bibtex_fields.get(field, ""))
    except ValueError:
        return ()  # a name field the loader could not split prints no names


def _date(value: str) -> dict[str, Any]:
    parts = parse_date(value)
    if parts is None:
        return {}
    date: dict[str, Any] = {"date-parts": [list(part) for part in parts]}
    if is_circa(value):
        date["circa"] = True
    return date


def _issued(reference: Reference) -> dict[str, Any]:
    # The date as written: decoding reads biblatex's "~" (circa) as a space.
    date, year = reference.bibtex_fields.get("date", ""), reference.get("year")
    if date and (issued := _date(date)):
        # biblatex's date, to the day where it gives one, as Pandoc reads it.
        if reference.entry_type in _YEAR_ONLY_TYPES:
            issued["date-parts"] = [part[:1] for part in issued["date-parts"]]
        return {"issued": issued}
    if not year or year.lower() == "n.d.":
        return {}  # the style prints "n.d." for a work without a date
    if year.isdigit():
        return {"issued": {"date-parts": [[int(year), *_month_day(reference)]]}}
    return {"issued": {"literal": year.lower()}}


def _within_one_year(issued: dict[str, Any]) -> dict[str, Any]:
    """A range within one year as the part both ends share, for the formatter to print.

    citeproc-py prints a range whose ends share the year without that year ("(March\u2013
    April)", or nothing where the style shows the year alone); the shared part ("2012",
    "2018, April") is true where the range would be more precise.
    """
    parts = issued.get("date-parts") or []
    if len(parts) != _RANGE_ENDS or not parts[1] or parts[1][0] != parts[0][0] or not parts[0][0]:
        return issued
    shared = []
    for begin, end in zip(parts[0], parts[1], strict=False):
        if begin != end:
            break
        shared.append(begin)
    return {**issued, "date-parts": [shared]}


def _month_day(reference: Reference) -> list[int]:
    if reference.entry_type in _YEAR_ONLY_TYPES:
        return []
    month = month_number(reference.get("month"))
    if month is None:
        return []
    day = reference.get("day").strip()
    if day.isdigit() and 1 <= int(day) <= _LAST_DAY:
        return [month, int(day)]
    return [month]


def _person(person: Person) -> dict[str, str]:
    if person.literal:
        return {"literal": _clean(person.literal)}
    name = {"family": _clean(person.family)}
    if person.given:
        name["given"] = _clean(person.given)
    if person.suffix:
        name["suffix"] = _clean(person.suffix)
    return name


def _person_for_formatting(person: Person) -> dict[str, str]:
    name = _person(person)
    if given := name.get("given"):
        name["given"] = _drop_lower_hyphen_parts(given)
    return name


def _drop_lower_hyphen_parts(given: str) -> str:
    words = []
    for word in given.split(" "):
        head, *rest = word.split("-")
        kept = [part for part in rest if part[:1].isupper() or not part[:1].isalpha()]
        words.append("-".join([head, *kept]))
    return " ".join(words)


def _clean(value: str) -> str:
    return PRIVATE_USE_RE.sub("", value)
