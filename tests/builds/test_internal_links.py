"""The real site passes the offline link check, at the root and under a sub-path."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alliance_site.link_checking import check_built_site

from tests.conftest import ROOT

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.build
BIB = ROOT / "bib" / "references.bib"


def test_real_site_has_no_broken_link_anchor_or_bad_external_link(mkdocs_site: Path) -> None:
    assert [str(p) for p in check_built_site(mkdocs_site, BIB)] == []


def test_zensical_site_passes_the_same_check(zensical_site: Path) -> None:
    assert [str(p) for p in check_built_site(zensical_site, BIB)] == []


def test_sub_path_build_passes_when_served_under_its_prefix(subpath_site: Path) -> None:
    assert [str(p) for p in check_built_site(subpath_site, BIB, "/alliance/")] == []


def test_check_would_see_a_broken_citation_anchor(mkdocs_site: Path, tmp_path: Path) -> None:
    page = mkdocs_site / "mindfulness" / "mindfulness-goldberg-study" / "index.html"
    broken = tmp_path / "site"
    broken.mkdir()
    (broken / "index.html").write_text(
        page.read_text(encoding="utf-8").replace('id="ref-goldberg2013role"', 'id="ref-moved"'),
        encoding="utf-8",
    )
    messages = [str(p) for p in check_built_site(broken)]
    assert any("#ref-goldberg2013role: Cannot find fragment" in m for m in messages)
