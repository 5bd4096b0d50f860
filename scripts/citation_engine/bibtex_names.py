r"""Split BibTeX name lists into people, by BibTeX's grammar and Pandoc's reading of it.

bibtexparser splits the list at "and" and each name into BibTeX's First, von, Last and Jr
parts (Patashnik, "BibTeXing", section 4). Two readings are added, both Pandoc's:

- lower-case words after the given names (``Doe, Jan van de``) are the name's particle,
  as if written ``van de Doe, Jan``; BibTeX would initial them ("J. v. d. Doe");
- a last name ``others`` (``and others``) means "and more authors": it is kept as its own
  entry, which the formatter prints as "et al.".

The particle stays in front of the family name ("van de Doe, J."), as APA 7 writes Dutch
and German names and as the person's own usage reads; Pandoc follows biblatex's
``useprefix=false`` and prints "Doe, J. van de". See CONTRIBUTING ("Deliberate differences
from Pandoc").
"""

from __future__ import annotations

from typing import Final

from bibtexparser.middlewares.names import (
    parse_single_name_into_parts,
    split_multiple_persons_names,
)

from citation_engine.latex_text import latex_to_text
from citation_engine.references import Person

# How BibTeX writes "and more authors" at the end of a name list.
OTHERS: Final = "others"


def parse_people(raw: str) -> tuple[Person, ...]:
    """The people of one name field (``author``, ``editor``, ``translator``), in order.

    Raises:
        ValueError: a name bibtexparser cannot split, or LaTeX that cannot be decoded.
    """
    if not raw.strip():
        return ()
    people = []
    for name in split_multiple_persons_names(raw):
        stripped = name.strip()
        if _is_braced_whole(stripped):
            people.append(Person(family="", literal=latex_to_text(stripped[1:-1])))
            continue
        if stripped.lower() == OTHERS:
            people.append(Person(family="", literal=OTHERS))
            continue
        parts = parse_single_name_into_parts(stripped, strict=True)
        first = list(parts.first)
        particle: list[str] = []
        while len(first) > 1 and _is_lower_word(first[-1]):
            particle.insert(0, first.pop())
        people.append(
            Person(
                family=latex_to_text(" ".join([*particle, *parts.von, *parts.last])),
                given=latex_to_text(" ".join(first)),
                suffix=latex_to_text(" ".join(parts.jr)),
            )
        )
    return tuple(people)


def is_others(person: Person) -> bool:
    """Whether this entry of a name list stands for "and others"."""
    return person.literal == OTHERS and not person.family


def _is_lower_word(word: str) -> bool:
    """A word whose first letter, outside braces, is lower case (BibTeX's von test)."""
    depth = 0
    for char in word:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char.isalpha() and depth == 0:
            return char.islower()
    return False


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
