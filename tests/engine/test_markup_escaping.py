"""No bibliography field and no page text can inject markup, script or a non-http(s) link."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import markdown
import pytest
from bs4 import BeautifulSoup, Tag
from citation_engine.bibliography_page import SCRIPT_TEXTS
from citation_engine.citation_index import CitationIndex
from citation_engine.errors import CitationError, SourceLocation
from citation_engine.html_building import runs_html
from citation_engine.markdown_extension import CitationExtension
from citation_engine.reference_styles import Run, StyledReference
from citation_engine.references import Person, Reference
from citation_engine.site_bibliography import SiteBibliography
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import FIXTURE_DOCS, FIXTURES, MarkdownFactory

if TYPE_CHECKING:
    from citation_engine.engine_pages import EngineSetting

SCRIPT_BIB = FIXTURES / "bib" / "script_in_fields.bib"
OUR_TAGS = {
    "span",
    "a",
    "em",
    "strong",
    "p",
    "ul",
    "li",
    "h1",
    "h2",
    "details",
    "summary",
    "pre",
    "code",
    "button",
    # The bibliography's filter box and each entry's label heading (bibliography_page.py).
    "div",
    "label",
    "input",
    "h3",
    # Each entry's renderings in the other copy styles (never styled; site.js reads them).
    "template",
}
OUR_ATTRIBUTES = {
    "hidden",  # the filter box and its empty message, until site.js shows them
    "data-style",
    "href",
    "title",
    "class",
    "id",
    "download",
    "type",
    "data-copy",
    "data-search-exclude",
    "data-preview",  # on COinS spans, a fixed empty value: the theme's tooltips leave them be
    # The filter box: fixed values, never field text.
    "for",
    "autocomplete",
    "spellcheck",
    "aria-describedby",
    "aria-live",
    "role",
    # Texts for a site's script (MARKUP.md): the site's options and the copy formats' names,
    # never field text.
    *SCRIPT_TEXTS,
    "data-copy-name",
    "data-back-label",
    "data-back-numbered-label",
}


def _assert_only_our_markup(root: Tag) -> None:
    for element in root.find_all(True):
        assert element.name in OUR_TAGS, f"unexpected element <{element.name}>"
        assert set(element.attrs) <= OUR_ATTRIBUTES, f"unexpected attributes {element.attrs}"
        href = str(element.get("href", ""))
        assert not href.lower().lstrip().startswith(("javascript:", "data:", "vbscript:"))


def test_every_shown_field_is_escaped_in_citations_and_lists(render: MarkdownFactory) -> None:
    html = render("# Page\n\n[@evil2020script]\n\n[[bibliography]]", bib=SCRIPT_BIB)
    soup = BeautifulSoup(html, "html.parser")
    _assert_only_our_markup(soup)
    text = soup.get_text()
    for shown in [
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "<b>Bold</b> Journal",
        "<i>1</i>",
        '<iframe src="https://evil.example"></iframe> and a "quote" & an ampersand',
    ]:
        assert shown in text
    link = soup.select_one("span.citation a")
    assert link is not None
    assert not link.has_attr("title")  # the theme's tooltip would insert a title as HTML
    preview = soup.select_one("ul.reference-list li#ref-evil2020script .reference__text")
    assert preview is not None
    # BibTeX's ' is LaTeX's closing quote, as Pandoc reads it; '"' prints typographic.
    assert "<script>alert(\u2019x\u2019)</script>" in preview.get_text()
    doi = soup.select_one("a.reference__link")
    assert doi is not None
    assert doi["href"] == 'https://doi.org/10.1234/"><script>alert(1)</script>'


def test_the_raw_html_escapes_angle_brackets(render: MarkdownFactory) -> None:
    html = render("[@evil2020script]\n\n[[bibliography]]", bib=SCRIPT_BIB)
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_a_non_http_link_is_never_emitted() -> None:
    entry = StyledReference(
        "x2020y",
        (
            Run("javascript:alert(1)", href="javascript:alert(1)"),
            Run(" data", href="data:text/html,x"),
        ),
        "X",
        "2020",
    )
    html = runs_html(entry)
    assert "<a" not in html
    assert html == "javascript:alert(1) data"


def _reference(key: str, title: str, family: str, annote: str, journal: str) -> Reference:
    fields = {"title": title, "journal": journal, "year": "2020", "annote": annote}
    return Reference(
        key=key,
        entry_type="article",
        fields=fields,
        authors=(Person(family=family or "X", given="A."),),
        editors=(),
        location=SourceLocation("x.bib", 1),
        raw_bibtex=f"@article{{{key}, title = {{{title}}}}}",
    )


class _FixedSiteExtension(CitationExtension):
    def __init__(self, site: SiteBibliography, **kwargs: Any) -> None:
        self._fixed = site
        super().__init__(**kwargs)

    def _site(
        self,
        options: dict[str, str],
        setting: EngineSetting,
        docs_dir: Path,
        *,
        under_engine: bool,
    ) -> SiteBibliography:
        return self._fixed


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=st.text(min_size=1, max_size=80),
    family=st.text(max_size=30),
    annote=st.text(max_size=80),
    journal=st.text(min_size=1, max_size=40),
)
def test_arbitrary_field_text_renders_as_text(
    title: str, family: str, annote: str, journal: str
) -> None:
    reference = _reference("any2020text", title, family, annote, journal)
    references = {reference.key: reference}
    site = SiteBibliography(references, CitationIndex({}))
    extension = _FixedSiteExtension(site, docs_dir=str(FIXTURE_DOCS))
    html = markdown.markdown("[@any2020text]\n\n[[bibliography]]", extensions=[extension])
    soup = BeautifulSoup(html, "html.parser")
    _assert_only_our_markup(soup)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=200))
def test_arbitrary_page_text_never_crashes_and_citations_stay_ours(text: str) -> None:
    extension = CitationExtension(
        bibliography=str(FIXTURES / "bib" / "entry_types.bib"), docs_dir=str(FIXTURE_DOCS)
    )
    try:
        html = markdown.markdown(text, extensions=[extension])
    except CitationError as error:
        refused = str(error)
    else:
        refused = ""
    if refused:
        assert "unknown citation key" in refused
        return
    soup = BeautifulSoup(html, "html.parser")
    for citation in soup.select("span.citation"):
        _assert_only_our_markup(citation)


def test_the_fixture_bibliography_really_holds_markup() -> None:
    assert "<script>" in Path(SCRIPT_BIB).read_text(encoding="utf-8")
