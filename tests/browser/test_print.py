"""A practice routine prints as a one-page card with its steps and safety note, no chrome."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from tests.browser.conftest import PageLog, Server, Tabs, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROUTINES = {
    "practice/practice-reset-between-clients/": 5,
    "practice/practice-attending-to-discomfort/": 6,
    "practice/practice-three-minute-breathing-space/": 3,
}


@pytest.mark.parametrize("paper", ["A4", "Letter"])
@pytest.mark.parametrize("path", sorted(ROUTINES))
def test_routine_prints_on_one_page_with_its_steps(
    tabs: Tabs, root_server: Server, path: str, paper: str
) -> None:
    page = tabs.open(root_server).page
    page.goto(root_server.base_url + path, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")  # print with the page's own fonts
    steps = page.locator("#steps ~ ol").first.locator("> li").all_inner_texts()
    safety = page.locator("#safety ~ .admonition").first.inner_text()
    pdf = page.pdf(format=paper, print_background=False)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = " ".join(unicodedata.normalize("NFKC", reader.pages[0].extract_text()).split())
    assert len(steps) == ROUTINES[path]
    for step in steps:
        assert " ".join(step.split())[:40] in text
    title, body = safety.split("\n", 1)
    assert title.strip() == "For your own use, not clinical advice"
    assert title.strip() in text
    sentences = re.split(r"(?<=[.;:])\s+", " ".join(body.split()))
    assert sentences[0].startswith("Stop at once if the")
    for sentence in sentences:
        assert sentence[:40] in text
    for group in ("trauma", "psychosis", "bipolar disorder", "severe depression", "suicide"):
        assert group in text
    for anchor in ("feet on the floor", "hands", "sounds", "see"):
        assert anchor in text
    for chrome in ("Table of contents", "Reading guide", "Search"):
        assert chrome not in text
    assert re.search(r"Steps", text)
    # A link to another page prints that page's address: paper cannot follow a link.
    assert "read practising safely (http://127.0.0.1:8000/practice/practice-safety/)" in text


@pytest.mark.parametrize("path", sorted(ROUTINES))
def test_printed_card_names_its_source(tabs: Tabs, root_server: Server, path: str) -> None:
    page = tabs.open(root_server).page
    page.goto(root_server.base_url + path, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")  # print with the page's own fonts
    assert page.locator("button[data-print-page]").is_visible()
    version = (Path(__file__).resolve().parents[2] / "VERSION").read_text("utf-8").strip()
    pdf = page.pdf(format="A4", print_background=False)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(
        unicodedata.normalize("NFKC", sheet.extract_text()) for sheet in reader.pages
    ).split()
    joined = " ".join(text)
    assert f"Mindful Alliance · http://127.0.0.1:8000/{path} · Version {version}" in joined
    assert "Reviewed 2026-" in joined
    assert "CC BY 4.0" in joined
    for screen_only in ("Cite this page", "Print this page", "Copy APA"):
        assert screen_only not in joined


def test_printed_headings_keep_their_rank_and_links_do_not_look_like_links(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(browser, root_server, PageLog())
    page = context.new_page()
    page.goto(root_server.base_url + "mindfulness/mindfulness-razzaque-study/", wait_until="load")
    page.emulate_media(media="print")
    sizes = page.evaluate(
        """() => ["h1", "h2", "h3"].map((tag) => {
            const element = document.querySelector("article " + tag);
            return element ? parseFloat(getComputedStyle(element).fontSize) : 0;
        })"""
    )
    decoration = page.evaluate(
        """() => getComputedStyle(document.querySelector("article p a")).textDecorationLine"""
    )
    context.close()
    h1, h2, h3 = sizes
    assert h3 > 0
    assert h1 > h2 > h3
    assert decoration == "none"


def test_coins_spans_keep_their_title_and_never_become_tooltips(
    browser: Browser, root_server: Server
) -> None:
    context = open_context(browser, root_server, PageLog())
    page = context.new_page()
    page.goto(root_server.base_url + "alliance/alliance-and-outcome/", wait_until="load")
    spans = page.locator("span.Z3988")
    assert spans.count() > 0
    first = spans.first
    box = first.bounding_box()
    assert box is None or box["width"] == 0  # nothing to hover
    page.locator("li.reference").first.hover()
    titles = spans.evaluate_all("(all) => all.map((s) => s.getAttribute('title') || '')")
    tooltips = page.locator(".md-tooltip, [role=tooltip]").count()
    context.close()
    assert all(title.startswith("ctx_ver=Z39.88-2004&") for title in titles)
    assert tooltips == 0
