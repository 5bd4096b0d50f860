"""A page is read in time linear in its length, and no page can exhaust the stack.

Times are CPU seconds, the best of three runs, so a loaded machine does not fail them; a
guard stops any one run after 10 CPU seconds, so a reading that is not linear fails instead
of hanging the suite.
"""

from __future__ import annotations

import re
import signal
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import pytest
from citation_engine.citation_syntax import START_RE, citation_at, find_citations
from citation_engine.inline_citations import mask_code, strip_emphasis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import collect_citations

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from types import FrameType

LIMIT_SECONDS = 0.1


class _TooSlowError(Exception):
    pass


@contextmanager
def _guard(seconds: float) -> Iterator[None]:
    def stop(_signal: int, _frame: FrameType | None) -> None:
        raise _TooSlowError(f"still reading after {seconds} CPU seconds")

    previous = signal.signal(signal.SIGPROF, stop)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


def _cpu_seconds(function: Callable[..., Any], *args: Any) -> float:
    best = float("inf")
    for _ in range(3):
        with _guard(10):
            start = time.process_time()
            function(*args)
            best = min(best, time.process_time() - start)
    return best


def _every_candidate(text: str) -> None:
    """Ask at every ``[``, ``@`` and ``-@``, as Python-Markdown's inline processor does."""
    for match in START_RE.finditer(text):
        citation_at(text, match.start())


# -- the reproductions ---------------------------------------------------------------------


def test_a_line_of_unmatched_brackets_is_read_at_once() -> None:
    page = "A typo with brackets: " + "[" * 30 + " and nothing else.\n"
    assert _cpu_seconds(collect_citations, page) < 1
    assert collect_citations(page) == []


def test_unmatched_footnote_brackets_are_read_at_once() -> None:
    assert _cpu_seconds(_every_candidate, "[^" * 30) < LIMIT_SECONDS
    assert find_citations("[^" * 30) == []


def test_brackets_after_a_key_are_read_at_once() -> None:
    text = "@baer2003mindfulness" + " [" * 30
    assert _cpu_seconds(_every_candidate, text) < LIMIT_SECONDS
    assert [citation.keys for citation in find_citations(text)] == [("baer2003mindfulness",)]


def test_deep_nesting_needs_no_deep_recursion() -> None:
    nested = "[" * 500 + "@key" + "]" * 500
    (citation,) = find_citations(nested)
    assert (citation.start, citation.end, citation.keys) == (499, 505, ("key",))
    (after_key,) = find_citations("@baer2003mindfulness" + " [" * 500)
    assert (after_key.end, after_key.keys) == (20, ("baer2003mindfulness",))
    chained = find_citations("[@a; " * 4000)
    assert len(chained) == 4000
    assert chained[0].keys == ("a",)
    assert not chained[0].bracketed


def test_many_code_spans_in_one_citation_are_placed_at_once() -> None:
    spans = " ".join(f"`-{letter}`" for letter in "abcdefghijklmnop")
    page = f"Intro.\n\nRun it [@baer2003mindfulness, flags {spans}].\n"
    assert _cpu_seconds(collect_citations, page) < 1
    assert [(placed.work.key, placed.line) for placed in collect_citations(page)] == [
        ("baer2003mindfulness", 3)
    ]
    prefix = "Intro.\n\n[" + "`a` " * 16 + "@baer2003mindfulness]\n"
    assert [placed.line for placed in collect_citations(prefix)] == [3]


def test_runs_of_emphasis_openers_in_a_citation_are_linear() -> None:
    for opener in ("*a ", "_a "):
        text = "[" + opener * 6600 + "@key]"
        assert _cpu_seconds(_every_candidate, text) < LIMIT_SECONDS
        assert _cpu_seconds(strip_emphasis, text) < LIMIT_SECONDS
        assert [citation.keys for citation in find_citations(text)] == [("key",)]


def test_unclosed_comments_are_masked_in_linear_time() -> None:
    assert _cpu_seconds(mask_code, "<!-- " * 4000) < LIMIT_SECONDS


# -- properties ------------------------------------------------------------------------------

PIECES = (
    "[", "]", "[^", "@", "-@", "@key", "-@key", "@{key}", " ", "; ", ", ", "\n", "a", "p. 3",
    "`", "`code`", "``", "*", "_", "**", "*em*", "_em_", "&amp;", "(", "{",
    "[@a]", "[see @a, p. 3; -@b]", "@a [p. 4]", "[@a; @b]",
)  # fmt: skip


@st.composite
def pages(draw: st.DrawFn) -> str:
    """10 to 20 kB: a random run of pieces repeated, behind a random lead-in."""
    lead = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=30)))
    unit = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=1, max_size=12)))
    # Long pages are the ones a time limit is about; short ones are read faster still.
    size = draw(st.integers(min_value=10_000, max_value=20_000))
    return (lead + unit * (size // len(unit) + 1))[:size]


@pytest.mark.slow
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pages())
def test_any_page_is_read_in_linear_time(text: str) -> None:
    assert _cpu_seconds(_every_candidate, text) < LIMIT_SECONDS
    assert _cpu_seconds(strip_emphasis, text) < LIMIT_SECONDS
    assert _cpu_seconds(mask_code, text) < LIMIT_SECONDS


_EMPHASIS_RE = re.compile(r"(?<![\w*])(\*{1,3}|_{1,3})(?=\S)(.+?)(?<=\S)\1(?![\w*])")


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="*_a \n.é", max_size=40))
def test_strip_emphasis_is_the_regular_expression(text: str) -> None:
    assert strip_emphasis(text) == _EMPHASIS_RE.sub(r"\2", text)
