"""In-text labels and the reference-list order of an author-date style, as APA 7 wants them.

citeproc-py formats references well but has no citation features: it never disambiguates
(``disambiguate-add-names``, ``-givenname``, ``-year-suffix``), never collapses, and sorts
the bibliography by its formatted text, so "&" sorts before letters. This module does that
part from CSL-JSON data and from the options the style's ``<citation>`` element declares:

- the reference-list order of APA 7 §9.44-9.49: names one by one (family, then given),
  "nothing precedes something", undated works first and works in press last, then the title
  without a leading article;
- one label per work across the whole site (§8.18-8.20), by CSL's disambiguation steps:
  more names as far as each work needs them, then initials of the first author, then a
  year suffix in reference-list order ("2020a", "n.d.-a"); a reprint's original year
  first ("1814/1990");
- clusters in reference-list order, with the same authors' works collapsed (§8.12):
  "(Segal et al., 2002, 2013)", but "(Doe et al., 2015; Doe et al., 2016)" for two teams;
- narrative labels with "and" where parenthetical ones have "&" (§8.17).

It never formats a reference and never builds markup: it returns text and the keys to link.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

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
    """A work's in-text label: its author part in both forms and its year with any suffix.

    ``team`` stands for the full list of names behind the author part: two works share an
    author part ("Doe et al.") without sharing their authors, and only the same authors'
    works are grouped under one author part (APA 7 §8.12).
    """

    author: str
    narrative_author: str
    year: str
    year_suffix: str = ""
    team: str = ""

    @property
    def date(self) -> str:
        """The year as printed: "2020a", "n.d.-a", "in press-b", "1814/1990a"."""
        if not self.year_suffix:
            return self.year
        joiner = "" if self.year[-1:].isdigit() else "-"
        return f"{self.year}{joiner}{self.year_suffix}"


# -- reading CSL-JSON ------------------------------------------------------------------


def _names(item: Mapping[str, Any]) -> list[dict[str, str]]:
    """The names that stand in the author position (APA substitutes editors for authors)."""
    names: list[dict[str, str]] = item.get("author") or item.get("editor") or []
    return names


def _is_others(name: Mapping[str, str]) -> bool:
    """BibTeX's "and others", as Pandoc reads it (a literal) or as a family name alone."""
    text = name.get("literal") or (name.get("family", "") if not name.get("given") else "")
    return text.strip() == "others"


def _year_with_original(item: Mapping[str, Any]) -> str:
    """The year as the style's in-text date prints it: "1990", or "1814/1990" for a reprint."""
    year = year_of(item)
    issued = item.get("issued") or {}
    original = (item.get("original-date") or {}).get("date-parts")
    if original and original[0] and (issued.get("date-parts") or issued.get("literal")):
        return f"{original[0][0]}/{year}"
    return year


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
    names: Sequence[Mapping[str, str]],
    shown: int,
    *,
    initials: bool,
    and_word: str,
    others: bool = False,
) -> str:
    """The author part of a label: "Doe", "Doe & Roe", "Doe, Roe, et al.", "R. A. Baer".

    ``others`` says the list ends in "and others": however many names are shown, more
    follow, so the part always ends in "et al.".
    """
    parts = [
        _name_text(name, with_initials=initials and not index)
        for index, name in enumerate(names[:shown])
    ]
    if shown < len(names) or others:
        return f"{', '.join(parts)}{',' if len(parts) > 1 else ''} et al."
    if len(parts) <= 1:
        return "".join(parts)
    if len(parts) == 2:
        return f"{parts[0]} {and_word} {parts[1]}"
    return f"{', '.join(parts[:-1])}, {and_word} {parts[-1]}"


# -- a title in place of an author (APA 7 §8.14) ------------------------------------------

# The words CSL 1.0.2 keeps lowercase in title case, as Pandoc's citeproc does.
_STOP_WORDS: Final = frozenset({
    "a", "an", "and", "as", "at", "but", "by", "down", "for", "from", "in", "into", "nor",
    "of", "on", "onto", "or", "over", "so", "the", "till", "to", "up", "via", "with", "yet",
})  # fmt: skip
_TITLE_WORD_RE: Final = re.compile(r"\S+")
# Types apa.csl's "title-short" macro prints plain, or in italics, whatever their container.
_PLAIN_TITLE_TYPES: Final = frozenset({"bill", "legislation", "regulation", "report", "treaty"})
_ITALIC_TITLE_TYPES: Final = frozenset({"hearing", "webpage", "legal_case", "post"})


def title_case(title: str) -> str:
    """CSL title case: every word capitalised but stop words, unless first, last or after ":".

    Words holding a capital already ("iPhone", "DNA") stay as written; each part of a
    hyphenated word counts as a word ("Self-Help", "End-of-Life").
    """
    words = list(_TITLE_WORD_RE.finditer(title))
    out = []
    position = 0
    start_of_phrase = True
    for index, match in enumerate(words):
        out.append(title[position : match.start()])
        parts = match[0].split("-")
        last_word = index == len(words) - 1
        for number, part in enumerate(parts):
            keep_lower = (
                part.lower() in _STOP_WORDS
                and not (start_of_phrase and number == 0)
                and not (last_word and number == len(parts) - 1)
            )
            if not keep_lower and part == part.lower():
                letter = next((i for i, char in enumerate(part) if char.isalpha()), None)
                if letter is not None and not part[:letter].isdigit():
                    part = part[:letter] + part[letter].upper() + part[letter + 1 :]
            parts[number] = part
        out.append("-".join(parts))
        start_of_phrase = match[0][-1:] in ":?!"
        position = match.end()
    out.append(title[position:])
    return "".join(out)


