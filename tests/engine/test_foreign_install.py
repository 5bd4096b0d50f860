"""Nothing in the engine changes another library on import; formatting restores citeproc-py."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from citation_engine.bibtex_loading import load_bibliography
from citation_engine.foreign import citeproc_internals
from citation_engine.reference_styles import style_references
from citeproc import model

from tests.conftest import FIXTURE_BIB

REPO = Path(__file__).resolve().parents[2]

# Every attribute of every class citeproc-py defines, before and after importing each module
# of citation_engine (and of alliance_site, which imports it) in a fresh process.
_IMPORT_ALL = """
import importlib, inspect, pkgutil, sys
import citeproc, citeproc.model, citeproc.source, markdown
modules = [citeproc.model, citeproc.source, markdown.Markdown]

def snapshot():
    seen = {}
    for module in (citeproc.model, citeproc.source):
        for name, cls in vars(module).items():
            if inspect.isclass(cls):
                for attribute, value in vars(cls).items():
                    seen[(cls.__qualname__, attribute)] = id(value)
    seen[("sys", "excepthook")] = id(sys.excepthook)
    return seen

before = snapshot()
import citation_engine, alliance_site
for package in (citation_engine, alliance_site):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        if not found.name.endswith("__main__"):
            importlib.import_module(found.name)
after = snapshot()
changed = sorted(str(key) for key in before.keys() | after.keys() if before.get(key) != after.get(key))
print("\\n".join(changed))
"""


def test_importing_the_engine_and_the_site_tooling_changes_no_library() -> None:
    run = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert run.stdout == "\n"


def test_formatting_leaves_citeproc_py_as_it_found_it() -> None:
    stock = dict(vars(model.CitationStylesElement).items())
    assert not citeproc_internals.active()
    style_references(load_bibliography(FIXTURE_BIB).references, workers=1)
    assert not citeproc_internals.active()
    assert dict(vars(model.CitationStylesElement)) == stock


def test_every_memo_is_in_place_during_a_formatting_run() -> None:
    with citeproc_internals.installed() as active:
        assert active
        patched = dict(citeproc_internals._STOCK)
        for (cls, name), original in patched.items():
            assert cls.__dict__[name] is not original, f"{cls.__name__}.{name}"
    for (cls, name), original in patched.items():
        assert cls.__dict__[name] is original, f"{cls.__name__}.{name}"
