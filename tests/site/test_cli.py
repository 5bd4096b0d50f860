"""The command-line tools: exit codes and messages."""

from __future__ import annotations

import shutil
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
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == f"{docs}/index.md:1: unknown citation key 'nobody2000here'"
    assert lines[1:] == [
        f"{bib}:1: warning: entry 'doe2020alliance' (article) lacks the field author or editor: "
        "an incomplete record",
        f"{bib}:1: warning: entry 'doe2020alliance' (article) lacks the field journal: "
        "an incomplete record",
        f"{bib}:1: warning: entry 'doe2020alliance' is not cited on any page",
        f"{bib}:5: warning: key 'doe2020alliance' is defined again, differently, after line 1; "
        "the first is kept, as BibTeX keeps it (Pandoc keeps the last); remove one",
        lines[-1],
    ]
    assert lines[-1].startswith("1 error(s) and 4 warning(s) found in ")


def _bib_with_warnings_only(tmp_path: Path) -> tuple[Path, Path]:
    bib = tmp_path / "warn.bib"
    bib.write_text(
        "@misc{doe2020alliance,\n author = {Doe, J.},\n title = {A},\n year = {2020},\n"
        " institution = {I},\n}\n}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("Cites [@doe2020alliance].\n", encoding="utf-8")
    return bib, docs


def test_check_passes_with_warnings_and_fails_on_them_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib, docs = _bib_with_warnings_only(tmp_path)
    warnings = [
        f"{bib}:1: warning: entry 'doe2020alliance' (misc) lacks the field publisher or url or "
        "howpublished: an incomplete record",
        f"{bib}:7: warning: text outside any entry is skipped: '}}' (a brace closed the entry "
        "before its end? BibTeX counts every brace, \\{ and \\} too)",
    ]
    assert main(["check", "--bib", str(bib), "--docs", str(docs)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == sorted(warnings)
    assert f"{bib}: 1 entries, 2 warning(s), no errors; 1 citations of 1 keys" in captured.out
    assert main(["check", "--strict", "--bib", str(bib), "--docs", str(docs)]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines[:-1] == sorted(warnings)
    assert lines[-1].startswith("0 error(s) and 2 warning(s) found in ")


def test_check_names_a_decoder_failure_and_escapes_control_characters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bib = tmp_path / "odd.bib"
    deep = "{" * 300 + "x" + "}" * 300
    bib.write_text(
        "@article{a\x1b]0;PWNED\x07x2020,\n author = {Doe, J.},\n title = {T},\n"
        "  journal = {J},\n year = {2020},\n}\n"
        f"@article{{deep2020x,\n title = {{\\'e{deep}}},\n}}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    assert main(["check", "--bib", str(bib), "--docs", str(docs)]) == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err
    assert "\x07" not in err
    assert (
        f"{bib}:1: entry 'a\\u001b]0;PWNED\\u0007x2020': the key contains the control "
        "character U+001B (a control code)\n"
    ) in err
    assert (
        f"{bib}:8: entry 'deep2020x': field 'title': braces are nested more than 100 levels "
        "deep (the value starts at line 8)\n"
    ) in err
    assert "Traceback" not in err


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


def test_each_command_sees_a_page_edited_in_place_since_the_last_in_one_process(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    page = docs / "index.md"
    page.write_text("# Home\n\nCites [@doe2020alliance].\n", encoding="utf-8")
    args = ["check", "--bib", str(FIXTURE_BIB), "--docs", str(docs)]
    main(args)
    # In place, as an editor saves: the folder's modification time stays as it was.
    page.write_text("# Home\n\nCites [@doe2020aliance].\n", encoding="utf-8")
    capsys.readouterr()
    assert main(args) == 1
    assert "unknown citation key 'doe2020aliance'" in capsys.readouterr().err


def test_check_sees_a_citation_that_a_snippet_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The project folder is the working one, as make runs the commands; snippets as mkdocs.yml.
    includes = tmp_path / "includes"
    includes.mkdir()
    shutil.copy(ROOT / "includes" / "abbreviations.md", includes)
    (includes / "shared.md").write_text("Shared [@doe2020aliance].\n", encoding="utf-8")
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text('# Home\n\n--8<-- "includes/shared.md"\n', encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--bib", str(FIXTURE_BIB), "--docs", "docs"]) == 1
    assert "unknown citation key 'doe2020aliance'" in capsys.readouterr().err


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


def test_check_that_fails_itself_reports_one_line_and_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr("alliance_site.cli.check_site", broken)
    assert main(["check", "--bib", str(FIXTURE_BIB), "--docs", str(FIXTURE_DOCS)]) == 3
    assert capsys.readouterr().err == (
        f"{FIXTURE_BIB}: the check itself failed (KeyError: 'boom'); this is a bug in the "
        "site's tooling, please report it with the file\n"
    )


def test_check_help_documents_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["check", "--help"])
    assert exit_info.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert (
        "Its exit status: 0 with no errors (warnings are printed), 1 with any error, or with "
        "any warning under ``--strict``; 2 for bad usage; 3 if the check itself failed"
    ) in text
