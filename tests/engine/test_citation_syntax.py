"""Pandoc's citation grammar as the inline processor reads it (see also the Pandoc oracle)."""

from __future__ import annotations

import pytest
from citation_engine.citation_syntax import (
    CitationMode,
    CitedWork,
    citation_form,
    find_citations,
    parse_key,
    split_locator,
)

from tests.conftest import collect_citations

NORMAL = CitationMode.NORMAL
IN_TEXT = CitationMode.AUTHOR_IN_TEXT
SUPPRESS = CitationMode.SUPPRESS_AUTHOR


def _works(text: str) -> list[CitedWork]:
    return [work for citation in find_citations(text) for work in citation.works]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("[@doe2020alliance]", [CitedWork("doe2020alliance")], id="one_key"),
        pytest.param(
            "[see @a2020x, p. 3; also -@b2021y]",
            [CitedWork("a2020x", NORMAL, "see", ", p. 3"), CitedWork("b2021y", SUPPRESS, "also")],
            id="group",
        ),
        pytest.param("[@a p. 3]", [CitedWork("a", NORMAL, "", " p. 3")], id="suffix_space"),
        pytest.param("@a [p. 33]", [CitedWork("a", IN_TEXT, "", "p. 33")], id="in_text_locator"),
        pytest.param(
            "@a [@b]", [CitedWork("a", IN_TEXT), CitedWork("b", NORMAL)], id="in_text_and_group"
        ),
        pytest.param("-@a says", [CitedWork("a", SUPPRESS)], id="suppressed_outside"),
        pytest.param("@café.", [CitedWork("café", IN_TEXT)], id="non_ascii_end"),
        pytest.param("[@Ωmega]", [CitedWork("Ωmega")], id="non_ascii_start"),
        pytest.param("@{a.b:c/d}", [CitedWork("a.b:c/d", IN_TEXT)], id="braced_key"),
        pytest.param("[see\n@a, p.\n3]", [CitedWork("a", NORMAL, "see", ", p.\n3")], id="wrapped"),
        pytest.param(
            "[@a, see also @b]",
            [CitedWork("a", NORMAL, "", ", see also @b")],
            id="at_sign_in_suffix_keeps_the_citation",
        ),
        pytest.param(
            "[*see; also* @a]", [CitedWork("a", NORMAL, "*see; also*")], id="semicolon_in_emphasis"
        ),
    ],
)
def test_citation_forms(text: str, expected: list[CitedWork]) -> None:
    assert _works(text) == expected


def test_a_citation_in_a_suffix_is_read_too() -> None:
    (citation,) = find_citations("[@a, see also @b]")
    assert citation.keys == ("a", "b")
    assert citation.nested[0].works == (CitedWork("b", IN_TEXT),)


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("a.b.", "a.b"),
        ("a::b", "a"),
        ("a//b", "a//b"),
        ("a-", "a"),
        ("a_b_", "a_b_"),
        ("x#y$z%w&v+u?t~s", "x#y$z%w&v+u?t~s"),
        ("{a{b}c}", "a{b}c"),
        ("日本語", "日本語"),
    ],
)
def test_keys_end_where_pandoc_ends_them(text: str, key: str) -> None:
    parsed = parse_key(text, 0)
    assert parsed is not None
    assert parsed[0] == key


@pytest.mark.parametrize("text", ["{a b}", "-a", "", "{}", "·a"])
def test_not_a_key(text: str) -> None:
    assert parse_key(text, 0) is None


