"""Rules a bibliography entry must meet before the site may show or export it.

Every function here returns problems as data and never raises, so the caller can report all
of them at once. Parsing is ``bibtex_loading``'s job; this module only judges references.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from citation_engine.errors import Problem, SourceLocation

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping

    from citation_engine.references import Reference

# Keys read as author, year, first title word: razzaque2015mindfulness, smithinpressalliance.
KEY_RE: Final = re.compile(r"^[a-z]+(?:\d{4}|inpress)[a-z0-9]+$")
DOI_RE: Final = re.compile(r"^10\.\d{4,9}/\S+$")
# "n.d." is APA's mark for an undated work (APA 7, section 9.17): honest where no date exists.
YEAR_RE: Final = re.compile(r"^(?:\d{4}|in press|n\.d\.)$", re.IGNORECASE)
URL_RE: Final = re.compile(r"^https?://[^\s/?#]+[^\s]*$")
DOI_PREFIX_RE: Final = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:)", re.IGNORECASE)

# Each requirement is a group of alternatives: one field of the group must be present.
# The container fields are the ones an APA 7 reference cannot be written without.
_CORE: Final = (("author", "editor"), ("title",), ("year",))
REQUIRED_FIELDS: Final[Mapping[str, tuple[tuple[str, ...], ...]]] = {
    "article": (*_CORE, ("journal",)),
    "book": (*_CORE, ("publisher",)),
    "incollection": (("author",), ("title",), ("year",), ("booktitle",), ("publisher",)),
    "inbook": (*_CORE, ("booktitle", "chapter", "pages"), ("publisher",)),
    "inproceedings": (("author",), ("title",), ("year",), ("booktitle",)),
    "techreport": (*_CORE, ("institution", "publisher")),
    "report": (*_CORE, ("institution", "publisher")),
    "phdthesis": (("author",), ("title",), ("year",), ("school",)),
    "mastersthesis": (("author",), ("title",), ("year",), ("school",)),
    "software": (*_CORE, ("publisher", "url", "version")),
    "online": (*_CORE, ("url",)),
    "misc": (*_CORE, ("publisher", "url", "howpublished")),
}


def check_references(references: Mapping[str, Reference]) -> list[Problem]:
    """Return every rule broken by any entry, and any DOI or title two entries share."""
    problems: list[Problem] = []
    for reference in references.values():
        problems += check_reference(reference)
    problems += _shared_values(references.values(), "doi", fold=str.lower)
    problems += _shared_values(references.values(), "title", fold=_fold_title)
    return problems


def check_reference(reference: Reference) -> list[Problem]:
    """Return the rules one entry breaks: key shape, type, required fields, DOI, URL, year."""
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


def find_uncited(references: Mapping[str, Reference], cited: Iterable[str]) -> list[Problem]:
    """Return one problem for each entry no page cites: nothing stays in the file unseen."""
    cited_keys = set(cited)
    return [
        Problem(reference.location, f"entry '{key}' is not cited on any page")
        for key, reference in references.items()
        if key not in cited_keys
    ]


def _key_problems(reference: Reference) -> list[Problem]:
    if KEY_RE.match(reference.key):
        return []
    message = (
        f"key '{reference.key}' does not follow the scheme authorYEARword "
        "(lowercase letters, a four-digit year or 'inpress', then a title word)"
    )
    return [Problem(reference.location, message)]


def _required_field_problems(reference: Reference) -> list[Problem]:
    requirements = REQUIRED_FIELDS.get(reference.entry_type)
    if requirements is None:
        known = ", ".join(sorted(REQUIRED_FIELDS))
        message = f"entry '{reference.key}' has type '{reference.entry_type}'; use one of {known}"
        return [Problem(reference.location, message)]
    problems = []
    for alternatives in requirements:
        if not any(reference.get(name) for name in alternatives):
            wanted = " or ".join(alternatives)
            entry = f"entry '{reference.key}' ({reference.entry_type})"
            problems.append(Problem(reference.location, f"{entry} lacks required field {wanted}"))
    return problems


def _shared_values(
    references: Iterable[Reference], field: str, *, fold: Callable[[str], str]
) -> list[Problem]:
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


def _fold_title(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().casefold()


def _at(reference: Reference, field: str, message: str) -> Problem:
    line = reference.field_lines.get(field) or reference.location.line
    return Problem(SourceLocation(reference.location.path, line), message)
