"""During a build, nothing but the engine (MkDocs, Zensical) reads the configuration file.

The extension learns the nav and the page's Markdown extensions from the configuration the
engine hands it; so do this site's plugin (``alliance-site-files``) and its ``page_dates``
extension. A second read of the file could see it half-saved under ``serve`` and fail with
another parser's traceback, or disagree with the build. Every ``open`` of the file is
recorded by an audit hook, with the code that asked for it: for the second site under both
engines, and for this site's own MkDocs build.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_exports import write_downloads

from tests.conftest import FIXTURES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.build
SCRIPTS = ROOT / "scripts"
# Runs the engine with a hook that records who opens a file named mkdocs.yml.
_RECORDING = """
import json, sys, traceback
callers = []
def hook(event, args):
    if event == "open" and str(args[0]).endswith("mkdocs.yml"):
        callers.append([frame.filename for frame in traceback.extract_stack()[:-1]])
sys.addaudithook(hook)
engine = sys.argv[1]
try:
    if engine == "mkdocs":
        from mkdocs.__main__ import cli
        cli(["build", "--strict", "--quiet", *sys.argv[2:]])
    else:
        from zensical.main import cli
        cli(["build", "--strict", "--clean", *sys.argv[2:]])
except SystemExit as stop:
    if stop.code:
        raise
print(json.dumps(callers))
"""


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_only_the_engine_reads_the_configuration(engine: str, tmp_path: Path) -> None:
    project = tmp_path / "project"
    shutil.copytree(FIXTURES / "projects" / "second_site", project)
    bib = project / "quellen" / "literatur.bib"
    write_downloads(load_bibliography(bib, "quellen/literatur.bib").references,
                    project / "docs" / "dateien", "literatur")  # fmt: skip
    result = subprocess.run(
        [sys.executable, "-c", _RECORDING, engine],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr
    callers = json.loads(result.stdout.strip().splitlines()[-1])
    assert callers  # the engine itself read it
    assert _ours(callers) == []


def _ours(callers: list[list[str]]) -> list[list[str]]:
    return [stack for stack in callers if any(str(SCRIPTS) in name for name in stack)]


def test_only_mkdocs_reads_this_sites_configuration(tmp_path: Path) -> None:
    """The repository's own build, with its plugin and the page_dates extension."""
    config = ROOT / "mkdocs.yml"
    assert "alliance-site-files" in config.read_text(encoding="utf-8")
    assert "alliance_site.page_dates" in config.read_text(encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _RECORDING, "mkdocs",
         "--config-file", str(config), "--site-dir", str(tmp_path / "site")],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": "/usr/bin:/bin",
             "CITATION_CACHE_DIR": str(tmp_path / "cache")},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    callers = json.loads(result.stdout.strip().splitlines()[-1])
    assert callers  # MkDocs itself read it
    assert _ours(callers) == []
    assert (tmp_path / "site" / "references" / "index.html").is_file()
