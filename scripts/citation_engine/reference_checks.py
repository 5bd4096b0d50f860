"""Rules a bibliography entry must meet before the site may show or export it.

Every function here returns problems as data and never raises, so the caller can report all
of them at once. Parsing is ``bibtex_loading``'s job; this module only judges references.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from citation_engine.citation_syntax import citation_form
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
    """Return the rules one entry breaks: usable key, type, required fields, DOI, URL, year.

    These are what the engine needs to cite, link, format and export an entry. A site's own
    house rules (a key scheme, every entry cited) are its tooling's business, not these.
    """
    problems = [*_key_problems(reference), *_required_field_problems(reference)]
    doi = reference.get("doi")
    if doi and DOI_PREFIX_RE.match(doi):
        bare = DOI_PREFIX_RE.sub("", doi)
        problems.append(_at(reference, "doi", f"DOI '{doi}' must be written bare, as '{bare}'"))
    elif doi and not DOI_RE.match(doi):
        problems.append(_at(reference, "doi", f"DOI '{doi}' is not of the form 10.NNNN/suffix"))
    url = reference.get("url")
    if url and not URL_RE.match(url):
        problems.append(_at(reference, "url", f"URL '{url}' is not an http(s) address"))
    year = reference.get("year")
    if year and not YEAR_RE.match(year):
        problems.append(
            _at(reference, "year", f"year '{year}' is not a four-digit year, 'in press' or 'n.d.'")
        )
    return problems


def _key_problems(reference: Reference) -> list[Problem]:
    key = reference.key
    if citation_form(key) is None:
        message = (
            f"key '{key}' cannot be cited: Pandoc reads a key as @key or @{{key}}, and braces "
            "take any key without spaces whose own braces balance"
        )
        return [Problem(reference.location, message)]
    return []


def _required_field_problems(reference: Reference) -> list[Problem]:
    row = entry_type(reference.entry_type)
    if row is None:
        known = ", ".join(sorted(ENTRY_TYPES))
        message = f"entry '{reference.key}' has type '{reference.entry_type}'; use one of {known}"
        return [Problem(reference.location, message)]
    problems = []
    for alternatives in row.required:
        if not any(reference.get(name) for name in alternatives):
            wanted = " or ".join(alternatives)
            entry = f"entry '{reference.key}' ({reference.entry_type})"
            problems.append(Problem(reference.location, f"{entry} lacks required field {wanted}"))
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
    return Problem(SourceLocation(reference.location.path, line), message)
