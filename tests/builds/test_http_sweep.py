"""Every page on both servers over plain HTTP: answered, typed, headed, and whole.

No browser: each page is fetched from http.server (the root build) and from Debian's nginx
with the generated snippet (the sub-path build), and so is every resource it names (scripts,
stylesheets, images, icons, the manifest, and what the stylesheets name in turn). Every
resource must come from the site's own origin and answer 200; on nginx every page carries
the security headers, and its policy lists the hash of every inline script the page runs.
Chromium loads every page once and runs axe per template and state:
tests/browser/test_every_page.py.
"""

from __future__ import annotations

import base64
import hashlib
import re
import urllib.error
import urllib.request
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.content_rules import page_url_paths
from tests.servers import missing_security_headers

if TYPE_CHECKING:
    from tests.servers import Server

# Elements and attributes whose address the browser fetches on its own.
FETCHED = (
    ("script", "src"),
    ("img", "src"),
    ("source", "src"),
    ("video", "src"),
    ("audio", "src"),
    ("iframe", "src"),
    ("embed", "src"),
    ("object", "data"),
)
LINK_RELS = {"stylesheet", "icon", "apple-touch-icon", "manifest", "preload", "modulepreload"}
CSS_URL_RE = re.compile(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)")


PAGES = page_url_paths()


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    """One GET: status, headers (lower-case names) and body; an error status is an answer."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            headers = {name.lower(): value for name, value in answer.headers.items()}
            return answer.status, headers, answer.read()
    except urllib.error.HTTPError as error:
        headers = {name.lower(): value for name, value in error.headers.items()}
        return error.code, headers, error.read()


@pytest.fixture(scope="module", params=["http.server", "nginx"])
def server(request: pytest.FixtureRequest) -> Server:
    name = "root_server" if request.param == "http.server" else "nginx_server"
    served: Server = request.getfixturevalue(name)
    return served


# Resources already checked, per server: the pages share their theme's scripts and styles.
_CHECKED: dict[str, dict[str, str]] = {}


def _resources(html: str, page_url: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    found = set()
    for name, attribute in FETCHED:
        for element in soup.find_all(name):
            value = element.get(attribute)
            if isinstance(value, str) and value:
                found.add(urljoin(page_url, value))
    for element in soup.find_all(["img", "source"]):
        srcset = element.get("srcset")
        if isinstance(srcset, str):
            found |= {urljoin(page_url, part.split()[0]) for part in srcset.split(",") if part}
    for link in soup.find_all("link"):
        rels = set(link.get("rel") or [])
        href = link.get("href")
        if rels & LINK_RELS and isinstance(href, str):
            found.add(urljoin(page_url, href))
    return {url for url in found if not url.startswith("data:")}


def _check_resource(server: Server, url: str) -> str:
    """'' when ``url`` is the site's own and answers 200, else what is wrong with it."""
    checked = _CHECKED.setdefault(server.base_url, {})
    if url in checked:
        return checked[url]
    parts = urlsplit(url)
    if f"{parts.scheme}://{parts.netloc}" != server.origin:
        problem = f"{url}: another host"
    else:
        status, headers, body = fetch(url.split("#")[0])
        problem = "" if status == 200 else f"{url}: {status}"
        if not problem and headers.get("content-type", "").startswith("text/css"):
            checked[url] = ""  # a stylesheet that names itself is not checked twice
            named = {urljoin(url, found) for found in CSS_URL_RE.findall(body.decode("utf-8"))}
            problems = [_check_resource(server, u) for u in sorted(named) if "data:" not in u]
            problem = "; ".join(p for p in problems if p)
    checked[url] = problem
    return problem


def _inline_script_hashes(html: str) -> set[str]:
    soup = BeautifulSoup(html, "html.parser")
    hashes = set()
    for script in soup.find_all("script"):
        if script.get("src") or script.get("type") not in (None, "text/javascript", "module"):
            continue
        digest = hashlib.sha256(script.text.encode("utf-8")).digest()
        hashes.add(f"'sha256-{base64.b64encode(digest).decode('ascii')}'")
    return hashes


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p or "home")
def test_every_page_and_all_it_loads_answers_from_the_site_itself(
    server: Server, path: str
) -> None:
    url = server.base_url + path
    status, headers, body = fetch(url)
    assert status == 200
    assert headers["content-type"].lower().replace(" ", "") == "text/html;charset=utf-8" or (
        server.kind == "http.server" and headers["content-type"].startswith("text/html")
    )
    html = body.decode("utf-8")
    problems = [_check_resource(server, resource) for resource in sorted(_resources(html, url))]
    assert [problem for problem in problems if problem] == []
    if server.kind == "nginx":
        assert missing_security_headers(headers) == []
        policy = headers["content-security-policy"]
        script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
        assert _inline_script_hashes(html) - set(script_src.split()) == set(), (
            "an inline script the policy does not allow"
        )


def test_a_missing_page_is_the_sites_own_404_with_every_header(nginx_server: Server) -> None:
    status, headers, body = fetch(nginx_server.base_url + "no/such/page/")
    assert status == 404
    assert b'id="page-not-found"' in body
    assert missing_security_headers(headers) == []
