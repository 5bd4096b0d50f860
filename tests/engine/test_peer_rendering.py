"""The reference implementations are the oracle: citeproc-js and Pandoc render what the site does.

Both get the site's style and locale files and its CSL-JSON export. The site's output is
compared with theirs after ``peer_rendering.normalise`` (white space and entities), and with
the deliberate differences listed in CONTRIBUTING.md ("Where the site differs from
citeproc-js and Pandoc") applied explicitly below.
"""

from __future__ import annotations

import json
import re
import subprocess
from typing import TYPE_CHECKING

import pytest
import rispy
from bs4 import BeautifulSoup
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_exports import RIS_LIST_TAGS, RIS_MAPPING, write_downloads

from tests import peer_rendering as peers
from tests.conftest import FIXTURES, ROOT

if TYPE_CHECKING:
    from pathlib import Path

    from citation_engine.site_bibliography import SiteBibliography

REAL_BIB = ROOT / "bib" / "references.bib"
REAL_DOCS = ROOT / "docs"
CASES_BIB = FIXTURES / "bib" / "peer_cases.bib"
CASES_DOCS = FIXTURES / "peer_docs"

# Where the site deliberately differs from a peer on the synthetic cases: APA 7 §8.12 orders
# works in a citation as the reference list does. A CSL citation sort key that ties ("Doe,
# 2020" twice; "Roe et al., 2021" under Pandoc's names-min="3" key) leaves the peers with the
# order the works were written in.
TIE_BREAKS = {
    "citeproc-js": {0: "(Doe, 2020b, 2020a)"},
    "pandoc": {0: "(Doe, 2020b, 2020a)", 4: "(Roe, Baker, et al., 2021; Roe, Adams, et al., 2021)"},
}


def _site(bib: Path, docs: Path, tmp_path: Path) -> SiteBibliography:
    return peers.load_site(bib, docs, tmp_path / "cache")


def _renderings(
    bib: Path, docs: Path, tmp_path: Path
) -> tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]]:
    site = _site(bib, docs, tmp_path)
    cited = peers.site_citations(site, docs)
    items = peers.csl_items(site)
    others = {
        "citeproc-js": peers.render_citeproc_js(items, cited),
        "pandoc": peers.render_pandoc(items, cited),
    }
    return cited, peers.site_rendering(site, cited), others


@pytest.fixture(scope="module")
def real(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]]:
    return _renderings(REAL_BIB, REAL_DOCS, tmp_path_factory.mktemp("real"))


@pytest.fixture(scope="module")
def cases(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]]:
    return _renderings(CASES_BIB, CASES_DOCS, tmp_path_factory.mktemp("cases"))


@pytest.mark.oracle
@pytest.mark.parametrize("peer", ["citeproc-js", "pandoc"])
def test_the_whole_bibliography_reads_and_sorts_as_the_peers_render_it(
    real: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]], peer: str
) -> None:
    _, site, others = real
    assert len(site.bibliography) == len(load_bibliography(REAL_BIB).references)
    assert dict(site.bibliography) == dict(others[peer].bibliography)  # every text
    assert _order(site.bibliography, peer) == _order(others[peer].bibliography, peer)


# Pandoc's citeproc puts a three-author work before a two-author work with the same first
# author ("Lambert, Whipple & Kleinstäuber" before "Lambert & Barley"); APA 7 §9.46 and
# citeproc-js compare the second authors' names. A deliberate difference (CONTRIBUTING.md),
# tested on its own below so that any other change of order still fails.
ORDER_DIFFERENCES = {"pandoc": {"lambert2001research", "lambert2018collecting"}}


def _order(bibliography: list[tuple[str, str]], peer: str) -> list[str]:
    keys = [key for key, _ in bibliography]
    excused = ORDER_DIFFERENCES.get(peer, set())
    return [key for key in keys if key not in excused]


@pytest.mark.oracle
def test_pandoc_orders_same_first_author_works_by_author_count_not_second_name(
    real: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]],
) -> None:
    _, site, others = real
    ours = [key for key, _ in site.bibliography]
    pandoc = [key for key, _ in others["pandoc"].bibliography]
    assert ours.index("lambert2001research") < ours.index("lambert2018collecting")
    assert pandoc.index("lambert2018collecting") < pandoc.index("lambert2001research")
    citeproc_js = [key for key, _ in others["citeproc-js"].bibliography]
    assert citeproc_js == ours


