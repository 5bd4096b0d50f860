"""A page's YAML front matter, found by the rule MkDocs applies, for every reader of pages.

The engine's scan, the site's review dates and the content lints all split a page into
front matter and body. One rule keeps them agreeing with what the engine publishes: a page
whose front matter MkDocs ignores must not have it read by a lint, and the file lines in
messages must count the same lines the page shows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Final

import yaml

# mkdocs.utils.meta.YAML_RE: "---" then YAML then "---" or "...", each fence alone on its
# line with trailing spaces allowed. Text read in Python's text mode has "\n" line ends.
_FRONT_MATTER_RE: Final = re.compile(r"\A\ufeff?-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)


@dataclass(frozen=True, slots=True)
class SplitPage:
    """A page split as MkDocs splits it.

    ``meta`` is the front matter's mapping; ``body`` is the rest as MkDocs hands it to
    Markdown (without the blank lines after the front matter), and ``lines`` the file lines
    before it, so that a line of the body plus ``lines`` is a line of the file.
    ``fenced`` is the YAML between fences that MkDocs ignored because it is not a mapping
    (or not YAML at all): MkDocs renders such a page whole, and a lint may say why.
    """

    meta: dict[str, Any] = field(default_factory=dict)
    lines: int = 0
    body: str = ""
    fenced: str = ""


def split_front_matter(text: str) -> SplitPage:
    """Split ``text`` as MkDocs does; a page without front matter is all body."""
    match = _FRONT_MATTER_RE.match(text)
    if match is None:
        return SplitPage(body=text)
    try:
        meta = yaml.safe_load(match.group(1))
    except yaml.YAMLError:
        meta = None
    if not isinstance(meta, dict):
        return SplitPage(body=text, fenced=match.group(1))
    body = text[match.end() :].lstrip("\n")  # as MkDocs hands the body to Markdown
    return SplitPage(meta, text[: len(text) - len(body)].count("\n"), body)
