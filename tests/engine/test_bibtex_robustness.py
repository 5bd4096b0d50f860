"""Real-world BibTeX reads as Pandoc reads it; hostile BibTeX is refused in linear time.

The first half: what reference managers and researchers write (a stray brace, a ``%`` line
holding ``@``, biblatex types, keys Pandoc cites) loads, with a warning where the record is
odd. The second half: files built to exhaust memory, the stack or time are refused with a
message at their line, and a property test bounds the reader's time by the input's size.
"""

from __future__ import annotations

import time

import pytest
from citation_engine.bibtex_loading import load_bytes
from citation_engine.bibtex_syntax import MAX_VALUE_LENGTH, parse_bibtex
from citation_engine.download_names import download_stem
from citation_engine.errors import Problem, SourceLocation
from citation_engine.reference_checks import check_references
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

ENTRY = "@article{KEY,\n  author = {Doe, Jane},\n  title = {T},\n  journal = {J},\n  year = {2020},\n}\n"


def _all(text: str) -> tuple[list[str], list[str]]:
    """The entries' keys and every problem (loader and checks) as printed."""
    loaded = load_bytes(text.encode("utf-8"), "x.bib")
    problems = [*loaded.problems, *check_references(loaded.references)]
    return list(loaded.references), [str(problem) for problem in problems]


# -- what real files hold: read past, warned about, rendered -------------------------------


def test_a_percent_line_holding_an_at_sign_before_the_first_entry_is_a_comment() -> None:
    text = "% Exported by @zotero for user@example.org\n" + ENTRY.replace("KEY", "doe2020a")
    assert _all(text) == (["doe2020a"], [])


def test_a_commented_out_field_inside_an_entry_is_skipped_as_pandoc_skips_it() -> None:
    text = ENTRY.replace("KEY", "doe2020a").replace("  year", "  % note = {draft},\n  year")
    loaded = load_bytes(text.encode(), "x.bib")
    assert loaded.problems == ()
    assert loaded.references["doe2020a"].get("note") == ""
    assert loaded.references["doe2020a"].get("year") == "2020"


def test_a_stray_brace_between_entries_is_skipped_with_a_warning() -> None:
    text = ENTRY.replace("KEY", "doe2020a") + "}\n" + ENTRY.replace("KEY", "roe2020b")
    assert _all(text) == (
        ["doe2020a", "roe2020b"],
        [
            "x.bib:7: warning: text outside any entry is skipped: '}' (a brace closed the "
            "entry before its end? BibTeX counts every brace, \\{ and \\} too)"
        ],
    )


@pytest.mark.parametrize("kind", ["collection", "mvbook", "patent", "periodical", "set"])
def test_a_biblatex_type_renders_with_a_warning(kind: str) -> None:
    keys, problems = _all(ENTRY.replace("article", kind).replace("KEY", "doe2020a"))
    assert keys == ["doe2020a"]
    assert all(": warning: " in problem for problem in problems), problems


@pytest.mark.parametrize(
    ("fields", "warning"),
    [
        pytest.param(
            "institution = {Inst},",
            "x.bib:1: warning: entry 'doe2020a' (misc) lacks the field publisher or url or "
            "howpublished: an incomplete record",
            id="misc_preprint_with_institution",
        ),
        pytest.param(
            "year = {300 {BC}}, url = {https://a.org},",
            "x.bib:4: warning: year '300 BC' is not a four-digit year, 'in press' or 'n.d.'",
            id="year_before_the_common_era",
        ),
        pytest.param(
            "month = foo, url = {https://a.org},",
            "x.bib:4: warning: entry 'doe2020a': field 'month' uses 'foo', which no @string "
            "defines; it is read as the text itself, as Pandoc reads it",
            id="undefined_month_macro",
        ),
        pytest.param(
            "doi = {10/abcd}, url = {https://a.org},",
            "x.bib:4: warning: DOI '10/abcd' is not of the form 10.NNNN/suffix",
            id="short_doi",
        ),
        pytest.param(
            "doi = {https://doi.org/10.1000/x}, url = {https://a.org},",
            "x.bib:4: warning: DOI 'https://doi.org/10.1000/x' must be written bare, "
            "as '10.1000/x'",
            id="doi_as_a_url",
        ),
        pytest.param(
            "url = {https://a.org https://b.org},",
            "x.bib:4: warning: URL 'https://a.org https://b.org' is not an http(s) address",
            id="two_urls",
        ),
    ],
)
def test_an_odd_field_is_a_warning_and_the_entry_renders(fields: str, warning: str) -> None:
    text = "@misc{doe2020a,\n  author = {Doe, J.},\n  title = {T},\n  " + fields + "\n}\n"
    if "year" not in fields:
        text = text.replace("title = {T},", "title = {T}, year = {2020},")
    assert _all(text) == (["doe2020a"], [warning])


