"""The full bibliography as a reader works with it.

A filter box, incomplete records marked, cited-on links in the site's order, and one
search section per entry.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import markdown
from bs4 import BeautifulSoup
from citation_engine.markdown_extension import CitationExtension

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ENTRY = """@article{doe2020alliance,
  author  = {Doe, Jane},
  title   = {A test of the alliance},
  journal = {Journal of Testing},
  year    = {2020},
  pages   = {100--110},
  {unverified}
}
"""


def _bibliography(bib: Path, docs: Path, **options: str) -> tuple[BeautifulSoup, markdown.Markdown]:
    settings: dict[str, Any] = {
        "bibliography": str(bib),
        "docs_dir": str(docs),
        "page": "references/index.md",
        **options,
    }
    extension = CitationExtension(**settings)
    md = markdown.Markdown(extensions=["toc", extension])
    html = md.convert("# Bibliography\n\n[[bibliography]]\n")
    return BeautifulSoup(html, "html.parser"), md


def _docs(tmp_path: Path, pages: dict[str, str]) -> Path:
    docs = tmp_path / "docs"
    for name, text in pages.items():
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return docs


def test_an_unverified_field_is_shown_as_an_incomplete_record_with_its_reason(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    reason = "volume not verified against the publisher's record <script>alert(1)</script>"
    bib = write_bib(ENTRY.replace("{unverified}", f"unverified = {{{reason}}},"))
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance]\n"})
    soup, _ = _bibliography(bib, docs)
    entry = soup.select_one("li#ref-doe2020alliance")
    assert entry is not None
    assert entry["class"] == ["reference", "reference--incomplete"]
    marker = entry.select_one(".reference__incomplete")
    assert marker is not None
    shown = reason.replace("'", "\u2019")  # BibTeX's ' is LaTeX's apostrophe
    assert marker.get_text() == f"Incomplete record: {shown}"
    assert soup.find("script") is None


def test_a_complete_record_carries_no_marker(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance]\n"})
    soup, _ = _bibliography(bib, docs)
    assert soup.select(".reference__incomplete") == []
    assert soup.select_one("li#ref-doe2020alliance")["class"] == ["reference"]  # type: ignore[index]


def test_cited_on_uses_the_h1_follows_the_nav_and_leaves_out_the_bibliography(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(
        tmp_path,
        {
            "index.md": "---\ntitle: A title for the tab\n---\n\n# Home heading\n\n[@doe2020alliance]\n",
            "a/early.md": "# Early in paths, late in nav\n\n[@doe2020alliance]\n",
            "b/late.md": "# Late in paths, early in nav\n\n[@doe2020alliance]\n",
            "z/unlisted.md": "# Not in the nav\n\n[@doe2020alliance]\n",
            "references/index.md": "# Bibliography\n\nAs @doe2020alliance shows.\n\n[[bibliography]]\n",
        },
    )
    soup, _ = _bibliography(bib, docs, nav="index.md, b/late.md, a/early.md, references/index.md")
    cited_on = soup.select_one("li#ref-doe2020alliance .reference__cited-on")
    assert cited_on is not None
    assert [(a.get_text(), a["href"]) for a in cited_on.find_all("a")] == [
        ("Home heading", "../index.md"),
        ("Late in paths, early in nav", "../b/late.md"),
        ("Early in paths, late in nav", "../a/early.md"),
        ("Not in the nav", "../z/unlisted.md"),
    ]


def test_without_a_nav_cited_on_follows_the_paths(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(
        tmp_path,
        {
            "b/second.md": "# Second\n\n[@doe2020alliance]\n",
            "a/first.md": "# First\n\n@doe2020alliance\n",
        },
    )
    soup, _ = _bibliography(bib, docs)
    links = soup.select("li#ref-doe2020alliance .reference__cited-on a")
    assert [a.get_text() for a in links] == ["First", "Second"]


def test_each_entry_is_a_search_section_but_not_a_contents_entry(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance]\n"})
    soup, md = _bibliography(bib, docs)
    heading = soup.select_one("li#ref-doe2020alliance > h3.reference__label")
    assert heading is not None
    assert heading["id"] == "ref-doe2020alliance-entry"
    assert heading.get_text() == "Doe, 2020"
    # The reference itself stays a paragraph: its title words are not weighted as a heading.
    reference = soup.select_one("li#ref-doe2020alliance > p.reference__text")
    assert reference is not None
    assert reference.get_text().startswith("Doe, J. (2020). A test of the alliance.")
    assert heading.select(".headerlink") == []
    contents = [token["id"] for token in md.toc_tokens[0]["children"]]  # type: ignore[attr-defined]
    assert contents == ["bibliography-d"]


def test_the_filter_box_is_labelled_announces_its_count_and_has_an_empty_message(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance]\n"})
    soup, _ = _bibliography(bib, docs)
    box = soup.select_one("div.bibliography-filter")
    assert box is not None
    # Hidden until site.js shows it: without script the box would do nothing.
    assert box.has_attr("hidden")
    assert box.has_attr("data-search-exclude")
    field = box.select_one("input[type=search]")
    assert field is not None
    label = box.select_one(f"label[for={field['id']}]")
    assert label is not None
    assert label.get_text() == "Filter by author, year, title or topic"
    count = box.select_one(f"#{field['aria-describedby']}")
    assert count is not None
    assert count["aria-live"] == "polite"
    empty = soup.select_one("p.bibliography-filter__empty")
    assert empty is not None
    assert empty.has_attr("hidden")
    assert empty.has_attr("data-search-exclude")
    assert empty.get_text().startswith("No entry matches this filter.")


def test_entries_that_begin_with_no_letter_are_grouped_under_the_sites_heading(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    numbered = ENTRY.replace("{unverified}", "").replace("doe2020alliance", "group2020report")
    numbered = numbered.replace("Doe, Jane", "{3M Company}")
    bib = write_bib(ENTRY.replace("{unverified}", "") + numbered)
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance; @group2020report]\n"})
    soup, _ = _bibliography(bib, docs, other_initial_heading="Andere", download_separator=" | ")
    other = soup.select_one("h2#bibliography-other")
    assert other is not None
    assert other.get_text() == "Andere"
    assert [h2.get_text() for h2 in soup.select("h2[id^=bibliography-]")] == ["Andere", "D"]
    downloads = soup.select_one("p.bibliography-downloads")
    assert downloads is not None
    assert downloads.get_text().endswith("BibTeX | RIS | CSL-JSON.")


def test_the_texts_for_a_script_are_escaped_attributes(
    tmp_path: Path, write_bib: Callable[[str], Path]
) -> None:
    bib = write_bib(ENTRY.replace("{unverified}", ""))
    docs = _docs(tmp_path, {"index.md": "# Home\n\n[@doe2020alliance]\n"})
    hostile = '"><script>alert(1)</script> {shown} & {total}'
    soup, _ = _bibliography(bib, docs, filter_count_text=hostile, copied_label="Kopiert")
    box = soup.select_one("div.bibliography-filter")
    assert box is not None
    assert box["data-count-text"] == hostile
    assert box["data-copied-label"] == "Kopiert"
    assert soup.find("script") is None
    names = [button["data-copy-name"] for button in soup.select("button.reference__copy")]
    assert names == ["APA 7", "Vancouver", "Harvard", "BibTeX"]
