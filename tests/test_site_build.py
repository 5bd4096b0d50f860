"""The real site builds strictly with MkDocs and Zensical, and both give the same pages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup

from tests.conftest import built_pages

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.build


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_both_engines_build_the_same_pages(mkdocs_site: Path, zensical_site: Path) -> None:
    pages = built_pages(mkdocs_site)
    assert len(pages) >= 39
    assert pages == built_pages(zensical_site)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_citations_link_to_entries_on_both_engines(
    engine: str, mkdocs_site: Path, zensical_site: Path
) -> None:
    site = mkdocs_site if engine == "mkdocs" else zensical_site
    soup = _soup(site / "mindfulness" / "mindfulness-razzaque-study" / "index.html")
    links = soup.select("span.citation a.citation__link")
    assert len(links) > 20
    for link in links:
        assert soup.find(id=str(link["href"])[1:]) is not None, link["href"]
    full = soup.select("li.reference a.reference__more")
    assert full
    assert all(str(a["href"]).startswith("../../references/#ref-") for a in full)


@pytest.mark.parametrize("engine", ["mkdocs", "zensical"])
def test_cited_on_links_reach_the_citing_pages(
    engine: str, mkdocs_site: Path, zensical_site: Path
) -> None:
    site = mkdocs_site if engine == "mkdocs" else zensical_site
    bibliography = site / "references" / "index.html"
    entry = _soup(bibliography).select_one("li#ref-goldberg2013role")
    assert entry is not None
    targets = [str(a["href"]) for a in entry.select(".reference__cited-on a")]
    assert "../mindfulness/mindfulness-goldberg-study/" in targets
    for target in targets:
        page = (bibliography.parent / target / "index.html").resolve()
        assert page.exists(), target
        assert _soup(page).select_one("li#ref-goldberg2013role") is not None


def test_every_content_page_shows_when_it_was_reviewed(mkdocs_site: Path) -> None:
    for page in sorted(built_pages(mkdocs_site) - {"404.html"}):
        reviewed = _soup(mkdocs_site / page).select_one("p.page-dates time")
        assert reviewed is not None, page
        assert reviewed["datetime"] in {"2026-11-23", "2026-11-30"}, page  # how-to-cite: 11-30


def test_downloads_are_part_of_the_site(mkdocs_site: Path, zensical_site: Path) -> None:
    for site in (mkdocs_site, zensical_site):
        for name in ("references.bib", "references.ris", "references.json"):
            assert (site / "downloads" / name).stat().st_size > 1000
        assert (site / "downloads" / "entries" / "razzaque2015mindfulness.ris").exists()


def test_search_index_holds_every_page(mkdocs_site: Path) -> None:
    index = (mkdocs_site / "search" / "search_index.json").read_text(encoding="utf-8")
    assert "Razzaque" in index
    assert "attending-to-discomfort" in index
