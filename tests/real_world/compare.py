"""Build real BibTeX files from public repositories and compare every entry with Pandoc's.

Pandoc 3.9 (pypandoc-binary's binary), reading each ``.bib`` file itself with the site's
``apa.csl``, is the oracle. For every file of ``tests/fixtures/real_world_bib`` the engine
loads and checks the file as a build does (``checked_references``), formats what it accepts
(``styled_with_cache``) and writes in-text citations (``build_citation``); Pandoc renders a
document citing every key alone (parenthetical and narrative) and in groups. Texts are
compared after the peer tests' one normalisation (``peer_rendering.normalise``), and after
each of the deliberate differences listed in ``DELIBERATE``. Nothing the engine does may end
the run: a refusal is recorded with its messages, a crash with its traceback.

    .venv/bin/python -m tests.real_world.compare            # the table
    .venv/bin/python -m tests.real_world.compare --diff     # and every difference
    .venv/bin/python -m tests.real_world.compare --json     # everything, as JSON
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import traceback
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal

from bs4 import BeautifulSoup
from citation_engine.bibtex_loading import load_bytes
from citation_engine.citation_index import CitationIndex
from citation_engine.citation_syntax import find_citations
from citation_engine.errors import BibliographyError, Problem
from citation_engine.inline_citations import build_citation
from citation_engine.site_bibliography import SiteBibliography, checked_references
from citation_engine.styling_cache import styled_with_cache

from tests import peer_rendering as peers

if TYPE_CHECKING:
    from collections.abc import Callable

CORPUS: Final = peers.ROOT / "tests" / "fixtures" / "real_world_bib"
BASELINE: Final = Path(__file__).with_name("baseline.toml")
# Pandoc's citation key without braces: a letter, digit or "_", then such characters, with
# internal punctuation from this set only when a key character follows (Pandoc's manual).
_PLAIN_KEY_RE: Final = re.compile(r"[\w](?:\w|[:.#$%&\-+?<>~/](?=\w))*")
_NAMED_KEY_RE: Final = re.compile(r"\b(?:entry|key) '(?P<key>[^']*)'")
# A group cites at most this many works: enough to show collapsing and disambiguation.
_GROUP_SIZE: Final = 5


@dataclass(frozen=True)
class Deliberate:
    """A difference the site keeps on purpose: Pandoc's text as the site writes it instead.

    Each one names the rule it follows and has its own test (tests/test_real_world_bib.py),
    so that only the documented change is excused and everything else still counts.
    """

    name: str
    reason: str
    scope: Literal["entry", "in-text", "narrative", "pandoc-source"]
    adjust: Callable[[str], str] | None  # None: applied to what Pandoc is given (see scope)


# The deliberate differences, applied to Pandoc's text before comparing: an engine text
# equal to Pandoc's after one of them counts as identical, and names it. Each has its own
# test in tests/test_real_world_bib.py (``test_deliberate_<name>``); CONTRIBUTING.md lists them.
DELIBERATE: Final[tuple[Deliberate, ...]] = (
    Deliberate(
        "narrative-and",
        "APA 7 §8.17 spells out 'and' between authors in running text; CSL has no narrative "
        "form, so Pandoc prints '&' (the peer tests' own deliberate difference).",
        "narrative",
        lambda text: text.replace(" & ", " and "),
    ),
    Deliberate(
        "doctoral-dissertation",
        "APA 7 §10.6 labels a doctoral thesis '[Doctoral dissertation]'; Pandoc's biblatex "
        "reader gives @phdthesis the genre 'PhD thesis'.",
        "entry",
        lambda text: text.replace("[PhD thesis", "[Doctoral dissertation"),
    ),
    Deliberate(
        "tie-order",
        "APA 7 §8.12 orders the works of one citation as the reference list does; Pandoc "
        "sorts them by its citation sort key and keeps the written order where keys tie "
        "('Doe, 2020b, 2020a'), so Pandoc is given each group in its own reference-list "
        "order and the engine in file order (pandoc_side).",
        "pandoc-source",
        None,
    ),
)


@dataclass(frozen=True)
class Compared:
    """One entry or citation as the engine and Pandoc print it."""

    what: str  # the key, or the Markdown of the citation
    engine: str
    pandoc: str
    identical: bool
    deliberate: str = ""  # the name of the deliberate difference that excuses it


@dataclass
class FileResult:
    """Everything measured on one file."""

    name: str
    pandoc_entries: int = 0
    pandoc_error: str = ""
    builds: bool = False
    problems: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)  # keys Pandoc renders, the engine not
    crashes: list[str] = field(default_factory=list)  # tracebacks
    entries: list[Compared] = field(default_factory=list)
    citations: list[Compared] = field(default_factory=list)
    citations_refused: list[str] = field(default_factory=list)

    @property
    def entries_identical(self) -> int:
        return sum(item.identical for item in self.entries)

    @property
    def citations_identical(self) -> int:
        return sum(item.identical for item in self.citations)


def percent(part: int, whole: int) -> float:
    """A share in percent, one decimal; 0 of 0 is 0 (nothing was shown to agree)."""
    return round(100 * part / whole, 1) if whole else 0.0


def cite_key(key: str) -> str:
    """The key as Pandoc's Markdown cites it: bare when it can be, else in braces."""
    return f"@{key}" if _PLAIN_KEY_RE.fullmatch(key) else f"@{{{key}}}"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.bib"))


