"""BibTeX as reference managers write it loads; bad input is reported with file and line."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pybtex.database
import pytest
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.entry_types import BIBLATEX_TYPES, ENTRY_TYPES
from citation_engine.reference_checks import check_references

from tests.conftest import FIXTURES

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
                "bib/test.bib:9: entry 'broken2020title': field 'title': the brace opened here "
                "is not closed before the next entry at line 11"
            ],
            id="entry_without_closing_brace",
        ),
        pytest.param(
            GOOD + "\n" + GOOD,
            [
                "bib/test.bib:8: warning: key 'doe2020alliance' is repeated: an identical copy "
                "of the entry at line 1; the first is kept"
            ],
            id="duplicate_key",
        ),
        pytest.param(
            GOOD + "\n" + GOOD.replace("doe2020alliance", "Doe2020Alliance"),
            [
                "bib/test.bib:8: warning: key 'Doe2020Alliance' (the same BibTeX key as "
                "'doe2020alliance', case aside) is repeated: an identical copy of the entry at "
                "line 1; the first is kept"
            ],
            id="duplicate_key_differing_in_case",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  title = {A},\n  title = {B},\n  year = {2020},\n}\n",
            [
                "bib/test.bib:1: warning: entry 'doe2020alliance' repeats the field(s): title; "
                "the first is kept, as BibTeX keeps it"
            ],
            id="duplicate_field",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  Title = {A},\n  title = {B},\n}\n",
            [
                "bib/test.bib:1: warning: entry 'doe2020alliance': fields 'Title' and 'title' "
                "differ only in case; the first is kept"
            ],
            id="case_variant_fields",
        ),
        pytest.param(
            "@article{doe2020alliance,\n  title = {A},\n  journal = jcp,\n}\n",
            [
                "bib/test.bib:3: warning: entry 'doe2020alliance': field 'journal' uses 'jcp', "
                "which no @string defines; it is read as the text itself, as Pandoc reads it"
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


def test_a_key_defined_twice_differently_keeps_the_first_and_records_the_conflict(
    write_bib: Callable[[str], Path],
) -> None:
    text = GOOD + "\n" + GOOD.replace("{A title}", "{Another title}")
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert [str(problem) for problem in loaded.problems] == [
        "bib/test.bib:8: warning: key 'doe2020alliance' is defined again, differently, after "
        "line 1; the first is kept, as BibTeX keeps it (Pandoc keeps the last); remove one"
    ]
    assert loaded.references["doe2020alliance"].get("title") == "A title"
    assert [str(problem) for problem in loaded.conflicts.values()] == [
        "bib/test.bib:8: key 'doe2020alliance' is cited, but lines 1 and 8 define it "
        "differently (BibTeX prints the first, Pandoc the last); keep one"
    ]


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


def test_an_unclosed_brace_loses_only_its_own_entry(write_bib: Callable[[str], Path]) -> None:
    text = (
        GOOD + "\n@article{broken2020title,\n  title = {Unclosed\n\n" + GOOD.replace("doe", "zed")
    )
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert list(loaded.references) == ["doe2020alliance", "zed2020alliance"]


# -- BibTeX as reference managers write it ------------------------------------------------

MANAGERS = FIXTURES / "bib" / "managers"


@pytest.mark.parametrize(
    ("name", "keys"),
    [
        pytest.param("zotero.bib", ["smith_therapeutic_2020", "doe_handbook_2019"], id="zotero"),
        pytest.param(
            "better_bibtex.bib",
            ["smithTherapeuticAlliance2020", "smith2020therapeutic"],
            id="better_bibtex",
        ),
        pytest.param("jabref.bib", ["Smith2020", "Roe2018"], id="jabref"),
        pytest.param("mendeley.bib", ["Smith2020a"], id="mendeley"),
        pytest.param("google_scholar.bib", ["smith2020therapeutic"], id="google_scholar"),
        pytest.param("crossref.bib", ["Smith_2020"], id="crossref"),
    ],
)
def test_reference_manager_exports_load_and_pass_every_engine_check(
    name: str, keys: list[str]
) -> None:
    loaded = load_bibliography(MANAGERS / name, name)
    assert [str(p) for p in loaded.problems] == []
    assert list(loaded.references) == keys
    assert [str(p) for p in check_references(loaded.references)] == []
    first = loaded.references[keys[0]]
    assert first.get("title").lower().startswith(("the therapeutic alliance", "a handbook"))
    assert [(p.family, p.given) for p in first.authors][:1] in ([("Smith", "John")], [])


def test_zotero_month_macro_percent_and_escaped_dollar_are_kept() -> None:
    reference = load_bibliography(MANAGERS / "zotero.bib").references["smith_therapeutic_2020"]
    assert reference.get("month") == "January"
    assert reference.get("abstract") == (
        "Alliance scores rose by 50% in six weeks; costs were under $5 per session."
    )
    assert reference.get("url") == "https://example.org/article?id=1&format=pdf%20a"
    assert [p.family for p in reference.authors] == ["Smith", "Müller"]


def test_mendeley_file_field_and_escaped_ampersand() -> None:
    reference = load_bibliography(MANAGERS / "mendeley.bib").references["Smith2020a"]
    assert reference.get("abstract") == "Alliance scores rose by 32.4% of the variance & more."
    assert (
        reference.get("file") == r":C$\backslash$:/Users/test/Documents/Mendeley/Smith2020.pdf:pdf"
    )


def test_crossref_one_line_export_with_upper_case_fields() -> None:
    reference = load_bibliography(MANAGERS / "crossref.bib").references["Smith_2020"]
    assert (reference.get("doi"), reference.get("issn")) == ("10.1234/crossref.2020.1", "0000-0000")
    assert (reference.get("month"), reference.get("pages")) == ("January", "1–10")


# -- every entry type, macros, concatenation, crossref -------------------------------------

ALL_TYPES = FIXTURES / "bib" / "all_entry_types.bib"


def test_every_entry_type_loads_and_passes_every_engine_check() -> None:
    loaded = load_bibliography(ALL_TYPES, "all_entry_types.bib")
    assert [str(p) for p in loaded.problems] == []
    assert [str(p) for p in check_references(loaded.references)] == []
    # biblatex's other types are read as Pandoc maps them (tests/engine/test_pandoc_reading.py).
    assert {r.entry_type for r in loaded.references.values()} == set(ENTRY_TYPES) - {
        "electronic",
        "www",
    } - set(BIBLATEX_TYPES)
    standard = {"article", "book", "booklet", "conference", "inbook", "incollection"}
    standard |= {"inproceedings", "manual", "mastersthesis", "misc", "phdthesis"}
    standard |= {"proceedings", "techreport", "unpublished", "online", "report"}
    assert standard | {"software", "thesis"} <= set(ENTRY_TYPES)


def test_macros_concatenation_and_bare_numbers() -> None:
    reference = load_bibliography(ALL_TYPES).references["doe2020article"]
    assert reference.get("journal") == "Journal of Testing"
    assert (reference.get("year"), reference.get("month")) == ("2020", "January")
    assert reference.get("number") == "3"
    assert reference.get("note") == "Issue #3 & part_2 cost $5 {braced}"


def test_crossref_inherits_missing_fields_and_the_parent_title_as_book_title() -> None:
    references = load_bibliography(ALL_TYPES).references
    child = references["park2016inproceedings"]
    assert child.get("booktitle") == "Proceedings of the Alliance Meeting"
    assert (child.get("year"), child.get("publisher")) == ("2016", "Test Press")
    assert child.get("title") == "A paper that inherits its book title"
    assert "crossref" not in child.fields
    assert [p.family for p in child.editors] == ["Park"]


def test_crossref_to_a_missing_entry_is_reported(write_bib: Callable[[str], Path]) -> None:
    text = GOOD.replace("year = {2020},", "year = {2020},\n  crossref = {nowhere2000},")
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert [str(p) for p in loaded.problems] == [
        "bib/test.bib:6: warning: entry 'doe2020alliance': crossref names 'nowhere2000', "
        "which is not in the file; the entry is shown with its own fields only"
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        pytest.param("{50% in six weeks}", "50% in six weeks", id="unescaped_percent"),
        pytest.param(r"{50\% in six weeks}", "50% in six weeks", id="escaped_percent"),
        pytest.param("{A & B}", "A & B", id="unescaped_ampersand"),
        pytest.param("{Issue #3}", "Issue #3", id="unescaped_hash_in_braces"),
        pytest.param("{snake_case}", "snake_case", id="unescaped_underscore"),
        pytest.param(r"{costs \$5 and \$6}", "costs $5 and $6", id="escaped_dollars"),
        pytest.param(r"{the $\alpha$ level}", "the α level", id="math"),
        pytest.param(r"{$p < .05$}", "p < .05", id="math_with_operators"),
        pytest.param(r"{\'{E}mile \c{c}a \v{S}ko \ss{} \o{} \aa{} \~{n}}", "Émile ça Ško ß ø å ñ"),
        pytest.param(r"{\textit{Italic} \emph{and} \textbf{bold}}", "Italic and bold", id="fonts"),
        pytest.param(r"{\mbox{Kept} text}", "Kept text", id="mbox_keeps_its_text"),
        pytest.param(r"{a \{ b \} c}", "a { b } c", id="escaped_braces_balanced"),
        pytest.param(r"{\LaTeX{} and \TeX}", "LaTeX and TeX", id="tex_logos"),
        pytest.param(r"{Wait\ldots{} 1--2---3}", "Wait… 1–2—3", id="dots_and_dashes"),
        pytest.param('"A" # " quoted " # {braced}', "A quoted braced", id="concatenation"),
    ],
)
def test_no_text_is_lost(write_bib: Callable[[str], Path], value: str, text: str) -> None:
    loaded = load_bibliography(write_bib(GOOD.replace("{A title}", value)), "x.bib")
    assert [str(p) for p in loaded.problems] == []
    assert loaded.references["doe2020alliance"].get("title") == text


@pytest.mark.parametrize(
    ("value", "message"),
    [
        pytest.param(
            "{costs $5 and $6}",
            "'$5 and $' is not math; write \\$ for a dollar sign, or $...$ around math",
            id="dollars_that_are_not_math",
        ),
        pytest.param(
            "{costs $5}",
            "a '$' at character 7 opens math it never closes; "
            "write \\$ for a dollar sign, or $...$ around math",
            id="unpaired_dollar",
        ),
    ],
)
def test_a_dollar_that_is_not_math_stops_with_entry_field_and_line(
    write_bib: Callable[[str], Path], value: str, message: str
) -> None:
    loaded = load_bibliography(write_bib(GOOD.replace("{A title}", value)), "bib/test.bib")
    assert [str(p) for p in loaded.problems] == [
        f"bib/test.bib:3: entry 'doe2020alliance': field 'title': {message}"
    ]


@pytest.mark.parametrize(
    ("char", "name"),
    [
        pytest.param("\x00", "a control code", id="nul"),
        pytest.param("\x1b", "a control code", id="escape"),
        pytest.param("\u202e", "RIGHT-TO-LEFT OVERRIDE", id="rlo"),
        pytest.param("\u202a", "LEFT-TO-RIGHT EMBEDDING", id="lre"),
        pytest.param("\u2066", "LEFT-TO-RIGHT ISOLATE", id="lri"),
        pytest.param("\u2069", "POP DIRECTIONAL ISOLATE", id="pdi"),
    ],
)
def test_control_characters_are_refused_with_field_and_line(
    write_bib: Callable[[str], Path], char: str, name: str
) -> None:
    text = GOOD.replace("{J}", "{J" + char + "gnp.exe}")
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert [str(p) for p in loaded.problems] == [
        f"bib/test.bib:4: entry 'doe2020alliance': field 'journal' contains the control "
        f"character U+{ord(char):04X} ({name}); remove it"
    ]


# -- braces as BibTeX counts them -----------------------------------------------------------

SMUGGLED = r"""@article{smug2020brace,
  author  = {Smug, S.},
  title   = {Harmless looking title \}, url = {https://evil.example/payload}, note = {\}}},
  journal = {Journal},
  year    = {2020}
}
"""


def test_an_escaped_brace_closes_the_field_as_in_bibtex_and_is_refused(
    write_bib: Callable[[str], Path],
) -> None:
    loaded = load_bibliography(write_bib(SMUGGLED), "bib/test.bib")
    backslash = (
        "ends in a backslash: BibTeX counts the brace after it, so '\\}' closed the field; "
        "write '\\textbackslash' or balance the braces"
    )
    assert sorted(str(p) for p in loaded.problems) == [
        f"bib/test.bib:3: entry 'smug2020brace': field 'note' {backslash}",
        f"bib/test.bib:3: entry 'smug2020brace': field 'title' {backslash}",
        "bib/test.bib:3: warning: text outside any entry is skipped: '},' (a brace closed "
        "the entry before its end? BibTeX counts every brace, \\{ and \\} too)",
    ]


def test_the_site_reads_the_same_fields_as_pybtex(write_bib: Callable[[str], Path]) -> None:
    """Same field names as pybtex (a BibTeX-compatible reader), even for a crafted entry."""
    path = write_bib(SMUGGLED)
    ours = load_bibliography(path, "x.bib").references["smug2020brace"].bibtex_fields
    theirs = pybtex.database.parse_file(str(path), bib_format="bibtex").entries["smug2020brace"]
    their_fields = {name.lower(): value for name, value in theirs.fields.items()}
    assert {name for name in ours if name not in ("author", "title", "note")} == set(
        their_fields
    ) - {"title", "note"}
    assert set(their_fields) == {"title", "url", "note"}
    assert "journal" not in ours
    assert ours["url"] == their_fields["url"] == "https://evil.example/payload"


# -- files that are not BibTeX at all --------------------------------------------------------


def test_bytes_that_are_not_utf8_are_reported_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(GOOD.replace("Doe, Jane", "Dupr\u00e9, Jos\u00e9").encode("latin-1"))
    loaded = load_bibliography(path, "bib/latin1.bib")
    assert [str(p) for p in loaded.problems] == [
        "bib/latin1.bib:2: byte 0xE9 at column 17 is not UTF-8; save the file as UTF-8 "
        "(reference managers offer it on export)"
    ]


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.bib"
    path.write_bytes(b"\xef\xbb\xbf" + GOOD.encode("utf-8"))
    assert load_bibliography(path).problems == ()


@pytest.mark.parametrize(
    "text", [pytest.param("", id="empty"), pytest.param("% only a comment\n", id="comment")]
)
def test_an_empty_bibliography_is_reported(write_bib: Callable[[str], Path], text: str) -> None:
    loaded = load_bibliography(write_bib(text), "bib/test.bib")
    assert [str(p) for p in loaded.problems] == [
        "bib/test.bib: holds no entries (an empty or comment-only file); add at least one entry"
    ]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    loaded = load_bibliography(tmp_path / "nowhere.bib", "bib/nowhere.bib")
    assert [str(p) for p in loaded.problems] == ["bib/nowhere.bib: bibliography file not found"]
