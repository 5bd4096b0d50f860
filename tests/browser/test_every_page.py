"""Every page, under both servers: no error, no failed or foreign request, no axe violation."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import PageLog, Server, open_context, watch
from tests.conftest import ROOT
from tests.content_rules import DOCS, content_pages

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# WCAG 2.0, 2.1 and 2.2 at levels A and AA: every rule axe-core tags with them.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
# axe-core from npm (package-lock.json pins 4.14.1): newer than the copy that
# axe-playwright-python bundles (4.12.1), which lacks rules such as aria-dialog-name.
AXE_SCRIPT = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def axe() -> Axe:
    if not AXE_SCRIPT.exists():
        pytest.fail(f"{AXE_SCRIPT} not found: run make install (npm ci)")
    # The script checked is the one package-lock.json pins, not whatever lies in node_modules.
    locked = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    version = locked["packages"]["node_modules/axe-core"]["version"]
    assert f"axe v{version}" in AXE_SCRIPT.read_text(encoding="utf-8")[:200]
    checker: Axe = Axe.from_file(AXE_SCRIPT)
    return checker


def _url_path(page: str) -> str:
    path = page.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return f"{path}/"


PAGES = [_url_path(page.relative_to(DOCS).as_posix()) for page in content_pages()]


@pytest.fixture(params=["http.server", "nginx"])
def server(request: pytest.FixtureRequest) -> Server:
    name = "root_server" if request.param == "http.server" else "nginx_server"
    served: Server = request.getfixturevalue(name)
    return served


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_page_loads_cleanly_and_passes_axe(
    browser: Browser, server: Server, axe: Axe, path: str
) -> None:
    log = PageLog()
    context = open_context(browser, server, log)
    page = watch(context.new_page(), log)
    response = page.goto(server.base_url + path, wait_until="networkidle")
    assert response is not None
    assert response.status == 200
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = {
        v["id"]: [n["target"] for n in v["nodes"]][:3] for v in results.response["violations"]
    }
    csp = page.evaluate("window.__cspViolations")
    context.close()
    assert log.blocked == [], "requests to another host"
    assert log.failed == []
    assert log.console_errors == []
    assert csp == []
    assert violations == {}


DARK_PAGES = ["", "references/", "mindfulness/mindfulness-evidence-table/", "glossary/"]


@pytest.mark.parametrize("path", DARK_PAGES, ids=lambda p: p or "home")
def test_dark_scheme_passes_axe(browser: Browser, root_server: Server, axe: Axe, path: str) -> None:
    context = open_context(browser, root_server, PageLog(), color_scheme="dark")
    page = context.new_page()
    page.goto(root_server.base_url + path, wait_until="networkidle")
    assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = {
        v["id"]: [n["target"] for n in v["nodes"]][:3] for v in results.response["violations"]
    }
    context.close()
    assert violations == {}


@pytest.mark.parametrize("path", ["", "alliance/alliance-and-outcome/", "references/"])
def test_every_landmark_has_a_name_of_its_own(
    browser: Browser, root_server: Server, axe: Axe, path: str
) -> None:
    context = open_context(browser, root_server, PageLog())
    page = context.new_page()
    page.goto(root_server.base_url + path, wait_until="load")
    results = axe.run(page, options={"runOnly": {"type": "rule", "values": ["landmark-unique"]}})
    context.close()
    assert [v["id"] for v in results.response["violations"]] == []
    assert results.response["passes"], "axe checked no landmark"
