"""Check every external link once, politely, on a schedule where a network exists.

Not part of the blocking tests (they must never depend on other people's servers). DOIs are
resolved through the DOI handle service itself instead of following redirects to publishers,
which routinely answer bots with 403. Answers are cached for two weeks. 404 and 410 are
broken; 403, 429, timeouts and server errors only "need a look", because they are so often
bot-blocking rather than rot. With no network at all the command says so and exits 3, rather
than reporting every link broken.

The checker cannot be steered by the links it checks: it speaks only HTTP(S); it never
connects to a loopback, private, link-local or otherwise non-public address (checked on the
socket actually connected, so DNS tricks do not help); it follows redirects only to https
addresses of the same kind, and reports a redirect it refused, a loop or too many hops as
broken; and every attempt has a wall-clock limit that a server dripping bytes cannot stretch.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import json
import math
import re
import socket
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPSConnection
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import quote, urljoin, urlsplit

from citation_engine.bibtex_loading import load_bibliography

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from http.client import HTTPMessage
    from pathlib import Path
    from typing import IO

USER_AGENT: Final = "MindfulAllianceLinkCheck/1.0 (scheduled link check of a static site)"
DOI_HANDLE_API: Final = "https://doi.org/api/handles/"
CACHE_SECONDS: Final = 14 * 24 * 3600
NO_NETWORK_STATUS: Final = 3
MAX_REDIRECTS: Final = 5
MARKDOWN_LINK_RE: Final = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
BROKEN: Final = "broken"
LOOK: Final = "needs a look"
OK: Final = "ok"
VERDICTS: Final = (BROKEN, LOOK, OK)
WEB_SCHEMES: Final = frozenset({"http", "https"})


@dataclass(frozen=True)
class LinkResult:
    """What one external link answered, and what that means."""

    url: str
    verdict: str
    detail: str
    checked_at: float


@dataclass(frozen=True)
class CheckSettings:
    """How politely to check, and how far a link may lead the checker.

    ``timeout_seconds`` bounds each attempt by the wall clock (connect, headers, everything);
    ``link_seconds`` bounds all attempts at one link together. ``redirect_schemes`` are the
    schemes a redirect may lead to. ``allowed_addresses`` are non-public addresses the
    checker may still contact: empty in real runs, the tests' own loopback server in tests.
    """

    doi_api: str = DOI_HANDLE_API
    workers: int = 4
    retries: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 20.0
    link_seconds: float = 60.0
    redirect_schemes: frozenset[str] = frozenset({"https"})
    allowed_addresses: frozenset[str] = frozenset()


class RefusedError(OSError):
    """The checker would not go where a link or a redirect pointed."""


def collect_links(bib: Path, docs: Path) -> list[str]:
    """Every external link the site shows: bibliography DOIs and URLs, and links in pages."""
    links = set()
    for reference in load_bibliography(bib, bib.as_posix()).references.values():
        if doi := reference.get("doi"):
            links.add(f"https://doi.org/{doi}")
        if url := reference.get("url"):
            links.add(url)
    for page in docs.rglob("*.md"):
        if not page.is_file():
            continue  # a named pipe would block; the build refuses it by name
        for match in MARKDOWN_LINK_RE.finditer(page.read_text(encoding="utf-8")):
            links.add(match.group(1) or match.group(2))
    return sorted(links)


def classify(status: int) -> str:
    """Map an HTTP status to a verdict (a redirect that reaches here was not followed)."""
    if status in (404, 410):
        return BROKEN
    if 200 <= status < 300:
        return OK
    if 300 <= status < 400:
        return BROKEN
    return LOOK


def is_public_address(address: str) -> bool:
    """True for a globally routable unicast address (not loopback, private, link-local...)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def check_link(url: str, settings: CheckSettings) -> LinkResult:
    """Check one link, with retries and exponential back-off on answers that may pass."""
    target = _doi_handle_url(url, settings.doi_api)
    verdict, detail = LOOK, "not checked"
    budget_ends = time.monotonic() + settings.link_seconds
    for attempt in range(settings.retries):
        remaining = budget_ends - time.monotonic()
        if remaining <= 0:
            detail += f" (gave up: {settings.link_seconds:g} s for this link used)"
            break
        verdict, detail = _fetch(target, settings, min(settings.timeout_seconds, remaining))
        if verdict != LOOK:
            break
        pause = settings.backoff_seconds * (2**attempt)
        if attempt + 1 < settings.retries and time.monotonic() + pause < budget_ends:
            time.sleep(pause)
    return LinkResult(url, verdict, detail, time.time())


def _doi_handle_url(url: str, doi_api: str) -> str:
    parts = urlsplit(url)
    if parts.hostname == "doi.org" and parts.path.startswith("/10."):
        # A DOI is opaque: its "." and ".." segments are text, never a way up the API's path.
        segments = [quote(segment, safe="") for segment in parts.path[1:].split("/")]
        encoded = [s.replace(".", "%2E") if s in (".", "..") else s for s in segments]
        return doi_api + "/".join(encoded)
    return url


