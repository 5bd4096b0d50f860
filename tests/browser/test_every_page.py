"""Every page and every template: no error, no failed or foreign request, no axe violation.

Browser time goes where it finds things: axe in full once per template and state (light,
dark, phone, search and drawer open, a citation preview, the 404 page), and every page once
on nginx with the generated policy and the axe rules that read the page's own text. Every
page on both servers over plain HTTP: tests/builds/test_http_sweep.py.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, Tabs, open_context
from tests.conftest import ROOT
from tests.content_rules import page_url_paths

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, Page

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


PAGES = page_url_paths()


# axe in full (every WCAG A and AA rule) once per template and state: what a page looks
# like is decided by the theme, the page's kind and the state the reader puts it in, not by
# which of 44 pages it is. (name, server, path, context options, what the reader does first)
PHONE: dict[str, object] = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": True,
    "has_touch": True,
}
DARK: dict[str, object] = {"color_scheme": "dark"}


def _open_search(page: Page) -> None:
    page.locator(".md-search__input").click()
    expect(page.locator(".md-search-result__meta")).not_to_contain_text(
        "Initializing", timeout=15000
    )
    page.locator(".md-search__input").press_sequentially("alliance", delay=10)
    expect(page.locator(".md-search-result__list li").first).to_be_visible(timeout=15000)


def _hover_citation(page: Page) -> None:
    page.locator("a.citation__link").first.hover()
    expect(page.locator("#citation-preview[role=tooltip]")).to_be_visible()


def _open_drawer(page: Page) -> None:
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(page.locator("nav.md-nav--primary")).to_be_in_viewport()


def _nothing(page: Page) -> None:
    return


ARTICLE = "alliance/alliance-and-outcome/"
STATES: list[tuple[str, str, str, dict[str, object], Callable[[Page], None]]] = [
    ("home", "root", "", {}, _nothing),
    ("home_sub_path", "nginx", "", {}, _nothing),
    ("section_index", "root", "alliance/", {}, _nothing),
    ("article_with_citations", "root", ARTICLE, {}, _nothing),
    ("citation_preview_open", "root", ARTICLE, {}, _hover_citation),
    ("evidence_table", "root", "mindfulness/mindfulness-evidence-table/", {}, _nothing),
    ("bibliography", "root", "references/", {}, _nothing),
    ("glossary", "root", "glossary/", {}, _nothing),
    ("situation", "root", "situations/client-wants-to-stop/", {}, _nothing),
    ("practice_routine", "root", "practice/practice-three-minute-breathing-space/", {}, _nothing),
    ("notes_on_the_sources", "root", "about/notes-on-the-sources/", {}, _nothing),
    ("changelog", "root", "about/changelog/", {}, _nothing),
    ("reading_guide", "root", "reading-guide/for-clinicians/", {}, _nothing),
    ("not_found", "nginx", "no/such/page/", {}, _nothing),
    ("search_open", "root", "", {}, _open_search),
    ("dark_home", "root", "", DARK, _nothing),
    ("dark_article", "root", ARTICLE, DARK, _nothing),
    ("dark_evidence_table", "root", "mindfulness/mindfulness-evidence-table/", DARK, _nothing),
    ("dark_bibliography", "root", "references/", DARK, _nothing),
    ("dark_glossary", "root", "glossary/", DARK, _nothing),
    ("dark_search_open", "root", "", DARK, _open_search),
    ("phone_home", "root", "", PHONE, _nothing),
    ("phone_article", "root", ARTICLE, PHONE, _nothing),
    ("phone_evidence_table", "root", "mindfulness/mindfulness-evidence-table/", PHONE, _nothing),
    ("phone_drawer_open", "root", "", PHONE, _open_drawer),
]


def _violations(axe: Axe, page: Page, options: dict[str, object]) -> dict[str, object]:
    # Only the violations come back: the passes and the rules that did not apply are most of
    # axe's answer, and serialising them for every page cost more than the checks themselves.
    results = axe.run(page, options={**options, "resultTypes": ["violations"]})
    return {v["id"]: [n["target"] for n in v["nodes"]][:3] for v in results.response["violations"]}


@pytest.mark.parametrize(
    ("server_name", "path", "options", "action"),
    [state[1:] for state in STATES],
    ids=[state[0] for state in STATES],
)
def test_each_template_and_state_passes_axe(
    request: pytest.FixtureRequest,
    tabs: Tabs,
    axe: Axe,
    server_name: str,
    path: str,
    options: dict[str, object],
    action: Callable[[Page], None],
) -> None:
    server: Server = request.getfixturevalue(f"{server_name}_server")
    tab = tabs.open(server, **options)
    response = tab.visit(server.base_url + path)
    assert response is not None
    assert response.status == (404 if path == "no/such/page/" else 200)
    page = tab.page
    if options.get("color_scheme") == "dark":
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
    action(page)
    violations = _violations(axe, page, {"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    assert tab.log.blocked == [], "requests to another host"
    assert [error for error in tab.log.console_errors if "404" not in error] == []
    assert page.evaluate("window.__cspViolations") == []
    assert violations == {}


# Every page, once, in Chromium on nginx: the sub-path build under the generated
# Content-Security-Policy, where a blocked script or a wrong relative address shows. Every
# page on both servers over plain HTTP (status, type, headers, every resource it names, no
# other host): tests/builds/test_http_sweep.py. Colour contrast is the theme's, measured per
# template and state above and per interactive state in test_states.py; the other axe rules
# read the page's own text (headings, tables, link names, ids, languages), so they run here.
@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_loads_cleanly_and_its_text_passes_axe(
    tabs: Tabs, nginx_server: Server, axe: Axe, path: str
) -> None:
    tab = tabs.open(nginx_server)
    response = tab.visit(nginx_server.base_url + path)
    assert response is not None
    assert response.status == 200
    violations = _violations(
        axe,
        tab.page,
        {
            "runOnly": {"type": "tag", "values": WCAG_TAGS},
            "rules": {"color-contrast": {"enabled": False}},
        },
    )
    assert tab.log.blocked == [], "requests to another host"
    assert tab.log.failed == []
    assert tab.log.console_errors == []
    assert tab.page.evaluate("window.__cspViolations") == []
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
