"""Wide tables never hide columns without saying so.

On a desktop screen every table fits its column; on a phone a table that must scroll says
so with a visible hint and is a named, keyboard-focusable region (WCAG 2.1.1).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from tests.browser.conftest import PageLog, Server, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

# Pages with the widest tables: six columns, the 30-row verification table, and two guides.
TABLE_PAGES = [
    "",
    "mindfulness/mindfulness-evidence-table/",
    "about/notes-on-the-sources/",
    "practice/",
]

MEASURE_JS = """
() => Array.from(document.querySelectorAll(".md-typeset__scrollwrap")).map((wrap) => {
  const hint = wrap.previousElementSibling;
  const shown = hint && hint.classList.contains("table-scroll-hint")
    && hint.getBoundingClientRect().height > 0 && getComputedStyle(hint).visibility === "visible";
  return {
    overflow: wrap.scrollWidth - wrap.clientWidth,
    hint: Boolean(shown),
    tabindex: wrap.getAttribute("tabindex"),
    label: wrap.getAttribute("aria-label"),
    header: wrap.querySelector("th") ? wrap.querySelector("th").textContent.trim() : "",
  };
})
"""


def _tables(
    browser: Browser, server: Server, width: int, height: int
) -> dict[str, list[dict[str, Any]]]:
    context = open_context(browser, server, PageLog(), viewport={"width": width, "height": height})
    page = context.new_page()
    found: dict[str, list[dict[str, Any]]] = {}
    for path in TABLE_PAGES:
        page.goto(server.base_url + path, wait_until="load")
        page.wait_for_timeout(200)
        found[path] = page.evaluate(MEASURE_JS)
        assert found[path], f"/{path} has no table at {width}px"
    context.close()
    return found


@pytest.mark.parametrize("width", [1366, 1440, 1920])
def test_no_table_is_cut_off_at_common_desktop_widths(
    browser: Browser, root_server: Server, width: int
) -> None:
    for path, tables in _tables(browser, root_server, width, 800).items():
        for table in tables:
            assert table["overflow"] <= 1, f"/{path} table '{table['header']}' at {width}px"
            assert not table["hint"], f"/{path} table '{table['header']}' hints needlessly"


def test_on_a_phone_every_table_that_scrolls_says_so_and_takes_keyboard_focus(
    browser: Browser, root_server: Server
) -> None:
    scrolling = 0
    for path, tables in _tables(browser, root_server, 375, 812).items():
        for table in tables:
            if table["overflow"] > 1:
                scrolling += 1
                where = f"/{path} table '{table['header']}'"
                assert table["hint"], f"{where} scrolls with no visible hint"
                assert table["tabindex"] == "0", f"{where} cannot be scrolled by keyboard"
                assert table["label"] == "Table, scrolls sideways"
            else:
                assert not table["hint"]
    # The evidence table cannot fit 375px; if none scrolls, the measurement is wrong.
    assert scrolling >= 1