@pytest.mark.parametrize(
    ("suffix", "locator", "rest"),
    [
        (", p. 33", "p. 33", ""),
        (", pp. 33-35, *passim*", "pp. 33-35", ", *passim*"),
        (", {pp. iv, vi-xi}", "pp. iv, vi-xi", ""),
        (" chap. 2", "chap. 2", ""),
        (", 33", "33", ""),
        (", emphasis added", "", ", emphasis added"),
        (" and others", "", " and others"),
        (", § 4", "§ 4", ""),
        (", s.v. alliance", "s.v. alliance", ""),
    ],
)
def test_locators(suffix: str, locator: str, rest: str) -> None:
    assert split_locator(suffix) == (locator, rest)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Write to jane@example.org today.", id="email_address"),
        pytest.param("<jane@example.org>", id="autolinked_email"),
        pytest.param("See <https://social.example/@someone> for more.", id="autolink"),
        pytest.param("[a link](https://example.org/@user)", id="at_sign_in_link_target"),
        pytest.param('[a link](https://example.org "@user")', id="at_sign_in_link_title"),
        pytest.param("Use `@key2015word` in code.", id="code_span"),
        pytest.param("Use ``a `@key2015word` b`` here.", id="double_backtick_code_span"),
        pytest.param(r"An escaped \@key2015word stays text.", id="escaped_at_sign"),
        pytest.param("```\n@key2015word [@other2020x]\n```", id="fenced_code"),
        pytest.param("~~~~ text\n@key2015word\n~~~~", id="tilde_fence"),
        pytest.param("Text\n\n    @key2015word\n", id="indented_code"),
        pytest.param("<!-- [@key2015word] -->", id="html_comment_block"),
        pytest.param("Text <!-- @key2015word --> text.", id="html_comment_inline"),
        pytest.param('<span title="@key2015word">x</span>', id="html_attribute"),
        pytest.param('<div>\n<p title="x">@key2015word</p>\n</div>', id="html_block"),
        pytest.param("Price @ 5 pounds.", id="lone_at_sign"),
        pytest.param("[email me](mailto:jane@example.org)", id="mailto_link"),
    ],
)
def test_not_a_citation(text: str) -> None:
    assert collect_citations(text) == []


def test_lines_are_counted_from_one_and_code_is_skipped() -> None:
    text = (
        "Line one [@a2020x].\n```\n[@b2021y] @c2022z\n```\n\n    @c2022z\n\n"
        "Line eight @c2022z.\n\n> [see\n> @d2023w]\n"
    )
    assert [(placed.line, placed.work.key) for placed in collect_citations(text)] == [
        (1, "a2020x"),
        (8, "c2022z"),
        (11, "d2023w"),
    ]


def test_a_key_in_code_before_the_citation_does_not_take_its_line() -> None:
    text = "`[@a2020x]`\n\nText [@a2020x] here.\n"
    assert [placed.line for placed in collect_citations(text)] == [3]


def test_link_text_read_first_keeps_each_line() -> None:
    text = "First [@b2021y] and\n[see @a2020x](https://example.org).\n"
    assert sorted((placed.line, placed.work.key) for placed in collect_citations(text)) == [
        (1, "b2021y"),
        (2, "a2020x"),
    ]


# Each braced key below was run through Pandoc 3 (``pandoc -f markdown -t json``): it cites
# the key shown. ``[@{}]`` cites an empty key there; no BibTeX entry can have one, so the
# site reads no citation (a deliberate difference).
@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("A [@{.hidden}] B", ".hidden"),
        ("A [@{?q}] B", "?q"),
        ("A [@{@at}] B", "@at"),
        ("A [@{a/b}] B", "a/b"),
        ("A [@{a{b}c}] B", "a{b}c"),
        ("A @{x:y}. B", "x:y"),
        ("A [@{a;b}] B", "a;b"),
        ("A [@{a]b}] B", "a]b"),
        ("A [@{a[b}] B", "a[b"),
        ("A [@{a}b}] B", "a"),
        ("A [@{é.ü}] B", "é.ü"),
        ("A [@{10.1000/xyz}, p. 3] B", "10.1000/xyz"),
        ("A @{a}[p. 3] B", "a"),
        ("A -@{a} B", "a"),
        ("A [@{a,b}] B", "a,b"),
        ("A [@{a*b}] B", "a*b"),
    ],
)
def test_braced_keys_as_pandoc_reads_them(text: str, key: str) -> None:
    assert [work.key for work in _works(text)] == [key]


@pytest.mark.parametrize("text", ["A [@{a b}] B", "A [@{a{b}] B", "A [@{}] B"])
def test_braced_forms_that_cite_nothing(text: str) -> None:
    assert _works(text) == []


@pytest.mark.parametrize(
    ("key", "form"),
    [
        ("doe2020", "@doe2020"),
        ("Doe:2020ab", "@Doe:2020ab"),
        ("doe2020.", "@{doe2020.}"),
        (".hidden", "@{.hidden}"),
        ("10.1037/pst0000172", "@10.1037/pst0000172"),
        ("a b", None),
        ("a{b", None),
    ],
)
def test_every_key_a_page_can_cite_has_its_form(key: str, form: str | None) -> None:
    assert citation_form(key) == form
    if form is not None:
        assert [work.key for work in _works(f"[{form}]")] == [key]
