"""HTML text built for the stash: escaped as the serializer escapes, links as MkDocs writes them."""

from __future__ import annotations

import html
import xml.etree.ElementTree as etree

import markdown
import markdown.serializers
import pytest
from citation_engine.errors import EngineError
from citation_engine.html_building import (
    EngineLinks,
    element_html,
    escape_attribute,
    escape_text,
    runs_html,
    stash_html,
)
from citation_engine.reference_styles import Run, StyledReference
from markdown.treeprocessors import Treeprocessor


def test_text_and_attributes_are_escaped_so_no_field_becomes_markup() -> None:
    hostile = "\"><script>alert(1)</script> & O'Brien"
    html = element_html("span", {"title": hostile, "class": "x"}, hostile)
    assert html == (
        '<span class="x" title="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; O\'Brien">'
        "\"&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; O'Brien</span>"
    )
    # As Python-Markdown's serializer: an entity stays an entity (it can only show a character).
    assert escape_text("AT&amp;T &copy; & &#60;") == "AT&amp;T &copy; &amp; &#60;"
    assert escape_attribute('a"b') == "a&quot;b"


def test_a_stashed_list_replaces_its_paragraph_whole() -> None:
    md = markdown.Markdown()

    class Append(Treeprocessor):
        def run(self, root):  # type: ignore[no-untyped-def]
            root.append(stash_html(md, '<ul class="x">\n<li>one</li>\n</ul>'))

    md.treeprocessors.register(Append(md), "append", 15)
    assert md.convert("Text") == '<p>Text</p>\n<ul class="x">\n<li>one</li>\n</ul>'


def test_outside_mkdocs_links_and_ids_stay_as_written() -> None:
    links = EngineLinks(markdown.Markdown())
    assert links.url("../references/index.md#ref-a") == "../references/index.md#ref-a"
    assert links.anchor("ref-a") == "ref-a"


def test_links_go_through_mkdocs_rewriting_and_ids_reach_its_anchor_check() -> None:
    md = markdown.Markdown()
    seen: list[str] = []

    class RelPath(Treeprocessor):
        def run(self, root):  # type: ignore[no-untyped-def]
            return None

        def path_to_url(self, url: str) -> str:
            seen.append(url)
            return url.replace("index.md", "")

    class Anchors(Treeprocessor):
        def __init__(self, md: markdown.Markdown) -> None:
            super().__init__(md)
            self.present_anchor_ids: set[str] = set()

        def run(self, root):  # type: ignore[no-untyped-def]
            return None

    anchors = Anchors(md)
    md.treeprocessors.register(RelPath(md), "relpath", 0)
    md.treeprocessors.register(anchors, "mkdocs_extract_anchors", 5)
    links = EngineLinks(md)
    assert links.url("../references/index.md#ref-a") == "../references/#ref-a"
    assert links.url("../references/index.md#ref-a") == "../references/#ref-a"
    assert seen == ["../references/index.md#ref-a"]  # once per page and target
    links.anchor("ref-a")
    assert anchors.present_anchor_ids == {"ref-a"}


def test_an_mkdocs_without_the_rewriting_it_relies_on_stops_the_build() -> None:
    md = markdown.Markdown()

    class RelPath(Treeprocessor):
        def run(self, root):  # type: ignore[no-untyped-def]
            return None

    md.treeprocessors.register(RelPath(md), "relpath", 0)
    with pytest.raises(EngineError, match="path_to_url"):
        EngineLinks(md)


def test_runs_as_text_are_the_runs_the_tree_builder_serializes() -> None:
    hostile = '<script>alert(1)</script> & AT&amp;T "q"'
    entry = StyledReference(
        "x2020y",
        (
            Run(hostile),
            Run(hostile, italic=True),
            Run(hostile, bold=True),
            Run(hostile, href='https://doi.org/10.1/"><script>'),
            Run(" javascript", href="javascript:alert(1)"),
            Run(" data", href="data:text/html,x"),
        ),
        "X",
        "2020",
    )
    # The runs as the serializer would write them from a tree holding each run's text.
    expected = etree.Element("p")
    expected.text = hostile
    for tag in ("em", "strong"):
        etree.SubElement(expected, tag).text = hostile
    etree.SubElement(expected, "a", {"class": "reference__link", "href": entry.runs[3].href})
    expected[-1].text = hostile
    expected[-1].tail = " javascript data"
    serialized = markdown.serializers.to_html_string(expected)
    assert serialized == f"<p>{runs_html(entry)}</p>"
    assert "<script>" not in serialized


def test_characters_beyond_latin1_are_written_as_references_that_read_back_the_same() -> None:
    # One byte a character for CPython: the largest strings of a big build stay half the size.
    text = "Müller & “Quote”: α-levels, pp. 1–2 <b>"
    escaped = escape_text(text)
    assert escaped == "Müller &amp; &#8220;Quote&#8221;: &#945;-levels, pp. 1&#8211;2 &lt;b&gt;"
    assert max(map(ord, escaped)) <= 0xFF
    assert html.unescape(escaped) == text
    entry = StyledReference("x", (Run("A – B", italic=True),), "X", "2020")
    assert runs_html(entry) == "<em>A &#8211; B</em>"
