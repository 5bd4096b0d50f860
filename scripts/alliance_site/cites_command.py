"""``python -m alliance_site cites PAGE --json``: a page's citations in Pandoc's shape.

It parses only, with the same inline processor that renders the page (collect mode), so it
shows exactly what the build will cite; a key the bibliography lacks is listed, not refused.
Each citation is one of Pandoc's ``Citation`` objects (``citationId``, ``citationMode``,
``citationPrefix``, ``citationSuffix``, the last two as plain text) plus its file line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from citation_engine.front_matter import split_front_matter
from citation_engine.markdown_extension import collect_citations

from alliance_site.site_pages import PAGE_EXTENSIONS, page_configs

if TYPE_CHECKING:
    import argparse


def page_citations(text: str) -> list[dict[str, object]]:
    """The citations of a Markdown page (front matter allowed), first written first."""
    split = split_front_matter(text)
    offset, body = split.lines, split.body
    return [
        {
            "citationId": placed.work.key,
            "citationMode": placed.work.mode.value,
            "citationPrefix": placed.work.prefix,
            "citationSuffix": placed.work.suffix,
            "line": placed.line + offset,
        }
        for placed in sorted(
            collect_citations(body, PAGE_EXTENSIONS, page_configs()), key=lambda placed: placed.line
        )
    ]


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the ``cites`` command."""
    cites = commands.add_parser("cites", help="list a page's citations (Pandoc's JSON shape)")
    cites.add_argument("page", help="a Markdown file, or - for standard input")
    cites.add_argument("--json", action="store_true", help="print JSON (the only format)")
    cites.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the page's citations; 2 if the page cannot be read."""
    try:
        text = sys.stdin.read() if args.page == "-" else Path(args.page).read_text("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        print(f"{args.page}: cannot read: {error}", file=sys.stderr)  # noqa: T201
        return 2
    print(json.dumps(page_citations(text), ensure_ascii=False, indent=2))  # noqa: T201
    return 0