class _Deadline:
    """Shuts every socket of one attempt when its wall-clock time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> _Deadline:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def remaining(self) -> float:
        return max(0.01, self.ends - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)


def _shut(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _guarded_connector(
    settings: CheckSettings, deadline: _Deadline
) -> Callable[..., socket.socket]:
    """``socket.create_connection`` that refuses non-public peers and obeys the deadline."""

    def connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> socket.socket:
        kwargs.pop("timeout", None)
        host, port = address
        # Refused before any connection, so open and closed ports look alike; then connect
        # to exactly an address that was checked (and check the peer again).
        resolved = [info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]
        for ip in resolved:
            if not is_public_address(str(ip)) and str(ip) not in settings.allowed_addresses:
                raise RefusedError(f"refused: {host} is at a non-public address ({ip})")
        sock = socket.create_connection(
            (str(resolved[0]), port), deadline.remaining(), *args[1:], **kwargs
        )
        peer = str(sock.getpeername()[0])
        if not is_public_address(peer) and peer not in settings.allowed_addresses:
            sock.close()
            message = f"refused: {address[0]} is at a non-public address ({peer})"
            raise RefusedError(message)
        deadline.watch(sock)
        return sock

    return connect


class _GuardedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, connect: Callable[..., socket.socket]) -> None:
        super().__init__()
        self._connect = connect

    def http_open(self, req: urllib.request.Request) -> Any:
        def build(host: str, **kwargs: Any) -> HTTPConnection:
            connection = HTTPConnection(host, **kwargs)
            connection._create_connection = self._connect  # type: ignore[attr-defined]
            return connection

        return self.do_open(build, req)


class _GuardedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, connect: Callable[..., socket.socket]) -> None:
        super().__init__()
        self._connect = connect

    def https_open(self, req: urllib.request.Request) -> Any:
        def build(host: str, **kwargs: Any) -> HTTPSConnection:
            connection = HTTPSConnection(host, **kwargs)
            connection._create_connection = self._connect  # type: ignore[attr-defined]
            return connection

        return self.do_open(build, req)


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to an allowed scheme, and only a few times."""

    max_redirections = MAX_REDIRECTS

    def __init__(self, schemes: frozenset[str]) -> None:
        super().__init__()
        self._schemes = schemes

    def http_error_302(
        self, req: urllib.request.Request, fp: IO[bytes], code: int, msg: str, headers: HTTPMessage
    ) -> Any:
        # Checked before urllib's own rule, which would let ftp: through.
        location = headers.get("location") or headers.get("uri")
        if location:
            target = urljoin(req.full_url, location)
            scheme = urlsplit(target).scheme.lower()
            if scheme not in self._schemes:
                message = f"refused: HTTP {code} redirect to a {scheme}: address {target}"
                raise RefusedError(message)
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(settings: CheckSettings, deadline: _Deadline) -> urllib.request.OpenerDirector:
    """HTTP and HTTPS only: no file:, ftp: or data: handlers, no proxies from the environment."""
    connect = _guarded_connector(settings, deadline)
    opener = urllib.request.OpenerDirector()
    for handler in (
        urllib.request.UnknownHandler(),
        urllib.request.HTTPDefaultErrorHandler(),
        urllib.request.HTTPErrorProcessor(),
        _CheckedRedirects(settings.redirect_schemes),
        _GuardedHTTPHandler(connect),
        _GuardedHTTPSHandler(connect),
    ):
        opener.add_handler(handler)
    return opener


def _fetch(url: str, settings: CheckSettings, seconds: float) -> tuple[str, str]:
    if urlsplit(url).scheme.lower() not in WEB_SCHEMES:
        return BROKEN, "refused: not an http(s) address"
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with _Deadline(seconds) as deadline:
        try:
            with _opener(settings, deadline).open(request, timeout=seconds) as response:
                status = int(response.status)
            outcome = classify(status), f"HTTP {status}"
        except urllib.error.HTTPError as error:
            if 300 <= error.code < 400:
                outcome = BROKEN, f"HTTP {error.code}: redirect loop or more than {MAX_REDIRECTS}"
            else:
                outcome = classify(error.code), f"HTTP {error.code}"
        except RefusedError as error:
            outcome = BROKEN, str(error)
        except http.client.InvalidURL as error:
            outcome = BROKEN, f"refused: not a usable address: {error}"
        except http.client.HTTPException as error:
            # Not HTTP (another protocol answering), too many or too long headers, cut short.
            outcome = LOOK, f"malformed answer: {type(error).__name__}: {error}"[:300]
        except urllib.error.URLError as error:
            if isinstance(error.reason, RefusedError):
                outcome = BROKEN, str(error.reason)
            else:
                outcome = LOOK, f"no answer: {error.reason}"
        except (TimeoutError, OSError, ValueError) as error:
            outcome = LOOK, f"no answer: {error}"
    if deadline.expired:
        return LOOK, f"timed out: no complete answer within {seconds:g} s"
    return outcome


