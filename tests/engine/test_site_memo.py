"""Within one process (``serve``), the loaded bibliography is reused only while its bytes are."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest
from citation_engine import bibtex_loading, site_bibliography
from citation_engine.errors import BibliographyError
from citation_engine.site_bibliography import forget_site, load_site_bibliography

from tests.conftest import SITE_SCAN

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from citation_engine.bibtex_loading import LoadedBibliography

BIB = """@article{doe2020alliance,
  author = {Doe, Jane},
  title = {A first title},
  journal = {Journal of Testing},
  year = {2020},
}
"""
PAGE = "# Page\n\nAs shown [@doe2020alliance].\n"


@pytest.fixture
def loads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """How many times the ``.bib`` file's bytes were parsed, by the name messages give it."""
    seen: list[str] = []
    original = bibtex_loading.load_bytes

    def counting(data: bytes, shown: str) -> LoadedBibliography:
        seen.append(shown)
        return original(data, shown)

    monkeypatch.setattr(site_bibliography, "load_bytes", counting)
    forget_site()
    return seen


def _site(tmp_path: Path, write_bib: Callable[[str], Path], text: str) -> tuple[Path, Path]:
    bib = write_bib(text)
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "index.md").write_text(PAGE, encoding="utf-8")
    return bib, docs


def _title(bib: Path, docs: Path, tmp_path: Path) -> str:
    site = load_site_bibliography(bib, docs, "apa", tmp_path, tmp_path / "cache", scan=SITE_SCAN)
    return site.styled["doe2020alliance"].text


def test_an_edited_bib_is_seen_on_the_next_build(
    tmp_path: Path, write_bib: Callable[[str], Path], loads: list[str]
) -> None:
    bib, docs = _site(tmp_path, write_bib, BIB)
    assert "A first title" in _title(bib, docs, tmp_path)
    bib.write_text(BIB.replace("A first title", "An edited title"), encoding="utf-8")
    stat = bib.stat()
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert "An edited title" in _title(bib, docs, tmp_path)
    assert len(loads) == 2


def test_a_rescan_reuses_the_parsed_bib_and_its_formatting(
    tmp_path: Path, write_bib: Callable[[str], Path], loads: list[str]
) -> None:
    bib, docs = _site(tmp_path, write_bib, BIB)
    first = load_site_bibliography(bib, docs, "apa", tmp_path, tmp_path / "cache", scan=SITE_SCAN)
    styled = first.styled
    (docs / "index.md").write_text(PAGE + "\nMore [@doe2020alliance, p. 3].\n", encoding="utf-8")
    forget_site()  # what the extension does when a new build starts
    second = load_site_bibliography(bib, docs, "apa", tmp_path, tmp_path / "cache", scan=SITE_SCAN)
    assert second is not first
    assert len(second.index.pages["index.md"].places) == 2  # the page was scanned again
    assert second.references is first.references
    assert second.styled is styled
    assert len(loads) == 1


def test_the_memo_is_keyed_on_bytes_not_the_modification_time(
    tmp_path: Path, write_bib: Callable[[str], Path], loads: list[str]
) -> None:
    bib, docs = _site(tmp_path, write_bib, BIB)
    assert "A first title" in _title(bib, docs, tmp_path)
    stat = bib.stat()
    bib.write_text(BIB.replace("A first title", "Same time, new text"), encoding="utf-8")
    os.utime(bib, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # an edit the clock did not see
    forget_site()
    assert "Same time, new text" in _title(bib, docs, tmp_path)
    assert len(loads) == 2


def test_a_broken_bib_is_reported_on_every_build(
    tmp_path: Path, write_bib: Callable[[str], Path], loads: list[str]
) -> None:
    bib, docs = _site(tmp_path, write_bib, BIB.replace("year = {2020},", "year = {2020,"))
    for _ in range(2):
        forget_site()
        with pytest.raises(BibliographyError, match="found 'the end of the file'"):
            load_site_bibliography(bib, docs, "apa", tmp_path, tmp_path / "cache", scan=SITE_SCAN)
    assert len(loads) == 2
