"""The bibliography filter, as a keyboard user meets it on the built site."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, Tabs, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

ENTRIES = "ul.reference-list--full > li.reference"


@pytest.fixture
def page(tabs: Tabs, root_server: Server) -> Page:
    """The bibliography on a phone, loaded afresh: the filter starts empty."""
    tab = tabs.open(root_server, viewport={"width": 375, "height": 812})
    tab.visit(root_server.base_url + "references/")
    return tab.page


def _total(page: Page) -> int:
    return page.locator(ENTRIES).count()


def _focus_filter_by_keyboard(page: Page) -> None:
    """Tab from the whole-library downloads until the filter has focus, as a keyboard user."""
    page.locator(".bibliography-downloads a").last.focus()
    page.keyboard.press("Tab")
    expect(page.locator("#bibliography-filter")).to_be_focused()


def test_the_filter_is_shown_labelled_and_counts_every_entry(page: Page) -> None:
    total = _total(page)
    assert total > 50
    field = page.get_by_label("Filter by author, year, title or topic")
    expect(field).to_be_visible()
    expect(page.locator("#bibliography-filter-count")).to_have_text(f"{total} entries")


def test_an_authors_name_typed_from_the_keyboard_leaves_their_entries(page: Page) -> None:
    total = _total(page)
    _focus_filter_by_keyboard(page)
    page.keyboard.type("Safran")
    visible = page.locator(f"{ENTRIES}:visible")
    expect(page.locator("#bibliography-filter-count")).to_have_text(
        re.compile(rf"^\d+ of {total} entries match$")
    )
    count = visible.count()
    assert 1 <= count < total
    for index in range(count):
        expect(visible.nth(index).locator(".reference__text")).to_contain_text("Safran")
    # Letter sections left empty disappear with their entries.
    expect(page.locator("h2#bibliography-b")).to_be_hidden()
    expect(page.locator("h2#bibliography-s")).to_be_visible()


@pytest.mark.parametrize(
    ("query", "expected_key"),
    [
        pytest.param("2015 Razzaque", "razzaque2015mindfulness", id="year_and_author"),
        pytest.param("smokers", "goldberg2013role", id="title_word"),
        pytest.param("Goldberg, Davis and Hoyt study", "goldberg2013role", id="topic_page"),
    ],
)
def test_year_title_and_topic_each_find_the_entry(
    page: Page, query: str, expected_key: str
) -> None:
    page.locator("#bibliography-filter").fill(query)
    expect(page.locator(f"li#ref-{expected_key}")).to_be_visible()
    assert page.locator(f"{ENTRIES}:visible").count() < _total(page)


def test_no_match_says_so_and_clearing_brings_everything_back(page: Page) -> None:
    total = _total(page)
    field = page.locator("#bibliography-filter")
    field.fill("qqqzzz")
    expect(page.locator("#bibliography-filter-count")).to_have_text(f"0 of {total} entries match")
    expect(page.locator(".bibliography-filter__empty")).to_be_visible()
    assert page.locator(f"{ENTRIES}:visible").count() == 0
    field.press("Escape")  # a search field clears on Escape
    expect(page.locator("#bibliography-filter-count")).to_have_text(f"{total} entries")
    expect(page.locator(".bibliography-filter__empty")).to_be_hidden()
    assert page.locator(f"{ENTRIES}:visible").count() == total


def test_searching_an_author_leads_to_their_entry_not_to_a_letter(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(browser, root_server, PageLog())
    page = context.new_page()
    page.goto(root_server.base_url)
    page.locator(".md-search__input").click()
    expect(page.locator(".md-search-result__meta")).not_to_contain_text(
        "Initializing", timeout=15000
    )
    page.locator(".md-search__input").press_sequentially("Safran", delay=20)
    entry_links = page.locator(".md-search-result__list a[href*='references/#ref-safran']")
    expect(entry_links.first).to_be_visible(timeout=15000)
    entry_links.first.click()
    expect(page).to_have_url(re.compile(r"references/#ref-safran\w+-entry$"))
    # The label heading is visually hidden; the entry holding it is what the reader sees.
    entry = page.locator("li.reference:has(> :target)")
    expect(entry).to_be_in_viewport()
    expect(entry.locator(".reference__text")).to_contain_text("Safran")
    context.close()
