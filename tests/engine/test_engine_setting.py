"""The nav order comes from the engine's configuration, in MkDocs' shape and Zensical's."""

from __future__ import annotations

from citation_engine.engine_pages import nav_pages

MKDOCS_NAV = [
    {"Home": "index.md"},
    {"Part": ["b/late.md", {"Early": "a/early.md"}]},
    {"External": "https://example.org/x.md"},
    {"References": "references/index.md"},
]
# Zensical turns each item into a dict with a url and children (zensical.config).
ZENSICAL_NAV = [
    {"title": "Home", "url": "index.md", "children": [], "is_index": True, "active": False},
    {
        "title": "Part",
        "url": None,
        "children": [
            {"title": None, "url": "b/late.md", "children": [], "is_index": False},
            {"title": "Early", "url": "a/early.md", "children": [], "is_index": False},
        ],
    },
    {"title": "References", "url": "references/index.md", "children": []},
]
EXPECTED = ["index.md", "b/late.md", "a/early.md", "references/index.md"]


def test_mkdocs_nav_gives_the_pages_in_order() -> None:
    assert list(nav_pages(MKDOCS_NAV)) == EXPECTED


def test_zensical_nav_gives_the_pages_in_order() -> None:
    assert list(nav_pages(ZENSICAL_NAV)) == EXPECTED


def test_no_nav_gives_no_order() -> None:
    assert list(nav_pages(None)) == []
