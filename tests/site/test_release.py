"""Releases are whole or absent, reproducible, and carry what an administrator needs."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import threading
import time
import zipfile
from pathlib import Path

import pytest
from alliance_site import release
from alliance_site.release import (
    BuildOptions,
    ReleaseError,
    Version,
    build_lock,
    manifest,
    verify_zip,
    write_zip,
    zip_name,
)
from alliance_site.server_configs import site_url_problem

from tests.conftest import ROOT, SUBPATH_URL, copy_project

EPOCH = 1796000000  # 2026-11-30 00:53:20 UTC


def _folder(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>home</h1>", encoding="utf-8")
    (site / "assets" / "site.js").write_text("console.log(1)", encoding="utf-8")
    (site / "zeta.txt").write_text("z", encoding="utf-8")
    return site


def _digests(files: dict[str, Path]) -> dict[str, str]:
    return {name: hashlib.sha256(path.read_bytes()).hexdigest() for name, path in files.items()}


def test_a_zip_is_byte_identical_whatever_the_files_times(tmp_path: Path) -> None:
    site = _folder(tmp_path)
    files = manifest(site, "top")
    first, second = tmp_path / "1.zip", tmp_path / "2.zip"
    write_zip(first, files, EPOCH)
    for path in site.rglob("*"):
        os.utime(path, (0, time.time()))
    write_zip(second, files, EPOCH)
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as archive:
        assert archive.namelist() == ["top/assets/site.js", "top/index.html", "top/zeta.txt"]
        assert {info.date_time for info in archive.infolist()} == {(2026, 11, 30, 0, 53, 20)}
        assert {info.external_attr >> 16 for info in archive.infolist()} == {0o100644}


def test_verification_finds_missing_extra_and_altered_files(tmp_path: Path) -> None:
    site = _folder(tmp_path)
    files = manifest(site, "top")
    expected = _digests(files)
    archive = tmp_path / "x.zip"
    write_zip(archive, files, EPOCH)
    assert verify_zip(archive, expected) == []
    altered = {**expected, "top/index.html": "0" * 64, "top/extra.html": "0" * 64}
    del altered["top/zeta.txt"]
    assert verify_zip(archive, altered) == [
        "top/extra.html: built but not in the archive",
        "top/zeta.txt: in the archive but not built",
        "top/index.html: differs from the built file",
    ]


def test_a_symbolic_link_is_never_packed(tmp_path: Path) -> None:
    site = _folder(tmp_path)
    (site / "link").symlink_to("/etc/hostname")
    with pytest.raises(ReleaseError, match="a symbolic link in the release"):
        manifest(site, "top")


def test_zip_names_say_version_engine_and_variant() -> None:
    version = Version("6f47af6" + "0" * 33, EPOCH, dirty=False, release="2026.11")
    assert version.label == "2026.11+6f47af6"
    assert zip_name(version, BuildOptions()) == "mindful-alliance-2026.11-6f47af6"
    offline = BuildOptions(engine="zensical", offline=True)
    assert zip_name(version, offline) == "mindful-alliance-2026.11-6f47af6-zensical-offline"
    dirty = Version("abcdef0" * 6, EPOCH, dirty=True, release="2026.11")
    assert dirty.label == "2026.11+abcdef0.dirty"
    # Without a VERSION file (an unpacked source archive), the commit date stands in.
    assert Version("6f47af6" + "0" * 33, EPOCH, dirty=False).label == "2026.11.30+6f47af6"


def test_the_build_lock_makes_a_second_build_wait(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    events: list[str] = []

    def second() -> None:
        with build_lock(tmp_path):
            events.append("second has the lock")

    with build_lock(tmp_path):
        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(0.5)
        events.append("first releases")
    waiting.join(timeout=10)
    assert events == ["first releases", "second has the lock"]
    assert "waiting for another build in this checkout to finish" in capsys.readouterr().err


# -- dist with a stand-in build (the packaging steps are real) ---------------------------------


@pytest.fixture
def fake_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Replace the engine run by a tiny site, so only packaging is exercised."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    monkeypatch.chdir(ROOT)  # the project the command line packs

    def build_into(
        project: Path, options: BuildOptions, version: Version, config_file: str
    ) -> Path:
        site = project / "site"
        shutil.copytree(_folder(tmp_path / "made"), site)
        (site / "downloads").mkdir()
        (site / "downloads" / "references.bib").write_text("@misc{a,}\n", encoding="utf-8")
        return site

    monkeypatch.setattr(release, "build_into", build_into)
    return tmp_path / "dist"


def test_dist_holds_the_site_and_what_an_administrator_needs(fake_build: Path) -> None:
    options = BuildOptions(site_url=SUBPATH_URL)
    archive = release.dist(ROOT, options, fake_build)
    top = archive.name.removesuffix(".zip")
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        version_text = opened.read(f"{top}/VERSION.txt").decode()
        install = opened.read(f"{top}/INSTALL.txt").decode()
        location = opened.read(f"{top}/server/nginx/mindful-alliance-locations.conf").decode()
    assert {
        f"{top}/site/index.html",
        f"{top}/site/downloads/references.bib",
        f"{top}/LICENSE",
        f"{top}/CITATION.cff",
        f"{top}/server/csp.txt",
        f"{top}/server/nginx/mindful-alliance.conf",
        f"{top}/server/nginx/mindful-alliance-https.conf",
        f"{top}/server/nginx/mindful-alliance-locations-https.conf",
        f"{top}/server/apache/mindful-alliance.conf",
        f"{top}/server/apache/htaccess",
    } <= names
    assert f"built for: {SUBPATH_URL}" in version_text
    assert "/var/www/mindful-alliance/alliance/" in install
    assert "@@" not in install + location
    assert "location ^~ /alliance/ {" in location
    checksum = (fake_build / f"{archive.name}.sha256").read_text(encoding="utf-8")
    assert checksum == f"{hashlib.sha256(archive.read_bytes()).hexdigest()}  {archive.name}\n"
    assert sorted(path.name for path in fake_build.iterdir()) == [
        archive.name,
        f"{archive.name}.sha256",
    ]


def test_an_interrupted_zip_leaves_nothing_under_any_name(
    fake_build: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_write = release.write_zip

    def interrupted(target: Path, files: dict[str, Path], epoch: int) -> None:
        real_write(target, dict(list(files.items())[:2]), epoch)  # a valid, partial zip
        raise KeyboardInterrupt

    monkeypatch.setattr(release, "write_zip", interrupted)
    status = release.main(["dist", "--site-url", SUBPATH_URL, "--out", str(fake_build)])
    assert status == 130
    assert "interrupted: nothing was published" in capsys.readouterr().err
    assert list(fake_build.iterdir()) == []
    assert not list(ROOT.glob(".build-work-*"))


def test_an_archive_that_differs_from_the_build_is_not_published(
    fake_build: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real_write = release.write_zip

    def short(target: Path, files: dict[str, Path], epoch: int) -> None:
        real_write(target, dict(list(files.items())[1:]), epoch)

    monkeypatch.setattr(release, "write_zip", short)
    status = release.main(["dist", "--site-url", SUBPATH_URL, "--out", str(fake_build)])
    assert status == 1
    error = capsys.readouterr().err
    assert "error: the archive does not match the build:" in error
    assert ": built but not in the archive" in error
    assert list(fake_build.iterdir()) == []


# -- real builds in a copy of the project --------------------------------------------------------


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project without its git history (so SOURCE_DATE_EPOCH dates the release)."""
    return copy_project(tmp_path_factory.mktemp("release") / "project")


