"""The 404 page offers a way on: the start page, and search where the build has one.

A server returns 404.html at any address it does not have, so its links must not depend on
that address: on a server they are rooted at the site's path (sub-path included); in the
file-share build, opened from the site's own folder, they name the files beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path


def _ways_on(site: Path) -> tuple[list[str], list[str]]:
    """The links and search labels the 404 page's list of ways on holds."""
    soup = BeautifulSoup((site / "404.html").read_text(encoding="utf-8"), "html.parser")
    ways = soup.select_one("ul.not-found__ways-on")
    assert ways is not None
    hrefs = [str(link["href"]) for link in ways.find_all("a")]
    labels = [str(label["for"]) for label in ways.find_all("label")]
    return hrefs, labels


@pytest.mark.build
def test_the_404_page_links_to_the_start_page_and_opens_search(mkdocs_site: Path) -> None:
    hrefs, labels = _ways_on(mkdocs_site)
    assert hrefs == ["/", "/situations/"]
    assert labels == ["__search"]
    page = (mkdocs_site / "404.html").read_text(encoding="utf-8")
    assert 'id="__search"' in page  # the label opens the header's search


@pytest.mark.build
def test_the_404_page_keeps_the_sub_path(subpath_site: Path) -> None:
    hrefs, labels = _ways_on(subpath_site)
    assert hrefs == ["/alliance/", "/alliance/situations/"]
    assert labels == ["__search"]


@pytest.mark.build
def test_the_file_share_404_page_names_files_and_offers_no_search(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "USE_DIRECTORY_URLS": "false",
        "SEARCH_ENABLED": "false",
    }
    site = tmp_path / "site"
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)]
    result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    hrefs, labels = _ways_on(site)
    assert hrefs == ["index.html", "situations/index.html"]
    assert labels == []
    for href in hrefs:
        assert (site / href).is_file()
