"""Every entry type the engine knows, in one table: what it requires, and its CSL and RIS types.

Adding a type is one row here; the checks (``reference_checks``), the CSL-JSON mapping
(``csl_json``) and the RIS export (``reference_exports``) all read this table, so they
cannot disagree about which types exist.

The types are the fourteen of standard BibTeX (Patashnik, "BibTeXing", 1988, section 3.1)
and biblatex's ``online``, ``report``, ``software`` and ``thesis`` with the aliases
biblatex defines for them (``electronic``, ``www``), and the other biblatex types with the
CSL type Pandoc 3.9 gives them (``@collection`` is a book, ``@patent`` a patent; ``@set``,
to which Pandoc gives no type, is a CSL document). Each requirement is a group of
alternatives: one field of the group must be present. The container fields are the ones an
APA 7 reference cannot be written without.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

Requirement = tuple[str, ...]


@dataclass(frozen=True)
class EntryType:
    """One BibTeX entry type: the fields it needs, and its type in CSL-JSON and in RIS."""

    required: tuple[Requirement, ...]
    csl: str
    ris: str


_CORE: Final[tuple[Requirement, ...]] = (("author", "editor"), ("title",), ("year",))
_AUTHORED: Final[tuple[Requirement, ...]] = (("author",), ("title",), ("year",))
_TITLED: Final[tuple[Requirement, ...]] = (("title",), ("year",))

# biblatex's other types -> (CSL type, RIS type), the CSL type as Pandoc 3.9 maps it.
BIBLATEX_TYPES: Final = {
    "collection": ("book", "EDBOOK"),
    "mvbook": ("book", "BOOK"),
    "mvcollection": ("book", "EDBOOK"),
    "mvproceedings": ("book", "CONF"),
    "bookinbook": ("chapter", "CHAP"),
    "suppbook": ("chapter", "CHAP"),
    "suppcollection": ("chapter", "CHAP"),
    "suppperiodical": ("article-journal", "JOUR"),
    "reference": ("book", "BOOK"),
    "mvreference": ("book", "BOOK"),
    "inreference": ("entry-encyclopedia", "ENCYC"),
    "patent": ("patent", "PAT"),
    "periodical": ("article-journal", "JFULL"),
    "set": ("document", "GEN"),
    "dataset": ("dataset", "DATA"),
    "artwork": ("graphic", "ART"),
    "image": ("graphic", "ART"),
    "audio": ("song", "SOUND"),
    "music": ("song", "SOUND"),
    "video": ("motion_picture", "VIDEO"),
    "movie": ("motion_picture", "MPCT"),
    "letter": ("personal_communication", "PCOMM"),
    "review": ("review", "JOUR"),
    "standard": ("legislation", "STAND"),
    "legislation": ("legislation", "STAT"),
    "jurisdiction": ("legal_case", "CASE"),
    "performance": ("speech", "GEN"),
}

ENTRY_TYPES: Final[dict[str, EntryType]] = {
    "article": EntryType((*_CORE, ("journal",)), "article-journal", "JOUR"),
    "book": EntryType((*_CORE, ("publisher",)), "book", "BOOK"),
    "booklet": EntryType((("title",), ("year",)), "pamphlet", "PAMP"),
    "conference": EntryType((*_AUTHORED, ("booktitle",)), "paper-conference", "CONF"),
    "inbook": EntryType(
        (*_CORE, ("booktitle", "chapter", "pages"), ("publisher",)), "chapter", "CHAP"
    ),
    "incollection": EntryType((*_AUTHORED, ("booktitle",), ("publisher",)), "chapter", "CHAP"),
    "inproceedings": EntryType((*_AUTHORED, ("booktitle",)), "paper-conference", "CONF"),
    "manual": EntryType((("title",), ("year",)), "book", "BOOK"),
    "mastersthesis": EntryType((*_AUTHORED, ("school",)), "thesis", "THES"),
    "misc": EntryType((*_CORE, ("publisher", "url", "howpublished")), "document", "GEN"),
    "phdthesis": EntryType((*_AUTHORED, ("school",)), "thesis", "THES"),
    "proceedings": EntryType((("title",), ("year",)), "book", "CONF"),
    "techreport": EntryType((*_CORE, ("institution", "publisher")), "report", "RPRT"),
    "unpublished": EntryType((*_AUTHORED, ("note", "howpublished")), "manuscript", "UNPB"),
    "online": EntryType((*_CORE, ("url",)), "webpage", "ELEC"),
    "electronic": EntryType((*_CORE, ("url",)), "webpage", "ELEC"),
    "www": EntryType((*_CORE, ("url",)), "webpage", "ELEC"),
    "report": EntryType((*_CORE, ("institution", "publisher")), "report", "RPRT"),
    "software": EntryType((*_CORE, ("publisher", "url", "version")), "software", "COMP"),
    "thesis": EntryType((*_AUTHORED, ("school", "institution")), "thesis", "THES"),
    **{name: EntryType(_TITLED, csl, ris) for name, (csl, ris) in BIBLATEX_TYPES.items()},
}

# Thesis types APA 7 names in brackets after the title.
THESIS_GENRES: Final = {"phdthesis": "Doctoral dissertation", "mastersthesis": "Master's thesis"}


def entry_type(name: str) -> EntryType | None:
    """The row for a (case-insensitive) BibTeX type name, or ``None`` for an unknown type."""
    return ENTRY_TYPES.get(name.lower())
