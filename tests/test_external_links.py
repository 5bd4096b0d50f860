"""The scheduled external check, played against a local server on 127.0.0.1 (no network)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alliance_site.external_links import (
    BROKEN,
    LOOK,
    NO_NETWORK_STATUS,
    OK,
    CheckSettings,
    LinkResult,
    check_links,
    classify,
    load_cache,
    run_external_check,
    save_cache,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

ANSWERS = {
    "/ok": 200,
    "/gone": 404,
    "/removed": 410,
    "/forbidden": 403,
    "/busy": 429,
    "/api/handles/10.1234/found": 200,
    "/api/handles/10.1234/missing": 404,
}


class _Server(ThreadingHTTPServer):
    requests: list[str]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        status = ANSWERS.get(self.path, 500)
        body = json.dumps({"responseCode": 1 if status == 200 else 100}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture
def server() -> Iterator[_Server]:
    httpd = _Server(("127.0.0.1", 0), _Handler)
    httpd.requests = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _base(server: _Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


def _settings(server: _Server) -> CheckSettings:
    return CheckSettings(
        doi_api=f"{_base(server)}/api/handles/", retries=2, backoff_seconds=0.01, timeout_seconds=5
    )


@pytest.mark.parametrize(
    ("status", "verdict"),
    [(200, OK), (301, OK), (404, BROKEN), (410, BROKEN), (403, LOOK), (429, LOOK), (500, LOOK)],
)
def test_classification(status: int, verdict: str) -> None:
    assert classify(status) == verdict


def test_answers_are_classified_and_dois_use_the_handle_service(server: _Server) -> None:
    base = _base(server)
    urls = [
        f"{base}/ok",
        f"{base}/gone",
        f"{base}/removed",
        f"{base}/forbidden",
        f"{base}/busy",
        "https://doi.org/10.1234/found",
        "https://doi.org/10.1234/missing",
    ]
    results = check_links(urls, {}, _settings(server))
    assert [(r.verdict, r.detail) for r in results] == [
        (OK, "HTTP 200"),
        (BROKEN, "HTTP 404"),
        (BROKEN, "HTTP 410"),
        (LOOK, "HTTP 403"),
        (LOOK, "HTTP 429"),
        (OK, "HTTP 200"),
        (BROKEN, "HTTP 404"),
    ]
    assert "/api/handles/10.1234/found" in server.requests
    assert server.requests.count("/forbidden") == 2  # retried once with back-off


def test_cached_results_are_reused(server: _Server, tmp_path: Path) -> None:
    url = f"{_base(server)}/ok"
    cache_file = tmp_path / "cache.json"
    save_cache(cache_file, check_links([url], {}, _settings(server)))
    assert server.requests == ["/ok"]
    again = check_links([url], load_cache(cache_file), _settings(server))
    assert again[0].verdict == OK
    assert server.requests == ["/ok"]


def test_expired_cache_entries_are_checked_again(server: _Server) -> None:
    url = f"{_base(server)}/ok"
    old = {url: LinkResult(url, OK, "HTTP 200", checked_at=0.0)}
    check_links([url], old, _settings(server))
    assert server.requests == ["/ok"]


def test_no_network_is_said_clearly_with_its_own_status(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    unreachable = CheckSettings(doi_api="http://127.0.0.1:9/api/handles/")
    status = run_external_check(
        Path("bib/references.bib"),
        Path("docs"),
        tmp_path / "c.json",
        tmp_path / "r.md",
        unreachable,
    )
    assert status == NO_NETWORK_STATUS
    assert capsys.readouterr().out == (
        "No network: 127.0.0.1 cannot be reached, so no link was checked.\n"
    )
    assert not (tmp_path / "r.md").exists()


def test_whole_command_against_the_local_server(server: _Server, tmp_path: Path) -> None:
    base = _base(server)
    bib = tmp_path / "refs.bib"
    bib.write_text(
        "@article{doe2020alliance,\n author = {Doe, J.},\n title = {T},\n journal = {J},\n"
        " year = {2020},\n doi = {10.1234/found},\n}\n"
        f"@misc{{roe2019page,\n author = {{Roe, R.}},\n title = {{P}},\n year = {{2019}},\n"
        f" url = {{{base}/gone}},\n}}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text(
        f"A [page]({base}/forbidden) and <{base}/ok>.\n", encoding="utf-8"
    )
    report = tmp_path / "report.md"
    status = run_external_check(bib, docs, tmp_path / "cache.json", report, _settings(server))
    assert status == 1
    text = report.read_text(encoding="utf-8")
    assert "4 links: 1 broken, 1 need a look, 2 ok." in text
    assert f"| <{base}/gone> | HTTP 404 |" in text
    assert f"| <{base}/forbidden> | HTTP 403 |" in text
