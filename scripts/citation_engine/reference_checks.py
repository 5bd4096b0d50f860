"""What an entry lacks or writes oddly: warnings, never a reason to stop a build.

Pandoc renders an entry without a journal, of a type it does not know, or with a DOI
written as a link; so does the site, and ``check`` reports each as an incomplete or odd
record for the writer to fix. What would publish wrong (a file that cannot be read, a key
two entries define differently) is refused by the loader, not here.

Every function here returns problems as data and never raises, so the caller can report all
of them at once. Parsing is ``bibtex_loading``'s job; this module only judges references.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from citation_engine.entry_types import ENTRY_TYPES, entry_type
from citation_engine.errors import Problem, SourceLocation

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from citation_engine.references import Reference

DOI_RE: Final = re.compile(r"^10\.\d{4,9}/\S+$")
# "n.d." is APA's mark for an undated work (APA 7, section 9.17): honest where no date exists.
YEAR_RE: Final = re.compile(r"^(?:\d{4}|in press|n\.d\.)$", re.IGNORECASE)
# An http(s) address whose port, if written, is a number a connection can use.
URL_RE: Final = re.compile(
    r"^https?://(?:[^\s/?#@]*@)?(?:\[[0-9A-Fa-f:.]+\]|[^\s/?#@:\[\]]+)"
    r"(?::(?:6553[0-5]|655[0-2]\d|65[0-4]\d\d|6[0-4]\d{3}|[1-5]\d{4}|[1-9]\d{0,3}))?"
    r"(?:[/?#]\S*)?$"
)
DOI_PREFIX_RE: Final = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)


def check_references(references: Mapping[str, Reference]) -> list[Problem]:
    """Return every rule broken by any entry, and any DOI two entries share."""
    problems: list[Problem] = []
    for reference in references.values():
        problems += check_reference(reference)
    problems += shared_values(references.values(), "doi", fold=str.lower)
    return problems


def check_reference(reference: Reference) -> list[Problem]:
    """Return the warnings for one entry: type, required fields, DOI, URL, year.

    A site's own house rules (a key scheme, every entry cited) are its tooling's business.
    """
    problems = _required_field_problems(reference)
    doi = reference.get("doi")
    if doi and DOI_PREFIX_RE.match(doi):
        bare = DOI_PREFIX_RE.sub("", doi)
        problems.append(_at(reference, "doi", f"DOI '{doi}' must be written bare, as '{bare}'"))
    elif doi and not DOI_RE.match(doi):
        problems.append(_at(reference, "doi", f"DOI '{doi}' is not of the form 10.NNNN/suffix"))
    url = reference.get("url")
    if url and not URL_RE.match(url):
        problems.append(_at(reference, "url", f"URL '{url}' is not an http(s) address"))
    date = reference.bibtex_fields.get("date", "")
    if "T" in date:
        message = f"date '{date}' holds a time of day; the reference list prints the day"
        problems.append(_at(reference, "date", message))
    year = reference.get("year")
    if year and not YEAR_RE.match(year):
        problems.append(
            _at(reference, "year", f"year '{year}' is not a four-digit year, 'in press' or 'n.d.'")
        )
    return problems


def _required_field_problems(reference: Reference) -> list[Problem]:
    row = entry_type(reference.entry_type)
    if row is None:
        known = ", ".join(sorted(ENTRY_TYPES))
        message = (
            f"entry '{reference.key}' has type '{reference.entry_type}', which the site "
            f"renders as a generic document; the types it knows are {known}"
        )
        return [Problem(reference.location, message, warning=True)]
    problems = []
    for alternatives in row.required:
        if not any(reference.get(name) for name in alternatives):
            wanted = " or ".join(alternatives)
            entry = f"entry '{reference.key}' ({reference.entry_type})"
            message = f"{entry} lacks the field {wanted}: an incomplete record"
            problems.append(Problem(reference.location, message, warning=True))
    return problems


def shared_values(
    references: Iterable[Reference], field: str, *, fold: Callable[[str], str]
) -> list[Problem]:
    """One problem for each entry whose ``field`` (folded) equals an earlier entry's."""
    first_seen: dict[str, Reference] = {}
    problems = []
    for reference in references:
        value = reference.get(field)
        if not value:
            continue
        folded = fold(value)
        earlier = first_seen.setdefault(folded, reference)
        if earlier is not reference:
            problems.append(
                _at(
                    reference,
                    field,
                    f"entry '{reference.key}' has the same {field} as '{earlier.key}' "
                    f"(line {earlier.location.line})",
                )
            )
    return problems


def _at(reference: Reference, field: str, message: str) -> Problem:
    line = reference.field_lines.get(field) or reference.location.line
    return Problem(SourceLocation(reference.location.path, line), message, warning=True)
