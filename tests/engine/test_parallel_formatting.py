"""Formatting in worker processes, and with memoised term lookups, gives the same output."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_styles import style_references

from benchmarks.generate import bibliography
from tests.conftest import FIXTURE_BIB

REPO = Path(__file__).resolve().parents[2]


def _synthetic(tmp_path: Path, entries: int) -> Path:
    text, _ = bibliography(entries, seed=3)
    path = tmp_path / "synthetic.bib"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.slow
def test_workers_format_exactly_as_one_process(tmp_path: Path) -> None:
    for bib in (FIXTURE_BIB, _synthetic(tmp_path, 60)):
        references = load_bibliography(bib).references
        serial = style_references(references, workers=1)
        parallel = style_references(references, workers=2)
        assert parallel.entries == serial.entries
        assert pickle.dumps(parallel.entries) == pickle.dumps(serial.entries)
        assert len(serial.entries) == len(references)
        assert all(len(entry.copies) == 2 for entry in serial.entries)


def test_more_workers_than_entries(tmp_path: Path) -> None:
    references = load_bibliography(_synthetic(tmp_path, 3)).references
    assert style_references(references, workers=8).entries == (
        style_references(references, workers=1).entries
    )


_UNMEMOISED = """
import pickle, sys
from pathlib import Path
from citation_engine.foreign import citeproc_internals
from citation_engine.bibtex_loading import load_bibliography
from citation_engine.reference_styles import style_references
with citeproc_internals.stock():  # citeproc-py's own lookups
    entries = style_references(load_bibliography(Path(sys.argv[1])).references, workers=1).entries
sys.stdout.buffer.write(pickle.dumps(entries))
"""


@pytest.mark.slow
def test_memoised_term_lookup_changes_no_output(tmp_path: Path) -> None:
    bib = _synthetic(tmp_path, 40)
    unmemoised = subprocess.run(
        [sys.executable, "-c", _UNMEMOISED, str(bib)],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout
    memoised = style_references(load_bibliography(bib).references, workers=1).entries
    assert pickle.loads(unmemoised) == memoised
