"""Plain `mkdocs build` makes the whole site: downloads and figures, from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from alliance_site.site_pages import absolute_snippet_paths

from tests.conftest import copy_project

if TYPE_CHECKING:
    from pathlib import Path


def test_relative_snippet_paths_resolve_against_the_configuration(tmp_path: Path) -> None:
    options = {"auto_append": ["includes/abbreviations.md"], "check_paths": True}
    assert absolute_snippet_paths(options, tmp_path) == {
        **options,
        "base_path": [str(tmp_path / ".")],
    }
    both = absolute_snippet_paths({"base_path": ["includes", "/abs"]}, tmp_path)
    assert both == {"base_path": [str(tmp_path / "includes"), "/abs"]}


def _mkdocs(
    args: list[str], cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the project as a fresh clone has it: no downloads, no drawn figures."""
    copy = copy_project(tmp_path_factory.mktemp("plugin") / "project")
    for generated in (copy / "docs" / "downloads", copy / "docs" / "assets" / "figures"):
        for path in sorted(generated.rglob("*"), reverse=True):
            if path.name != "tasks-goals-bond.svg":  # the one figure drawn by hand
                path.rmdir() if path.is_dir() else path.unlink()
    return copy


@pytest.mark.build
def test_mkdocs_build_from_another_folder_makes_the_whole_site(
    project: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    result = _mkdocs(["build", "--strict", "-f", "project/mkdocs.yml", "-d", str(site)],
                     cwd=project.parent)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for name in ("references.bib", "references.ris", "references.json", "CITATION.cff"):
        assert (site / "downloads" / name).stat().st_size > 500, name
    assert (site / "downloads" / "entries" / "razzaque2015mindfulness.ris").is_file()
    assert "<svg" in (site / "assets" / "figures" / "relationship-effects.svg").read_text("utf-8")
    # The snippets (abbreviations) and the review dates resolved against the project too.
    page = (site / "alliance" / "alliance-and-outcome" / "index.html").read_text("utf-8")
    assert "<abbr" in page
    assert "Reviewed" in page
    assert not (project / "docs" / "downloads").exists()  # nothing written into the sources
    assert not (project / "docs" / "assets" / "figures" / "relationship-effects.svg").exists()


@pytest.mark.build
def test_a_broken_bibliography_stops_plain_mkdocs_with_the_message(
    project: Path, tmp_path: Path
) -> None:
    bib = project / "bib" / "references.bib"
    original = bib.read_bytes()
    bib.write_bytes(original.replace(b"Razzaque", "Razzaqu\u00e9".encode("latin-1"), 1))
    try:
        result = _mkdocs(["build", "--strict", "-d", str(tmp_path / "site")], cwd=project)
    finally:
        bib.write_bytes(original)
    column = original.splitlines()[3].index(b"Razzaque") + len(b"Razzaqu") + 1
    assert original.splitlines()[3].count(b"Razzaque") == 1  # line 4 holds the first one
    assert result.returncode == 1
    assert result.stderr.endswith(
        "ERROR   -  1 bibliography problem:\n"
        f"  bib/references.bib:4: byte 0xE9 at column {column} is not UTF-8; save the file as "
        "UTF-8 (reference managers offer it on export)\n"
    )
    assert "Aborted with a BuildError!" in result.stdout
    assert "Traceback" not in result.stderr


@pytest.mark.build
def test_mkdocs_build_refuses_a_link_that_leads_outside_docs(project: Path, tmp_path: Path) -> None:
    link = project / "docs" / "hostname.txt"
    link.symlink_to("/etc/hostname")
    try:
        result = _mkdocs(["build", "--strict", "-d", str(tmp_path / "site")], cwd=project)
    finally:
        link.unlink()
    assert result.returncode == 1
    assert (
        f"hostname.txt: a symbolic link leads outside {project / 'docs'}; the site publishes "
        "only the project's own files: put the file itself there, or remove the link"
    ) in result.stderr
    assert not (tmp_path / "site" / "hostname.txt").exists()