def network_available(probe_url: str, timeout: float = 5.0) -> bool:
    """True when the host that resolves DOIs can be reached at all."""
    parts = urlsplit(probe_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def _check_or_report(url: str, settings: CheckSettings, now: Callable[[], float]) -> LinkResult:
    """Check one link; a failure nobody foresaw is this link's finding, not the run's end."""
    try:
        return check_link(url, settings)
    except Exception as error:  # noqa: BLE001 - one link must never stop the report
        detail = f"check failed: {type(error).__name__}: {error}"[:300]
        return LinkResult(url, LOOK, detail, now())


def check_links(
    urls: Iterable[str],
    cache: dict[str, LinkResult],
    settings: CheckSettings,
    now: Callable[[], float] = time.time,
) -> list[LinkResult]:
    """Check each link once, reusing cached answers younger than two weeks."""
    urls = list(urls)
    moment = now()
    fresh = {
        url: cache[url]
        for url in urls
        if url in cache and 0 <= moment - cache[url].checked_at < CACHE_SECONDS
    }
    pending = [url for url in urls if url not in fresh]
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        checked = list(pool.map(lambda url: _check_or_report(url, settings, now), pending))
    results = {**fresh, **{result.url: result for result in checked}}
    return [results[url] for url in urls]


def load_cache(path: Path, now: Callable[[], float] = time.time) -> dict[str, LinkResult]:
    """Read cached results; a missing cache is empty, a damaged one is discarded with a warning.

    Entries of the wrong shape, and entries dated in the future, are dropped one by one (each
    link is then simply checked again); a file that is not a JSON object is dropped whole.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as error:
        _warn(f"{path}: link cache unreadable ({error}); ignoring it")
        return {}
    try:
        raw = json.loads(text)
    except ValueError as error:
        _warn(f"{path}: link cache is not valid JSON ({error}); ignoring it")
        return {}
    if not isinstance(raw, dict):
        _warn(f"{path}: link cache is not a JSON object; ignoring it")
        return {}
    moment = now()
    cache: dict[str, LinkResult] = {}
    dropped = 0
    for url, entry in raw.items():
        result = _cache_entry(url, entry, moment)
        if result is None:
            dropped += 1
        else:
            cache[url] = result
    if dropped:
        _warn(f"{path}: {dropped} malformed or future-dated link cache entries ignored")
    return cache


def _cache_entry(url: object, entry: object, moment: float) -> LinkResult | None:
    if not isinstance(url, str) or not isinstance(entry, dict):
        return None
    if set(entry) != {"verdict", "detail", "checked_at"}:
        return None
    verdict, detail, checked_at = entry["verdict"], entry["detail"], entry["checked_at"]
    if verdict not in VERDICTS or not isinstance(detail, str):
        return None
    if isinstance(checked_at, bool) or not isinstance(checked_at, int | float):
        return None
    if not math.isfinite(checked_at) or checked_at > moment:
        return None
    return LinkResult(url, verdict, detail, float(checked_at))


def _warn(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def save_cache(path: Path, results: Iterable[LinkResult]) -> None:
    """Keep only answers worth reusing: a link that needs a look is asked again next time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {
        r.url: {"verdict": r.verdict, "detail": r.detail, "checked_at": r.checked_at}
        for r in results
        if r.verdict != LOOK
    }
    path.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def _cell(text: str) -> str:
    return text.replace("|", "%7C").replace("\n", " ")


def write_report(path: Path, results: list[LinkResult]) -> None:
    """Write a Markdown report: broken links first, then those that need a look."""
    lines = ["# External link check", ""]
    counts: Mapping[str, int] = {v: sum(r.verdict == v for r in results) for v in VERDICTS}
    summary = f"{counts[BROKEN]} broken, {counts[LOOK]} need a look, {counts[OK]} ok"
    lines.append(f"{len(results)} links: {summary}.")
    for verdict in (BROKEN, LOOK):
        chosen = [r for r in results if r.verdict == verdict]
        if chosen:
            lines += ["", f"## {verdict.capitalize()}", "", "| Link | Answer |", "| --- | --- |"]
            lines += [f"| <{_cell(r.url)}> | {_cell(r.detail)} |" for r in chosen]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def run_external_check(
    bib: Path, docs: Path, cache_path: Path, report: Path, settings: CheckSettings | None = None
) -> int:
    """Run the whole check; 0 all reachable, 1 something broken, 3 no network."""
    chosen = settings or CheckSettings()
    if not network_available(chosen.doi_api):
        host = urlsplit(chosen.doi_api).hostname
        print(f"No network: {host} cannot be reached, so no link was checked.")
        return NO_NETWORK_STATUS
    urls = collect_links(bib, docs)
    results = check_links(urls, load_cache(cache_path), chosen)
    save_cache(cache_path, results)
    write_report(report, results)
    broken = [r for r in results if r.verdict == BROKEN]
    print(f"{len(results)} external links checked; {len(broken)} broken; report in {report}")
    return 1 if broken else 0
