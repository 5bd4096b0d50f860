"""The scheduled external check, played against a local server on 127.0.0.1 (no network)."""

from __future__ import annotations

import json
import socket
import threading
import time
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
    write_report,
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
# Redirects: path -> Location. "PRIVATE" is replaced by the private server's address.
REDIRECTS = {
    "/to-private": "PRIVATE/internal-admin?token=1",
    "/to-ftp": "ftp://127.0.0.1:21/x",
    "/to-file": "file:///etc/hostname",
    "/to-ok": "/ok",
    "/loop": "/loop",
    "/hop-1": "/hop-2",
    "/hop-2": "/hop-1",
}


class _Server(ThreadingHTTPServer):
    requests: list[str]
    private_base: str


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        if self.path in REDIRECTS:
            location = REDIRECTS[self.path].replace("PRIVATE", self.server.private_base)
            self.send_response(302)
            self.send_header("Location", location)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        status = ANSWERS.get(self.path, 500)
        body = json.dumps({"responseCode": 1 if status == 200 else 100}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def _start(address: str) -> _Server:
    httpd = _Server((address, 0), _Handler)
    httpd.requests = []
    httpd.private_base = ""
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture
def private() -> Iterator[_Server]:
    """A second loopback server that stands for an internal host: it must never be reached."""
    httpd = _start("127.0.0.2")
    yield httpd
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def server(private: _Server) -> Iterator[_Server]:
    """The "public" server on 127.0.0.1 (the tests allow this one loopback address)."""
    httpd = _start("127.0.0.1")
    httpd.private_base = _base(private)
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _base(server: _Server) -> str:
    host, port = server.server_address[:2]
    return f"http://{host!s}:{port}"


def _settings(server: _Server) -> CheckSettings:
    return CheckSettings(
        doi_api=f"{_base(server)}/api/handles/",
        retries=2,
        backoff_seconds=0.01,
        timeout_seconds=5,
        redirect_schemes=frozenset({"http", "https"}),
        allowed_addresses=frozenset({"127.0.0.1"}),
    )


@pytest.mark.parametrize(
    ("status", "verdict"),
    [
        (200, OK),
        (204, OK),
        (301, BROKEN),
        (404, BROKEN),
        (410, BROKEN),
        (403, LOOK),
        (429, LOOK),
        (500, LOOK),
    ],
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


# -- the checker cannot be steered ---------------------------------------------------------


def test_a_redirect_is_followed_to_an_allowed_address(server: _Server) -> None:
    [result] = check_links([f"{_base(server)}/to-ok"], {}, _settings(server))
    assert (result.verdict, result.detail) == (OK, "HTTP 200")
    assert server.requests == ["/to-ok", "/ok"]


def test_a_redirect_to_a_private_address_is_refused_and_never_made(
    server: _Server, private: _Server
) -> None:
    [result] = check_links([f"{_base(server)}/to-private"], {}, _settings(server))
    assert result.verdict == BROKEN
    assert result.detail == "refused: 127.0.0.2 is at a non-public address (127.0.0.2)"
    assert private.requests == []


def test_a_link_straight_to_a_private_address_is_refused(private: _Server) -> None:
    settings = CheckSettings(retries=1, allowed_addresses=frozenset({"127.0.0.1"}))
    [result] = check_links([f"{_base(private)}/direct"], {}, settings)
    assert result.verdict == BROKEN
    assert result.detail.startswith("refused: 127.0.0.2 is at a non-public address")
    assert private.requests == []


def test_loopback_is_refused_unless_allowed(server: _Server) -> None:
    settings = CheckSettings(retries=1)
    [result] = check_links([f"{_base(server)}/ok"], {}, settings)
    assert result.verdict == BROKEN
    assert "non-public address (127.0.0.1)" in result.detail
    assert server.requests == []


@pytest.mark.parametrize(
    ("path", "scheme"), [("/to-ftp", "ftp"), ("/to-file", "file")], ids=["ftp", "file"]
)
def test_a_redirect_to_another_scheme_is_refused(server: _Server, path: str, scheme: str) -> None:
    [result] = check_links([f"{_base(server)}{path}"], {}, _settings(server))
    assert result.verdict == BROKEN
    assert result.detail.startswith(f"refused: HTTP 302 redirect to a {scheme}: address")


def test_by_default_a_redirect_must_lead_to_https(server: _Server) -> None:
    settings = CheckSettings(retries=1, allowed_addresses=frozenset({"127.0.0.1"}))
    [result] = check_links([f"{_base(server)}/to-ok"], {}, settings)
    assert result.verdict == BROKEN
    assert result.detail == f"refused: HTTP 302 redirect to a http: address {_base(server)}/ok"
    assert server.requests == ["/to-ok"]


@pytest.mark.parametrize("path", ["/loop", "/hop-1"])
def test_redirect_loops_are_broken_not_ok(server: _Server, path: str) -> None:
    [result] = check_links([f"{_base(server)}{path}"], {}, _settings(server))
    assert result.verdict == BROKEN
    assert result.detail == "HTTP 302: redirect loop or more than 5"


def test_a_file_url_is_refused_without_opening_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("x", encoding="utf-8")
    [result] = check_links([secret.as_uri()], {}, CheckSettings(retries=1))
    assert (result.verdict, result.detail) == (BROKEN, "refused: not an http(s) address")


@pytest.fixture
def slow_drip() -> Iterator[str]:
    """A server that sends its status line, then one header byte a second, for a minute."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            with connection:
                try:
                    connection.recv(4096)
                    connection.sendall(b"HTTP/1.1 200 OK\r\n")
                    for _ in range(60):
                        if stop.wait(1.0):
                            return
                        connection.sendall(b"X")
                except OSError:
                    continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/slow"
    stop.set()
    listener.close()
    thread.join(timeout=5)


@pytest.mark.slow
def test_a_slow_drip_server_cannot_hold_a_link_past_its_time(slow_drip: str) -> None:
    settings = CheckSettings(
        retries=3,
        backoff_seconds=0.01,
        timeout_seconds=1.0,
        link_seconds=2.5,
        allowed_addresses=frozenset({"127.0.0.1"}),
    )
    started = time.monotonic()
    [result] = check_links([slow_drip], {}, settings)
    elapsed = time.monotonic() - started
    assert result.verdict == LOOK
    # On a loaded machine the first byte may already be late ("no answer: timed out"); either
    # way the link is reported within its own time limit, never held by the server.
    assert "timed out" in result.detail
    assert elapsed < 4.0


# -- the cache is data, not trusted ------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ['{"http://x": {"verdict": "ok"', "[1, 2, 3]", '"ok"', "\udcff"],
    ids=["truncated", "list", "string", "undecodable"],
)
def test_a_malformed_cache_file_is_discarded_with_a_warning(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    path = tmp_path / "cache.json"
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    assert load_cache(path) == {}
    assert capsys.readouterr().err.startswith(f"warning: {path}: link cache ")


def test_malformed_and_future_entries_are_dropped_one_by_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {"verdict": OK, "detail": "HTTP 200", "checked_at": 1000.0}
    raw = {
        "https://good.example/": good,
        "https://string.example/": "ok",
        "https://extra.example/": {**good, "extra": 1},
        "https://verdict.example/": {**good, "verdict": "fine"},
        "https://when.example/": {**good, "checked_at": "yesterday"},
        "https://bool.example/": {**good, "checked_at": True},
        "https://future.example/": {**good, "checked_at": 9e18},
        "https://nan.example/": {**good, "checked_at": float("nan")},
    }
    path = tmp_path / "cache.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    cache = load_cache(path, now=lambda: 2000.0)
    assert cache == {
        "https://good.example/": LinkResult("https://good.example/", OK, "HTTP 200", 1000.0)
    }
    assert capsys.readouterr().err == (
        f"warning: {path}: 7 malformed or future-dated link cache entries ignored\n"
    )


def test_a_future_dated_result_is_checked_again(server: _Server) -> None:
    url = f"{_base(server)}/gone"
    future = {url: LinkResult(url, OK, "HTTP 200", checked_at=time.time() + 10**9)}
    [result] = check_links([url], future, _settings(server))
    assert result.verdict == BROKEN
    assert server.requests == ["/gone"]


def test_report_cells_cannot_be_split_by_a_pipe(tmp_path: Path) -> None:
    report = tmp_path / "report.md"
    write_report(report, [LinkResult("https://x.example/a|b", BROKEN, "HTTP 404", 0.0)])
    assert "| <https://x.example/a%7Cb> | HTTP 404 |" in report.read_text(encoding="utf-8")


def test_dot_segments_in_a_doi_stay_inside_the_handle_api(server: _Server) -> None:
    [result] = check_links(["https://doi.org/10.1234/../../../admin"], {}, _settings(server))
    assert result.verdict == LOOK  # the local server knows no such handle (500)
    assert server.requests[0] == "/api/handles/10.1234/%2E%2E/%2E%2E/%2E%2E/admin"


MALFORMED_ANSWERS = {
    "/badstatus": b"SSH-2.0-OpenSSH_9.2\r\n",
    "/manyheaders": b"HTTP/1.1 200 OK\r\n" + b"X-A: b\r\n" * 150 + b"\r\n",
    "/longheader": b"HTTP/1.1 200 OK\r\nX-Long: " + b"a" * 100_000 + b"\r\n\r\n",
}


@pytest.fixture
def malformed() -> Iterator[tuple[str, list[str]]]:
    """A loopback server giving each path's answer above; it logs every connection."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted: list[str] = []

    def serve() -> None:
        while True:
            try:
                connection, peer = listener.accept()
            except OSError:
                return
            accepted.append(str(peer))
            with connection:
                try:
                    request = connection.recv(4096).decode("latin-1")
                    path = request.split(" ")[1] if " " in request else ""
                    connection.sendall(MALFORMED_ANSWERS.get(path, b""))
                except OSError:
                    continue

    threading.Thread(target=serve, daemon=True).start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}", accepted
    listener.close()


@pytest.mark.parametrize(
    ("path", "detail"),
    [
        ("/badstatus", "malformed answer: BadStatusLine: SSH-2.0-OpenSSH_9.2\r\n"),
        ("/manyheaders", "malformed answer: HTTPException: got more than 100 headers"),
        ("/longheader", "malformed answer: LineTooLong: got more than 65536 bytes when reading header line"),
    ],
)  # fmt: skip
def test_a_malformed_answer_is_a_finding(
    malformed: tuple[str, list[str]], path: str, detail: str
) -> None:
    settings = CheckSettings(retries=1, allowed_addresses=frozenset({"127.0.0.1"}))
    [result] = check_links([malformed[0] + path], {}, settings)
    assert (result.verdict, result.detail) == (LOOK, detail)


def test_a_bad_port_is_broken_without_a_connection() -> None:
    [result] = check_links(["https://example.org:80a/"], {}, CheckSettings(retries=1))
    assert (result.verdict, result.detail) == (
        BROKEN,
        "refused: not a usable address: nonnumeric port: '80a'",
    )


def test_one_malformed_answer_among_good_links_still_gives_report_and_cache(
    server: _Server, malformed: tuple[str, list[str]], tmp_path: Path
) -> None:
    bib = tmp_path / "references.bib"
    bib.write_text(
        f"@misc{{a, url = {{{_base(server)}/ok}}}}\n@misc{{b, url = {{{malformed[0]}/badstatus}}}}\n",
        encoding="utf-8",
    )
    docs = tmp_path / "docs"
    docs.mkdir()
    cache, report = tmp_path / "cache.json", tmp_path / "report.md"
    assert run_external_check(bib, docs, cache, report, _settings(server)) == 0
    assert "SSH-2.0-OpenSSH_9.2" in report.read_text(encoding="utf-8")
    assert cache.is_file()


def test_a_private_address_is_refused_before_any_connection(
    malformed: tuple[str, list[str]],
) -> None:
    [result] = check_links([malformed[0] + "/badstatus"], {}, CheckSettings(retries=1))
    assert (result.verdict, result.detail) == (
        BROKEN,
        "refused: 127.0.0.1 is at a non-public address (127.0.0.1)",
    )
    assert malformed[1] == []
