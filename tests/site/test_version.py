"""One release number, set in VERSION, and every copy of it agrees."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml
from alliance_site.config_file import read_config
from alliance_site.release import BuildOptions, version_of, zip_name

ROOT = Path(__file__).resolve().parents[2]
VERSION = (ROOT / "VERSION").read_text(encoding="utf-8").strip()


def _mkdocs_extra() -> dict[str, object]:
    extra: dict[str, object] = read_config(ROOT / "mkdocs.yml")["extra"]
    return extra


def _citation_cff() -> dict[str, object]:
    data: dict[str, object] = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    return data


def test_version_file_holds_one_calendar_version() -> None:
    assert re.fullmatch(r"\d{4}\.\d{2}(\.\d+)?", VERSION)


def test_pyproject_reads_the_version_file() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"file": "VERSION"}


def test_mkdocs_extra_repeats_the_version() -> None:
    assert _mkdocs_extra()["version"] == VERSION


def test_citation_cff_agrees_with_the_site() -> None:
    cff = _citation_cff()
    extra = _mkdocs_extra()
    assert cff["version"] == VERSION
    assert str(cff["date-released"]) == extra["released"]
    assert cff["title"] == extra["title"]
    assert cff["authors"] == [{"name": extra["editors"]}]


def test_changelog_opens_with_this_release() -> None:
    text = (ROOT / "docs" / "about" / "changelog.md").read_text(encoding="utf-8")
    first = re.search(r"^## (\S+)", text, re.M)
    assert first is not None
    assert first.group(1) == VERSION


def test_release_zip_is_named_after_the_version() -> None:
    version = version_of(ROOT)
    assert version.release == VERSION
    assert zip_name(version, BuildOptions()).startswith(f"mindful-alliance-{VERSION}-")


@pytest.mark.build
def test_every_page_footer_and_the_how_to_cite_page_show_the_version(mkdocs_site: Path) -> None:
    from tests.conftest import built_pages

    for page in sorted(built_pages(mkdocs_site)):
        html = (mkdocs_site / page).read_text(encoding="utf-8")
        assert f'<span class="site-version">{VERSION}</span>' in html, page
    how_to_cite = (mkdocs_site / "about" / "how-to-cite" / "index.html").read_text("utf-8")
    assert f"(Version {VERSION}). http://127.0.0.1:8000/</p>" in how_to_cite
    assert "Retrieved from the address" not in how_to_cite
    for shipped in ("CITATION.cff", "LICENSE.txt"):
        assert (mkdocs_site / "downloads" / shipped).read_bytes() == (
            ROOT / shipped.replace(".txt", "")
        ).read_bytes()
