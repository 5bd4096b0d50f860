"""APA 7 labels from CSL data: names, suffixes and clusters, case by case."""

from __future__ import annotations

from typing import Any

import pytest
from citation_engine.citation_labels import (
    CitationOptions,
    Label,
    assign_labels,
    parenthetical,
    render_names,
    sort_items,
)
from citation_engine.citation_syntax import CitedWork

OPTIONS = CitationOptions()


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


def test_a_prefix_or_suppressed_author_is_never_collapsed() -> None:
    labels = {"a": Label("Doe", "Doe", "2001"), "b": Label("Doe", "Doe", "2002")}
    works = (CitedWork("a"), CitedWork("b", prefix="see also"))
    text = "".join(s.text for s in parenthetical(works, labels, {"a": 0, "b": 1}, OPTIONS))
    assert text == "(Doe, 2001; see also Doe, 2002)"
