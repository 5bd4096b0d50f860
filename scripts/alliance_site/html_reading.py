"""Read a built page's elements with the standard library's HTML parser.

The Content-Security-Policy and the link checks need only each element's name, attributes,
line and, for ``<script>`` and ``<style>``, its raw text. The standard library's tokenizer
gives exactly that, so building, serving and packaging need no HTML library beyond Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

# Elements whose content the tokenizer passes through as raw text (no markup inside).
RAW_TEXT: Final = frozenset({"script", "style"})


@dataclass
class Element:
    """One start tag: its name, its attributes (the first of a repeated one), its line.

    An attribute written without a value (``<script async>``) has the value ``""``.
    """

    name: str
    attributes: dict[str, str]
    line: int
    text: str = ""
    _chunks: list[str] = field(default_factory=list, repr=False)

    def get(self, name: str) -> str | None:
        """An attribute's value; None when absent."""
        return self.attributes.get(name)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self._open: Element | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes: dict[str, str] = {}
        for name, value in attrs:
            attributes.setdefault(name, value or "")  # as browsers do, the first one counts
        element = Element(tag, attributes, self.getpos()[0])
        self.elements.append(element)
        self._open = element if tag in RAW_TEXT else None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open._chunks.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == self._open.name:
            self._open.text = "".join(self._open._chunks)
            self._open = None


def elements(html: str) -> list[Element]:
    """Every start tag of a page, in document order."""
    collector = _Collector()
    collector.feed(html)
    collector.close()
    collector.handle_endtag(collector._open.name if collector._open else "")  # unclosed at end
    return collector.elements


def page_elements(page: Path) -> list[Element]:
    """Every start tag of a UTF-8 page, in document order."""
    return elements(page.read_text(encoding="utf-8"))
