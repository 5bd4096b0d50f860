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
from citation_engine.reference_styles import load_style
from citation_engine.site_bibliography import SiteBibliography, checked_references
from citation_engine.styling_cache import styled_with_cache

from tests import peer_rendering as peers

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

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

    Each one names the rule it follows and has its own test (tests/engine/test_real_world_bib.py),
    so that only the documented change is excused and everything else still counts.

    A ``refusal`` is a build problem the site raises on purpose where Pandoc prints
    something: its ``adjust`` turns the problem's message into "" when it is that refusal,
    and the entry it names is then neither compared nor counted against the engine. A
    ``reading`` is a field the site reads from BibTeX otherwise than Pandoc: its ``adjust``
    turns Pandoc's CSL-JSON text into the site's reading, which Pandoc then formats, so that
    the change is excused where it shows (an entry, a label, the order of a group) and
    nowhere else. An ``order`` changes the style's citation options: its ``adjust`` turns
    apa.csl's text into the site's rule, and Pandoc formats each group with its keys in the
    site's reference-list order under that style.
    """

    name: str
    reason: str
    scope: Literal["entry", "in-text", "narrative", "pandoc-source", "refusal", "reading", "order"]
    adjust: Callable[[str], str] | None  # None: applied to what Pandoc is given (see scope)


# The deliberate differences, applied to Pandoc's text before comparing: an engine text
# equal to Pandoc's after one of them counts as identical, and names it. Each has its own
# test in tests/engine/test_real_world_bib.py (``test_deliberate_<name>``); CONTRIBUTING.md lists them.
_CITED_CONFLICT_RE: Final = re.compile(
    r"[^:]+:\d+: key '[^']*' is cited, but lines \d+ and \d+ define it differently "
    r"\(BibTeX prints the first, Pandoc the last\); keep one"
)
# Pandoc's CSL name parts that hold a particle; the site writes it before the family name.
_PARTICLES: Final = ("non-dropping-particle", "dropping-particle")
# A particle that ends in an apostrophe or a hyphen is written joined ("d'Aubignac").
_JOINED_PARTICLE_ENDS: Final = ("'", "\N{RIGHT SINGLE QUOTATION MARK}", "-")


def _map_items(change: Callable[[dict[str, Any]], None]) -> Callable[[str], str]:
    """A ``reading`` adjust: CSL-JSON text in, the same with ``change`` made to each item."""

    def adjust(text: str) -> str:
        items = json.loads(text)
        for item in items:
            change(item)
        return json.dumps(items, ensure_ascii=False)

    return adjust


def _particle_before_family(item: dict[str, Any]) -> None:
    for people in item.values():
        if not isinstance(people, list):
            continue
        for person in people:
            if not isinstance(person, dict):
                continue
            particle = " ".join(person.pop(part) for part in _PARTICLES if part in person)
            if particle and person.get("family"):
                joint = "" if particle.endswith(_JOINED_PARTICLE_ENDS) else " "
                person["family"] = f"{particle}{joint}{person['family']}"


def _doctoral_dissertation(item: dict[str, Any]) -> None:
    if item.get("type") == "thesis" and item.get("genre") == "PhD thesis":
        item["genre"] = "Doctoral dissertation"


_CITATION_SORT_RE: Final = re.compile(r"(<citation\b.*?)<sort>.*?</sort>", re.DOTALL)


def _without_citation_sort(style: str) -> str:
    """apa.csl with no sort in ``<citation>``: the works stand in the order they are cited."""
    return _CITATION_SORT_RE.sub(r"\1", style, count=1)


DELIBERATE: Final[tuple[Deliberate, ...]] = (
    Deliberate(
        "narrative-and",
        "APA 7 §8.17 spells out 'and' between authors in running text; CSL has no narrative "
        "form, so Pandoc prints '&' (the peer tests' own deliberate difference).",
        "narrative",
        lambda text: text.replace(" & ", " and "),
    ),
    Deliberate(
        "list-order",
        "the works of one parenthetical citation stand in reference-list order, as APA 7 "
        "§8.12 asks; apa.csl sorts them by a shortened author list ('Fryer et al., 1990' "
        "before 'Fryer & Lannan, 1996'), and Pandoc keeps works whose keys tie in the order "
        "written (CONTRIBUTING, 'Where does the site differ from citeproc-js and Pandoc?')",
        "order",
        _without_citation_sort,
    ),
    Deliberate(
        "particle-before-family",
        "a particle stays before the family name ('van de Doe, J.', 'de Paz, 2013'), as APA 7 "
        "and the person's own usage write it; Pandoc follows biblatex's useprefix=false "
        "(CONTRIBUTING, 'How is a BibTeX file read?')",
        "reading",
        _map_items(_particle_before_family),
    ),
    Deliberate(
        "doctoral-dissertation",
        "a PhD thesis is a '[Doctoral dissertation]', APA 7's words (§10.6); Pandoc prints "
        "'[PhD thesis]' (CONTRIBUTING, 'How is a BibTeX file read?')",
        "reading",
        _map_items(_doctoral_dissertation),
    ),
    Deliberate(
        "cited-conflicting-key",
        "a key defined twice with different fields stops the build once a page cites it "
        "(CONTRIBUTING, 'Repeated keys'): BibTeX prints the first copy and Pandoc the last, "
        "so the site would print one work and Pandoc another; the comparison cites every key",
        "refusal",
        lambda message: _CITED_CONFLICT_RE.sub("", message, count=1),
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
    # keys the engine refuses by a deliberate difference, and its messages: not compared
    refused_deliberately: list[str] = field(default_factory=list)
    excused: list[str] = field(default_factory=list)
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
        problems = list(error.problems)
    excused = [problem for problem in problems if _deliberate_refusal(str(problem))]
    result.problems = [str(problem) for problem in problems if problem not in excused]
    result.excused = [str(problem) for problem in excused]
    loaded = load_bytes(bib.read_bytes(), shown)
    starts = sorted((ref.location.line, key) for key, ref in loaded.references.items())
    named = {_owner(problem, starts) for problem in problems if problem.location.line}
    result.refused_deliberately = sorted(
        {key for problem in excused if (key := _owner(problem, starts)) is not None}
    )
    if any(not problem.location.line for problem in problems):
        return {}  # a problem with the whole file: nothing builds
    return {key: ref for key, ref in loaded.references.items() if key not in named}


def _styled(references: dict[str, Any], cache: Path, result: FileResult) -> dict[str, Any]:
    """Format the accepted entries; an entry that crashes the formatter is set aside."""
    try:
        styled_with_cache(references, load_style("apa"), cache)
    except Exception:  # noqa: BLE001 - a crash is a finding to record, never the end of the run
        pass
    else:
        return references
    kept = {}
    for key, reference in references.items():
        try:
            styled_with_cache({key: reference}, load_style("apa"), cache)
        except Exception:  # noqa: BLE001 - as above
            result.crashes.append(f"formatting {key}:\n{traceback.format_exc()}")
        else:
            kept[key] = reference
    return kept


@dataclass(frozen=True)
class Reading:
    """Pandoc's text once the ``reading`` differences are made to its CSL data."""

    bibliography: dict[str, str]
    citations: list[str]
    changed: dict[str, list[str]]  # key -> the names of the differences that change it
    data: str = ""  # Pandoc's CSL-JSON with those differences made


