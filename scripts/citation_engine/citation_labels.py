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
    # The style's terms after years before 1000 and before year 1 (APA's are "C.E." and
    # "B.C.E."; CSL's en-US locale has "AD" and "BC").
    ad_term: str = " C.E."
    bc_term: str = " B.C.E."
    circa_term: str = "ca."

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
        terms = {
            (term.get("name"), term.get("form", "long")): term.text or ""
            for locale in root.iter(f"{_CSL_NS}locale")
            if locale.get("{http://www.w3.org/XML/1998/namespace}lang", "en-US").startswith("en")
            or locale.get("{http://www.w3.org/XML/1998/namespace}lang") is None
            for term in locale.iter(f"{_CSL_NS}term")
        }
        return cls(
            et_al_min=int(citation.get("et-al-min", "3")),
            et_al_use_first=int(citation.get("et-al-use-first", "1")),
            add_names=flag("disambiguate-add-names"),
            add_givenname=flag("disambiguate-add-givenname"),
            givenname_rule=citation.get("givenname-disambiguation-rule", "by-cite"),
            add_year_suffix=flag("disambiguate-add-year-suffix"),
            collapse=citation.get("collapse", ""),
            and_word="&" if and_value == "symbol" else "and",
            ad_term=terms.get(("ad", "long"), " AD"),
            bc_term=terms.get(("bc", "long"), " BC"),
            circa_term=terms.get(("circa", "short"), "c."),
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


# apa.csl's in-text author and its substitutes, in order, around the two places where a
# publisher or the title comes first (APA 7 §9.12, §10.10, §10.16).
_FIRST_NAMES: Final = ("composer", "author", "illustrator", "director", "producer")
_LATER_NAMES: Final = (
    "executive-producer", "series-creator", "editor", "editorial-director", "compiler",
    "curator", "collection-editor",
)  # fmt: skip
_ENTRY_TYPES: Final = frozenset({"entry-dictionary", "entry-encyclopedia"})
_TITLE_FIRST_TYPES: Final = frozenset({"book", "classic", "entry", *_ENTRY_TYPES})


def _names(item: Mapping[str, Any]) -> list[dict[str, str]]:
    """The names that stand in the author position, or none when the title stands there.

    APA substitutes editors (and the like) for authors, and for a work without any the
    publisher of a dictionary entry, a program or a web page; a group is one literal name.
    """
    kind = str(item.get("type", ""))
    for variable in _FIRST_NAMES:
        if names := item.get(variable):
            return list(names)
    if kind in _ENTRY_TYPES and item.get("publisher"):
        return [{"literal": str(item["publisher"])}]
    if kind in _TITLE_FIRST_TYPES and item.get("container-title"):
        return []
    for variable in _LATER_NAMES:
        if names := item.get(variable):
            return list(names)
    if kind in {"software", "webpage"} and item.get("publisher"):
        return [{"literal": str(item["publisher"])}]
    if kind == "standard" and item.get("authority"):
        return [{"literal": str(item["authority"])}]
    return []


def _is_others(name: Mapping[str, str]) -> bool:
    """BibTeX's "and others", as Pandoc reads it (a literal) or as a family name alone."""
    text = name.get("literal") or (name.get("family", "") if not name.get("given") else "")
    return text.strip() == "others"


def _year_with_original(item: Mapping[str, Any], options: CitationOptions) -> str:
    """The year as the style's in-text date prints it: "1990", or "1814/1990" for a reprint."""
    year = year_of(item, options)
    issued = item.get("issued") or {}
    original = _date_text(item.get("original-date") or {}, options)
    if original and (issued.get("date-parts") or issued.get("literal")):
        return f"{original}/{year}"
    return year


def _year_text(year: object, options: CitationOptions) -> str:
    """A year as CSL prints it: "1990", "4 C.E." before 1000, "300 B.C.E." before year 1."""
    try:
        number = int(str(year))
    except ValueError:
        return str(year)
    if number <= 0:
        return f"{-number}{options.bc_term}"
    if number < 1000:
        return f"{number}{options.ad_term}"
    return str(number)


def _date_text(date: Mapping[str, Any], options: CitationOptions) -> str:
    """A date's year or years as printed; "ca." before an uncertain one; "" for none."""
    parts = date.get("date-parts") or []
    if not parts or not parts[0]:
        return ""
    # A range of years (biblatex's "2018/2019") prints as one, as Pandoc prints it; an open
    # range ("2015/") ends in a dash.
    years = [_year_text(parts[0][0], options)]
    years += ["" if not part or part[0] in (0, "0", "") else _year_text(part[0], options)
              for part in parts[1:]]  # fmt: skip
    text = "\u2013".join(dict.fromkeys(years))
    return f"{options.circa_term} {text}" if date.get("circa") else text


def year_of(item: Mapping[str, Any], options: CitationOptions | None = None) -> str:
    """The year as the style prints it: digits, a literal or status ("in press"), or "n.d."."""
    options = options or CitationOptions()
    issued = item.get("issued") or {}
    if text := _date_text(issued, options):
        return text
    literal: str = issued.get("literal", "") or str(item.get("status") or "").lower()
    return literal or NO_DATE


def _sort_text(text: str) -> str:
    """Text to compare as Unicode collation does: accents second, punctuation before digits.

    Every punctuation mark and symbol compares as "!", after a space and before digits and
    letters, so "\u00a7 305 BGB" sorts before "vor \u00a7 305 BGB" as in Pandoc and citeproc-js.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        "!" if unicodedata.category(c)[0] in "PS" else c
        for c in decomposed
        if not unicodedata.combining(c)
    ).casefold()


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
    if particle := name.get("non-dropping-particle"):
        # "van Assen", "d'Aubignac", "al-One": a particle ending in an apostrophe or a
        # hyphen joins the name, as CSL prints it.
        joiner = "" if particle[-1:] in "'\u2019-" else " "
        family = f"{particle}{joiner}{family}"
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
    if not title:
        # apa.csl's short description, in its plain case: the genre (or medium) in brackets.
        description = str(item.get("genre") or "")
        if kind == "bill":
            return description  # apa.csl's bill identifier, in its plain case: the genre
        description = description or str(item.get("medium") or "")
        return f"[{description[:1].upper()}{description[1:]}]" if description else ""
    if kind in {"legal_case", "post"}:
        return title  # sentence case, as written
    if kind in _PLAIN_TITLE_TYPES or kind in _ITALIC_TITLE_TYPES:
        return title_case(title)
    if item.get("container-title"):
        return f"\u201c{title_case(title)}\u201d"
    return title_case(title)


def author_and_date(author: str, date: str) -> str:
    """The label's author and date: a comma inside closing quotes, as US English has it.

    A work with neither author nor title is cited by its date alone.
    """
    if not author:
        return date
    if author.endswith("\u201d"):
        return f"{author[:-1]},\u201d {date}"
    return f"{author}, {date}"


# -- reference-list order (APA 7 §9.44-9.49) --------------------------------------------


# apa.csl's "date-sort": these types sort by year alone, others by the whole date, so an
# undated-in-the-year "2015" precedes "2015-12-01" (a conference paper, a web page).
_YEAR_SORTED_TYPES: Final = frozenset({
    "article", "article-journal", "book", "chapter", "entry", "entry-dictionary",
    "entry-encyclopedia", "dataset", "figure", "graphic", "manuscript", "map", "musical_score",
    "patent", "report", "review", "review-book", "thesis",
})  # fmt: skip
_PUBLISHED_PAPER_VARIABLES: Final = (
    "collection-editor", "compiler", "editor", "editorial-director", "issue", "page",
    "supplement-number", "volume",
)  # fmt: skip


def _date_key(item: Mapping[str, Any]) -> tuple[int, tuple[int, ...], str]:
    issued = item.get("issued") or {}
    if parts := issued.get("date-parts"):
        kind = str(item.get("type", ""))
        year_only = kind in _YEAR_SORTED_TYPES or (
            kind == "paper-conference" and any(item.get(v) for v in _PUBLISHED_PAPER_VARIABLES)
        )
        try:
            date = tuple(int(str(part)) for part in parts[0][: 1 if year_only else 3])
        except ValueError:
            date = ()
        return (1, date, "")
    if literal := issued.get("literal") or item.get("status"):
        return (2, (), _sort_text(str(literal)))  # "in press" after every dated work
    return (0, (), "")  # "n.d." before dated works


def bibliography_sort_key(item: Mapping[str, Any]) -> tuple[Any, ...]:
    """Order of the reference list: names one by one, then date, then title."""
    title = _sort_text(_ARTICLE_RE.sub("", str(item.get("title", ""))))
    names = _names(item)
    # Surnames of every author first, then initials: "Baer, R. A." alone precedes
    # "Baer, R., Lykins, E. L. B., …", and "Horvath, A. O., Del Re, …" precedes
    # "Horvath, A. O., & Greenberg, …", as in citeproc-js and Pandoc.
    # apa.csl never demotes a non-dropping particle: "van Assen" sorts under "v".
    families = tuple(
        _sort_text(
            name.get("literal")
            or " ".join(filter(None, (name.get("non-dropping-particle"), name.get("family"))))
        )
        for name in names
    )
    givens = tuple(
        (_sort_text(name.get("given", "")), _sort_text(name.get("suffix", ""))) for name in names
    )
    name_key = (families, givens) if names else ((title or _sort_text(title_label(item)),), ())
    event = ((item.get("event-date") or {}).get("date-parts") or [[None]])[0]
    return (
        name_key,
        _date_key(item),
        title,
        _present_first(item.get("volume")),
        _present_first(event[0] if event else None),
    )


def _present_first(value: object) -> tuple[int, int, str]:
    """A sort key on which, as CSL asks, a work without the value sorts after those with it."""
    if value is None or value == "":
        return (1, 0, "")
    text = str(value)
    return (0, int(text), "") if text.isdigit() else (0, 0, _sort_text(text))


def sort_items(items: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return CSL-JSON items in APA reference-list order.

    Works that tie on every key keep the order they are given in (the file's), as
    citeproc-js and Pandoc keep the order items are registered in.
    """
    return sorted(items, key=bibliography_sort_key)


# -- labels over the whole site --------------------------------------------------------


# Every part of a CSL name: two names that differ in any part are two people.
_NAME_PARTS: Final = (
    "literal", "family", "given", "non-dropping-particle", "dropping-particle", "suffix",
)  # fmt: skip


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
            "\x1e".join(name.get(part, "") for part in _NAME_PARTS) for name in self.names
        ) + ("\x1fothers" if self.others else "")


def _state(item: Mapping[str, Any], options: CitationOptions) -> _State:
    """A work's label before disambiguation: the names the style shows at first."""
    names = _names(item)
    others = bool(names) and _is_others(names[-1])
    if others:
        names = names[:-1]
    if not names:
        # No author or editor: the title stands in (APA 7 §8.14).
        return _State([{"literal": title_label(item)}], _year_with_original(item, options), 1)
    count = len(names) + others
    shown = options.et_al_use_first if count >= options.et_al_min else len(names)
    return _State(names, _year_with_original(item, options), min(shown, len(names)), others)


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
