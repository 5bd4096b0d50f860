"""Formatted references are reused between builds only while nothing that shapes them changed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from citation_engine.bibtex_loading import load_bibliography
from citation_engine.styling_cache import cache_key, styled_with_cache

from tests.conftest import FIXTURE_BIB

if TYPE_CHECKING:
    from pathlib import Path


def test_second_build_reads_what_the_first_wrote(tmp_path: Path) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    first = styled_with_cache(references, "apa", tmp_path)
    files = list(tmp_path.glob("*.json"))
    assert len(files) == 1
    second = styled_with_cache(references, "apa", tmp_path)
    assert [(e.key, e.runs, e.author_label, e.year_label) for e in second.entries] == [
        (e.key, e.runs, e.author_label, e.year_label) for e in first.entries
    ]


def test_key_changes_with_the_data_and_the_style(tmp_path: Path) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    fewer = {key: ref for key, ref in references.items() if key != "roe2019book"}
    assert cache_key(references, "apa") != cache_key(fewer, "apa")
    assert cache_key(references, "apa") != cache_key(references, "harvard-cite-them-right")


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    (tmp_path / f"{cache_key(references, 'apa')}.json").write_text("{not json", encoding="utf-8")
    styled = styled_with_cache(references, "apa", tmp_path)
    assert styled["roe2019book"].text == "Roe, R. (2019). A book about relationships. Test Press."
