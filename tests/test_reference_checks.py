"""Entry rules: required fields per type, DOI and URL form, year, key scheme, shared values."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_checks import check_references, find_uncited

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

ENTRY = """@article{doe2020alliance,
  author = {Doe, Jane},
  title = {A title},
  journal = {Journal},
  year = {2020},
  EXTRA
}
"""


def _problems(write_bib: Callable[[str], Path], text: str) -> list[str]:
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert loaded.problems == ()
    return [str(problem) for problem in check_references(loaded.references)]


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        pytest.param("doi = {10.1037/pst0000172},", [], id="valid_doi"),
        pytest.param(
            "doi = {https://doi.org/10.1037/pst0000172},",
            [
                "bib/test.bib:6: DOI 'https://doi.org/10.1037/pst0000172' must be written bare, "
                "as '10.1037/pst0000172'"
            ],
            id="doi_with_resolver_prefix",
        ),
        pytest.param(
            "doi = {1037/pst0000172},",
            ["bib/test.bib:6: DOI '1037/pst0000172' is not of the form 10.NNNN/suffix"],
            id="doi_without_directory_indicator",
        ),
        pytest.param(
            "url = {javascript:alert(1)},",
            ["bib/test.bib:6: URL 'javascript:alert(1)' is not an http(s) address"],
            id="javascript_url",
        ),
        pytest.param(
            "url = {ftp://example.org/file},",
            ["bib/test.bib:6: URL 'ftp://example.org/file' is not an http(s) address"],
            id="ftp_url",
        ),
    ],
)
def test_identifier_fields(
    write_bib: Callable[[str], Path], extra: str, expected: list[str]
) -> None:
    assert _problems(write_bib, ENTRY.replace("EXTRA", extra)) == expected


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param("2020", [], id="four_digits"),
        pytest.param("in press", [], id="in_press"),
        pytest.param("n.d.", [], id="undated"),
        pytest.param(
            "20201",
            ["bib/test.bib:5: year '20201' is not a four-digit year, 'in press' or 'n.d.'"],
            id="five_digits",
        ),
        pytest.param(
            "forthcoming",
            ["bib/test.bib:5: year 'forthcoming' is not a four-digit year, 'in press' or 'n.d.'"],
            id="word",
        ),
    ],
)
def test_year(write_bib: Callable[[str], Path], year: str, expected: list[str]) -> None:
    text = ENTRY.replace("{2020}", "{" + year + "}").replace("EXTRA", "")
    assert _problems(write_bib, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "@article{doe2020alliance,\n  title = {A},\n  year = {2020},\n}\n",
            [
                "bib/test.bib:1: entry 'doe2020alliance' (article) lacks required field author or editor",
                "bib/test.bib:1: entry 'doe2020alliance' (article) lacks required field journal",
            ],
            id="article_without_author_and_journal",
        ),
        pytest.param(
            "@book{roe2019book,\n  author = {Roe, R.},\n  title = {B},\n  year = {2019},\n}\n",
            ["bib/test.bib:1: entry 'roe2019book' (book) lacks required field publisher"],
            id="book_without_publisher",
        ),
        pytest.param(
            "@incollection{jones2018chapter,\n  author = {Jones, B.},\n  title = {C},\n"
            "  year = {2018},\n  publisher = {P},\n}\n",
            [
                "bib/test.bib:1: entry 'jones2018chapter' (incollection) lacks required field booktitle"
            ],
            id="chapter_without_book_title",
        ),
        pytest.param(
            "@poem{lee2015poem,\n  author = {Lee, K.},\n  title = {P},\n  year = {2015},\n}\n",
            [
                "bib/test.bib:1: entry 'lee2015poem' has type 'poem'; use one of article, book, "
                "inbook, incollection, inproceedings, mastersthesis, misc, online, phdthesis, "
                "report, software, techreport"
            ],
            id="unknown_entry_type",
        ),
        pytest.param(
            ENTRY.replace("doe2020alliance", "Doe_2020").replace("EXTRA", ""),
            [
                "bib/test.bib:1: key 'Doe_2020' does not follow the scheme authorYEARword "
                "(lowercase letters, a four-digit year or 'inpress', then a title word)"
            ],
            id="key_off_scheme",
        ),
    ],
)
def test_required_fields_and_key(
    write_bib: Callable[[str], Path], text: str, expected: list[str]
) -> None:
    assert _problems(write_bib, text) == expected


def test_two_entries_may_not_share_a_doi_or_title(write_bib: Callable[[str], Path]) -> None:
    first = ENTRY.replace("EXTRA", "doi = {10.1000/x},")
    second = first.replace("doe2020alliance", "roe2021alliance").replace("A title", "A Title!")
    assert _problems(write_bib, first + "\n" + second) == [
        "bib/test.bib:14: entry 'roe2021alliance' has the same doi as 'doe2020alliance' (line 1)",
        "bib/test.bib:11: entry 'roe2021alliance' has the same title as 'doe2020alliance' (line 1)",
    ]


def test_uncited_entries_are_reported(write_bib: Callable[[str], Path]) -> None:
    loaded = load_bibliography(write_bib(ENTRY.replace("EXTRA", "")), "bib/test.bib")
    assert [str(p) for p in find_uncited(loaded.references, [])] == [
        "bib/test.bib:1: entry 'doe2020alliance' is not cited on any page"
    ]
    assert find_uncited(loaded.references, ["doe2020alliance"]) == []
