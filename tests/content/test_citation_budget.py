"""Citation budget and page anatomy: pages cite enough, but not in every line.

A reader on a phone meets a parenthesis every line when the same source is cited again and
again. The rules, from the house style:

- at most ``MAX_CITATIONS_PER_100_WORDS`` citations per 100 words of a page's own text;
- a source is cited once per paragraph (or list item), unless a later sentence carries a
  figure of its own (``RESEARCH_NUMBER_RE``) or a quotation, which is cited where it stands;
- at most ``MAX_CITATIONS_PER_SENTENCE`` citations in one sentence (one line, as the house
  style writes one sentence per line);
- a page number (``p.``/``pp.``) only in a sentence that quotes or gives a figure;
- every content page opens with a "Key points" section of three to five cited bullets, and
  every routine opens with its steps.

A citation is counted the way the build recognises it (``find_citations``): a bracketed group
(``[@a; @b]``) counts once, and so does a narrative ``@key``. Words are counted in the page's
Markdown with front matter, fenced code, abbreviation definitions, link targets and the
citations themselves removed; headings and table cells count, as a reader reads them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import pytest
from citation_engine.citation_syntax import find_citations
from citation_engine.front_matter import split_front_matter

from tests.content_rules import DOCS, RESEARCH_NUMBER_RE, content_pages

if TYPE_CHECKING:
    from pathlib import Path

# The budget, as data: change it here, not in the tests.
MAX_CITATIONS_PER_100_WORDS: Final = 2.5
MAX_CITATIONS_PER_SENTENCE: Final = 2
KEY_POINTS_HEADING: Final = "Key points"
KEY_POINTS_BULLETS: Final = range(3, 6)

# Pages whose job is to list or audit sources, so a citation per line is their content.
BUDGET_EXEMPT: Final = frozenset({"references/index.md", "about/notes-on-the-sources.md"})

# Pages that open with "Steps" instead of "Key points": the action comes first on a routine.
ROUTINES: Final = frozenset(
    {
        "practice/practice-reset-between-clients.md",
        "practice/practice-three-minute-breathing-space.md",
        "practice/practice-attending-to-discomfort.md",
    }
)

# Pages with no findings of their own to summarise, so no "Key points": the home page and the
# chapter landing pages (each a map of its chapter), the reading-guide pathways (ordered reading
# lists), the glossary (an A-Z of definitions), the bibliography and the about pages.
KEY_POINTS_EXEMPT_DIRS: Final = ("about/", "reading-guide/", "references/")
KEY_POINTS_EXEMPT_NAMES: Final = frozenset({"index.md", "glossary.md"})

_LINK_TARGET_RE: Final = re.compile(r"\]\([^)]*\)")
_WORD_RE: Final = re.compile(r"[^\W_]+(?:['’.-][^\W_]+)*")
_PAGE_LOCATOR_RE: Final = re.compile(r"\bpp?\.\s*\d")
_QUOTE_RE: Final = re.compile(r"[\"“”]")


def _name(page: Path, docs: Path = DOCS) -> str:
    return page.relative_to(docs).as_posix()


def _body(page: Path) -> tuple[int, list[str]]:
    """The page's lines after its front matter, and how many lines that front matter took."""
    text = page.read_text(encoding="utf-8")
    split = split_front_matter(text)
    return split.lines, split.body.splitlines()


_CODE_SPAN_RE: Final = re.compile(r"(`+).+?\1")


def _prose_lines(page: Path) -> list[tuple[int, str]]:
    """Numbered lines a reader reads: no fenced code, no abbreviation definitions."""
    offset, lines = _body(page)
    kept = []
    fence = False
    for number, line in enumerate(lines, start=1 + offset):
        if line.lstrip().startswith(("```", "~~~")):
            fence = not fence
            continue
        if fence or line.startswith("*["):
            continue
        # Inline code is shown as written: a citation there is not one (as in the build).
        kept.append((number, _CODE_SPAN_RE.sub("", line)))
    return kept


def citation_count(page: Path) -> int:
    """Citations on a page, counted as the build recognises them."""
    return sum(1 for _ in find_citations("\n".join(line for _, line in _prose_lines(page))))


def word_count(page: Path) -> int:
    """Words a reader reads on the page, without the citations and link targets."""
    words = 0
    for _, line in _prose_lines(page):
        text = _LINK_TARGET_RE.sub("]", line)
        text = re.sub(r"\[[^\[\]\n]*@[^\[\]\n]*\]", " ", text)
        words += len(_WORD_RE.findall(text))
    return words


def density(page: Path) -> float:
    """Citations per 100 words."""
    words = word_count(page)
    return 100 * citation_count(page) / words if words else 0.0


