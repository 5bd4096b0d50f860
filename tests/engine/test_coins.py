"""COinS spans parse back, as Zotero's COinS translator parses them, into the bibliography."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.coins import COINS_CLASS, coins_span, context_object, kev_pairs
from citation_engine.csl_json import to_csl_json

if TYPE_CHECKING:
    from citation_engine.references import Person, Reference

ROOT = Path(__file__).resolve().parents[2]
BIB = ROOT / "bib" / "references.bib"


@functools.cache
def _references() -> dict[str, Reference]:
    loaded = load_bibliography(BIB)
    assert not loaded.problems
    return loaded.references


def parse_context_object(title: str) -> dict[str, list[str]]:
    """Split the way Zotero.Utilities.parseContextObject does: on "&", then decode each value."""
    fields: dict[str, list[str]] = {}
    for part in title.split("&"):
        key, _, value = part.partition("=")
        fields.setdefault(key, []).append(unquote(value))
    return fields


def _authors(fields: dict[str, list[str]]) -> list[str]:
    names = []
    if "rft.aulast" in fields:
        given = fields.get("rft.aufirst", [""])[0]
        names.append(f"{fields['rft.aulast'][0]}, {given}" if given else fields["rft.aulast"][0])
    names += fields.get("rft.aucorp", [])
    return names + fields.get("rft.au", [])


def _expected_author(person: Person) -> str:
    if person.literal:
        return person.literal
    return f"{person.family}, {person.given}" if person.given else person.family


def _title_of(fields: dict[str, list[str]]) -> str:
    for key in ("rft.atitle", "rft.title", "rft.btitle"):
        if key in fields:
            return fields[key][0]
    return ""


def assert_matches(fields: dict[str, list[str]], reference: Reference) -> None:
    """The span's fields equal the reference's: authors in order, title, container, numbers."""
    assert fields["ctx_ver"] == ["Z39.88-2004"]
    assert _authors(fields) == [_expected_author(p) for p in reference.authors], reference.key
    # The title as the site prints it (English titles in sentence case, as Pandoc reads them).
    assert _title_of(fields) == to_csl_json(reference).get("title", ""), reference.key
    container = reference.get("journal") or reference.get("booktitle")
    if reference.entry_type == "article":
        assert fields["rft_val_fmt"] == ["info:ofi/fmt:kev:mtx:journal"]
        assert fields["rft.jtitle"] == [container]
    elif container:
        assert fields["rft.btitle"] == [container], reference.key
    for bibtex_name, kev_name in (("volume", "rft.volume"), ("number", "rft.issue")):
        assert fields.get(kev_name, [""]) == [reference.get(bibtex_name)], reference.key
    year = reference.get("year")
    assert fields.get("rft.date", [""]) == ([year.lower()] if year != "n.d." else [""])
    pages = reference.get("pages").replace("--", "-").replace("–", "-")
    assert fields.get("rft.pages", [""]) == [pages], reference.key
    doi = reference.get("doi")
    ids = fields.get("rft_id", [])
    assert (f"info:doi/{doi}" in ids) == bool(doi), reference.key


@pytest.mark.parametrize("key", sorted(_references()))
def test_every_entry_round_trips(key: str) -> None:
    reference = _references()[key]
    assert_matches(parse_context_object(context_object(reference)), reference)


def _reference(**fields: str) -> Reference:
    base = _references()["razzaque2015mindfulness"]
    return dataclasses.replace(
        base,
        fields={**base.fields, **fields, "langid": "german"},
        bibtex_fields={**base.bibtex_fields, **fields},
    )


def test_field_text_cannot_end_a_pair_or_the_attribute() -> None:
    # langid german: the title reaches the span exactly as written, not in sentence case.
    hostile = 'A & B=C "quoted" <script>alert(1)</script> 100% #1'
    reference = _reference(title=hostile)
    title = context_object(reference)
    assert "<" not in title
    assert '"' not in title
    assert " " not in title
    assert parse_context_object(title)["rft.atitle"] == [hostile]
    span = coins_span(reference)
    assert span.get("class") == COINS_CLASS
    assert span.text is None
    assert len(span) == 0


@pytest.mark.parametrize(
    ("entry_type", "fmt", "genre"),
    [
        ("article", "journal", "article"),
        ("book", "book", "book"),
        ("incollection", "book", "bookitem"),
        ("inproceedings", "book", "proceeding"),
        ("techreport", "book", "report"),
        ("phdthesis", "dissertation", None),
        ("misc", "book", "document"),
    ],
)
def test_types_map_to_the_formats_zotero_reads(
    entry_type: str, fmt: str, genre: str | None
) -> None:
    reference = dataclasses.replace(_reference(), entry_type=entry_type)
    pairs = dict(kev_pairs(reference))
    assert pairs["rft_val_fmt"] == f"info:ofi/fmt:kev:mtx:{fmt}"
    assert pairs.get("rft.genre") == genre


def _spans(html: Path) -> dict[str, Tag]:
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    found = {}
    for item in soup.select("li.reference"):
        span = item.select_one(f"span.{COINS_CLASS}")
        assert span is not None, item.get("id")
        found[str(item["id"]).removeprefix("ref-")] = span
    return found


@pytest.mark.build
def test_built_bibliography_carries_a_matching_span_per_entry(mkdocs_site: Path) -> None:
    references = _references()
    spans = _spans(mkdocs_site / "references" / "index.html")
    assert set(spans) == set(references)
    for key, span in spans.items():
        assert span.get_text() == ""
        assert_matches(parse_context_object(str(span["title"])), references[key])


@pytest.mark.build
def test_built_page_lists_carry_spans(mkdocs_site: Path) -> None:
    references = _references()
    spans = _spans(mkdocs_site / "alliance" / "alliance-and-outcome" / "index.html")
    assert spans
    for key, span in spans.items():
        assert_matches(parse_context_object(str(span["title"])), references[key])


def test_the_shared_csl_item_is_a_new_copy_each_time() -> None:
    reference = next(iter(_references().values()))
    first = to_csl_json(reference)
    first["year-suffix"] = "a"
    first.setdefault("author", []).append({"family": "Added"})
    second = to_csl_json(reference)
    assert "year-suffix" not in second
    assert {"family": "Added"} not in second.get("author", [])
    changed = dataclasses.replace(reference, key="another-key")
    assert to_csl_json(changed)["id"] == "another-key"