@pytest.mark.build
def test_two_dists_of_the_same_sources_are_byte_identical(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    options = BuildOptions(site_url=SUBPATH_URL)
    first = release.dist(project_copy, options, tmp_path / "a")
    second = release.dist(project_copy, options, tmp_path / "b")
    version = (project_copy / "VERSION").read_text(encoding="utf-8").strip()
    assert first.name == f"mindful-alliance-{version}-unknown.zip"
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.build
def test_pages_and_downloads_come_from_the_same_bibliography(
    project_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checkout's bibliography is edited after the snapshot, before the build runs."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    bib = project_copy / "bib" / "references.bib"
    original = bib.read_text(encoding="utf-8")
    assert "Mindfulness training as a clinical intervention" in original
    real_run = release._run

    def edit_before_build(command: list[str], cwd: Path, env: dict[str, str], what: str) -> None:
        bib.write_text(
            original.replace("Mindfulness training as a clinical intervention", "EDITED"),
            encoding="utf-8",
        )
        real_run(command, cwd, env, what)

    monkeypatch.setattr(release, "_run", edit_before_build)
    try:
        site = release.build(project_copy, BuildOptions(site_url=SUBPATH_URL), tmp_path / "site")
    finally:
        bib.write_text(original, encoding="utf-8")
    download = (site / "downloads" / "references.bib").read_text(encoding="utf-8")
    page = (site / "references" / "index.html").read_text(encoding="utf-8")
    assert "EDITED" not in download + page
    assert "Mindfulness training as a clinical intervention" in download
    assert "Mindfulness training as a clinical intervention" in page


def test_the_project_is_the_folder_the_command_runs_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Run outside any project, the command names the folder it looked in, not its own."""
    monkeypatch.chdir(tmp_path)
    assert release.main(["build"]) == 1
    assert capsys.readouterr().err == (
        f"error: {tmp_path / 'mkdocs.yml'}: no such configuration file; run this in the "
        "project's folder (where mkdocs.yml is) or name it with -f/--config-file\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.build
def test_a_copied_project_builds_into_its_own_site_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A copy of the project (a second site, a backup) builds itself; the original is untouched.

    The copy is built through the command line, once from its own folder and once with
    ``-f`` from elsewhere, as `make build` and MkDocs users would.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    copy = copy_project(tmp_path / "copy")
    config = copy / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "site_name: Mindful Alliance", "site_name: Second Clinic"
        ),
        encoding="utf-8",
    )
    original_site = ROOT / "site" / "index.html"
    before = original_site.stat().st_mtime_ns if original_site.exists() else None
    monkeypatch.chdir(copy)
    assert release.main(["build", "--site-url", SUBPATH_URL]) == 0
    assert "Second Clinic" in (copy / "site" / "index.html").read_text(encoding="utf-8")
    assert (copy / "site" / "downloads" / "references.bib").is_file()
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "elsewhere"
    assert release.main(["build", "-f", "copy/mkdocs.yml", "--out", str(out)]) == 0
    assert "Second Clinic" in (out / "index.html").read_text(encoding="utf-8")
    after = original_site.stat().st_mtime_ns if original_site.exists() else None
    assert after == before


def test_the_snapshot_leaves_out_only_docs_downloads(tmp_path: Path) -> None:
    """A page folder or asset named ``downloads`` is published; the generated folder is not."""
    root = tmp_path / "project"
    for name in ("mkdocs.yml", "bib/references.bib", "data/effects.csv", "includes/a.md"):
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("x", encoding="utf-8")
    (root / "overrides").mkdir()
    kept = ("practice/downloads/handout.txt", "assets/downloads", "index.md")
    for name in (*kept, "downloads/references.bib"):
        (root / "docs" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text("x", encoding="utf-8")
    project = release.snapshot(root, tmp_path / "work")
    copied = sorted(
        path.relative_to(project / "docs").as_posix()
        for path in (project / "docs").rglob("*")
        if path.is_file()
    )
    assert copied == sorted(kept)


def _sources(root: Path) -> Path:
    root.mkdir()
    (root / release.CONFIG_FILE).write_text("site_name: x\n", encoding="utf-8")
    for name in release.SOURCES:
        if "." in name:
            (root / name).write_text("site_name: x\n", encoding="utf-8")
        else:
            (root / name).mkdir(parents=True)
    (root / "docs" / "assets").mkdir()
    (root / "docs" / "index.md").write_text("# Home\n", encoding="utf-8")
    return root


def test_links_and_special_files_in_the_sources_stop_the_build_by_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _sources(tmp_path / "project")
    (root / "docs" / "hostname.txt").symlink_to("/etc/hostname")
    (root / "docs" / "assets" / "loop").symlink_to(".", target_is_directory=True)
    os.mkfifo(root / "docs" / "pipe")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert (
        release.main(["build", "-f", str(root / "mkdocs.yml"), "--out", str(tmp_path / "site")])
        == 1
    )
    assert capsys.readouterr().err == (
        "error: docs/assets/loop: a symbolic link (to .); the site publishes only the "
        "project's own files: put the file itself there, or remove the link\n"
        "docs/hostname.txt: a symbolic link (to /etc/hostname); the site publishes only the "
        "project's own files: put the file itself there, or remove the link\n"
        "docs/pipe: not a regular file or folder (a named pipe, socket or device); remove it\n"
    )
    assert not (tmp_path / "site").exists()


def test_a_linked_source_folder_is_refused(tmp_path: Path) -> None:
    root = _sources(tmp_path / "project")
    shutil.rmtree(root / "includes")
    (root / "includes").symlink_to("/etc", target_is_directory=True)
    assert release.special_files(root) == [
        "includes: a symbolic link (to /etc); refusing to follow it"
    ]


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("top/site/assets/x\\..\\..\\evil.txt", "a name some systems cannot unpack safely"),
        ("top/site/assets/new\nline.txt", "a name some systems cannot unpack safely"),
        ("top/site/downloads/entries/Doe:2020ab.bib", "a name some systems cannot unpack safely"),
        ("top/site/assets/aux.txt", "a name Windows cannot create"),
        ("top/site/assets/COM1", "a name Windows cannot create"),
        ("top/site/assets/trailing.", "a name Windows cannot create"),
    ],
)
def test_unportable_member_names_are_refused(tmp_path: Path, name: str, problem: str) -> None:
    site = _folder(tmp_path)
    path = site / name.removeprefix("top/site/")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("x", encoding="utf-8")
    with pytest.raises(ReleaseError) as raised:
        manifest(tmp_path, "top")
    assert str(raised.value) == f"{name!r}: {problem}; rename the file"


def test_the_checksum_is_named_before_the_zip(
    fake_build: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[str] = []
    original = type(fake_build).replace

    def replace(self: Path, target: Path) -> Path:
        seen.append(Path(target).name)
        return original(self, target)

    monkeypatch.setattr(type(fake_build), "replace", replace)
    final = release.dist(_project_for_dist(fake_build.parent), BuildOptions(), fake_build)
    assert [name for name in seen if name.startswith("mindful")] == [
        f"{final.name}.sha256",
        final.name,
    ]
    digest = hashlib.sha256(final.read_bytes()).hexdigest()
    assert (fake_build / f"{final.name}.sha256").read_text() == f"{digest}  {final.name}\n"


def _project_for_dist(tmp_path: Path) -> Path:
    root = _sources(tmp_path / "dist-project")
    for name in ("LICENSE", "CITATION.cff"):
        (root / name).write_text(name, encoding="utf-8")
    shutil.copytree(ROOT / "deploy", root / "deploy")
    return root


@pytest.mark.parametrize(
    ("dev_addr", "warned"),
    [
        ("127.0.0.1:8000", False),
        ("localhost:8000", False),
        ("[::1]:8000", False),
        ("0.0.0.0:18101", True),
        ("192.168.1.20:8000", True),
    ],
)
def test_serving_beyond_this_machine_is_warned(dev_addr: str, warned: bool) -> None:
    warning = release.dev_addr_warning(dev_addr)
    assert bool(warning) is warned
    if warned:
        assert warning == (
            f"warning: the preview listens on {dev_addr}, so any machine that can reach this "
            "one can read it (drafts included); its pages name the site as "
            f"http://{dev_addr}/, which is not an address another machine can use"
        )


def test_untracked_sources_make_a_build_dirty_with_the_current_time(tmp_path: Path) -> None:
    root = _sources(tmp_path / "project")

    def git(*args: str) -> None:
        subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)

    git("init", "-q")
    git("-c", "user.email=a@b", "-c", "user.name=a", "add", ".")
    git("-c", "user.email=a@b", "-c", "user.name=a", "commit", "-qm", "x", "--date=@1000000000")
    clean = release.version_of(root, {})
    assert not clean.dirty
    (root / "docs" / "extra.md").write_text("# Extra\n", encoding="utf-8")
    before = int(time.time())
    dirty = release.version_of(root, {})
    assert dirty.dirty
    assert dirty.epoch >= before


@pytest.mark.parametrize(
    "site_url",
    [
        "http://127.0.0.1:8000/",
        SUBPATH_URL,
        "https://owner.github.io/mindful-alliance/",
        "https://example.org",
        "http://[::1]:8000/",
    ],
)
def test_plain_site_urls_are_accepted(site_url: str) -> None:
    assert site_url_problem(site_url) == ""


@pytest.mark.parametrize(
    "site_url",
    [
        "https://x.example;add_header X-Injected yes/alliance/",
        "https://intranet.example/caf%C3%A9/",
        "https://intranet.example/al liance/",
        "https://intranet.example/a;b/",
        'https://intranet.example/a"b/',
        "https://intra;net.example/",
        "ftp://intranet.example/",
    ],
)
def test_a_site_url_the_servers_cannot_hold_stops_the_release(
    site_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _sources(tmp_path / "project")
    assert release.main(["dist", "-f", str(root / "mkdocs.yml"), "--site-url", site_url]) == 1
    assert capsys.readouterr().err == (
        f"error: SITE_URL {site_url!r} is not an address the server configurations can hold: "
        "write http(s)://host[:port]/path/ with a host name or address and a path of "
        "letters, digits and ._~-\n"
    )


def _tree(folder: Path, text: str) -> Path:
    folder.mkdir(parents=True)
    (folder / "index.html").write_text(text, encoding="utf-8")
    return folder


def test_the_new_build_takes_the_old_ones_place_in_one_step(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _tree(tmp_path / "site", "old")
    new = _tree(tmp_path / "work" / "site", "new")
    swaps: list[bool] = []
    exchange = release._exchange

    def recorded(first: Path, second: Path) -> bool:
        swaps.append(exchange(first, second))
        return swaps[-1]

    monkeypatch.setattr(release, "_exchange", recorded)
    release._replace_folder(new, out, tmp_path / "work")
    assert swaps == [True]
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert (tmp_path / "work" / "previous" / "index.html").read_text(encoding="utf-8") == "old"
    assert not (tmp_path / ".site.new").exists()


def test_a_build_a_crash_left_staged_is_put_in_place_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _tree(tmp_path / "site", "old")
    new = _tree(tmp_path / "work" / "site", "new")
    monkeypatch.setattr(release, "_exchange", lambda first, second: False)
    original = Path.rename

    def crash_after_moving_the_old_site(self: Path, target: Path) -> Path:
        moved = original(self, target)
        if Path(target).name == "previous":
            raise KeyboardInterrupt
        return moved

    monkeypatch.setattr(Path, "rename", crash_after_moving_the_old_site)
    with pytest.raises(KeyboardInterrupt):
        release._replace_folder(new, out, tmp_path / "work")
    monkeypatch.setattr(Path, "rename", original)
    assert not out.exists()
    release.recover_staged(out)
    assert (out / "index.html").read_text(encoding="utf-8") == "new"
    assert capsys.readouterr().err == (
        f"{out}: put in place the build an interrupted run had finished\n"
    )


def test_markup_in_a_front_matter_title_stops_the_build_at_its_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _sources(tmp_path / "project")
    (root / "docs" / "page.md").write_text(
        "---\ndescription: x\ntitle: Hostile <script>alert(1)</script> <!--\n---\n# Page\n",
        encoding="utf-8",
    )
    (root / "docs" / "fine.md").write_text("---\ntitle: Tasks & goals\n---\n# A < B\n")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    assert (
        release.main(["build", "-f", str(root / "mkdocs.yml"), "--out", str(tmp_path / "site")])
        == 1
    )
    assert capsys.readouterr().err == (
        "error: docs/page.md:3: the front-matter title holds '<', which the theme would print "
        "as markup; a title is text: write it without '<'\n"
    )


def test_serving_refuses_a_named_pipe_among_the_pages_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = _sources(tmp_path / "project")
    os.mkfifo(root / "docs" / "fifo.md")
    assert release.main(["serve", "-f", str(root / "mkdocs.yml")]) == 1
    assert capsys.readouterr().err == (
        "error: docs/fifo.md: not a regular file or folder (a named pipe, socket or device); "
        "remove it\n"
    )
