"""Read biblatex's names for a date and a journal, as Biber and Pandoc do.

Reference managers that export biblatex (Zotero's Better BibLaTeX, JabRef in biblatex mode)
write ``date = {2019-03-01}`` and ``journaltitle``, where BibTeX styles read ``year`` and
``journal``. Without this, such a file failed the build for "lacking" a year and a journal
it had. Biber and Pandoc let a ``date`` win over a ``year``; here a ``year`` that disagrees
with the ``date`` is reported instead, because the site would print one of two years its
editor wrote and silently drop the other.
"""

from __future__ import annotations

import datetime
import re
from typing import Final

from citation_engine.errors import Problem, SourceLocation

# biblatex name -> the BibTeX name the rest of the engine reads.
ALIASES: Final = {"journaltitle": "journal"}
# ISO 8601 as biblatex reads it: a year, a month or a day (a time of day after it is read
# and dropped, as Pandoc drops it); two joined by "/" are a range. A "~" after a date marks
# it approximate ("circa"); a "?" uncertain, which APA does not print.
_DATE_RE: Final = re.compile(
    r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?([~?%]?)"
)

_RANGE_ENDS: Final = 2

_MONTHS: Final = {
    name: number
    for number, month in enumerate(
        (
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ),
        start=1,
    )
    for name in (month, month[:3])
}
_LAST_MONTH: Final = 12
# The macro every BibTeX style defines for each month (plain.bst): 3 -> "mar".
MONTH_MACROS: Final = {number: name for name, number in _MONTHS.items() if len(name) == 3}

DateParts = tuple[tuple[int, ...], ...]


def parse_date(value: str) -> DateParts | None:
    """The CSL date parts of a biblatex ``date``, or ``None`` when it is not a date.

    ``"2019-03-01"`` gives ``((2019, 3, 1),)``; the range ``"2018/2019"`` gives
    ``((2018,), (2019,))``, as Pandoc reads them. A day the month does not have
    (``2019-02-31``) and a range that ends before it starts are refused: Pandoc prints
    them, but they are typing errors no reader could resolve.
    """
    ends = value.strip().split("/")
    if len(ends) > _RANGE_ENDS:
        return None
    parts = []
    for end in ends:
        match = _DATE_RE.fullmatch(end.strip())
        if match is None:
            return None
        part = tuple(int(number) for number in match.groups()[:3] if number)
        if len(part) == _FULL_DATE and not _is_calendar_date(part):
            return None
        parts.append(part)
    if len(parts) == _RANGE_ENDS and parts[1] < parts[0][: len(parts[1])]:
        return None
    return tuple(parts)


def _refusal(value: str) -> str:
    """Why ``parse_date`` refused a date, in the words of the build's message."""
    ends = [end.strip() for end in value.strip().split("/")]
    if len(ends) <= _RANGE_ENDS and all(_DATE_RE.fullmatch(end) for end in ends):
        if all(parse_date(end) for end in ends):
            return "is a range that ends before it starts: write the earlier date first"
        return "is not a day of the calendar: check the month and the day"
    return (
        "is not a date biblatex reads: write YYYY, YYYY-MM or YYYY-MM-DD, or two of them "
        "joined by '/' for a range"
    )


def is_circa(value: str) -> bool:
    """Whether a biblatex ``date`` is marked approximate (``2000~``), which APA prints "ca."."""
    return any(end.strip().endswith(("~", "%")) for end in value.split("/"))


_FULL_DATE: Final = 3


def _is_calendar_date(part: tuple[int, ...]) -> bool:
    try:
        datetime.date(*part)
    except ValueError:
        return False
    return True


def apply_biblatex_fields(
    fields: dict[str, str],
    bibtex_fields: dict[str, str],
    field_lines: dict[str, int],
    where: tuple[str, str],
) -> list[Problem]:
    """Give an entry with biblatex's names the BibTeX fields they mean, in place.

    ``where`` is the file as messages name it and the entry's description. The exported
    BibTeX gets the BibTeX names too, so BibTeX styles read the same entry the site shows.
    """
    path, entry = where
    for biblatex_name, bibtex_name in ALIASES.items():
        if biblatex_name in fields and bibtex_name not in fields:
            fields[bibtex_name] = fields.pop(biblatex_name)
            bibtex_fields[bibtex_name] = bibtex_fields.pop(biblatex_name)
            field_lines[bibtex_name] = field_lines[biblatex_name]
    date = fields.get("date")
    if date is None:
        return []
    at = SourceLocation(path, field_lines.get("date", 0))
    parts = parse_date(date)
    if parts is None:
        return [Problem(at, f"{entry}: date '{date}' {_refusal(date)}")]
    year = str(parts[0][0])
    written = fields.get("year")
    if written is not None and written != year:
        message = (
            f"{entry}: year '{written}' and date '{date}' disagree; biblatex and Pandoc "
            "print the date's year: remove the one that is wrong"
        )
        return [Problem(at, message)]
    fields["year"] = bibtex_fields["year"] = year
    field_lines.setdefault("year", field_lines.get("date", 0))
    return []


def month_number(value: str) -> int | None:
    """The month a BibTeX ``month`` names: a macro's text, an abbreviation or a number."""
    text = value.strip().lower().rstrip(".")
    if text.isdigit():
        return int(text) if 1 <= int(text) <= _LAST_MONTH else None
    return _MONTHS.get(text)