# -- Pandoc ---------------------------------------------------------------------------------


def pandoc_items(bib: Path) -> list[dict[str, Any]]:
    """The file as Pandoc reads it (``.bib`` is read as biblatex, as ``--bibliography`` does)."""
    result = subprocess.run(
        [peers.PANDOC, "-f", "biblatex", "-t", "csljson", str(bib)],
        capture_output=True,
        text=True,
        check=True,
    )
    items: list[dict[str, Any]] = json.loads(result.stdout)
    return items


def _first_author(item: dict[str, Any]) -> str:
    people = item.get("author") or item.get("editor") or []
    if not people:
        return ""
    first = people[0]
    return str(first.get("family") or first.get("literal") or "")


def single_sources(items: list[dict[str, Any]]) -> list[str]:
    """Every key alone, parenthetical and narrative, in file order."""
    sources = []
    for item in items:
        key = cite_key(str(item["id"]))
        sources += [f"[{key}]", key]
    return sources


def group_keys(items: list[dict[str, Any]]) -> list[list[str]]:
    """The groups the comparison cites, each in file order.

    The works that share a first author's family name (where collapsing and disambiguation
    show), then the keys in file order in threes (order and separators of unrelated works).
    """
    keys = [str(item["id"]) for item in items]
    by_family: dict[str, list[str]] = {}
    for item in items:
        family = _first_author(item)
        if family:
            by_family.setdefault(family, []).append(str(item["id"]))
    groups = [
        members[start : start + _GROUP_SIZE]
        for members in by_family.values()
        if len(members) > 1
        for start in range(0, len(members), _GROUP_SIZE)
    ]
    return groups + [keys[start : start + 3] for start in range(0, len(keys) - 1, 3)]


def group_source(keys: list[str]) -> str:
    return "[" + "; ".join(cite_key(key) for key in keys) + "]"


def render_pandoc(bib: Path, sources: list[str]) -> tuple[dict[str, str], list[str]]:
    """Pandoc's bibliography (key -> text) and its text of every citation, in order."""
    document = "---\nnocite: '@*'\n---\n\n" + "\n\n".join(sources) + "\n"
    output = peers.run_pandoc(document, bib, "markdown", "html")
    soup = BeautifulSoup(output, "html.parser")
    citations = [peers.normalise(p.get_text()) for p in soup.find_all("p", recursive=False)]
    bibliography = {
        str(div["id"]).removeprefix("ref-"): peers.normalise(div.get_text())
        for div in soup.select("div.csl-entry")
    }
    return bibliography, citations


# -- the engine -----------------------------------------------------------------------------


