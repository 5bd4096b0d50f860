"""Bad input stops the build on both engines, with a message naming the file and line.

Every input problem ends the build with its message alone: no Python traceback, which would
read as a crash of the site's code.
"""

from __future__ import annotations

import html
import os
import shutil
import socket
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from citation_engine.download_names import download_stem

from tests.conftest import FIXTURES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

PROJECTS = FIXTURES / "projects"
pytestmark = pytest.mark.build


def _build(engine: str, project: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """Build a copy of a fixture project, laid out as in the fixtures folder."""
    shutil.copytree(FIXTURES / "bib", tmp_path / "bib")
    work = tmp_path / "projects" / project.name
    shutil.copytree(project, work)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", engine, "build", "--strict"]
    return subprocess.run(command, cwd=work, env=env, capture_output=True, text=True, check=False)


UNKNOWN_KEY_MESSAGE = (
    "2 citation problems:\n"
    "  docs/index.md:8: unknown citation key 'doe2020aliance'; did you mean 'doe2020alliance'?\n"
    "  docs/index.md:8: unknown citation key 'roe2019bok'; did you mean 'roe2019book'?"
)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_unknown_citation_key_stops_the_build(engine: str, tmp_path: Path) -> None:
    result = _build(engine, PROJECTS / "unknown_key", tmp_path)
    assert result.returncode != 0
    assert UNKNOWN_KEY_MESSAGE in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_mkdocs_names_the_page_it_was_reading(tmp_path: Path) -> None:
    result = _build("mkdocs", PROJECTS / "unknown_key", tmp_path)
    assert "ERROR   -  Error reading page 'index.md':\n" in result.stderr
    assert f"ERROR   -  {UNKNOWN_KEY_MESSAGE}\n" in result.stderr
    assert "Aborted with a BuildError!" in result.stdout


def test_zensical_prints_the_message_alone(tmp_path: Path) -> None:
    result = _build("zensical", PROJECTS / "unknown_key", tmp_path)
    assert f"Error: {UNKNOWN_KEY_MESSAGE}\n" in result.stderr


GOOD_ENTRY = (
    "@article{doe2020alliance,\n  author = {Doe, Jane},\n  title = {A title},\n"
    "  journal = {J},\n  year = {2020},\n}\n"
)
BAD_BIBLIOGRAPHIES = {
    "not_utf8": (
        GOOD_ENTRY.replace("Doe, Jane", "Dupr\u00e9, Jane").encode("latin-1"),
        "1 bibliography problem:\n  bib/test.bib:2: byte 0xE9 at column 17 is not UTF-8; "
        "save the file as UTF-8 (reference managers offer it on export)",
    ),
    "empty": (
        b"",
        "1 bibliography problem:\n  bib/test.bib: holds no entries (an empty or comment-only "
        "file); add at least one entry",
    ),
    "comment_only": (
        b"% References will go here.\n",
        "1 bibliography problem:\n  bib/test.bib: holds no entries (an empty or comment-only "
        "file); add at least one entry",
    ),
    "missing": (None, "1 bibliography problem:\n  bib/test.bib: bibliography file not found"),
    "malformed_entry": (
        GOOD_ENTRY.replace("{A title}", "{A title").encode("utf-8")
        + b"\n"
        + GOOD_ENTRY.replace("doe", "zed").encode("utf-8"),
        "1 bibliography problem:\n  bib/test.bib:1: entry 'doe2020alliance' is not closed "
        "before the next entry at line 8 (is a brace in one of its fields unbalanced?)",
    ),
    "unescaped_dollar": (
        GOOD_ENTRY.replace("{A title}", "{Costs $5 and $6}").encode("utf-8"),
        "1 bibliography problem:\n  bib/test.bib:3: entry 'doe2020alliance': field 'title': "
        "'$5 and $' is not math; write \\$ for a dollar sign, or $...$ around math",
    ),
}


def _project(tmp_path: Path, bib: bytes | None, page: str = "Cites [@doe2020alliance].\n") -> Path:
    """A one-page project whose bibliography is ``bib`` (``None``: no file at all)."""
    project = tmp_path / "project"
    (project / "docs").mkdir(parents=True)
    (project / "bib").mkdir()
    (project / "docs" / "references").mkdir()
    (project / "docs" / "index.md").write_text(f"# Home\n\n{page}", encoding="utf-8")
    (project / "docs" / "references" / "index.md").write_text(
        "# References\n\n[[bibliography]]\n", encoding="utf-8"
    )
    (project / "mkdocs.yml").write_text(
        "site_name: Failure fixture\ntheme:\n  name: material\n  font: false\n"
        "markdown_extensions:\n  - citation_engine:\n      bibliography: bib/test.bib\n"
        "nav:\n  - index.md\n  - references/index.md\n",
        encoding="utf-8",
    )
    if bib is not None:
        (project / "bib" / "test.bib").write_bytes(bib)
    return project


def _run(command: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_MKDOCS_2_WARNING": "1"}
    return subprocess.run(
        [sys.executable, *command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
@pytest.mark.parametrize("case", sorted(BAD_BIBLIOGRAPHIES))
def test_a_bad_bibliography_stops_the_build_without_a_traceback(
    engine: str, case: str, tmp_path: Path
) -> None:
    bib, message = BAD_BIBLIOGRAPHIES[case]
    result = _run(["-m", engine, "build", "--strict"], _project(tmp_path, bib))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output
    assert "Traceback" not in output


@pytest.mark.parametrize("case", ["not_utf8", "missing"])
def test_the_export_that_zensical_builds_run_first_stops_with_the_message(
    case: str, tmp_path: Path
) -> None:
    bib, message = BAD_BIBLIOGRAPHIES[case]
    result = _run(
        ["-m", "alliance_site", "export", "--bib", "bib/test.bib"], _project(tmp_path, bib)
    )
    assert result.returncode == 1
    assert result.stderr == message + "\n"


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_serve_stops_on_a_bad_bibliography_without_a_traceback(engine: str, tmp_path: Path) -> None:
    bib, message = BAD_BIBLIOGRAPHIES["not_utf8"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = ["-m", engine, "serve", "--dev-addr", f"127.0.0.1:{port}"]
    result = _run(command, _project(tmp_path, bib))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert message in output
    assert "Traceback" not in output


OTHER_TOOLS_KEYS = {
    "smithTherapeuticAlliance2020": "Zotero and Better BibTeX (auth.lower + shorttitle + year)",
    "smith2020therapeutic": "Better BibTeX's and Google Scholar's author-year-word",
    "Smith2020": "JabRef's default [auth][year]",
    "smith_therapeutic_2020": "Zotero's own BibTeX export",
    "Smith_2020": "Crossref's content negotiation",
    "Smith:2020:TAB": "the colon-separated keys of older tools",
    "10.1037/pst0000172": "a DOI as the key, as some researchers write by hand",
    "Smith?2020": "a question mark inside, which Pandoc cites",
    "Müller&Roe2020": "letters beyond ASCII and an ampersand, which Pandoc cites",
}


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_a_cited_key_defined_twice_differently_stops_the_build(engine: str, tmp_path: Path) -> None:
    bib = GOOD_ENTRY + "\n" + GOOD_ENTRY.replace("A title", "Another title")
    result = _run(["-m", engine, "build", "--strict"], _project(tmp_path, bib.encode()))
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert (
        "1 bibliography problem:\n  bib/test.bib:8: key 'doe2020alliance' is cited, but lines 1 "
        "and 8 define it differently (BibTeX prints the first, Pandoc the last); keep one"
    ) in output
    assert "Traceback" not in output


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_an_incomplete_record_and_an_identical_copy_build(engine: str, tmp_path: Path) -> None:
    incomplete = GOOD_ENTRY.replace("  journal = {J},\n", "")
    bib = (
        incomplete
        + "\n"
        + incomplete
        + "\n}\n@collection{roe2019set,\n  editor = {Roe, R.},\n  title = {Set},\n}\n"
    )
    page = "Cites [@doe2020alliance] and [@roe2019set].\n"
    project = _project(tmp_path, bib.encode(), page)
    export = ["-m", "alliance_site", "export", "--bib", "bib/test.bib"]
    assert _run(export, project).returncode == 0  # as the Zensical wrapper does first
    result = _run(["-m", engine, "build", "--strict"], project)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_keys_of_other_tools_build(engine: str, tmp_path: Path) -> None:
    entries = "\n".join(
        GOOD_ENTRY.replace("doe2020alliance", key).replace("A title", f"Title {n}")
        for n, key in enumerate(OTHER_TOOLS_KEYS)
    )
    page = "".join(f"Cites [@{key}].\n\n" for key in OTHER_TOOLS_KEYS)
    project = _project(tmp_path, entries.encode("utf-8"), page)
    export = ["-m", "alliance_site", "export", "--bib", "bib/test.bib"]
    assert _run(export, project).returncode == 0  # as the Zensical wrapper does first
    result = _run(["-m", engine, "build", "--strict"], project)
    assert result.returncode == 0, result.stdout + result.stderr
    page_html = (project / "site" / "index.html").read_text(encoding="utf-8")
    bibliography = (project / "site" / "references" / "index.html").read_text(encoding="utf-8")
    for key in OTHER_TOOLS_KEYS:
        escaped = html.escape(key)
        assert f'references/#ref-{escaped}"' in page_html, key
        assert f'id="ref-{escaped}"' in bibliography, key
        name = download_stem(key)
        assert (project / "docs" / "downloads" / "entries" / f"{name}.bib").exists(), key
        assert f'download="{name}.bib"' in bibliography, key


def test_nav_entry_for_a_missing_page_stops_the_build(tmp_path: Path) -> None:
    result = _build("mkdocs", PROJECTS / "missing_nav_page", tmp_path)
    assert result.returncode != 0
    assert (
        "A reference to 'chapter/missing-page.md' is included in the 'nav' configuration, "
        "which is not found in the documentation files."
    ) in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout
