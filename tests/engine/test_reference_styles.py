"""APA 7 output for each entry type the site uses, and the citeproc-py gaps we correct."""

from __future__ import annotations

from pathlib import Path

import pytest
from citation_engine.markdown_extension import CitationExtension
from citation_engine.reference_styles import (
    StyledBibliography,
    UnsupportedStyleError,
    resolve_style,
    typographic_quotes,
)
from citation_engine.site_bibliography import load_site_bibliography

from tests.conftest import FIXTURE_BIB, FIXTURE_DOCS, SITE_SCAN


@pytest.fixture(scope="module")
def styled() -> StyledBibliography:
    return load_site_bibliography(FIXTURE_BIB, FIXTURE_DOCS, "apa", scan=SITE_SCAN).styled


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        pytest.param(
            "doe2020alliance",
            "Doe, J., Roe, R., & Buttenmüller, V. (2020). A test of the alliance: Tasks, goals and bond. "
            "Journal of Testing, 12(3), 100–110. https://doi.org/10.1234/jt.2020.12",
            id="journal_article",
        ),
        pytest.param(
            "roe2019book", "Roe, R. (2019). A book about relationships. Test Press.", id="book"
        ),
        pytest.param(
            "smith2018edited",
            "Smith, A., & Jones, B. (Eds.). (2018). An edited volume. Test Press.",
            id="edited_book",
        ),
        pytest.param(
            "jones2018chapter",
            "Jones, B. (2018). A chapter in the volume. In A. Smith & B. Jones (Eds.), "
            "An edited volume (pp. 1–20). Test Press.",
            id="chapter_in_edited_book",
        ),
        pytest.param(
            "who2021report",
            "World Health Organization. (2021). A report by a corporate author. "
            "World Health Organization. https://example.org/report",
            id="report_by_corporate_author",
        ),
        pytest.param(
            "acme2010software",
            "Acme Inc. (2010). Stats package (Version 18) [Computer software]. Acme Inc.",
            id="software",
        ),
        pytest.param(
            "lee2015thesis",
            "Lee, K. (2015). A thesis on the working alliance [Doctoral dissertation]. University of Testing.",
            id="thesis",
        ),
        pytest.param(
            "site2022webpage",
            "Test Society. (2022). A web page about practice. https://example.org/page",
            id="web_page",
        ),
        pytest.param(
            "park2024inpress",
            "Park, M. (in press). A study still in press. Journal of Testing.",
            id="in_press",
        ),
    ],
)
def test_apa_reference_text(styled: StyledBibliography, key: str, expected: str) -> None:
    assert styled[key].text == expected


def test_titles_of_books_and_journals_are_italic(styled: StyledBibliography) -> None:
    italic = [run.text for run in styled["jones2018chapter"].runs if run.italic]
    assert italic == ["An edited volume"]


def test_bibliography_is_sorted_by_author_as_apa_sorts(styled: StyledBibliography) -> None:
    assert [entry.key for entry in styled.entries] == [
        "acme2010software",
        "doe2020alliance",
        "jones2018chapter",
        "lee2015thesis",
        "park2024inpress",
        "roe2019book",
        "smith2018edited",
        "site2022webpage",
        "who2021report",
    ]


def test_a_style_the_engine_cannot_render_is_refused_with_the_choices() -> None:
    with pytest.raises(UnsupportedStyleError) as raised:
        _ = load_site_bibliography(
            FIXTURE_BIB, FIXTURE_DOCS, "nlm-citation-sequence", scan=SITE_SCAN
        ).styled
    assert str(raised.value) == (
        "citation style 'nlm-citation-sequence' is not supported: the engine renders in-text "
        "citations as APA 7 author-date labels, so the style must be one of: apa. "
        "Vancouver and Harvard are offered as copy formats on the bibliography page."
    )


def test_the_extension_refuses_the_style_when_it_starts() -> None:
    with pytest.raises(UnsupportedStyleError, match="'harvard-cite-them-right' is not supported"):
        CitationExtension(style="harvard-cite-them-right")


def test_style_names_resolve_to_files() -> None:
    assert resolve_style("apa").name == "apa.csl"
    assert resolve_style("styles/custom.csl") == Path("styles/custom.csl")


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("vancouver", "Roe R. A book about relationships. London: Test Press; 2019."),
        ("harvard", "Roe, R. (2019) A book about relationships. London: Test Press."),
    ],
)
def test_every_entry_is_offered_in_the_copy_styles(
    styled: StyledBibliography, style: str, expected: str
) -> None:
    copies = dict(styled["roe2019book"].copies)
    assert "".join(run.text for run in copies[style]) == expected
    assert [name for name, _ in styled["roe2019book"].copies] == ["vancouver", "harvard"]


def test_a_numeric_copy_style_prints_no_citation_number(styled: StyledBibliography) -> None:
    for entry in styled.entries:
        text = "".join(run.text for run in dict(entry.copies)["vancouver"])
        assert not text[:1].isdigit(), text


def test_copy_styles_keep_italics(styled: StyledBibliography) -> None:
    runs = dict(styled["roe2019book"].copies)["harvard"]
    assert [run.text for run in runs if run.italic] == ["A book about relationships"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Patients' opinion", "Patients\u2019 opinion"),
        ('The "working alliance" idea', "The \u201cworking alliance\u201d idea"),
        ("'Quoted' start", "\u2018Quoted\u2019 start"),
        ("O'Brien's (\"x\")", "O\u2019Brien\u2019s (\u201cx\u201d)"),
    ],
)
def test_straight_quotes_become_typographic(text: str, expected: str) -> None:
    assert typographic_quotes(text) == expected


def test_reference_text_gets_typographic_apostrophes(tmp_path: Path) -> None:
    bib = tmp_path / "q.bib"
    bib.write_text(
        "@article{ask2020why,\n author = {Ask, A.},\n title = {Patients' views},\n"
        " journal = {J},\n year = {2020},\n url = {https://example.org/it's},\n}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    entry = load_site_bibliography(
        bib, docs, "apa", cache_dir=tmp_path / "c", scan=SITE_SCAN
    ).styled["ask2020why"]
    assert entry.text == "Ask, A. (2020). Patients\u2019 views. J. https://example.org/it's"


def test_question_mark_titles_take_no_extra_full_stop(tmp_path: Path) -> None:
    bib = tmp_path / "q.bib"
    bib.write_text(
        "@article{ask2020why,\n author = {Ask, A.},\n title = {Why?},\n journal = {J},\n year = {2020},\n}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    styled = load_site_bibliography(bib, docs, "apa", scan=SITE_SCAN).styled
    assert styled["ask2020why"].text == "Ask, A. (2020). Why? J."
