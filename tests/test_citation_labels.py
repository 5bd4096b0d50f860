"""APA 7 labels from CSL data: names, suffixes and clusters, case by case."""

from __future__ import annotations

from typing import Any

import pytest
from bs4 import BeautifulSoup
from citation_engine.citation_labels import (
    CitationOptions,
    assign_labels,
    render_names,
    sort_items,
)

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
