"""Pandoc is the oracle: every case's citations must match ``pandoc -f markdown -t json``.

The corpus is ``tests/fixtures/pandoc/cases.md`` (cases written for this project, modelled on
the "Citation syntax" section of Pandoc's manual and on Pandoc's own citation tests, which are
not copied) plus every key in ``KEYS`` written in every form in ``FORMS``. For each case the
``cites`` output and the rendered page are compared with Pandoc's ``Cite`` elements: keys,
modes, prefixes and suffixes (as plain text). Cases where this project differs on purpose
are listed in CONTRIBUTING.md ("Deliberate differences from Pandoc") and tested below.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from alliance_site.cites_command import page_citations
from alliance_site.site_pages import PAGE_EXTENSIONS
from citation_engine.markdown_extension import CitationExtension
from markdown import Markdown

from tests.peer_rendering import pandoc_path

CASES_FILE = Path(__file__).parents[1] / "fixtures" / "pandoc" / "cases.md"
SEPARATOR = "\n====\n"

KEYS = (
    "doe2020",
    "doe_2020",
    "Doe2020a",
    "a.b.c",
    "a-b-c",
    "foo:bar",
    "foo//bar",
    "x#y$z",
    "a+b?c",
    "café2020",
    "Ünïcödé",
    "日本語",
    "Ωmega",
    "2020doe",
    "_doe",
    "a~b%c",
    "{odd.key:with/chars}",
    "{a{b}c}",
    "doe2020.",
    "doe2020-",
)
FORMS = (
    "Text [@K] here.",
    "Text [see @K, p. 33] here.",
    "Text [@K, pp. 33-35, *passim*] here.",
    "Text [-@K, {ch. 2}] here.",
    "Text @K says.",
    "Text @K [p. 33] says.",
    "Text -@K says.",
    "Text [@K; see @other, ch. 1] here.",
    "Text [see\n@K, p.\n3] here.",
    'Text `@K` and <span title="@K">x</span> and <!-- @K --> here.',
)
Row = tuple[str, str, str, str]


def corpus() -> list[str]:
    """Every case: the hand-written ones, then every key in every form."""
    written = CASES_FILE.read_text(encoding="utf-8").strip("\n").split(SEPARATOR)
    generated = [form.replace("K", key) for key in KEYS for form in FORMS]
    return [*written, *generated]


def _normal(text: str) -> str:
    """Pandoc's smart typography and line breaks, undone for comparison."""
    for smart, plain in (("\xa0", " "), ("’", "'"), ("‘", "'"), ("“", '"'), ("”", '"')):
        text = text.replace(smart, plain)
    text = text.replace("—", "---").replace("–", "--").replace("…", "...")
    leading = " " if text[:1] == " " else ""
    return leading + " ".join(text.split())


def _stringify(inlines: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for inline in inlines:
        kind, content = inline["t"], inline.get("c", [])
        if kind == "Str":
            out.append(content)
        elif kind in ("Space", "SoftBreak", "LineBreak"):
            out.append(" ")
        elif kind in ("Code", "Math"):
            out.append(content[1])
        elif kind == "Quoted":
            mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
            out.append(mark + _stringify(content[1]) + mark)
        elif kind in ("Link", "Image", "Span", "Cite"):
            out.append(_stringify(content[-2] if kind in ("Link", "Image") else content[1]))
        elif kind in ("RawInline", "Note"):
            continue
        else:  # Emph, Strong, Strikeout, Superscript, Subscript, SmallCaps, Underline
            out.append(_stringify(content))
    return "".join(out)


def _pandoc_rows(document: Any) -> list[Row]:
    rows: list[Row] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("t") == "Cite":
                rows.extend(
                    (
                        cite["citationId"],
                        cite["citationMode"]["t"],
                        _normal(_stringify(cite["citationPrefix"])),
                        _normal(_stringify(cite["citationSuffix"])),
                    )
                    for cite in node["c"][0]
                )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(document)
    return rows


@cache
def pandoc_answers() -> tuple[tuple[Row, ...], ...]:
    """Pandoc's citations for every case, from one run (cases split by horizontal rules)."""
    cases = corpus()
    source = "\n\n* * * * *\n\n".join(cases) + "\n"
    result = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=source,
        capture_output=True,
        text=True,
        check=True,
    )
    answers: list[list[Row]] = [[]]
    for block in json.loads(result.stdout)["blocks"]:
        if block["t"] == "HorizontalRule":
            answers.append([])
        else:
            answers[-1].extend(_pandoc_rows(block))
    assert len(answers) == len(cases), "a case swallowed its separator"
    return tuple(tuple(answer) for answer in answers)


