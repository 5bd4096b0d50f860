"""Load a BibTeX file into typed ``Reference`` records, collecting every problem.

Reading follows BibTeX's own rules (``bibtex_syntax``), so the site, BibTeX and pybtex agree
on what each entry holds. This module turns what was read into references: it checks the
bytes are UTF-8, refuses control and bidirectional-override characters, resolves
``crossref``, decodes LaTeX into Unicode and splits names. Every problem is returned as data
with the file and the 1-based line; nothing here raises for bad input, whatever the LaTeX
decoder or the name splitter raise. Rules about what a complete entry needs live in
``reference_checks``, not here.

Repeated keys (BibTeX folds case in keys): BibTeX keeps the first copy, Pandoc cites the
last. Where the copies are identical that changes nothing, and it is a warning. Where they
differ, the first is kept, as BibTeX keeps it, with a warning; and if a page cites the key,
the build stops naming both lines (``LoadedBibliography.conflicts``), because the site and
Pandoc would then print different works under one citation.

Names are split by ``bibtex_names`` (BibTeX's "First von Last, Jr" rules, read as Pandoc
reads them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from citation_engine.biblatex_fields import apply_biblatex_fields
from citation_engine.bibtex_names import parse_people
from citation_engine.bibtex_syntax import RawEntry, parse_bibtex
from citation_engine.bibtex_writing import NAME_FIELDS, VERBATIM_FIELDS, format_entry
from citation_engine.errors import Problem, SourceLocation
from citation_engine.latex_text import latex_to_text
from citation_engine.references import Person, Reference

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping
    from pathlib import Path

__all__ = ["NAME_FIELDS", "VERBATIM_FIELDS", "LoadedBibliography", "load_bibliography"]

# C0 and C1 controls (tab, newline and carriage return are whitespace), and the Unicode
# bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069), which
# make text read differently from how it is stored (CVE-2021-42574, "Trojan Source").
_FORBIDDEN_RE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# Entry types whose parent's title becomes their booktitle under crossref (biblatex's rule).
_CONTAINED_TYPES: Final = frozenset({"inbook", "incollection", "inproceedings", "conference"})
_NOT_INHERITED: Final = frozenset({"crossref", "ids"})
# Characters that print as nothing: soft hyphen, Arabic letter mark, zero-width and direction
# marks, line and paragraph separators, word joiner and invisible operators, Hangul fillers,
# the byte-order mark and the tag characters.
_INVISIBLE_RE: Final = re.compile(
    "[\u00ad\u061c\u115f\u1160\u200b-\u200f\u2028\u2029\u2060-\u2064\u3164\uffa0"
    "\ufeff\U000e0000-\U000e007f]"
)
# What splits a name list: " and " outside braces (braces are tracked as they come).
_NAME_SPLIT_RE: Final = re.compile(r"[{}]|\s+and\s+", re.IGNORECASE)
# Cyrillic and Greek letters drawn like Latin ones (Unicode's confusables, the common few).
_CONFUSABLES: Final = str.maketrans(
    "асеіјорѕхуԁһӏαβεικνορτυχ",
    "aceijopsxydhlabeiknoptux",
)


@dataclass(frozen=True)
class LoadedBibliography:
    """What the file yielded: the clean references, and every problem met on the way."""

    references: dict[str, Reference]
    problems: tuple[Problem, ...]
    # Case-folded key -> the problem that stops a build citing it: copies that differ.
    conflicts: Mapping[str, Problem] = field(default_factory=dict)

    @property
    def errors(self) -> tuple[Problem, ...]:
        """The problems that stop a build (the rest are warnings)."""
        return tuple(problem for problem in self.problems if not problem.warning)


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
    entries, conflicts = _unique_entries(parsed.entries, shown, problems)
    by_folded = {key.lower(): entry for key, entry in entries.items()}
    references: dict[str, Reference] = {}
    for entry in entries.values():
        reference, entry_problems = _to_reference(entry, by_folded, shown)
        problems += entry_problems
        references[reference.key] = reference
    problems += key_warnings(references.values())
    return LoadedBibliography(references, tuple(problems), conflicts)


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
) -> tuple[dict[str, RawEntry], dict[str, Problem]]:
    """Entries by key, the first of each (case-folded) key kept, as BibTeX keeps it.

    Every later copy is a warning; a copy that differs from the first also gives the error a
    build citing the key stops with.
    """
    kept: dict[str, RawEntry] = {}
    by_folded: dict[str, RawEntry] = {}
    conflicts: dict[str, Problem] = {}
    for entry in entries:
        location = SourceLocation(path, entry.line)
        folded = entry.key.lower()
        earlier = by_folded.get(folded)
        if earlier is None:
            by_folded[folded] = entry
            kept[entry.key] = entry
            continue
        named = (
            f"key '{entry.key}'"
            if earlier.key == entry.key
            else f"key '{entry.key}' (the same BibTeX key as '{earlier.key}', case aside)"
        )
        if _same_entry(earlier, entry):
            message = (
                f"{named} is repeated: an identical copy of the entry at line {earlier.line}; "
                "the first is kept"
            )
            problems.append(Problem(location, message, warning=True))
            continue
        message = (
            f"{named} is defined again, differently, after line {earlier.line}; the first "
            "is kept, as BibTeX keeps it (Pandoc keeps the last); remove one"
        )
        problems.append(Problem(location, message, warning=True))
        conflicts.setdefault(
            folded,
            Problem(
                location,
                f"{named} is cited, but lines {earlier.line} and {entry.line} define it "
                "differently (BibTeX prints the first, Pandoc the last); keep one",
            ),
        )
    return kept, conflicts


def _same_entry(first: RawEntry, second: RawEntry) -> bool:
    """Whether two entries hold the same type and fields, whitespace and case of names aside."""

    def content(entry: RawEntry) -> tuple[str, frozenset[tuple[str, str]]]:
        fields = frozenset((raw.name.lower(), " ".join(raw.value.split())) for raw in entry.fields)
        return entry.entry_type.lower(), fields

    return content(first) == content(second)


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
                message = (
                    f"{where}: fields '{spelled[name]}' and '{raw.name}' differ only in case; "
                    "the first is kept"
                )
                problems.append(Problem(SourceLocation(path, entry.line), message, warning=True))
            continue
        spelled[name] = raw.name
        fields[name] = (raw.value, raw.line)
    if repeated:
        names = ", ".join(sorted(set(repeated)))
        message = f"{where} repeats the field(s): {names}; the first is kept, as BibTeX keeps it"
        problems.append(Problem(SourceLocation(path, entry.line), message, warning=True))
    return fields


def _with_crossref(
    entry: RawEntry,
    fields: dict[str, tuple[str, int]],
    entries: dict[str, RawEntry],
    path: str,
    problems: list[Problem],
) -> dict[str, tuple[str, int]]:
    """Add the fields the entry inherits from the entry its ``crossref`` names (BibTeX's rule).

    ``entries`` is keyed by the case-folded key. Only the parent's own fields are inherited,
    never its own parent's, as in BibTeX: there is no chain to follow, so no depth to bound.
    """
    if "crossref" not in fields:
        return fields
    parent_key, line = fields.pop("crossref")
    parent_key = parent_key.strip()
    parent = entries.get(parent_key.lower())
    if parent is None:
        message = (
            f"entry '{entry.key}': crossref names '{parent_key}', which is not in the file; "
            "the entry is shown with its own fields only"
        )
        problems.append(Problem(SourceLocation(path, line), message, warning=True))
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
        except Exception as error:  # noqa: BLE001 - any decoder failure is this field's problem
            problems.append(Problem(at, f"{where}: field '{name}': {_decoder_failure(error)}"))
            fields[name] = " ".join(raw.split())  # kept, so no "lacks required field" follows
    problems += apply_biblatex_fields(fields, bibtex_fields, field_lines, (path, where))
    for name_field in NAME_FIELDS:
        if name_field in bibtex_fields:
            names, stray = _without_trailing_commas(bibtex_fields[name_field])
            if stray:
                bibtex_fields[name_field] = names
                fields[name_field] = " ".join(names.split())
                message = (
                    f"{where}: {name_field} {', '.join(repr(name) for name in stray)} ends in a "
                    "comma; it is read as one whole name, as Pandoc prints it: write it in "
                    "braces instead"
                )
                at = SourceLocation(path, field_lines.get(name_field, entry.line))
                problems.append(Problem(at, message, warning=True))
    people: dict[str, tuple[Person, ...]] = {}
    for name_field in NAME_FIELDS:
        try:
            people[name_field] = parse_people(bibtex_fields.get(name_field, ""))
        except Exception as error:  # noqa: BLE001 - any splitter failure is this field's problem
            line = field_lines.get(name_field) or location.line
            message = f"{where}: bad {name_field}: {_decoder_failure(error)}"
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
        raw_bibtex=""
        if any(not problem.warning for problem in problems)
        else format_entry(entry.entry_type, entry.key, bibtex_fields),
        bibtex_fields=bibtex_fields,
    )
    return reference, problems


def _without_trailing_commas(names: str) -> tuple[str, list[str]]:
    """The name list with each name that ends in a comma read as one whole name.

    Reference managers export a corporate author as ``World Health Organization,``: a
    family name with an empty given name, which Pandoc prints as the name it is. Braces
    say the same to every reader (and to the exported file).
    """
    parts: list[str] = []
    stray: list[str] = []
    depth = 0
    start = 0
    for match in _NAME_SPLIT_RE.finditer(names):
        token = match.group()
        if token == "{":
            depth += 1
        elif token == "}":
            depth -= 1
        elif depth == 0:
            parts.append(names[start : match.start()])
            parts.append(token)
            start = match.end()
    parts.append(names[start:])
    for index in range(0, len(parts), 2):
        name = parts[index].rstrip()
        if name.endswith(",") and name.strip(" ,"):
            stray.append(" ".join(name.split()))
            whole = name[:-1].strip()
            parts[index] = whole if _one_group(whole) else f"{{{whole}}}"
    return "".join(parts), stray


def _one_group(text: str) -> bool:
    """Whether ``text`` is one braced group, ``{World Health Organization}``."""
    depth = 0
    for index, char in enumerate(text):
        depth += 1 if char == "{" else -1 if char == "}" else 0
        if depth == 0 and (index < len(text) - 1 or char != "}"):
            return False
    return bool(text)


def _decoder_failure(error: Exception) -> str:
    """What a decoder's failure means to the writer of the file, never a traceback."""
    if isinstance(error, ValueError) and str(error):
        return str(error)
    if isinstance(error, RecursionError):
        return "braces or commands are nested too deeply to read"
    return f"the LaTeX in it cannot be read ({type(error).__name__}); check its braces and commands"


def key_warnings(references: Iterable[Reference]) -> list[Problem]:
    """Keys that read as another key or hide characters: a citation may point at the wrong one.

    An invisible character (a zero-width space, a Hangul filler, a direction mark) and a key
    mixing scripts (a Cyrillic letter a among Latin letters) are warned about; two keys that look
    the same once folded are warned about together.
    """
    problems: list[Problem] = []
    seen: dict[str, Reference] = {}
    for reference in references:
        key = reference.key
        if match := _INVISIBLE_RE.search(key):
            message = (
                f"key '{key}' holds the invisible character U+{ord(match.group()):04X}; "
                "a citation typed by hand will not match it"
            )
            problems.append(Problem(reference.location, message, warning=True))
        scripts = _scripts(_INVISIBLE_RE.sub("", key))
        if len(scripts) > 1:
            message = (
                f"key '{key}' mixes letters of the scripts {', '.join(sorted(scripts))}; "
                "it may read as another key"
            )
            problems.append(Problem(reference.location, message, warning=True))
        skeleton = _skeleton(key)
        earlier = seen.setdefault(skeleton, reference)
        if earlier is not reference:
            message = (
                f"key '{key}' looks like '{earlier.key}' (line {earlier.location.line}); "
                "a citation may point at the wrong one"
            )
            problems.append(Problem(reference.location, message, warning=True))
    return problems


def _scripts(key: str) -> set[str]:
    """The scripts of the key's letters, by the first word of each letter's Unicode name."""
    return {
        unicodedata.name(char, "UNKNOWN").split()[0]
        for char in key
        if char.isalpha() and not char.isascii()
    } | ({"LATIN"} if any(char.isascii() and char.isalpha() for char in key) else set())


def _skeleton(key: str) -> str:
    """The key folded to how it looks: compatibility forms, case, invisibles, look-alikes."""
    folded = unicodedata.normalize("NFKC", _INVISIBLE_RE.sub("", key)).casefold()
    return folded.translate(_CONFUSABLES)


def _describe(char: str) -> str:
    return f"the control character U+{ord(char):04X} ({unicodedata.name(char, 'a control code')})"


def _ends_in_lone_backslash(value: str) -> bool:
    stripped = value.rstrip()
    trailing = len(stripped) - len(stripped.rstrip("\\"))
    return trailing % 2 == 1
