"""Bad input stops the build on both engines, with a message naming the file and line."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest

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


def test_mkdocs_names_the_page_it_was_reading(tmp_path: Path) -> None:
    result = _build("mkdocs", PROJECTS / "unknown_key", tmp_path)
    assert f"Error reading page 'index.md': {UNKNOWN_KEY_MESSAGE}" in result.stderr


def test_nav_entry_for_a_missing_page_stops_the_build(tmp_path: Path) -> None:
    result = _build("mkdocs", PROJECTS / "missing_nav_page", tmp_path)
    assert result.returncode != 0
    assert (
        "A reference to 'chapter/missing-page.md' is included in the 'nav' configuration, "
        "which is not found in the documentation files."
    ) in result.stderr
    assert "Aborted with 1 warnings in strict mode!" in result.stdout
