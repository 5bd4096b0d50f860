"""biblatex's ``date`` and ``journaltitle`` are read, and printed as Pandoc's citeproc prints them.

The oracle is Pandoc reading the same file with the same APA style (tests/peer_rendering.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from citation_engine.biblatex_fields import parse_date
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_checks import check_references
from citation_engine.reference_exports import to_bibtex, to_ris
from citation_engine.reference_styles import style_references

from tests import peer_rendering as peers
from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

DATES_BIB = FIXTURES / "biblatex_dates.bib"


def test_an_entry_with_a_date_and_a_journaltitle_is_complete() -> None:
    loaded = load_bibliography(DATES_BIB)
    assert loaded.problems == ()
    assert check_references(loaded.references) == []
    doe = loaded.references["doe2019date"]
    assert (doe.get("year"), doe.get("journal")) == ("2019", "Journal of Tests")
    assert doe.field_lines["year"] == doe.field_lines["date"] == 6


@pytest.mark.oracle
def test_the_site_prints_what_pandocs_citeproc_prints() -> None:
    references = load_bibliography(DATES_BIB).references
    keys = sorted(references)
    pandoc = peers.run_pandoc(
        f"[{'; '.join('@' + key for key in keys)}]\n", DATES_BIB, "markdown", "plain"
    )
    citation, *entries = (peers.normalise(block) for block in pandoc.split("\n\n") if block)
    styled = style_references(references, "apa")
    ours = [peers.normalise("".join(run.text for run in entry.runs)) for entry in styled.entries]
    assert ours == entries
    labels = "; ".join(f"{entry.author_label}, {entry.year_label}" for entry in styled.entries)
    assert f"({labels})" == citation
    assert "Roe, 2018–2019" in citation  # a range of years in the label, not its first year


def test_exports_carry_the_bibtex_names_for_bibtex_styles() -> None:
    doe = load_bibliography(DATES_BIB).references["doe2019date"]
    bibtex = " ".join(to_bibtex([doe]).split())
    assert "year = {2019}" in bibtex
    assert "journal = {Journal of Tests}" in bibtex
    assert "date = {2019-03-01}" in bibtex
    assert "PY  - 2019" in to_ris([doe])


@pytest.mark.parametrize(
    ("date", "parts"),
    [
        ("2019", ((2019,),)),
        ("2019-03", ((2019, 3),)),
        ("2019-03-01", ((2019, 3, 1),)),
        ("2018/2019", ((2018,), (2019,))),
        ("2020-03-04T10:20:30Z", ((2020, 3, 4),)),
        ("2020-03-04T10:20+01:00", ((2020, 3, 4),)),
        ("-3000", ((-3001,),)),
        ("-0001-03", ((-2, 3),)),
        ("2012-22", ((2012, 22),)),
        ("2012-22/2012-23", ((2012, 22), (2012, 23))),
        ("2012-23/2012-22", None),
        ("2015/", ((2015,), (0,))),
        ("2015-03/", ((2015, 3), (0,))),
        ("/2015", None),
        ("2012-25", None),
        ("2012-22-01", None),
        ("2020-03T10:20", None),
        ("2019-13", None),
        ("2019-02-30x", None),
        ("March 2019", None),
        ("2018/2019/2020", None),
        ("", None),
    ],
)
def test_dates_are_read_as_biblatex_reads_them(date: str, parts: object) -> None:
    assert parse_date(date) == parts


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ("date = {March 2019},", "date 'March 2019' is not a date biblatex reads"),
        ("date = {2020-05}, year = {2021},", "year '2021' and date '2020-05' disagree"),
    ],
)
def test_a_bad_or_contradicted_date_is_reported_at_its_line(
    tmp_path: Path, fields: str, message: str
) -> None:
    bib = tmp_path / "bad.bib"
    bib.write_text(
        "@article{doe2019bad,\n  author = {Doe, Jane},\n  title = {T},\n"
        f"  journal = {{J}},\n  {fields}\n}}\n",
        encoding="utf-8",
    )
    (problem,) = load_bibliography(bib, "bad.bib").problems
    assert str(problem).startswith(f"bad.bib:5: entry 'doe2019bad': {message}")
