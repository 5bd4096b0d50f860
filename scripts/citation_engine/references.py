"""Typed records for bibliography entries: the one shape the rest of the code works on.

Field values here are plain Unicode text (LaTeX already decoded). Nothing in this module
parses BibTeX or formats citations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from citation_engine.errors import SourceLocation


@dataclass(frozen=True, slots=True)
class Person:
    """An author or editor: a family name with given names, or one literal corporate name."""

    family: str
    given: str = ""
    literal: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Reference:
    """One bibliography entry with decoded fields and the line it came from."""

    key: str
    entry_type: str
    fields: dict[str, str]
    authors: tuple[Person, ...]
    editors: tuple[Person, ...]
    location: SourceLocation
    field_lines: dict[str, int] = field(default_factory=dict)
    # The entry as BibTeX that means what the site shows (``bibtex_writing``): the export
    # and the copy button use it.
    raw_bibtex: str = ""
    # Field values as BibTeX holds them (LaTeX kept), after @string, "#" and crossref.
    bibtex_fields: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        """Return a field's decoded value, or an empty string when the entry lacks it."""
        return self.fields.get(name, "")

    @property
    def doi_url(self) -> str:
        """The DOI as a resolvable https link, or an empty string."""
        doi = self.get("doi")
        return f"https://doi.org/{doi}" if doi else ""

    @property
    def link(self) -> str:
        """The one link a reader follows to reach the work: its DOI, else its URL."""
        return self.doi_url or self.get("url")
