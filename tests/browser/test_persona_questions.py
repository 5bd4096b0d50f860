"""Each persona's question, typed into the site's search, ranks the page that answers it first.

The questions live in ``search_questions.csv`` beside this module, one a row, in the words a
clinician between clients, a supervisor, a trainee, a researcher or an IT administrator would
type, with the page that should answer each. They are data so that an editor adds a question
without touching code, and so that the first result of each can be recorded before and after
a change of content.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pytest

from tests.browser.conftest import search

if TYPE_CHECKING:
    from playwright.sync_api import Page

QUESTIONS_FILE: Final = Path(__file__).with_name("search_questions.csv")
PERSONAS: Final = frozenset({"clinician", "supervisor", "trainee", "researcher", "it-admin"})


def _questions() -> list[tuple[str, str, str]]:
    with QUESTIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return [
            (row["persona"], row["question"], row["expected"]) for row in csv.DictReader(handle)
        ]


QUESTIONS: Final = _questions()
# Words clinicians type (issue 24): each finds a page, and no About page (the changelog, the
# editorial policy) ranks in its first three results.
CLINICAL_WORDS: Final = [
    "anger", "angry", "hostile", "hostility", "complaints", "criticism", "silence",
    "withdrawal", "metacommunication", "metacommunicate", "burnout", "self-care",
    "supervision", "trauma", "countertransference",
]  # fmt: skip


def result_pages(page: Page, question: str) -> list[str]:
    """The site-relative pages the search lists for ``question``, best first, each once."""
    _, links = search(page, question)
    pages = [link.split("#")[0].split("?")[0] for link in links]
    return list(dict.fromkeys(pages))


def first_result(page: Page, question: str) -> str:
    """The site-relative page of the first search result for ``question``, or ""."""
    pages = result_pages(page, question)
    return pages[0] if pages else ""


def test_there_are_at_least_30_questions_from_every_persona() -> None:
    assert len(QUESTIONS) >= 30
    assert {persona for persona, _, _ in QUESTIONS} == PERSONAS
    assert len({question for _, question, _ in QUESTIONS}) == len(QUESTIONS)


@pytest.mark.parametrize(
    ("persona", "question", "expected"), QUESTIONS, ids=[q for _, q, _ in QUESTIONS]
)
def test_the_first_result_is_the_page_that_answers_the_question(
    search_page: Page, persona: str, question: str, expected: str
) -> None:
    first = first_result(search_page, question)
    assert first == expected, f"{persona}: {question!r}: first result {first!r}, wanted {expected}"


@pytest.mark.parametrize("word", CLINICAL_WORDS)
def test_a_clinical_word_finds_clinical_pages_before_the_about_pages(
    search_page: Page, word: str
) -> None:
    pages = result_pages(search_page, word)
    assert pages, f"{word!r} found nothing"
    assert [p for p in pages[:3] if p.startswith("about/")] == [], f"{word!r}: {pages[:3]}"
