"""Compare the site's BibTeX reader with pybtex and bibtexparser v2 on the real-world corpus.

For each file: the keys each reader yields against Pandoc 3.9's (``-f biblatex -t
csljson``), and every field value outside the name fields, white space collapsed, against
the site's reader (the first copy of a repeated key, as BibTeX keeps it). The figures are
the ones CONTRIBUTING quotes for keeping the project's own reader.

    .venv/bin/python -m tests.real_world.readers
"""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pybtex.database
import pybtex.errors
from bibtexparser.entrypoint import parse_string as bibtexparser_parse
from bibtexparser.middlewares import MonthLongStringMiddleware
from citation_engine.bibtex_syntax import parse_bibtex
from citation_engine.bibtex_writing import NAME_FIELDS

from tests import peer_rendering as peers
from tests.real_world.compare import CORPUS

if TYPE_CHECKING:
    from pathlib import Path

Fields = dict[tuple[str, str], str]
_SHOWN: Final = 3


@dataclass
class Reading:
    """What one reader made of one file, measured against Pandoc and the site's reader."""

    keys_lost: int  # keys Pandoc reads that this reader does not
    same: int  # field values equal to the site reader's
    compared: int
    examples: list[str]


def _collapse(value: str) -> str:
    return " ".join(value.split())


def _ours(text: str, name: str) -> tuple[set[str], Fields]:
    keys: set[str] = set()
    fields: Fields = {}
    for entry in parse_bibtex(text, name).entries:
        if entry.key.lower() in {key.lower() for key in keys}:
            continue
        keys.add(entry.key)
        for raw in entry.fields:
            fields.setdefault((entry.key, raw.name.lower()), _collapse(raw.value))
    return keys, fields


def _pybtex(text: str) -> tuple[set[str], Fields]:
    pybtex.errors.set_strict_mode(False)
    with contextlib.redirect_stderr(io.StringIO()):
        database = pybtex.database.parse_string(text, "bibtex")
    fields: Fields = {
        (key, name.lower()): _collapse(str(value))
        for key, entry in database.entries.items()
        for name, value in entry.fields.items()
    }
    return set(database.entries.keys()), fields


def _bibtexparser(text: str) -> tuple[set[str], Fields]:
    # The default stack (resolve @string, remove enclosing braces) and month names as the
    # standard styles' month macros give them, so months compare like for like.
    library = bibtexparser_parse(text, append_middleware=[MonthLongStringMiddleware()])
    fields: Fields = {}
    for entry in library.entries:
        for item in entry.fields:
            fields.setdefault((entry.key, item.key.lower()), _collapse(str(item.value)))
    return {entry.key for entry in library.entries}, fields


def _measure(pandoc_keys: set[str], ours: Fields, keys: set[str], fields: Fields) -> Reading:
    compared = [key for key in ours if key[1] not in NAME_FIELDS]
    differing = [key for key in compared if fields.get(key) != ours[key]]
    examples = [
        f"{key}.{name}: {ours[(key, name)][:50]!r} read as {fields.get((key, name), '')[:50]!r}"
        for key, name in differing[:_SHOWN]
    ]
    lost = len(pandoc_keys - keys)
    return Reading(lost, len(compared) - len(differing), len(compared), examples)


def compare_readers(bib: Path) -> dict[str, Reading]:
    """The site's reader, pybtex and bibtexparser on one file."""
    text = bib.read_text(encoding="utf-8-sig")
    pandoc = subprocess.run(
        [peers.PANDOC, "-f", "biblatex", "-t", "csljson", str(bib)],
        capture_output=True,
        text=True,
        check=True,
    )
    pandoc_keys = {item["id"] for item in json.loads(pandoc.stdout)}
    our_keys, ours = _ours(text, bib.name)
    return {
        "site": _measure(pandoc_keys, ours, our_keys, ours),
        "pybtex": _measure(pandoc_keys, ours, *_pybtex(text)),
        "bibtexparser": _measure(pandoc_keys, ours, *_bibtexparser(text)),
    }


def main() -> int:
    """Print the comparison, file by file, and the totals."""
    totals: dict[str, list[int]] = {}
    for bib in sorted(CORPUS.glob("*.bib")):
        row = compare_readers(bib)
        cells = []
        for reader, reading in row.items():
            total = totals.setdefault(reader, [0, 0, 0, 0])
            total[0] += reading.same
            total[1] += reading.compared
            total[2] += reading.keys_lost
            total[3] += reading.same == reading.compared and not reading.keys_lost
            cells.append(f"{reader} {reading.same}/{reading.compared} -{reading.keys_lost}")
        lines = [f"{bib.name:36} " + "  ".join(cells)]
        lines += [
            f"    {reader}: {example}"
            for reader, reading in row.items()
            for example in reading.examples
        ]
        sys.stdout.write("\n".join(lines) + "\n")
    for reader, (same, compared, lost, files) in totals.items():
        sys.stdout.write(
            f"{reader}: fields {same}/{compared} as the site reads them; {lost} keys of "
            f"Pandoc's lost; {files} files read exactly as the site reads them\n"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
