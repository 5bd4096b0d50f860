"""Rules about the site's Markdown pages, shared by the content tests.

Kept apart from the tests so the rules can be read, and reused, on their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from citation_engine.front_matter import split_front_matter

if TYPE_CHECKING:
    from collections.abc import Iterator

DOCS: Final = Path(__file__).resolve().parent.parent / "docs"
CITATION_RE: Final = re.compile(r"(?<![\w\\])-?@[A-Za-z0-9_]")
RESEARCH_NUMBER_RE: Final = re.compile(
    r"""
    \b[rdgkKnNβR]²?\s*[=<>≈]\s*[−-]?\.?\d          # r = .28, d = .58, n = 37, β = −.24
    | \bp\s*[=<>]\s*\.?\d                           # p = .042, p < .001
    | \d+(?:\.\d+)?\s?%(?!\s*CI)                      # 32.4 %, 8% (not the "95% CI" label)
    | (?<![\w.])[−-]?\.\d{2,3}\b                     # a bare coefficient in a table: .278
    | \b\d[\d,]*\s+(?:independent\s+)?(?:studies|samples|patients|clients|participants|
        professionals|therapists|trainees|clinicians|inpatients|smokers|people|practitioners|
        students|data\s+sources|treatments|counsellors|psychotherapists)\b
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Block:
    """A paragraph, list item or table row of a page, with its first line number."""

    page: str
    line: int
    text: str
    kind: str
    context: str = ""


def content_pages() -> list[Path]:
    """Every Markdown page of the site."""
    return sorted(DOCS.rglob("*.md"))


def page_url_path(page: str) -> str:
    """A page's address below the site's root, as served: ``a/b.md`` is ``a/b/``."""
    path = page.removesuffix(".md")
    if path == "index" or path.endswith("/index"):
        return path.removesuffix("index")
    return f"{path}/"


def page_url_paths() -> list[str]:
    """The address of every Markdown page of the site, below the site's root ("" is home)."""
    return [page_url_path(page.relative_to(DOCS).as_posix()) for page in content_pages()]


def page_blocks(path: Path, docs: Path = DOCS) -> Iterator[Block]:
    """Split a page's body into paragraphs, list items and table rows.

    A table row inherits the citation of the paragraph just above its table, which is where
    a table's source is named.
    """
    text = path.read_text(encoding="utf-8")
    split = split_front_matter(text)
    offset = split.lines
    lines = split.body.splitlines()
    shown = path.relative_to(docs.parent).as_posix()
    paragraph: list[str] = []
    start = 0
    table_context = ""
    in_fence = False
    for number, line in enumerate(lines, start=1 + offset):
        stripped = line.strip()
        if stripped.startswith(("```", "~~~")):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        is_item = bool(re.match(r"^\s*(?:[-*+]|\d+\.)\s", line))
        is_row = stripped.startswith("|")
        if not stripped or stripped.startswith("#") or is_item or is_row:
            if paragraph:
                joined = " ".join(paragraph)
                yield Block(shown, start, joined, "paragraph")
                table_context = joined
                paragraph = []
            if is_item:
                yield Block(shown, number, stripped, "item")
            elif is_row:
                yield Block(shown, number, stripped, "row", table_context)
            elif stripped.startswith("#"):
                table_context = ""
            continue
        if not paragraph:
            start = number
        paragraph.append(stripped)
    if paragraph:
        yield Block(shown, start, " ".join(paragraph), "paragraph")


def uncited_research_numbers(docs: Path = DOCS) -> list[str]:
    """Blocks that state a research figure without citing its source."""
    problems = []
    for page in sorted(docs.rglob("*.md")):
        if page.name == "glossary.md":
            continue  # definitions quote statistical conventions ("p < .05"), not findings
        for block in page_blocks(page, docs):
            if block.text.startswith("*[") or re.fullmatch(r"\|[\s:|-]+\|.*", block.text):
                continue
            match = RESEARCH_NUMBER_RE.search(block.text)
            if match and not CITATION_RE.search(f"{block.text} {block.context}"):
                problems.append(
                    f"{block.page}:{block.line}: '{match.group(0).strip()}' without a citation"
                )
    return problems


# Sentence ends followed by a capital, except after abbreviations and initials.
_SECOND_SENTENCE_RE: Final = re.compile(
    r"(?<!\b[A-Z])(?<!\bet al)(?<!\be\.g)(?<!\bi\.e)(?<!\bpp)(?<!\bp)(?<!\bvs)(?<!\bch)"
    r"(?<!\bNo)(?<!\bVol)(?<!\bed)(?<!\bEds)(?<!\bEd)[.?!] (?=[A-Z])"
)
_EXAMPLE_REFERENCE_PREFIX: Final = "Mindful Alliance editors. ("


def lines_with_two_sentences(docs: Path = DOCS) -> list[str]:
    """Prose lines holding more than one sentence (the house style is one per line)."""
    problems = []
    for page in sorted(docs.rglob("*.md")):
        for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), start=1):
            text = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line).strip()
            if not text or text.startswith(("|", "#", "*[", "*Figure", _EXAMPLE_REFERENCE_PREFIX)):
                continue
            text = re.sub(r"\[[^\]]*\]\([^)]*\)|\[[^\]]*\]|\*\*[^*]+\*\*", "X", text)
            if _SECOND_SENTENCE_RE.search(text):
                problems.append(
                    f"{page.relative_to(docs.parent).as_posix()}:{number}: {line.strip()[:80]}"
                )
    return problems
