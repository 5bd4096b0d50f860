"""The scan renders pages outside the engine: what it leaves out, what it reuses, and threads.

The scan copies the page's extensions from the engine's configuration, which may name this
extension (in any spelling) or the engine's own extensions; collect mode never asks the
engine anything. Pages may be rendered from several threads.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import markdown
import pytest
from citation_engine import citation_index, markdown_extension, site_bibliography
from citation_engine.citation_index import MissingDocsError, scan_docs
from citation_engine.engine_pages import EngineSetting
from citation_engine.errors import BibliographyError
from citation_engine.markdown_extension import CitationExtension, MarkdownScanner
from citation_engine.site_bibliography import check_site

from tests.conftest import FIXTURE_BIB, SITE_SCAN

if TYPE_CHECKING:
    from citation_engine.citation_index import CitationIndex


def test_zensicals_autorefs_in_the_configuration_leaves_the_scan_working() -> None:
    # Zensical adds it for mkdocstrings; it needs Zensical's page, which the scan has not.
    scanner = MarkdownScanner.of(("toc", "zensical.extensions.autorefs"))
    assert scanner.extensions == ("toc",)
    assert scanner("Text [@abc]") == [("abc", 1)]


@pytest.mark.parametrize(
    "name",
    [
        "citation_engine",
        "citation_engine.markdown_extension",
        "citation_engine.markdown_extension:CitationExtension",
        "citation_engine.markdown_extension:makeExtension",
    ],
)
def test_every_spelling_of_this_extension_is_left_out_of_the_scan(name: str) -> None:
    scanner = MarkdownScanner.of(("toc", name))
    assert scanner.extensions == ("toc",)
    assert scanner("Text [@abc]\n\nand @def") == [("abc", 1), ("def", 3)]


def test_collect_mode_never_asks_the_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_engine(md: markdown.Markdown) -> None:
        raise AssertionError("collect mode asked the engine")

    monkeypatch.setattr(markdown_extension, "engine_setting", no_engine)
    assert MarkdownScanner.of(("toc",))("[@abc]") == [("abc", 1)]


def test_one_markdown_renders_every_page_of_a_scan(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[object] = []

    class Counting(markdown.Markdown):
        def __init__(self, **kwargs: Any) -> None:
            made.append(self)
            super().__init__(**kwargs)

    monkeypatch.setattr(markdown_extension, "Markdown", Counting)
    scanner = MarkdownScanner.of(("footnotes", "abbr"))
    pages = ["[@one]", "Text.[^1]\n\n[^1]: See @two.", "*[HTML]: x\n\n[@three] HTML"]
    assert [scanner(page) for page in pages] == [[("one", 1)], [("two", 3)], [("three", 3)]]
    assert scanner.source("[@four]") == "[@four]"
    assert len(made) == 1


def test_a_missing_docs_folder_is_an_error_not_an_empty_index(tmp_path: Path) -> None:
    with pytest.raises(MissingDocsError) as raised:
        scan_docs(tmp_path / "content", SITE_SCAN, tmp_path)
    assert "the docs folder content does not exist" in str(raised.value)
    problems = check_site(FIXTURE_BIB, tmp_path / "content", "apa", tmp_path, scan=SITE_SCAN)
    assert [str(problem.location) for problem in problems] == ["content"]


def _render_under_engine(monkeypatch: pytest.MonkeyPatch, setting: EngineSetting) -> CitationIndex:
    monkeypatch.setattr(markdown_extension, "engine_setting", lambda md: setting)
    extension = CitationExtension(bibliography=str(FIXTURE_BIB))
    markdown.Markdown(extensions=[extension]).convert("[@roe2019book]")
    site = extension.record.require().site
    assert site is not None
    return site.index


def test_the_engines_docs_folder_is_scanned(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = tmp_path / "content"
    content.mkdir()
    (content / "index.md").write_text("# Home\n\n[@roe2019book]\n", encoding="utf-8")
    # mkdocs.yml says docs_dir: content; the extension's option is left at its default.
    setting = EngineSetting(tmp_path, "index.md", docs_dir=Path("content"))
    index = _render_under_engine(monkeypatch, setting)
    assert [page.path for page in index.citing_pages("roe2019book")] == ["index.md"]


def test_a_missing_engine_docs_folder_stops_the_page(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    setting = EngineSetting(tmp_path, "index.md", docs_dir=tmp_path / "gone")
    with pytest.raises(BibliographyError, match="the docs folder gone does not exist"):
        _render_under_engine(monkeypatch, setting)


def test_pages_rendered_in_two_threads_start_one_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("a.md", "b.md"):
        (docs / name).write_text(f"# {name}\n\n[@roe2019book]\n", encoding="utf-8")
    scans: list[Path] = []
    real_scan = citation_index.scan_docs

    def slow_scan(docs_dir: Path, *args: Any, **kwargs: Any) -> CitationIndex:
        scans.append(docs_dir)
        time.sleep(0.3)  # long enough for the other thread to ask too
        return real_scan(docs_dir, *args, **kwargs)

    monkeypatch.setattr(site_bibliography, "scan_docs", slow_scan)
    monkeypatch.setattr(
        markdown_extension,
        "engine_setting",
        lambda md: EngineSetting(tmp_path, threading.current_thread().name),
    )
    failures: list[BaseException] = []

    def render() -> None:
        try:
            extension = CitationExtension(bibliography=str(FIXTURE_BIB), docs_dir="docs")
            markdown.Markdown(extensions=[extension]).convert("[@roe2019book]")
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=render, name=name) for name in ("a.md", "b.md")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(scans) == 1


def test_threads_saving_the_scan_cache_write_temporary_files_of_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Home\n\n[@roe2019book]\n", encoding="utf-8")
    temporaries: list[str] = []
    real_replace = Path.replace

    def recording(self: Path, target: Any) -> Path:
        temporaries.append(self.name)
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", recording)
    scan_docs(docs, SITE_SCAN, tmp_path, tmp_path / "main")
    worker = threading.Thread(target=scan_docs, args=(docs, SITE_SCAN, tmp_path, tmp_path / "w"))
    worker.start()
    worker.join()
    assert len(temporaries) == 2
    assert temporaries[0] != temporaries[1]
