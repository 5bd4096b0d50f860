"""In-text labels and the reference-list order of an author-date style, as APA 7 wants them.

citeproc-py formats references well but has no citation features: it never disambiguates
(``disambiguate-add-names``, ``-givenname``, ``-year-suffix``), never collapses, and sorts
the bibliography by its formatted text, so "&" sorts before letters. This module does that
part from CSL-JSON data and from the options the style's ``<citation>`` element declares:

- the reference-list order of APA 7 §9.44-9.49: names one by one (family, then given),
  "nothing precedes something", undated works first and works in press last, then the title
  without a leading article;
- one label per work across the whole site (§8.18-8.20): more names, then initials of the
  first author, then a year suffix in reference-list order ("2020a", "n.d.-a");
- clusters in reference-list order, with one author's works collapsed (§8.12):
  "(Segal et al., 2002, 2013)";
- narrative labels with "and" where parenthetical ones have "&" (§8.17).

It never formats a reference and never builds markup: it returns text and the keys to link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

from citation_engine.sentence_case import title_case

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence


_CSL_NS: Final = "{http://purl.org/net/xbiblio/csl}"
NO_DATE: Final = "n.d."
_ARTICLE_RE: Final = re.compile(r"^(?:a|an|the)\s+", re.IGNORECASE)


@dataclass(frozen=True)
class CitationOptions:
    """The ``<citation>`` options of a CSL style that shape its labels."""

    et_al_min: int = 3
    et_al_use_first: int = 1
    add_names: bool = True
    add_givenname: bool = True
    givenname_rule: str = "primary-name-with-initials"
    add_year_suffix: bool = True
    collapse: str = "year"
    and_word: str = "&"

    @classmethod
    def from_style(cls, root: Any) -> CitationOptions:
        """Read the options from a parsed style (the ``<style>`` root element)."""
        citation = root.find(f"{_CSL_NS}citation")
        if citation is None:
            return cls()

        def flag(name: str) -> bool:
            return bool(citation.get(name, "false") == "true")

        # The "and" of the names in the citation's author macro: APA's is a symbol.
        and_value = ""
        for name in root.iter(f"{_CSL_NS}name"):
            if name.get("and"):
                and_value = name.get("and", "")
                break
        return cls(
            et_al_min=int(citation.get("et-al-min", "3")),
            et_al_use_first=int(citation.get("et-al-use-first", "1")),
            add_names=flag("disambiguate-add-names"),
            add_givenname=flag("disambiguate-add-givenname"),
            givenname_rule=citation.get("givenname-disambiguation-rule", "by-cite"),
            add_year_suffix=flag("disambiguate-add-year-suffix"),
            collapse=citation.get("collapse", ""),
            and_word="&" if and_value == "symbol" else "and",
        )


@dataclass(frozen=True)
class Label:
    """A work's in-text label: its author part in both forms and its year with any suffix."""

    author: str
    narrative_author: str
    year: str
    year_suffix: str = ""

    @property
    def date(self) -> str:
        """The year as printed: "2020a", "n.d.-a", "in press-b"."""
        if not self.year_suffix:
            return self.year
        joiner = "" if self.year[-1:].isdigit() else "-"
        return f"{self.year}{joiner}{self.year_suffix}"


# -- reading CSL-JSON ------------------------------------------------------------------


def _names(item: Mapping[str, Any]) -> list[dict[str, str]]:
    """The names that stand in the author position (APA substitutes editors for authors)."""
    names: list[dict[str, str]] = item.get("author") or item.get("editor") or []
    return names


def year_of(item: Mapping[str, Any]) -> str:
    """The year as the style prints it: digits, a literal ("in press"), or "n.d."."""
    issued = item.get("issued") or {}
    if parts := issued.get("date-parts"):
        # A range of years (biblatex's "2018/2019") prints as one, as Pandoc prints it.
        return "\u2013".join(dict.fromkeys(str(part[0]) for part in parts))
    literal: str = issued.get("literal", "")
    return literal or NO_DATE


def _sort_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _initials(given: str) -> str:
    """Initials of given names: "Ruth A." gives "R. A.", "Jean-Paul" gives "J.-P."."""
    return " ".join(
        "-".join(f"{part[:1]}." for part in word.split("-") if part)
        for word in given.replace(".", ". ").split()
    )


def _name_text(name: Mapping[str, str], *, with_initials: bool) -> str:
    if literal := name.get("literal"):
        return literal
    family = name.get("family", "")
    if with_initials and (given := name.get("given")):
        return f"{_initials(given)} {family}"
    return family


def render_names(
    names: Sequence[Mapping[str, str]], shown: int, *, initials: bool, and_word: str
) -> str:
    """The author part of a label: "Doe", "Doe & Roe", "Doe, Roe, et al.", "R. A. Baer"."""
    parts = [
        _name_text(name, with_initials=initials and not index)
        for index, name in enumerate(names[:shown])
    ]
    if shown < len(names):
        return f"{', '.join(parts)}{',' if len(parts) > 1 else ''} et al."
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} {and_word} {parts[1]}"
    return f"{', '.join(parts[:-1])}, {and_word} {parts[-1]}"


