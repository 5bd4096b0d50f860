"""Build the site and package a release so that what is published is whole or absent.

- One build at a time per checkout: building and packaging hold an exclusive lock
  (``flock`` on ``.build.lock``), so a packaging step never reads a folder another build is
  cleaning.
- A build reads a private snapshot of the sources, taken once; the pages and the reference
  downloads (which the MkDocs plugin, or for Zensical this module, writes inside the build)
  therefore always come from the same bibliography, even if someone edits it meanwhile.
- The project is the folder the command runs in, or the folder of ``-f/--config-file`` as
  MkDocs takes it; never the folder this package was installed from, so a copied project
  builds into its own ``site/``.
- ``site/`` is replaced only when a build succeeded.
- The zip is written under a temporary name, read back and checked against the built
  files (the same names, the same SHA-256 of each), and only then renamed to its final
  name; an interrupted or failed run leaves no zip under that name.
- Two packagings of the same commit give byte-identical zips: sorted entries, fixed
  permissions, and every timestamp from ``SOURCE_DATE_EPOCH`` or else the commit's date.
- The zip holds a version file, plain-text install notes, LICENSE, CITATION.cff and the
  server configurations generated for this build (``alliance_site.server_configs``).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import fcntl
import hashlib
import importlib.util
import ipaddress
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from alliance_site.csp import content_security_policy, known_scripts, unknown_scripts
from alliance_site.server_configs import (
    DEFAULT_ROOT,
    Deployment,
    render_all,
    site_url_problem,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

CONFIG_FILE: Final = "mkdocs.yml"
NAME: Final = "mindful-alliance"
LOCK_FILE: Final = ".build.lock"
WORK_PREFIX: Final = ".build-work-"
# What a build reads besides its configuration: the pages, the bibliography and the figures'
# data (the downloads and figures are generated from them), snippets and templates.
SOURCES: Final = ("docs", "bib", "data", "includes", "overrides")
# Read by pages through snippets (--8<--) when they exist.
OPTIONAL_SOURCES: Final = ("CONTRIBUTING.md", "README.md", "LICENSE", "CITATION.cff", "VERSION")
# Written by `alliance_site export` for a plain Zensical build; every build makes its own.
GENERATED_IN_DOCS: Final = "downloads"
DEFAULT_SITE_URL: Final = "http://127.0.0.1:8000/"
ENGINES: Final = ("mkdocs", "zensical")
ZIP_MODE: Final = 0o644
ZIP_EPOCH_FLOOR: Final = 315532800  # 1980-01-01, the earliest time a zip can record


class ReleaseError(Exception):
    """A build or packaging step failed; the message says which and why."""


@dataclass(frozen=True)
class Version:
    """What a release is: the commit, its date (the release's timestamps), and a label."""

    commit: str
    epoch: int
    dirty: bool
    release: str = ""

    @property
    def label(self) -> str:
        """``2026.11+6f47af6``: the site's version (VERSION), then the commit (``.dirty``).

        Without a VERSION file the commit date stands in for the version.
        """
        day = self.release or time.strftime("%Y.%m.%d", time.gmtime(self.epoch))
        return f"{day}+{self.commit[:7]}{'.dirty' if self.dirty else ''}"


@dataclass(frozen=True)
class BuildOptions:
    """One build: the address it is for, the engine, and the file-share variant."""

    site_url: str = DEFAULT_SITE_URL
    engine: str = "mkdocs"
    offline: bool = False


def _git(root: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", "-C", str(root), *args], capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise ReleaseError(f"git {' '.join(args)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def version_of(root: Path, environ: Mapping[str, str] = os.environ) -> Version:
    """The commit checked out, whether tracked files differ from it, and the release time.

    Outside a git checkout (an unpacked source archive) SOURCE_DATE_EPOCH must say the time,
    and the commit is "unknown".
    """
    epoch_text = environ.get("SOURCE_DATE_EPOCH")
    try:
        commit = _git(root, "rev-parse", "HEAD")
    except ReleaseError:
        if not epoch_text:
            raise ReleaseError(
                f"{root} is not a git checkout: set SOURCE_DATE_EPOCH to the release time"
            ) from None
        commit, dirty = "unknown", False
    else:
        # Untracked files under the sources are copied into the build, so they count too.
        dirty = bool(
            _git(root, "status", "--porcelain", "--untracked-files=no")
            or _git(root, "status", "--porcelain", "--untracked-files=all", "--", *SOURCES)
        )
        # A dirty build gets the current time, so a server's ETag and Last-Modified change
        # when the same commit is released again with edits; a clean one the commit's time.
        epoch_text = epoch_text or (
            str(int(time.time())) if dirty else _git(root, "log", "-1", "--format=%ct")
        )
    try:
        epoch = int(epoch_text)
    except ValueError:
        raise ReleaseError(f"SOURCE_DATE_EPOCH is not a whole number: {epoch_text!r}") from None
    version_file = root / "VERSION"
    release = version_file.read_text(encoding="utf-8").strip() if version_file.is_file() else ""
    return Version(commit, epoch, dirty, release)


@contextlib.contextmanager
def build_lock(root: Path) -> Iterator[None]:
    """Hold the checkout's build lock; wait (saying so) while another build holds it."""
    with (root / LOCK_FILE).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            _say(f"waiting for another build in this checkout to finish ({LOCK_FILE})")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _say(message: str) -> None:
    sys.stderr.write(message + "\n")


_OWN_FILE: Final = "put the file itself there, or remove the link"


def special_files(root: Path) -> list[str]:
    """A problem for each symbolic link or special file among the sources, named from ``root``.

    A link is refused wherever it points: followed, it publishes whatever the build can read
    (``/etc/passwd``, ``/proc/self/environ``), and Git carries links in a pull request. A
    named pipe, socket or device would block or feed the copy forever.
    """
    problems = []
    for name in SOURCES:
        top = root / name
        if top.is_symlink():
            problems.append(f"{name}: a symbolic link (to {top.readlink()}); refusing to follow it")
            continue
        if not top.is_dir():
            continue
        for folder, folders, files in os.walk(top):
            for entry in sorted([*folders, *files]):
                path = Path(folder) / entry
                shown = path.relative_to(root).as_posix()
                mode = path.lstat().st_mode
                if stat.S_ISLNK(mode):
                    problems.append(
                        f"{shown}: a symbolic link (to {path.readlink()}); the site publishes "
                        f"only the project's own files: {_OWN_FILE}"
                    )
                elif not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                    problems.append(
                        f"{shown}: not a regular file or folder (a named pipe, socket or device); "
                        "remove it"
                    )
    return sorted(problems)


_TITLE_LINE_RE: Final = re.compile(r"^title\s*:(?P<value>.*)$")


def title_problems(root: Path) -> list[str]:
    """A problem for each front-matter ``title`` holding ``<``, with its file and line.

    The theme prints a page's front-matter title as it is written, in the header and the
    browser tab: a ``<`` there would be markup (a script, or a comment hiding the page).
    """
    problems = []
    for page in sorted((root / "docs").rglob("*.md")):
        if page.is_symlink() or not page.is_file():
            continue
        lines = page.read_text(encoding="utf-8").split("\n")
        if not lines or lines[0].strip() != "---":
            continue
        for number, line in enumerate(lines[1:], start=2):
            if line.strip() == "---":
                break
            title = _TITLE_LINE_RE.match(line)
            if title and "<" in title["value"]:
                problems.append(
                    f"{page.relative_to(root).as_posix()}:{number}: the front-matter title "
                    "holds '<', which the theme would print as markup; a title is text: "
                    "write it without '<'"
                )
    return problems


def _skip_generated(docs: Path) -> Callable[[str, list[str]], list[str]]:
    """Leave out ``docs/downloads`` (only that one: a page folder may be named so too)."""

    def ignore(folder: str, names: list[str]) -> list[str]:
        return [GENERATED_IN_DOCS] if Path(folder) == docs and GENERATED_IN_DOCS in names else []

    return ignore


def snapshot(root: Path, work: Path, config_file: str = CONFIG_FILE) -> Path:
    """Copy what a build reads into ``work/project``, each file read once, and return it."""
    problems = special_files(root) + title_problems(root)
    if problems:
        raise ReleaseError("\n".join(problems))
    project = work / "project"
    project.mkdir(parents=True)
    for name in (config_file, *SOURCES):
        source = root / name
        if source.is_dir():
            ignore = _skip_generated(source) if name == "docs" else None
            # Links were refused above; copied as links, one made since is refused when packed.
            shutil.copytree(source, project / name, ignore=ignore, symlinks=True)
        elif source.exists():
            shutil.copy2(source, project / name)
        else:
            raise ReleaseError(f"{source}: missing; a build needs it")
    for name in OPTIONAL_SOURCES:
        if (root / name).is_file():
            shutil.copy2(root / name, project / name)
    # The formatting cache is shared with ordinary builds (its writes are atomic).
    cache = root / ".citation-cache"
    cache.mkdir(exist_ok=True)
    (project / ".citation-cache").symlink_to(cache, target_is_directory=True)
    return project


def _engine_environment(options: BuildOptions, version: Version) -> dict[str, str]:
    env = {
        **os.environ,
        "NO_MKDOCS_2_WARNING": "1",
        "SITE_URL": options.site_url,
        "SOURCE_DATE_EPOCH": str(version.epoch),
    }
    for name in ("USE_DIRECTORY_URLS", "SEARCH_ENABLED"):
        if options.offline:
            env[name] = "false"
        else:
            env.pop(name, None)
    return env


def _run(command: list[str], cwd: Path, env: Mapping[str, str], what: str) -> None:
    result = subprocess.run(command, cwd=cwd, env=dict(env), check=False)
    if result.returncode != 0:
        raise ReleaseError(f"{what} failed (exit status {result.returncode}); see above")


def build_into(
    project: Path, options: BuildOptions, version: Version, config_file: str = CONFIG_FILE
) -> Path:
    """Build the site inside the snapshot; return the built folder.

    MkDocs writes the downloads and figures itself (``alliance_site.mkdocs_plugin``).
    Zensical runs no MkDocs plugin, so they are written into the snapshot's ``docs/`` first,
    by the same functions.
    """
    if options.engine not in ENGINES:
        raise ReleaseError(f"unknown engine {options.engine!r}; choose from {', '.join(ENGINES)}")
    env = _engine_environment(options, version)
    python = sys.executable
    site = project / "site"
    config = ["--config-file", config_file]
    if options.engine == "mkdocs":
        command = [python, "-m", "mkdocs", "build", *config, "--strict", "--clean"]
        command += ["--site-dir", "site"]
    else:
        _run([python, "-m", "alliance_site", "export"], project, env, "writing the downloads")
        _run([python, "-m", "alliance_site", "figures"], project, env, "drawing the figures")
        command = [python, "-m", "zensical", "build", *config, "--strict", "--clean"]
    _run(command, project, env, f"the {options.engine} build")
    if not (site / "index.html").is_file():
        raise ReleaseError(f"the {options.engine} build wrote no {site / 'index.html'}")
    problems = unknown_scripts(site, known_scripts(_template_folders(project)))
    if problems:
        raise ReleaseError("\n".join(problems))
    return site


def _template_folders(project: Path) -> list[Path]:
    """The project's template overrides and each theme's templates: who may write scripts."""
    folders = [project / "overrides"]
    for theme in ("material", "zensical"):
        spec = importlib.util.find_spec(theme)
        if spec is not None and spec.submodule_search_locations:
            folders.extend(Path(place) / "templates" for place in spec.submodule_search_locations)
    return [folder for folder in folders if folder.is_dir()]


@contextlib.contextmanager
def _work_dir(root: Path) -> Iterator[Path]:
    # In the checkout, so the finished site can be renamed into place (same file system).
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=root))
    try:
        yield work
    finally:
        shutil.rmtree(work, ignore_errors=True)


def build(root: Path, options: BuildOptions, out: Path, config_file: str = CONFIG_FILE) -> Path:
    """Build from a snapshot and replace ``out`` with the result only when it succeeded."""
    version = version_of(root)
    with build_lock(root), _work_dir(root) as work:
        recover_staged(out)
        site = build_into(snapshot(root, work, config_file), options, version, config_file)
        _replace_folder(site, out, work)
    return out


def _replace_folder(new: Path, out: Path, work: Path) -> None:
    """Put the new build in place of ``out``; ``out`` is never a half-written folder.

    Where the system can swap two folders in one step (Linux), there is no moment without
    ``out``; elsewhere a crash between the two renames leaves the finished build staged,
    and the next build puts it in place first (``recover_staged``).
    """
    staged = _staged(out)
    shutil.rmtree(staged, ignore_errors=True)
    shutil.move(str(new), staged)  # a rename when on the same file system
    if out.exists() and _exchange(staged, out):
        staged.rename(work / "previous")
        return
    old = work / "previous"
    if out.exists():
        out.rename(old)
    staged.rename(out)


def _staged(out: Path) -> Path:
    return out.parent / f".{out.name}.new"


def recover_staged(out: Path) -> None:
    """Put back a finished build that a crash left staged with no ``out`` in its place."""
    staged = _staged(out)
    if not out.exists() and staged.is_dir():
        staged.rename(out)
        _say(f"{out}: put in place the build an interrupted run had finished")


_RENAME_EXCHANGE: Final = 2
_AT_FDCWD: Final = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step with Linux's ``renameat2``; ``False`` where it cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p]
    renameat2.argtypes += [ctypes.c_uint]
    result = renameat2(
        _AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE
    )
    return bool(result == 0)


# -- packaging ------------------------------------------------------------------------------


def zip_name(version: Version, options: BuildOptions) -> str:
    """``mindful-alliance-2026.11-6f47af6[-zensical][-offline]``, without ``.zip``."""
    parts = [NAME, version.label.replace("+", "-")]
    if options.engine != "mkdocs":
        parts.append(options.engine)
    if options.offline:
        parts.append("offline")
    return "-".join(parts)


def file_digest(path: Path) -> str:
    """SHA-256 of a file, in hexadecimal."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def manifest(folder: Path, top: str) -> dict[str, Path]:
    """Every file under ``folder`` by its name in the zip (``top/...``), in sorted order."""
    files = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            raise ReleaseError(f"{path}: a symbolic link in the release; refusing to pack it")
        if path.is_file():
            files[f"{top}/{path.relative_to(folder).as_posix()}"] = path
    problems = [problem for name in files if (problem := member_name_problem(name))]
    if problems:
        raise ReleaseError("\n".join(problems))
    return files


_UNPORTABLE_RE: Final = re.compile(r'[\x00-\x1f\x7f\\:*?"<>|]')
_WINDOWS_DEVICES: Final = frozenset(
    ["con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)), *(f"lpt{n}" for n in range(10))]
)


def member_name_problem(name: str) -> str:
    r"""Why a zip member name is unsafe to unpack on some system, or ``""``.

    A backslash is a folder separator to some extractors (a name like ``x\..\evil``), and
    Windows, where the file-share zip is unpacked, cannot create control characters,
    ``:*?"<>|``, a name ending in a dot or space, or a device name such as ``aux.txt``.
    """
    for part in name.split("/"):
        if _UNPORTABLE_RE.search(part):
            return f"{name!r}: a name some systems cannot unpack safely; rename the file"
        if part.endswith((".", " ")) or part.split(".")[0].lower() in _WINDOWS_DEVICES:
            return f"{name!r}: a name Windows cannot create; rename the file"
    return ""


def write_zip(target: Path, files: Mapping[str, Path], epoch: int) -> None:
    """Write the files in sorted order, with fixed times and permissions (reproducible)."""
    stamp = time.gmtime(max(epoch, ZIP_EPOCH_FLOOR))[:6]
    with zipfile.ZipFile(target, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, so the permissions below are read
            info.external_attr = (0o100000 | ZIP_MODE) << 16
            archive.writestr(info, files[name].read_bytes(), compresslevel=9)


def verify_zip(archive_path: Path, expected: Mapping[str, str]) -> list[str]:
    """Problems found reading the zip back: missing, extra or altered files; none if whole."""
    problems = []
    with zipfile.ZipFile(archive_path) as archive:
        bad = archive.testzip()
        if bad is not None:
            problems.append(f"{bad}: damaged in the archive")
        names = archive.namelist()
        if len(names) != len(set(names)):
            problems.append("the archive holds a name twice")
        missing = sorted(set(expected) - set(names))
        extra = sorted(set(names) - set(expected))
        problems += [f"{name}: built but not in the archive" for name in missing]
        problems += [f"{name}: in the archive but not built" for name in extra]
        for name in sorted(set(expected) & set(names)):
            if hashlib.sha256(archive.read(name)).hexdigest() != expected[name]:
                problems.append(f"{name}: differs from the built file")
    return problems


def _version_text(version: Version, options: BuildOptions, deployment: Deployment) -> str:
    released = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(version.epoch))
    return (
        f"Mindful Alliance {version.label}\n"
        f"commit: {version.commit}{' (with uncommitted changes)' if version.dirty else ''}\n"
        f"date of the commit: {released}\n"
        f"built for: {options.site_url}\n"
        f"served under: {deployment.prefix}\n"
        f"engine: {options.engine}\n"
        f"variant: {'file share (open site/index.html)' if options.offline else 'web server'}\n"
    )


def _install_text(
    root: Path, version: Version, options: BuildOptions, deployment: Deployment
) -> str:
    template = root / "deploy" / ("INSTALL-offline.txt" if options.offline else "INSTALL.txt")
    text = template.read_text(encoding="utf-8")
    values = {
        "@@VERSION@@": version.label,
        "@@SITE_URL@@": options.site_url,
        "@@PREFIX@@": deployment.prefix,
        "@@SITE_DIR@@": deployment.site_dir,
        "@@SERVER_NAME@@": deployment.server_name,
    }
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    if "@@" in text:
        raise ReleaseError(f"{template}: a placeholder has no value")
    return text


def package(root: Path, site: Path, work: Path, version: Version, options: BuildOptions) -> Path:
    """Lay out the release folder: the site plus what an administrator needs beside it."""
    top = work / "release"
    shutil.copytree(site, top / "site")
    deployment = Deployment(
        site_url=options.site_url,
        csp=content_security_policy(site),
        version=version.label,
        root=DEFAULT_ROOT,
    )
    (top / "VERSION.txt").write_text(_version_text(version, options, deployment), encoding="utf-8")
    (top / "INSTALL.txt").write_text(
        _install_text(root, version, options, deployment), encoding="utf-8"
    )
    for name in ("LICENSE", "CITATION.cff"):
        shutil.copy2(root / name, top / name)
    if not options.offline:
        for name, text in render_all(root / "deploy" / "templates", deployment).items():
            path = top / "server" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    return top


def dist(root: Path, options: BuildOptions, dist_dir: Path, config_file: str = CONFIG_FILE) -> Path:
    """Build, package, write the zip under a temporary name, check it, then name it."""
    version = version_of(root)
    name = zip_name(version, options)
    dist_dir.mkdir(parents=True, exist_ok=True)
    final = dist_dir / f"{name}.zip"
    partial = dist_dir / f".{name}.zip.partial"
    with build_lock(root), _work_dir(root) as work:
        site = build_into(snapshot(root, work, config_file), options, version, config_file)
        files = manifest(package(root, site, work, version, options), name)
        expected = {arcname: file_digest(path) for arcname, path in files.items()}
        built = sum(1 for path in site.rglob("*") if path.is_file())
        in_site = sum(1 for arcname in expected if arcname.startswith(f"{name}/site/"))
        if built != in_site:
            raise ReleaseError(f"{built} files built but {in_site} laid out for the zip")
        try:
            write_zip(partial, files, version.epoch)
            problems = verify_zip(partial, expected)
            if problems:
                raise ReleaseError(
                    "the archive does not match the build:\n  " + "\n  ".join(problems)
                )
            # The checksum is in place before the zip takes its name: a crash between the
            # two leaves an old zip with a checksum that says so, never a new zip without one.
            checksum = file_digest(partial)
            sums = dist_dir / f".{name}.zip.sha256.partial"
            sums.write_text(f"{checksum}  {final.name}\n", encoding="utf-8")
            sums.replace(dist_dir / f"{name}.zip.sha256")
            partial.replace(final)
        finally:
            partial.unlink(missing_ok=True)
    _say(
        f"{final}: {len(expected)} files ({in_site} in site/), checked against the build; "
        f"sha256 {checksum}; built for {options.site_url}"
    )
    return final


# -- serving ---------------------------------------------------------------------------------


def dev_addr_warning(dev_addr: str) -> str:
    """A warning when the preview would listen beyond this machine, or ``""``."""
    host = dev_addr.rpartition(":")[0].strip("[]") or dev_addr
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = host == "localhost"
    if loopback:
        return ""
    return (
        f"warning: the preview listens on {dev_addr}, so any machine that can reach this one "
        "can read it (drafts included); its pages name the site as "
        f"http://{dev_addr}/, which is not an address another machine can use"
    )


def serve(root: Path, dev_addr: str, config_file: str = CONFIG_FILE) -> int:
    """``mkdocs serve`` with live reload for pages, the bibliography and its downloads.

    The plugin rewrites the downloads and figures on every rebuild and watches the
    bibliography and the figures' data; ``alliance_site.mkdocs_serve`` reports a broken
    ``mkdocs.yml`` on a rebuild as a message.
    """
    warning = dev_addr_warning(dev_addr)
    if warning:
        _say(warning)
    # MkDocs would read a named pipe among the pages until killed, and follow any link.
    problems = special_files(root)
    if problems:
        raise ReleaseError("\n".join(problems))
    command = [sys.executable, "-m", "alliance_site.mkdocs_serve", "--dev-addr", dev_addr]
    command += ["--config-file", str(root / config_file)]
    try:
        return subprocess.run(command, cwd=root, check=False).returncode
    except KeyboardInterrupt:
        return 0


# -- command line ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m alliance_site release", description=__doc__)
    parser.add_argument("action", choices=("build", "dist", "serve"))
    parser.add_argument("--dev-addr", default="127.0.0.1:8000", help="serve: address to listen on")
    parser.add_argument("--engine", choices=ENGINES, default="mkdocs")
    parser.add_argument("--offline", action="store_true", help="the variant for file shares")
    parser.add_argument(
        "--site-url",
        default=os.environ.get("SITE_URL") or DEFAULT_SITE_URL,
        help="the address the site is served from (default: $SITE_URL)",
    )
    parser.add_argument("--out", type=Path, help="site folder (build) or zip folder (dist)")
    parser.add_argument(
        "-f",
        "--config-file",
        type=Path,
        default=Path(CONFIG_FILE),
        help="the project's configuration; its folder is the project (default: ./mkdocs.yml)",
    )
    return parser


def project_of(config_file: Path) -> Path:
    """The project folder a configuration file names: the folder it is in."""
    if not config_file.is_file():
        where = config_file.resolve()
        raise ReleaseError(
            f"{where}: no such configuration file; run this in the project's folder "
            "(where mkdocs.yml is) or name it with -f/--config-file"
        )
    return config_file.resolve().parent


def main(argv: Sequence[str] | None = None) -> int:
    """``build`` replaces the site folder; ``dist`` writes a checked zip. 0 done, 1 failed."""
    args = _parser().parse_args(argv)
    options = BuildOptions(site_url=args.site_url, engine=args.engine, offline=args.offline)
    config_name: str = args.config_file.name
    try:
        root = project_of(args.config_file)
        if args.action == "serve":
            return serve(root, args.dev_addr, config_name)
        if problem := site_url_problem(args.site_url):
            raise ReleaseError(problem)
        if args.action == "build":
            default = "site" if args.engine == "mkdocs" else "site-zensical"
            out = args.out or root / (default + ("-offline" if args.offline else ""))
            build(root, options, out.resolve(), config_name)
            _say(f"{out}: built with {args.engine} for {args.site_url}")
        else:
            dist(root, options, (args.out or root / "dist").resolve(), config_name)
    except ReleaseError as error:
        _say(f"error: {error}")
        return 1
    except KeyboardInterrupt:
        _say("interrupted: nothing was published")
        return 130
    return 0
