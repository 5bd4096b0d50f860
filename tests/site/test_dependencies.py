"""What the build path declares is what the build lock installs, and nothing test-only."""

from __future__ import annotations

import re
import tomllib

from tests.conftest import ROOT

NAME_RE = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==", re.MULTILINE)


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _locked(lock: str) -> set[str]:
    text = (ROOT / "requirements" / lock).read_text(encoding="utf-8")
    return {_normalized(name) for name in NAME_RE.findall(text)}


def _declared() -> set[str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return {
        _normalized(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0])
        for spec in project["dependencies"]
    }


def test_every_declared_dependency_is_in_the_build_lock() -> None:
    assert _declared() - _locked("build.lock") == set()


def test_no_declared_dependency_comes_only_from_the_test_lock() -> None:
    test_only = _locked("test.lock") - _locked("build.lock")
    assert {"beautifulsoup4", "pytest", "deptry", "import-linter"} <= test_only
    assert _declared() & test_only == set()
