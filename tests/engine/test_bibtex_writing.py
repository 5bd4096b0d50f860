"""The BibTeX exports mean what the site shows: BibTeX-compatible readers get the same fields.

The whole-library file and every per-entry download are parsed with pybtex (a BibTeX
work-alike) and with bibtexparser, and every field they read is compared, decoded, with the
field the site shows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pybtex.database
import pytest
from bibtexparser.entrypoint import parse_string as bibtexparser_parse
from citation_engine.bibtex_loading import NAME_FIELDS, VERBATIM_FIELDS, load_bibliography
from citation_engine.bibtex_syntax import MONTH_MACROS
from citation_engine.latex_text import latex_to_text
from citation_engine.reference_exports import to_bibtex, write_downloads

from tests.conftest import FIXTURE_BIB, FIXTURES, ROOT

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    from citation_engine.references import Reference

SOURCES = {
    "site": ROOT / "bib" / "references.bib",
    "entry_types": FIXTURE_BIB,
    "all_entry_types": FIXTURES / "bib" / "all_entry_types.bib",
    **{path.stem: path for path in sorted((FIXTURES / "bib" / "managers").glob("*.bib"))},
}

Name = tuple[str, str, str]


def _decoded(name: str, value: str) -> str:
    return " ".join(value.split()) if name in VERBATIM_FIELDS else latex_to_text(value)


def _site_fields(reference: Reference) -> dict[str, str]:
    return {name: value for name, value in reference.fields.items() if name not in NAME_FIELDS}


def _site_names(reference: Reference, role: str) -> list[Name]:
    people = reference.authors if role == "author" else reference.editors
    return [(p.family or p.literal, p.given, p.suffix) for p in people]


def _pybtex_view(text: str) -> dict[str, tuple[dict[str, str], dict[str, list[Name]]]]:
    view = {}
    for key, entry in pybtex.database.parse_string(text, bib_format="bibtex").entries.items():
        fields = {
            name.lower(): _decoded(name.lower(), value) for name, value in entry.fields.items()
        }
        names = {
            role: [
                (
                    latex_to_text(" ".join([*p.prelast_names, *p.last_names])),
                    latex_to_text(" ".join([*p.first_names, *p.middle_names])),
                    latex_to_text(" ".join(p.lineage_names)),
                )
                for p in entry.persons.get(role, [])
            ]
            for role in NAME_FIELDS
        }
        view[key] = (fields, names)
    return view


def _assert_pybtex_reads_what_the_site_shows(text: str, references: dict[str, Reference]) -> None:
    view = _pybtex_view(text)
    assert list(view) == list(references)
    for key, (fields, names) in view.items():
        reference = references[key]
        assert fields == _site_fields(reference), key
        for role in NAME_FIELDS:
            assert names[role] == _site_names(reference, role), (key, role)


def _assert_bibtexparser_reads_what_the_site_shows(
    text: str, references: dict[str, Reference]
) -> None:
    library = bibtexparser_parse(text)
    assert library.failed_blocks == []
    assert [entry.key for entry in library.entries] == list(references)
    for entry in library.entries:
        reference = references[entry.key]
        fields = {f.key.lower(): str(f.value) for f in entry.fields}
        # The export writes a month as its macro ("mar"), which every BibTeX style defines;
        # bibtexparser leaves macros it was not given unexpanded.
        if fields.get("month") in MONTH_MACROS:
            fields["month"] = MONTH_MACROS[fields["month"]]
        decoded = {n: _decoded(n, v) for n, v in fields.items() if n not in NAME_FIELDS}
        assert decoded == _site_fields(reference), entry.key
        for role in NAME_FIELDS:
            if role in reference.bibtex_fields:
                assert " ".join(fields[role].split()) == " ".join(
                    reference.bibtex_fields[role].split()
                )


@pytest.mark.parametrize("source", sorted(SOURCES))
def test_whole_library_export_reads_the_same_in_pybtex_and_bibtexparser(source: str) -> None:
    loaded = load_bibliography(SOURCES[source])
    assert loaded.problems == ()
    ordered = {key: loaded.references[key] for key in sorted(loaded.references)}
    text = to_bibtex(ordered.values())
    _assert_pybtex_reads_what_the_site_shows(text, ordered)
    _assert_bibtexparser_reads_what_the_site_shows(text, ordered)


@pytest.mark.parametrize("source", ["all_entry_types", "zotero", "site"])
def test_every_per_entry_download_reads_the_same(source: str, tmp_path: Path) -> None:
    references = load_bibliography(SOURCES[source]).references
    write_downloads(references, tmp_path)
    for key, reference in references.items():
        text = (tmp_path / "entries" / f"{key}.bib").read_text(encoding="utf-8")
        assert text == reference.raw_bibtex + "\n"
        _assert_pybtex_reads_what_the_site_shows(text, {key: reference})
        _assert_bibtexparser_reads_what_the_site_shows(text, {key: reference})


def test_string_macros_months_and_concatenation_are_expanded(
    write_bib: Callable[[str], Path],
) -> None:
    """Expanded, not kept with their definitions: each entry must stand alone when copied.

    A month is the one macro kept: every BibTeX style defines it, and biber and Pandoc read
    ``{January}`` as text, not as a month.
    """
    text = (
        '@string{jt = "Journal of"}\n'
        "@article{doe2020alliance,\n  author = {Doe, Jane},\n  title = {A title},\n"
        '  journal = jt # " Testing",\n  year = 2020,\n  month = jan,\n}\n'
    )
    reference = load_bibliography(write_bib(text)).references["doe2020alliance"]
    assert reference.raw_bibtex == (
        "@article{doe2020alliance,\n"
        "  author  = {Doe, Jane},\n"
        "  title   = {A title},\n"
        "  journal = {Journal of Testing},\n"
        "  year    = {2020},\n"
        "  month   = jan,\n"
        "}"
    )


def test_literal_specials_are_escaped_so_latex_prints_what_the_page_shows(
    write_bib: Callable[[str], Path],
) -> None:
    text = (
        "@article{doe2020alliance,\n  author = {Doe, Jane},\n"
        "  title = {Reduced by 50% in six weeks: A & B, issue #3, snake_case},\n"
        "  journal = {J},\n  year = {2020},\n  url = {https://x.org/a%20b#c_d},\n}\n"
    )
    reference = load_bibliography(write_bib(text)).references["doe2020alliance"]
    assert reference.get("title") == "Reduced by 50% in six weeks: A & B, issue #3, snake_case"
    assert (
        "  title   = {Reduced by 50\\% in six weeks: A \\& B, issue \\#3, snake\\_case},"
        in reference.raw_bibtex
    )
    assert "  url     = {https://x.org/a%20b#c_d}," in reference.raw_bibtex


def test_crossref_is_written_out_so_a_single_download_stands_alone() -> None:
    reference = load_bibliography(SOURCES["all_entry_types"]).references["park2016inproceedings"]
    assert "crossref" not in reference.raw_bibtex
    assert "  booktitle = {Proceedings of the Alliance Meeting}," in reference.raw_bibtex
