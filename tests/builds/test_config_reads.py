"""During a build, nothing but the engine (MkDocs, Zensical) reads the configuration file.

The extension learns the nav and the page's Markdown extensions from the configuration the
engine hands it. A second read of the file could see it half-saved under ``serve`` and fail
with another parser's traceback, or disagree with the build. Every ``open`` of the file is
recorded by an audit hook, with the code that asked for it.
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
        cli(["build", "--strict", "--quiet"])
    else:
        from zensical.main import cli
        cli(["build", "--strict", "--clean"])
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
    ours = [stack for stack in callers if any(str(SCRIPTS) in name for name in stack)]
    assert ours == []
