"""Real browser: Debian's chromium through Playwright, on the servers of tests/servers.py.

Playwright's own browser download is never used. When chromium is missing these tests fail
with the command that installs it; they never skip. Every test in this folder is marked
``browser`` (tests/conftest.py).
"""

from __future__ import annotations

import os
import re
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
    Response,
    expect,
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
    "Tab",
    "Tabs",
    "_QuietHandler",
    "apache",
    "nginx_standalone",
    "nginx_with_snippet",
    "open_context",
    "search",
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

    def clear(self) -> None:
        """Forget everything recorded so far, keeping the lists the listeners append to."""
        for record in (self.requests, self.blocked, self.failed, self.console_errors):
            record.clear()


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


@dataclass
class Tab:
    """A browser page kept open across tests; each visit starts a new log."""

    page: Page
    log: PageLog

    def visit(self, url: str) -> Response | None:
        self.log.clear()
        # The pointer stays where the last test left it, and would hover the next page.
        self.page.mouse.move(0, 0)
        return self.page.goto(url, wait_until="load")


class Tabs:
    """One open page per server and set of context options, for the tests of a module.

    A new context costs Chromium a renderer process and a cold cache, which is most of what a
    page check costs; tests that only load a page and read it share a tab instead. Tests that
    change what a context remembers (storage, permissions, the clipboard) open their own.
    """

    def __init__(self, browser: Browser) -> None:
        self._browser = browser
        self._open: dict[str, Tab] = {}

    def open(self, server: Server, **options: object) -> Tab:
        key = repr((server.base_url, sorted(options.items())))
        if key not in self._open:
            log = PageLog()
            context = open_context(self._browser, server, log, **options)
            self._open[key] = Tab(watch(context.new_page(), log), log)
        return self._open[key]

    def close(self) -> None:
        for tab in self._open.values():
            tab.page.context.close()


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[Tabs]:
    """The module's shared tabs (``Tabs``), closed when its last test is done."""
    shared = Tabs(browser)
    yield shared
    shared.close()


@pytest.fixture(scope="module")
def search_page(browser: Browser, root_server: Server) -> Iterator[Page]:
    """The MkDocs build's home page on http.server, its search open and its index loaded."""
    log = PageLog()
    context = open_context(browser, root_server, log, viewport={"width": 1366, "height": 800})
    page = context.new_page()
    page.goto(root_server.base_url)
    page.locator(".md-search__input").click()
    # The index loads in a web worker; typing before it is ready is ignored.
    expect(page.locator(".md-search-result__meta")).not_to_contain_text(
        "Initializing", timeout=15000
    )
    yield page
    assert log.blocked == []
    context.close()


def search(page: Page, query: str) -> tuple[str, list[str]]:
    """Run one query in ``search_page``: the result count line, and the result links.

    The links are site-relative, best first, their fragments kept.
    """
    field = page.locator(".md-search__input")
    meta = page.locator(".md-search-result__meta")
    # Empty the box first, so the results read below cannot be the previous query's.
    field.fill("")
    field.press("End")
    expect(meta).to_have_text("Type to start searching", timeout=10000)
    field.fill(query)
    field.press("End")  # the theme searches on keyup: one search for the whole query
    expect(meta).to_have_text(re.compile(r"matching document|No matching"), timeout=10000)
    base = page.evaluate("new URL('.', document.baseURI).href")
    hrefs = page.locator(".md-search-result__list a").evaluate_all(
        "(links) => links.map((link) => link.href)"
    )
    return meta.inner_text(), [str(href).removeprefix(base) for href in hrefs]
