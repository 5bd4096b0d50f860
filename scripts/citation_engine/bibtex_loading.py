"""Load a BibTeX file into typed ``Reference`` records, collecting every problem.

Reading follows BibTeX's own rules (``bibtex_syntax``), so the site, BibTeX and pybtex agree
on what each entry holds. This module turns what was read into references: it checks the
bytes are UTF-8, refuses control and bidirectional-override characters, resolves
``crossref``, decodes LaTeX into Unicode and splits names. Every problem is returned as data
with the file and the 1-based line; nothing here raises for bad input. Rules about what a
complete entry needs live in ``reference_checks``, not here.

Names are split by ``bibtex_names`` (BibTeX's "First von Last, Jr" rules, read as Pandoc
reads them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from citation_engine.biblatex_fields import apply_biblatex_fields
from citation_engine.bibtex_names import parse_people
from citation_engine.bibtex_syntax import RawEntry, parse_bibtex
from citation_engine.bibtex_writing import NAME_FIELDS, VERBATIM_FIELDS, format_entry
from citation_engine.errors import Problem, SourceLocation
from citation_engine.latex_text import latex_to_text
from citation_engine.references import Person, Reference

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ["NAME_FIELDS", "VERBATIM_FIELDS", "LoadedBibliography", "load_bibliography"]

# C0 and C1 controls (tab, newline and carriage return are whitespace), and the Unicode
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
# make text read differently from how it is stored (CVE-2021-42574, "Trojan Source").
_FORBIDDEN_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Entry types whose parent's title becomes their booktitle under crossref (biblatex's rule).
_CONTAINED_TYPES: Final = frozenset({"inbook", "incollection", "inproceedings", "conference"})
_NOT_INHERITED: Final = frozenset({"crossref", "ids"})


@dataclass(frozen=True)
class LoadedBibliography:
    """What the file yielded: the clean references, and every problem met on the way."""

    references: dict[str, Reference]
    problems: tuple[Problem, ...]


def load_bibliography(path: Path, display_path: str | None = None) -> LoadedBibliography:
    """Read ``path`` and return its references together with all problems found.

    Never raises for bad input (a missing file, bytes that are not UTF-8, bad BibTeX):
    problems are data, so the caller can report them all at once. ``display_path`` is how
    messages name the file.
    """
    shown = display_path or str(path)
    data, problem = read_bytes(path, shown)
    if problem is not None:
        return LoadedBibliography({}, (problem,))
    return load_bytes(data, shown)


def load_bytes(data: bytes, shown: str) -> LoadedBibliography:
    """``load_bibliography`` of a file's bytes already read (a caller may memoise on them)."""
    text, problem = _decode(data, shown)
    if problem is not None:
        return LoadedBibliography({}, (problem,))
    parsed = parse_bibtex(text, shown)
    problems = list(parsed.problems)
    if not parsed.entries and not problems:
        message = "holds no entries (an empty or comment-only file); add at least one entry"
        problems.append(Problem(SourceLocation(shown, 0), message))
    entries = _unique_entries(parsed.entries, shown, problems)
    references: dict[str, Reference] = {}
    for entry in entries.values():
        reference, entry_problems = _to_reference(entry, entries, shown)
        problems += entry_problems
        references[reference.key] = reference
    return LoadedBibliography(references, tuple(problems))


def read_bytes(path: Path, shown: str) -> tuple[bytes, Problem | None]:
    """The file's bytes, or the problem that kept them from being read."""
    try:
        return path.read_bytes(), None
    except FileNotFoundError:
        return b"", Problem(SourceLocation(shown, 0), "bibliography file not found")
    except OSError as error:
        reason = error.strerror or type(error).__name__
        return b"", Problem(SourceLocation(shown, 0), f"cannot read the file: {reason}")


def _decode(data: bytes, shown: str) -> tuple[str, Problem | None]:
    try:
        return data.decode("utf-8-sig"), None
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
        message = (
            f"byte 0x{data[error.start]:02X} at column {column} is not UTF-8; "
            "save the file as UTF-8 (reference managers offer it on export)"
        )
        return "", Problem(SourceLocation(shown, line), message)


def _unique_entries(
    entries: list[RawEntry], path: str, problems: list[Problem]
) -> dict[str, RawEntry]:
    """Entries by key; a repeated key (BibTeX keys ignore case) is reported and skipped."""
    kept: dict[str, RawEntry] = {}
    by_folded: dict[str, RawEntry] = {}
    for entry in entries:
        location = SourceLocation(path, entry.line)
        earlier = by_folded.get(entry.key.lower())
        if earlier is not None:
            if earlier.key == entry.key:
                message = f"duplicate key '{entry.key}' (first defined at line {earlier.line})"
            else:
                message = (
                    f"key '{entry.key}' differs only in case from '{earlier.key}' "
                    f"at line {earlier.line}"
                )
            problems.append(Problem(location, message))
            continue
        by_folded[entry.key.lower()] = entry
        kept[entry.key] = entry
    return kept


