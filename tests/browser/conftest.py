"""Real browser: Debian's chromium through Playwright, on the servers of tests/servers.py.

Playwright's own browser download is never used. When chromium is missing these tests fail
with the command that installs it; they never skip. Every test in this folder is marked
``browser`` (tests/conftest.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    Request,
    sync_playwright,
)

# Re-exported: the browser tests import the servers from here, as before the split.
from tests.servers import (
    SERVER_NAME,
    Hosted,
    Server,
    _QuietHandler,
    apache,
    nginx_standalone,
    nginx_with_snippet,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = [
    "CHROMIUM",
    "CHROMIUM_ARGS",
    "SERVER_NAME",
    "Hosted",
    "PageLog",
    "Server",
    "_QuietHandler",
    "apache",
    "nginx_standalone",
    "nginx_with_snippet",
    "open_context",
    "watch",
]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: without the background-networking ones Chromium keeps trying
# to reach Google's services, which this machine refuses.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
]


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: install Debian's chromium "
            "(sudo apt-get install chromium, or make system-deps)"
        )
    browser = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@dataclass
class PageLog:
    """Everything a page did that a test may judge: requests, failures, errors, CSP reports."""

    requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(event.violatedDirective + " " + event.blockedURI);
});
"""


def open_context(
    browser: Browser, server: Server, log: PageLog, **options: object
) -> BrowserContext:
    """A fresh context that records every request and refuses any other host."""
    context = browser.new_context(**options)  # type: ignore[arg-type]
    context.add_init_script(CSP_LISTENER)

    def route(route: object) -> None:
        request = route.request  # type: ignore[attr-defined]
        url = request.url
        log.requests.append(url)
        if url.startswith(server.origin) or url.startswith(("data:", "blob:", "about:")):
            route.continue_()  # type: ignore[attr-defined]
        else:
            log.blocked.append(url)
            route.abort()  # type: ignore[attr-defined]

    context.route("**/*", route)
    return context


def watch(page: Page, log: PageLog) -> Page:
    """Record console errors and failed requests of a page.

    A request the next navigation cancelled (``net::ERR_ABORTED``: Chromium asks for the
    favicon after the load event) is not a failure; a refused or missing one is
    (``net::ERR_FAILED``, ``net::ERR_FILE_NOT_FOUND``).
    """
    page.on(
        "console",
        lambda message: (
            log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("requestfailed", lambda request: _record_failure(request, log))
    return page


def _record_failure(request: Request, log: PageLog) -> None:
    if request.failure != "net::ERR_ABORTED":
        log.failed.append(f"{request.url} {request.failure}")