@pytest.mark.oracle
@pytest.mark.parametrize("peer", ["citeproc-js", "pandoc"])
def test_every_citation_on_the_site_reads_as_the_peers_render_it(
    real: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]], peer: str
) -> None:
    cited, site, others = real
    expected = peers.narrative_as_site_writes_it(cited, others[peer])
    differing = [
        (cite.where, ours, theirs)
        for cite, ours, theirs in zip(cited, site.citations, expected.citations, strict=True)
        if ours != theirs
    ]
    assert len(cited) >= len(site.bibliography)  # every entry is cited at least once
    assert differing == []


@pytest.mark.oracle
def test_narrative_citations_spell_out_and_where_the_peers_print_an_ampersand(
    real: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]],
) -> None:
    cited, site, others = real
    changed = {
        cite.where: (ours, theirs)
        for cite, ours, theirs in zip(
            cited, site.citations, others["citeproc-js"].citations, strict=True
        )
        if ours != theirs
    }
    assert changed  # the difference exists, and it is only "&" against "and" in running text
    for ours, theirs in changed.values():
        assert ours == theirs.replace(" & ", " and ")
        assert not ours.startswith("(")


@pytest.mark.oracle
@pytest.mark.parametrize("peer", ["citeproc-js", "pandoc"])
def test_synthetic_cases_match_the_peers_apart_from_apa_tie_breaks(
    cases: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]], peer: str
) -> None:
    cited, site, others = cases
    assert site.bibliography == others[peer].bibliography
    theirs = peers.narrative_as_site_writes_it(cited, others[peer]).citations
    differing = {
        index: other
        for index, (ours, other) in enumerate(zip(site.citations, theirs, strict=True))
        if ours != other
    }
    assert differing == TIE_BREAKS[peer]


@pytest.mark.oracle
def test_synthetic_cases_as_apa_7_writes_them(
    cases: tuple[list[peers.CitedAt], peers.Rendering, dict[str, peers.Rendering]],
) -> None:
    _, site, _ = cases
    assert site.citations == [
        "(Doe, 2020a, 2020b)",
        "(Doe, 2018, 2020a, 2020b)",
        "Doe (2020b)",
        "Roe and Zed (2019)",
        "(Roe, Adams, et al., 2021; Roe, Baker, et al., 2021)",
        "(K. Lee, 2017; M. Lee, 2016)",
        "(Acme Inc., 2010; Gray, 2009; Smith, 2015, p. 4)",
        "(see Jones & Park, 2014; 2014)",
        "(Kim, 2011, 2012; Park, in press; Test Service, n.d.; Test Society, 2008; "
        "World Health Organization, 2013)",
    ]
    keys = [key for key, _ in site.bibliography]
    assert keys.index("doe2020second") < keys.index("doe2020first")  # a: "Another study"
    assert dict(site.bibliography)["doe2020second"].startswith("Doe, J. (2020a).")


# -- exports read back by the peers --------------------------------------------------------


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("downloads")
    write_downloads(load_bibliography(CASES_BIB, "peer_cases.bib").references, out)
    return out