# -- reference-list order (APA 7 §9.44-9.49) --------------------------------------------


def _date_key(item: Mapping[str, Any]) -> tuple[int, int, str]:
    issued = item.get("issued") or {}
    if parts := issued.get("date-parts"):
        return (1, int(parts[0][0]), "")
    if literal := issued.get("literal"):
        return (2, 0, _sort_text(literal))  # "in press" after every dated work
    return (0, 0, "")  # "n.d." before dated works


def bibliography_sort_key(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """Order of the reference list: names one by one, then date, then title."""
    title = _sort_text(_ARTICLE_RE.sub("", str(item.get("title", ""))))
    names = _names(item)
    # Surnames of every author first, then initials: "Baer, R. A." alone precedes
    # "Baer, R., Lykins, E. L. B., …", and "Horvath, A. O., Del Re, …" precedes
    # "Horvath, A. O., & Greenberg, …", as in citeproc-js and Pandoc.
    families = tuple(_sort_text(name.get("literal") or name.get("family", "")) for name in names)
    givens = tuple(_sort_text(name.get("given", "")) for name in names)
    name_key = (families, givens) if names else ((title,), ())
    return (name_key, _date_key(item), title, str(item.get("id", "")))


def sort_items(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return CSL-JSON items in APA reference-list order."""
    return sorted(items, key=bibliography_sort_key)


# -- labels over the whole site --------------------------------------------------------


@dataclass
class _State:
    names: Sequence[Mapping[str, str]]
    year: str
    shown: int
    initials: bool = False
    suffix: str = ""

    def author(self, and_word: str) -> str:
        return render_names(self.names, self.shown, initials=self.initials, and_word=and_word)


def assign_labels(items: Sequence[Mapping[str, Any]], options: CitationOptions) -> dict[str, Label]:
    """Give every work a label no other work shares; ``items`` in reference-list order."""
    states: dict[str, _State] = {}
    for item in items:
        names = _names(item)
        base = options.et_al_use_first if len(names) >= options.et_al_min else len(names)
        if len(names) > 1 and names[-1] == {"literal": "others"}:
            base = min(base, len(names) - 1)  # BibTeX's "and others": always "et al."
        if not names:
            # apa.csl title-cases a title in the author position (APA 7 §8.14).
            names = [{"literal": title_case(str(item.get("title", "")))}]
            base = 1
        states[str(item["id"])] = _State(names, year_of(item), base)
    if options.add_givenname and options.givenname_rule.startswith("primary-name"):
        _initials_for_shared_surnames(states)
    for group in _ambiguous(states, options):
        _disambiguate(group, states, options)
    return {
        key: Label(
            author=state.author(options.and_word),
            narrative_author=state.author("and"),
            year=state.year,
            year_suffix=state.suffix,
        )
        for key, state in states.items()
    }


def _initials_for_shared_surnames(states: Mapping[str, _State]) -> None:
    """Apply CSL's global "primary-name" rule, as APA 7 §8.20 asks.

    First authors who share a surname but not initials are told apart by their initials
    wherever they are cited.
    """
    by_family: dict[str, set[str]] = {}
    for state in states.values():
        first = state.names[0]
        if "family" in first:
            by_family.setdefault(first["family"], set()).add(_initials(first.get("given", "")))
    for state in states.values():
        first = state.names[0]
        if "family" in first and len(by_family[first["family"]]) > 1:
            state.initials = True


def _ambiguous(states: Mapping[str, _State], options: CitationOptions) -> list[list[str]]:
    labels: dict[tuple[str, str], list[str]] = {}
    for key, state in states.items():
        labels.setdefault((state.author(options.and_word), state.year), []).append(key)
    return [keys for keys in labels.values() if len(keys) > 1]


def _disambiguate(group: list[str], states: Mapping[str, _State], options: CitationOptions) -> None:
    """Tell apart works whose labels are equal: more names, then initials, then a suffix."""

    def distinct() -> bool:
        labels = [states[key].author(options.and_word) for key in group]
        return len(set(labels)) == len(labels)

    base = {key: (states[key].shown, states[key].initials) for key in group}
    if options.add_names:
        longest = max(len(states[key].names) for key in group)
        for shown in range(min(states[key].shown for key in group) + 1, longest + 1):
            for key in group:
                states[key].shown = max(base[key][0], min(shown, len(states[key].names)))
            if distinct():
                return
    if options.add_givenname:
        for key in group:
            states[key].initials = True
        if distinct():
            return
    for key in group:  # names did not help: back to the short form
        states[key].shown, states[key].initials = base[key]
    if options.add_year_suffix:
        # The group is in reference-list order, so "a" goes to the work listed first.
        for index, key in enumerate(group):
            states[key].suffix = _suffix(index)


def _suffix(index: int) -> str:
    """a, b, …, z, aa, ab, … as citeproc-js numbers year suffixes."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


# -- clusters --------------------------------------------------------------------------
