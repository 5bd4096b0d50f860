"""What the extension renders: in-text links with previews, the page list, the bibliography."""

from __future__ import annotations

from typing import TYPE_CHECKING

import markdown
import pytest
from bs4 import BeautifulSoup
from citation_engine import markdown_extension
from citation_engine.engine_pages import EngineSetting, relative_link
from citation_engine.markdown_extension import CitationExtension

from tests.conftest import FIXTURE_BIB

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from citation_engine.site_bibliography import SiteBibliography

    from tests.conftest import MarkdownFactory


def _soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


@pytest.mark.parametrize(
    ("markdown_text", "expected_text"),
    [
        pytest.param("[@doe2020alliance]", "(Doe et al., 2020)", id="parenthetical"),
        pytest.param(
            "[@roe2019book; @doe2020alliance]", "(Doe et al., 2020; Roe, 2019)", id="two_works"
        ),
        pytest.param("[@doe2020alliance, p. 172]", "(Doe et al., 2020, p. 172)", id="locator"),
        pytest.param("[see @roe2019book, pp. 1–3]", "(see Roe, 2019, pp. 1–3)", id="prefix"),
        pytest.param("[-@doe2020alliance]", "(2020)", id="year_only"),
        pytest.param("@roe2019book", "Roe (2019)", id="narrative"),
        pytest.param(
            "[@who2021report]", "(World Health Organization, 2021)", id="corporate_author"
        ),
        pytest.param("[@park2024inpress]", "(Park, in press)", id="in_press"),
        pytest.param("[@smith2018edited]", "(Smith & Jones, 2018)", id="editors_as_authors"),
    ],
)
def test_in_text_citation_text(
    render: MarkdownFactory, markdown_text: str, expected_text: str
) -> None:
    citation = _soup(render(markdown_text)).select_one("span.citation")
    assert citation is not None
    assert citation.get_text() == expected_text


def test_each_cited_work_links_to_its_entry_whose_text_the_preview_shows(
    render: MarkdownFactory,
) -> None:
    soup = _soup(render("Text [@doe2020alliance; @roe2019book]."))
    links = soup.select("span.citation a")
    assert [link["href"] for link in links] == ["#ref-doe2020alliance", "#ref-roe2019book"]
    # No title: the theme's tooltip would insert it as HTML. site.js previews this text.
    assert all(not link.has_attr("title") for link in links)
    target = soup.find(id=str(links[1]["href"])[1:])
    assert target is not None
    preview = target.select_one(".reference__text")
    assert preview is not None
    assert preview.get_text() == "Roe, R. (2019). A book about relationships. Test Press."


def test_page_ends_with_its_references_sorted_as_apa_sorts(render: MarkdownFactory) -> None:
    soup = _soup(render("[@roe2019book] then [@doe2020alliance] and @roe2019book again."))
    heading = soup.find_all("h2")[-1]
    assert heading.get_text() == "References"
    items = soup.select("ul.reference-list > li")
    assert [item["id"] for item in items] == ["ref-doe2020alliance", "ref-roe2019book"]


def test_reference_list_entry_links_doi_and_full_entry(render: MarkdownFactory) -> None:
    soup = _soup(render("[@doe2020alliance]"))
    item = soup.select_one("li#ref-doe2020alliance")
    assert item is not None
    hrefs = [link["href"] for link in item.find_all("a")]
    assert hrefs == [
        "https://doi.org/10.1234/jt.2020.12",
        "references/index.md#ref-doe2020alliance",
    ]
    assert [em.get_text() for em in item.find_all("em")] == ["Journal of Testing", "12"]


def test_page_without_citations_gets_no_reference_list(render: MarkdownFactory) -> None:
    assert "reference-list" not in render("No citations here, only jane@example.org.")


def test_full_bibliography_replaces_the_marker(render: MarkdownFactory) -> None:
    soup = _soup(render("# All\n\n[[bibliography]]"))
    entries = soup.select("ul.reference-list--full > li.reference")
    assert len(entries) == 9
    letters = [(h.get_text(), h["id"]) for h in soup.select("h2[id^='bibliography-']")]
    assert letters == [(c, f"bibliography-{c.lower()}") for c in "ADJLPRSTW"]
    assert soup.find(string="[[bibliography]]") is None
    entry = soup.select_one("li#ref-doe2020alliance")
    assert entry is not None
    cited_on = entry.select_one(".reference__cited-on")
    assert cited_on is not None
    assert [(a.get_text(), a["href"]) for a in cited_on.find_all("a")] == [
        ("Fixture home", "index.md")
    ]
    downloads = [a["href"] for a in entry.select(".reference__actions > a")]
    assert downloads == [
        "downloads/entries/doe2020alliance.bib",
        "downloads/entries/doe2020alliance.ris",
    ]
    assert [b["data-copy"] for b in entry.select("button")] == [
        "apa",
        "vancouver",
        "harvard",
        "bibtex",
    ]
    bibtex = entry.select_one(".reference__bibtex-source")
    assert bibtex is not None
    assert "@article{doe2020alliance," in bibtex.get_text()
    # No `pre > code`: the theme would mount a code-block component on each at page load.
    assert bibtex.name == "pre"
    assert entry.select("pre > code") == []


@pytest.mark.parametrize(
    ("page", "target", "expected"),
    [
        pytest.param("index.md", "references/index.md", "references/index.md", id="from_root"),
        pytest.param(
            "alliance/page.md", "references/index.md", "../references/index.md", id="from_folder"
        ),
        pytest.param("a/b/c.md", "a/x.md", "../x.md", id="from_nested"),
        pytest.param("references/index.md", "references/index.md", "index.md", id="same_page"),
    ],
)
def test_links_are_page_relative_never_rooted(page: str, target: str, expected: str) -> None:
    assert relative_link(page, target) == expected


