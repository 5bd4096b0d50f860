"""Build the extension's markup as ElementTree nodes with escaped text, never as strings.

Every piece of bibliography text goes in as an ``AtomicString``: Python-Markdown leaves it
alone and the serializer escapes it, so no field can become markup.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Final

from markdown.util import AtomicString

if TYPE_CHECKING:
    from citation_engine.reference_styles import StyledReference

ANCHOR_PREFIX: Final = "ref-"
SEARCH_EXCLUDE: Final = "data-search-exclude"  # Material's and Zensical's search skip these
_SAFE_HREF_RE: Final = re.compile(r"^https?://", re.IGNORECASE)


def anchor_for(key: str) -> str:
    """The stable element id of a reference, on a page's list and on the bibliography page."""
    return f"{ANCHOR_PREFIX}{key}"


def heading(text: str, level: int = 2) -> etree.Element:
    """A heading element holding escaped text."""
    element = etree.Element(f"h{level}")
    element.text = AtomicString(text)
    return element


class TextBuilder:
    """Append escaped text and links to an element, keeping ElementTree's text/tail rules."""

    def __init__(self, parent: etree.Element) -> None:
        self.parent = parent

    def text(self, value: str) -> None:
        """Append text after the last child (or as the element's text)."""
        if len(self.parent):
            last = self.parent[-1]
            last.tail = AtomicString((last.tail or "") + value)
        else:
            self.parent.text = AtomicString((self.parent.text or "") + value)

    def link(self, label: str, href: str, css_class: str | None = None) -> etree.Element:
        """Append a link. Links never carry a title: themes may insert titles as HTML."""
        anchor = etree.SubElement(self.parent, "a", {"href": href})
        if css_class:
            anchor.set("class", css_class)
        anchor.text = AtomicString(label)
        return anchor

    def runs(self, entry: StyledReference) -> None:
        """Append a formatted reference: italics, bold and only http(s) links kept."""
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
