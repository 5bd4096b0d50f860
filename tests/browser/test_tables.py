"""Wide tables never hide columns without saying so, and never break a word.

On a desktop screen every table fits its column with whole words; on a phone a table of
five or more columns becomes one card per row with each cell under its label, and any
table that must still scroll says so with a visible hint and is a named,
keyboard-focusable region (WCAG 2.1.1).
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
    stacked: wrap.querySelector("table[data-stacked]") !== null,
    unlabelled: Array.from(wrap.querySelectorAll("tbody td:not([data-label])")).length,
    display: wrap.querySelector("tbody tr") ? getComputedStyle(wrap.querySelector("tbody tr")).display : "",
  };
})
"""

# Words of table cells drawn on more than one line: a word broken mid-word.
BROKEN_WORDS_JS = """
() => {
  const broken = [];
  for (const cell of document.querySelectorAll("article td")) {
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent;
      for (const match of text.matchAll(/[A-Za-z\u00c0-\u024f]{6,}/g)) {
        const range = document.createRange();
        range.setStart(node, match.index);
        range.setEnd(node, match.index + match[0].length);
        const lines = new Set(Array.from(range.getClientRects()).map((r) => Math.round(r.top)));
        if (lines.size > 1) broken.push(match[0]);
      }
    }
  }
  return broken;
}
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


def test_no_word_in_a_table_breaks_at_desktop_widths(browser: Browser, root_server: Server) -> None:
    for width in (1366, 1920):
        context = open_context(
            browser, root_server, PageLog(), viewport={"width": width, "height": 800}
        )
        page = context.new_page()
        page.goto(
            root_server.base_url + "mindfulness/mindfulness-evidence-table/", wait_until="load"
        )
        broken = page.evaluate(BROKEN_WORDS_JS)
        context.close()
        assert broken == [], f"{width}px: {broken}"


def test_on_a_phone_wide_tables_stack_and_any_that_scrolls_says_so(
    browser: Browser, root_server: Server
) -> None:
    scrolling = stacked = 0
    for path, tables in _tables(browser, root_server, 375, 812).items():
        for table in tables:
            if table["stacked"]:
                stacked += 1
                where = f"/{path} table '{table['header']}'"
                assert table["overflow"] <= 1, f"{where} is stacked yet scrolls"
                assert table["display"] == "block", where
                assert table["unlabelled"] == 0, f"{where} has cells without a label"
            if table["overflow"] > 1:
                scrolling += 1
                where = f"/{path} table '{table['header']}'"
                assert table["hint"], f"{where} scrolls with no visible hint"
                assert table["tabindex"] == "0", f"{where} cannot be scrolled by keyboard"
                assert table["label"] == "Table, scrolls sideways"
            else:
                assert not table["hint"]
    # The evidence table (six columns) is stacked; the four-column tables still scroll.
    assert stacked >= 2
    assert scrolling >= 1
