"""Each entry's formatting is reused between builds only while nothing that shapes it changed."""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from citation_engine import bibtex_loading, reference_styles, styling_cache
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_styles import load_style, style_references
from citation_engine.styling_cache import CACHE_FILE, entry_keys, styled_with_cache

from benchmarks.generate import bibliography
from tests.conftest import FIXTURE_BIB, ROOT

if TYPE_CHECKING:
    from collections.abc import Callable

    from citation_engine.references import Reference

REAL_BIB = ROOT / "bib" / "references.bib"


@pytest.fixture
def formatted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The keys of the items citeproc-py formats, once per style (three styles an entry)."""
    seen: list[str] = []
    original = reference_styles._format

    def counting(items: list[dict[str, Any]], path: Path, *, without_numbers: bool) -> list[str]:
        seen.extend(item["id"] for item in items)
        return original(items, path, without_numbers=without_numbers)

    monkeypatch.setattr(reference_styles, "_format", counting)
    return seen


def _synthetic(tmp_path: Path, entries: int = 80) -> Path:
    """A generated bibliography, plus a second work by the first entry's authors that year."""
    text, _ = bibliography(entries, seed=5)
    first = text[: text.index("\n}\n") + 3]
    text += "\n" + first.replace("author1950w0", "author1950twin").replace(
        "title = {", "title = {Twin "
    )
    path = tmp_path / "synthetic.bib"
    path.write_text(text, encoding="utf-8")
    return path


def _stored(cache: Path) -> dict[str, Any]:
    entries = json.loads((cache / CACHE_FILE).read_text(encoding="utf-8"))["entries"]
    assert isinstance(entries, dict)
    return entries


def test_second_build_reads_what_the_first_wrote(tmp_path: Path, formatted: list[str]) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    first = styled_with_cache(references, load_style("apa"), tmp_path)
    assert sorted(formatted) == sorted(list(references) * 3)
    assert [path.name for path in tmp_path.iterdir()] == [CACHE_FILE]
    formatted.clear()
    second = styled_with_cache(references, load_style("apa"), tmp_path)
    assert formatted == []
    assert repr(second.entries) == repr(first.entries)


@pytest.mark.slow
@pytest.mark.parametrize("source", ["real", "synthetic"])
def test_entries_formatted_one_by_one_equal_one_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    bib = REAL_BIB if source == "real" else _synthetic(tmp_path)
    references = load_bibliography(bib).references
    fresh = style_references(references, workers=1)
    if source == "synthetic":  # the year suffix set before formatting is part of the test
        assert any(entry.year_label[-1:].isalpha() for entry in fresh.entries)
    original = reference_styles.format_entries

    def one_by_one(
        items: list[dict[str, Any]],
        refs: dict[str, Reference],
        style: reference_styles.Style,
        workers: int | None = None,
    ) -> dict[str, reference_styles.FormattedEntry]:
        result = {}
        for item in items:
            result.update(original([item], refs, style, workers=1))
        return result

    cache = tmp_path / "cache"
    with monkeypatch.context() as patch:
        patch.setattr(reference_styles, "format_entries", one_by_one)
        written = styled_with_cache(references, load_style("apa"), cache)
    read = styled_with_cache(references, load_style("apa"), cache)
    assert repr(written.entries) == repr(fresh.entries)
    assert repr(read.entries) == repr(fresh.entries)
    assert list(read.position) == list(fresh.position)


@pytest.mark.slow
def test_editing_one_entry_formats_exactly_that_entry(
    tmp_path: Path, formatted: list[str], write_bib: Callable[[str], Path]
) -> None:
    text = _synthetic(tmp_path).read_text(encoding="utf-8")
    cache = tmp_path / "cache"
    styled_with_cache(load_bibliography(write_bib(text)).references, load_style("apa"), cache)
    key = "author1953w3"
    start = text.index(f"{{{key},")
    title = text.index("title = {", start) + len("title = {")
    edited = text[:title] + "Edited " + text[title:]
    references = load_bibliography(write_bib(edited)).references
    formatted.clear()
    styled = styled_with_cache(references, load_style("apa"), cache)
    assert formatted == [key] * 3
    assert "Edited" in styled[key].text
    assert repr(styled.entries) == repr(style_references(references).entries)
    assert len(_stored(cache)) == len(references) + 1  # the edited entry's old formatting


SUFFIX_BIB = """@article{doe2020first,
  author = {Doe, Jane}, title = {Alpha}, journal = {J}, year = {2020},
}
"""
SECOND_WORK = """@article{doe2020second,
  author = {Doe, Jane}, title = {Beta}, journal = {J}, year = {2020},
}
"""


def test_a_new_year_suffix_is_formatted_again(
    tmp_path: Path, formatted: list[str], write_bib: Callable[[str], Path]
) -> None:
    cache = tmp_path / "cache"
    alone = styled_with_cache(
        load_bibliography(write_bib(SUFFIX_BIB)).references, load_style("apa"), cache
    )
    assert "(2020)" in alone["doe2020first"].text
    formatted.clear()
    both = load_bibliography(write_bib(SUFFIX_BIB + SECOND_WORK)).references
    styled = styled_with_cache(both, load_style("apa"), cache)
    assert sorted(formatted) == ["doe2020first"] * 3 + ["doe2020second"] * 3
    assert "(2020a)" in styled["doe2020first"].text
    assert "(2020b)" in styled["doe2020second"].text


