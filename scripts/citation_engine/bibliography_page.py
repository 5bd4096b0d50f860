"""The full bibliography: every entry with its annotation, "cited on" links and downloads.

It expands one marker paragraph on one page, so a site decides where its bibliography lives.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Final

from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from citation_engine.coins import coins_span
from citation_engine.html_building import SEARCH_EXCLUDE, TextBuilder, anchor_for, heading
from citation_engine.page_order import nav_order, site_order_key
from citation_engine.reference_styles import COPY_STYLES, StyledReference

if TYPE_CHECKING:
    from citation_engine.markdown_extension import CitationExtension
    from citation_engine.site_bibliography import SiteBibliography

_FORMATS = (("BibTeX", ".bib"), ("RIS", ".ris"), ("CSL-JSON", ".json"))
# A BibTeX field whose value says which part of the record could not be checked.
UNVERIFIED_FIELD: Final = "unverified"
INCOMPLETE_LABEL: Final = "Incomplete record: "
FILTER_ID: Final = "bibliography-filter"
ENTRY_HEADING_SUFFIX: Final = "-entry"
ENTRY_LABEL_CLASS: Final = "reference__label"


def full_bibliography(extension: CitationExtension) -> list[etree.Element]:
    """The whole list, under a heading for each initial letter.

    The letters give readers a table of contents to jump through, and split the page into
    sections small enough for the search index (Zensical refuses one huge section).
    """
    site = extension.site()
    elements = [_whole_library_downloads(extension), _filter_controls()]
    for letter, entries in _by_initial(site.styled.entries):
        section = heading(letter)
        section.set("id", f"bibliography-{letter.lower() if letter.isalpha() else 'other'}")
        elements.append(section)
        listing = etree.Element("ul", {"class": "reference-list reference-list--full"})
        for entry in entries:
            listing.append(_full_entry(extension, entry, site))
        elements.append(listing)
    empty = etree.Element(
        "p", {"class": "bibliography-filter__empty", "hidden": "hidden", SEARCH_EXCLUDE: ""}
    )
    empty.text = AtomicString(
        "No entry matches this filter. Try part of an author's family name, a year, "
        "a word from the title, or the name of a page."
    )
    elements.append(empty)
    return elements


def _filter_controls() -> etree.Element:
    """A labelled filter box; site.js shows it and filters the entries (it is useless without)."""
    box = etree.Element("div", {"class": "bibliography-filter", "hidden": "hidden"})
    box.set(SEARCH_EXCLUDE, "")
    label = etree.SubElement(box, "label", {"for": FILTER_ID})
    label.text = AtomicString("Filter by author, year, title or topic")
    etree.SubElement(
        box,
        "input",
        {
            "type": "search",
            "id": FILTER_ID,
            "class": "bibliography-filter__input",
            "autocomplete": "off",
            "spellcheck": "false",
            "aria-describedby": f"{FILTER_ID}-count",
        },
    )
    count = etree.SubElement(
        box,
        "p",
        {
            "id": f"{FILTER_ID}-count",
            "class": "bibliography-filter__count",
            # A polite live region, not role=status: the copy buttons' status is the page's one.
            "aria-live": "polite",
        },
    )
    count.text = AtomicString("")
    return box


def _whole_library_downloads(extension: CitationExtension) -> etree.Element:
    downloads = extension.getConfig("downloads")
    basename = extension.getConfig("download_basename")
    paragraph = etree.Element("p", {"class": "bibliography-downloads"})
    builder = TextBuilder(paragraph)
    builder.text(extension.getConfig("whole_library_label"))
    for index, (label, suffix) in enumerate(_FORMATS):
        if index:
            builder.text(" · ")
        name = f"{basename}{suffix}"
        link = builder.link(label, extension.link_to(f"{downloads}/{name}"))
        link.set("download", name)
    builder.text(".")
    return paragraph


def _full_entry(
    extension: CitationExtension, entry: StyledReference, site: SiteBibliography
) -> etree.Element:
    reference = site.references[entry.key]
    item = etree.Element("li", {"id": anchor_for(entry.key), "class": "reference"})
    # Becomes the entry's heading once the table of contents is built (EntryHeadingTreeprocessor).
    label = etree.SubElement(item, "p", {"class": ENTRY_LABEL_CLASS})
    label.text = AtomicString(f"{entry.author_label}, {entry.year_label}")
    text = etree.SubElement(item, "p", {"class": "reference__text"})
    TextBuilder(text).runs(entry)
    if reason := reference.get(UNVERIFIED_FIELD):
        item.set("class", "reference reference--incomplete")
        marker = etree.SubElement(item, "p", {"class": "reference__incomplete"})
        label = etree.SubElement(marker, "strong")
        label.text = AtomicString(INCOMPLETE_LABEL.strip())
        label.tail = AtomicString(f" {reason}")
    if annote := reference.get("annote"):
        note = etree.SubElement(item, "p", {"class": "reference__annote"})
        note.text = AtomicString(annote)
    item.append(_cited_on(extension, entry.key, site))
    item.append(_actions(extension, entry))
    details = etree.SubElement(item, "details", {"class": "reference__bibtex", SEARCH_EXCLUDE: ""})
    summary = etree.SubElement(details, "summary")
    summary.text = AtomicString("BibTeX")
    code = etree.SubElement(etree.SubElement(details, "pre"), "code")
    code.text = AtomicString(reference.raw_bibtex)
    item.append(coins_span(reference))  # for reference managers (citation_engine.coins)
    return item


def _cited_on(extension: CitationExtension, key: str, site: SiteBibliography) -> etree.Element:
    paragraph = etree.Element("p", {"class": "reference__cited-on"})
    builder = TextBuilder(paragraph)
    builder.text(extension.getConfig("cited_on_label"))
    # In the order of the site's navigation, and never the bibliography page itself.
    bibliography_page = extension.getConfig("bibliography_page")
    pages = [page for page in site.index.citing_pages(key) if page.path != bibliography_page]
    order = site_order_key(nav_order(extension.option_path("nav_config")))
    pages.sort(key=lambda page: order(page.path))
    for index, page in enumerate(pages):
        if index:
            builder.text(", ")
        builder.link(page.title, extension.link_to(page.path))
    return paragraph


def _actions(extension: CitationExtension, entry: StyledReference) -> etree.Element:
    """Copy buttons for each copy style and BibTeX, then the per-entry downloads.

    The entry in the other copy styles sits beside its button, hidden, as built runs (italics
    kept), so site.js can put both an HTML and a plain-text flavour on the clipboard.
    """
    button_class = extension.getConfig("button_class")
    downloads = extension.getConfig("downloads")
    actions = etree.Element("p", {"class": "reference__actions", SEARCH_EXCLUDE: ""})
    builder = TextBuilder(actions)
    copies = dict(entry.copies)
    kinds = [(style_id, f"Copy {label}") for style_id, label, _ in COPY_STYLES]
    for copy_kind, label in [*kinds, ("bibtex", "Copy BibTeX")]:
        if copy_kind in copies:
            hidden = etree.SubElement(
                actions, "span", {"class": "reference__copy-text", "data-style": copy_kind}
            )
            hidden.set("hidden", "")
            TextBuilder(hidden).runs(StyledReference(entry.key, copies[copy_kind], "", ""))
        button = etree.SubElement(
            actions,
            "button",
            {"type": "button", "class": f"{button_class} reference__copy", "data-copy": copy_kind},
        )
        button.text = AtomicString(label)
        builder.text(" ")
    for suffix, label in ((".bib", "Download BibTeX"), (".ris", "Download RIS")):
        name = f"{entry.key}{suffix}"
        link = builder.link(label, extension.link_to(f"{downloads}/entries/{name}"), button_class)
        link.set("download", name)
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


class EntryHeadingTreeprocessor(Treeprocessor):
    """Give each bibliography entry a heading, its label, after the table of contents is built.

    Both engines' search split a page into sections at headings with an id and weight the
    heading far above the text, so a search for an author leads to the entry itself rather
    than to its letter. The heading is the short label ("Safran & Muran, 2000"), not the
    reference: with every title word in 71 headings, the bibliography outranked the pages
    for topic words such as "mindfulness". Done after ``toc``, the headings stay out of the
    page's table of contents and get no permalink; the list item keeps its id for links.
    """

    def run(self, root: etree.Element) -> None:
        """Turn ``li.reference > p.reference__label`` of the full list into ``h3`` in place."""
        for listing in root.iter("ul"):
            if "reference-list--full" not in (listing.get("class") or "").split():
                continue
            for item in listing:
                label = item.find(f"p[@class='{ENTRY_LABEL_CLASS}']")
                if label is not None and item.get("id"):
                    label.tag = "h3"
                    label.set("id", f"{item.get('id')}{ENTRY_HEADING_SUFFIX}")
