"""House rules for the pages: cited figures, seed facts present, tooltips, nav, headings."""

from __future__ import annotations

import csv
import datetime
import itertools
import re
from typing import TYPE_CHECKING, Any

import pytest
from alliance_site.config_file import read_config
from bs4 import BeautifulSoup, Tag
from citation_engine.front_matter import split_front_matter

from tests.conftest import ROOT, built_pages
from tests.content_rules import (
    DOCS,
    content_pages,
    lines_with_two_sentences,
    uncited_research_numbers,
)

if TYPE_CHECKING:
    from pathlib import Path

ABBREVIATIONS = ROOT / "includes" / "abbreviations.md"
# Upper-case words that are names, not abbreviations, so they need no tooltip.
NOT_ABBREVIATIONS = {
    "JAMA",
    "IBM",
    "MIT",
    "CC",
    "BY",
    "II",
    "III",
    "IL",
    "CA",
    "NJ",
    "LICENSE",
    "CITATION",
    "CONTRIBUTING",
}


def _article_text(site: Path, page: str) -> Tag:
    soup = BeautifulSoup((site / page).read_text(encoding="utf-8"), "html.parser")
    article = soup.select_one("article.md-content__inner")
    assert article is not None, page
    return article


def test_every_research_figure_has_a_citation_in_its_paragraph() -> None:
    assert uncited_research_numbers() == []


def test_the_figure_rule_catches_an_uncited_number(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "page.md").write_text(
        "# Page\n\nThe alliance correlated with outcome, r = .28.\n\n"
        "| Study | r |\n| --- | --- |\n| One | .31 |\n\nCited r = .28 [@a2020b].\n",
        encoding="utf-8",
    )
    assert uncited_research_numbers(docs) == [
        "docs/page.md:3: 'r = .2' without a citation",
        "docs/page.md:7: '.31' without a citation",
    ]


def test_one_sentence_per_line() -> None:
    assert lines_with_two_sentences() == []


def _front_matter(path: Path) -> dict[str, Any]:
    front = split_front_matter(path.read_text(encoding="utf-8")).meta
    assert front, f"{path} has no front matter"
    return front


@pytest.mark.parametrize("page", content_pages(), ids=lambda p: p.relative_to(DOCS).as_posix())
def test_front_matter_has_description_and_review_date(page: Path) -> None:
    meta = _front_matter(page)
    assert isinstance(meta.get("description"), str)
    assert meta["description"].endswith(".")
    reviewed = meta.get("reviewed")
    assert isinstance(reviewed, datetime.date), f"{page}: reviewed is not a YYYY-MM-DD date"
    # The site-wide review was on 2026-11-23; a page may be reviewed later, never in the future.
    assert datetime.date(2026, 11, 23) <= reviewed <= datetime.date.today(), page


def _nav_files(node: object) -> set[str]:
    if isinstance(node, str):
        return {node}
    if isinstance(node, list):
        return set().union(*(_nav_files(item) for item in node))
    if isinstance(node, dict):
        return set().union(*(_nav_files(value) for value in node.values()))
    return set()


def test_every_page_is_in_the_navigation() -> None:
    config = read_config(ROOT / "mkdocs.yml")
    pages = {page.relative_to(DOCS).as_posix() for page in content_pages()}
    assert _nav_files(config["nav"]) == pages


@pytest.mark.build
def test_no_heading_level_is_skipped(mkdocs_site: Path) -> None:
    for page in sorted(built_pages(mkdocs_site) - {"404.html"}):
        levels = [
            int(h.name[1])
            for h in _article_text(mkdocs_site, page).find_all(re.compile("^h[1-6]$"))
        ]
        assert levels[0] == 1, page
        assert levels.count(1) == 1, page
        for previous, current in itertools.pairwise(levels):
            assert current <= previous + 1, f"{page}: h{previous} followed by h{current}"


def _abbreviations() -> dict[str, str]:
    entries = re.findall(
        r"^\*\[(.+?)\]: (.+)$", ABBREVIATIONS.read_text(encoding="utf-8"), re.MULTILINE
    )
    return dict(entries)


