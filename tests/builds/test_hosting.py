"""The generated server configurations, on web servers as Debian ships them.

nginx and Apache run with Debian's own configuration and default site (tests/servers.py);
the site's configuration is generated from the build, as `make dist` does. Each is probed
over HTTP for what it must refuse and for the headers on every kind of answer. Both engines'
builds browsed in Chromium under these servers: tests/browser/test_hosting_in_browser.py.
"""

from __future__ import annotations

import gzip
import http.client
import re
import ssl
from typing import TYPE_CHECKING

import pytest

from tests.servers import (
    SERVER_NAME,
    Hosted,
    apache,
    missing_security_headers,
    nginx_standalone,
    nginx_with_snippet,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

SECRET = "do-not-serve-this"
# One address of each kind the site serves: pages, assets, downloads, and three 404s.
EVERY_KIND = {
    "/alliance/": 200,
    "/alliance/references/": 200,
    "/alliance/assets/javascripts/site.js": 200,
    "/alliance/downloads/references.bib": 200,
    "/alliance/no/such/page/": 404,
    "/alliance/assets/no-such.js": 404,
    "/alliance/downloads/no-such.ris": 404,
}
HIDDEN = [
    "/alliance/.git/config",
    "/alliance/.env",
    "/alliance/.citation-cache/x.json",
    "/alliance/index.html~",
    "/alliance/assets/.env",
    "/alliance/downloads/.env",
    "/alliance/.htaccess",
]
OUTSIDE = [
    "/secret.txt",
    "/alliance/../secret.txt",
    "/alliance/%2e%2e/secret.txt",
    "/alliance/..%2fsecret.txt",
    "/alliancesecret.txt",
]
# One file of each text type the site serves (page, CSS, script, search index, SVG, the two
# reference downloads), with the start its decompressed body must have: served compressed,
# and compressed once.
TEXT_KINDS = {
    "/alliance/": b"<!doctype html>",
    "/alliance/assets/stylesheets/extra.css": b"/*",
    "/alliance/assets/javascripts/site.js": b"/*",
    "/alliance/search/search_index.json": b"{",
    "/alliance/assets/images/favicon.svg": b"<svg",
    "/alliance/downloads/references.bib": b"@",
    "/alliance/downloads/references.ris": b"TY  -",
}


def plant_secrets(www: Path) -> None:
    """Files that must never be served: hidden ones inside the site, one beside it."""
    site = www / "alliance"
    for relative in (".git/config", ".env", ".citation-cache/x.json", "index.html~"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(SECRET, encoding="utf-8")
    for relative in ("assets/.env", "downloads/.env"):
        (site / relative).write_text(SECRET, encoding="utf-8")
    (www / "secret.txt").write_text(SECRET, encoding="utf-8")
    for folder in [site / ".git", site / ".citation-cache"]:
        folder.chmod(0o755)
    for path in [*site.rglob(".*"), site / "index.html~", www / "secret.txt"]:
        if path.is_file():
            path.chmod(0o644)


def get(
    hosted: Hosted, path: str, *, host: str | None = None, accept_encoding: str | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One GET with the path sent exactly as written (no normalising), and its answer."""
    if hosted.server.base_url.startswith("https:"):
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", hosted.port, timeout=10, context=context
        )
    else:
        connection = http.client.HTTPConnection("127.0.0.1", hosted.port, timeout=10)
    try:
        connection.putrequest("GET", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host or f"127.0.0.1:{hosted.port}")
        if accept_encoding:
            connection.putheader("Accept-Encoding", accept_encoding)
        connection.endheaders()
        response = connection.getresponse()
        headers = {name.lower(): value for name, value in response.getheaders()}
        return response.status, headers, response.read()
    finally:
        connection.close()


def _check_every_kind(hosted: Hosted, *, host: str | None = None, https: bool = False) -> None:
    policy = hosted.configs["csp.txt"].strip()
    for path, status in EVERY_KIND.items():
        code, headers, body = get(hosted, path, host=host)
        assert code == status, path
        missing = missing_security_headers(headers)
        assert missing == [], f"{path} lacks {missing}"
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["x-frame-options"] == "SAMEORIGIN"
        assert ("strict-transport-security" in headers) is https, path
        if path.startswith("/alliance/downloads/") and status == 200:
            assert headers["content-security-policy"] == "default-src 'none'; sandbox", path
            assert headers["content-disposition"] == "attachment", path
        else:
            assert headers["content-security-policy"] == policy, path
        if status == 404:
            assert b'id="page-not-found"' in body, f"{path}: not the site's 404 page"
    # A folder without index.html is never listed.
    code, headers, body = get(hosted, "/alliance/downloads/entries/", host=host)
    assert code in (403, 404)
    assert b"references.bib" not in body
    assert missing_security_headers(headers) == []
    _, headers, _ = get(hosted, "/alliance/downloads/references.bib", host=host)
    assert headers["content-type"].startswith("application/x-bibtex")
    _, headers, _ = get(hosted, "/alliance/downloads/references.ris", host=host)
    assert headers["content-type"].startswith("application/x-research-info-systems")
    # The citation file and the licence are text, not anonymous bytes.
    for name in ("CITATION.cff", "LICENSE.txt"):
        _, headers, _ = get(hosted, f"/alliance/downloads/{name}", host=host)
        assert headers["content-type"].startswith("text/plain"), name
    # A refused folder listing or hidden file is the site's own page, never the server's.
    for path in ("/alliance/assets/", "/alliance/.env"):
        code, _, body = get(hosted, path, host=host)
        assert code in (403, 404), path
        assert b'id="page-not-found"' in body, f"{path}: the server's own error page"


def _check_compression(hosted: Hosted, *, host: str | None = None) -> None:
    for path, start in TEXT_KINDS.items():
        code, headers, body = get(hosted, path, host=host, accept_encoding="gzip")
        assert code == 200, path
        assert headers.get("content-encoding") == "gzip", f"{path} is not compressed"
        assert "accept-encoding" in headers.get("vary", "").lower(), path
        assert gzip.decompress(body).lstrip().lower().startswith(start.lower()), path
    # The 404 page, sent for any unknown address, is compressed too.
    code, headers, _ = get(hosted, "/alliance/no/such/page/", host=host, accept_encoding="gzip")
    assert (code, headers.get("content-encoding")) == (404, "gzip")
    # A client that does not ask for gzip gets the plain file.
    code, headers, body = get(hosted, "/alliance/search/search_index.json", host=host)
    assert (code, "content-encoding" in headers, body[:1]) == (200, False, b"{")


HASHED_NAME = re.compile(r"\.[0-9a-f]{8,}\.min\.(?:js|css)$")


def _check_caching(hosted: Hosted, *, host: str | None = None) -> None:
    """A long cache lifetime only for names that change with their content."""
    assets = sorted(
        path.relative_to(hosted.www).as_posix()
        for path in (hosted.www / "alliance" / "assets").rglob("*")
        if path.is_file() and not path.name.startswith(".")
    )
    assert "alliance/assets/javascripts/site.js" in assets
    lifetimes = {}
    for path in assets:
        code, headers, _ = get(hosted, "/" + path, host=host)
        assert code == 200, path
        lifetimes[path] = headers.get("cache-control")
    long_lived = {path for path, value in lifetimes.items() if value != "no-cache"}
    assert long_lived == {path for path in assets if HASHED_NAME.search(path)}, lifetimes
    assert {lifetimes[path] for path in long_lived} == {"max-age=604800"}
    assert any("bundle." in path for path in long_lived)


def _check_refusals(hosted: Hosted, *, host: str | None = None) -> None:
    for path in HIDDEN:
        code, _, body = get(hosted, path, host=host)
        assert code in (403, 404), path
        assert SECRET.encode() not in body, path
    for path in OUTSIDE:
        code, _, body = get(hosted, path, host=host)
        assert code in (400, 403, 404), path
        assert SECRET.encode() not in body, path


# -- nginx ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def nginx_snippet(subpath_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosted]:
    with nginx_with_snippet(subpath_site, tmp_path_factory.mktemp("nginx-snippet")) as hosted:
        plant_secrets(hosted.www)
        yield hosted


@pytest.fixture(scope="module")
def nginx_server_block(
    subpath_site: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Hosted]:
    with nginx_standalone(subpath_site, tmp_path_factory.mktemp("nginx-server")) as hosted:
        plant_secrets(hosted.www)
        yield hosted


@pytest.fixture(scope="module")
def nginx_https(subpath_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hosted]:
    work = tmp_path_factory.mktemp("nginx-https")
    with nginx_standalone(subpath_site, work, https=True) as hosted:
        plant_secrets(hosted.www)
        yield hosted


def test_nginx_snippet_in_debians_default_site(nginx_snippet: Hosted) -> None:
    _check_every_kind(nginx_snippet)
    _check_refusals(nginx_snippet)
    _check_compression(nginx_snippet)
    _check_caching(nginx_snippet)
    code, headers, _ = get(nginx_snippet, "/alliance")
    assert (code, headers["location"]) == (301, "/alliance/")


def test_nginx_server_block_beside_debians_default_site(nginx_server_block: Hosted) -> None:
    _check_every_kind(nginx_server_block, host=SERVER_NAME)
    _check_refusals(nginx_server_block, host=SERVER_NAME)
    _check_compression(nginx_server_block, host=SERVER_NAME)
    _check_caching(nginx_server_block, host=SERVER_NAME)
    code, headers, _ = get(nginx_server_block, "/", host=SERVER_NAME)
    assert (code, headers["location"]) == (302, "/alliance/")
    # Outside the prefix: the site's own 404 page, with every header.
    code, headers, body = get(nginx_server_block, "/elsewhere/", host=SERVER_NAME)
    assert code == 404
    assert b'id="page-not-found"' in body
    assert missing_security_headers(headers) == []
    # Any other name still reaches Debian's default site, which knows nothing of /alliance/.
    code, _, body = get(nginx_server_block, "/alliance/", host="other.example")
    assert code == 404
    assert b"Mindful Alliance" not in body


def test_nginx_https_server_sends_hsts_everywhere(nginx_https: Hosted) -> None:
    _check_every_kind(nginx_https, host=SERVER_NAME, https=True)
    _check_refusals(nginx_https, host=SERVER_NAME)
    http_server = nginx_https.configs["nginx/mindful-alliance-https.conf"]
    assert f"return 301 https://{SERVER_NAME}$request_uri;" in http_server


# -- Apache ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def apache_conf(subpath_site: Path) -> Iterator[Hosted]:
    with apache(subpath_site) as hosted:
        plant_secrets(hosted.www)
        yield hosted


@pytest.fixture(scope="module")
def apache_htaccess(subpath_site: Path) -> Iterator[Hosted]:
    with apache(subpath_site, htaccess=True) as hosted:
        plant_secrets(hosted.www)
        yield hosted


def test_apache_conf_in_debians_default_site(apache_conf: Hosted) -> None:
    _check_every_kind(apache_conf)
    _check_refusals(apache_conf)
    _check_compression(apache_conf)
    _check_caching(apache_conf)


def test_apache_htaccess_alone(apache_htaccess: Hosted) -> None:
    _check_every_kind(apache_htaccess)
    _check_refusals(apache_htaccess)
    _check_compression(apache_htaccess)
    _check_caching(apache_htaccess)