def title_label(item: Mapping[str, Any]) -> str:
    """The short title that stands for a work without author, as apa.csl prints it.

    Title case; in quotes for a work inside a container (an article, a chapter), plain
    for a report or a law. Works that stand alone have their title in italics in APA,
    which a text label cannot hold, so it is left plain.
    """
    title = str(item.get("title-short") or item.get("title") or "")
    kind = str(item.get("type", ""))
    if kind == "legal_case" or kind == "post":
        return title  # sentence case, as written
    if kind in _PLAIN_TITLE_TYPES or kind in _ITALIC_TITLE_TYPES:
        return title_case(title)
    if item.get("container-title"):
        return f"\u201c{title_case(title)}\u201d"
    return title_case(title)


def author_and_date(author: str, date: str) -> str:
    """The label's author and date: a comma inside closing quotes, as US English has it."""
    if author.endswith("\u201d"):
        return f"{author[:-1]},\u201d {date}"
    return f"{author}, {date}"


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
    others: bool = False
    initials: bool = False
    suffix: str = ""

    def author(self, and_word: str, shown: int | None = None) -> str:
        return render_names(
            self.names,
            self.shown if shown is None else shown,
            initials=self.initials,
            and_word=and_word,
            others=self.others,
        )

    def team(self) -> str:
        return "\x1f".join(
            f"{name.get('literal', '')}\x1e{name.get('family', '')}\x1e{name.get('given', '')}"
            for name in self.names
        ) + ("\x1fothers" if self.others else "")


def _state(item: Mapping[str, Any], options: CitationOptions) -> _State:
    """A work's label before disambiguation: the names the style shows at first."""
    names = _names(item)
    others = bool(names) and _is_others(names[-1])
    if others:
        names = names[:-1]
    if not names:
        # No author or editor: the title stands in (APA 7 §8.14).
        return _State([{"literal": title_label(item)}], _year_with_original(item), 1)
    count = len(names) + others
    shown = options.et_al_use_first if count >= options.et_al_min else len(names)
    return _State(names, _year_with_original(item), min(shown, len(names)), others)


def assign_labels(items: Sequence[Mapping[str, Any]], options: CitationOptions) -> dict[str, Label]:
    """Give every work a label no other work shares; ``items`` in reference-list order.

    The steps of CSL 1.0.2 disambiguation, as the style's ``<citation>`` asks for them:
    the global given-name rule first (``primary-name``: initials for first authors who share
    a surname, wherever cited), then, for each set of works whose labels read the same,
    more names, then initials, then a year suffix.
    """
    states = {str(item["id"]): _state(item, options) for item in items}
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
            team=state.team(),
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
    """Sets of works (in the order given) whose labels read the same."""
    labels: dict[tuple[str, str], list[str]] = {}
    for key, state in states.items():
        labels.setdefault((state.author(options.and_word), state.year), []).append(key)
    return [keys for keys in labels.values() if len(keys) > 1]


def _disambiguate(group: list[str], states: Mapping[str, _State], options: CitationOptions) -> None:
    """Tell apart works whose labels read the same: more names, then initials, then a suffix."""
    if options.add_names:
        _add_names(group, states, options.and_word)
    if options.add_givenname:
        for keys in _ambiguous({key: states[key] for key in group}, options):
            before = {key: states[key].initials for key in keys}
            for key in keys:
                states[key].initials = True
            authors = [states[key].author(options.and_word) for key in keys]
            if len(set(authors)) < len(authors):  # initials did not tell them apart
                for key in keys:
                    states[key].initials = before[key]
    if options.add_year_suffix:
        for keys in _ambiguous({key: states[key] for key in group}, options):
            # The keys are in reference-list order, so "a" goes to the work listed first.
            for index, key in enumerate(keys):
                states[key].suffix = _suffix(index)


def _add_names(group: list[str], states: Mapping[str, _State], and_word: str) -> None:
    """Show more names, one at a time, until each work reads apart from every other.

    A work stops growing once its author part differs from all the others' (as they read
    at that step) or is shared only with works whose whole name lists read the same, which
    no number of names tells apart: "Doe, Roe, et al., 2001a" and "2001b" (one team) beside
    "Doe, Smith, et al., 2001" (another), as citeproc-js and Pandoc write them.
    """
    whole = {key: states[key].author(and_word, len(states[key].names)) for key in group}
    growing = list(group)
    while growing:
        current = {key: states[key].author(and_word) for key in group}
        growing = [
            key
            for key in growing
            if any(
                current[key] == current[other] and whole[key] != whole[other]
                for other in group
                if other != key
            )
        ]
        growing = [key for key in growing if states[key].shown < len(states[key].names)]
        for key in growing:
            states[key].shown += 1


def _suffix(index: int) -> str:
    """a, b, …, z, aa, ab, … as citeproc-js numbers year suffixes."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("a") + remainder) + letters
    return letters


# -- clusters --------------------------------------------------------------------------


def collapses(previous: Label, label: Label) -> bool:
    """Whether ``label`` joins the group of ``previous`` in a citation: "Doe, 2018, 2020".

    The author parts must read the same and stand for the same people: "Doe et al., 2015"
    by one team and "Doe et al., 2016" by another are two groups, as in Pandoc.
    """
    return previous.author == label.author and previous.team == label.team
