"""Python-Markdown's raw-HTML stash and MkDocs' treeprocessors, reached in one place.

The reference lists are built as HTML text and handed to Python-Markdown's stash, which
puts a placeholder in the tree and the HTML back in once the page is serialized
(``html_building.stash_html``), and the inline processor reads raw HTML back from the stash
by a placeholder's index. Under MkDocs, the links in that HTML are rewritten as MkDocs'
``relpath`` treeprocessor rewrites the tree's (its ``path_to_url``), and the ids recorded
as its ``mkdocs_extract_anchors`` treeprocessor records them (its ``present_anchor_ids``).
None of these is documented API; ``tests/engine/test_pin_markdown.py`` and
``tests/engine/test_pin_mkdocs.py`` check that each still has the shape used here. Nothing
here acts on import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

    from markdown import Markdown


def stash(md: Markdown, html: str) -> str:
    """Store ``html`` in the page's stash; return the placeholder that stands for it."""
    return md.htmlStash.store(html)


def stashed(md: Markdown, index: int) -> str:
    """The raw HTML the stash holds under a placeholder's index."""
    return str(md.htmlStash.rawHtmlBlocks[index])


def link_rewriter(md: Markdown) -> Callable[[str], str] | Literal[False] | None:
    """MkDocs' link rewriting for this page: None outside MkDocs, False if its shape changed."""
    if "relpath" not in md.treeprocessors:
        return None
    rewrite = getattr(md.treeprocessors["relpath"], "path_to_url", None)
    return rewrite if callable(rewrite) else False


def anchor_ids(md: Markdown) -> set[str] | Literal[False] | None:
    """MkDocs' set of the page's ids: None outside MkDocs, False if its shape changed."""
    if "mkdocs_extract_anchors" not in md.treeprocessors:
        return None
    anchors = getattr(md.treeprocessors["mkdocs_extract_anchors"], "present_anchor_ids", None)
    return anchors if isinstance(anchors, set) else False