def _owner(problem: Problem, starts: list[tuple[int, str]]) -> str | None:
    """The entry a problem is about: the key its message names, else the one holding its line.

    The message comes first: a repeated key's problem stands on the repeat's line, and the
    entry before it would otherwise take the blame.
    """
    if named := _NAMED_KEY_RE.search(problem.message):
        return named["key"]
    owner = None
    for line, key in starts:
        if line > problem.location.line:
            break
        owner = key
    return owner


def engine_references(bib: Path, result: FileResult) -> dict[str, Any]:
    """What a build accepts: everything when it builds, else every entry no problem names."""
    shown = bib.name
    try:
        checked = checked_references(bib, shown)
        if checked.conflicts:  # the comparison cites every key, so each conflict stops it
            raise BibliographyError(checked.conflicts.values())
        return dict(checked.references)
    except BibliographyError as error:
        result.problems = [str(problem) for problem in error.problems]
        problems = list(error.problems)
    loaded = load_bytes(bib.read_bytes(), shown)
    starts = sorted((ref.location.line, key) for key, ref in loaded.references.items())
    named = {_owner(problem, starts) for problem in problems if problem.location.line}
    if any(not problem.location.line for problem in problems):
        return {}  # a problem with the whole file: nothing builds
    return {key: ref for key, ref in loaded.references.items() if key not in named}


def _styled(references: dict[str, Any], cache: Path, result: FileResult) -> dict[str, Any]:
    """Format the accepted entries; an entry that crashes the formatter is set aside."""
    try:
        styled_with_cache(references, "apa", cache)
    except Exception:  # noqa: BLE001 - a crash is a finding to record, never the end of the run
        pass
    else:
        return references
    kept = {}
    for key, reference in references.items():
        try:
            styled_with_cache({key: reference}, "apa", cache)
        except Exception:  # noqa: BLE001 - as above
            result.crashes.append(f"formatting {key}:\n{traceback.format_exc()}")
        else:
            kept[key] = reference
    return kept


@dataclass(frozen=True)
class PandocSide:
    """What Pandoc made of one file: the citations as the engine gets them, and its texts."""

    sources: list[str]
    bibliography: dict[str, str]
    citations: list[str]
    error: str = ""


def pandoc_side(bib: Path) -> PandocSide:
    """Run Pandoc on one file; a file Pandoc cannot read gives its message, never raises.

    The engine is given every group in file order and must order it itself; Pandoc is given
    it in Pandoc's own reference-list order (the deliberate difference ``tie-order``), so
    that works whose citation sort keys tie come out as APA 7 §8.12 asks.
    """
    try:
        items = pandoc_items(bib)
        singles = single_sources(items)
        bibliography, citations = render_pandoc(bib, singles)
        groups = group_keys(items)
        position = {key: index for index, key in enumerate(bibliography)}
        in_list_order = [sorted(keys, key=lambda key: position.get(key, -1)) for keys in groups]
        if groups:
            citations += render_pandoc(bib, [group_source(keys) for keys in in_list_order])[1]
    except subprocess.CalledProcessError as error:
        return PandocSide([], {}, [], error.stderr.strip() or f"exit status {error.returncode}")
    sources = singles + [group_source(keys) for keys in groups]
    if len(citations) != len(sources):
        mismatch = f"Pandoc printed {len(citations)} paragraphs for {len(sources)} citations"
        return PandocSide([], {}, [], mismatch)
    return PandocSide(sources, bibliography, citations)


