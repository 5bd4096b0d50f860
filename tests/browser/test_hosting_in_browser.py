"""Both engines' builds in Chromium under the generated configurations; the file-share build.

The file-share build is opened from disk. The servers are Debian's stock nginx and Apache (tests/servers.py); what they answer over
HTTP is tested without a browser in tests/builds/test_hosting.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

import pytest
from alliance_site import release
from alliance_site.release import BuildOptions

from tests.browser.conftest import PageLog, open_context, watch
from tests.conftest import ROOT, SUBPATH_URL
from tests.servers import Hosted, apache, nginx_with_snippet

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Route

BROWSED = ["", "references/", "mindfulness/mindfulness-razzaque-study/", "glossary/"]


# -- both engines' builds in a browser, under each server -------------------------------------


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def engine_site(request: pytest.FixtureRequest) -> Path:
    name = "subpath_site" if request.param == "mkdocs" else "zensical_subpath_site"
    site: Path = request.getfixturevalue(name)
    return site


@pytest.fixture(scope="module", params=["nginx", "apache"])
def hosted_build(
    request: pytest.FixtureRequest, engine_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hosted]:
    if request.param == "nginx":
        with nginx_with_snippet(engine_site, tmp_path_factory.mktemp("nginx-browse")) as hosted:
            yield hosted
    else:
        with apache(engine_site) as hosted:
            yield hosted


def test_both_builds_run_under_the_generated_policy(browser: Browser, hosted_build: Hosted) -> None:
    server = hosted_build.server
    log = PageLog()
    context = open_context(browser, server, log)
    page = watch(context.new_page(), log)
    violations = {}
    for path in BROWSED:
        response = page.goto(server.base_url + path, wait_until="load")
        assert response is not None
        assert response.status == 200, path
        if path == "glossary/":  # a citation preview: the theme's script sets styles
            page.locator("a.citation__link").first.hover()
        violations[path] = page.evaluate("window.__cspViolations")
    response = page.goto(server.base_url + "no/such/page/", wait_until="load")
    assert response is not None
    assert response.status == 404
    violations["404"] = page.evaluate("window.__cspViolations")
    context.close()
    assert all(found == [] for found in violations.values()), violations
    assert log.blocked == []
    assert [error for error in log.console_errors if "404" not in error] == []


# -- the file-share build, opened from disk --------------------------------------------------


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("offline") / "site"
    return release.build(ROOT, BuildOptions(site_url=SUBPATH_URL, offline=True), out)


def test_the_file_share_build_works_opened_from_disk(browser: Browser, offline_site: Path) -> None:
    context = browser.new_context()
    foreign: list[str] = []

    def route(route: Route) -> None:
        if route.request.url.startswith(("file://", "data:", "blob:", "about:")):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log = PageLog()
    watch(page, log)
    page.goto((offline_site / "index.html").as_uri())
    # Search cannot run from disk: a visible note says so instead of a dead box.
    assert page.locator(".search-offline-note").is_visible()
    assert page.locator(".md-search, form[name='search']").count() == 0
    # Every link to the site leads to a file (never a folder, which opens a listing).
    pages = [offline_site / "index.html", offline_site / "references" / "index.html"]
    for html in pages:
        page.goto(html.as_uri())
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            if href.startswith("file://"):
                target = Path(unquote(urlsplit(href).path))
                assert target.is_file(), f"{html.name}: {href}"
    # Following the navigation lands on a page, not a listing.
    page.goto((offline_site / "index.html").as_uri())
    with page.expect_navigation():
        page.locator("a.md-nav__link[href$='practice/index.html']").first.evaluate("a => a.click()")
    assert page.url.endswith("/practice/index.html")
    assert page.locator("h1").count() == 1
    # Figures load.
    page.goto(
        (offline_site / "alliance" / "alliance-therapists-clients-and-medication.html").as_uri()
    )
    widths = page.eval_on_selector_all(
        "article img[src$='.svg']", "els => els.map(e => e.complete ? e.naturalWidth : 0)"
    )
    assert widths
    assert all(width > 0 for width in widths)
    # The colour toggle works: automatic, then light, then dark.
    schemes = []
    for _ in range(2):
        page.locator("form.md-header__option label:not([hidden])").first.click()
        schemes.append(page.evaluate("document.body.getAttribute('data-md-color-scheme')"))
    assert schemes == ["default", "slate"]
    # A reference download opened from disk: Chromium ignores the download attribute on
    # file:// and shows the file's text in the tab, as INSTALL-offline.txt tells readers.
    page.goto((offline_site / "references" / "index.html").as_uri())
    entry = page.locator("li#ref-razzaque2015mindfulness")
    with page.expect_navigation():
        entry.get_by_role("link", name="Download BibTeX").click()
    assert page.url.endswith("/downloads/entries/razzaque2015mindfulness.bib")
    assert (page.text_content("body") or "").lstrip().startswith("@article{razzaque2015")
    install = (ROOT / "deploy" / "INSTALL-offline.txt").read_text(encoding="utf-8")
    assert 'a "Download" link shows the file\'s text in the tab' in " ".join(install.split())
    context.close()
    assert foreign == []
    assert errors == []
    assert log.failed == []
