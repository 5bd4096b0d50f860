"""Python-Markdown's internals the engine relies on still have the shape it uses.

A Python-Markdown upgrade fails here first; CONTRIBUTING's "When a pin moves" says what
to re-check (``foreign/markdown_internals.py``, ``inline_citations.py``).
"""

from __future__ import annotations

import re
from typing import Any

import markdown
from citation_engine import inline_citations
from citation_engine.foreign import markdown_internals
from markdown.util import ETX, STX


def test_the_stash_hands_back_a_placeholder_the_engine_reads() -> None:
    md = markdown.Markdown()
    placeholder = markdown_internals.stash(md, "<ul><li>x</li></ul>")
    match = inline_citations._HTML_PLACEHOLDER_RE.fullmatch(placeholder)
    assert match is not None, f"Python-Markdown's stash placeholder is now {placeholder!r}"
    assert markdown_internals.stashed(md, int(match["html"])) == "<ul><li>x</li></ul>"


def test_a_stashed_paragraph_is_replaced_by_the_html_whole() -> None:
    md = markdown.Markdown()
    placeholder = markdown_internals.stash(md, "<ul><li>x</li></ul>")
    assert md.postprocessors["raw_html"].run(f"<p>{placeholder}</p>") == "<ul><li>x</li></ul>"


def test_the_placeholder_characters_and_markers_are_the_engine_s() -> None:
    assert (STX, ETX) == ("\x02", "\x03")
    assert markdown.util.HTML_PLACEHOLDER == "\x02wzxhzdk:%s\x03"
    assert markdown.util.INLINE_PLACEHOLDER_PREFIX == "\x02klzzwxh:"
    pattern = inline_citations._PLACEHOLDER_RE.pattern
    assert re.search("klzzwxh", pattern)
    assert re.search("wzxhzdk", pattern)


def test_the_inline_treeprocessor_keeps_ancestors_and_stashed_nodes() -> None:
    md = markdown.Markdown()
    inline: Any = md.treeprocessors["inline"]
    md.convert("*a* [link](x)")
    assert isinstance(inline.ancestors, list)
    assert isinstance(inline.stashed_nodes, dict)
    assert isinstance(md.ESCAPED_CHARS, list)
    assert isinstance(md.references, dict)


def test_the_registry_priorities_the_extension_is_placed_against() -> None:
    md = markdown.Markdown()
    inline: Any = md.inlinePatterns  # the registry's sorted items are private too
    priorities = {item.name: item.priority for item in inline._priority}
    assert (priorities["backtick"], priorities["link"], priorities["html"]) == (190, 160, 90)
    assert (priorities["entity"], priorities["em_strong"]) == (80, 60)
    processors: Any = md.treeprocessors
    tree = {item.name: item.priority for item in processors._priority}
    assert tree["inline"] == 20
