"""The full bibliography: every entry with its annotation, "cited on" links and downloads.

It expands one marker paragraph on one page, so a site decides where its bibliography lives.
"""

from __future__ import annotations

import unicodedata
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Final

from markdown.util import AtomicString

from citation_engine.citation_labels import author_and_date
from citation_engine.coins import coins_html
from citation_engine.download_names import download_stem
from citation_engine.html_building import (
    SEARCH_EXCLUDE,
    TextBuilder,
    anchor_for,
    element_html,
    escape_text,
    heading,
    runs_html,
    start_tag,
    stash_html,
)
from citation_engine.reference_styles import COPY_STYLES, StyledReference

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from citation_engine.page_context import PageContext

_FORMATS = (("BibTeX", ".bib"), ("RIS", ".ris"), ("CSL-JSON", ".json"))
# A BibTeX field whose value says which part of the record could not be checked.
UNVERIFIED_FIELD: Final = "unverified"
FILTER_ID: Final = "bibliography-filter"
ENTRY_HEADING_SUFFIX: Final = "-entry"
BIBTEX_SOURCE_CLASS: Final = "reference__bibtex-source"
ENTRY_LABEL_CLASS: Final = "reference__label"
COPIES_CLASS: Final = "reference__copies"
COPY_TEXT_CLASS: Final = "reference__copy-text"
# An entry is found in search by what names it: its label (the heading) and its reference.
# The annotation and the titles of the citing pages stay out of the index every page
# downloads; they matched topic words the pages themselves answer. The filter reads them.
_UNINDEXED: Final = {SEARCH_EXCLUDE: ""}
# The filter box's attributes for a site's script (MARKUP.md), and the option each holds.
SCRIPT_TEXTS: Final = {
    "data-count-text": "filter_count_text",
    "data-total-text": "filter_total_text",
    "data-copied-label": "copied_label",
    "data-copy-failed-label": "copy_failed_label",
    "data-copied-message": "copied_message",
    "data-copy-failed-message": "copy_failed_message",
}


def full_bibliography(context: PageContext, md: Markdown) -> list[etree.Element]:
    """The whole list, under a heading for each initial letter.

    The letters give readers a table of contents to jump through, and split the page into
    sections small enough for the search index (Zensical refuses one huge section). Each
    letter's list is HTML text (``html_building``) in a stashed paragraph: no treeprocessor
    walks its thousands of elements, and the letters stay elements for the contents.
    """
    site = context.site
    if site is None:
        return []
    order = context.nav_sort_key()
    elements = [_whole_library_downloads(context), _filter_controls(context)]
    for letter, entries in _by_initial(site.styled.entries):
        # Entries that begin with no letter (a digit, a symbol) share one group.
        section = heading(letter or context.option("other_initial_heading"))
        section.set("id", f"bibliography-{letter.lower() or 'other'}")
        elements.append(section)
        items = "".join(_full_entry(context, entry, order) for entry in entries)
        opening = start_tag("ul", {"class": "reference-list reference-list--full"})
        elements.append(stash_html(md, f"{opening}\n{items}</ul>"))
    empty = etree.Element(
        "p", {"class": "bibliography-filter__empty", "hidden": "hidden", SEARCH_EXCLUDE: ""}
    )
    empty.text = AtomicString(context.option("filter_empty_text"))
    elements.append(empty)
    return elements


def _filter_controls(context: PageContext) -> etree.Element:
    """A labelled filter box; site.js shows it and filters the entries (it is useless without).

    The box, written once per bibliography, also carries the texts a site's script shows for
    the filter and the copy buttons (``SCRIPT_TEXTS``): the script has no words of its own,
    so a site in another language sets them as options like every other text.
    """
    box = etree.Element("div", {"class": "bibliography-filter", "hidden": "hidden"})
    box.set(SEARCH_EXCLUDE, "")
    for attribute, option in SCRIPT_TEXTS.items():
        box.set(attribute, context.option(option))
    label = etree.SubElement(box, "label", {"for": FILTER_ID})
    label.text = AtomicString(context.option("filter_label"))
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


def _whole_library_downloads(context: PageContext) -> etree.Element:
    downloads = context.option("downloads")
    basename = context.option("download_basename")
    paragraph = etree.Element("p", {"class": "bibliography-downloads"})
    builder = TextBuilder(paragraph)
    builder.text(context.option("whole_library_label"))
    for index, (label, suffix) in enumerate(_FORMATS):
        if index:
            builder.text(context.option("download_separator"))
        name = f"{basename}{suffix}"
        link = builder.link(label, context.link_to(f"{downloads}/{name}"))
        link.set("download", name)
    builder.text(context.option("whole_library_end"))
    return paragraph


