"""What a reader downloads: bytes (compressed as nginx serves them), requests, Lighthouse.

Pages are served by nginx with the shipped deploy/nginx.conf and loaded in Debian's
chromium; a default Material page is measured the same way for comparison. Lighthouse comes
from the npm registry (installed under benchmarks/work/) and drives the same chromium.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from playwright.sync_api import Request, sync_playwright

from tests.browser.conftest import (
    CHROMIUM,
    CHROMIUM_ARGS,
    NGINX,
    _free_port,
    _wait_for_port,
    render_nginx_config,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

REPO: Final = Path(__file__).resolve().parent.parent
WORK: Final = REPO / "benchmarks" / "work"
LIGHTHOUSE_VERSION: Final = "13.5.0"
PAGES: Final = {
    "home": "",
    "findings page": "mindfulness/mindfulness-razzaque-study/",
    "bibliography": "references/",
}
CATEGORIES: Final = ("performance", "accessibility", "best-practices", "seo")


@dataclass(frozen=True)
class PageCost:
    """What loading one page cost."""

    name: str
    requests: int
    failed: int
    transferred_bytes: int
    lighthouse: dict[str, dict[str, int]]


def build(project: Path, site: Path, site_url: str) -> None:
    """Build a project for the given site URL (strict)."""
    env = {**os.environ, "SITE_URL": site_url, "PYTHONPATH": str(REPO), "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--quiet", "--site-dir", str(site)]
    subprocess.run(command, cwd=project, env=env, check=True)


@contextmanager
def nginx(site: Path) -> Iterator[str]:
    """Serve a built site under /alliance/ with the shipped configuration."""
    work = WORK / "nginx"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    shutil.copytree(site, work / "www" / "alliance")
    port = _free_port()
    config = render_nginx_config(port, work / "www", work)
    with (work / "nginx.out").open("wb") as output:
        process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(work)], stderr=output)
        try:
            _wait_for_port(port, process)
            yield f"http://127.0.0.1:{port}/alliance/"
        finally:
            process.terminate()
            process.wait(timeout=10)


def page_weight(url: str) -> tuple[int, int, int]:
    """Requests made, requests failed, and bytes transferred (headers and compressed bodies)."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        finished: list[Request] = []
        failed: list[Request] = []
        page.on("requestfinished", lambda request: finished.append(request))
        page.on("requestfailed", lambda request: failed.append(request))
        page.goto(url, wait_until="networkidle")
        total = 0
        for request in finished:
            sizes = request.sizes()
            total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        browser.close()
    return len(finished) + len(failed), len(failed), total


def time_to_first_result(url: str, word: str = "alliance") -> float:
    """Seconds from navigation to the first search result shown."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        started = time.perf_counter()
        page.goto(url)
        page.locator(".md-search__input").click()
        page.locator(".md-search__input").press_sequentially(word)
        page.locator(".md-search-result__list li").first.wait_for(timeout=30000)
        elapsed = time.perf_counter() - started
        browser.close()
    return elapsed


def ensure_lighthouse() -> Path:
    """Install Lighthouse from the npm registry under benchmarks/work/ once."""
    binary = WORK / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        (WORK / "lighthouse").mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(WORK / "lighthouse"),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    return binary


def lighthouse(binary: Path, url: str, form: str) -> dict[str, int]:
    """Lighthouse category scores (0-100) for one page, desktop or mobile."""
    report = WORK / "lighthouse" / "report.json"
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        "--chrome-flags=--headless=new " + " ".join(CHROMIUM_ARGS),
    ]
    if form == "desktop":
        command.append("--preset=desktop")
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM})
    categories = json.loads(report.read_text(encoding="utf-8"))["categories"]
    return {name: round((categories[name]["score"] or 0) * 100) for name in CATEGORIES}


def measure_site(base_url: str, pages: dict[str, str], binary: Path | None) -> list[PageCost]:
    """Weight and Lighthouse scores of each named page."""
    costs = []
    for name, path in pages.items():
        requests, failed, transferred = page_weight(base_url + path)
        scores = (
            {form: lighthouse(binary, base_url + path, form) for form in ("desktop", "mobile")}
            if binary
            else {}
        )
        costs.append(PageCost(name, requests, failed, transferred, scores))
        print(f"  {name}: {requests} requests, {transferred / 1024:.1f} KiB", flush=True)
    return costs


def search_index_size(site: Path) -> tuple[int, int]:
    """Raw and gzip-compressed size of the search index, in bytes."""
    data = (site / "search" / "search_index.json").read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=1))