def site_reading(items: list[dict[str, Any]], documents: list[list[str]]) -> Reading:
    """Format Pandoc's own CSL data, with the site's deliberate readings, with Pandoc.

    ``documents`` are the citations as Pandoc is given them, each list one Pandoc run.
    """
    changed: dict[str, list[str]] = {}
    text = json.dumps(items, ensure_ascii=False)
    for difference in DELIBERATE:
        if difference.scope != "reading" or difference.adjust is None:
            continue
        adjusted = difference.adjust(text)
        before = {str(item["id"]): item for item in json.loads(text)}
        for item in json.loads(adjusted):
            if item != before[str(item["id"])]:
                changed.setdefault(str(item["id"]), []).append(difference.name)
        text = adjusted
    if not changed:
        return Reading({}, [], {}, text)
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "reading.json"
        data.write_text(text, encoding="utf-8")
        bibliography: dict[str, str] = {}
        citations: list[str] = []
        for sources in documents:
            if sources:
                listed, cited = render_pandoc(data, sources)
                bibliography = bibliography or listed
                citations += cited
    return Reading(bibliography, citations, changed, text)


def in_list_order(sources: list[str], position: Mapping[str, int]) -> list[str]:
    """Each citation of several works with its keys in the site's reference-list order."""
    ordered = []
    for source in sources:
        keys = [key.strip() for key in source[1:-1].split(";")] if ";" in source else []
        if keys and all(key.removeprefix("@").strip("{}") in position for key in keys):
            keys.sort(key=lambda key: position[key.removeprefix("@").strip("{}")])
            source = "[" + "; ".join(keys) + "]"
        ordered.append(source)
    return ordered


def ordered_citations(
    reading: Reading, sources: list[str], position: Mapping[str, int]
) -> list[str]:
    """Pandoc's citations under the ``order`` differences, with the ``reading`` ones made."""
    style = peers.STYLE.read_text(encoding="utf-8")
    for difference in DELIBERATE:
        if difference.scope == "order" and difference.adjust is not None:
            style = difference.adjust(style)
    document = "\n\n".join(in_list_order(sources, position)) + "\n"
    with tempfile.TemporaryDirectory() as folder:
        data, csl = Path(folder) / "reading.json", Path(folder) / "style.csl"
        data.write_text(reading.data, encoding="utf-8")
        csl.write_text(style, encoding="utf-8")
        result = subprocess.run(
            [peers.PANDOC, "-f", "markdown", "-t", "html", "--citeproc", "--csl", str(csl),
             "--bibliography", str(data), "--wrap=none", "-M", "lang=en-US"],
            input=document, capture_output=True, text=True, check=True,
        )  # fmt: skip
    soup = BeautifulSoup(result.stdout, "html.parser")
    return [peers.normalise(p.get_text()) for p in soup.find_all("p", recursive=False)]