def compare_file(bib: Path, cache: Path, pandoc: PandocSide | None = None) -> FileResult:
    """Measure one file; never raises for anything the engine or Pandoc does with it."""
    result = FileResult(bib.name)
    pandoc = pandoc or pandoc_side(bib)
    if pandoc.error:
        result.pandoc_error = pandoc.error
        return result
    result.pandoc_entries = len(pandoc.bibliography)
    try:
        references = engine_references(bib, result)
        result.builds = not result.problems
        references = _styled(references, cache, result)
        site = SiteBibliography(references, CitationIndex({}), "apa", cache)
        ours = {entry.key: peers.normalise(entry.text) for entry in site.styled.entries}
    except Exception:  # noqa: BLE001 - recorded, the run goes on
        result.crashes.append(traceback.format_exc())
        result.refused = sorted(pandoc.bibliography)  # the engine printed none of them
        return result
    result.refused = sorted(set(pandoc.bibliography) - set(ours))
    for key, theirs in pandoc.bibliography.items():
        if key in ours:
            result.entries.append(_compared(key, ours[key], theirs, "entry"))
    for source, theirs in zip(pandoc.sources, pandoc.citations, strict=True):
        _compare_citation(source, theirs, site, result)
    return result


def _compare_citation(source: str, theirs: str, site: SiteBibliography, result: FileResult) -> None:
    found = find_citations(source)
    if len(found) != 1 or found[0].end - found[0].start != len(source):
        result.citations_refused.append(f"{source}: the engine does not read it as one citation")
        return
    citation = found[0]
    missing = [key for key in citation.keys if key not in site.references]
    if missing:
        result.citations_refused.append(f"{source}: refused {', '.join(missing)}")
        return
    try:
        span = build_citation(citation, site)
    except Exception:  # noqa: BLE001 - recorded, the run goes on
        result.crashes.append(f"citing {source}:\n{traceback.format_exc()}")
        return
    ours = peers.normalise("".join(span.itertext()))
    scope = "narrative" if citation.narrative else "in-text"
    result.citations.append(_compared(source, ours, theirs, scope))


def _compared(what: str, ours: str, theirs: str, scope: str) -> Compared:
    if ours == theirs:
        return Compared(what, ours, theirs, identical=True)
    for difference in DELIBERATE:
        adjust = difference.adjust
        if difference.scope == scope and adjust is not None and adjust(theirs) == ours:
            return Compared(what, ours, theirs, identical=True, deliberate=difference.name)
    return Compared(what, ours, theirs, identical=False)


def compare_corpus(files: list[Path] | None = None) -> list[FileResult]:
    """Every file of the corpus, formatted into a cache folder of this run's own.

    Pandoc runs in two threads ahead of the engine (its work is a subprocess's), so the
    comparison takes about as long as the slower side rather than both together.
    """
    paths = files or corpus_files()
    with tempfile.TemporaryDirectory() as cache, ThreadPoolExecutor(max_workers=2) as pool:
        pandoc = [pool.submit(pandoc_side, path) for path in paths]
        return [
            compare_file(path, Path(cache), side.result())
            for path, side in zip(paths, pandoc, strict=True)
        ]


# -- report ---------------------------------------------------------------------------------


def summary(result: FileResult) -> dict[str, Any]:
    """The per-file figures the table prints and the baseline holds."""
    return {
        "entries": result.pandoc_entries,
        "builds": result.builds,
        "problems": len(result.problems),
        "refused": len(result.refused),
        "compared": len(result.entries),
        "identical": result.entries_identical,
        "identical %": percent(result.entries_identical, len(result.entries)),
        "of all %": percent(result.entries_identical, result.pandoc_entries),
        "citations": len(result.citations) + len(result.citations_refused),
        "citations refused": len(result.citations_refused),
        "citations identical": result.citations_identical,
        "in-text identical %": percent(result.citations_identical, len(result.citations)),
        "in-text of all %": percent(
            result.citations_identical, len(result.citations) + len(result.citations_refused)
        ),
        "crashes": len(result.crashes),
    }


def total(results: list[FileResult]) -> dict[str, Any]:
    """The corpus as one: counts summed, shares of the sums."""
    rows = [summary(result) for result in results]
    added = {
        name: sum(row[name] for row in rows)
        for name in (
            "entries", "problems", "refused", "compared", "identical", "citations",
            "citations refused", "citations identical", "crashes",
        )
    }  # fmt: skip
    compared_citations = added["citations"] - added["citations refused"]
    return {
        **added,
        "builds": sum(row["builds"] for row in rows),
        "identical %": percent(added["identical"], added["compared"]),
        "of all %": percent(added["identical"], added["entries"]),
        "in-text identical %": percent(added["citations identical"], compared_citations),
        "in-text of all %": percent(added["citations identical"], added["citations"]),
    }