def test_keys_change_with_the_entry_and_the_styles(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    before = entry_keys(references, load_style("apa"))
    assert len(set(before.values())) == len(references)
    retitled = dict(references)
    old = references["roe2019book"]
    retitled["roe2019book"] = dataclasses.replace(old, fields={**old.fields, "title": "New"})
    after = entry_keys(retitled, load_style("apa"))
    assert {key for key in before if before[key] != after[key]} == {"roe2019book"}
    changed_style = tmp_path / "harvard.csl"
    real_resolve = reference_styles.resolve_style
    changed_style.write_bytes(real_resolve("harvard-cite-them-right").read_bytes() + b"\n")
    monkeypatch.setattr(
        reference_styles,
        "resolve_style",
        lambda name: changed_style if name == "harvard-cite-them-right" else real_resolve(name),
    )
    restyled = entry_keys(references, load_style("apa"))
    assert all(restyled[key] != before[key] for key in references)


def test_a_damaged_cache_file_is_ignored(tmp_path: Path) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    (tmp_path / CACHE_FILE).write_text("{not json", encoding="utf-8")
    styled = styled_with_cache(references, load_style("apa"), tmp_path)
    assert styled["roe2019book"].text == "Roe, R. (2019). A book about relationships. Test Press."


def test_a_damaged_entry_is_formatted_again(tmp_path: Path, formatted: list[str]) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    styled_with_cache(references, load_style("apa"), tmp_path)
    key = entry_keys(references, load_style("apa"))["roe2019book"]
    raw = json.loads((tmp_path / CACHE_FILE).read_text(encoding="utf-8"))
    raw["entries"][key][0][0] = ["Forged text", "not a bool", False, ""]
    (tmp_path / CACHE_FILE).write_text(json.dumps(raw), encoding="utf-8")
    formatted.clear()
    styled = styled_with_cache(references, load_style("apa"), tmp_path)
    assert formatted == ["roe2019book"] * 3
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
    assert (
        "Journal of Testing"
        in styled_with_cache(before, load_style("apa"), cache)["doe2020alliance"].text
    )
    edited = STRING_BIB.replace("Journal of Testing", "Journal of Other Things")
    after = load_bibliography(write_bib(edited)).references
    text = styled_with_cache(after, load_style("apa"), cache)["doe2020alliance"].text
    assert "Journal of Other Things" in text


def test_a_warm_cache_cannot_hide_a_broken_decoder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    good = styled_with_cache(load_bibliography(FIXTURE_BIB).references, load_style("apa"), cache)
    monkeypatch.setattr(bibtex_loading, "latex_to_text", lambda text: text.upper())
    broken = styled_with_cache(load_bibliography(FIXTURE_BIB).references, load_style("apa"), cache)
    assert broken["roe2019book"].text != good["roe2019book"].text
    assert "A BOOK ABOUT RELATIONSHIPS" in broken["roe2019book"].text


def test_a_code_change_in_the_engine_changes_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    package = tmp_path / "citation_engine"
    shutil.copytree(Path(styling_cache.__file__).parent, package)
    monkeypatch.setattr(styling_cache, "_PACKAGE_DIR", package)
    before = entry_keys(references, load_style("apa"))
    formatter = package / "reference_styles.py"
    formatter.write_text(formatter.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    after = entry_keys(references, load_style("apa"))
    assert all(after[key] != before[key] for key in references)


def test_a_library_upgrade_changes_every_key(monkeypatch: pytest.MonkeyPatch) -> None:
    references = load_bibliography(FIXTURE_BIB).references
    before = entry_keys(references, load_style("apa"))
    real_version = metadata.version
    monkeypatch.setattr(
        metadata,
        "version",
        lambda name: "999" if name == "citeproc-py" else real_version(name),
    )
    after = entry_keys(references, load_style("apa"))
    assert all(after[key] != before[key] for key in references)


def test_the_cache_is_bounded_and_keeps_recent_states(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    formatted: list[str],
    write_bib: Callable[[str], Path],
) -> None:
    monkeypatch.setattr(styling_cache, "KEEP_STALE", 3)
    cache = tmp_path / "cache"
    cache.mkdir()
    scan = cache / "scan-0000.json"  # the page-scan cache's file, which pruning leaves alone
    scan.write_text("{}", encoding="utf-8")
    legacy = cache / f"{'ab' * 32}.json"  # a whole-bibliography file of the earlier cache
    legacy.write_text("[]", encoding="utf-8")
    for number in range(8):
        bib = STRING_BIB.replace("A title", f"Title number {number}")
        styled_with_cache(load_bibliography(write_bib(bib)).references, load_style("apa"), cache)
    assert len(_stored(cache)) == 1 + 3
    assert scan.exists()
    assert not legacy.exists()
    assert sorted(path.name for path in cache.iterdir()) == sorted([CACHE_FILE, scan.name])
    formatted.clear()
    back = STRING_BIB.replace("A title", "Title number 5")  # three states ago: still kept
    styled = styled_with_cache(
        load_bibliography(write_bib(back)).references, load_style("apa"), cache
    )
    assert formatted == []
    assert "Title number 5" in styled["doe2020alliance"].text


def test_many_missing_entries_are_formatted_in_workers_with_the_same_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    references = load_bibliography(_synthetic(tmp_path, 40)).references
    fresh = style_references(references, workers=1)
    workers: list[int] = []
    original = reference_styles._format_all

    def recording(
        items: list[dict[str, Any]], jobs: list[tuple[Path, bool]], count: int
    ) -> list[list[str]]:
        workers.append(count)
        return original(items, jobs, count)

    monkeypatch.setattr(reference_styles, "PARALLEL_MIN_ENTRIES", 10)
    monkeypatch.setattr(reference_styles, "_format_all", recording)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _: {0, 1}, raising=False)
    styled = styled_with_cache(references, load_style("apa"), tmp_path / "cache")
    assert workers == [2]
    assert repr(styled.entries) == repr(fresh.entries)
