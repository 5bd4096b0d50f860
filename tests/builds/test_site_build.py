"""The real site builds strictly with MkDocs and Zensical, and both give the same pages."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
import yaml
from bs4 import BeautifulSoup

from tests.conftest import ROOT, built_pages

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
    assert len(links) >= 10
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


def _source_of(page: str) -> Path:
    """The Markdown file a built page came from (``a/b/index.html`` from a/b.md or a/b/index.md)."""
    folder = page.removesuffix("index.html").rstrip("/")
    candidates = [ROOT / "docs" / f"{folder}.md", ROOT / "docs" / folder / "index.md"]
    return next(path for path in candidates if path.exists())


def test_every_content_page_shows_the_date_its_source_gives(mkdocs_site: Path) -> None:
    for page in sorted(built_pages(mkdocs_site) - {"404.html"}):
        front = yaml.safe_load(_source_of(page).read_text(encoding="utf-8").split("---")[1])
        reviewed = _soup(mkdocs_site / page).select_one("p.page-dates time")
        assert reviewed is not None, page
        assert reviewed["datetime"] == str(front["reviewed"]), page


def test_downloads_are_part_of_the_site(mkdocs_site: Path, zensical_site: Path) -> None:
    for site in (mkdocs_site, zensical_site):
        for name in ("references.bib", "references.ris", "references.json"):
            assert (site / "downloads" / name).stat().st_size > 1000
        assert (site / "downloads" / "entries" / "razzaque2015mindfulness.ris").exists()


def test_search_index_holds_every_page(mkdocs_site: Path) -> None:
    index = json.loads((mkdocs_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    locations = {str(doc["location"]).split("#")[0] for doc in index["docs"]}
    pages = {page.removesuffix("index.html") for page in built_pages(mkdocs_site)} - {"404.html"}
    assert pages <= locations, sorted(pages - locations)
