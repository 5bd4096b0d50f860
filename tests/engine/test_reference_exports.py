"""Downloads re-import: exported BibTeX, RIS and CSL-JSON give back the records we hold."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import pytest
import rispy
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_exports import to_csl_json_text, to_ris_record, write_downloads

from tests.conftest import FIXTURE_BIB

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from citation_engine.references import Reference


@pytest.fixture(scope="module")
def references() -> dict[str, Reference]:
    loaded = load_bibliography(FIXTURE_BIB, "entry_types.bib")
    assert loaded.problems == ()
    return loaded.references


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory, references: dict[str, Reference]) -> Path:
    out = tmp_path_factory.mktemp("downloads")
    write_downloads(references, out)
    return out


def test_whole_library_and_per_entry_files_are_written(
    downloads: Path, references: dict[str, Reference]
) -> None:
    names = {
        path.relative_to(downloads).as_posix() for path in downloads.rglob("*") if path.is_file()
    }
    expected = {"references.bib", "references.ris", "references.json"}
    expected |= {f"entries/{key}.{suffix}" for key in references for suffix in ("bib", "ris")}
    assert names == expected


def test_bibtex_round_trip(downloads: Path, references: dict[str, Reference]) -> None:
    again = load_bibliography(downloads / "references.bib", "references.bib")
    assert again.problems == ()
    assert {key: ref.fields for key, ref in again.references.items()} == {
        key: ref.fields for key, ref in references.items()
    }
    single = load_bibliography(downloads / "entries" / "doe2020alliance.bib", "x.bib")
    assert list(single.references) == ["doe2020alliance"]


def test_ris_round_trip(downloads: Path, references: dict[str, Reference]) -> None:
    records = rispy.loads((downloads / "references.ris").read_text(encoding="utf-8"))
    by_id = {record["id"]: record for record in records}
    assert set(by_id) == set(references)
    article = by_id["doe2020alliance"]
    assert article["type_of_reference"] == "JOUR"
    assert article["title"] == "A test of the alliance: Tasks, goals and bond"
    assert article["authors"] == ["Doe, Jane", "Roe, Richard", "Buttenmüller, Vera"]
    assert (article["year"], article["volume"], article["number"]) == ("2020", "12", "3")
    assert (article["start_page"], article["end_page"]) == ("100", "110")
    assert article["doi"] == "10.1234/jt.2020.12"
    assert article["secondary_title"] == "Journal of Testing"
    assert by_id["jones2018chapter"]["type_of_reference"] == "CHAP"
    assert by_id["jones2018chapter"]["secondary_authors"] == ["Smith, Anna", "Jones, Bo"]
    assert by_id["who2021report"]["authors"] == ["World Health Organization"]


def test_csl_json_round_trip(references: dict[str, Reference]) -> None:
    items = {item["id"]: item for item in json.loads(to_csl_json_text(references.values()))}
    article = items["doe2020alliance"]
    assert article["type"] == "article-journal"
    assert article["author"][2] == {"family": "Buttenmüller", "given": "Vera"}
    assert article["issued"] == {"date-parts": [[2020]]}
    assert article["page"] == "100–110"
    assert article["DOI"] == "10.1234/jt.2020.12"
    assert items["park2024inpress"]["issued"] == {"literal": "in press"}
    assert items["who2021report"]["author"] == [{"literal": "World Health Organization"}]


def test_stale_per_entry_files_are_removed(
    tmp_path: Path, references: dict[str, Reference]
) -> None:
    (tmp_path / "entries").mkdir()
    stale = tmp_path / "entries" / "gone2000old.bib"
    stale.write_text("old", encoding="utf-8")
    write_downloads(references, tmp_path)
    assert not stale.exists()


def test_ris_names_keep_their_suffix(write_bib: Callable[[str], Path]) -> None:
    bib = write_bib(
        "@article{joiner2006suffix,\n author = {Joiner, Jr., Thomas E. and {Test Society}},\n"
        " title = {T},\n journal = {J},\n year = {2006},\n}\n"
    )
    reference = load_bibliography(bib).references["joiner2006suffix"]
    assert to_ris_record(reference)["authors"] == ["Joiner, Thomas E., Jr.", "Test Society"]


def test_ris_records_start_with_ty_and_carry_type_specific_fields(
    downloads: Path, references: dict[str, Reference]
) -> None:
    text = (downloads / "references.ris").read_text(encoding="utf-8")
    assert text.startswith("TY  - ")
    assert "\n1." not in text
    edited = to_ris_record(references["smith2018edited"])
    assert edited["editors"] == ["Smith, Anna", "Jones, Bo"]
    assert "secondary_authors" not in edited
    software = to_ris_record(references["acme2010software"])
    assert (software["type_of_reference"], software["edition"]) == ("COMP", "18")
    assert to_ris_record(references["lee2015thesis"])["type_of_work"] == "Doctoral dissertation"


def test_csl_json_carries_number_series_and_publisher(write_bib: Callable[[str], Path]) -> None:
    bib = write_bib(
        "@techreport{who2013report,\n author = {{World Health Organization}},\n"
        " title = {R},\n institution = {I},\n number = {TR-42},\n type = {Technical report},\n"
        " address = {Geneva},\n year = {2013},\n}\n\n"
        "@book{smith2015book,\n author = {Smith, Alan},\n title = {B},\n publisher = {P},\n"
        " series = {Test Series},\n number = {7},\n year = {2015},\n}\n\n"
        "@misc{nres2007misc,\n author = {{Test Service}},\n title = {M},\n"
        " howpublished = {Decision algorithm},\n year = {n.d.},\n}\n"
    )
    loaded = load_bibliography(bib).references
    items = {item["id"]: item for item in json.loads(to_csl_json_text(loaded.values()))}
    report = items["who2013report"]
    assert (report["number"], report["genre"], report["publisher-place"]) == (
        "TR-42",
        "Technical report",
        "Geneva",
    )
    assert "issue" not in report  # it printed "(Issue TR-42)"
    book = items["smith2015book"]
    # The series is a title: in sentence case, as Pandoc's BibTeX reader writes it.
    assert (book["collection-title"], book["collection-number"]) == ("Test series", "7")
    # Pandoc reads howpublished as a publisher, not as a bracketed medium ("[Https://...]").
    assert items["nres2007misc"]["publisher"] == "Decision algorithm"
    assert "medium" not in items["nres2007misc"]
