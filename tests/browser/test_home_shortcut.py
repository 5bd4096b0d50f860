"""A clinician on a phone reaches the practice routines in one tap from the home page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from playwright.sync_api import expect

from tests.browser.conftest import PageLog, Server, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser


def test_the_routines_are_one_tap_away_on_the_first_phone_screen(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(
        browser,
        root_server,
        PageLog(),
        viewport={"width": 375, "height": 812},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(root_server.base_url)
    shortcut = page.locator(".home-shortcuts").get_by_role("link", name="Practice routines")
    expect(shortcut).to_be_visible()
    box = shortcut.bounding_box()
    assert box is not None
    # Wholly inside the first screen, without scrolling, and big enough to tap (WCAG 2.5.8).
    assert page.evaluate("window.scrollY") == 0
    assert box["y"] >= 0
    assert box["y"] + box["height"] <= 812
    assert box["height"] >= 24
    assert box["width"] >= 24
    shortcut.tap()
    expect(page).to_have_url(root_server.base_url + "practice/")
    expect(page.locator("h1")).to_contain_text("Practice routines for clinicians")
    context.close()


def test_the_reset_routine_is_one_tap_away_too(browser: Browser, root_server: Server) -> None:
    context = open_context(
        browser, root_server, PageLog(), viewport={"width": 375, "height": 812}, has_touch=True
    )
    page = context.new_page()
    page.goto(root_server.base_url)
    shortcut = page.locator(".home-shortcuts").get_by_role(
        "link", name="The one-moment reset between clients"
    )
    expect(shortcut).to_be_in_viewport(ratio=1)
    shortcut.tap()
    expect(page).to_have_url(root_server.base_url + "practice/practice-reset-between-clients/")
    context.close()


def test_the_shortcuts_stand_apart_at_one_width_on_a_phone(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(
        browser, root_server, PageLog(), viewport={"width": 375, "height": 812}, has_touch=True
    )
    page = context.new_page()
    page.goto(root_server.base_url)
    boxes = [link.bounding_box() for link in page.locator(".home-shortcuts a.md-button").all()]
    context.close()
    assert len(boxes) >= 2
    first, second, *_ = [box for box in boxes if box is not None]
    assert first["width"] == second["width"]
    apart = max(
        second["y"] - (first["y"] + first["height"]), second["x"] - (first["x"] + first["width"])
    )
    assert apart >= 8  # 0.5rem: the two never touch
