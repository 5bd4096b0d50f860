"""Deterministic synthetic sites and bibliographies for the build benchmark.

Seeded, so every run builds the same pages: realistic Markdown of about 800 words with
headings, lists, an admonition and a table, each page citing five keys; and BibTeX with
varied entry types, LaTeX accents and long author lists.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from pathlib import Path

WORDS: Final = [
    "alliance",
    "therapist",
    "client",
    "session",
    "goal",
    "task",
    "bond",
    "rupture",
    "repair",
    "empathy",
    "regard",
    "congruence",
    "collaboration",
    "outcome",
    "measure",
    "rating",
    "questionnaire",
    "practice",
    "attention",
    "breath",
    "awareness",
    "acceptance",
    "openness",
    "supervision",
    "training",
    "evidence",
    "study",
    "sample",
    "effect",
    "correlation",
    "review",
    "clinic",
    "patient",
    "symptom",
    "change",
    "process",
    "relationship",
    "trust",
    "feedback",
    "agreement",
    "presence",
]
SURNAMES: Final = (
    'M{\\"u}ller',
    'Fl{\\"u}ckiger',
    "Garc{\\'i}a",
    "O'Brien",
    "Smith",
    "Nguyen",
    "Okafor",
    'Lindstr{\\"o}m',
    "Kowalski",
    "Rossi",
    "Tanaka",
    "Dubois",
    "Novak",
    "Haddad",
    "Silva",
)
GIVEN: Final = ("Anna", "Ben", "Chidi", "Dana", "Erik", "Fatima", "Goran", "Hana", "Ivan", "Jo")
ENTRY_TYPES: Final = ("article", "article", "article", "book", "incollection", "techreport")


@dataclass(frozen=True)
class SiteSpec:
    """One benchmark size: pages, bibliography entries, citations per page."""

    pages: int
    entries: int
    cites_per_page: int = 5


def bibliography(entries: int, seed: int = 1) -> tuple[str, list[str]]:
    """Return BibTeX text and its keys."""
    rng = random.Random(seed)
    blocks, keys = [], []
    for index in range(entries):
        kind = rng.choice(ENTRY_TYPES)
        key = f"author{1950 + index % 70}w{index}"
        keys.append(key)
        authors = " and ".join(
            f"{rng.choice(SURNAMES)}, {rng.choice(GIVEN)}"
            for _ in range(rng.choice((1, 2, 3, 6, 12)))
        )
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 14))).capitalize()
        fields = [
            f"author = {{{authors}}}",
            f"title = {{{title} -- a {{ACT}} study}}",
            f"year = {{{1950 + index % 70}}}",
        ]
        if kind == "article":
            fields += [
                f"journal = {{Journal of {rng.choice(WORDS).capitalize()} Research}}",
                f"volume = {{{rng.randint(1, 80)}}}",
                f"pages = {{{rng.randint(1, 400)}--{rng.randint(401, 900)}}}",
                f"doi = {{10.{rng.randint(1000, 9999)}/bench.{index}}}",
            ]
        elif kind == "book":
            fields += ["publisher = {Benchmark Press}", "address = {London}"]
        elif kind == "incollection":
            fields += [
                "booktitle = {Handbook of benchmarks}",
                "editor = {Editor, Ed}",
                "publisher = {Benchmark Press}",
                f"pages = {{{rng.randint(1, 50)}--{rng.randint(51, 99)}}}",
            ]
        else:
            fields += ["institution = {Benchmark Institute}"]
        body = ",\n  ".join(fields)
        blocks.append(f"@{kind}{{{key},\n  {body},\n}}\n")
    return "\n".join(blocks), keys


def page_text(
    number: int, keys: list[str], rng: random.Random, cites: int, *, with_citations: bool
) -> str:
    """About 800 words of Markdown; five citations when ``with_citations``."""
    chosen = rng.sample(keys, cites)
    lines = [f"# Benchmark page {number}", ""]
    for section in range(4):
        lines += [f"## Section {section + 1} on {rng.choice(WORDS)}", ""]
        for paragraph in range(3):
            sentence = " ".join(rng.choice(WORDS) for _ in range(60)).capitalize() + "."
            citation = ""
            slot = section * 3 + paragraph
            if with_citations and slot < cites:
                citation = f" [@{chosen[slot]}]" if slot % 2 == 0 else f" As @{chosen[slot]} found."
            lines += [sentence + citation, ""]
        lines += [f"- {rng.choice(WORDS)} and {rng.choice(WORDS)}" for _ in range(4)] + [""]
    lines += ['!!! note "A note"', "    " + " ".join(rng.choice(WORDS) for _ in range(30)), ""]
    lines += ["| Measure | Value |", "| --- | --- |"] + [
        f"| {rng.choice(WORDS)} | {rng.random():.2f} |" for _ in range(4)
    ]
    return "\n".join(lines) + "\n"


def write_project(root: Path, spec: SiteSpec, variant: str, repo: Path, seed: int = 7) -> Path:
    """Write one benchmark project; ``variant`` is ours, plain, bibtex or zensical."""
    root.mkdir(parents=True, exist_ok=True)
    bib_text, keys = bibliography(spec.entries)
    (root / "refs.bib").write_text(bib_text, encoding="utf-8")
    docs = root / "docs"
    docs.mkdir(exist_ok=True)
    rng = random.Random(seed)
    with_citations = variant != "plain"
    for number in range(spec.pages):
        name = "index.md" if number == 0 else f"page-{number:04d}.md"
        (docs / name).write_text(
            page_text(number, keys, rng, spec.cites_per_page, with_citations=with_citations),
            encoding="utf-8",
        )
    if variant in ("ours", "zensical"):
        (docs / "references.md").write_text("# References\n\n[[bibliography]]\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(_config(variant), encoding="utf-8")
    return root


def _config(variant: str) -> str:
    base = (
        "site_name: Benchmark\nsite_url: http://127.0.0.1:8000/\n"
        "theme:\n  name: material\n  font: false\n  features:\n    - navigation.prune\n"
        "markdown_extensions:\n  - admonition\n  - tables\n  - toc\n"
    )
    if variant in ("ours", "zensical"):
        return (
            base
            + (
                "  - citation_engine.markdown_extension:\n"
                "      bibliography: refs.bib\n      docs_dir: docs\n"
                "      bibliography_page: references.md\n"
            )
            + "plugins:\n  - search\n"
        )
    if variant == "bibtex":
        # As mkdocs-bibtex's README sets it up: the plugin, a bib file, footnotes on.
        return base + "  - footnotes\nplugins:\n  - search\n  - bibtex:\n      bib_file: refs.bib\n"
    return base + "plugins:\n  - search\n"
