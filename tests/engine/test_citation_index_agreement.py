"""One recogniser: the unknown-key check, the citation index and the page agree on any input.

Pages are generated from the citation grammar (keys, prefixes, locators, suffixes, ``-@``,
author-in-text with a locator, wrapped lines) mixed with what must hide citations (code
spans, fences, indented code, comments, raw HTML attributes and blocks, link targets) and
link text. Every page must satisfy whole-page invariants too.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

import markdown
import pytest
from alliance_site.config_file import read_config
from alliance_site.site_pages import PAGE_EXTENSIONS, absolute_snippet_paths, page_configs
from bs4 import BeautifulSoup
from citation_engine.errors import CitationError
from citation_engine.markdown_extension import CitationExtension
from citation_engine.markdown_extension import collect_citations as collect_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE_BIB, FIXTURE_DOCS, ROOT

if TYPE_CHECKING:
    from citation_engine.inline_citations import PlacedWork

KNOWN = ("doe2020alliance", "roe2019book", "who2021report", "lee2015thesis")
UNKNOWN = ("nosuch2020key", "café2021", "a.b:c")
PAGE = "docs/index.md"

keys = st.sampled_from(KNOWN + UNKNOWN)
words = st.sampled_from(["see", "also", "*see*", "e.g.,", "`code`", "compare", ""])
suffixes = st.sampled_from(
    ["", ", p. 33", ", pp. 3-5", " p. 4", ", {ch. 2}", ", *passim*", ", emphasis added"]
)


@st.composite
def citations(draw: st.DrawFn) -> str:
    """One citation written in one of Pandoc's forms."""
    form = draw(st.integers(0, 4))
    key = draw(keys)
    written = f"@{{{key}}}" if draw(st.booleans()) and "." in key else f"@{key}"
    if form == 0:
        return written
    if form == 1:
        return f"{written} [{draw(suffixes).lstrip(', ') or 'p. 1'}]"
    if form == 2:
        return f"-{written}"
    items = []
    for _ in range(draw(st.integers(1, 3))):
        prefix = draw(words)
        dash = "-" if draw(st.booleans()) else ""
        item_key = draw(keys)
        items.append(f"{prefix} {dash}@{item_key}{draw(suffixes)}".strip())
    separator = ";\n" if form == 4 else "; "
    return "[" + separator.join(items) + "]"


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """A block of a page: prose with citations, or something that hides them."""
    cite = draw(citations())
    kind = draw(st.integers(0, 9))
    return [
        f"Text {cite} and more.",
        f"Text `{cite}` in code.",
        f"```\n{cite}\n```",
        f"    {cite}",
        f"<!-- {cite} -->",
        f'Text <span title="{cite}">x</span> here.',
        f"<div>\n{cite}\n</div>",
        f"Text [link](https://example.org/{cite.replace(' ', '%20')}) here.",
        f"Text [see {cite}](https://example.org) here.",
        f"> Quoted {cite}\n> and more.",
    ][kind]


pages = st.lists(blocks(), min_size=1, max_size=6).map("\n\n".join)

ALLOWED = {"p", "span", "a", "code", "pre", "blockquote", "em", "strong", "div", "h2", "ul", "li"}


def _render(text: str) -> str:
    extension = CitationExtension(
        bibliography=str(FIXTURE_BIB), docs_dir=str(FIXTURE_DOCS), page="generated.md"
    )
    return markdown.markdown(text, extensions=[*PAGE_EXTENSIONS, extension])


def collect_citations(text: str) -> list[PlacedWork]:
    """What the site's scan sees in a page outside a build."""
    return collect_with(text, PAGE_EXTENSIONS)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages)
def test_check_index_and_page_agree(text: str) -> None:
    indexed = collect_citations(text)
    unknown = [(PAGE, placed.line, placed.work.key) for placed in indexed]
    unknown = [site for site in unknown if site[2] not in KNOWN]
    try:
        html = _render(text)
    except CitationError as error:
        reported = [(PAGE, p.location.line, p.message) for p in error.problems]
        assert sorted((line, message.split("'")[1]) for _, line, message in reported) == sorted(
            (line, key) for _, line, key in unknown
        )
        return
    assert not unknown
    soup = BeautifulSoup(html, "html.parser")
    links = Counter(
        str(anchor["href"]).removeprefix("#ref-") for anchor in soup.select("a.citation__link")
    )
    labels = len(soup.select("span.citation__label"))
    expected = Counter(placed.work.key for placed in indexed)
    assert not links - expected
    assert labels == sum((expected - links).values())
    # Whole-page invariants: no link in a link, every "#ref-" target exists, and only
    # elements the page's Markdown or the extension create.
    assert not soup.select("a a")
    ids = {str(element["id"]) for element in soup.select("[id]")}
    assert set(links) <= {i.removeprefix("ref-") for i in ids}
    assert {element.name for element in soup.find_all(True)} <= ALLOWED


def test_unknown_key_lines_come_from_the_citation_not_from_code() -> None:
    text = "```\n[@nosuch2020key]\n```\n\nText\n[see @nosuch2020key] here.\n"
    with pytest.raises(CitationError) as raised:
        _render(text)
    (problem,) = raised.value.problems
    assert problem.location.line == 6
    assert re.match(r"unknown citation key 'nosuch2020key'", problem.message)


@pytest.mark.parametrize(
    "text",
    [
        "<!-- [@nosuch2020key] -->",
        "Text\n\n    [@nosuch2020key]\n",
        '<span title="[@nosuch2020key]">x</span>',
        '[link](https://example.org "@nosuch2020key")',
    ],
)
def test_text_that_never_renders_never_stops_the_build(text: str) -> None:
    html = _render(text)  # an unknown key that counted would raise CitationError here
    assert 'class="citation"' not in html
    assert collect_citations(text) == []


def test_escaped_brackets_are_still_counted() -> None:
    text = r"Text [\[sic\] @doe2020alliance, p. 3] here."
    assert [placed.work.key for placed in collect_citations(text)] == ["doe2020alliance"]
    assert 'href="#ref-doe2020alliance"' in _render(text)


def test_the_scan_reads_pages_with_the_extensions_and_snippets_the_site_uses() -> None:
    """The scan's extensions are mkdocs.yml's, less those that only add output; snippets alike."""
    config = read_config(ROOT / "mkdocs.yml")
    items = [
        next(iter(item.items())) if isinstance(item, dict) else (item, None)
        for item in config["markdown_extensions"]
    ]
    names = [name for name, _ in items]
    output_only = {"toc", "citation_engine", "alliance_site.page_dates"}
    assert list(PAGE_EXTENSIONS) == [name for name in names if name not in output_only]
    # Snippets as configured, the relative base_path the project's, as the plugin makes it.
    snippets = dict(items)["pymdownx.snippets"] or {}
    assert page_configs(ROOT) == {
        "pymdownx.snippets": absolute_snippet_paths(snippets, ROOT),
    }
