"""What a reader downloads: bytes (compressed as nginx serves them), requests, Lighthouse.

Pages are served by nginx with the shipped deploy/nginx.conf and loaded in Debian's
chromium; a default Material page is measured the same way for comparison. Lighthouse comes
from the npm registry (installed under benchmarks/work/) and drives the same chromium.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from playwright.sync_api import Request, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.servers import NGINX, _free_port, _wait_for_port, render_nginx_config

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
class Transfer:
    """One request of a page view: what it asked for and what came back over the wire."""

    resource: str  # the path under the site's base, or the whole address for another host
    body_bytes: int  # compressed as served; 0 when the request failed
    header_bytes: int
    failed: bool


@dataclass(frozen=True)
class PageCost:
    """What loading one page cost."""

    name: str
    requests: int
    failed: int
    transferred_bytes: int
    lighthouse: dict[str, dict[str, int]]
    transfers: tuple[Transfer, ...] = ()


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
    transfers = page_transfers(url, url)
    total = sum(item.body_bytes + item.header_bytes for item in transfers)
    return len(transfers), sum(item.failed for item in transfers), total


def page_transfers(url: str, site: str) -> list[Transfer]:
    """Every request of a first view of the page, until the network is idle, in order.

    Each is named by its address under ``site``.

    Chromium reports a body size of -1 for an answer it took from its cache (a second
    request for the favicon); that counts as 0. A worker's own script is fetched by the
    worker, and Chromium reports it with a body of 0 bytes (Material's search worker, in
    both builds alike).
    """
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        requests: list[tuple[Request, bool]] = []
        page.on("requestfinished", lambda request: requests.append((request, False)))
        page.on("requestfailed", lambda request: requests.append((request, True)))
        page.goto(url, wait_until="networkidle")
        transfers = []
        for request, failed in requests:
            address = request.url.split("?")[0]
            resource = address.removeprefix(site) if address.startswith(site) else address
            if failed:
                transfers.append(Transfer(resource, 0, 0, True))
            else:
                sizes = request.sizes()
                transfers.append(
                    Transfer(
                        resource,
                        max(sizes["responseBodySize"], 0),
                        max(sizes["responseHeadersSize"], 0),
                        False,
                    )
                )
        browser.close()
    return transfers


def breakdown_lines(ours: list[PageCost], default: list[PageCost]) -> list[str]:
    """A Markdown table: each page's requests, ours against the default build, in KiB."""
    lines = [
        "| Page | Resource | Ours (KiB) | Default Material (KiB) |",
        "| --- | --- | --- | --- |",
    ]
    for mine, theirs in zip(ours, default, strict=True):
        sides: dict[str, list[str]] = {}
        for column, cost in enumerate((mine, theirs)):
            for item in cost.transfers:
                label = _short(item.resource)
                size = (
                    "failed"
                    if item.failed
                    else f"{(item.body_bytes + item.header_bytes) / 1024:.1f}"
                )
                cells = sides.setdefault(label, ["-", "-"])
                cells[column] = size if cells[column] == "-" else f"{cells[column]} + {size}"
        for label, (left, right) in sides.items():
            lines.append(f"| {mine.name} | {label} | {left} | {right} |")
    return lines


def _short(resource: str) -> str:
    """A resource's name for the table: its path without the theme's content hash.

    main.57a0d79d.min.css is main.min.css; a page is "page HTML"; another host, its name.
    """
    if "://" in resource:
        return resource.split("/")[2]
    if resource.endswith("/") or not resource:
        return "page HTML"
    return re.sub(r"\.[0-9a-f]{8}(?=\.)", "", resource)


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
        transfers = page_transfers(base_url + path, base_url)
        requests, failed = len(transfers), sum(item.failed for item in transfers)
        transferred = sum(item.body_bytes + item.header_bytes for item in transfers)
        scores = (
            {form: lighthouse(binary, base_url + path, form) for form in ("desktop", "mobile")}
            if binary
            else {}
        )
        costs.append(PageCost(name, requests, failed, transferred, scores, tuple(transfers)))
        print(f"  {name}: {requests} requests, {transferred / 1024:.1f} KiB", flush=True)
    return costs


def search_index_size(site: Path) -> tuple[int, int]:
    """Raw and gzip-compressed size of the search index, in bytes."""
    data = (site / "search" / "search_index.json").read_bytes()
    return len(data), len(gzip.compress(data, compresslevel=1))
