"""This site's house rules for its bibliography: a lint, never a gate on the build.

The engine publishes any legal BibTeX that renders. These rules keep *this* site's file
tidy, and ``python -m alliance_site check`` (``make check-bib``, run by ``make test``)
reports them:

- keys read as author, year, first title word (``razzaque2015mindfulness``), so a writer
  can guess a key; a key that does not is reported with the key the rule suggests;
- no two entries share a title and year (a duplicate entry under two keys); two works may
  share a title across years, as an article and a later chapter by the same team can;
- every entry is cited on some page: nothing stays in the file unseen.
"""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, Final

from citation_engine.errors import Problem
from citation_engine.reference_checks import shared_values

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from citation_engine.references import Reference

# Keys read as author, year, first title word: razzaque2015mindfulness, smithinpressalliance.
KEY_RE: Final = re.compile(r"^[a-z]+(?:\d{4}|inpress)[a-z0-9]+$")
# Leading words a key skips ("The working alliance" gives greenson1965working).
_SKIPPED_WORDS: Final = frozenset({"a", "an", "the"})


def house_style_problems(
    references: Mapping[str, Reference], cited: Iterable[str]
) -> list[Problem]:
    """Every house rule the bibliography breaks: key scheme, shared titles, uncited entries."""
    problems = [problem for reference in references.values() for problem in key_problems(reference)]
    for year in sorted({reference.get("year") for reference in references.values()}):
        same_year = [ref for ref in references.values() if ref.get("year") == year]
        problems += shared_values(same_year, "title", fold=_fold_title)
    problems += find_uncited(references, cited)
    return problems


def key_problems(reference: Reference) -> list[Problem]:
    """One problem when the key does not follow authorYEARword, with the key to use instead."""
    if KEY_RE.match(reference.key):
        return []
    suggestion = suggested_key(reference)
    hint = f"; rename it '{suggestion}'" if suggestion else ""
    message = (
        f"key '{reference.key}' does not follow the house scheme authorYEARword "
        f"(lowercase letters, a four-digit year or 'inpress', then a title word){hint}"
    )
    return [Problem(reference.location, message)]


def suggested_key(reference: Reference) -> str:
    """The key the house scheme gives the entry, or ``""`` when a part is missing."""
    people = reference.authors or reference.editors
    first = people[0] if people else None
    name = (first.family or first.literal) if first else ""
    author = _ascii_letters(name.split()[0] if first and first.literal else name)
    year = reference.get("year").lower()
    year_part = year if re.fullmatch(r"\d{4}", year) else ("inpress" if year == "in press" else "")
    words = [_ascii_letters(word) for word in re.split(r"[\s\-/]+", reference.get("title"))]
    words = [word for word in words if word and word not in _SKIPPED_WORDS]
    if not (author and year_part and words):
        return ""
    return f"{author}{year_part}{words[0]}"


def find_uncited(references: Mapping[str, Reference], cited: Iterable[str]) -> list[Problem]:
    """Return one problem for each entry no page cites."""
    cited_keys = set(cited)
    return [
        Problem(reference.location, f"entry '{key}' is not cited on any page")
        for key, reference in references.items()
        if key not in cited_keys
    ]


def _ascii_letters(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z]", "", folded.lower())


def _fold_title(title: str) -> str:
    return re.sub(r"\W+", " ", title).strip().casefold()
