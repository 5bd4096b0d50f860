"""Front matter is found by MkDocs's own rule, so lints and the scan read what a build reads."""

from __future__ import annotations

import pytest
from citation_engine.front_matter import split_front_matter
from mkdocs.utils.meta import get_data

PAGES = [
    "---\ntitle: A\n---\n# Body\n",
    "---  \ntitle: A\n...\n# Body\n",
    "---\ntitle: A\n---   \nBody\n",
    "--- \n\n---\nBody\n",
    "---\n- a list\n---\nBody\n",
    "---\ntitle: [unclosed\n---\nBody\n",
    "# No front matter\n---\ntitle: A\n---\n",
    "---\ntitle: A\n--- not a fence\nBody\n",
    "----\ntitle: A\n----\nBody\n",
    "---\nreviewed: 2026-12-04\ndescription: >-\n  two\n  lines\n---\n\nBody @key\n",
]


@pytest.mark.parametrize("text", PAGES)
def test_the_split_is_the_split_mkdocs_makes(text: str) -> None:
    body, meta = get_data(text)
    split = split_front_matter(text)
    assert split.meta == meta
    assert split.body == body
    assert text.splitlines()[split.lines :] == split.body.splitlines()


def test_a_byte_order_mark_does_not_hide_the_front_matter() -> None:
    split = split_front_matter("\ufeff---\ntitle: A\n---\nBody\n")
    assert (split.meta, split.lines, split.body) == ({"title": "A"}, 3, "Body\n")


def test_fenced_text_that_is_not_a_mapping_is_named_for_a_lint() -> None:
    assert split_front_matter("---\n- a list\n---\nBody\n").fenced == "- a list\n"
    assert split_front_matter("---\ntitle: A\n---\nBody\n").fenced == ""
