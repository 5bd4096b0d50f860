"""The offline link check: each kind of broken link fails with a message naming page and link."""

from __future__ import annotations

import subprocess
import sys
from typing import TYPE_CHECKING

import pytest
from alliance_site.link_checking import check_built_site, check_doi_links, external_link_problem

from tests.conftest import FIXTURES

if TYPE_CHECKING:
    from pathlib import Path

SITES = FIXTURES / "sites"


def _messages(case: str, base_path: str = "/") -> list[str]:
    return [str(problem) for problem in check_built_site(SITES / case, None, base_path)]


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        pytest.param("clean", [], id="clean_site"),
        pytest.param(
            "broken_internal_link",
            [
                f"{SITES}/broken_internal_link/index.html:1: /missing: "
                "File not found. Check if file exists and path is correct"
            ],
            id="broken_internal_link",
        ),
        pytest.param(
            "broken_anchor",
            [f"{SITES}/broken_anchor/index.html:2: /other#nowhere: Cannot find fragment"],
            id="broken_anchor",
        ),
        pytest.param(
            "citation_to_missing_anchor",
            [
                f"{SITES}/citation_to_missing_anchor/index.html:2: "
                "/index.html#ref-doe2020alliance: Cannot find fragment"
            ],
            id="citation_link_to_missing_anchor",
        ),
        pytest.param(
            "rooted_link",
            [
                f"{SITES}/rooted_link/index.html:2: /about/: root-relative link escapes the sub-path /alliance/"
            ],
            id="rooted_link_escaping_sub_path",
        ),
        pytest.param(
            "malformed_doi",
            [
                f"{SITES}/malformed_doi/index.html:2: https://doi.org/1037/pst0000172: "
                "DOI links must be https://doi.org/10.NNNN/suffix"
            ],
            id="malformed_doi",
        ),
        pytest.param(
            "external_asset",
            [
                f"{SITES}/external_asset/index.html:2: https://fonts.googleapis.com/css?family=Roboto: "
                "loads an asset from another host",
                f"{SITES}/external_asset/index.html:4: https://cdn.example.org/x.js: "
                "loads an asset from another host",
            ],
            id="asset_from_another_host",
        ),
    ],
)
def test_fixture_sites(case: str, expected: list[str]) -> None:
    base_path = "/alliance/" if case == "rooted_link" else "/"
    messages = _messages(case, base_path)
    if case == "rooted_link":
        # lychee also finds that /about/ does not exist under /alliance/.
        messages = [m for m in messages if "root-relative" in m]
    assert messages == expected


def test_bad_external_link_forms() -> None:
    assert _messages("bad_external_links") == [
        f"{SITES}/bad_external_links/index.html:2: http://example.org/: external links must use https",
        f"{SITES}/bad_external_links/index.html:3: https://192.168.1.10/x: links to a local or private address",
        f"{SITES}/bad_external_links/index.html:4: https://www.google.com/search?q=alliance: "
        "links to a search-engine result page",
        f"{SITES}/bad_external_links/index.html:5: https://example.org/?utm_source=x: "
        "carries the tracking parameter 'utm_source'",
        f"{SITES}/bad_external_links/index.html:6: https://dx.doi.org/10.1037/pst0000172: "
        "DOI links must be https://doi.org/10.NNNN/suffix",
    ]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://doi.org/10.1037/pst0000172", ""),
        ("https://localhost:8000/", "links to a local or private address"),
        ("https://127.0.0.1/", "links to a local or private address"),
        ("https://scholar.google.com/scholar?q=x", "links to a search-engine result page"),
        ("https://example.org/page?fbclid=1", "carries the tracking parameter 'fbclid'"),
    ],
)
def test_external_link_rules(url: str, expected: str) -> None:
    assert external_link_problem(url) == expected


def test_cli_exits_non_zero_and_names_the_problem() -> None:
    command = [sys.executable, "-m", "alliance_site", "check-links", str(SITES / "malformed_doi")]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert "DOI links must be https://doi.org/10.NNNN/suffix" in result.stderr
    assert "1 link problem(s)" in result.stderr


@pytest.mark.parametrize(
    ("bibliography_page", "built"),
    [
        pytest.param("works/index.md", "works/index.html", id="index_page"),
        pytest.param("works.md", "works/index.html", id="directory_url"),
    ],
)
def test_the_doi_check_reads_the_bibliography_page_the_option_names(
    tmp_path: Path, bibliography_page: str, built: str
) -> None:
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{doe2020a,\n  author = {Doe, Jane},\n  title = {A},\n  journal = {J},\n"
        "  year = {2020},\n  doi = {10.1000/abc}\n}\n",
        encoding="utf-8",
    )
    site = tmp_path / "site"
    page = site / built
    page.parent.mkdir(parents=True)
    page.write_text('<a href="https://doi.org/10.1000/abc">doi</a>\n', encoding="utf-8")
    assert check_doi_links(site, bib, bibliography_page) == []
    assert [str(p) for p in check_doi_links(site, bib, "elsewhere/index.md")] == [
        f"{site}/elsewhere/index.html: the bibliography page was not built"
    ]
