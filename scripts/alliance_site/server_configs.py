"""Web server configurations for one build, rendered from the templates in ``deploy/templates/``.

Each configuration carries the Content-Security-Policy of the build it ships with (the
theme's inline scripts change with the theme and the engine), so the configurations are
generated when the release is packaged, never edited by hand. Placeholders are written
``@@NAME@@``; a placeholder left without a value is an error, never silently kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_ROOT: Final = "/var/www/mindful-alliance"
PLACEHOLDER_RE: Final = re.compile(r"^([ \t]*)(.*?)@@([A-Z_]+)@@", re.MULTILINE)
HSTS: Final = ("Strict-Transport-Security", "max-age=31536000")
DOWNLOAD_POLICY: Final = "default-src 'none'; sandbox"
PERMISSIONS: Final = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"

# File in the zip (under server/) -> (template in deploy/templates/, HTTPS variant).
OUTPUTS: Final = {
    "nginx/mindful-alliance.conf": ("nginx-server.conf", False),
    "nginx/mindful-alliance-https.conf": ("nginx-server-https.conf", True),
    "nginx/mindful-alliance-locations.conf": ("nginx-locations.conf", False),
    "nginx/mindful-alliance-locations-https.conf": ("nginx-locations.conf", True),
    "apache/mindful-alliance.conf": ("apache.conf", False),
    "apache/htaccess": ("htaccess", False),
}


class TemplateError(ValueError):
    """A template names a placeholder that has no value."""


# What a site URL may be: http(s), a DNS name or an IP address, a port, and a path of plain
# segments. Anything else would be written raw into the server configurations (a ";" ends
# an nginx directive) or, percent-encoded, never match the decoded paths servers compare.
_SITE_URL_RE: Final = re.compile(
    r"https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*"
    r"[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?"
    r"(?:/(?:[A-Za-z0-9._~-]+/)*(?:[A-Za-z0-9._~-]+)?)?"
)


def site_url_problem(site_url: str) -> str:
    """Why ``site_url`` cannot be a site's address, or ``""``."""
    if _SITE_URL_RE.fullmatch(site_url):
        return ""
    return (
        f"SITE_URL {site_url!r} is not an address the server configurations can hold: "
        "write http(s)://host[:port]/path/ with a host name or address and a path of "
        "letters, digits and ._~-"
    )


@dataclass(frozen=True)
class Deployment:
    """Where a build is served: its URL, the folder holding its files, its policy."""

    site_url: str
    csp: str
    version: str
    root: str = DEFAULT_ROOT

    @property
    def prefix(self) -> str:
        """The URL path the site lives under, with both slashes: ``/alliance/``."""
        path = urlsplit(self.site_url).path or "/"
        return path if path.endswith("/") else path + "/"

    @property
    def server_name(self) -> str:
        """The host name of the site URL (the standalone servers answer this name only)."""
        return urlsplit(self.site_url).hostname or "localhost"

    @property
    def site_dir(self) -> str:
        """Where the site's files go: the root folder plus the prefix."""
        return self.root.rstrip("/") + self.prefix.rstrip("/")


def headers(deployment: Deployment, *, https: bool, download: bool) -> list[tuple[str, str]]:
    """Every security header of one kind of answer: pages and assets, or downloads."""
    chosen = [
        ("Content-Security-Policy", DOWNLOAD_POLICY if download else deployment.csp),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        ("X-Frame-Options", "SAMEORIGIN"),
        ("Permissions-Policy", PERMISSIONS),
    ]
    if download:
        chosen.append(("Content-Disposition", "attachment"))
    if https:
        chosen.append(HSTS)
    return chosen


def _nginx_headers(pairs: list[tuple[str, str]]) -> list[str]:
    return [f'add_header {name} "{value}" always;' for name, value in pairs]


def _apache_headers(pairs: list[tuple[str, str]]) -> list[str]:
    return [f'Header always set {name} "{value}"' for name, value in pairs]


def render(template: str, values: dict[str, list[str]]) -> str:
    """Fill ``@@NAME@@`` placeholders; a multi-line value keeps the placeholder's indentation."""

    def fill(match: re.Match[str]) -> str:
        indent, before, name = match.group(1), match.group(2), match.group(3)
        if name not in values:
            raise TemplateError(f"no value for the placeholder @@{name}@@")
        lines = values[name]
        if not lines:
            return indent + before.rstrip()
        first, *rest = lines
        return indent + before + first + "".join(f"\n{indent}{line}" for line in rest)

    text = template
    # Placeholders are filled line by line, repeatedly, so a line may hold several.
    while PLACEHOLDER_RE.search(text):
        text = PLACEHOLDER_RE.sub(fill, text, count=1)
    return text


def _bare_redirect(deployment: Deployment) -> list[str]:
    if deployment.prefix == "/":
        return []
    return [
        f"location = {deployment.prefix.rstrip('/')} {{",
        "    absolute_redirect off;",
        f"    return 301 {deployment.prefix};",
        "}",
    ]


def _outside_prefix(deployment: Deployment) -> list[str]:
    if deployment.prefix == "/":
        return []
    return [
        f"location = / {{ return 302 {deployment.prefix}; }}",
        "# Nothing else outside the site's prefix (the answer is the site's 404 page).",
        "location / { return 404; }",
    ]


def render_all(templates: Path, deployment: Deployment) -> dict[str, str]:
    """Every configuration for this build: name in the zip's server/ folder -> text."""
    rendered = {}
    for name, (template_name, https) in OUTPUTS.items():
        page_headers = headers(deployment, https=https, download=False)
        download_headers = headers(deployment, https=https, download=True)
        apache = template_name in ("apache.conf", "htaccess")
        as_lines = _apache_headers if apache else _nginx_headers
        values = {
            "VERSION": [deployment.version],
            "SITE_URL": [deployment.site_url],
            "PREFIX": [deployment.prefix],
            "PREFIX_BARE": [deployment.prefix.rstrip("/") or "/"],
            "ROOT": [deployment.root],
            "SITE_DIR": [deployment.site_dir],
            "SERVER_NAME": [deployment.server_name],
            "TEMPLATE": [template_name],
            "HEADERS": as_lines(page_headers),
            "DOWNLOAD_HEADERS": as_lines(download_headers),
            "OUTSIDE": _outside_prefix(deployment),
            "BARE_REDIRECT": _bare_redirect(deployment),
        }
        if template_name.startswith("nginx-server"):
            locations = (templates / "nginx-locations.conf").read_text(encoding="utf-8")
            body = render(locations, {**values, "TEMPLATE": ["nginx-locations.conf"]})
            # The included copy keeps only its directives: the server file has the comments.
            values["LOCATIONS"] = [
                line for line in body.splitlines() if line and not line.startswith("#")
            ]
        text = (templates / template_name).read_text(encoding="utf-8")
        rendered[name] = render(text, values)
    rendered["csp.txt"] = deployment.csp + "\n"
    return rendered
