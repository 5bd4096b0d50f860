"""`make serve`: an edit reaches every page and download on one rebuild; errors are messages.

`zensical serve` does not do so: it renders only changed pages (recorded at the end).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from tests.conftest import FIXTURES, copy_project
from tests.servers import _free_port

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
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
    """The real site under `alliance_site serve`; what it prints goes to ``serve.log`` beside."""
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    shutil.rmtree(project / "docs" / "downloads", ignore_errors=True)  # left by an export
    log = (project.parent / "serve.log").open("w", encoding="utf-8")
    port = _free_port()
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": f"http://127.0.0.1:{port}/"}
    command = [sys.executable, "-m", "alliance_site", "serve"]  # the project is the cwd
    process = subprocess.Popen(
        [*command, "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(base, "Mindful Alliance", 120), "make serve never answered"
        yield base, project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


def test_a_bibliography_edit_reaches_pages_lists_and_downloads(served: tuple[str, Path]) -> None:
    base, project = served
    bib = project / "bib" / "references.bib"
    text = bib.read_text(encoding="utf-8")
    old = "Mindfulness in clinician therapeutic relationships"
    assert old in text
    bib.write_text(text.replace(old, EDITED), encoding="utf-8")
    assert _wait_for(base + "references/", EDITED, 90)  # the bibliography page
    assert EDITED in _get(base + "mindfulness/mindfulness-razzaque-study/")  # a citing page
    entry = base + "downloads/entries/razzaque2015mindfulness.bib"
    assert EDITED in _get(entry)  # and its download, made in the same rebuild
    assert not (project / "docs" / "downloads").exists()  # served, never written into docs/


def test_a_broken_mkdocs_yml_on_a_rebuild_is_a_message_and_the_fix_recovers(
    served: tuple[str, Path],
) -> None:
    base, project = served
    config = project / "mkdocs.yml"
    log = project.parent / "serve.log"
    good = config.read_text(encoding="utf-8")
    before = len(log.read_text(encoding="utf-8"))
    config.write_text(good.replace("site_name:", "site_name: [half-edited", 1), encoding="utf-8")
    deadline = time.monotonic() + 90
    while "An error happened during the rebuild" not in log.read_text(encoding="utf-8")[before:]:
        assert time.monotonic() < deadline, "the rebuild never reported the error"
        time.sleep(0.5)
    printed = log.read_text(encoding="utf-8")[before:]
    assert "Aborted: MkDocs encountered an error parsing the configuration file" in printed
    assert 'mkdocs.yml", line ' in printed  # the file and line of the mistake
    assert "Traceback" not in printed
    config.write_text(good.replace("site_name: ", "site_name: Fixed ", 1), encoding="utf-8")
    assert _wait_for(base, "Fixed Mindful Alliance", 120), "the server did not recover"


def _builds(log: Path) -> int:
    # Live reload says this after every good build. Not "Documentation built in …": MkDocs'
    # command line drops a log message it has printed before, and two builds can take the
    # same hundredths of a second.
    return log.read_text(encoding="utf-8").count("Reloading browsers")


def _after_the_next_build(log: Path, edit: Callable[[], object]) -> None:
    """Make the edit, then wait for the one build it causes to finish."""
    before = _builds(log)
    edit()
    deadline = time.monotonic() + 120
    while _builds(log) == before:
        assert time.monotonic() < deadline, "the edit caused no rebuild"
        time.sleep(0.5)


def _cited_on(base: str, key: str) -> list[str]:
    html = _get(base + "references/")
    entry = re.search(rf'<li class="reference" id="ref-{key}">.*?</li>', html, re.DOTALL)
    assert entry is not None, f"no entry for {key}"
    cited = re.search(r'class="reference__cited-on"[^>]*>(.*?)</p>', entry[0], re.DOTALL)
    assert cited is not None
    return re.findall(r">([^<]+)</a>", cited[1])


def test_page_title_and_snippet_edits_reach_cited_on_on_the_rebuild_they_cause(
    served: tuple[str, Path],
) -> None:
    base, project = served
    log = project.parent / "serve.log"
    page = project / "docs" / "alliance" / "alliance-history-of-the-concept.md"
    title = "Where the idea of the alliance comes from"
    key = "razzaque2015mindfulness"
    assert title not in _cited_on(base, key)
    text = page.read_text(encoding="utf-8")
    # In place, as an editor saves: the folder's modification time stays as it was.
    _after_the_next_build(
        log, lambda: page.write_text(f"{text}\nAs a test cites [@{key}].\n", encoding="utf-8")
    )
    assert title in _cited_on(base, key)
    edited = page.read_text(encoding="utf-8").replace(f"# {title}", f"# {title}, edited", 1)
    _after_the_next_build(log, lambda: page.write_text(edited, encoding="utf-8"))
    assert f"{title}, edited" in _cited_on(base, key)
    snippet = project / "includes" / "abbreviations.md"
    shared = snippet.read_text(encoding="utf-8")
    other = "fluckiger2018alliance"
    before = len(_cited_on(base, other))
    # Appended to every page: every page now cites it.
    _after_the_next_build(
        log, lambda: snippet.write_text(f"Shared [@{other}].\n\n{shared}", encoding="utf-8")
    )
    assert len(_cited_on(base, other)) > before + 10


# Zensical under serve. `zensical serve` renders again only the pages whose source changed,
# and it watches docs/ and the configuration, not a snippet folder beside them. The engine
# scans afresh when a page is rendered a second time (a new build), when the page it renders
# changed since the scan, and, on the bibliography page, when any page file changed; so
# every page it renders shows the pages as they are. But it cannot make Zensical render the
# bibliography page, so "cited on" there lags until that page itself changes (or the server
# restarts), and a snippet edit reaches no page until a page including it is rendered. The
# README says so; this test records what the pinned Zensical does, so that it fails, and the
# README is corrected, when Zensical changes.
SECOND_SITE = FIXTURES / "projects" / "second_site"
ZENSICAL_BUILT = "No issues found"


def _zensical_serve(project: Path) -> Iterator[tuple[str, Path]]:
    """The project under `zensical serve`; what it prints goes to ``serve.log`` beside."""
    log = (project.parent / "serve.log").open("w", encoding="utf-8")
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "zensical", "serve", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,  # Zensical resolves the snippets against the current folder
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(base + "literatur/", "Zitiert auf", 30), "zensical serve never answered"
        yield base, project
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        log.close()


@pytest.fixture(scope="module")
def zensical_served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The second site under `zensical serve`."""
    project = tmp_path_factory.mktemp("zensical-serve") / "project"
    shutil.copytree(SECOND_SITE, project)
    yield from _zensical_serve(project)