@pytest.mark.build
def test_every_abbreviation_on_a_page_has_its_tooltip(mkdocs_site: Path) -> None:
    known = _abbreviations()
    for page in sorted(built_pages(mkdocs_site) - {"404.html"}):
        article = _article_text(mkdocs_site, page)
        for hidden in article.select(
            "code, pre, .reference-list, .reference__bibtex, a.citation__link"
        ):
            hidden.decompose()
        wrapped = {abbr.get_text() for abbr in article.find_all("abbr")}
        for abbr in article.find_all("abbr"):
            assert abbr.get("title") == known[abbr.get_text()]
            abbr.decompose()
        words = set(re.findall(r"\b[A-Z][A-Z0-9]+(?:-[A-Z0-9]+)*\b", article.get_text()))
        unexplained = words - set(known) - NOT_ABBREVIATIONS - {w + "s" for w in known}
        assert unexplained == set(), f"{page}: {sorted(unexplained)} (wrapped: {sorted(wrapped)})"


def test_every_abbreviation_is_in_the_glossary() -> None:
    glossary = (DOCS / "glossary.md").read_text(encoding="utf-8")
    headings = set(re.findall(r"^### (.+)$", glossary, re.MULTILINE))
    for abbreviation in set(_abbreviations()) - {"US", "USA"}:
        assert any(
            abbreviation in heading.split() or heading.startswith(abbreviation)
            for heading in headings
        ), abbreviation


# Facts from the source documents that the site must state (issue: coverage of the seeds).
SEED_FACTS = {
    "mindfulness/mindfulness-razzaque-study/index.html": [
        "76",
        "32.4",
        "non-judgemental acceptance",
        "openness to experience",
        "cross-sectional",
        "correlational",
    ],
    "mindfulness/mindfulness-goldberg-study/index.html": [
        "n = 37",
        "−.24",
        ".042",
        ".33",
        ".007",
        "−.33",
        ".040",
        ".39",
        ".011",
        "smoking",
    ],
    "alliance/alliance-tasks-goals-bond/index.html": ["tasks", "goals", "bond", "Bordin"],
    "therapist-qualities/therapist-qualities-empathy/index.html": ["82", "6,138"],
    "practice/practice-reset-between-clients/index.html": ["feet", "floor", "breath"],
    "practice/practice-attending-to-discomfort/index.html": ["discomfort", "breath", "itch"],
}


@pytest.mark.build
@pytest.mark.parametrize("page", sorted(SEED_FACTS))
def test_seed_facts_appear_on_the_site(mkdocs_site: Path, page: str) -> None:
    text = _article_text(mkdocs_site, page).get_text(" ")
    missing = [fact for fact in SEED_FACTS[page] if fact not in text]
    assert missing == []


@pytest.mark.build
def test_the_six_step_practice_has_six_steps(mkdocs_site: Path) -> None:
    article = _article_text(mkdocs_site, "practice/practice-attending-to-discomfort/index.html")
    steps = article.find(id="steps")
    assert steps is not None
    ordered = steps.find_next("ol")
    assert ordered is not None
    assert len(ordered.find_all("li", recursive=False)) == 6


def test_figure_numbers_match_the_text() -> None:
    with (ROOT / "data" / "relationship-effects.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    text = (DOCS / "therapist-qualities" / "index.md").read_text(encoding="utf-8")
    text += (DOCS / "alliance" / "alliance-and-outcome.md").read_text(encoding="utf-8")
    for row in rows:
        assert f"r = {row['estimate']}" in text, row["element"]
        if row["ci_low"]:  # a row whose interval no record confirms leaves both bounds empty
            assert row["ci_low"] in text, row["element"]
            assert row["ci_high"] in text, row["element"]
        assert f"@{row['key']}" in text, row["element"]


@pytest.mark.parametrize(
    "pathway", ["for-clinicians", "for-supervisors", "for-trainees", "for-researchers"]
)
def test_each_pathway_orders_pages_with_times_and_outcomes(pathway: str) -> None:
    text = (DOCS / "reading-guide" / f"{pathway}.md").read_text(encoding="utf-8")
    assert "**Time:**" in text
    assert "**At the end you will be able to:**" in text
    steps = re.findall(r"^\d+\. \[.+?\]\((.+?)\).*\(about \d+ minutes", text, re.MULTILINE)
    assert len(steps) >= 6
    assert len(re.findall(r"^- @\w+", text, re.MULTILINE)) >= 3