def _pandoc_items(path: Path, reader: str) -> dict[str, dict[str, object]]:
    result = subprocess.run(
        [peers.PANDOC, "-f", reader, "-t", "csljson", str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    return {item["id"]: item for item in json.loads(result.stdout)}


@pytest.mark.oracle
def test_pandoc_reads_the_csl_json_export_field_for_field(downloads: Path) -> None:
    ours = json.loads((downloads / "references.json").read_text(encoding="utf-8"))
    read = _pandoc_items(downloads / "references.json", "csljson")
    assert set(read) == {item["id"] for item in ours}
    for item in ours:
        theirs = read[item["id"]]
        for name, value in item.items():
            if name == "issued" and "literal" in value:
                # Pandoc's quirk: it writes a literal date ("in press") back as empty parts.
                assert theirs[name] == {"date-parts": []}
                continue
            # The export writes BibTeX's ' as the typographic apostrophe Pandoc keeps.
            assert theirs[name] == value, (item["id"], name)


@pytest.mark.oracle
def test_citeproc_js_reads_the_csl_json_export_field_for_field(downloads: Path) -> None:
    ours = json.loads((downloads / "references.json").read_text(encoding="utf-8"))
    read = peers.citeproc_js_items(ours)
    for item in ours:
        theirs = read[item["id"]]
        for name, value in item.items():
            if name == "issued" and "date-parts" in value:
                # citeproc-js keeps dates in its own shape: {"year": 2010}.
                assert theirs[name] == {"year": value["date-parts"][0][0]}, item["id"]
            elif name == "issued":
                assert theirs[name] == value, item["id"]
            else:
                assert theirs[name] == value, (item["id"], name)


def test_every_ris_file_starts_each_record_with_ty(downloads: Path) -> None:
    files = [downloads / "references.ris", *sorted((downloads / "entries").glob("*.ris"))]
    assert len(files) == 20
    for path in files:
        text = path.read_bytes().decode("utf-8")  # UTF-8, or this raises
        assert text.startswith("TY  - "), path.name
        for record in text.split("\nER  - \n")[:-1]:
            assert record.strip().startswith("TY  - "), path.name


@pytest.mark.oracle
def test_pandoc_reads_every_ris_file(downloads: Path) -> None:
    whole = _pandoc_items(downloads / "references.ris", "ris")
    assert len(whole) == 19
    for path in sorted((downloads / "entries").glob("*.ris")):
        assert list(_pandoc_items(path, "ris")) == [path.stem]
    assert whole["jones2014edited"]["editor"] == [
        {"family": "Jones", "given": "Bo"},
        {"family": "Park", "given": "Mia"},
    ]
    assert "author" not in whole["jones2014edited"]
    assert whole["park2014chapter"]["editor"] == whole["jones2014edited"]["editor"]
    assert whole["doe2020first"]["issue"] == "2"
    assert whole["doe2020first"]["page"] == "1-10"
    assert whole["acme2010tool"]["edition"] == "18"  # Pandoc reads ET as edition
    assert "issued" not in whole["nres2007misc"]


def test_rispy_reads_every_field_the_ris_export_writes(downloads: Path) -> None:
    text = (downloads / "references.ris").read_text(encoding="utf-8")
    records = rispy.loads(text, mapping=RIS_MAPPING, list_tags=RIS_LIST_TAGS)
    by_id = {record["id"]: record for record in records}
    edited = by_id["jones2014edited"]
    assert (edited["type_of_reference"], edited["editors"]) == ("BOOK", ["Jones, Bo", "Park, Mia"])
    assert "secondary_authors" not in edited  # A2 on a book is the series editor in Zotero
    chapter = by_id["park2014chapter"]
    assert chapter["secondary_authors"] == ["Jones, Bo", "Park, Mia"]
    assert chapter["secondary_title"] == "An edited book"
    report = by_id["who2013report"]
    assert (report["type_of_reference"], report["issn"]) == ("RPRT", "TR-42")  # SN: number
    assert "number" not in report
    assert by_id["acme2010tool"]["edition"] == "18"  # ET: Zotero's version of a program
    assert by_id["kim2012thesis"]["type_of_work"] == "Doctoral dissertation"  # M3
    assert by_id["kim2011thesis"]["type_of_work"] == "Master's thesis"
    assert by_id["smith2015book"]["secondary_title"] == "Test Series"  # T2: a book's series
    assert by_id["nres2007misc"]["notes"] == ["Decision algorithm"]
    assert "year" not in by_id["nres2007misc"]


# -- one label, one work, across the built site ----------------------------------------------

_NARRATIVE_RE = re.compile(r"^(?P<author>.+) \((?P<year>[^()]+)\)$")
_YEAR_RE = re.compile(r"^(?:\d{4}[a-z]*|n\.d\.(?:-[a-z]+)?|in press(?:-[a-z]+)?)$")


def _labels_in(html: str) -> list[tuple[tuple[str, str], str]]:
    """(author, year) -> href for every citation link; a collapsed year keeps its author."""
    found = []
    for span in BeautifulSoup(html, "html.parser").select("span.citation"):
        author = ""
        for link in span.select("a.citation__link"):
            text = " ".join(link.get_text().split())
            if narrative := _NARRATIVE_RE.match(text):
                author, year = narrative["author"].replace(" and ", " & "), narrative["year"]
            elif _YEAR_RE.match(text):
                year = text  # "2013" after "Segal et al., 2002": the same authors
            else:
                author, _, year = text.rpartition(", ")
            if author:
                found.append(((author, year), str(link["href"])))
    return found


def test_every_label_on_the_built_site_stands_for_exactly_one_work(mkdocs_site: Path) -> None:
    targets: dict[tuple[str, str], set[str]] = {}
    for page in mkdocs_site.rglob("*.html"):
        for label, href in _labels_in(page.read_text(encoding="utf-8")):
            targets.setdefault(label, set()).add(href.rsplit("#", 1)[-1])
    assert len(targets) >= 71
    assert {label: works for label, works in targets.items() if len(works) > 1} == {}
    assert targets[("Flückiger, Rubel, et al.", "2020")] == {"ref-fluckiger2020reciprocal"}
    assert targets[("Flückiger, Del Re, et al.", "2020")] == {"ref-fluckiger2020assessing"}
    assert targets[("Segal et al.", "2013")] == {"ref-segal2013mindfulness"}
