"""The README's first command works on a fresh clone with the build lock alone.

``scripts/fresh_clone_check.sh`` (also ``make fresh-clone``, and the Pages workflow's first
step) clones the last commit into a temporary folder, sets it up as ``make serve`` does and
runs ``make build``, a plain ``mkdocs build --strict -f`` from another folder, ``make serve``
answering over HTTP, and ``make dist``. Every other test runs with the test lock installed, so
this is the one check that sees what a newcomer's machine sees.

It runs inside the suite, beside the other tests, rather than before them: it is one process
at a time, mostly waiting on pip and a build, so a second worker fills the time.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import ROOT

pytestmark = [pytest.mark.build, pytest.mark.slow]
SCRIPT = ROOT / "scripts" / "fresh_clone_check.sh"


def _newcomers_environment() -> dict[str, str]:
    """This process's environment without what pytest and its workers add to it."""
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("PYTEST_") and name != "PYTHONPATH"
    }


def test_make_install_build_serve_and_dist_work_in_a_fresh_clone() -> None:
    result = subprocess.run(
        ["bash", str(SCRIPT)],
        cwd=ROOT,
        env=_newcomers_environment(),
        capture_output=True,
        text=True,
        check=False,
    )
    report = result.stdout + result.stderr
    assert result.returncode == 0, report
    assert "work with the build lock alone" in result.stdout, report