def _engine_renders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages: dict[str, str]
) -> Callable[[str], SiteBibliography]:
    """Write the pages into docs/; return a function that renders one as an engine would.

    The engine names the page and the project folder; each rendering returns the
    bibliography the page was rendered with. ``references.md`` is the bibliography page.
    """
    docs = tmp_path / "docs"
    docs.mkdir()
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
    rendering = {"page": ""}
    monkeypatch.setattr(
        markdown_extension,
        "engine_setting",
        lambda md: EngineSetting(tmp_path, rendering["page"]),
    )

    def render(name: str) -> SiteBibliography:
        rendering["page"] = name
        extension = CitationExtension(
            bibliography=str(FIXTURE_BIB), docs_dir="docs", bibliography_page="references.md"
        )
        md = markdown.Markdown(extensions=[extension])
        md.convert((docs / name).read_text(encoding="utf-8"))
        site = extension.record.require().site
        assert site is not None
        return site

    return render


def _citing(site: SiteBibliography, key: str = "roe2019book") -> list[str]:
    return [page.path for page in site.index.citing_pages(key)]


def test_a_page_rendered_again_starts_a_build_that_sees_every_edit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render = _engine_renders(
        tmp_path,
        monkeypatch,
        {"index.md": "# Home\n\n[@doe2020alliance]\n", "other.md": "# Other\n\nNone.\n"},
    )
    docs = tmp_path / "docs"
    assert _citing(render("index.md")) == []
    assert _citing(render("other.md")) == []  # the same build: one scan for all its pages
    # Edits in place (as under live reload) leave the folder's modification time alone.
    (docs / "other.md").write_text("# Other\n\nNow @roe2019book.\n", encoding="utf-8")
    assert _citing(render("index.md")) == ["other.md"]  # rendered again: a new build, a scan


def test_a_page_edited_since_the_scan_is_scanned_again_when_it_is_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Zensical's serve and ``mkdocs serve --dirty`` render only the pages that changed.

    Build (index, eins, references), edit index, then eins, then the bibliography page,
    each rendered alone: no page is rendered twice after the first new build, yet every
    rendering must see the current pages.
    """
    render = _engine_renders(
        tmp_path,
        monkeypatch,
        {
            "index.md": "# Home\n\n[@doe2020alliance]\n",
            "eins.md": "# Eins\n\nNothing.\n",
            "references.md": "# References\n\n[[bibliography]]\n",
        },
    )
    docs = tmp_path / "docs"
    for name in ("index.md", "eins.md", "references.md"):
        assert _citing(render(name)) == []
    (docs / "index.md").write_text("# Home\n\n[@doe2020alliance] @roe2019book\n", "utf-8")
    assert _citing(render("index.md")) == ["index.md"]
    (docs / "eins.md").write_text("# Eins, edited\n\nNow [@roe2019book].\n", "utf-8")
    site = render("eins.md")  # not rendered before in this build: its own change counts
    assert _citing(site) == ["eins.md", "index.md"]
    assert site.index.pages["eins.md"].title == "Eins, edited"
    (docs / "references.md").write_text("# References, edited\n\n[[bibliography]]\n", "utf-8")
    site = render("references.md")
    assert site.index.pages["eins.md"].title == "Eins, edited"
    assert _citing(site) == ["eins.md", "index.md"]


def test_the_bibliography_page_sees_pages_edited_or_added_without_being_rendered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    render = _engine_renders(
        tmp_path,
        monkeypatch,
        {"index.md": "# Home\n\nNothing.\n", "references.md": "[[bibliography]]\n"},
    )
    docs = tmp_path / "docs"
    assert _citing(render("index.md")) == []
    # In place: the folder's modification time, in the scan's key, stays as it was.
    (docs / "index.md").write_text("# Home\n\n@roe2019book\n", encoding="utf-8")
    assert _citing(render("references.md")) == ["index.md"]
    (docs / "new.md").write_text("# New\n\n@roe2019book\n", encoding="utf-8")
    assert _citing(render("references.md")) == ["index.md", "new.md"]


@pytest.mark.parametrize(
    ("markdown_text", "expected_text"),
    [
        pytest.param("[@roe2019book and others]", "(Roe, 2019 and others)", id="no_comma"),
        pytest.param("[@roe2019book, {pp. iv, vi}]", "(Roe, 2019, pp. iv, vi)", id="braces"),
        pytest.param("@roe2019book [p. 33]", "Roe (2019, p. 33)", id="in_text_locator"),
        pytest.param("-@roe2019book says", "2019", id="suppressed_outside_brackets"),
        pytest.param("[see\n@roe2019book, p.\n3]", "(see Roe, 2019, p. 3)", id="wrapped"),
    ],
)
def test_prefix_locator_and_suffix(
    render: MarkdownFactory, markdown_text: str, expected_text: str
) -> None:
    citation = _soup(render(markdown_text)).select_one("span.citation")
    assert citation is not None
    assert citation.get_text() == expected_text


def test_markdown_in_prefix_and_suffix_is_rendered(render: MarkdownFactory) -> None:
    citation = _soup(render("[*see* @roe2019book, p. 3, *passim*]")).select_one("span.citation")
    assert citation is not None
    assert [em.get_text() for em in citation.select("em")] == ["see", "passim"]


def test_a_citation_in_link_text_is_not_a_link(render: MarkdownFactory) -> None:
    soup = _soup(render("[see @roe2019book](https://example.org)"))
    assert not soup.select("a a")
    assert soup.select_one("a span.citation__label") is not None
