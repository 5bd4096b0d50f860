"""Real servers for the built site: http.server, and Debian's stock nginx and Apache.

Shared by the HTTP tests (tests/builds/) and the browser tests (tests/browser/); the
fixtures are registered for every layer by ``pytest_plugins`` in tests/conftest.py. When
nginx or Apache is missing these tests fail with the command that installs it; they never
skip.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import pytest
from alliance_site.csp import content_security_policy
from alliance_site.server_configs import Deployment, render_all

from tests.conftest import (
    ROOT,
    SUBPATH_URL,
    _build_or_fail,
    copy_project,
    one_build_per_run,
    write_generated_files,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
SUBPATH = "/alliance/"
# What the generated configurations send with every answer: pages, files and errors alike.
SECURITY_HEADERS = (
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
)


def missing_security_headers(headers: Mapping[str, str]) -> list[str]:
    """The security headers an answer lacks; ``headers`` has lower-case names."""
    return [name for name in SECURITY_HEADERS if name not in headers]


@dataclass(frozen=True)
class Server:
    """A running web server: the base URL of the site, and how it is served."""

    base_url: str
    kind: str

    @property
    def origin(self) -> str:
        """scheme://host:port, the one origin pages may request from."""
        parts = urlsplit(self.base_url)
        return f"{parts.scheme}://{parts.netloc}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"server exited with status {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listened on port {port}")


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        return


@pytest.fixture(scope="session")
def root_server(mkdocs_site: Path) -> Iterator[Server]:
    """The default build served at the root, as `python -m http.server` would."""
    handler = partial(_QuietHandler, directory=str(mkdocs_site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield Server(f"http://127.0.0.1:{httpd.server_address[1]}/", "http.server")
    httpd.shutdown()
    httpd.server_close()


# -- web servers as Debian ships them ---------------------------------------------------------
#
# nginx and Apache run with Debian's own configuration (/etc/nginx, /etc/apache2, the
# default site enabled), copied into a temporary folder with only the listening ports and
# the paths of logs, pid and temporary files changed; the site's configuration is generated
# by alliance_site.server_configs, exactly as `make dist` generates it for the zip.

APACHE = shutil.which("apache2") or "/usr/sbin/apache2"
SERVER_NAME = "intranet.example"


@dataclass(frozen=True)
class Hosted:
    """A site served by a real server: its address, the folder of its files, its configs."""

    server: Server
    www: Path
    configs: dict[str, str]
    port: int


def deployment_configs(site: Path, www: Path) -> dict[str, str]:
    """The generated configurations for this build, served from ``www`` (the zip's server/)."""
    deployment = Deployment(
        site_url=SUBPATH_URL, csp=content_security_policy(site), version="test", root=str(www)
    )
    return render_all(ROOT / "deploy" / "templates", deployment)


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as probe:
            probe.bind(("::1", 0))
    except OSError:
        return False
    return True


def _listen_lines(text: str, port: int) -> str:
    """Debian's `listen 80` and `[::]:80` (and 443) lines, moved to loopback and ``port``."""
    ipv6 = "[::1]" if _ipv6_loopback() else None
    lines = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("listen ") and ("[::]" in stripped):
            if ipv6 is None:
                continue
            line = re.sub(r"\[::\]:(80|443)\b", f"{ipv6}:{port}", line)
        elif stripped.startswith("listen "):
            line = re.sub(r"listen (80|443)\b", f"listen 127.0.0.1:{port}", line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def stock_nginx(work: Path, port: int) -> Path:
    """Debian's /etc/nginx, copied to ``work/etc`` with ports and run-time paths changed."""
    etc = work / "etc"
    shutil.copytree("/etc/nginx", etc)  # symbolic links (sites-enabled/default) become files
    for name in ("log", "body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (work / name).mkdir()
    # load_module lines name modules/ relative to the prefix, which Debian's is /usr/share/nginx.
    if Path("/usr/share/nginx/modules").exists():
        (work / "modules").symlink_to("/usr/share/nginx/modules")
    main = (etc / "nginx.conf").read_text(encoding="utf-8")
    main = main.replace("user www-data;", "user root;" if os.geteuid() == 0 else "")
    main = main.replace("pid /run/nginx.pid;", f"pid {work}/nginx.pid;")
    main = main.replace("/var/log/nginx/", f"{work}/log/")
    main = main.replace("/etc/nginx/", f"{etc}/")
    temp = "".join(
        f"\t{name}_temp_path {work}/{folder};\n"
        for name, folder in (
            ("client_body", "body"),
            ("proxy", "proxy"),
            ("fastcgi", "fastcgi"),
            ("uwsgi", "uwsgi"),
            ("scgi", "scgi"),
        )
    )
    main = main.replace("http {\n", "http {\n" + temp, 1)
    (etc / "nginx.conf").write_text(main, encoding="utf-8")
    default = etc / "sites-enabled" / "default"
    default.write_text(_listen_lines(default.read_text(encoding="utf-8"), port), encoding="utf-8")
    return etc / "nginx.conf"


def run_nginx(work: Path, config: Path, port: int) -> subprocess.Popen[bytes]:
    """Check the configuration (failing with nginx's message), then start nginx on ``port``."""
    command = [NGINX, "-p", str(work), "-e", f"{work}/log/error.log", "-c", str(config)]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stderr
    if "daemon off;" not in config.read_text(encoding="utf-8"):
        command += ["-g", "daemon off;"]
    process = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    _wait_for_port(port, process)
    return process


def site_folder(site: Path, www: Path) -> None:
    """Lay the build out as the install notes say: ``www/alliance/`` holds the site."""
    shutil.copytree(site, www / SUBPATH.strip("/"))


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=10)


def render_nginx_config(port: int, www: Path, work: Path) -> Path:
    """Debian's nginx in ``work``, serving ``www/alliance/`` through the generated snippet.

    The snippet is included in Debian's default site, as the install notes say; nginx stays
    in the foreground (``daemon off``). Returns the main configuration file.
    """
    config = stock_nginx(work, port)
    configs = deployment_configs(www / SUBPATH.strip("/"), www)
    snippet = work / "etc" / "snippets" / "mindful-alliance-locations.conf"
    snippet.write_text(configs["nginx/mindful-alliance-locations.conf"], encoding="utf-8")
    default = work / "etc" / "sites-enabled" / "default"
    text = default.read_text(encoding="utf-8")
    text = text.replace("server_name _;", f"server_name _;\n\tinclude {snippet};", 1)
    default.write_text(text, encoding="utf-8")
    config.write_text("daemon off;\n" + config.read_text(encoding="utf-8"), encoding="utf-8")
    return config


@contextlib.contextmanager
def nginx_with_snippet(site: Path, work: Path) -> Iterator[Hosted]:
    """Stock Debian nginx; the locations snippet included in the default site's server."""
    port = _free_port()
    www = work / "www"
    site_folder(site, www)
    config = render_nginx_config(port, www, work)
    configs = deployment_configs(site, www)
    process = run_nginx(work, config, port)
    try:
        yield Hosted(Server(f"http://127.0.0.1:{port}{SUBPATH}", "nginx"), www, configs, port)
    finally:
        _stop(process)


@contextlib.contextmanager
def nginx_standalone(site: Path, work: Path, *, https: bool = False) -> Iterator[Hosted]:
    """Stock Debian nginx, default site still enabled, plus the site's own server block.

    Over HTTP the site's server shares Debian's default site's port (told apart by name);
    over HTTPS it listens on a port of its own.
    """
    port = _free_port()
    config = stock_nginx(work, port)
    if https:
        port = _free_port()
    www = work / "www"
    site_folder(site, www)
    configs = deployment_configs(site, www)
    name = "nginx/mindful-alliance-https.conf" if https else "nginx/mindful-alliance.conf"
    text = configs[name]
    if https:
        certificate, key = _self_signed(work)
        text = text.replace(f"/etc/ssl/certs/{SERVER_NAME}.pem", str(certificate))
        text = text.replace(f"/etc/ssl/private/{SERVER_NAME}.key", str(key))
        # Loopback ports for both servers: the HTTP one (redirects) and the HTTPS one.
        text = text.replace("listen 80;", f"listen 127.0.0.1:{_free_port()};")
        text = text.replace("listen 443 ssl;", f"listen 127.0.0.1:{port} ssl;")
        text = text.replace("    listen [::]:80;\n", "").replace("    listen [::]:443 ssl;\n", "")
    else:
        text = _listen_lines(text, port)
    (work / "etc" / "sites-enabled" / "mindful-alliance").write_text(text, encoding="utf-8")
    process = run_nginx(work, config, port)
    scheme = "https" if https else "http"
    try:
        yield Hosted(Server(f"{scheme}://127.0.0.1:{port}{SUBPATH}", "nginx"), www, configs, port)
    finally:
        _stop(process)


def _self_signed(work: Path) -> tuple[Path, Path]:
    certificate, key = work / "cert.pem", work / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", f"/CN={SERVER_NAME}", "-keyout", str(key), "-out", str(certificate)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return certificate, key


def _readable_temp_dir() -> Path:
    """A folder Apache's worker user (www-data) can read: pytest's own are private."""
    folder = Path(tempfile.mkdtemp(prefix="alliance-apache-"))
    folder.chmod(0o755)
    return folder


@contextlib.contextmanager
def apache(site: Path, *, htaccess: bool = False) -> Iterator[Hosted]:
    """Stock Debian Apache (default site enabled) plus the site's conf, or its .htaccess.

    With ``htaccess`` the server gets what a host that lets customers upload files has: an
    Alias to the folder with AllowOverride All (and mod_headers on); the site's rules then
    come only from the generated .htaccess in that folder.
    """
    if not Path(APACHE).exists():
        pytest.fail("apache2 not found: install Debian's apache2 (make system-deps)")
    work = _readable_temp_dir()
    try:
        port = _free_port()
        etc = work / "etc"
        shutil.copytree("/etc/apache2", etc)
        for name in ("log", "run", "lock"):
            (work / name).mkdir()
        ports = etc / "ports.conf"
        ports.write_text(f"Listen 127.0.0.1:{port}\n", encoding="utf-8")
        default = etc / "sites-enabled" / "000-default.conf"
        text = default.read_text(encoding="utf-8").replace(
            "<VirtualHost *:80>", f"<VirtualHost *:{port}>"
        )
        default.write_text(text, encoding="utf-8")
        # What `a2enmod headers` does.
        shutil.copy(etc / "mods-available" / "headers.load", etc / "mods-enabled" / "headers.load")
        www = work / "www"
        site_folder(site, www)
        for folder in [www, *www.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
        configs = deployment_configs(site, www)
        if htaccess:
            (www / "alliance" / ".htaccess").write_text(
                configs["apache/htaccess"], encoding="utf-8"
            )
            conf = (
                f'Alias "/alliance" "{www}/alliance"\n'
                f'<Directory "{www}/alliance">\n    AllowOverride All\n'
                "    Require all granted\n</Directory>\n"
            )
        else:
            conf = configs["apache/mindful-alliance.conf"]
        # What `a2enconf mindful-alliance` does.
        (etc / "conf-enabled" / "mindful-alliance.conf").write_text(conf, encoding="utf-8")
        user = "www-data" if os.geteuid() == 0 else os.environ.get("USER", "nobody")
        env = {
            **os.environ,
            "APACHE_RUN_USER": user,
            "APACHE_RUN_GROUP": user,
            "APACHE_PID_FILE": f"{work}/run/apache2.pid",
            "APACHE_RUN_DIR": f"{work}/run",
            "APACHE_LOCK_DIR": f"{work}/lock",
            "APACHE_LOG_DIR": f"{work}/log",
            "LANG": "C",
        }
        command = [APACHE, "-d", str(etc), "-f", str(etc / "apache2.conf")]
        checked = subprocess.run(
            [*command, "-t"], env=env, capture_output=True, text=True, check=False
        )
        assert checked.returncode == 0, checked.stderr
        process = subprocess.Popen([*command, "-DFOREGROUND"], env=env, stderr=subprocess.DEVNULL)
        try:
            _wait_for_port(port, process)
            yield Hosted(Server(f"http://127.0.0.1:{port}{SUBPATH}", "apache"), www, configs, port)
        finally:
            _stop(process)
    finally:
        shutil.rmtree(work, ignore_errors=True)


@pytest.fixture(scope="session")
def nginx_server(subpath_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The sub-path build under /alliance/ in Debian's stock nginx, with the generated snippet."""
    if not Path(NGINX).exists():
        pytest.fail("nginx not found: install Debian's nginx-light (make system-deps)")
    with nginx_with_snippet(subpath_site, tmp_path_factory.mktemp("nginx")) as hosted:
        yield hosted.server


@pytest.fixture(scope="session")
def zensical_subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built by Zensical for https://intranet.example/alliance/ (strict)."""

    def build(folder: Path) -> Path:
        work = write_generated_files(copy_project(folder / "project"))
        return _build_or_fail("zensical", work.parent / "site", cwd=work, site_url=SUBPATH_URL)

    return one_build_per_run(tmp_path_factory, "zensical-subpath", build)
