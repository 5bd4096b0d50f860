"""Work out the Content-Security-Policy a built site needs, from the site itself.

Material for MkDocs puts a few small inline scripts in every page (palette, scope, hash
target). Rather than allow every inline script, the policy lists each one's SHA-256 hash;
they change with the theme version and with how deep a page sits, so they are computed from
the build. Everything else comes from the site's own origin: no other host is allowed.
"""

from __future__ import annotations

import base64
import hashlib
import re
from typing import TYPE_CHECKING, Final

from alliance_site.html_reading import page_elements

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

# Sources besides the hashes. No inline <style> element is allowed (the builds have none;
# an injected one, say in a citation preview, is blocked). 'unsafe-inline' is allowed for
# style attributes only, because the theme's script sets them (sidebar heights, tooltip
# positions) and a style attribute cannot run script or load from another host.
BASE_DIRECTIVES: Final = (
    ("default-src", "'self'"),
    ("img-src", "'self' data:"),
    ("style-src", "'self'"),
    ("style-src-attr", "'unsafe-inline'"),
    ("font-src", "'self'"),
    ("connect-src", "'self'"),
    ("worker-src", "'self'"),
    ("object-src", "'none'"),
    ("base-uri", "'self'"),
    ("form-action", "'self'"),
    ("frame-ancestors", "'self'"),
)


def inline_script_hashes(site: Path) -> set[str]:
    """The sha256 source expression of every inline script that the browser would run."""
    hashes = set()
    for page in site.rglob("*.html"):
        for script in page_elements(page):
            if script.name != "script":
                continue
            if script.get("src") or script.get("type") not in (None, "text/javascript", "module"):
                continue
            digest = hashlib.sha256(script.text.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


def inline_style_hashes(site: Path) -> set[str]:
    """The sha256 source expression of every inline <style> element of the built pages."""
    hashes = set()
    for page in site.rglob("*.html"):
        for style in page_elements(page):
            if style.name != "style":
                continue
            digest = hashlib.sha256(style.text.encode("utf-8")).digest()
            hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


GENERATOR_RE: Final = re.compile(r'<meta name="generator" content="([^"]*)"')


def built_by_zensical(site: Path) -> bool:
    """Whether the home page says Zensical generated it."""
    index = site / "index.html"
    if not index.is_file():
        return False
    found = GENERATOR_RE.search(index.read_text(encoding="utf-8"))
    return found is not None and found.group(1).startswith("zensical")


def content_security_policy(*sites: Path) -> str:
    """The policy for the given builds (for example the root and the sub-path build)."""
    scripts = sorted(set().union(*(inline_script_hashes(site) for site in sites)))
    styles = sorted(set().union(*(inline_style_hashes(site) for site in sites)))
    # Zensical's search (0.0.73) adds a <style> element, whose text its script builds, to a
    # shadow root at run time: no hash or nonce can be known from the build, so its builds
    # need 'unsafe-inline' for style elements. (A browser ignores 'unsafe-inline' next to a
    # hash, so the hashes are left out then.) Scripts stay limited to 'self' and hashes.
    inline_styles = any(built_by_zensical(site) for site in sites)
    directives = []
    for name, value in BASE_DIRECTIVES:
        if name == "style-src" and inline_styles:
            value = f"{value} 'unsafe-inline'"
        elif name == "style-src" and styles:
            value = " ".join([value, *styles])
        directives.append(f"{name} {value}")
    directives.insert(1, " ".join(["script-src 'self'", *scripts]))
    return "; ".join(directives)


# -- which inline scripts a build may hold ----------------------------------------------------

_SCRIPT_RE: Final = re.compile(
    r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I
)
_SRC_RE: Final = re.compile(r"\ssrc\s*=", re.I)
_TYPE_RE: Final = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]*)""", re.I)
_TEMPLATE_CODE_RE: Final = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


def _executable(attributes: str) -> bool:
    if _SRC_RE.search(attributes):
        return False
    kind = _TYPE_RE.search(attributes)
    return kind is None or kind.group(1).lower() in ("", "text/javascript", "module")


def known_scripts(template_folders: Iterable[Path]) -> list[re.Pattern[str]]:
    """Each inline script the templates write, as a pattern: template code may be anything.

    The theme's scripts hold values such as the page's depth, so the build's scripts are
    matched against what the templates (the theme's and the project's overrides) say.
    """
    patterns = []
    for folder in template_folders:
        for template in sorted(folder.rglob("*.html")):
            for script in _SCRIPT_RE.finditer(template.read_text(encoding="utf-8")):
                if not _executable(script["attributes"]):
                    continue
                parts = _TEMPLATE_CODE_RE.split(script["body"])
                patterns.append(re.compile(".*?".join(re.escape(part) for part in parts), re.S))
    return patterns


def unknown_scripts(site: Path, known: list[re.Pattern[str]]) -> list[str]:
    """A problem for each page holding an inline script that no template wrote.

    The policy hashes what the build holds; a script that came with a page's content (raw
    HTML in Markdown, a front-matter title) would be trusted too, so the build stops on it.
    """
    problems = []
    for page in sorted(site.rglob("*.html")):
        for script in _SCRIPT_RE.finditer(page.read_text(encoding="utf-8")):
            body = script["body"]
            if not _executable(script["attributes"]) or any(
                pattern.fullmatch(body) for pattern in known
            ):
                continue
            shown = " ".join(body.split())[:60]
            problems.append(
                f"{page.relative_to(site).as_posix()}: an inline script that neither the theme "
                f"nor the project's templates wrote ({shown!r}); the site's policy trusts only "
                "those: put script in a file under docs/ and list it in mkdocs.yml"
            )
    return problems
