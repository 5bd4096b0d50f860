"""Build the extension's markup with escaped text: as ElementTree nodes, or as HTML text.

Small pieces (headings, the download links) are ElementTree nodes: every piece of
bibliography text goes in as an ``AtomicString``, Python-Markdown leaves it alone and the
serializer escapes it. The reference lists, most of a bibliography page's bytes, are built
as HTML text (``start_tag``, ``element_html``, ``runs_html``) and stashed (``stash_html``):
Python-Markdown's and the engines' treeprocessors and its serializer then never walk them,
which is most of their cost. Every text and attribute value is escaped as the serializer
escapes it (and characters beyond Latin-1 are written as references, see ``escape_text``), so
the HTML parses to the same tree and no field can become markup; ``EngineLinks`` does for
those links and ids what MkDocs' treeprocessors do for the tree's.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from typing import TYPE_CHECKING, Final

from markdown.util import AtomicString

from citation_engine.errors import EngineError
from citation_engine.foreign import markdown_internals

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown

    from citation_engine.reference_styles import StyledReference

ANCHOR_PREFIX: Final = "ref-"
SEARCH_EXCLUDE: Final = "data-search-exclude"  # Material's and Zensical's search skip these
_SAFE_HREF_RE: Final = re.compile(r"^https?://", re.IGNORECASE)
# An ampersand that does not start an entity: Python-Markdown's serializer escapes only these.
_BARE_AMP_RE: Final = re.compile(r"&(?!(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);)", re.IGNORECASE)


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


def escape_text(value: str) -> str:
    """Escape text as Python-Markdown's serializer does: ``&`` (unless an entity), ``<``, ``>``.

    An entity kept as written can only ever show a character: it cannot open a tag.
    Characters beyond Latin-1 (dashes, curly quotes, Greek) are written as numeric character
    references, which every HTML parser reads as the same character. CPython stores a string
    with one byte a character only while every character is Latin-1; a single en dash in a
    page range makes the whole page two bytes a character, in each of the several copies the
    engines keep of the largest page, the bibliography (peak memory).
    """
    if "&" in value:
        value = _BARE_AMP_RE.sub("&amp;", value)
    value = value.replace("<", "&lt;").replace(">", "&gt;")
    if value.isascii():  # a flag CPython keeps on the string: most text is done here
        return value
    return value.encode("latin-1", "xmlcharrefreplace").decode("latin-1")


def escape_attribute(value: str) -> str:
    """Escape an attribute value as the serializer does: as text, and ``"`` too."""
    return escape_text(value).replace('"', "&quot;")


def start_tag(name: str, attributes: dict[str, str]) -> str:
    """An opening tag, its attributes escaped and in the serializer's (sorted) order."""
    written = "".join(
        f' {key}="{escape_attribute(value)}"' for key, value in sorted(attributes.items())
    )
    return f"<{name}{written}>"


def element_html(name: str, attributes: dict[str, str], text: str = "") -> str:
    """A whole element holding escaped text."""
    return f"{start_tag(name, attributes)}{escape_text(text)}</{name}>"


def runs_html(entry: StyledReference) -> str:
    """A formatted reference as HTML: italics, bold and only http(s) links kept, all escaped."""
    parts = []
    for run in entry.runs:
        if run.href and _SAFE_HREF_RE.match(run.href):
            parts.append(
                element_html("a", {"href": run.href, "class": "reference__link"}, run.text)
            )
        elif run.italic or run.bold:
            parts.append(element_html("em" if run.italic else "strong", {}, run.text))
        else:
            parts.append(escape_text(run.text))
    return "".join(parts)


def stash_html(md: Markdown, html: str) -> etree.Element:
    """A paragraph that Python-Markdown replaces with ``html`` once the page is serialized.

    Block-level HTML (a list) replaces the whole paragraph, as a raw HTML block does.
    """
    paragraph = etree.Element("p")
    paragraph.text = markdown_internals.stash(md, html)
    return paragraph


class EngineLinks:
    """What MkDocs' treeprocessors do to links and ids, for HTML they never see.

    MkDocs turns a link to a page's Markdown file into a link to its URL (``relpath``) and
    records every id, so that links to a missing anchor warn (``mkdocs_extract_anchors``).
    Zensical rewrites links in the finished HTML, and plain Python-Markdown does neither:
    there, links stay as written.
    """

    def __init__(self, md: Markdown) -> None:
        self._rewrite: Callable[[str], str] | None
        self._anchors: set[str] | None
        self._urls: dict[str, str] = {}
        rewrite = markdown_internals.link_rewriter(md)
        if rewrite is False:
            raise EngineError(_unsupported("the 'relpath' treeprocessor's path_to_url"))
        self._rewrite = None if rewrite is None else rewrite
        anchors = markdown_internals.anchor_ids(md)
        if anchors is False:
            raise EngineError(_unsupported("the anchor extractor's present_anchor_ids"))
        self._anchors = None if anchors is None else anchors

    def url(self, href: str) -> str:
        """The link as the engine writes it (once per page and target: same answer, one warning)."""
        if self._rewrite is None:
            return href
        if (url := self._urls.get(href)) is None:
            url = self._urls[href] = self._rewrite(href)
        return url

    def anchor(self, element_id: str) -> str:
        """Record an id the page holds; return it."""
        if self._anchors is not None:
            self._anchors.add(element_id)
        return element_id


def _unsupported(internal: str) -> str:
    return (
        f"citation_engine cannot rewrite the reference lists' links as MkDocs does: {internal} "
        "is missing. This MkDocs version is not supported yet; pin the last supported version "
        "(see requirements/build.in) or update html_building.py."
    )
