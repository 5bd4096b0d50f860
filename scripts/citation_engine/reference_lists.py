"""Close each page with the list of the works it cites, or expand the bibliography marker."""

from __future__ import annotations

import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING

from markdown.treeprocessors import Treeprocessor

from citation_engine.bibliography_page import full_bibliography
from citation_engine.coins import coins_span
from citation_engine.html_building import SEARCH_EXCLUDE, TextBuilder, anchor_for, heading

if TYPE_CHECKING:
    from markdown import Markdown

    from citation_engine.markdown_extension import CitationExtension


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
            for offset, element in enumerate(full_bibliography(self.extension)):
                parent.insert(index + offset, element)
            return
        if self.extension.cited:
            # The page lists repeat the bibliography page word for word; leaving them out of
            # the search index keeps every page's download small (the index loads with it).
            title = heading(self.extension.getConfig("references_heading"))
            title.set(SEARCH_EXCLUDE, "")
            listing = self._page_list()
            listing.set(SEARCH_EXCLUDE, "")
            root.append(title)
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
        entry_label = self.extension.getConfig("entry_link_label")
        listing = etree.Element("ul", {"class": "reference-list"})
        for entry in site.styled.order(set(self.extension.cited)):
            item = etree.SubElement(
                listing, "li", {"id": anchor_for(entry.key), "class": "reference"}
            )
            # The in-text citations' previews read this span's text (site.js).
            text = etree.SubElement(item, "span", {"class": "reference__text"})
            TextBuilder(text).runs(entry)
            builder = TextBuilder(item)
            builder.text(" ")
            builder.link(
                entry_label,
                f"{self.extension.link_to(bibliography_page)}#{anchor_for(entry.key)}",
                "reference__more",
            )
            item.append(coins_span(site.references[entry.key]))  # for reference managers
        return listing