@pytest.fixture(scope="module")
def zensical_served_without_snippets(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[str, Path]]:
    """The second site with no page including a snippet, under `zensical serve`.

    The pinned Zensical renders a page that includes a snippet again on every build, which
    hides whether "cited on" follows pages rendered alone; here each build renders only the
    edited pages.
    """
    project = tmp_path_factory.mktemp("zensical-serve-plain") / "project"
    shutil.copytree(SECOND_SITE, project)
    chapter = project / "docs" / "kapitel" / "eins.md"
    text = chapter.read_text(encoding="utf-8")
    assert '--8<-- "zitat.md"\n' in text
    chapter.write_text(text.replace('--8<-- "zitat.md"\n', ""), encoding="utf-8")
    yield from _zensical_serve(project)


def _zensical_builds(log: Path) -> int:
    return log.read_text(encoding="utf-8").count(ZENSICAL_BUILT)


def _zensical_after(log: Path, edit: Callable[[], object], *, rebuilds: bool = True) -> None:
    """Make the edit, then wait for the build it causes.

    With ``rebuilds=False``: make sure that it causes none within 5 s.
    """
    before = _zensical_builds(log)
    edit()
    deadline = time.monotonic() + (20 if rebuilds else 5)
    while _zensical_builds(log) == before and time.monotonic() < deadline:
        time.sleep(0.25)
    assert (_zensical_builds(log) > before) is rebuilds, log.read_text(encoding="utf-8")
    time.sleep(0.5)  # the build is reported before the server hands out its pages


