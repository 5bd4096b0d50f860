"""Formatted references are reused between builds only while nothing that shapes them changed."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

from citation_engine import bibtex_loading, styling_cache
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.styling_cache import cache_key, styled_with_cache

from tests.conftest import FIXTURE_BIB

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest


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


STRING_BIB = """@string{jt = "Journal of Testing"}
@article{doe2020alliance,
  author = {Doe, Jane},
  title = {A title},
  journal = jt,
  year = {2020},
}
"""


def test_an_edited_string_macro_is_formatted_again(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    cache = tmp_path / "cache"
    before = load_bibliography(write_bib(STRING_BIB)).references
    assert "Journal of Testing" in styled_with_cache(before, "apa", cache)["doe2020alliance"].text
    edited = STRING_BIB.replace("Journal of Testing", "Journal of Other Things")
    after = load_bibliography(write_bib(edited)).references
    text = styled_with_cache(after, "apa", cache)["doe2020alliance"].text
    assert "Journal of Other Things" in text


def test_a_warm_cache_cannot_hide_a_broken_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    good = styled_with_cache(load_bibliography(FIXTURE_BIB).references, "apa", cache)
    monkeypatch.setattr(bibtex_loading, "latex_to_text", lambda text: text.upper())
    broken = styled_with_cache(load_bibliography(FIXTURE_BIB).references, "apa", cache)
    assert broken["roe2019book"].text != good["roe2019book"].text
    assert "A BOOK ABOUT RELATIONSHIPS" in broken["roe2019book"].text


def test_a_code_change_in_the_engine_changes_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    package = tmp_path / "citation_engine"
    shutil.copytree(Path(styling_cache.__file__).parent, package)
    monkeypatch.setattr(styling_cache, "_PACKAGE_DIR", package)
    before = cache_key(references, "apa")
    formatter = package / "reference_styles.py"
    formatter.write_text(formatter.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert cache_key(references, "apa") != before


def test_a_library_upgrade_changes_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    before = cache_key(references, "apa")
    real_version = metadata.version
    monkeypatch.setattr(
        metadata,
        "version",
        lambda name: "999" if name == "citeproc-py" else real_version(name),
    )
    assert cache_key(references, "apa") != before


def test_the_cache_folder_is_bounded(tmp_path: Path, write_bib: Callable[[str], Path]) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    scan = cache / "scan-0000.json"  # the page-scan cache's file, which pruning leaves alone
    scan.write_text("{}", encoding="utf-8")
    for number in range(styling_cache.KEEP_FILES + 4):
        bib = STRING_BIB.replace("A title", f"Title number {number}")
        styled_with_cache(load_bibliography(write_bib(bib)).references, "apa", cache)
    assert len(list(cache.glob("[0-9a-f]*.json"))) == styling_cache.KEEP_FILES
    assert scan.exists()
