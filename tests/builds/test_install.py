"""The installed distribution: the commands every MkDocs user types work from any folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import FIXTURES

pytestmark = pytest.mark.build
PROJECT = FIXTURES / "projects" / "any_folder"
BIN = Path(sys.executable).parent


def _env() -> dict[str, str]:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    env.pop("PYTHONPATH", None)  # nothing but the installed distribution
    return env


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([str(BIN / "mkdocs"), "build"], id="mkdocs_console_script"),
        pytest.param([sys.executable, "-m", "mkdocs", "build"], id="python_m_mkdocs"),
    ],
)
def test_build_from_another_folder(command: list[str], tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    site = tmp_path / "site"
    full = [*command, "--strict", "-f", str(project / "mkdocs.yml"), "-d", str(site)]
    result = subprocess.run(
        full, cwd=elsewhere, env=_env(), capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    page = (site / "index.html").read_text(encoding="utf-8")
    assert '<a class="citation__link" href="#ref-roe2019book">Roe, 2019</a>' in page
    assert not (elsewhere / ".citation-cache").exists()  # relative options resolve in project


def test_the_extension_is_registered_under_its_entry_point() -> None:
    from importlib.metadata import entry_points

    found = {ep.name: ep.value for ep in entry_points(group="markdown.extensions")}
    assert found["citation_engine"] == "citation_engine.markdown_extension:CitationExtension"
