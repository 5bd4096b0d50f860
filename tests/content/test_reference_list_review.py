"""The review of the founding paper's printed reference list adds up.

The notes page gives one verdict per printed entry and one kind per finding; the counts it
states in prose, and each entry's verdict, must follow from its own tables, so a reader can
recompute them and an edit to one table cannot silently contradict the text.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Final

ROOT: Final = Path(__file__).resolve().parents[2]
NOTES: Final = ROOT / "docs" / "about" / "notes-on-the-sources.md"
RAZZAQUE: Final = ROOT / "docs" / "mindfulness" / "mindfulness-razzaque-study.md"
KINDS: Final = ("Error", "Minor error", "Omission", "Not confirmed", "Withdrawn")
VERDICTS: Final = (
    "Error",
    "Minor errors only",
    "Omissions only",
    "No difference found",
    "Could not be checked",
)


def _rows(text: str, heading: str) -> list[list[str]]:
    """The body rows of the first table after a heading, split into stripped cells."""
    section = text[text.index(heading) :]
    rows = []
    for line in section.splitlines():
        if line.startswith("| ") and not line.startswith("| ---") and not line.startswith("| #"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split(" | ")])
        elif rows and not line.startswith("|"):
            break
    return rows


def _tables() -> tuple[list[list[str]], list[list[str]], str]:
    text = NOTES.read_text(encoding="utf-8")
    entries = _rows(text, "## What did the check find for each printed entry?")
    findings = _rows(text, "## What are the findings, one by one?")
    return entries, findings, text


def _numbers(cell: str) -> list[int]:
    match = re.fullmatch(r"(\d+)(?:–(\d+))?", cell)
    if not match:
        return []
    first = int(match.group(1))
    return list(range(first, int(match.group(2) or first) + 1))


def test_the_tables_have_thirty_entries_and_numbered_findings() -> None:
    entries, findings, _ = _tables()
    assert [int(row[0]) for row in entries] == list(range(1, 31))
    assert [int(row[0]) for row in findings] == list(range(1, len(findings) + 1))
    assert {row[3] for row in entries} <= set(VERDICTS)
    assert {row[4] for row in findings} <= set(KINDS)


def test_every_finding_belongs_to_exactly_one_entry() -> None:
    entries, findings, _ = _tables()
    claimed = [number for row in entries for number in _numbers(row[4])]
    assert sorted(claimed) == list(range(1, len(findings) + 1))


def test_each_verdict_follows_from_the_kinds_of_its_findings() -> None:
    entries, findings, _ = _tables()
    kind = {int(row[0]): row[4] for row in findings}
    for row in entries:
        kinds = {kind[number] for number in _numbers(row[4])}
        if row[3] == "Could not be checked":
            assert kinds <= {"Not confirmed"}, row[:2]
            continue
        if "Error" in kinds:
            expected = "Error"
        elif "Minor error" in kinds:
            expected = "Minor errors only"
        elif "Omission" in kinds:
            expected = "Omissions only"
        else:
            expected = "No difference found"
        assert row[3] == expected, row[:2]


def test_the_counts_in_the_text_match_the_tables() -> None:
    entries, findings, text = _tables()
    verdicts = Counter(row[3] for row in entries)
    kinds = Counter(row[4] for row in findings)
    assert (
        f"Counting the verdicts in this table: {verdicts['Error']} entries have an error, "
        f"{verdicts['Minor errors only']} have minor errors only, "
        f"{verdicts['Omissions only']} have omissions only, "
        f"{verdicts['No difference found']} "
        f"{'shows' if verdicts['No difference found'] == 1 else 'show'} no difference, "
        f"and {verdicts['Could not be checked']} could not be checked."
    ) in text
    assert (
        f"Counting the kinds in this table: {kinds['Error']} errors, "
        f"{kinds['Minor error']} minor errors, {kinds['Omission']} omissions, "
        f"{kinds['Not confirmed']} details not confirmed and {kinds['Withdrawn']} withdrawn "
        f"corrections, {len(findings)} findings in all."
    ) in text
    checked = 30 - verdicts["Could not be checked"]
    no_error = verdicts["Omissions only"] + verdicts["No difference found"]
    assert f"{verdicts['Could not be checked']} could not be checked" in text
    assert f"and {checked} could [" in text
    assert f"Of those {checked}, {verdicts['Error']} contain at least one error" in text
    assert f"and {verdicts['Minor errors only']} contain only small differences" in text
    assert f"The other {no_error} contain no error: {verdicts['Omissions only']} only" in text
    assert f"and in {verdicts['No difference found']} we found no difference" in text
    assert f"{kinds['Withdrawn']} of its corrections are withdrawn" in text


def test_the_study_page_summary_matches_the_notes_page() -> None:
    entries, _, _ = _tables()
    verdicts = Counter(row[3] for row in entries)
    summary = RAZZAQUE.read_text(encoding="utf-8")
    summary = summary[summary.index("## How accurate is the paper's reference list?") :]
    checked = 30 - verdicts["Could not be checked"]
    no_error = verdicts["Omissions only"] + verdicts["No difference found"]
    assert f"{checked} of the 30 printed references could be checked" in summary
    assert f"{verdicts['Error']} have at least one error" in summary
    assert f"{verdicts['Minor errors only']} differ only in spelling or punctuation" in summary
    assert f"{no_error} contain no error" in summary
