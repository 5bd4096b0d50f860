"""APA 7 labels from CSL data: names, suffixes and clusters, case by case."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from citation_engine.citation_labels import (
    CitationOptions,
    assign_labels,
    author_and_date,
    collapses,
    render_names,
    sort_items,
    title_case,
)
from citation_engine.reference_styles import load_style

from tests.conftest import FIXTURES, MarkdownFactory

OPTIONS = CitationOptions()
PEER_BIB = FIXTURES / "bib" / "peer_cases.bib"
PEER_DOCS = FIXTURES / "peer_docs"


def _item(key: str, year: int | None, *families: str, given: str = "A.") -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": key,
        "title": key,
        "author": [{"family": family, "given": given} for family in families],
    }
    if year is not None:
        item["issued"] = {"date-parts": [[year]]}
    return item


@pytest.mark.parametrize(
    ("families", "shown", "and_word", "expected"),
    [
        (["Doe"], 1, "&", "Doe"),
        (["Doe", "Roe"], 2, "&", "Doe & Roe"),
        (["Doe", "Roe"], 2, "and", "Doe and Roe"),
        (["Doe", "Roe", "Poe"], 1, "&", "Doe et al."),
        (["Doe", "Roe", "Poe"], 2, "&", "Doe, Roe, et al."),
        (["Doe", "Roe", "Poe"], 3, "&", "Doe, Roe, & Poe"),
    ],
)
def test_author_part_of_a_label(
    families: list[str], shown: int, and_word: str, expected: str
) -> None:
    names = [{"family": family} for family in families]
    assert render_names(names, shown, initials=False, and_word=and_word) == expected


def test_undated_works_by_one_author_get_suffixes_after_n_d() -> None:
    items = sort_items([_item("b", None, "Doe"), _item("a", None, "Doe")])
    labels = assign_labels(items, OPTIONS)
    assert [labels[key].date for key in ("a", "b")] == ["n.d.-a", "n.d.-b"]


def test_suffixes_run_past_z() -> None:
    items = sort_items([_item(f"w{index:02}", 2020, "Doe") for index in range(28)])
    labels = assign_labels(items, OPTIONS)
    assert [labels[key].year_suffix for key in ("w00", "w25", "w26", "w27")] == [
        "a",
        "z",
        "aa",
        "ab",
    ]


def test_initials_tell_apart_first_authors_who_share_a_surname() -> None:
    items = sort_items(
        [_item("a", 2001, "Lee", given="Kim"), _item("b", 2002, "Lee", given="Jean-Paul")]
    )
    labels = assign_labels(items, OPTIONS)
    assert (labels["a"].author, labels["b"].author) == ("K. Lee", "J.-P. Lee")


def test_undated_works_come_first_and_works_in_press_last() -> None:
    items = [
        {**_item("press", None, "Doe"), "issued": {"literal": "in press"}},
        _item("dated", 2020, "Doe"),
        _item("undated", None, "Doe"),
    ]
    assert [item["id"] for item in sort_items(items)] == ["undated", "dated", "press"]


@pytest.mark.parametrize(
    ("markdown_text", "expected"),
    [
        pytest.param(
            "[@doe2020second; @doe2018earlier; @doe2020first]",
            "(Doe, 2018, 2020a, 2020b)",
            id="list_order_and_collapse",
        ),
        pytest.param(
            "[@doe2018earlier; see also @doe2020first]",
            "(Doe, 2018; see also Doe, 2020b)",
            id="prefix_never_collapsed",
        ),
        pytest.param(
            "[@doe2018earlier, p. 3; @doe2020first]",
            "(Doe, 2018, p. 3; Doe, 2020b)",
            id="locator_never_collapsed",
        ),
    ],
)
def test_a_group_is_ordered_and_collapsed_unless_something_stands_between(
    render: MarkdownFactory, markdown_text: str, expected: str
) -> None:
    html = render(markdown_text, bib=PEER_BIB, docs=PEER_DOCS)
    citation = BeautifulSoup(html, "html.parser").select_one("span.citation")
    assert citation is not None
    assert citation.get_text() == expected


def test_works_that_tie_on_every_key_keep_the_order_they_are_given_in() -> None:
    items = [_item("zeta", 1981, "Knuth"), _item("alpha", 1981, "Knuth")]
    for item in items:
        item["title"] = "Seminumerical algorithms"
    assert [item["id"] for item in sort_items(items)] == ["zeta", "alpha"]


def test_a_work_with_a_volume_precedes_one_without_as_csl_sorts_empty_keys_last() -> None:
    plain = {**_item("plain", 1981, "Knuth"), "title": "Algorithms"}
    second = {**_item("second", 1981, "Knuth"), "title": "Algorithms", "volume": "2"}
    assert [item["id"] for item in sort_items([plain, second])] == ["second", "plain"]


def test_punctuation_and_symbols_sort_before_letters() -> None:
    items = [
        {**_item("vor", 2019, "Basedow"), "title": "vor \u00a7 305 BGB"},
        {**_item("para", 2019, "Basedow"), "title": "\u00a7 305 BGB"},
    ]
    assert [item["id"] for item in sort_items(items)] == ["para", "vor"]


def test_a_web_page_sorts_and_takes_its_year_letter_by_its_whole_date() -> None:
    dated = {**_item("dated", None, "Doe"), "type": "webpage"}
    dated["issued"] = {"date-parts": [[2015, 12, 1]]}
    year = {**_item("year", 2015, "Doe"), "type": "webpage"}
    items = sort_items([dated, year])
    assert [item["id"] for item in items] == ["year", "dated"]
    assert assign_labels(items, OPTIONS)["year"].date == "2015a"


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("the art of war: a guide to self-help", "The Art of War: A Guide to Self-Help"),
        ("mindfulness in the age of iPhone", "Mindfulness in the Age of iPhone"),
        ("what is mindfulness? an overview", "What Is Mindfulness? An Overview"),
        ("end-of-life care of over-70s", "End-of-Life Care of over-70s"),
        ("notes from 2020 to", "Notes from 2020 To"),
    ],
)
def test_title_case_keeps_csl_stop_words_lowercase_inside_a_phrase(
    title: str, expected: str
) -> None:
    assert title_case(title) == expected


def test_a_work_with_neither_author_nor_title_is_cited_by_its_date() -> None:
    item = {"id": "x", "type": "article-journal", "issued": {"date-parts": [[1984]]}}
    label = assign_labels([item], OPTIONS)["x"]
    assert author_and_date(label.author, label.date) == "1984"


def test_the_same_people_collapse_and_namesakes_with_another_suffix_do_not() -> None:
    items = sort_items(
        [
            {**_item("ii", 2001, "Doe"), "author": [{"family": "Doe", "suffix": "II"}]},
            {**_item("iii", 2002, "Doe"), "author": [{"family": "Doe", "suffix": "III"}]},
            {**_item("iii2", 2003, "Doe"), "author": [{"family": "Doe", "suffix": "III"}]},
        ]
    )
    labels = assign_labels(items, OPTIONS)
    assert not collapses(labels["ii"], labels["iii"])
    assert collapses(labels["iii"], labels["iii2"])


def test_era_terms_come_from_the_style() -> None:
    options = CitationOptions(ad_term=" AD", bc_term=" BC")
    items = [_item("a", 4, "Haas"), _item("b", -300, "Plato")]
    labels = assign_labels(sort_items(items), options)
    assert (labels["a"].date, labels["b"].date) == ("4 AD", "300 BC")
    assert (load_style("apa").options.ad_term, load_style("apa").options.bc_term) == (
        " C.E.",
        " B.C.E.",
    )


def test_a_non_dropping_particle_sorts_with_the_name_as_apa_csl_never_demotes_it() -> None:
    assen = {**_item("assen", 2023), "author": [{"family": "Assen", "given": "M."}]}
    assen["author"][0]["non-dropping-particle"] = "van"
    items = sort_items([assen, _item("riley", 2010, "Riley")])
    assert [item["id"] for item in items] == ["riley", "assen"]
    assert assign_labels(items, OPTIONS)["assen"].author == "van Assen"


def test_a_work_with_an_event_date_precedes_one_without_as_csl_sorts_empty_keys_last() -> None:
    plain = {"id": "plain", "type": "", "genre": "constitution"}
    event = {**plain, "id": "event", "event-date": {"date-parts": [[1933]]}}
    items = sort_items([plain, event])
    assert [item["id"] for item in items] == ["event", "plain"]
    labels = assign_labels(items, OPTIONS)
    assert author_and_date(labels["event"].author, labels["event"].date) == "[Constitution], n.d.-a"
