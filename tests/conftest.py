"""Shared fixtures: a Markdown factory for the extension, fixture bibliographies, built sites.

The layers (tests/README.md): engine/, site/ and content/ are unit tests; builds/ builds
whole sites; browser/ drives Chromium. Folder and fixture decide the ``build`` and
``browser`` markers here, so no test can forget them; ``oracle`` and ``slow`` are written
on the tests themselves. ``ALLIANCE_NO_ORACLES=1`` (``make test-fast``) takes Node.js and
Pandoc away, so a test that needs them and is not marked ``oracle`` fails there.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Final

import markdown
import pytest
from alliance_site.site_pages import PAGE_EXTENSIONS, page_configs, site_scanner
from citation_engine import markdown_extension, styling_cache
from citation_engine.markdown_extension import CitationExtension

if TYPE_CHECKING:
    from citation_engine.inline_citations import PlacedWork

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_BIB = FIXTURES / "bib" / "entry_types.bib"
FIXTURE_DOCS = FIXTURES / "docs"
SUBPATH_URL = "https://intranet.example/alliance/"
# The scan of this site's pages outside a build, as the site's commands make it.
SITE_SCAN = site_scanner(ROOT)


def collect_citations(text: str) -> list[PlacedWork]:
    """Every citation the site's scan sees in a page, with its line."""
    return markdown_extension.collect_citations(text, PAGE_EXTENSIONS, page_configs(ROOT))


MarkdownFactory = Callable[..., str]

# The servers (http.server, nginx, Apache) serve the HTTP tests and the browser tests alike.
pytest_plugins = ["tests.servers"]

# The session fixtures that build the real site: a test using one is a build test.
BUILD_FIXTURES = frozenset(
    {"mkdocs_site", "subpath_site", "zensical_site", "zensical_subpath_site", "offline_site"}
)
_FOLDER_MARKERS = {"builds": "build", "browser": "browser"}


def _without_oracles(shims: Path) -> None:
    """Take the oracles away: ``import pypandoc`` fails, and ``node`` and ``pandoc`` exit 127.

    The shims come first on PATH, so a test that runs either program fails with a message
    saying what to do, rather than finding the real one further down PATH.
    """
    sys.modules["pypandoc"] = None  # type: ignore[assignment]  # import now raises ImportError
    shims.mkdir(parents=True, exist_ok=True)
    for program in ("node", "pandoc"):
        shim = shims / program
        shim.write_text(
            "#!/bin/sh\n"
            f"echo '{program} is an oracle: mark the test oracle (make test-fast runs without"
            f" {program})' >&2\nexit 127\n",
            encoding="utf-8",
        )
        shim.chmod(0o755)
    os.environ["PATH"] = f"{shims}{os.pathsep}{os.environ.get('PATH', '')}"


if os.environ.get("ALLIANCE_NO_ORACLES") == "1":
    _without_oracles(Path(tempfile.mkdtemp(prefix="alliance-no-oracles-")))


_SKIPPED: list[str] = []


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    """Remember every skipped test (an expected failure is not one)."""
    if report.skipped and not hasattr(report, "wasxfail"):
        _SKIPPED.append(report.nodeid)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """In CI nothing may skip: a missing tool must fail the run, not thin it out."""
    if hasattr(session.config, "workerinput"):
        return  # a pytest-xdist worker: the controller sees every report and decides
    if os.environ.get("CI") == "true" and _SKIPPED and session.exitstatus == 0:
        print(f"\nCI: {len(_SKIPPED)} skipped, and nothing may skip: {_SKIPPED[:5]}")  # noqa: T201
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark by layer: tests/builds/ and tests/browser/ by folder, any real build by fixture."""
    for item in items:
        try:
            parts = Path(str(item.path)).resolve().relative_to(ROOT / "tests").parts
        except ValueError:  # a test outside tests/
            parts = ()
        marker = _FOLDER_MARKERS.get(parts[0]) if len(parts) > 1 else None
        if marker:
            item.add_marker(marker)
        if BUILD_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker("build")
    _long_modules_first(items)


_LONG: Final = ("browser", "build", "oracle", "slow")


def _long_modules_first(items: list[pytest.Item]) -> None:
    """Put every module with a browser, build, oracle or slow test before the others.

    `make test` hands out whole modules in this order (``--no-loadscope-reorder``): the long
    ones start first and the many short unit modules fill the end, so neither worker waits
    long for the other. pytest-xdist's own order (most tests first) started the one-test
    fresh-clone module last and left a worker idle for half a minute.
    """
    long_modules = {item.path for item in items if _is_long(item)}
    items.sort(key=lambda item: item.path not in long_modules)  # stable: modules stay whole


def _is_long(item: pytest.Item) -> bool:
    return any(item.get_closest_marker(name) for name in _LONG)


@pytest.fixture(autouse=True, scope="session")
def _fresh_citation_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Every test formats into a cache of this run's own: never the working tree's.

    Unit tests use the engine's default folder, moved here; builds read CITATION_CACHE_DIR
    through mkdocs.yml. A warm cache from an earlier run can then never hide a change.
    """
    folder = tmp_path_factory.mktemp("citation-cache")
    saved_default = styling_cache.DEFAULT_CACHE_DIR
    saved_env = os.environ.get("CITATION_CACHE_DIR")
    styling_cache.DEFAULT_CACHE_DIR = folder  # type: ignore[misc]
    os.environ["CITATION_CACHE_DIR"] = str(folder)
    yield folder
    styling_cache.DEFAULT_CACHE_DIR = saved_default  # type: ignore[misc]
    if saved_env is None:
        os.environ.pop("CITATION_CACHE_DIR", None)
    else:
        os.environ["CITATION_CACHE_DIR"] = saved_env


