"""Pandoc citation syntax: every citation form, and the text that must not be a citation."""

from __future__ import annotations

import pytest
from citation_engine.citation_syntax import CitedWork, find_citations


def _found(text: str) -> list[tuple[bool, tuple[CitedWork, ...]]]:
    return [(found.citation.narrative, found.citation.works) for found in find_citations(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "[@doe2020alliance]", [(False, (CitedWork("doe2020alliance"),))], id="one_key"
        ),
        pytest.param(
            "[@a2020x; @b2021y]",
            [(False, (CitedWork("a2020x"), CitedWork("b2021y")))],
            id="two_keys",
        ),
        pytest.param(
            "[@key2015word, p. 172]",
            [(False, (CitedWork("key2015word", locator="p. 172"),))],
            id="page_locator",
        ),
        pytest.param(
            "[see @key2015word, pp. 170–174]",
            [(False, (CitedWork("key2015word", prefix="see", locator="pp. 170–174"),))],
            id="prefix_and_page_range",
        ),
        pytest.param(
            "[@key2015word, ch. 2]",
            [(False, (CitedWork("key2015word", locator="ch. 2"),))],
            id="chapter_locator",
        ),
        pytest.param(
            "[-@key2015word]",
            [(False, (CitedWork("key2015word", suppress_author=True),))],
            id="year_only",
        ),
        pytest.param(
            "As @key2015word found.",
            [(True, (CitedWork("key2015word"),))],
            id="narrative_before_full_stop",
        ),
        pytest.param(
            "[see @a2020x, p. 3; also @b2021y]",
            [(False, (CitedWork("a2020x", "see", "p. 3"), CitedWork("b2021y", "also")))],
            id="prefixes_on_several_keys",
        ),
        pytest.param(
            "@a2020x and [@b2021y]",
            [(False, (CitedWork("b2021y"),)), (True, (CitedWork("a2020x"),))],
            id="narrative_and_bracketed_on_one_line",
        ),
    ],
)
def test_citation_forms(text: str, expected: list[tuple[bool, tuple[CitedWork, ...]]]) -> None:
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Write to jane@example.org today.", id="email_address"),
        pytest.param("<jane@example.org>", id="autolinked_email"),
        pytest.param("See https://social.example/@someone for more.", id="at_sign_in_url"),
        pytest.param("[a link](https://example.org/@user)", id="at_sign_in_link_target"),
        pytest.param("Use `@key2015word` in code.", id="code_span"),
        pytest.param("Use ``a `@key2015word` b`` here.", id="double_backtick_code_span"),
        pytest.param(r"An escaped \@key2015word stays text.", id="escaped_at_sign"),
        pytest.param("```\n@key2015word [@other2020x]\n```", id="fenced_code"),
        pytest.param("~~~~ text\n@key2015word\n~~~~", id="tilde_fence"),
        pytest.param("Price @ 5 pounds.", id="lone_at_sign"),
        pytest.param("[email me](mailto:jane@example.org)", id="mailto_link"),
        pytest.param("[@key2015word](https://example.org)", id="bracket_followed_by_link_target"),
    ],
)
def test_not_a_citation(text: str) -> None:
    assert _found(text) == []


def test_lines_are_counted_from_one_and_code_fences_are_skipped() -> None:
    text = "Line one [@a2020x].\n```\n[@b2021y]\n```\n\nLine six @c2022z."
    assert [(found.line, found.citation.keys) for found in find_citations(text)] == [
        (1, ("a2020x",)),
        (6, ("c2022z",)),
    ]
