"""Real browser, real servers: Debian's chromium through Playwright, http.server and nginx.

Playwright's own browser download is never used. When chromium is missing these tests fail
with the command that installs it; they never skip.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

from tests.conftest import ROOT

if TYPE_CHECKING:
    from collections.abc import Iterator

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUBPATH = "/alliance/"
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder as a browser test (deselect with -m "not browser")."""
    for item in items:
        if "tests/browser/" in item.nodeid.replace("\\", "/"):
            item.add_marker(pytest.mark.browser)


@dataclass(frozen=True)
class Server:
    """A running web server: the base URL of the site, and how it is served."""

    base_url: str
    kind: str

    @property
    def origin(self) -> str:
        """scheme://host:port, the one origin pages may request from."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port}")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="session")
def root_server(mkdocs_site: Path) -> Iterator[Server]:
    """The default build served at the root, as `python -m http.server` would."""
    handler = partial(_QuietHandler, directory=str(mkdocs_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", "http.server")
    httpd.shutdown()
    httpd.server_close()


def render_nginx_config(port: int, root: Path, work: Path) -> Path:
    """Wrap the shipped server block in a minimal nginx.conf; change only port and root."""
    block = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
    assert "listen 80;" in block
    assert "root /var/www/mindful-alliance;" in block
    block = block.replace("listen 80;", f"listen 127.0.0.1:{port};")
    block = block.replace("root /var/www/mindful-alliance;", f"root {root};")
    (work / "site.conf").write_text(block, encoding="utf-8")
    user = "user root;\n" if os.geteuid() == 0 else ""
    config = work / "nginx.conf"
    config.write_text(
        f"{user}worker_processes 1;\ndaemon off;\npid {work}/nginx.pid;\n"
        f"error_log {work}/error.log warn;\nevents {{}}\n"
        "http {\n    include /etc/nginx/mime.types;\n    default_type application/octet-stream;\n"
        f"    access_log {work}/access.log;\n"
        + "".join(
            f"    {name}_temp_path {work}/{name};\n"
            for name in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        + f"    include {work}/site.conf;\n}}\n",
        encoding="utf-8",
    )
    return config


@pytest.fixture(scope="session")
def nginx_server(subpath_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sub-path build served by nginx under /alliance/ with the shipped configuration."""
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: install Debian's nginx-light (make system-deps)")
    work = tmp_path_factory.mktemp("nginx")
    root = work / "www"
    shutil.copytree(subpath_site, root / SUBPATH.strip("/"))
    port = _free_port()
    config = render_nginx_config(port, root, work)
    with (work / "nginx.out").open("wb") as output:
        process = subprocess.Popen([NGINX, "-c", str(config), "-p", str(work)], stderr=output)
        try:
            _wait_for_port(port, process)
            yield Server(f"http://127.0.0.1:{port}{SUBPATH}", "nginx")
        finally:
            process.terminate()
            process.wait(timeout=10)


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
    """Record console errors and failed requests of a page."""
    page.on(
        "console",
        lambda message: (
            log.console_errors.append(message.text) if message.type == "error" else None
        ),
    )
    page.on("requestfailed", lambda request: log.failed.append(f"{request.url} {request.failure}"))
    return page
