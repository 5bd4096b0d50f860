"""In-text labels and groups against Pandoc, with the engine's labels alone under test.

Pandoc reads each ``.bib`` file into CSL-JSON; the engine's ``citation_labels`` (through
``build_citation``) and Pandoc's citeproc then cite the same items, so a difference is one
of disambiguation, collapsing, ordering or label text, never of reading BibTeX. Each key is
cited alone (parenthetical and narrative), the works of each first author in groups of
five, and the keys in file order in threes, as tests/real_world/compare.py cites them (its
Pandoc side is this one's). Run on a folder of ``.bib`` files:

    .venv/bin/python -m tests.label_agreement tests/fixtures/real_world_bib [--diff]

A group whose works are the same as Pandoc's, in another order or grouping, is counted apart: the
site orders a citation's works as its reference list (APA 7 §8.12, CONTRIBUTING.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

from citation_engine.citation_labels import assign_labels, sort_items
from citation_engine.citation_syntax import find_citations
from citation_engine.inline_citations import build_citation
from citation_engine.reference_styles import (
    FormattedEntry,
    PreparedItems,
    assemble,
    load_style,
)

from tests import peer_rendering as peers
from tests.real_world.compare import (
    group_keys,
    group_source,
    pandoc_items,
    render_pandoc,
    single_sources,
)

if TYPE_CHECKING:
    from citation_engine.site_bibliography import SiteBibliography


def sources(items: list[dict[str, Any]]) -> list[str]:
    """Every key alone, each first author's works in fives, the keys in threes."""
    return single_sources(items) + [group_source(keys) for keys in group_keys(items)]


def pandoc_side(bib: Path) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Pandoc's CSL-JSON of the file, the citations asked for, and its text of each."""
    items = pandoc_items(bib)
    asked = sources(items)
    _, texts = render_pandoc(bib, asked)
    return items, asked, texts


def engine_site(items: list[dict[str, Any]]) -> SiteBibliography:
    """What ``build_citation`` reads of a site, from the items alone (nothing formatted)."""
    options = load_style("apa").options
    ordered = sort_items(json.loads(json.dumps(items)))
    labels = assign_labels(ordered, options)
    formatted = {str(item["id"]): FormattedEntry((), ()) for item in ordered}
    styled = assemble(PreparedItems(ordered, labels, options), formatted)
    site = SimpleNamespace(references={str(item["id"]): item for item in items}, styled=styled)
    return cast("SiteBibliography", site)


def _works(text: str) -> list[str]:
    """A group's works as "author, date" each, a collapsed date keeping its author."""
    works = []
    for part in text.strip().removeprefix("(").removesuffix(")").split("; "):
        author, *dates = part.split(", ")
        while dates and not dates[0][:1].isdigit() and not dates[0].startswith(("n.d.", "in ")):
            author = f"{author}, {dates.pop(0)}"
        works += [f"{author}, {date}" for date in dates] or [author]
    return works


def compare(bib: Path, counts: Counter[str], differences: list[str]) -> None:
    """Count one file's citations by kind, identical or not."""
    items, asked, theirs = pandoc_side(bib)
    site = engine_site(items)
    for source, pandoc in zip(asked, theirs, strict=True):
        citation = find_citations(source)[0]
        ours = peers.normalise("".join(build_citation(citation, site).itertext()))
        if citation.narrative:
            pandoc = pandoc.replace(" & ", " and ")  # APA 7 §8.17, as the peer tests do
        kind = "group" if len(citation.works) > 1 else "label"
        counts[kind] += 1
        if ours == pandoc:
            counts[f"{kind} identical"] += 1
        elif kind == "group" and sorted(_works(ours)) == sorted(_works(pandoc)):
            counts["group in another order"] += 1
        else:
            differences.append(f"{bib.name}: {source}\n  engine: {ours}\n  pandoc: {pandoc}")


def main(argv: list[str] | None = None) -> int:
    """Print the share of identical labels and groups, and with --diff every difference."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--diff", action="store_true", help="print every difference too")
    options = parser.parse_args(argv)
    counts: Counter[str] = Counter()
    differences: list[str] = []
    for bib in sorted(options.folder.glob("*.bib")):
        compare(bib, counts, differences)
    if options.diff:
        sys.stdout.write("\n".join(differences) + "\n\n")
    labels, groups = counts["label"], counts["group"]
    same, reordered = counts["group identical"], counts["group in another order"]
    sys.stdout.write(
        f"labels identical: {counts['label identical']}/{labels} "
        f"({100 * counts['label identical'] / max(labels, 1):.1f} %)\n"
        f"groups identical: {same}/{groups} ({100 * same / max(groups, 1):.1f} %); "
        f"with the same works, in another order or grouping: {same + reordered}/{groups} "
        f"({100 * (same + reordered) / max(groups, 1):.1f} %)\n"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