def table(results: list[FileResult]) -> str:
    """The per-file and total table."""
    header = (
        f"{'file':36} {'entries':>7} {'builds':>6} {'refused':>7} {'identical':>9} "
        f"{'of all':>6} {'in-text':>7} {'of all':>6} {'crash':>5}"
    )
    lines = [header, "-" * len(header)]
    for result in results:
        row = summary(result)
        lines.append(_row(result.name, row, "yes" if row["builds"] else "no"))
    row = total(results)
    lines += ["-" * len(header), _row("total", row, f"{row['builds']}/{len(results)}")]
    return "\n".join(lines)


def _row(name: str, row: dict[str, Any], builds: str) -> str:
    return (
        f"{name:36} {row['entries']:>7} {builds:>6} {row['refused']:>7} "
        f"{row['identical %']:>8.1f}% {row['of all %']:>5.1f}% {row['in-text identical %']:>6.1f}% "
        f"{row['in-text of all %']:>5.1f}% {row['crashes']:>5}"
    )


def differences(results: list[FileResult]) -> str:
    """Every refusal, crash and difference, file by file."""
    lines = []
    for result in results:
        lines.append(f"== {result.name}")
        if result.pandoc_error:
            lines.append(f"  pandoc: {result.pandoc_error}")
        lines += [f"  problem: {problem}" for problem in result.problems]
        lines += [f"  crash: {crash}" for crash in result.crashes]
        for item in (*result.entries, *result.citations):
            if not item.identical:
                lines += [
                    f"  {item.what}",
                    f"    engine: {item.engine}",
                    f"    pandoc: {item.pandoc}",
                ]
        lines += [f"  in-text refused: {reason}" for reason in result.citations_refused]
    return "\n".join(lines)


def baseline_text(results: list[FileResult]) -> str:
    """Today's figures as the floors ``tests/test_real_world_bib.py`` holds the engine to."""
    row = total(results)
    lines = [
        "# Floors for tests/test_real_world_bib.py, written by",
        "# `python -m tests.real_world.compare --write-baseline`: raise them as the engine improves.",
        "# entries: % of Pandoc's entries the engine prints identically (a refused entry counts",
        "# as different); in_text: % of the comparison's citations identical (likewise);",
        "# builds: the file builds (a number of files in [total]); crashing: the files whose",
        "# traceback is a known bug, to be emptied as it is fixed (any other traceback fails).",
        "",
        "[total]",
        f"builds = {row['builds']}",
        "crashing = [" + ", ".join(f'"{r.name}"' for r in results if r.crashes) + "]",
        f"entries = {row['of all %']}",
        f"in_text = {row['in-text of all %']}",
        "",
        "[files]",
    ]
    for result in results:
        row = summary(result)
        builds = "true" if row["builds"] else "false"
        lines.append(
            f'"{result.name}" = {{ builds = {builds}, entries = {row["of all %"]}, '
            f"in_text = {row['in-text of all %']} }}"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Print the table (and with --diff every difference, with --json everything)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print every result as JSON")
    parser.add_argument("--diff", action="store_true", help="print every difference too")
    parser.add_argument(
        "--write-baseline", action="store_true", help=f"write today's figures to {BASELINE.name}"
    )
    parser.add_argument("files", nargs="*", type=Path, help="files (default: the corpus)")
    options = parser.parse_args(argv)
    results = compare_corpus(options.files or None)
    if options.write_baseline:
        BASELINE.write_text(baseline_text(results), encoding="utf-8")
    if options.json:
        out = {
            "files": [{**asdict(result), "summary": summary(result)} for result in results],
            "total": total(results),
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False, indent=1) + "\n")
        return 0
    if options.diff:
        sys.stdout.write(differences(results) + "\n\n")
    sys.stdout.write(table(results) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
