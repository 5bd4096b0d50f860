"""What a page makes the browser do at load (issue 17, Lighthouse mobile performance).

Any class change on <html> restyles every element of the page (the theme's stylesheet has
`table:not([class]) td > :first-child` rules, so a class change invalidates the whole subtree);
overrides/main.html sets the classes the theme's script would set while still in <head>.

The theme's palette component restyled the whole page several times on every view: it added
a colour-scheme meta tag and set and removed [data-md-color-switching] on the body, each a
restyle of every element (over half a second of main thread on the bibliography, on a
phone). site.js runs the toggle instead and touches the body only when the colours differ.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

BIBLIOGRAPHY = "references/"

# Records every attribute change on <html> and <body> once the body exists (before it,
# nothing is styled yet; a write of the same value is no change), and every <meta> added to
# <head> after parsing.
RECORD_MUTATIONS = """
window.__loadMutations = [];
new MutationObserver(function (records) {
  records.forEach(function (record) {
    var node = record.target.nodeName;
    var changed = record.oldValue !== record.target.getAttribute(record.attributeName);
    if (record.type === "attributes" && changed && document.body && /^(HTML|BODY)$/.test(node)) {
      window.__loadMutations.push(node + " " + record.attributeName);
    }
    if (record.type === "childList" && record.target.nodeName === "HEAD") {
      record.addedNodes.forEach(function (node) {
        if (document.readyState !== "loading" && node.nodeName === "META") {
          window.__loadMutations.push("HEAD meta " + node.getAttribute("name"));
        }
      });
    }
  });
}).observe(document, { attributes: true, attributeOldValue: true, childList: true, subtree: true });
"""


def _mutations(browser: Browser, server: Server, scheme: str) -> tuple[list[str], str]:
    context = open_context(browser, server, PageLog(), color_scheme=scheme)
    try:
        page = context.new_page()
        page.add_init_script(RECORD_MUTATIONS)
        page.goto(server.base_url + BIBLIOGRAPHY, wait_until="load")
        page.wait_for_timeout(300)
        recorded: list[str] = page.evaluate("window.__loadMutations")
        scheme_now: str = page.evaluate("document.body.getAttribute('data-md-color-scheme')")
        return recorded, scheme_now
    finally:
        context.close()


def test_first_view_in_light_mode_does_not_restyle_the_page(
    browser: Browser, root_server: Server
) -> None:
    recorded, scheme = _mutations(browser, root_server, "light")
    assert scheme == "default"
    # The body is drawn with the right colours: no switch, no colour attribute rewritten.
    restyling = [
        change
        for change in recorded
        if change.startswith("BODY data-md-color-")
        and change != "BODY data-md-color-media"  # no stylesheet rule reads it
    ]
    assert restyling == []
    assert "HEAD meta color-scheme" not in recorded


def test_first_view_in_dark_mode_switches_once(browser: Browser, root_server: Server) -> None:
    recorded, scheme = _mutations(browser, root_server, "dark")
    assert scheme == "slate"
    assert recorded.count("BODY data-md-color-scheme") == 1
    assert "BODY data-md-color-switching" not in recorded


def test_automatic_colours_follow_a_system_change(browser: Browser, root_server: Server) -> None:
    context = open_context(browser, root_server, PageLog(), color_scheme="light")
    try:
        page = context.new_page()
        page.goto(root_server.base_url)
        body = page.locator("body")
        expect(body).to_have_attribute("data-md-color-scheme", "default")
        toggle = page.locator("label.md-header__button[for^='__palette']:visible")
        expect(toggle).to_have_count(1)
        expect(toggle).to_have_attribute("for", "__palette_1")  # automatic, next: light
        page.emulate_media(color_scheme="dark")
        expect(body).to_have_attribute("data-md-color-scheme", "slate")
        page.emulate_media(color_scheme="light")
        expect(body).to_have_attribute("data-md-color-scheme", "default")
        expect(body).not_to_have_attribute("data-md-color-switching", "")
    finally:
        context.close()


def test_the_root_classes_do_not_change_once_the_body_is_parsed(
    browser: Browser, root_server: Server
) -> None:
    recorded, _ = _mutations(browser, root_server, "light")
    assert [change for change in recorded if change.startswith("HTML class")] == []
    context = open_context(browser, root_server, PageLog())
    try:
        page = context.new_page()
        page.goto(root_server.base_url + BIBLIOGRAPHY)
        classes = page.evaluate("document.documentElement.className").split()
        assert "no-js" not in classes
        assert {"js", "js-focus-visible"} <= set(classes)
    finally:
        context.close()


def test_keyboard_focus_is_still_marked_for_the_focus_styles(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(browser, root_server, PageLog())
    try:
        page = context.new_page()
        page.goto(root_server.base_url + BIBLIOGRAPHY)
        page.keyboard.press("Tab")
        focused = page.evaluate("document.activeElement.classList.contains('focus-visible')")
        assert focused
    finally:
        context.close()