def test_an_iso_date_time_reads_as_its_day_with_a_warning() -> None:
    text = "@online{doe2020a,\n  author = {Doe, J.},\n  title = {T},\n"
    text += "  date = {2020-03-04T10:20:30Z},\n  url = {https://a.org},\n}\n"
    loaded = load_bytes(text.encode(), "x.bib")
    assert loaded.problems == ()
    assert loaded.references["doe2020a"].get("year") == "2020"
    assert [str(problem) for problem in check_references(loaded.references)] == [
        "x.bib:4: warning: date '2020-03-04T10:20:30Z' holds a time of day; the reference "
        "list prints the day"
    ]


@pytest.mark.parametrize(
    ("author", "stored", "printed"),
    [
        ("World Health Organization,", "{World Health Organization}", "World Health Organization"),
        ("{The R Team},", "{The R Team}", "The R Team"),
        ("Doe, J. and Socialstyrelsen,", "Doe, J. and {Socialstyrelsen}", "Doe"),
    ],
)
def test_a_corporate_author_ending_in_a_comma_is_one_name_with_a_warning(
    author: str, stored: str, printed: str
) -> None:
    text = ENTRY.replace("KEY", "who2020a").replace("Doe, Jane", author)
    loaded = load_bytes(text.encode(), "x.bib")
    shown = author.split(" and ")[-1]
    assert [str(problem) for problem in loaded.problems] == [
        f"x.bib:2: warning: entry 'who2020a': author '{shown}' ends in a comma; it is read "
        "as one whole name, as Pandoc prints it: write it in braces instead"
    ]
    reference = loaded.references["who2020a"]
    assert reference.bibtex_fields["author"] == stored
    first = reference.authors[0]
    assert (first.literal or first.family) == printed


@pytest.mark.parametrize("key", [".lead", "?query", "@at", "a/b", "Doe:2020ab", "Müller2020"])
def test_any_key_pandoc_cites_loads_and_names_a_safe_download_file(key: str) -> None:
    assert _all(ENTRY.replace("KEY", key)) == ([key], [])
    name = download_stem(key)
    assert not set(name) & set('/\\:*?"<>|#%@')
    assert not name.startswith(".")
    assert name.isascii()
    assert download_stem(key) == name


@pytest.mark.parametrize(
    "key",
    ["aux", "CON.x", "com1", "..", "../up", "a\\b", "-rf", "trailing.", "a" * 150, "x\u3164y"],
)
def test_download_names_are_safe_for_every_file_system(key: str) -> None:
    name = download_stem(key)
    assert name.split(".")[0].lower() not in {"aux", "con", "com1", "prn", "nul", "lpt1"}
    assert ".." not in name
    assert not name.startswith(("-", "."))
    assert not name.endswith(".")
    assert len(name) <= 100
    assert all(char.isalnum() or char in "_-.~" for char in name), name


def test_download_names_of_distinct_keys_differ_even_ignoring_case() -> None:
    keys = ["Doe:2020", "Doe_2020", "Doe/2020", "doe:2020x", "Doe_2020~x", "a b", ".Doe_2020"]
    names = [download_stem(key).lower() for key in keys]
    assert len(set(names)) == len(keys)


def test_a_look_alike_key_and_an_invisible_character_are_warned_about() -> None:
    text = ENTRY.replace("KEY", "baer2003mindfulness") + "\n"
    text += ENTRY.replace("KEY", "b\u0430er2003mindfulness") + "\n"
    text += ENTRY.replace("KEY", "a2020\u3164x").replace("{T}", "{U}")
    keys, problems = _all(text)
    assert len(keys) == 3
    assert problems == [
        "x.bib:8: warning: key 'b\u0430er2003mindfulness' mixes letters of the scripts "
        "CYRILLIC, LATIN; it may read as another key",
        "x.bib:8: warning: key 'b\u0430er2003mindfulness' looks like 'baer2003mindfulness' "
        "(line 1); a citation may point at the wrong one",
        "x.bib:15: warning: key 'a2020\\u3164x' holds the invisible character U+3164; "
        "a citation typed by hand will not match it",
    ]


def test_a_control_character_in_a_key_is_never_printed_raw() -> None:
    _, problems = _all(ENTRY.replace("KEY", "a\x1b]0;PWNED\x07x2020"))
    assert problems == [
        "x.bib:1: entry 'a\\u001b]0;PWNED\\u0007x2020': the key contains the control "
        "character U+001B (a control code)"
    ]
    assert str(Problem(SourceLocation("x.bib", 1), "\x00\u202e")) == "x.bib:1: \\u0000\\u202e"


def test_a_decoder_failure_is_a_message_with_file_and_line() -> None:
    text = ENTRY.replace("KEY", "doe2020a").replace("{T}", "{See \\href{https://x.org}{it}}")
    loaded = load_bytes(text.encode(), "x.bib")
    for problem in loaded.problems:
        assert problem.location == SourceLocation("x.bib", 3)
        assert problem.message.startswith("entry 'doe2020a': field 'title': ")


# -- hostile files: refused with a message, in linear time ---------------------------------


def _timed(text: str, bound: float) -> list[str]:
    started = time.perf_counter()
    loaded = load_bytes(text.encode("utf-8"), "x.bib")
    elapsed = time.perf_counter() - started
    assert elapsed < bound, f"{elapsed:.2f} s"
    return [str(problem) for problem in loaded.problems]