@dataclass(frozen=True)
class _Paragraph:
    lines: tuple[tuple[int, str], ...]


def _paragraphs(page: Path) -> list[_Paragraph]:
    """Paragraphs, list items and table rows, each with its numbered lines."""
    paragraphs: list[_Paragraph] = []
    current: list[tuple[int, str]] = []
    for number, line in _prose_lines(page):
        stripped = line.strip()
        starts_item = bool(re.match(r"^\s*(?:[-*+]|\d+\.)\s", line))
        is_row = stripped.startswith("|")
        if not stripped or stripped.startswith("#") or starts_item or is_row:
            if current:
                paragraphs.append(_Paragraph(tuple(current)))
            current = [(number, line)] if (starts_item or is_row) else []
            if is_row:
                paragraphs.append(_Paragraph(tuple(current)))
                current = []
            continue
        current.append((number, line))
    if current:
        paragraphs.append(_Paragraph(tuple(current)))
    return paragraphs


def repeated_citations(page: Path, docs: Path = DOCS) -> list[str]:
    """Citations of a key already cited in the same paragraph, in a line with no figure or quote."""
    problems = []
    for paragraph in _paragraphs(page):
        seen: set[str] = set()
        for number, line in paragraph.lines:
            keys = {key for found in find_citations(line) for key in found.keys}
            again = sorted(keys & seen)
            if again and not (RESEARCH_NUMBER_RE.search(line) or _QUOTE_RE.search(line)):
                problems.append(f"docs/{_name(page, docs)}:{number}: {', '.join(again)} again")
            seen |= keys
    return problems


def crowded_sentences(page: Path, docs: Path = DOCS) -> list[str]:
    """Lines (sentences) with more citations than the budget allows."""
    problems = []
    for number, line in _prose_lines(page):
        count = sum(1 for _ in find_citations(line))
        if count > MAX_CITATIONS_PER_SENTENCE:
            problems.append(f"docs/{_name(page, docs)}:{number}: {count} citations")
    return problems


def needless_page_numbers(page: Path, docs: Path = DOCS) -> list[str]:
    """Page locators in a sentence with neither a quotation nor a research figure."""
    problems = []
    for number, line in _prose_lines(page):
        for found in find_citations(line):
            for work in found.works:
                if not _PAGE_LOCATOR_RE.search(work.locator):
                    continue
                if not (_QUOTE_RE.search(line) or RESEARCH_NUMBER_RE.search(line)):
                    problems.append(
                        f"docs/{_name(page, docs)}:{number}: {work.key}, {work.locator}"
                    )
    return problems


def needs_key_points(name: str) -> bool:
    """Whether a page must open with "Key points" (see the exemptions above)."""
    if name in ROUTINES or name.startswith(KEY_POINTS_EXEMPT_DIRS):
        return False
    return name.rsplit("/", 1)[-1] not in KEY_POINTS_EXEMPT_NAMES


def opening_problems(page: Path, first_heading: str, docs: Path = DOCS) -> list[str]:
    """Problems with how a page opens, or none.

    The first section after the title must be ``first_heading`` with no text before it; a
    "Key points" section holds three to five bullets and nothing else, each bullet cited.
    """
    shown = f"docs/{_name(page, docs)}"
    lines = [(n, line) for n, line in _prose_lines(page) if line.strip()]
    if len(lines) < 2 or not lines[0][1].startswith("# "):
        return [f"{shown}: no title"]
    number, second = lines[1]
    if second.strip() != f"## {first_heading}":
        return [f"{shown}:{number}: opens with {second.strip()[:60]!r}, not '## {first_heading}'"]
    if first_heading != KEY_POINTS_HEADING:
        return []
    section = []
    for number, line in lines[2:]:
        if line.startswith("#"):
            break
        section.append((number, line))
    bullets = [(n, line) for n, line in section if re.match(r"^[-*+]\s", line)]
    problems = []
    if len(bullets) not in KEY_POINTS_BULLETS or len(bullets) != len(section):
        problems.append(
            f"{shown}: 'Key points' holds {len(bullets)} bullets and "
            f"{len(section) - len(bullets)} other lines (want 3 to 5 bullets only)"
        )
    problems += [
        f"{shown}:{n}: key point without a citation"
        for n, line in bullets
        if not any(True for _ in find_citations(line))
    ]
    return problems


_BUDGET_PAGES: Final = [p for p in content_pages() if _name(p) not in BUDGET_EXEMPT]
_OPENING_PAGES: Final = [
    p for p in content_pages() if _name(p) in ROUTINES or needs_key_points(_name(p))
]