@pytest.fixture
def render() -> MarkdownFactory:
    """Render Markdown with the citation extension against the fixture bibliography."""

    def _render(text: str, *, bib: Path = FIXTURE_BIB, docs: Path = FIXTURE_DOCS) -> str:
        extension = CitationExtension(bibliography=str(bib), docs_dir=str(docs))
        return markdown.markdown(text, extensions=[extension])

    return _render


@pytest.fixture
def write_bib(tmp_path: Path) -> Callable[[str], Path]:
    """Write BibTeX text to ``tmp/bib/test.bib`` and return the path."""

    def _write(text: str) -> Path:
        path = tmp_path / "bib" / "test.bib"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    return _write


def run_engine(
    engine: str,
    site_dir: Path,
    *,
    cwd: Path = ROOT,
    site_url: str | None = None,
    settings: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Build the site in ``cwd`` with MkDocs or Zensical into ``site_dir`` (strict).

    ``settings``: environment variables that mkdocs.yml reads (for example SITE_CONTACT).
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(settings or {})}
    if site_url:
        env["SITE_URL"] = site_url
    if engine == "mkdocs":
        command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]
        return subprocess.run(
            command, cwd=cwd, env=env, capture_output=True, text=True, check=False
        )
    # Zensical writes to the configured site_dir; build in a copy so runs never collide.
    command = [sys.executable, "-m", "zensical", "build", "--strict", "--clean"]
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if result.returncode == 0:
        shutil.rmtree(site_dir, ignore_errors=True)
        shutil.move(str(cwd / "site"), site_dir)
    return result


def _build_or_fail(
    engine: str, site_dir: Path, *, cwd: Path = ROOT, site_url: str | None = None
) -> Path:
    result = run_engine(engine, site_dir, cwd=cwd, site_url=site_url)
    assert result.returncode == 0, f"{engine} build failed:\n{result.stdout}\n{result.stderr}"
    return site_dir


def one_build_per_run(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], Path]
) -> Path:
    """``build(folder)`` once per run, shared by every test process of the run.

    Alone, pytest builds into a folder of its own. Under pytest-xdist (``make test``) the
    first worker to ask builds into the run's common temporary folder, under a lock, and the
    others wait and read the same build: a build of this run's sources, never of an earlier
    run's. A build that fails is not recorded, so each worker that asks fails with its message.
    """
    if os.environ.get("PYTEST_XDIST_WORKER") is None:
        return build(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent / "builds"
    shared.mkdir(exist_ok=True)
    with (shared / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        built = shared / f"{name}.built"
        if not built.exists():
            folder = shared / name
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            built.write_text(str(build(folder)), encoding="utf-8")
        return Path(built.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def mkdocs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built once by MkDocs, strict, for the default site URL."""
    return one_build_per_run(
        tmp_path_factory, "mkdocs", lambda folder: _build_or_fail("mkdocs", folder / "site")
    )


@pytest.fixture(scope="session")
def subpath_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built for https://intranet.example/alliance/ (strict)."""
    return one_build_per_run(
        tmp_path_factory,
        "subpath",
        lambda folder: _build_or_fail("mkdocs", folder / "site", site_url=SUBPATH_URL),
    )


def copy_project(destination: Path) -> Path:
    """The project's sources without history, environments, caches or build output.

    Zensical writes into the project it builds, and release builds read git; a copy keeps
    both away from the working tree.
    """
    shutil.copytree(
        ROOT,
        destination,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "site", "site-*", "dist", ".*cache*", ".build-*", "benchmarks",
            "node_modules",
        ),
    )  # fmt: skip
    return destination


@pytest.fixture(scope="session")
def zensical_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site built once by Zensical, strict, in a copy of the project."""

    def build(folder: Path) -> Path:
        work = write_generated_files(copy_project(folder / "project"))
        return _build_or_fail("zensical", work.parent / "site", cwd=work)

    return one_build_per_run(tmp_path_factory, "zensical", build)


def write_generated_files(project: Path) -> Path:
    """Write the downloads and figures into ``docs/`` of a copy, as Zensical needs them.

    Zensical runs no MkDocs plugin, so they are written first, as the README says and
    `alliance_site build --engine zensical` does; MkDocs builds make their own.
    """
    for command in ("export", "figures"):
        subprocess.run(
            [sys.executable, "-m", "alliance_site", command],
            cwd=project,
            check=True,
            capture_output=True,
        )
    return project


def built_pages(site: Path) -> set[str]:
    """The HTML pages of a built site, relative to its root, without search and assets."""
    return {
        path.relative_to(site).as_posix()
        for path in site.rglob("*.html")
        if not path.relative_to(site).as_posix().startswith(("assets/", "search/"))
    }
