r"""Write entries as BibTeX that every BibTeX-compatible reader takes to mean what the site shows.

The writer works from the fields as the loader resolved them, not from the source text:

- ``@string`` macros, the month macros and ``#`` concatenation are expanded, so each
  entry stands alone. A per-entry download or a copied entry carries no ``@string`` it
  would need, and readers that drop ``@string`` blocks on import (or never saw them,
  because only one entry was copied) still read every field.
- Fields inherited through ``crossref`` are written into the entry, and ``crossref``
  itself is left out: the parent may not travel with the child.
- Every value is written in braces. Braces balance by BibTeX's rule (every brace counts,
  ``\{`` and ``\}`` too) because the loader read them by that rule.
- ``%``, ``#``, ``&`` and ``_`` that BibTeX keeps as written are escaped, so LaTeX
  prints the character the page shows instead of reading a comment or a parameter.
  Identifiers (DOI, URL, ISBN, ISSN, dates) are written as they stand.
- A ``month`` that names a month is written as the style's macro (``month = mar``), the
  one form BibTeX styles, biber and Pandoc all read as a month: ``{March}`` is text to
  biber and Pandoc, and the month was lost on re-import.
- ``@preamble`` blocks are not written: the site never uses them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from citation_engine.biblatex_fields import MONTH_MACROS, month_number
from citation_engine.latex_text import escape_literal_specials

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

# Fields whose text is an identifier, not prose: LaTeX decoding or escaping would damage them.
VERBATIM_FIELDS: Final = frozenset({"doi", "url", "isbn", "issn", "urldate", "eprint", "file"})
NAME_FIELDS: Final = ("author", "editor")


def bibtex_value(name: str, value: str) -> str:
    """One field's value, braced, with BibTeX's literal specials escaped for LaTeX."""
    text = " ".join(value.split())
    if name not in VERBATIM_FIELDS:
        text = escape_literal_specials(text)
    return "{" + text + "}"


def format_entry(entry_type: str, key: str, fields: Mapping[str, str]) -> str:
    """One entry as BibTeX: lower-case type and field names, one field a line, braced values."""
    width = max((len(name) for name in fields), default=0)
    lines = [f"@{entry_type.lower()}{{{key},"]
    lines += [f"  {name:<{width}} = {_written(name, value)}," for name, value in fields.items()]
    lines.append("}")
    return "\n".join(lines)


def _written(name: str, value: str) -> str:
    if name == "month" and (number := month_number(value)) is not None:
        return MONTH_MACROS[number]
    return bibtex_value(name, value)


def format_entries(entries: Iterable[str]) -> str:
    """Entries already formatted by ``format_entry``, one blank line apart, ending in a newline."""
    return "\n\n".join(entries) + "\n"
