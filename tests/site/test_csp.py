"""The Content-Security-Policy trusts only the inline scripts the templates write."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from alliance_site import release
from alliance_site.csp import known_scripts, unknown_scripts
from alliance_site.release import ReleaseError, Version, build_into

if TYPE_CHECKING:
    from pathlib import Path

THEME = '<script>__md_scope=new URL("{{ config.extra.scope | d(base_url) }}",location)</script>'


def _site(tmp_path: Path, body: str) -> tuple[Path, Path]:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(f"<head>{THEME}</head>", encoding="utf-8")
    site = tmp_path / "site"
    (site / "deep" / "page").mkdir(parents=True)
    (site / "index.html").write_text(
        '<head><script>__md_scope=new URL(".",location)</script></head>', encoding="utf-8"
    )
    (site / "deep" / "page" / "index.html").write_text(
        '<head><script>__md_scope=new URL("../..",location)</script>'
        '<script type="application/ld+json">{"name": "x"}</script>'
        f'<script src="x.js"></script></head><body>{body}</body>',
        encoding="utf-8",
    )
    return site, templates


def test_the_theme_scripts_at_any_depth_are_known(tmp_path: Path) -> None:
    site, templates = _site(tmp_path, "<p>text</p>")
    assert unknown_scripts(site, known_scripts([templates])) == []


@pytest.mark.parametrize(
    "body",
    [
        pytest.param("<p>x</p><script>alert('loc')</script>", id="raw_html_in_markdown"),
        pytest.param(
            '<span class="md-ellipsis">A <SCRIPT type="module">alert(\'loc\')</script></span>',
            id="front_matter_title",
        ),
    ],
)
def test_any_other_inline_script_is_named_with_its_page(tmp_path: Path, body: str) -> None:
    site, templates = _site(tmp_path, body)
    assert unknown_scripts(site, known_scripts([templates])) == [
        "deep/page/index.html: an inline script that neither the theme nor the project's "
        "templates wrote (\"alert('loc')\"); the site's policy trusts only those: put script "
        "in a file under docs/ and list it in mkdocs.yml"
    ]


def test_the_build_stops_on_an_unknown_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    (project / "overrides").mkdir(parents=True)

    def engine(command: list[str], cwd: Path, env: object, what: str) -> None:
        if "build" in command:
            (cwd / "site").mkdir()
            (cwd / "site" / "index.html").write_text("<script>steal()</script>", encoding="utf-8")

    monkeypatch.setattr(release, "_run", engine)
    options = release.BuildOptions(site_url="https://example.org/")
    with pytest.raises(ReleaseError) as raised:
        build_into(project, options, Version("abc", 0, dirty=False))
    assert str(raised.value) == (
        "index.html: an inline script that neither the theme nor the project's templates "
        "wrote ('steal()'); the site's policy trusts only those: put script in a file under "
        "docs/ and list it in mkdocs.yml"
    )
