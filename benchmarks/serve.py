"""What an editor feels: from saving a file under ``mkdocs serve`` to the reloaded page.

Two copies of the real site are served side by side: ours as ``make serve`` runs it (with
``--watch bib``), and plain: the same pages and the same mkdocs.yml with the citation
extension taken out, so the difference is the engine's alone. Each round saves a page in both, in turn, and for ours also edits an
entry's title in ``bib/references.bib``; the time is taken from the save until the open
browser tab, reloaded by MkDocs' live reload, shows the new text. Copies live under
benchmarks/work/, so the working tree is never edited.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import _free_port

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from pathlib import Path

EDITED_PAGE: Final = "alliance/alliance-and-outcome.md"
EDITED_TITLE: Final = "Mindfulness training as a clinical intervention"
TITLE_PAGE: Final = "references/"
START_TIMEOUT: Final = 600.0
RELOAD_TIMEOUT: Final = 300.0


@dataclass
class ReloadTimes:
    """Seconds from save to reloaded page, one per round."""

    seconds: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        """Median of the rounds."""
        return statistics.median(self.seconds)


def copy_project(repo: Path, target: Path) -> Path:
    """A copy of the real site to edit (pages include files from the repository's root)."""
    shutil.rmtree(target, ignore_errors=True)
    skip = shutil.ignore_patterns(
        ".git", ".venv", "node_modules", "work", "site", ".citation-cache", "*_cache", "dist"
    )
    shutil.copytree(repo, target, ignore=skip)
    return target


@contextmanager
def serving(project: Path, repo: Path, *, watch_bib: bool) -> Iterator[str]:
    """Run ``mkdocs serve`` on a free port until the first build is served."""
    port = _free_port()
    command = [sys.executable, "-m", "mkdocs", "serve", "--dev-addr", f"127.0.0.1:{port}"]
    if watch_bib:
        command += ["--watch", "bib"]
    env = {
        **os.environ,
        "PYTHONPATH": str(repo),
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": f"http://127.0.0.1:{port}/",
        "CITATION_CACHE_DIR": str(project / ".citation-cache"),
    }
    log = (project / "serve.log").open("wb")
    process = subprocess.Popen(command, cwd=project, env=env, stdout=log, stderr=log)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"mkdocs serve exited; see {project / 'serve.log'}")
            try:
                with urllib.request.urlopen(url, timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def _shows(page: Page, token: str) -> bool:
    try:
        return bool(page.evaluate("t => document.body.innerText.includes(t)", token))
    except PlaywrightError:
        return False  # the page is reloading


def time_reload(page: Page, url: str, edit: Callable[[str], None], token: str) -> float:
    """Open ``url``, apply ``edit`` (which writes ``token``), time until the page shows it."""
    page.goto(url, wait_until="load")
    time.sleep(0.5)  # let the live-reload script connect
    started = time.perf_counter()
    edit(token)
    deadline = started + RELOAD_TIMEOUT
    while not _shows(page, token):
        if time.perf_counter() > deadline:
            raise RuntimeError(f"{url} never showed {token!r}")
        time.sleep(0.02)
    return time.perf_counter() - started


def _append(path: Path) -> Callable[[str], None]:
    def edit(token: str) -> None:
        with path.open("a", encoding="utf-8") as handle:
            handle.write(f"\nBenchmark edit {token}.\n")

    return edit


def _retitle(path: Path) -> Callable[[str], None]:
    def edit(token: str) -> None:
        text = path.read_text(encoding="utf-8")
        start = text.index(EDITED_TITLE) + len(EDITED_TITLE)
        end = text.index("}", start)
        path.write_text(text[:start] + f" {token}" + text[end:], encoding="utf-8")

    return edit


def without_engine(config: str) -> str:
    """mkdocs.yml with the ``citation_engine`` entry (and its indented options) removed."""
    kept: list[str] = []
    skipping = False
    for line in config.splitlines(keepends=True):
        if line.strip() == "- citation_engine:":
            skipping = True
            continue
        if skipping and line.startswith("      "):
            continue
        skipping = False
        kept.append(line)
    return "".join(kept)


def measure(repo: Path, work: Path, rounds: int) -> dict[str, ReloadTimes]:
    """Interleaved rounds: ours page edit, plain page edit, ours bib edit."""
    ours = copy_project(repo, work / "serve-ours")
    plain = copy_project(repo, work / "serve-plain")
    config = plain / "mkdocs.yml"
    stripped = without_engine(config.read_text(encoding="utf-8"))
    if "- citation_engine:" in stripped:
        raise RuntimeError("could not take the citation extension out of mkdocs.yml")
    config.write_text(stripped, encoding="utf-8")
    page_url = EDITED_PAGE.removesuffix(".md") + "/"
    times = {name: ReloadTimes() for name in ("ours: page", "plain: page", "ours: bib")}
    with (
        serving(ours, repo, watch_bib=True) as ours_url,
        serving(plain, repo, watch_bib=False) as plain_url,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        for number in range(rounds):
            cases = (
                ("ours: page", ours_url + page_url, _append(ours / "docs" / EDITED_PAGE)),
                ("plain: page", plain_url + page_url, _append(plain / "docs" / EDITED_PAGE)),
                ("ours: bib", ours_url + TITLE_PAGE, _retitle(ours / "bib" / "references.bib")),
            )
            for name, url, edit in cases:
                seconds = time_reload(page, url, edit, f"zqx{number}r{len(name)}")
                times[name].seconds.append(seconds)
                print(f"  serve {name:<12} {seconds:6.2f} s", flush=True)
        browser.close()
    return times
