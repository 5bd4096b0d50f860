"""The citeproc-py memos change no character of the output, and step aside loudly."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.citation_labels import sort_items
from citation_engine.csl_json import to_csl_json
from citation_engine.foreign import citeproc_internals
from citation_engine.reference_styles import (
    COPY_STYLES,
    DEFAULT_STYLE,
    _format,
    _load_style,
    resolve_style,
    style_references,
)
from citeproc import model

from benchmarks.generate import bibliography

REPO = Path(__file__).resolve().parents[2]
REAL_BIB = REPO / "bib" / "references.bib"

# Formats the bibliography in every style with citeproc-py's own methods, in a fresh process
# whose style trees the memos never touched, and prints the texts pickled.
_STOCK_RUN = """
import pickle, sys
from pathlib import Path
from citation_engine.foreign import citeproc_internals
from tests.engine.test_citeproc_internals import formatted
with citeproc_internals.stock():
    sys.stdout.buffer.write(pickle.dumps(formatted(Path(sys.argv[1]))))
"""


def formatted(bib: Path) -> dict[str, Any]:
    """Raw citeproc-py text in each style the build runs, and the finished entries."""
    references = load_bibliography(bib).references
    items = sort_items(to_csl_json(reference) for reference in references.values())
    # The jobs style_references runs: the site style numbered, the copy styles bare.
    with citeproc_internals.installed():
        texts = {
            name: _format(items, resolve_style(name), without_numbers=copy_id != DEFAULT_STYLE)
            for copy_id, _, name in COPY_STYLES
        }
    return {"texts": texts, "entries": style_references(references, workers=1).entries}


def _stock(bib: Path) -> dict[str, Any]:
    run = subprocess.run(
        [sys.executable, "-c", _STOCK_RUN, str(bib)], cwd=REPO, capture_output=True, check=True
    )
    result: dict[str, Any] = pickle.loads(run.stdout)
    return result


def _assert_same(bib: Path, entries: int) -> None:
    fast, stock = formatted(bib), _stock(bib)
    assert fast["texts"].keys() == stock["texts"].keys()
    for job, texts in stock["texts"].items():
        assert len(texts) == entries, job
        for index, (sped, plain) in enumerate(zip(fast["texts"][job], texts, strict=True)):
            assert sped == plain, f"{job}, entry {index}"
    assert len(stock["entries"]) == entries
    assert fast["entries"] == stock["entries"]
    assert pickle.dumps(fast["entries"]) == pickle.dumps(stock["entries"])


@pytest.mark.slow
def test_real_bibliography_formats_identically() -> None:
    _assert_same(REAL_BIB, len(load_bibliography(REAL_BIB).references))


@pytest.mark.slow
def test_synthetic_two_hundred_entries_format_identically(tmp_path: Path) -> None:
    text, keys = bibliography(200, seed=5)  # every generated entry type, many times over
    bib = tmp_path / "synthetic.bib"
    bib.write_text(text, encoding="utf-8")
    _assert_same(bib, len(keys))


def test_targets_the_installed_citeproc_py() -> None:
    # Fails on a citeproc-py upgrade: check each memo against the new code, then move
    # TARGET_VERSION (the build still works meanwhile, unpatched).
    assert citeproc_internals.installed_version() == citeproc_internals.TARGET_VERSION
    with citeproc_internals.installed() as active:
        assert active
        assert citeproc_internals.active()
        stock = citeproc_internals._STOCK[(model.Group, "calls_variable")]
        assert model.Group.calls_variable is not stock
    assert not citeproc_internals.active()
    assert model.Group.calls_variable is stock


def test_other_version_leaves_citeproc_py_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    stock_search = model.CitationStylesElement.xpath_search
    monkeypatch.setattr(citeproc_internals, "installed_version", lambda: "0.12.0")
    with pytest.warns(RuntimeWarning, match=r"citeproc-py 0\.12\.0 .* targets 0\.11\.1"):
        assert not citeproc_internals.install()
    assert model.CitationStylesElement.xpath_search is stock_search


def test_stock_holds_the_memos_off_inside_a_formatting_run() -> None:
    stock_search = model.CitationStylesElement.xpath_search
    with citeproc_internals.stock(), citeproc_internals.installed() as active:
        assert not active
        assert model.CitationStylesElement.xpath_search is stock_search


def test_memoised_search_hands_out_a_copy() -> None:
    root = _load_style(resolve_style("apa")).root
    with citeproc_internals.installed():
        first = root.xpath_search("./cs:macro")
        first.clear()
        assert root.xpath_search("./cs:macro")
