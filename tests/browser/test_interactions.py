"""What a reader does: search offline, follow and preview citations, copy, switch palette."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from tests.browser.conftest import PageLog, Server, open_context, watch

if TYPE_CHECKING:
    from collections.abc import Iterator

GOLDBERG_PAGE = "mindfulness/mindfulness-goldberg-study/"


@pytest.fixture
def context(browser: Browser, root_server: Server) -> Iterator[BrowserContext]:
    context = open_context(
        browser, root_server, PageLog(), permissions=["clipboard-read", "clipboard-write"]
    )
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


def test_search_finds_a_page_by_a_word_only_in_its_body_with_no_network(
    browser: Browser, root_server: Server
) -> None:
    log = PageLog()
    context = open_context(browser, root_server, log)
    page = watch(context.new_page(), log)
    page.goto(root_server.base_url, wait_until="load")
    page.locator(".md-search__input").click()
    # The index loads in a web worker; typing before it is ready is ignored.
    expect(page.locator(".md-search-result__meta")).not_to_contain_text(
        "Initializing", timeout=15000
    )
    page.locator(".md-search__input").press_sequentially("hyperarousal", delay=20)
    result = page.locator(".md-search-result__list a").first
    expect(result).to_have_attribute(
        "href", re.compile(r"/practice/practice-safety/(\?h=.*)?$"), timeout=15000
    )
    assert log.blocked == []
    context.close()


def test_clicking_a_citation_lands_on_its_entry(page: Page, root_server: Server) -> None:
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    page.locator("a.citation__link").first.click()
    assert page.url.endswith("#ref-goldberg2013role")
    entry = page.locator("li#ref-goldberg2013role")
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("Journal of Clinical Psychology")


def _tooltip(page: Page) -> str:
    tooltip = page.locator("#citation-preview[role=tooltip]")
    expect(tooltip).to_be_visible()
    return tooltip.inner_text()


def test_citation_preview_shows_on_hover(page: Page, root_server: Server) -> None:
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    page.locator("a.citation__link").first.hover()
    assert _tooltip(page).startswith("Goldberg, S. B., Davis, J. M., & Hoyt, W. T. (2013).")


def test_citation_preview_shows_on_keyboard_focus(page: Page, root_server: Server) -> None:
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    link = page.locator("a.citation__link").first
    link.focus()
    assert _tooltip(page).startswith("Goldberg, S. B., Davis, J. M., & Hoyt, W. T. (2013).")
    described_by = link.get_attribute("aria-describedby")
    assert described_by is not None
    expect(page.locator(f"#{described_by}")).to_contain_text("Journal of Clinical Psychology")


READ_CLIPBOARD = """async () => {
    const flavours = {};
    for (const item of await navigator.clipboard.read()) {
        for (const type of item.types) flavours[type] = await (await item.getType(type)).text();
    }
    return flavours;
}"""
RAZZAQUE_APA = (
    "Razzaque, R., Okoro, E., & Wood, L. (2015). Mindfulness in clinician therapeutic "
    "relationships. Mindfulness, 6(2), 170–174. https://doi.org/10.1007/s12671-013-0241-7"
)


def test_copy_buttons_put_apa_and_bibtex_on_the_clipboard(page: Page, root_server: Server) -> None:
    page.goto(root_server.base_url + "references/#ref-razzaque2015mindfulness")
    entry = page.locator("li#ref-razzaque2015mindfulness")
    entry.get_by_role("button", name="Copy APA 7").focus()
    page.keyboard.press("Enter")
    expect(entry.get_by_role("button", name="Copied")).to_be_visible()
    flavours = page.evaluate(READ_CLIPBOARD)
    assert flavours["text/plain"] == RAZZAQUE_APA
    # The HTML flavour keeps APA's italics: journal and volume.
    assert "<em>Mindfulness</em>, <em>6</em>(2)" in flavours["text/html"]
    expect(page.get_by_role("status")).to_have_text("APA 7 reference copied to the clipboard")
    entry.get_by_role("button", name="Copy BibTeX").click()
    assert page.evaluate("navigator.clipboard.readText()").startswith(
        "@article{razzaque2015mindfulness,"
    )


@pytest.mark.parametrize(
    ("button", "plain", "italic"),
    [
        (
            "Copy Vancouver",
            "Razzaque R, Okoro E, Wood L. Mindfulness in clinician therapeutic relationships. "
            "Mindfulness. 2015;6(2):170–4.",
            "",
        ),
        (
            "Copy Harvard",
            # en-US quotation marks: the style names no locale, and the site's is en-US.
            "Razzaque, R., Okoro, E. and Wood, L. (2015) “Mindfulness in clinician therapeutic "
            "relationships”, Mindfulness, 6(2), pp. 170–174. "
            "Available at: https://doi.org/10.1007/s12671-013-0241-7.",
            "<em>Mindfulness</em>",
        ),
    ],
)
def test_every_entry_copies_in_vancouver_and_harvard(
    page: Page, root_server: Server, button: str, plain: str, italic: str
) -> None:
    page.goto(root_server.base_url + "references/#ref-razzaque2015mindfulness")
    entry = page.locator("li#ref-razzaque2015mindfulness")
    entry.get_by_role("button", name=button).click()
    expect(entry.get_by_role("button", name="Copied")).to_be_visible()
    flavours = page.evaluate(READ_CLIPBOARD)
    assert flavours["text/plain"].startswith(plain)
    assert italic in flavours["text/html"]


def test_copy_falls_back_to_a_copy_event_with_both_flavours(
    page: Page, root_server: Server
) -> None:
    page.goto(root_server.base_url + "references/#ref-razzaque2015mindfulness")
    # As on a plain-http intranet: the async write is refused, execCommand remains.
    page.evaluate(
        "() => { navigator.clipboard.write = () => Promise.reject(new Error('refused')); }"
    )
    entry = page.locator("li#ref-razzaque2015mindfulness")
    entry.get_by_role("button", name="Copy APA 7").click()
    expect(entry.get_by_role("button", name="Copied")).to_be_visible()
    flavours = page.evaluate(READ_CLIPBOARD)
    assert flavours["text/plain"] == RAZZAQUE_APA
    assert "<em>Mindfulness</em>" in flavours["text/html"]


@pytest.mark.parametrize("secure_write", [True, False], ids=["clipboard_api", "copy_event"])
def test_cite_this_page_copies_the_page_reference(
    page: Page, root_server: Server, secure_write: bool
) -> None:
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    if not secure_write:
        page.evaluate(
            "() => { navigator.clipboard.write = navigator.clipboard.writeText ="
            " () => Promise.reject(new Error('no')); }"
        )
    button = page.locator("button[data-copy-page]").first
    source = page.locator(f"#{button.get_attribute('data-copy-page')}")
    expected = " ".join(source.text_content().split())  # type: ignore[union-attr]
    assert expected.startswith("Mindful Alliance")
    button.click()
    expect(page.get_by_role("status")).to_have_text(
        "APA reference of this page copied to the clipboard"
    )
    if secure_write:
        # The page's title is in italics (an APA web page), on the clipboard as on the page.
        flavours = page.evaluate(READ_CLIPBOARD)
        title = page.locator("article h1").first.text_content() or ""
        assert f"<em>{title.replace('¶', '').strip()}</em>" in flavours["text/html"]
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_downloads_are_served(page: Page, root_server: Server) -> None:
    page.goto(root_server.base_url + "references/")
    entry = page.locator("li#ref-razzaque2015mindfulness")
    with page.expect_download() as download:
        entry.get_by_role("link", name="Download RIS").click()
    assert download.value.suggested_filename == "razzaque2015mindfulness.ris"
    path = download.value.path()
    assert "TY  - JOUR" in path.read_text(encoding="utf-8")


def test_palette_toggle_switches_and_is_remembered(page: Page, root_server: Server) -> None:
    page.emulate_media(color_scheme="light")
    page.goto(root_server.base_url)
    body = page.locator("body")
    page.locator("label.md-header__button[for^='__palette']:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "default")
    page.locator("label.md-header__button[for^='__palette']:visible").click()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.reload()
    expect(body).to_have_attribute("data-md-color-scheme", "slate")
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    expect(body).to_have_attribute("data-md-color-scheme", "slate")


def test_mobile_navigation_drawer_works(browser: Browser, root_server: Server) -> None:
    log = PageLog()
    context = open_context(browser, root_server, log, viewport={"width": 375, "height": 740})
    page = context.new_page()
    page.goto(root_server.base_url)
    drawer = page.locator("nav.md-nav--primary")
    expect(drawer).not_to_be_in_viewport()
    page.locator("label.md-header__button[for='__drawer']").click()
    expect(drawer).to_be_in_viewport()
    page.locator("nav.md-nav--primary").get_by_role("link", name="Glossary").click()
    expect(page).to_have_url(root_server.base_url + "glossary/")
    context.close()


def test_404_page_under_the_sub_path_links_back(browser: Browser, nginx_server: Server) -> None:
    log = PageLog()
    context = open_context(browser, nginx_server, log)
    page = watch(context.new_page(), log)
    response = page.goto(nginx_server.base_url + "no/such/page/")
    assert response is not None
    assert response.status == 404
    expect(page.locator("h1")).to_have_text("Page not found")
    home = page.locator("a.md-header__button.md-logo")
    assert home.get_attribute("href") in ("/alliance/", "/alliance/.")
    home.click()
    expect(page).to_have_url(nginx_server.base_url)
    assert page.title().endswith("Mindful Alliance")
    expect(page.locator("h1")).to_have_text(re.compile("Mindful Alliance"))
    assert log.failed == []
    assert log.blocked == []
    context.close()


def test_a_reference_leads_back_to_its_citations_and_back_returns_focus(
    page: Page, root_server: Server
) -> None:
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    citation = page.locator("article a.citation__link[href='#ref-goldberg2013role']").first
    citing = page.locator("article a.citation__link[href='#ref-goldberg2013role']").count()
    entry = page.locator("ul.reference-list li#ref-goldberg2013role")
    back = entry.locator(".reference__back a")
    expect(back).to_have_count(citing)
    # The names are the engine's options (English on this site), filled in by the script.
    name = (
        "Back to the citation in the text"
        if citing == 1
        else f"Back to citation 1 of {citing} in the text"
    )
    expect(back.first).to_have_attribute("aria-label", name)
    citation.click()
    assert page.url.endswith("#ref-goldberg2013role")
    # The address stays the entry's while the reader scrolls (no rewriting to a heading).
    page.mouse.wheel(0, 300)
    page.wait_for_timeout(400)
    assert page.url.endswith("#ref-goldberg2013role")
    # The back link leads to the citation and gives it focus.
    back.first.click()
    first_id = citation.get_attribute("id")
    assert first_id
    assert page.url.endswith(f"#{first_id}")
    assert page.evaluate("document.activeElement.id") == first_id
    # Browser Back after following a citation returns focus to that citation.
    page.goto(root_server.base_url + GOLDBERG_PAGE)
    page.locator("article a.citation__link[href='#ref-goldberg2013role']").first.click()
    page.go_back()
    page.wait_for_function(f"document.activeElement && document.activeElement.id === '{first_id}'")