def _german_cited_on(base: str) -> dict[str, list[str]]:
    """Each entry of the second site's bibliography page and the pages it is cited on."""
    page = BeautifulSoup(_get(base + "literatur/"), "html.parser")
    return {
        str(entry["id"]).removeprefix("ref-"): [
            link.get_text() for link in entry.select(".reference__cited-on a")
        ]
        for entry in page.select("li.reference")
    }


def test_zensical_serve_renders_only_changed_pages_so_cited_on_lags(
    zensical_served: tuple[str, Path],
) -> None:
    base, project = zensical_served
    log = project.parent / "serve.log"
    first = {
        "mueller2019achtsamkeit": ["Das erste Kapitel"],
        "weber2021buendnis": ["Das erste Kapitel", "Startseite"],
    }
    assert _german_cited_on(base) == first
    home, chapter = project / "docs" / "index.md", project / "docs" / "kapitel" / "eins.md"
    # (a) In place, a citation added to a page: the page shows it; "cited on" does not.
    text = home.read_text(encoding="utf-8")
    _zensical_after(
        log, lambda: home.write_text(f"{text}\nAuch [@mueller2019achtsamkeit].\n", "utf-8")
    )
    assert "#ref-mueller2019achtsamkeit" in _get(base)
    assert _german_cited_on(base) == first
    # (b) A title alone: the page shows it; "cited on" keeps the old title.
    edited = chapter.read_text(encoding="utf-8").replace(
        "# Das erste Kapitel", "# Kapitel bearbeitet", 1
    )
    _zensical_after(log, lambda: chapter.write_text(edited, encoding="utf-8"))
    assert ">Kapitel bearbeitet" in _get(base + "kapitel/eins/")
    assert _german_cited_on(base) == first
    # (c) A snippet (outside docs/): no build at all, the including page stays as it was.
    snippet = project / "schnipsel" / "zitat.md"
    _zensical_after(
        log,
        lambda: snippet.write_text("Geteilt [@weber2021buendnis].\n", encoding="utf-8"),
        rebuilds=False,
    )
    assert "Geteilt" not in _get(base + "kapitel/eins/")
    assert _german_cited_on(base) == first
    # The bibliography page edited itself: rendered again, with a fresh scan, it has all three,
    # and that build also renders the page whose snippet changed.
    listing = project / "docs" / "literatur.md"
    source = listing.read_text(encoding="utf-8")
    _zensical_after(log, lambda: listing.write_text(f"{source}\n", encoding="utf-8"))
    assert _german_cited_on(base) == {
        "mueller2019achtsamkeit": ["Startseite"],
        "weber2021buendnis": ["Kapitel bearbeitet", "Startseite"],
    }
    assert "Geteilt" in _get(base + "kapitel/eins/")


def test_zensical_serve_shows_the_current_pages_on_a_bibliography_page_it_renders(
    zensical_served_without_snippets: tuple[str, Path],
) -> None:
    """Each build renders only the edited page, and none is rendered twice after a new build.

    The home page rendered again starts a new build (a fresh scan); the chapter is then
    rendered alone, then the bibliography page alone: it shows the chapter's new title.
    """
    base, project = zensical_served_without_snippets
    log = project.parent / "serve.log"
    assert _german_cited_on(base) == {
        "mueller2019achtsamkeit": [],
        "weber2021buendnis": ["Das erste Kapitel", "Startseite"],
    }
    home, chapter = project / "docs" / "index.md", project / "docs" / "kapitel" / "eins.md"
    listing = project / "docs" / "literatur.md"
    text = home.read_text(encoding="utf-8")
    _zensical_after(
        log, lambda: home.write_text(f"{text}\nAuch [@mueller2019achtsamkeit].\n", "utf-8")
    )
    edited = chapter.read_text(encoding="utf-8").replace(
        "# Das erste Kapitel", "# Kapitel bearbeitet", 1
    )
    _zensical_after(log, lambda: chapter.write_text(edited, encoding="utf-8"))
    assert ">Kapitel bearbeitet" in _get(base + "kapitel/eins/")
    source = listing.read_text(encoding="utf-8")
    _zensical_after(log, lambda: listing.write_text(f"{source}\n", encoding="utf-8"))
    assert _german_cited_on(base) == {
        "mueller2019achtsamkeit": ["Startseite"],
        "weber2021buendnis": ["Kapitel bearbeitet", "Startseite"],
    }
