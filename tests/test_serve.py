"""`make serve`: an edit to the bibliography reaches every page and download on one rebuild."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest

from tests.browser.conftest import _free_port
from tests.conftest import copy_project

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

pytestmark = pytest.mark.build
EDITED = "An edited title for the serve test"


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            text: str = answer.read().decode("utf-8")
            return text
    except (urllib.error.URLError, OSError):
        return ""


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if needle in _get(url):
            return True
        time.sleep(0.5)
    return False


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"}
    command = [sys.executable, "-m", "alliance_site", "serve", "--root", str(project)]
    process = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(base, "Mindful Alliance", 120), "make serve never answered"
        yield base, project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def test_a_bibliography_edit_reaches_pages_lists_and_downloads(served: tuple[str, Path]) -> None:
    base, project = served
    bib = project / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    old = "Mindfulness in clinician therapeutic relationships"
    assert old in text
    bib.write_text(text.replace(old, EDITED), encoding="utf-8")
    assert _wait_for(base + "references/", EDITED, 90)  # the bibliography page
    assert EDITED in _get(base + "mindfulness/mindfulness-razzaque-study/")  # a citing page
    entry = project / "docs" / "downloads" / "entries" / "razzaque2015mindfulness.bib"
    deadline = time.monotonic() + 30
    while EDITED not in entry.read_text(encoding="utf-8") and time.monotonic() < deadline:
        time.sleep(0.5)
    assert EDITED in entry.read_text(encoding="utf-8")  # and its download
