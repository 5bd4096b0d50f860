"""A practice routine prints as a one-page card with its steps and safety note, no chrome."""

from __future__ import annotations

import io
import re
import unicodedata
from typing import TYPE_CHECKING

import pytest
from pypdf import PdfReader

from tests.browser.conftest import PageLog, Server, open_context

if TYPE_CHECKING:
    from playwright.sync_api import Browser

ROUTINES = {
    "practice/practice-reset-between-clients/": 5,
    "practice/practice-attending-to-discomfort/": 6,
    "practice/practice-three-minute-breathing-space/": 3,
}


@pytest.mark.parametrize("path", sorted(ROUTINES))
def test_routine_prints_on_one_page_with_its_steps(
    browser: Browser, root_server: Server, path: str
) -> None:
    context = open_context(browser, root_server, PageLog())
    page = context.new_page()
    page.goto(root_server.base_url + path, wait_until="networkidle")
    steps = page.locator("#steps ~ ol").first.locator("> li").all_inner_texts()
    safety = page.locator("#safety ~ .admonition").first.inner_text()
    pdf = page.pdf(format="A4", print_background=False)
    context.close()
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
