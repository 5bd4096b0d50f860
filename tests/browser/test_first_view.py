"""A first page view leaves the search index for the reader who searches.

overrides/main.html holds back the theme's request for search/search_index.json until the
reader reaches for search; each way of reaching for it must then load the index and find
bibliography entries, on a wide screen and on a phone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, open_context, watch

if TYPE_CHECKING:
    from collections.abc import Callable

    from playwright.sync_api import Browser, Page

INDEX = "search/search_index.json"


def _index_requests(log: PageLog) -> int:
    return sum(url.split("?")[0].endswith(INDEX) for url in log.requests)


def _click_box(page: Page) -> None:
    page.locator(".md-search__input").click()


def _slash_key(page: Page) -> None:
    page.keyboard.press("/")


def _s_key(page: Page) -> None:
    page.keyboard.press("s")


WAYS: dict[str, Callable[[Page], None]] = {
    "click the box": _click_box,
    "press /": _slash_key,
    "press s": _s_key,
}


@pytest.mark.parametrize("way", list(WAYS))
def test_the_index_loads_only_when_the_reader_reaches_for_search(
    browser: Browser, root_server: Server, way: str
) -> None:
    log = PageLog()
    context = open_context(browser, root_server, log, viewport={"width": 1366, "height": 800})
    page = watch(context.new_page(), log)
    page.goto(root_server.base_url + "references/", wait_until="load")
    page.wait_for_timeout(1000)  # nothing else may ask for it either, after the page settles
    assert _index_requests(log) == 0, "the first view loaded the search index"
    WAYS[way](page)
    page.keyboard.type("Safran")
    results = page.locator(".md-search-result__list li")
    expect(results.first).to_be_visible(timeout=15000)
    assert _index_requests(log) == 1
    hrefs = page.locator(".md-search-result__list a").evaluate_all(
        "(links) => links.map((link) => link.getAttribute('href'))"
    )
    assert any("#ref-safran" in str(href) for href in hrefs), hrefs
    context.close()
    assert log.console_errors == []
    assert log.failed == []


def test_a_phone_reader_tapping_search_gets_results(browser: Browser, root_server: Server) -> None:
    log = PageLog()
    context = open_context(
        browser,
        root_server,
        log,
        viewport={"width": 390, "height": 800},
        is_mobile=True,
        has_touch=True,
    )
    page = watch(context.new_page(), log)
    page.goto(root_server.base_url, wait_until="load")
    assert _index_requests(log) == 0
    page.locator("label.md-header__button[for=__search]").tap()
    page.keyboard.type("alliance")
    expect(page.locator(".md-search-result__list li").first).to_be_visible(timeout=15000)
    assert _index_requests(log) == 1
    context.close()
    assert log.console_errors == []
