"""Read biblatex's names for a date and a journal, as Biber and Pandoc do.

Reference managers that export biblatex (Zotero's Better BibLaTeX, JabRef in biblatex mode)
write ``date = {2019-03-01}`` and ``journaltitle``, where BibTeX styles read ``year`` and
``journal``. Without this, such a file failed the build for "lacking" a year and a journal
it had. Biber and Pandoc let a ``date`` win over a ``year``; here a ``year`` that disagrees
with the ``date`` is reported instead, because the site would print one of two years its
editor wrote and silently drop the other.
"""

from __future__ import annotations

import re
from typing import Final

from citation_engine.errors import Problem, SourceLocation

# biblatex name -> the BibTeX name the rest of the engine reads.
ALIASES: Final = {"journaltitle": "journal"}
# ISO 8601 as biblatex reads it: a year, a month or a day; two joined by "/" are a range.
# A time of day after the day (biber reads "2020-03-04T10:20:30Z") is read past, as Pandoc
# reads it: a reference list prints the day.
_DATE_RE: Final = re.compile(
    r"(\d{4})(?:-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01])"
    r"(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?)?)?"
)

_RANGE_ENDS: Final = 2

DateParts = tuple[tuple[int, ...], ...]


def parse_date(value: str) -> DateParts | None:
    """The CSL date parts of a biblatex ``date``, or ``None`` when biblatex would refuse it.

    ``"2019-03-01"`` gives ``((2019, 3, 1),)``; the range ``"2018/2019"`` gives
    ``((2018,), (2019,))``, as Pandoc reads them.
    """
    ends = value.strip().split("/")
    if len(ends) > _RANGE_ENDS:
        return None
    parts = []
    for end in ends:
        match = _DATE_RE.fullmatch(end.strip())
        if match is None:
            return None
        parts.append(tuple(int(part) for part in match.groups() if part))
    return tuple(parts)


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
        message = (
            f"{entry}: date '{date}' is not a date biblatex reads: write YYYY, YYYY-MM or "
            "YYYY-MM-DD, or two of them joined by '/' for a range"
        )
        return [Problem(at, message)]
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
