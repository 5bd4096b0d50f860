"""The reference lists, built as HTML text, render byte for byte as the element trees did.

``tests/fixtures/golden`` holds pages rendered before the change (see
``tests/golden_rendering``): every fixture entry type, the peer-rendering cases, script in
every field, and text Python-Markdown's treeprocessors act on (attribute lists,
abbreviations, entities, a closing script tag).
"""

from __future__ import annotations

import pytest

from tests.golden_rendering import PAGES, golden_file, render


@pytest.mark.parametrize("page", PAGES)
def test_a_page_renders_as_its_stored_golden_html(page: str) -> None:
    assert render(page) == golden_file(page).read_text(encoding="utf-8")