def _full_entry(
    context: PageContext, entry: StyledReference, order: Callable[[str], tuple[int, str]]
) -> str:
    """One entry as HTML text, laid out line by line as Python-Markdown prettifies a tree.

    The label is the entry's heading: both engines' search split a page into sections at
    headings with an id and weight the heading far above the text, so a search for an
    author leads to the entry itself rather than to its letter. The heading is the short
    label ("Safran & Muran, 2000"), not the reference: with every title word in a heading,
    the bibliography outranked the pages for topic words such as "mindfulness". Being HTML
    text, the headings stay out of the page's table of contents and get no permalink.
    """
    site, links = context.require_site(), context.links
    reference = site.references[entry.key]
    anchor = links.anchor(anchor_for(entry.key))
    label_id = links.anchor(f"{anchor}{ENTRY_HEADING_SUFFIX}")
    reason = reference.get(UNVERIFIED_FIELD)
    item_class = "reference reference--incomplete" if reason else "reference"
    lines = [
        start_tag("li", {"id": anchor, "class": item_class}),
        element_html(
            "h3", {"class": ENTRY_LABEL_CLASS, "id": label_id},
            author_and_date(entry.author_label, entry.year_label),
        ),
        f'<p class="reference__text">{runs_html(entry)}</p>',
    ]  # fmt: skip
    if reason:
        lines.append(
            '<p class="reference__incomplete">'
            f"<strong>{escape_text(context.option('incomplete_label').strip())}"
            f"</strong>{escape_text(f' {reason}')}</p>"
        )
    if annote := reference.get("annote"):
        lines.append(element_html("p", {"class": "reference__annote", **_UNINDEXED}, annote))
    lines.append(_cited_on(context, entry.key, order))
    lines.append(_actions(context, entry))
    # Python-Markdown's prettifier ends a code block with one newline.
    bibtex = escape_text(reference.raw_bibtex.rstrip() + "\n")
    lines.append(f'<details class="reference__bibtex" {SEARCH_EXCLUDE}="">')
    lines.append(element_html("summary", {}, context.option("bibtex_summary")))
    # A <pre> with no <code>: the theme mounts a code-block component (observers, a layout
    # read) on every `pre > code` at load, one per entry here, for blocks that are closed.
    lines.append(f'<pre class="{BIBTEX_SOURCE_CLASS}">{bibtex}</pre>')
    lines.append("</details>")
    # For reference managers (citation_engine.coins).
    lines.append(f"{coins_html(reference)}</li>\n")
    return "\n".join(lines)


def _cited_on(context: PageContext, key: str, order: Callable[[str], tuple[int, str]]) -> str:
    # In the order of the site's navigation, and never the bibliography page itself.
    site, links = context.require_site(), context.links
    bibliography_page = context.option("bibliography_page")
    pages = [page for page in site.index.citing_pages(key) if page.path != bibliography_page]
    pages.sort(key=lambda page: order(page.path))
    cited = ", ".join(
        element_html("a", {"href": links.url(context.link_to(page.path))}, page.title)
        for page in pages
    )
    label = escape_text(context.option("cited_on_label"))
    return f"{start_tag('p', {'class': 'reference__cited-on', **_UNINDEXED})}{label}{cited}</p>"


def _actions(context: PageContext, entry: StyledReference) -> str:
    """Copy buttons for each copy style and BibTeX, then the per-entry downloads.

    The entry in the other copy styles is built runs (italics kept), so site.js can put both
    an HTML and a plain-text flavour on the clipboard. It sits in one ``<template>``: parsed,
    but never styled or laid out, and out of both engines' search like the rest of the row.
    As hidden elements, they would be styled on a phone's first view, several per entry, for
    text no reader sees until a copy.

    Each button's ``data-copy-name`` is its format's name (what ``{name}`` stands for in the
    ``copy_label`` and ``copied_message`` options), so a script never parses the label.
    """
    links = context.links
    button_class = context.option("button_class")
    downloads = context.option("downloads")
    copy_label = context.option("copy_label")
    download_label = context.option("download_label")
    parts = [f'<p class="reference__actions" {SEARCH_EXCLUDE}="">']
    copies = dict(entry.copies)
    kinds = [(style_id, label) for style_id, label, _ in COPY_STYLES]
    texts = [
        f"{start_tag('span', {'class': COPY_TEXT_CLASS, 'data-style': style_id})}"
        f"{runs_html(StyledReference(entry.key, copies[style_id], '', ''))}</span>"
        for style_id, _ in kinds
        if style_id in copies
    ]
    if texts:
        parts.append(f'<template class="{COPIES_CLASS}">{"".join(texts)}</template>')
    for copy_kind, name in [*kinds, ("bibtex", "BibTeX")]:
        button = {
            "type": "button",
            "class": f"{button_class} reference__copy",
            "data-copy": copy_kind,
            "data-copy-name": name,
        }
        parts.append(element_html("button", button, copy_label.replace("{name}", name)) + " ")
    for suffix, name_of_format in ((".bib", "BibTeX"), (".ris", "RIS")):
        label = download_label.replace("{name}", name_of_format)
        name = f"{download_stem(entry.key)}{suffix}"
        href = links.url(context.link_to(f"{downloads}/entries/{name}"))
        link = {"href": href, "class": button_class, "download": name}
        parts.append(element_html("a", link, label) + " ")
    parts.append("</p>")
    return "".join(parts)


def _by_initial(entries: tuple[StyledReference, ...]) -> list[tuple[str, list[StyledReference]]]:
    """Group entries, already in bibliography order, by the first letter of their author.

    Entries that begin with no letter are grouped under ``""``; the caller names that group.
    """
    groups: dict[str, list[StyledReference]] = {}
    for entry in entries:
        first = unicodedata.normalize("NFKD", entry.text[:1]).encode("ascii", "ignore").decode()
        letter = first.upper() if first.isalpha() else ""
        groups.setdefault(letter, []).append(entry)
    return list(groups.items())