def _own_fields(entry: RawEntry, path: str, problems: list[Problem]) -> dict[str, tuple[str, int]]:
    """The entry's fields by lower-case name, as (value, line); repeats are reported."""
    fields: dict[str, tuple[str, int]] = {}
    spelled: dict[str, str] = {}
    repeated: list[str] = []
    where = f"entry '{entry.key}'"
    for raw in entry.fields:
        name = raw.name.lower()
        if name in spelled:
            if spelled[name] == raw.name:
                repeated.append(raw.name)
            else:
                problems.append(
                    Problem(
                        SourceLocation(path, entry.line),
                        f"{where}: fields '{spelled[name]}' and '{raw.name}' differ only in case",
                    )
                )
            continue
        spelled[name] = raw.name
        fields[name] = (raw.value, raw.line)
    if repeated:
        names = ", ".join(sorted(set(repeated)))
        problems.append(
            Problem(SourceLocation(path, entry.line), f"{where} repeats the field(s): {names}")
        )
    return fields


def _with_crossref(
    entry: RawEntry,
    fields: dict[str, tuple[str, int]],
    entries: dict[str, RawEntry],
    path: str,
    problems: list[Problem],
) -> dict[str, tuple[str, int]]:
    """Add the fields the entry inherits from the entry its ``crossref`` names (BibTeX's rule)."""
    if "crossref" not in fields:
        return fields
    parent_key, line = fields.pop("crossref")
    parent_key = parent_key.strip()
    parent = next((e for k, e in entries.items() if k.lower() == parent_key.lower()), None)
    if parent is None:
        message = f"entry '{entry.key}': crossref names '{parent_key}', which is not in the file"
        problems.append(Problem(SourceLocation(path, line), message))
        return fields
    inherited = dict(fields)
    parent_fields = {raw.name.lower(): (raw.value, raw.line) for raw in parent.fields}
    for name, value in parent_fields.items():
        if name not in inherited and name not in _NOT_INHERITED:
            inherited[name] = value
    if (
        entry.entry_type.lower() in _CONTAINED_TYPES
        and "booktitle" not in fields
        and "title" in parent_fields
    ):
        inherited["booktitle"] = parent_fields["title"]
    return inherited


def _to_reference(
    entry: RawEntry, entries: dict[str, RawEntry], path: str
) -> tuple[Reference, list[Problem]]:
    location = SourceLocation(path, entry.line)
    problems: list[Problem] = []
    where = f"entry '{entry.key}'"
    if match := _FORBIDDEN_RE.search(entry.key):
        problems.append(Problem(location, f"{where}: the key contains {_describe(match.group())}"))
    own = _own_fields(entry, path, problems)
    raw_fields = _with_crossref(entry, own, entries, path, problems)
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    bibtex_fields: dict[str, str] = {}
    for name, (raw, line) in raw_fields.items():
        field_lines[name] = line
        at = SourceLocation(path, line)
        if match := _FORBIDDEN_RE.search(raw):
            message = f"{where}: field '{name}' contains {_describe(match.group())}; remove it"
            problems.append(Problem(at, message))
            continue
        if _ends_in_lone_backslash(raw):
            message = (
                f"{where}: field '{name}' ends in a backslash: BibTeX counts the brace after "
                "it, so '\\}' closed the field; write '\\textbackslash' or balance the braces"
            )
            problems.append(Problem(at, message))
            continue
        bibtex_fields[name] = raw
        # Name fields are decoded name by name below, where repeated names hit a cache.
        if name in VERBATIM_FIELDS or name in NAME_FIELDS:
            fields[name] = " ".join(raw.split())
            continue
        try:
            fields[name] = latex_to_text(raw)
        except ValueError as error:
            problems.append(Problem(at, f"{where}: field '{name}': {error}"))
            fields[name] = " ".join(raw.split())  # kept, so no "lacks required field" follows
    problems += apply_biblatex_fields(fields, bibtex_fields, field_lines, (path, where))
    people: dict[str, tuple[Person, ...]] = {}
    for name_field in NAME_FIELDS:
        try:
            people[name_field] = parse_people(bibtex_fields.get(name_field, ""))
        except ValueError as error:
            line = field_lines.get(name_field) or location.line
            message = f"{where}: bad {name_field}: {error}"
            problems.append(Problem(SourceLocation(path, line), message))
            people[name_field] = ()
    reference = Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        authors=people["author"],
        editors=people["editor"],
        location=location,
        field_lines=field_lines,
        raw_bibtex=format_entry(entry.entry_type, entry.key, bibtex_fields) if not problems else "",
        bibtex_fields=bibtex_fields,
    )
    return reference, problems


def _describe(char: str) -> str:
    return f"the control character U+{ord(char):04X} ({unicodedata.name(char, 'a control code')})"


def _ends_in_lone_backslash(value: str) -> bool:
    stripped = value.rstrip()
    trailing = len(stripped) - len(stripped.rstrip("\\"))
    return trailing % 2 == 1
