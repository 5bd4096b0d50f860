"""The real bibliography: valid, no shared DOI or title, every entry cited, annotated."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alliance_site.house_style import house_style_problems
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.site_bibliography import check_site, load_site_bibliography

from tests.conftest import ROOT, SITE_SCAN

if TYPE_CHECKING:
    from citation_engine.references import Reference

BIB = ROOT / "bib" / "references.bib"
DOCS = ROOT / "docs"
# The 30 works printed in the reference list of Razzaque, Okoro and Wood (2015), in order.
RAZZAQUE_REFERENCE_LIST = [
    "baer2003mindfulness",
    "beck1979cognitive",
    "epstein1999mindful",
    "fenton2001perspective",
    "frank1990therapeutic",
    "gilbert2010compassion",
    "gilbert2007therapeutic",
    "hansson1992stability",
    "hatcher2006development",
    "hayes2006acceptance",
    "johansson2003patients",
    "kabatzinn2003mindfulness",
    "kilbride2013exploring",
    "krupnick1996role",
    "lambert2001research",
    "luoma2007learning",
    "mccabe2004therapeutic",
    "miller1973prediction",
    "newsome2006teaching",
    "nres2011algorithm",
    "pedhazur1991measurement",
    "priebe2008therapeutic",
    "priebe2011does",
    "segal2002mindfulness",
    "shapiro2009integration",
    "spss2010statistics",
    "tabachnick1996using",
    "walach2006measuring",
    "williams2007mindful",
    "wilson2008mindfulness",
]


@pytest.fixture(scope="module")
def references() -> dict[str, Reference]:
    loaded = load_bibliography(BIB, "bib/references.bib")
    assert [str(p) for p in loaded.problems] == []
    return loaded.references


@pytest.mark.slow
def test_bibliography_passes_every_check_and_every_entry_is_cited() -> None:
    assert [str(p) for p in check_site(BIB, DOCS, "apa", ROOT, scan=SITE_SCAN)] == []
    site = load_site_bibliography(BIB, DOCS, "apa", ROOT, scan=SITE_SCAN)
    lint = house_style_problems(site.references, site.index.cited_keys())
    assert [str(p) for p in lint] == []


# DOI form, shared DOIs and every other engine rule are part of check_site above.


def test_every_entry_is_annotated(references: dict[str, Reference]) -> None:
    for key, reference in references.items():
        annotation = reference.get("annote")
        assert len(annotation) > 60, key


def test_the_founding_paper_and_its_whole_reference_list_are_present(
    references: dict[str, Reference],
) -> None:
    assert "razzaque2015mindfulness" in references
    assert "goldberg2013role" in references
    assert set(RAZZAQUE_REFERENCE_LIST) <= set(references)


def test_the_notes_page_reviews_every_work_of_the_reference_list_in_order() -> None:
    page = (DOCS / "about" / "notes-on-the-sources.md").read_text(encoding="utf-8")
    start = page.index("## What did the check find for each printed entry?")
    listed = page[start : page.index("## What are the findings, one by one?")]
    assert [key for key in RAZZAQUE_REFERENCE_LIST if f"@{key}" not in listed] == []
    positions = [listed.index(f"[@{key}]") for key in RAZZAQUE_REFERENCE_LIST]
    assert positions == sorted(positions)


def test_unverifiable_entries_say_so(references: dict[str, Reference]) -> None:
    for key in ("miller1973prediction", "hansson1992stability"):
        assert "not" in references[key].get("annote").lower()
        assert "verified" in references[key].get("annote").lower()
        assert not references[key].get("pages")
