"""Every interactive element stays legible when hovered, focused or pressed, in both schemes.

axe measures contrast at rest only. Here Chromium forces each state the way a reader does
(the mouse over it, the keyboard on it, the mouse button held down) and the test computes
the contrast of the colours it then paints (see contrast.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, open_context
from tests.browser.contrast import CONTRAST_JS

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page

MINIMUM = 4.5
GOLDBERG = "mindfulness/mindfulness-goldberg-study/"
# (page, CSS selector of the first such element, what it is)
ELEMENTS = [
    ("references/", ".reference__actions button.md-button", "copy button"),
    ("references/", ".reference__actions a.md-button", "download button"),
    ("references/", "#bibliography-filter", "bibliography filter input"),
    ("references/", ".reference__cited-on a", "cited-on link"),
    ("references/", ".bibliography-downloads a", "whole-library download link"),
    (GOLDBERG, ".md-content a.citation__link", "citation link"),
    (GOLDBERG, ".md-content p a:not(.citation__link)", "link in text"),
    (GOLDBERG, ".md-sidebar--primary .md-nav__link:not(.md-nav__link--active)", "nav link"),
    (GOLDBERG, ".md-sidebar--primary a.md-nav__link--active", "current nav link"),
    (GOLDBERG, ".md-footer__link", "footer link"),
    # The permalink is hidden (opacity 0) until its heading is hovered or it is focused.
    (GOLDBERG, ".md-content .headerlink", "permalink"),
    ("", ".home-shortcuts .md-button", "home shortcut button"),
]
SCHEMES = ["light", "dark"]
# Each state is measured as it looks once settled, which is what a transition ends in; with
# the transitions off it is there at once, instead of 125 to 250 ms later for each of the
# hundred or so measures (contrast.py still awaits any transition that runs).
SETTLED = "*, *::before, *::after { transition: none !important; }"
STATES = ["rest", "hover", "focus", "active"]


def _visible_palette_toggle(page: Page) -> Locator:
    return page.locator("label.md-header__button[for^='__palette']:visible").first


def _measure(page: Page, element: Locator, state: str) -> dict[str, Any]:
    page.mouse.move(0, 0)
    page.evaluate("document.activeElement && document.activeElement.blur()")
    element.scroll_into_view_if_needed()
    if state == "hover":
        element.hover()
    elif state == "focus":
        page.keyboard.press("Shift")  # the last input is the keyboard: focus is :focus-visible
        element.focus()
    elif state == "active":
        box = element.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.mouse.down()
    # Two frames: the new state is styled and its transitions have started; CONTRAST_JS then
    # awaits every running transition (a fixed 250 ms once let CI read a button mid-fade).
    page.evaluate("new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    result: dict[str, Any] = element.evaluate(CONTRAST_JS)
    if state == "active":
        page.mouse.move(0, 0)  # release away from it, so nothing is clicked or followed
        page.mouse.up()
    return result


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_of_every_interactive_element_reaches_4_5_to_1(
    browser: Browser, root_server: Server, scheme: str
) -> None:
    context = open_context(
        browser,
        root_server,
        PageLog(),
        viewport={"width": 1366, "height": 800},
        color_scheme=scheme,
    )
    page = context.new_page()
    failures: list[str] = []
    measured = 0
    current = None
    targets: list[tuple[str, str, str]] = [*ELEMENTS, (GOLDBERG, "palette", "palette toggle")]
    for path, selector, name in targets:
        if path != current:
            page.goto(root_server.base_url + path)
            page.add_style_tag(content=SETTLED)
            current = path
            scheme_attr = page.locator("body").get_attribute("data-md-color-scheme")
            assert scheme_attr == ("slate" if scheme == "dark" else "default")
        element = (
            _visible_palette_toggle(page) if selector == "palette" else page.locator(selector).first
        )
        assert element.count() == 1, f"{name}: nothing matches {selector} on /{path}"
        for state in STATES:
            if state == "rest" and name == "permalink":
                measured += 1
                continue
            result = _measure(page, element, state)
            measured += 1
            if result["ratio"] < MINIMUM:
                failures.append(
                    f"{scheme} {name} ({selector} on /{path}) {state}: "
                    f"{result['ratio']:.2f}:1, rgb({result['text']}) on rgb({result['background']})"
                )
    context.close()
    assert measured == len(targets) * len(STATES)
    assert failures == [], "\n".join(failures)


def test_the_copied_confirmation_is_legible_in_dark_mode(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(
        browser,
        root_server,
        PageLog(),
        viewport={"width": 1366, "height": 800},
        color_scheme="dark",
        permissions=["clipboard-read", "clipboard-write"],
    )
    page = context.new_page()
    page.goto(root_server.base_url + "references/")
    button = page.locator(".reference__actions button[data-copy='apa']").first
    button.click()  # the pointer stays on it: hovered and focused, as the reader sees it
    # Copying is asynchronous: wait for the confirmation (it stays two seconds).
    expect(button).to_have_text("Copied")
    result = button.evaluate(CONTRAST_JS)
    context.close()
    assert result["ratio"] >= MINIMUM, result
