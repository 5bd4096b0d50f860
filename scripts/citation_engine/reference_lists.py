"""Close each page with the list of the works it cites, or expand the bibliography marker."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markdown.treeprocessors import Treeprocessor

from citation_engine.bibliography_page import full_bibliography
from citation_engine.coins import coins_html
from citation_engine.html_building import (
    SEARCH_EXCLUDE,
    anchor_for,
    element_html,
    heading,
    runs_html,
    start_tag,
    stash_html,
)

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

    from markdown import Markdown

    from citation_engine.page_context import PageContext, PageRecord


class ReferenceListTreeprocessor(Treeprocessor):
    """Append the page's reference list, or expand the bibliography marker into the full list."""

    def __init__(self, md: Markdown, record: PageRecord) -> None:
        super().__init__(md)
        self.record = record

    def run(self, root: etree.Element) -> None:
        """Modify the page tree in place."""
        context = self.record.require()
        marker = _find_marker(root, context.option("marker"))
        if marker is not None:
            parent, paragraph = marker
            index = list(parent).index(paragraph)
            parent.remove(paragraph)
            for offset, element in enumerate(full_bibliography(context, self.md)):
                parent.insert(index + offset, element)
            return
        if self.record.cited:
            # The page lists repeat the bibliography page word for word; leaving them out of
            # the search index keeps every page's download small (the index loads with it).
            title = heading(context.option("references_heading"))
            title.set(SEARCH_EXCLUDE, "")
            root.append(title)
            root.append(stash_html(self.md, page_list(context, tuple(self.record.cited))))


def _find_marker(root: etree.Element, wanted: str) -> tuple[etree.Element, etree.Element] | None:
    for parent in root.iter():
        for child in parent:
            if child.tag == "p" and len(child) == 0 and (child.text or "").strip() == wanted:
                return parent, child
    return None


def page_list(context: PageContext, cited: tuple[str, ...]) -> str:
    """The list as HTML text (``html_building``): no treeprocessor needs to walk it."""
    site = context.site
    if site is None:
        return ""
    links = context.links
    bibliography = context.link_to(context.option("bibliography_page"))
    entry_label = context.option("entry_link_label")
    items = []
    for entry in site.styled.order(set(cited)):
        anchor = links.anchor(anchor_for(entry.key))
        more = {"href": links.url(f"{bibliography}#{anchor}"), "class": "reference__more"}
        items.append(
            start_tag("li", {"id": anchor, "class": "reference"})
            # The in-text citations' previews read this span's text (site.js).
            + f'<span class="reference__text">{runs_html(entry)}</span> '
            + element_html("a", more, entry_label)
            + coins_html(site.references[entry.key])  # for reference managers
            + "</li>\n"
        )
    # The names of the links a site's script may add from each entry back to its citations
    # (MARKUP.md): the script has no words of its own.
    back = {
        "data-back-label": context.option("back_to_citation_label"),
        "data-back-numbered-label": context.option("back_to_citations_label"),
    }
    opening = start_tag("ul", {"class": "reference-list", SEARCH_EXCLUDE: "", **back})
    return f"{opening}\n{''.join(items)}</ul>"
