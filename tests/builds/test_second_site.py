"""A second site, which uses only citation_engine, builds with MkDocs and with Zensical.

Its own BibTeX file, its own options and German strings for every text a reader sees, and a
citation that arrives through a snippet: the engine knows nothing of this project's site, so
none of its English defaults may show, and the snippet's citation reaches "cited on".
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING

import pytest
from bs4 import BeautifulSoup
from citation_engine.bibliography_page import SCRIPT_TEXTS
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.markdown_extension import OPTIONS
from citation_engine.reference_exports import write_downloads

from tests.conftest import FIXTURES, run_engine

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.build
PROJECT = FIXTURES / "projects" / "second_site"
# Options holding text a reader sees, and what the second site says instead.
GERMAN = {
    "references_heading": "Literatur",
    "entry_link_label": "Eintrag im Literaturverzeichnis",
    "whole_library_label": "Das ganze Literaturverzeichnis herunterladen: ",
    "cited_on_label": "Zitiert auf: ",
    "incomplete_label": "Unvollständiger Eintrag",
    "copy_label": "APA 7 kopieren",
    "download_label": "RIS herunterladen",
    "bibtex_summary": "BibTeX-Quelltext",
    "filter_label": "Nach Autor, Jahr, Titel oder Thema filtern",
    "filter_empty_text": "Kein Eintrag passt zu diesem Filter.",
}
# Texts a site's script shows (MARKUP.md, "Texts for a script"): attributes, not page text.
GERMAN_SCRIPT_TEXTS = {
    "copied_label": "Kopiert",
    "copy_failed_label": "Kopieren fehlgeschlagen",
    "copied_message": "{name}-Angabe in die Zwischenablage kopiert",
    "copy_failed_message": "Kopieren fehlgeschlagen: Text markieren und von Hand kopieren",
    "filter_count_text": "{shown} von {total} Einträgen passen",
    "filter_total_text": "{total} Einträge",
    "back_to_citation_label": "Zurück zum Zitat im Text",
    "back_to_citations_label": "Zurück zu Zitat {number} von {count} im Text",
}


@pytest.fixture(scope="module", params=["mkdocs", "zensical"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The second site built by one engine, strict, from a copy of its folder."""
    project = tmp_path_factory.mktemp(request.param) / "project"
    shutil.copytree(PROJECT, project)
    # Such a site writes its downloads with the engine's export; no plugin of ours runs.
    bib = project / "quellen" / "literatur.bib"
    write_downloads(load_bibliography(bib, "quellen/literatur.bib").references,
                    project / "docs" / "dateien", "literatur")  # fmt: skip
    site = project.parent / "site"
    result = run_engine(request.param, site, cwd=project)
    assert result.returncode == 0, f"{request.param}:\n{result.stdout}\n{result.stderr}"
    return site


def _page(site: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((site / path).read_text(encoding="utf-8"), "html.parser")


def _cited_on(site: Path, key: str) -> list[str]:
    entry = _page(site, "literatur/index.html").select_one(f"li#ref-{key}")
    assert entry is not None
    cited_on = entry.select_one(".reference__cited-on")
    assert cited_on is not None
    assert cited_on.get_text().startswith(GERMAN["cited_on_label"])
    return [link.get_text() for link in cited_on.find_all("a")]


def test_every_text_a_reader_sees_is_the_sites_own(built: Path) -> None:
    text = "\n".join(
        _page(built, path).get_text()
        for path in ("index.html", "kapitel/eins/index.html", "literatur/index.html")
    )
    for option, german in GERMAN.items():
        assert german in text, option
        if option != "bibtex_summary":  # "BibTeX" names a format in German too
            assert OPTIONS[option][0].replace("{name}", "").strip() not in text, option
    summaries = _page(built, "literatur/index.html").select("details.reference__bibtex summary")
    assert {summary.get_text() for summary in summaries} == {GERMAN["bibtex_summary"]}


def test_cited_on_follows_the_nav_and_includes_a_snippets_citation(built: Path) -> None:
    assert _cited_on(built, "weber2021buendnis") == ["Das erste Kapitel", "Startseite"]
    assert _cited_on(built, "mueller2019achtsamkeit") == ["Das erste Kapitel"]


def test_citations_link_to_the_pages_list_and_the_list_to_the_bibliography(built: Path) -> None:
    page = _page(built, "kapitel/eins/index.html")
    assert [a["href"] for a in page.select("a.citation__link")] == [
        "#ref-weber2021buendnis",
        "#ref-mueller2019achtsamkeit",
    ]
    more = [str(a["href"]) for a in page.select("li.reference a.reference__more")]
    assert more == [
        "../../literatur/#ref-mueller2019achtsamkeit",
        "../../literatur/#ref-weber2021buendnis",
    ]
    buttons = _page(built, "literatur/index.html").select("button.reference__copy")
    assert buttons
    assert all("knopf" in button["class"] for button in buttons)


def test_the_texts_for_a_script_are_the_sites_own(built: Path) -> None:
    """Each text a site's script shows holds the site's option; no English default is left.

    The copy confirmations and the filter's count on the bibliography, the back links' names
    on a page's list.
    """
    box = _page(built, "literatur/index.html").select_one("div.bibliography-filter")
    assert box is not None
    for attribute, option in SCRIPT_TEXTS.items():
        assert box.get(attribute) == GERMAN_SCRIPT_TEXTS[option], attribute
    names = {str(button["data-copy-name"]) for button in
             _page(built, "literatur/index.html").select("button.reference__copy")}  # fmt: skip
    assert "BibTeX" in names
    page_list = _page(built, "kapitel/eins/index.html").select_one("ul.reference-list")
    assert page_list is not None
    assert page_list.get("data-back-label") == GERMAN_SCRIPT_TEXTS["back_to_citation_label"]
    assert (
        page_list.get("data-back-numbered-label") == GERMAN_SCRIPT_TEXTS["back_to_citations_label"]
    )
    pages = "\n".join(
        (built / path).read_text(encoding="utf-8")
        for path in ("index.html", "kapitel/eins/index.html", "literatur/index.html")
    )
    for option in GERMAN_SCRIPT_TEXTS:
        assert OPTIONS[option][0] not in pages, option


def test_the_whole_library_downloads_use_the_sites_separator(built: Path) -> None:
    downloads = _page(built, "literatur/index.html").select_one("p.bibliography-downloads")
    assert downloads is not None
    assert downloads.get_text() == f"{GERMAN['whole_library_label']}BibTeX | RIS | CSL-JSON."
