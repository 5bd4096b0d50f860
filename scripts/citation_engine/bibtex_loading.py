"""Load the BibTeX file into typed ``Reference`` records, collecting every problem.

The only module that imports bibtexparser. It pins the whole parse stack (the library warns
that its defaults may change in minor releases), adds strict middlewares in the library's own
style, and turns every failed block into a ``Problem`` with a 1-based line. Rules about what
a complete entry needs live in ``reference_checks``, not here.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from bibtexparser.entrypoint import parse_string
from bibtexparser.middlewares import (
    RemoveEnclosingMiddleware,
    ResolveStringReferencesMiddleware,
)
from bibtexparser.middlewares.middleware import BlockMiddleware
from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    MiddlewareErrorBlock,
    ParsingFailedBlock,
)

from citation_engine.errors import Problem, SourceLocation
from citation_engine.latex_text import latex_to_text
from citation_engine.references import Person, Reference

if TYPE_CHECKING:
    from pathlib import Path

    from bibtexparser.library import Library


# Fields whose text is an identifier, not prose: LaTeX decoding would damage them.
VERBATIM_FIELDS: Final = frozenset({"doi", "url", "isbn", "issn", "urldate"})
NAME_FIELDS: Final = ("author", "editor")

# The splitter logs each failed block as it meets it; every one is reported here instead,
# with its path and line, so the library's own log lines would only repeat them.
logging.getLogger("bibtexparser").setLevel(logging.CRITICAL)


class UndefinedMacroError(ValueError):
    """A bare word in a field that no ``@string`` defines."""


class CaseVariantFieldError(ValueError):
    """Two fields whose names differ only in case, which BibTeX treats as one."""


class RejectUndefinedMacros(BlockMiddleware):
    """Fail an entry whose field is a bare word left unresolved by string interpolation.

    bibtexparser passes unknown ``@string`` names through unchanged; here they become
    failed blocks instead. Must run after string resolution and before enclosing removal.
    """

    @classmethod
    def metadata_key(cls) -> str:
        """Name under which bibtexparser records this middleware."""
        return "RejectUndefinedMacros"

    def transform_entry(self, entry: Entry, library: Library) -> Entry | MiddlewareErrorBlock:
        """Return the entry unchanged, or an error block naming the undefined macro."""
        for field in entry.fields:
            value = field.value
            if isinstance(value, str) and value and value[0] not in '{"' and not value.isdigit():
                error = UndefinedMacroError(
                    f"field '{field.key}' uses '{value}', which no @string defines"
                )
                return MiddlewareErrorBlock(entry, error)
        return entry


class RejectCaseVariantFields(BlockMiddleware):
    """Fail an entry with fields such as ``title`` and ``Title``.

    bibtexparser's own key normaliser resolves this "last one wins" with only a log line.
    """

    @classmethod
    def metadata_key(cls) -> str:
        """Name under which bibtexparser records this middleware."""
        return "RejectCaseVariantFields"

    def transform_entry(self, entry: Entry, library: Library) -> Entry | MiddlewareErrorBlock:
        """Return the entry unchanged, or an error block naming the clashing fields."""
        seen: dict[str, str] = {}
        for field in entry.fields:
            lowered = field.key.lower()
            if lowered in seen:
                error = CaseVariantFieldError(
                    f"fields '{seen[lowered]}' and '{field.key}' differ only in case"
                )
                return MiddlewareErrorBlock(entry, error)
            seen[lowered] = field.key
        return entry


def _parse_stack() -> list[BlockMiddleware | ResolveStringReferencesMiddleware]:
    return [
        ResolveStringReferencesMiddleware(allow_inplace_modification=True),
        RejectUndefinedMacros(allow_inplace_modification=True),
        RemoveEnclosingMiddleware(allow_inplace_modification=True),
        RejectCaseVariantFields(allow_inplace_modification=True),
    ]


@dataclass(frozen=True)
class LoadedBibliography:
    """What the file yielded: the clean references, and every problem met on the way."""

    references: dict[str, Reference]
    problems: tuple[Problem, ...]


def load_bibliography(path: Path, display_path: str | None = None) -> LoadedBibliography:
    """Parse ``path`` and return its references together with all problems found.

    Never raises for bad BibTeX: problems are data, so the caller can report them all at once.
    ``display_path`` is how messages name the file (bibtexparser does not record it).
    """
    shown = display_path or str(path)
    text = path.read_text(encoding="utf-8")
    library = parse_string(text, parse_stack=_parse_stack())
    problems = [_describe_failed_block(block, shown) for block in library.failed_blocks]
    references: dict[str, Reference] = {}
    first_by_folded_key: dict[str, Reference] = {}
    for entry in library.entries:
        reference, entry_problems = _to_reference(entry, shown)
        problems += entry_problems
        folded = reference.key.lower()
        if folded in first_by_folded_key:
            earlier = first_by_folded_key[folded]
            problems.append(
                Problem(
                    reference.location,
                    f"key '{reference.key}' differs only in case from '{earlier.key}' "
                    f"at line {earlier.location.line}",
                )
            )
            continue
        first_by_folded_key[folded] = reference
        references[reference.key] = reference
    return LoadedBibliography(references, tuple(problems))


def _line(block_start: int | None) -> int:
    # bibtexparser counts lines from 0; people count from 1.
    return (block_start or 0) + 1


def _describe_failed_block(block: ParsingFailedBlock, path: str) -> Problem:
    location = SourceLocation(path, _line(block.start_line))
    if isinstance(block, DuplicateBlockKeyBlock):
        earlier = _line(block.previous_block.start_line)
        return Problem(location, f"duplicate key '{block.key}' (first defined at line {earlier})")
    if isinstance(block, DuplicateFieldKeyBlock):
        names = ", ".join(sorted(block.duplicate_keys))
        key = getattr(block.ignore_error_block, "key", "?")
        return Problem(location, f"entry '{key}' repeats the field(s): {names}")
    if isinstance(block, MiddlewareErrorBlock):
        key = getattr(block.ignore_error_block, "key", "?")
        return Problem(location, f"entry '{key}': {block.error}")
    reason = getattr(block.error, "abort_reason", "") or str(block.error)
    return Problem(location, f"could not parse this block: {' '.join(reason.split())}")


def _to_reference(entry: Entry, path: str) -> tuple[Reference, list[Problem]]:
    location = SourceLocation(path, _line(entry.start_line))
    fields: dict[str, str] = {}
    field_lines: dict[str, int] = {}
    for field in entry.fields:
        name = field.key.lower()
        raw = str(field.value)
        # Name fields are decoded name by name below, where repeated names hit a cache.
        verbatim = name in VERBATIM_FIELDS or name in NAME_FIELDS
        fields[name] = " ".join(raw.split()) if verbatim else latex_to_text(raw)
        field_lines[name] = _line(field.start_line) if field.start_line is not None else 0
    problems: list[Problem] = []
    people: dict[str, tuple[Person, ...]] = {}
    for name_field in NAME_FIELDS:
        raw_names = next((str(f.value) for f in entry.fields if f.key.lower() == name_field), "")
        try:
            people[name_field] = _parse_people(raw_names)
        except ValueError as error:
            line = field_lines.get(name_field) or location.line
            problems.append(
                Problem(
                    SourceLocation(path, line), f"entry '{entry.key}': bad {name_field}: {error}"
                )
            )
            people[name_field] = ()
    reference = Reference(
        key=entry.key,
        entry_type=entry.entry_type.lower(),
        fields=fields,
        authors=people["author"],
        editors=people["editor"],
        location=location,
        field_lines=field_lines,
        raw_bibtex=(entry.raw or "").strip(),
    )
    return reference, problems


def _parse_people(raw: str) -> tuple[Person, ...]:
    if not raw.strip():
        return ()
    people = []
    for name in split_multiple_persons_names(raw):
        stripped = name.strip()
        if _is_braced_whole(stripped):
            people.append(Person(family="", literal=latex_to_text(stripped[1:-1])))
            continue
        parts = parse_single_name_into_parts(stripped, strict=True)
        people.append(
            Person(
                family=latex_to_text(" ".join([*parts.von, *parts.last])),
                given=latex_to_text(" ".join(parts.first)),
                suffix=latex_to_text(" ".join(parts.jr)),
            )
        )
    return tuple(people)


def _is_braced_whole(name: str) -> bool:
    """True for ``{World Health Organization}``: one corporate name, never split."""
    if not (name.startswith("{") and name.endswith("}")):
        return False
    depth = 0
    for index, char in enumerate(name):
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth == 0 and index < len(name) - 1:
            return False
    return True
