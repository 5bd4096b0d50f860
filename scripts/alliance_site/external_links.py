"""Check every external link once, politely, on a schedule where a network exists.

Not part of the blocking tests (they must never depend on other people's servers). DOIs are
resolved through the DOI handle service itself instead of following redirects to publishers,
which routinely answer bots with 403. Answers are cached for two weeks. 404 and 410 are
broken; 403, 429, timeouts and server errors only "need a look", because they are so often
bot-blocking rather than rot. With no network at all the command says so and exits 3, rather
than reporting every link broken.
"""

from __future__ import annotations

import json
import re
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import quote, urlsplit

from citation_engine.bibtex_loading import load_bibliography

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path

USER_AGENT: Final = "MindfulAllianceLinkCheck/1.0 (scheduled link check of a static site)"
DOI_HANDLE_API: Final = "https://doi.org/api/handles/"
CACHE_SECONDS: Final = 14 * 24 * 3600
NO_NETWORK_STATUS: Final = 3
MARKDOWN_LINK_RE: Final = re.compile(r"\]\((https?://[^)\s]+)\)|<(https?://[^>\s]+)>")
BROKEN: Final = "broken"
LOOK: Final = "needs a look"
OK: Final = "ok"


@dataclass(frozen=True)
class LinkResult:
    """What one external link answered, and what that means."""

    url: str
    verdict: str
    detail: str
    checked_at: float


@dataclass(frozen=True)
class CheckSettings:
    """How politely to check: concurrency, retries, timeout, and where DOIs resolve."""

    doi_api: str = DOI_HANDLE_API
    workers: int = 4
    retries: int = 3
    backoff_seconds: float = 1.0
    timeout_seconds: float = 20.0


def collect_links(bib: Path, docs: Path) -> list[str]:
    """Every external link the site shows: bibliography DOIs and URLs, and links in pages."""
    links = set()
    for reference in load_bibliography(bib, bib.as_posix()).references.values():
        if doi := reference.get("doi"):
            links.add(f"https://doi.org/{doi}")
        if url := reference.get("url"):
            links.add(url)
    for page in docs.rglob("*.md"):
        for match in MARKDOWN_LINK_RE.finditer(page.read_text(encoding="utf-8")):
            links.add(match.group(1) or match.group(2))
    return sorted(links)


def classify(status: int) -> str:
    """Map an HTTP status to a verdict."""
    if status in (404, 410):
        return BROKEN
    if 200 <= status < 400:
        return OK
    return LOOK


def check_link(url: str, settings: CheckSettings) -> LinkResult:
    """Check one link, with retries and exponential back-off on answers that may pass."""
    target = _doi_handle_url(url, settings.doi_api)
    verdict, detail = LOOK, "not checked"
    for attempt in range(settings.retries):
        verdict, detail = _fetch(target, settings.timeout_seconds)
        if verdict != LOOK:
            break
        time.sleep(settings.backoff_seconds * (2**attempt))
    return LinkResult(url, verdict, detail, time.time())


def _doi_handle_url(url: str, doi_api: str) -> str:
    parts = urlsplit(url)
    if parts.hostname == "doi.org" and parts.path.startswith("/10."):
        return doi_api + quote(parts.path[1:], safe="/")
    return url


def _fetch(url: str, timeout: float) -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return classify(response.status), f"HTTP {response.status}"
    except urllib.error.HTTPError as error:
        return classify(error.code), f"HTTP {error.code}"
    except TimeoutError:
        return LOOK, "timed out"
    except urllib.error.URLError as error:
        return LOOK, f"no answer: {error.reason}"


def network_available(probe_url: str, timeout: float = 5.0) -> bool:
    """True when the host that resolves DOIs can be reached at all."""
    parts = urlsplit(probe_url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        with socket.create_connection((parts.hostname or "", port), timeout=timeout):
            return True
    except OSError:
        return False


def check_links(
    urls: Iterable[str],
    cache: dict[str, LinkResult],
    settings: CheckSettings,
    now: Callable[[], float] = time.time,
) -> list[LinkResult]:
    """Check each link once, reusing cached answers younger than two weeks."""
    fresh = {
        url: cache[url]
        for url in urls
        if url in cache and now() - cache[url].checked_at < CACHE_SECONDS
    }
    pending = [url for url in urls if url not in fresh]
    with ThreadPoolExecutor(max_workers=settings.workers) as pool:
        checked = list(pool.map(lambda url: check_link(url, settings), pending))
    results = {**fresh, **{result.url: result for result in checked}}
    return [results[url] for url in urls]


def load_cache(path: Path) -> dict[str, LinkResult]:
    """Read cached results; a missing or unreadable cache is simply empty."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {url: LinkResult(url, **entry) for url, entry in raw.items()}


def save_cache(path: Path, results: Iterable[LinkResult]) -> None:
    """Keep only answers worth reusing: a link that needs a look is asked again next time."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = {
        r.url: {"verdict": r.verdict, "detail": r.detail, "checked_at": r.checked_at}
        for r in results
        if r.verdict != LOOK
    }
    path.write_text(json.dumps(kept, indent=1, sort_keys=True) + "\n", encoding="utf-8")


def write_report(path: Path, results: list[LinkResult]) -> None:
    """Write a Markdown report: broken links first, then those that need a look."""
    lines = ["# External link check", ""]
    counts = {verdict: sum(r.verdict == verdict for r in results) for verdict in (BROKEN, LOOK, OK)}
    summary = f"{counts[BROKEN]} broken, {counts[LOOK]} need a look, {counts[OK]} ok"
    lines.append(f"{len(results)} links: {summary}.")
    for verdict in (BROKEN, LOOK):
        chosen = [r for r in results if r.verdict == verdict]
        if chosen:
            lines += ["", f"## {verdict.capitalize()}", "", "| Link | Answer |", "| --- | --- |"]
            lines += [f"| <{r.url}> | {r.detail} |" for r in chosen]
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
