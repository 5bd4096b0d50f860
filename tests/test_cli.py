"""The command-line tools: exit codes and messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alliance_site.cli import main

from tests.conftest import FIXTURE_BIB, FIXTURE_DOCS, FIXTURES, ROOT

if TYPE_CHECKING:
    from pathlib import Path


def test_check_passes_on_a_clean_bibliography(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--bib", str(FIXTURE_BIB), "--docs", str(FIXTURE_DOCS)]) == 0
    out = capsys.readouterr().out
    assert "9 entries, all valid; 9 citations of 9 keys on 3 pages" in out


def test_check_fails_with_every_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@article{doe2020alliance,\n title = {A},\n year = {2020},\n}\n"
        "@article{doe2020alliance,\n title = {B},\n}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("Cites [@nobody2000here].\n", encoding="utf-8")
    assert main(["check", "--bib", str(bib), "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert f"{bib}:5: duplicate key 'doe2020alliance' (first defined at line 1)" in err
    assert "lacks required field author or editor" in err
    assert "problem(s) found" in err


def test_check_reports_unknown_keys_and_uncited_entries(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        "---\ntitle: T\n---\n\nCites [@doe2020aliance].\n", encoding="utf-8"
    )
    assert main(["check", "--bib", str(FIXTURE_BIB), "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert (
        "index.md:5: unknown citation key 'doe2020aliance'; did you mean 'doe2020alliance'?" in err
    )
    assert "entry 'roe2019book' is not cited on any page" in err


def test_export_writes_the_downloads(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "downloads"
    args = ["export", "--bib", str(FIXTURE_BIB), "--docs", str(FIXTURE_DOCS), "--out", str(out)]
    assert main(args) == 0
    # 3 whole-library files, 2 per entry, and the site's citation file and licence.
    assert "23 files written" in capsys.readouterr().out
    assert (out / "references.ris").exists()
    assert (out / "CITATION.cff").read_bytes() == (ROOT / "CITATION.cff").read_bytes()
    assert (out / "LICENSE.txt").read_bytes() == (ROOT / "LICENSE").read_bytes()


def test_export_to_an_unwritable_place_fails_with_a_message_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A file where the folder should be: unwritable even for root, who ignores permissions.
    out = tmp_path / "downloads"
    out.write_text("not a folder", encoding="utf-8")
    args = ["export", "--bib", str(FIXTURE_BIB), "--docs", str(FIXTURE_DOCS), "--out", str(out)]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert f"{out}: the downloads could not be written: " in err
    assert "Traceback" not in err


def test_figures_are_drawn(tmp_path: Path) -> None:
    assert main(["figures", "--out", str(tmp_path)]) == 0
    svg = (tmp_path / "relationship-effects.svg").read_text(encoding="utf-8")
    assert "<title" in svg
    assert "r = .278" in svg
    assert "http" not in svg.replace("http://www.w3.org/2000/svg", "")


def test_check_links_on_a_clean_fixture(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-links", str(FIXTURES / "sites" / "clean")]) == 0
    assert "all internal links" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["nonsense"])
    assert exit_info.value.code == 2
    assert "invalid choice: 'nonsense'" in capsys.readouterr().err