@pytest.mark.parametrize("page", _BUDGET_PAGES, ids=_name)
def test_page_keeps_to_the_citation_budget(page: Path) -> None:
    measured = density(page)
    assert measured <= MAX_CITATIONS_PER_100_WORDS, (
        f"docs/{_name(page)}: {citation_count(page)} citations in {word_count(page)} words "
        f"= {measured:.2f} per 100 words (budget {MAX_CITATIONS_PER_100_WORDS})"
    )
    assert repeated_citations(page) == []
    assert crowded_sentences(page) == []
    assert needless_page_numbers(page) == []


@pytest.mark.parametrize("page", _OPENING_PAGES, ids=_name)
def test_page_opens_with_key_points_or_steps(page: Path) -> None:
    first = "Steps" if _name(page) in ROUTINES else KEY_POINTS_HEADING
    assert opening_problems(page, first) == []


def test_every_routine_is_a_practice_page() -> None:
    assert {_name(p) for p in content_pages() if _name(p) in ROUTINES} == ROUTINES


def _page(tmp_path: Path, text: str) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    page = docs / "page.md"
    page.write_text(f"---\ntitle: T\n---\n\n{text}", encoding="utf-8")
    return page


def test_counts_words_and_citations_as_the_build_does(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        "# Title\n\nAlliance predicts outcome [@a2020; @b2021], says @c2019.\n"
        "See [the glossary](glossary.md), mail me@example.org, `[@code]`.\n\n"
        "```\n[@fenced] words words\n```\n\n*[WAI]: Working Alliance Inventory\n",
    )
    assert citation_count(page) == 2
    # Title | Alliance predicts outcome says c2019 | See the glossary mail me example.org
    assert word_count(page) == 1 + 5 + 6
    assert density(page) == pytest.approx(100 * 2 / 12)


def test_repeated_citation_is_caught_unless_the_sentence_has_a_figure_or_quote(
    tmp_path: Path,
) -> None:
    page = _page(
        tmp_path,
        "# T\n\nFirst claim [@a2020].\nSecond claim [@a2020].\nA figure, r = .28 [@a2020].\n"
        'They call it "the bond" [@a2020, p. 5].\n\n'
        "- An item [@a2020].\n- Another item [@a2020].\n",
    )
    assert repeated_citations(page, page.parent) == ["docs/page.md:8: a2020 again"]


def test_three_citations_in_a_sentence_are_too_many(tmp_path: Path) -> None:
    page = _page(tmp_path, "# T\n\nOne [@a] and [@b] and [@c; @d].\nTwo [@a] and [@b].\n")
    assert crowded_sentences(page, page.parent) == ["docs/page.md:7: 3 citations"]


def test_page_numbers_only_for_quotations_and_figures(tmp_path: Path) -> None:
    page = _page(
        tmp_path,
        '# T\n\nA claim [@a, p. 4].\nThey call it "the bond" [@a, p. 5].\nIt was 32% [@a, p. 6].\n'
        "A chapter [@a, chap. 3].\n",
    )
    assert needless_page_numbers(page, page.parent) == ["docs/page.md:7: a, p. 4"]


def test_key_points_must_open_the_page_with_cited_bullets(tmp_path: Path) -> None:
    good = _page(tmp_path, "# T\n\n## Key points\n\n- One [@a].\n- Two [@b].\n- Three [@c].\n")
    assert opening_problems(good, KEY_POINTS_HEADING, good.parent) == []
    late = _page(tmp_path, "# T\n\nAn introduction.\n\n## Key points\n\n- One [@a].\n")
    assert opening_problems(late, KEY_POINTS_HEADING, late.parent) == [
        "docs/page.md:7: opens with 'An introduction.', not '## Key points'"
    ]
    thin = _page(tmp_path, "# T\n\n## Key points\n\n- One [@a].\n- Two.\n\nProse.\n")
    assert opening_problems(thin, KEY_POINTS_HEADING, thin.parent) == [
        "docs/page.md: 'Key points' holds 2 bullets and 1 other lines (want 3 to 5 bullets only)",
        "docs/page.md:10: key point without a citation",
    ]


def test_routine_must_open_with_its_steps(tmp_path: Path) -> None:
    page = _page(tmp_path, "# T\n\n## Purpose\n\nWhy.\n\n## Steps\n\n1. Breathe.\n")
    assert opening_problems(page, "Steps", page.parent) == [
        "docs/page.md:7: opens with '## Purpose', not '## Steps'"
    ]


def test_exemptions_name_real_pages() -> None:
    names = {_name(p) for p in content_pages()}
    assert names >= BUDGET_EXEMPT
    assert not needs_key_points("about/index.md")
    assert not needs_key_points("alliance/index.md")
    assert needs_key_points("alliance/alliance-and-outcome.md")
    assert needs_key_points("practice/practice-safety.md")