def test_doubling_string_definitions_stop_at_the_value_cap() -> None:
    levels = 31  # over 10 GB once expanded
    text = '@string{a0 = "xxxxxxxxxx"}\n'
    text += "".join(f"@string{{a{i} = a{i - 1} # a{i - 1}}}\n" for i in range(1, levels))
    text += ENTRY.replace("KEY", "bomb2020x").replace("{T}", f"a{levels - 1}")
    problems = _timed(text, 2.0)
    assert problems[0] == (
        f"x.bib:15: @string 'a14' is longer than {MAX_VALUE_LENGTH:,} characters once its "
        "macros are expanded (BibTeX's own buffers hold tens of thousands); shorten it"
    )


def test_a_very_long_field_is_refused_at_its_line() -> None:
    text = ENTRY.replace("KEY", "doe2020a").replace("{T}", "{" + "word " * 1_000_000 + "}")
    assert _timed(text, 5.0) == [
        f"x.bib:3: entry 'doe2020a': field 'title' is longer than {MAX_VALUE_LENGTH:,} "
        "characters once its macros are expanded (BibTeX's own buffers hold tens of "
        "thousands); shorten it"
    ]


def test_a_quoted_value_of_many_at_signs_is_read_in_linear_time() -> None:
    text = ENTRY.replace("KEY", "doe2020a").replace("{T}", '"' + "@" * 1_600_000 + '"')
    assert len(_timed(text, 5.0)) == 1


@pytest.mark.parametrize("depth", [99, 400])
def test_deep_braces_with_latex_never_reach_the_stack_limit(depth: int) -> None:
    value = "{\\'e" + "{" * depth + "x" + "}" * depth + "}"
    problems = _timed(ENTRY.replace("KEY", "deep2020x").replace("{T}", value), 5.0)
    expected = (
        []
        if depth < 100
        else [
            "x.bib:3: entry 'deep2020x': field 'title': braces are nested more than 100 "
            "levels deep (the value starts at line 3)"
        ]
    )
    assert problems == expected


def test_crossref_finds_its_parent_in_constant_time() -> None:
    children = "".join(f"@misc{{c{i},\n  crossref = {{parent2020x}},\n}}\n" for i in range(10_000))
    parent = "@proceedings{parent2020x,\n  title = {P},\n  year = {2020},\n}\n"
    assert _timed(children + parent, 12.0) == []


def test_a_file_of_broken_entries_stops_after_a_hundred_errors() -> None:
    parsed = parse_bibtex("\n@" * 500_000, "x.bib")
    assert len(parsed.problems) == 101
    assert str(parsed.problems[-1]) == (
        "x.bib:102: 100 syntax errors: the rest of the file is not read"
    )


# Pieces of BibTeX that drive every branch of the reader: entries, @string, macros and
# "#", braces and quotes (balanced or not), "@" inside values and at line starts, comments.
_PIECES = st.sampled_from(
    [
        "{", "}", '"', "@", "#", "=", ",", "(", ")", "%", "\n", " ", "\\", "x", "jan",
        "@string{m = ", "@article{k,", "@comment{", "@preamble{", "title = ", "m # m",
        "{\\'e}", "\n@", "\n%@", "@@", "\"{@}\"",
    ]
)  # fmt: skip
# The bound the reader keeps on two shared cores: 50 ms, plus 10 microseconds per character
# (a quadratic step would take minutes on a megabyte).
_FIXED_SECONDS = 0.05
_SECONDS_PER_CHARACTER = 10e-6


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(_PIECES, min_size=1, max_size=40),
    size=st.sampled_from([1_000, 50_000, 1_000_000]),
)
def test_the_reader_is_linear_in_the_size_of_any_input(pieces: list[str], size: int) -> None:
    motif = "".join(pieces)
    text = (motif * (size // len(motif) + 1))[:size]
    started = time.perf_counter()
    parsed = parse_bibtex(text, "x.bib")
    elapsed = time.perf_counter() - started
    assert elapsed < _FIXED_SECONDS + _SECONDS_PER_CHARACTER * size, f"{elapsed:.2f} s"
    assert all(len(problem.message) < 1_000 for problem in parsed.problems)


def test_an_entry_a_copy_style_prints_nothing_for_keeps_every_text_with_its_entry() -> None:
    from citation_engine.csl_json import to_csl_json
    from citation_engine.reference_styles import format_entries, load_style

    text = "@set{set,\n  entryset = {a},\n}\n" + ENTRY.replace("KEY", "a")
    loaded = load_bytes(text.encode(), "x.bib")
    items = [to_csl_json(reference) for reference in loaded.references.values()]
    formatted = format_entries(items, loaded.references, load_style("apa"), workers=1)
    assert "".join(run.text for run in formatted["set"].runs) == "(n.d.)."
    copies = dict(formatted["a"].copies)
    assert "".join(run.text for run in copies["vancouver"]) == "Doe J. T. J. 2020."
    assert dict(formatted["set"].copies)["vancouver"] == ()
