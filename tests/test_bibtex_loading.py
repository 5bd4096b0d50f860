"""Malformed BibTeX is reported entry by entry, with the file and the 1-based line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from citation_engine.bibtex_loading import load_bibliography

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

GOOD = """@article{doe2020alliance,
  author = {Doe, Jane},
  title = {A title},
  journal = {J},
  year = {2020},
}
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            GOOD
            + "\n@article{broken2020title,\n  title = {Unclosed\n\n"
            + GOOD.replace("doe", "zed"),
            [
                "bib/test.bib:8: could not parse this block: Unexpected block start: `@article`. "
                "Was still looking for field-value closing `}`"
            ],
            id="entry_without_closing_brace",
        ),
        pytest.param(
            GOOD + "\n" + GOOD,
            ["bib/test.bib:8: duplicate key 'doe2020alliance' (first defined at line 1)"],
            id="duplicate_key",
        ),
        pytest.param(
            GOOD + "\n" + GOOD.replace("doe2020alliance", "Doe2020Alliance"),
            [
                "bib/test.bib:8: key 'Doe2020Alliance' differs only in case from "
                "'doe2020alliance' at line 1"
            ],
            id="duplicate_key_differing_in_case",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  title = {A},\n  title = {B},\n  year = {2020},\n}\n",
            ["bib/test.bib:1: entry 'doe2020alliance' repeats the field(s): title"],
            id="duplicate_field",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  Title = {A},\n  title = {B},\n}\n",
            [
                "bib/test.bib:1: entry 'doe2020alliance': fields 'Title' and 'title' differ only in case"
            ],
            id="case_variant_fields",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  title = {A},\n  journal = jcp,\n}\n",
            [
                "bib/test.bib:1: entry 'doe2020alliance': field 'journal' uses 'jcp', "
                "which no @string defines"
            ],
            id="undefined_string_macro",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  author = {Doe, Jane, Jr, Extra, Parts},\n  title = {A},\n}\n",
            [
                "bib/test.bib:2: entry 'doe2020alliance': bad author: Cannot split the following "
                "name `Doe, Jane, Jr, Extra, Parts` into parts: Too many commas"
            ],
            id="malformed_author_name",
        ),
    ],
)
def test_malformed_input_is_reported_with_file_and_line(
    write_bib: Callable[[str], Path], text: str, expected: list[str]
) -> None:
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert [str(problem) for problem in loaded.problems] == expected


def test_every_problem_is_reported_not_just_the_first(write_bib: Callable[[str], Path]) -> None:
    text = GOOD + "\n" + GOOD + "\n@article{other2020title,\n  title = {A},\n  title = {B},\n}\n"
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert len(loaded.problems) == 2
    assert "doe2020alliance" in loaded.references


def test_string_macros_are_resolved(write_bib: Callable[[str], Path]) -> None:
    text = '@string{jt = "Journal of Testing"}\n' + GOOD.replace("{J}", "jt")
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert loaded.problems == ()
    assert loaded.references["doe2020alliance"].get("journal") == "Journal of Testing"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        pytest.param(r"Buttenm{\"u}ller", "Buttenmüller", id="umlaut"),
        pytest.param(r"Fl\"{u}ckiger", "Flückiger", id="umlaut_braced_letter"),
        pytest.param("pages 12--14", "pages 12–14", id="en_dash"),
        pytest.param("Mind---body", "Mind—body", id="em_dash"),
        pytest.param(r"A \& B", "A & B", id="escaped_ampersand"),
        pytest.param(r"The {ACT} and {Zen} study", "The ACT and Zen study", id="case_protection"),
        pytest.param(r"50\% of", "50% of", id="percent"),
        pytest.param("plain text", "plain text", id="no_latex_at_all"),
    ],
)
def test_latex_becomes_unicode(write_bib: Callable[[str], Path], latex: str, text: str) -> None:
    loaded = load_bibliography(write_bib(GOOD.replace("{A title}", "{" + latex + "}")), "x.bib")
    assert loaded.references["doe2020alliance"].get("title") == text


def test_names_are_split_and_corporate_names_kept_whole(write_bib: Callable[[str], Path]) -> None:
    authors = r"{World Health Organization} and Joiner, Jr., Thomas E. and Fl{\"u}ckiger, Christoph"
    loaded = load_bibliography(write_bib(GOOD.replace("Doe, Jane", authors)), "x.bib")
    people = loaded.references["doe2020alliance"].authors
    assert [(p.literal, p.family, p.given, p.suffix) for p in people] == [
        ("World Health Organization", "", "", ""),
        ("", "Joiner", "Thomas E.", "Jr."),
        ("", "Flückiger", "Christoph", ""),
    ]


def test_doi_and_url_are_kept_verbatim(write_bib: Callable[[str], Path]) -> None:
    text = GOOD.replace(
        "year = {2020},", "year = {2020},\n  doi = {10.1000/a_b--c},\n  url = {https://x.org/a_b}"
    )
    reference = load_bibliography(write_bib(text), "x.bib").references["doe2020alliance"]
    assert (reference.get("doi"), reference.get("url")) == ("10.1000/a_b--c", "https://x.org/a_b")
