"""The built site loads nothing from any other host; Material's defaults would."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from alliance_site.link_checking import check_page_links, check_stylesheet

from tests.conftest import FIXTURES, SUBPATH_URL

pytestmark = pytest.mark.build

# URLs inside the theme's JavaScript bundles. Each is fetched only when a feature is used,
# and each condition below is asserted false for our site; the browser tests then record
# every request each page makes and find none to another host.
CONDITIONAL_LOADERS = {
    "unpkg.com/resize-observer-polyfill": "only when the browser lacks ResizeObserver",
    "unpkg.com/mermaid": "only on pages with Mermaid diagrams",
    "unpkg.com/glightbox": "only with the lightbox feature",
    "unpkg.com/ace-builds": "only with editable code blocks",
    "unpkg.com/pyodide": "only with executable code blocks",
    "cdn.jsdelivr.net/pyodide": "only with executable code blocks",
    "api.github.com/": "only when repo_url is set",
}
LOADER_URL_RE = re.compile(
    r"https?://(?:unpkg\.com|cdn\.jsdelivr\.net|api\.github\.com|fonts\.g\w+\.com)/[^\"'`\s)]*"
)


def _asset_problems(site: Path, base_path: str = "/") -> list[str]:
    problems = [
        str(p) for page in site.rglob("*.html") for p in check_page_links(page, site, base_path)
    ]
    problems += [str(p) for css in site.rglob("*.css") for p in check_stylesheet(css, site)]
    return problems


# The real sites pass the same check inside check_built_site (tests/builds/test_internal_links.py).


def test_material_defaults_fail_the_same_check(tmp_path: Path) -> None:
    project = FIXTURES / "projects" / "material_defaults"
    site = tmp_path / "site"
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--site-dir", str(site)]
    subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
    problems = _asset_problems(site)
    assert any(
        "fonts.googleapis.com" in p and "loads an asset from another host" in p for p in problems
    )


def test_theme_scripts_only_hold_conditional_loaders(
    mkdocs_site: Path, zensical_site: Path
) -> None:
    for site in (mkdocs_site, zensical_site):
        found = {
            match
            for js in site.rglob("*.js")
            for match in LOADER_URL_RE.findall(js.read_text(encoding="utf-8"))
        }
        unexplained = {
            url for url in found if not any(known in url for known in CONDITIONAL_LOADERS)
        }
        assert unexplained == set()


def test_conditions_for_theme_loaders_are_never_met(mkdocs_site: Path) -> None:
    config = Path("mkdocs.yml").read_text(encoding="utf-8")
    assert "repo_url" not in config
    pages = "".join(page.read_text(encoding="utf-8") for page in mkdocs_site.rglob("*.html"))
    for marker in ('class="mermaid"', "glightbox", 'data-md-component="source"'):
        assert marker not in pages


def test_subpath_build_stays_under_its_prefix(subpath_site: Path) -> None:
    assert _asset_problems(subpath_site, "/alliance/") == []
    page_404 = (subpath_site / "404.html").read_text(encoding="utf-8")
    assert 'href="/alliance/assets/' in page_404
    assert 'href="/assets/' not in page_404
    assert SUBPATH_URL in (subpath_site / "sitemap.xml").read_text(encoding="utf-8")
