"""The scan cache: the same index as a fresh scan, keyed on each page's path and text."""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

from citation_engine import citation_index
from citation_engine.citation_index import scan_digest, scan_docs
from citation_engine.markdown_extension import MarkdownScanner

from tests.conftest import SITE_SCAN

if TYPE_CHECKING:
    from pathlib import Path

    import pytest
    from citation_engine.citation_index import PageScanner


def _docs(tmp_path: Path) -> Path:
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nAs @doe2020 found [@roe2019, p. 3].\n")
    (docs / "sub" / "page.md").write_text(
        "---\ntitle: Tab\n---\n# Page\n\n`@code` and [@lee2015]\n"
    )
    return docs


def _cache_file(cache: Path) -> Path:
    return cache / f"scan-{scan_digest(SITE_SCAN.settings)}.json"


def test_cached_scan_equals_fresh_scan(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    cache = tmp_path / "cache"
    fresh = scan_docs(docs, SITE_SCAN, tmp_path)
    first = scan_docs(docs, SITE_SCAN, tmp_path, cache)
    second = scan_docs(docs, SITE_SCAN, tmp_path, cache)
    assert first == fresh
    assert second == fresh
    assert [place.location.line for place in second.pages["sub/page.md"].places] == [6]
    assert str(second.pages["index.md"].places[0].location) == "docs/index.md:3"


def test_unchanged_pages_are_not_rendered_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = _docs(tmp_path)
    cache = tmp_path / "cache"
    scan_docs(docs, SITE_SCAN, tmp_path, cache)
    rendered: list[str] = []
    original = citation_index.scan_page

    def counting(
        text: str, relative_path: str, display_path: str, scan: PageScanner
    ) -> citation_index.PageCitations:
        rendered.append(relative_path)
        return original(text, relative_path, display_path, scan)

    monkeypatch.setattr(citation_index, "scan_page", counting)
    (docs / "index.md").write_text("# Home\n\nNow [@who2021] instead.\n")
    index = scan_docs(docs, SITE_SCAN, tmp_path, cache)
    assert rendered == ["index.md"]
    assert index.pages["index.md"].keys == ("who2021",)
    assert index.pages["sub/page.md"].keys == ("lee2015",)


def test_the_same_text_at_another_path_is_scanned_for_that_path(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    cache = tmp_path / "cache"
    scan_docs(docs, SITE_SCAN, tmp_path, cache)
    text = "Only [@doe2020].\n"
    (docs / "index.md").write_text(text)
    (docs / "copy.md").write_text(text)
    index = scan_docs(docs, SITE_SCAN, tmp_path, cache)
    assert index.pages["copy.md"].title == "copy.md"
    assert str(index.pages["copy.md"].places[0].location) == "docs/copy.md:1"


def test_cache_holds_only_the_last_scan_and_one_file(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "scan-0000.json").write_text("{}")  # another environment's scan
    scan_docs(docs, SITE_SCAN, tmp_path, cache)
    (docs / "sub" / "page.md").unlink()
    scan_docs(docs, SITE_SCAN, tmp_path, cache)
    assert [path.name for path in cache.glob("scan-*.json")] == [_cache_file(cache).name]
    assert len(json.loads(_cache_file(cache).read_text())) == 1


def test_damaged_cache_is_ignored(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    cache = tmp_path / "cache"
    fresh = scan_docs(docs, SITE_SCAN, tmp_path)
    for damage in ("not json", '{"x": 1}', "[1, 2]", '{"x": ["t", "no", []]}'):
        cache.mkdir(exist_ok=True)
        _cache_file(cache).write_text(damage)
        assert scan_docs(docs, SITE_SCAN, tmp_path, cache) == fresh


def test_a_named_pipe_among_the_pages_is_not_read(tmp_path: Path) -> None:
    docs = _docs(tmp_path)
    os.mkfifo(docs / "sub" / "pipe.md")
    assert sorted(scan_docs(docs, SITE_SCAN, tmp_path).pages) == ["index.md", "sub/page.md"]


def test_an_edited_snippet_is_scanned_again(tmp_path: Path) -> None:
    snippets = tmp_path / "snippets"
    snippets.mkdir()
    (snippets / "shared.md").write_text("Shared [@doe2020].\n")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text('# Home\n\n--8<-- "shared.md"\n')
    scan = MarkdownScanner.of(
        ("pymdownx.snippets",), {"pymdownx.snippets": {"base_path": [str(snippets)]}}
    )
    cache = tmp_path / "cache"
    assert scan_docs(docs, scan, tmp_path, cache).pages["index.md"].keys == ("doe2020",)
    (snippets / "shared.md").write_text("Shared [@roe2019].\n")  # the page's text is the same
    assert scan_docs(docs, scan, tmp_path, cache).pages["index.md"].keys == ("roe2019",)