def our_rows(case: str) -> list[Row]:
    """What the ``cites`` command reports for a case."""
    return [
        (
            str(item["citationId"]),
            str(item["citationMode"]),
            _normal(str(item["citationPrefix"])),
            _normal(str(item["citationSuffix"])),
        )
        for item in page_citations(case)
    ]


_HREF_RE = re.compile(r'<a class="citation__link" href="#ref-([^"]*)"|class="citation__label"')


def rendered_keys(case: str) -> Counter[str]:
    """Keys the rendered page links to (a label inside a link counts as ``<label>``)."""
    md = Markdown(extensions=[*PAGE_EXTENSIONS, CitationExtension(collect=True)])
    page = md.convert(case)
    return Counter(html.unescape(match[1] or "<label>") for match in _HREF_RE.finditer(page))


def pandoc_rows(case: str) -> list[Row]:
    """Pandoc's citations for one case (one run of Pandoc)."""
    result = subprocess.run(
        [pandoc_path(), "-f", "markdown", "-t", "json"],
        input=case,
        capture_output=True,
        text=True,
        check=True,
    )
    return _pandoc_rows(json.loads(result.stdout)["blocks"])


# Each deliberate difference (CONTRIBUTING.md, "Deliberate differences from Pandoc"): the
# case, the keys Pandoc cites, and the keys this project cites.
DELIBERATE = [
    pytest.param(
        '<div title="x">\n@smith04 in an HTML block\n</div>',
        ["smith04"],
        [],
        id="raw_html_block_is_raw",
    ),
    pytest.param(
        "<details><summary>Summary @doe99</summary>\nHidden [@smith04]\n</details>",
        ["doe99", "smith04"],
        [],
        id="raw_html_block_with_summary_is_raw",
    ),
    pytest.param(
        "Image ![see @doe99](https://example.org/i.png) alt text.",
        ["doe99"],
        [],
        id="image_description_is_plain_text",
    ),
    pytest.param("Empty braced key @{} here.", [""], [], id="empty_braced_key"),
    pytest.param("A key @a<b>c with a tag.", ["a<b>c"], ["a"], id="tag_in_key_is_raw_html"),
    pytest.param("(@doe99) opens the paragraph.", [], ["doe99"], id="no_example_lists"),
    pytest.param("@doe99. opens the paragraph.", [], ["doe99"], id="no_example_list_marker"),
    pytest.param("[@doe99]: https://example.org", ["doe99"], [], id="link_definition"),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("case", "pandoc_keys", "our_keys"), DELIBERATE)
def test_deliberate_difference(case: str, pandoc_keys: list[str], our_keys: list[str]) -> None:
    assert [row[0] for row in pandoc_rows(case)] == pandoc_keys
    assert [row[0] for row in our_rows(case)] == our_keys
    assert sorted(rendered_keys(case).elements()) == sorted(our_keys)


def test_the_corpus_has_at_least_300_cases() -> None:
    assert len(corpus()) >= 300


@pytest.mark.oracle
@pytest.mark.parametrize("index", range(len(corpus())))
def test_cites_agrees_with_pandoc(index: int) -> None:
    case = corpus()[index]
    assert sorted(our_rows(case)) == sorted(pandoc_answers()[index]), case


@pytest.mark.oracle
@pytest.mark.parametrize("index", range(len(corpus())))
def test_rendered_page_cites_what_pandoc_cites(index: int) -> None:
    case = corpus()[index]
    expected = Counter(row[0] for row in pandoc_answers()[index])
    rendered = rendered_keys(case)
    labels = rendered.pop("<label>", 0)
    # Inside a link a citation's label is text (a link holds no link): those are counted.
    assert labels == sum((expected - rendered).values()), case
    assert not rendered - expected, case
