"""Entry warnings: required fields per type, DOI and URL form, year, shared DOIs; any key.

Also this site's house style (key scheme, shared titles, uncited entries), which is a lint
reported by ``python -m alliance_site check`` and never stops a build.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alliance_site.house_style import find_uncited, house_style_problems, suggested_key
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.entry_types import ENTRY_TYPES
from citation_engine.reference_checks import URL_RE, check_references

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
                "bib/test.bib:6: warning: DOI 'https://doi.org/10.1037/pst0000172' must be written bare, "
                "as '10.1037/pst0000172'"
            ],
            id="doi_with_resolver_prefix",
        ),
        pytest.param(
            "doi = {1037/pst0000172},",
            ["bib/test.bib:6: warning: DOI '1037/pst0000172' is not of the form 10.NNNN/suffix"],
            id="doi_without_directory_indicator",
        ),
        pytest.param(
            "url = {javascript:alert(1)},",
            ["bib/test.bib:6: warning: URL 'javascript:alert(1)' is not an http(s) address"],
            id="javascript_url",
        ),
        pytest.param(
            "url = {ftp://example.org/file},",
            ["bib/test.bib:6: warning: URL 'ftp://example.org/file' is not an http(s) address"],
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
            [
                "bib/test.bib:5: warning: year '20201' is not a four-digit year, 'in press' or 'n.d.'"
            ],
            id="five_digits",
        ),
        pytest.param(
            "forthcoming",
            [
                "bib/test.bib:5: warning: year 'forthcoming' is not a four-digit year, 'in press' or 'n.d.'"
            ],
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
                "bib/test.bib:1: warning: entry 'doe2020alliance' (article) lacks the field author or editor: "
                "an incomplete record",
                "bib/test.bib:1: warning: entry 'doe2020alliance' (article) lacks the field journal: "
                "an incomplete record",
            ],
            id="article_without_author_and_journal",
        ),
        pytest.param(
            "@book{roe2019book,\n  author = {Roe, R.},\n  title = {B},\n  year = {2019},\n}\n",
            [
                "bib/test.bib:1: warning: entry 'roe2019book' (book) lacks the field publisher: "
                "an incomplete record"
            ],
            id="book_without_publisher",
        ),
        pytest.param(
            "@incollection{jones2018chapter,\n  author = {Jones, B.},\n  title = {C},\n"
            "  year = {2018},\n  publisher = {P},\n}\n",
            [
                "bib/test.bib:1: warning: entry 'jones2018chapter' (incollection) lacks the field booktitle: "
                "an incomplete record"
            ],
            id="chapter_without_book_title",
        ),
        pytest.param(
            "@poem{lee2015poem,\n  author = {Lee, K.},\n  title = {P},\n  year = {2015},\n}\n",
            [
                "bib/test.bib:1: warning: entry 'lee2015poem' has type 'poem', which the site "
                "renders as a generic document; the types it knows are article, artwork, "
                "audio, book, bookinbook, booklet, collection, conference, dataset, electronic, image, "
                "inbook, incollection, inproceedings, inreference, jurisdiction, legislation, letter, "
                "manual, mastersthesis, misc, movie, music, mvbook, mvcollection, mvproceedings, "
                "mvreference, online, patent, performance, periodical, phdthesis, proceedings, "
                "reference, report, review, set, software, standard, suppbook, suppcollection, "
                "suppperiodical, techreport, thesis, unpublished, video, www"
            ],
            id="unknown_entry_type",
        ),
        pytest.param(
            ENTRY.replace("doe2020alliance", "Doe_2020").replace("EXTRA", ""),
            [],
            id="key_of_another_scheme_is_legal",
        ),
        pytest.param(
            ENTRY.replace("doe2020alliance", "10.1037/pst0000172").replace("EXTRA", ""),
            [],
            id="key_with_a_slash",
        ),
        pytest.param(
            ENTRY.replace("doe2020alliance", "doe2020alliance.").replace("EXTRA", ""),
            [],
            id="key_pandoc_cites_in_braces",
        ),
    ],
)
def test_required_fields_and_key(
    write_bib: Callable[[str], Path], text: str, expected: list[str]
) -> None:
    assert _problems(write_bib, text) == expected


def test_every_entry_type_has_its_requirements_checked(write_bib: Callable[[str], Path]) -> None:
    for name, row in ENTRY_TYPES.items():
        text = f"@{name}{{doe2020alliance,\n  note = {{n}},\n}}\n"
        wanted = [" or ".join(group) for group in row.required]
        assert _problems(write_bib, text) == [
            f"bib/test.bib:1: warning: entry 'doe2020alliance' ({name}) lacks the field {field}: "
            "an incomplete record"
            for field in wanted
            if field not in ("note", "note or howpublished")
        ], name


def test_two_entries_sharing_a_doi_are_warned_about(write_bib: Callable[[str], Path]) -> None:
    first = ENTRY.replace("EXTRA", "doi = {10.1000/x},")
    second = first.replace("doe2020alliance", "roe2021alliance").replace("10.1000/x", "10.1000/X")
    assert _problems(write_bib, first + "\n" + second) == [
        "bib/test.bib:14: warning: entry 'roe2021alliance' has the same doi as 'doe2020alliance' (line 1)",
    ]


# -- house style: a lint of this site's own rules ------------------------------------------


def _house_style(write_bib: Callable[[str], Path], text: str, cited: list[str]) -> list[str]:
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert loaded.problems == ()
    return [str(problem) for problem in house_style_problems(loaded.references, cited)]


def test_house_style_reports_keys_shared_titles_and_uncited_entries(
    write_bib: Callable[[str], Path],
) -> None:
    first = ENTRY.replace("EXTRA", "")
    second = first.replace("doe2020alliance", "Doe_2021").replace("A title", "A Title!")
    assert _house_style(write_bib, first + "\n" + second, ["Doe_2021"]) == [
        "bib/test.bib:9: key 'Doe_2021' does not follow the house scheme authorYEARword "
        "(lowercase letters, a four-digit year or 'inpress', then a title word); "
        "rename it 'doe2020title'",
        "bib/test.bib:11: warning: entry 'Doe_2021' has the same title as 'doe2020alliance' (line 1)",
        "bib/test.bib:1: entry 'doe2020alliance' is not cited on any page",
    ]


def test_house_style_lets_two_works_of_different_years_share_a_title(
    write_bib: Callable[[str], Path],
) -> None:
    article = ENTRY.replace("EXTRA", "")
    chapter = article.replace("doe2020alliance", "doe2021title").replace("2020", "2021")
    assert (
        _house_style(write_bib, article + "\n" + chapter, ["doe2020alliance", "doe2021title"]) == []
    )


def test_uncited_entries_are_reported(write_bib: Callable[[str], Path]) -> None:
    loaded = load_bibliography(write_bib(ENTRY.replace("EXTRA", "")), "bib/test.bib")
    assert [str(p) for p in find_uncited(loaded.references, [])] == [
        "bib/test.bib:1: entry 'doe2020alliance' is not cited on any page"
    ]
    assert find_uncited(loaded.references, ["doe2020alliance"]) == []


@pytest.mark.parametrize(
    ("author", "year", "title", "key"),
    [
        pytest.param("Smith, John", "2020", "The therapeutic alliance", "smith2020therapeutic"),
        pytest.param(r"Fl{\"u}ckiger, C.", "2018", "The alliance", "fluckiger2018alliance"),
        pytest.param("Kabat-Zinn, Jon", "2003", "Mindfulness-based", "kabatzinn2003mindfulness"),
        pytest.param("{World Health Organization}", "2021", "A report", "world2021report"),
        pytest.param("Roe, R.", "in press", "An alliance", "roeinpressalliance"),
        pytest.param("Roe, R.", "n.d.", "An alliance", ""),
    ],
)
def test_suggested_keys_follow_the_house_scheme(
    write_bib: Callable[[str], Path], author: str, year: str, title: str, key: str
) -> None:
    text = (
        f"@article{{Other_Key,\n  author = {{{author}}},\n  title = {{{title}}},\n"
        f"  journal = {{J}},\n  year = {{{year}}},\n}}\n"
    )
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert suggested_key(loaded.references["Other_Key"]) == key


def test_one_table_gives_every_type_its_csl_and_ris_type() -> None:
    import rispy
    from citation_engine.csl_json import CSL_TYPES
    from citation_engine.reference_exports import RIS_TYPES

    csl_types = {"article-journal", "book", "chapter", "document", "manuscript", "pamphlet"}
    csl_types |= {"paper-conference", "report", "software", "thesis", "webpage"}
    # biblatex's other types, as Pandoc maps them (all CSL 1.0.2 types).
    csl_types |= {"entry-encyclopedia", "dataset", "motion_picture", "review", "graphic", "song"}
    csl_types |= {"patent", "personal_communication", "legislation", "legal_case", "speech"}
    assert set(CSL_TYPES) == set(RIS_TYPES) == set(ENTRY_TYPES)
    assert set(CSL_TYPES.values()) <= csl_types
    assert set(RIS_TYPES.values()) <= set(rispy.TYPE_OF_REFERENCE_MAPPING)


@pytest.mark.parametrize(
    ("url", "usable"),
    [
        ("https://example.org:80a/", False),
        ("https://example.org:0/", False),
        ("https://example.org:65536/", False),
        ("https://example.org:/", False),
        ("https://example.org:8443/a?b#c", True),
        ("https://user@example.org/", True),
        ("https://[2001:db8::1]:443/", True),
        ("https://example.org", True),
    ],
)
def test_a_url_with_an_unusable_port_is_not_an_http_address(url: str, usable: bool) -> None:
    assert bool(URL_RE.match(url)) is usable
