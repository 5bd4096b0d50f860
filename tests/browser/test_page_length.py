"""On a phone, no content page's own text runs past about eight screens before its references.

Measured in Chromium at 375 x 812 (the phone of the UX review): the height of the article from
its top to the top of the ``References`` heading, or to its end when a page cites nothing.
A page longer than that is split into pages a clinician can read between sessions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pytest

from tests.browser.conftest import PageLog, Server, open_context
from tests.content_rules import DOCS, content_pages, page_url_path

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page

PHONE: Final = {"width": 375, "height": 812}
MAX_SCREENS: Final = 8
# Reference pages read by lookup, not end to end: the bibliography, the audit of the sources,
# the A-Z glossary, whose terms the table of contents and search lead straight to, the
# contributors' guide (CONTRIBUTING.md, with its options table), which no clinician reads, and
# the task forces' table of every element (on a phone, one card per element).
EXEMPT: Final = frozenset(
    {
        "references/index.md",
        "therapist-qualities/therapist-qualities-task-force-conclusions.md",
        "about/notes-on-the-sources.md",
        "glossary.md",
        "about/contributing.md",
    }
)

MAIN_TEXT_HEIGHT_JS: Final = """
() => {
  const article = document.querySelector("article.md-content__inner");
  const references = article.querySelector("h2#references");
  const top = article.getBoundingClientRect().top;
  const end = references ? references.getBoundingClientRect().top
                         : article.getBoundingClientRect().bottom;
  return end - top;
}
"""


PAGES: Final = [
    page.relative_to(DOCS).as_posix()
    for page in content_pages()
    if page.relative_to(DOCS).as_posix() not in EXEMPT
]


@pytest.fixture(scope="module")
def phone(browser: Browser, root_server: Server) -> Iterator[Page]:
    context = open_context(
        browser, root_server, PageLog(), viewport=PHONE, device_scale_factor=2, is_mobile=True
    )
    yield context.new_page()
    context.close()


def main_text_height(page: Page, url: str) -> float:
    """Pixels from the top of the article to its References heading (or its end)."""
    page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")  # the text's height is its font's
    height: float = page.evaluate(MAIN_TEXT_HEIGHT_JS)
    return height


@pytest.mark.parametrize("name", PAGES)
def test_main_text_fits_eight_phone_screens(phone: Page, root_server: Server, name: str) -> None:
    height = main_text_height(phone, root_server.base_url + page_url_path(name))
    limit = MAX_SCREENS * PHONE["height"]
    assert height <= limit, (
        f"docs/{name}: main text is {height:.0f} px = {height / PHONE['height']:.1f} phone "
        f"screens (limit {MAX_SCREENS} = {limit} px)"
    )


def test_the_measure_sees_a_long_page(phone: Page, root_server: Server) -> None:
    # The bibliography is far longer than eight screens and has no References heading of its
    # own, so the measure must report its whole article.
    height = main_text_height(phone, root_server.base_url + "references/")
    assert height > MAX_SCREENS * PHONE["height"]


def test_exemptions_name_real_pages() -> None:
    names = {page.relative_to(DOCS).as_posix() for page in content_pages()}
    assert names >= EXEMPT