@dataclass(frozen=True)
class PandocSide:
    """What Pandoc made of one file: the citations as the engine gets them, and its texts."""

    sources: list[str]
    bibliography: dict[str, str]
    citations: list[str]
    error: str = ""
    reading: Reading = Reading({}, [], {})


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
        pandoc_order = [sorted(keys, key=lambda key: position.get(key, -1)) for keys in groups]
        if groups:
            citations += render_pandoc(bib, [group_source(keys) for keys in pandoc_order])[1]
        reading = site_reading(items, [singles, [group_source(keys) for keys in pandoc_order]])
    except subprocess.CalledProcessError as error:
        return PandocSide([], {}, [], error.stderr.strip() or f"exit status {error.returncode}")
    sources = singles + [group_source(keys) for keys in groups]
    if len(citations) != len(sources):
        mismatch = f"Pandoc printed {len(citations)} paragraphs for {len(sources)} citations"
        return PandocSide([], {}, [], mismatch)
    return PandocSide(sources, bibliography, citations, reading=reading)


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
    result.refused = sorted(set(pandoc.bibliography) - set(ours) - set(result.refused_deliberately))
    reading = pandoc.reading
    for key, theirs in pandoc.bibliography.items():
        if key in ours:
            read = _read(reading, key, reading.bibliography.get(key))
            result.entries.append(_compared(key, ours[key], theirs, "entry", read))
    alternatives = reading.citations or [""] * len(pandoc.sources)
    try:
        ordered = ordered_citations(reading, pandoc.sources, site.styled.position)
    except subprocess.CalledProcessError as error:
        result.pandoc_error = error.stderr.strip()
        return result
    texts = zip(pandoc.sources, pandoc.citations, alternatives, ordered, strict=True)
    for source, theirs, alternative, in_order in texts:
        _compare_citation(source, (theirs, alternative, in_order), site, result, reading)
    return result


def _read(reading: Reading, keys: str | list[str], text: str | None) -> tuple[str, str] | None:
    """The site's reading of Pandoc's text, and the differences it makes, where it makes any."""
    names = sorted({name for key in ([keys] if isinstance(keys, str) else keys)
                    for name in reading.changed.get(key, [])})  # fmt: skip
    return (text, "+".join(names)) if names and text is not None else None


def _compare_citation(
    source: str,
    texts: tuple[str, str, str],
    site: SiteBibliography,
    result: FileResult,
    reading: Reading,
) -> None:
    theirs, alternative, in_order = texts
    found = find_citations(source)
    if len(found) != 1 or found[0].end - found[0].start != len(source):
        result.citations_refused.append(f"{source}: the engine does not read it as one citation")
        return
    citation = found[0]
    missing = [key for key in citation.keys if key not in site.references]
    if missing and set(missing) <= set(result.refused_deliberately):
        return  # refused on purpose: the refusal is the documented behaviour
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
    if citation.narrative:
        alternative = alternative.replace(" & ", " and ")  # as narrative-and
    read = _read(reading, list(citation.keys), alternative)
    compared = _compared(source, ours, theirs, scope, read)
    if not compared.identical and len(citation.keys) > 1 and ours == in_order:
        names = ["list-order", *(read[1].split("+") if read else [])]
        compared = Compared(source, ours, theirs, identical=True, deliberate="+".join(names))
    result.citations.append(compared)


def _deliberate_refusal(message: str) -> str:
    """The name of the deliberate difference a build problem is, or ""."""
    for difference in DELIBERATE:
        if difference.scope == "refusal" and difference.adjust and not difference.adjust(message):
            return difference.name
    return ""


def _compared(
    what: str, ours: str, theirs: str, scope: str, read: tuple[str, str] | None = None
) -> Compared:
    if ours == theirs:
        return Compared(what, ours, theirs, identical=True)
    for difference in DELIBERATE:
        adjust = difference.adjust
        if difference.scope == scope and adjust is not None and adjust(theirs) == ours:
            return Compared(what, ours, theirs, identical=True, deliberate=difference.name)
    if read is not None and peers.normalise(read[0]) == ours:
        return Compared(what, ours, theirs, identical=True, deliberate=read[1])
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
        "refused deliberately": len(result.refused_deliberately),
        "compared": len(result.entries),
        "identical": result.entries_identical,
        "identical %": percent(result.entries_identical, len(result.entries)),
        "of all %": percent(
            result.entries_identical, result.pandoc_entries - len(result.refused_deliberately)
        ),
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
            "entries", "problems", "refused", "refused deliberately", "compared", "identical",
            "citations",
            "citations refused", "citations identical", "crashes",
        )
    }  # fmt: skip
    compared_citations = added["citations"] - added["citations refused"]
    return {
        **added,
        "builds": sum(row["builds"] for row in rows),
        "identical %": percent(added["identical"], added["compared"]),
        "of all %": percent(added["identical"], added["entries"] - added["refused deliberately"]),
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
        lines += [f"  deliberate refusal: {problem}" for problem in result.excused]
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
    """Today's figures as the floors ``tests/engine/test_real_world_bib.py`` holds the engine to."""
    row = total(results)
    lines = [
        "# Floors for tests/engine/test_real_world_bib.py, written by",
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
