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

    ``meta`` is the front matter's mapping and ``lines`` the file lines it takes; ``body`` is
    the rest, with its leading blank lines kept so that line numbers stay file lines.
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
    return SplitPage(meta, match.group(0).count("\n"), text[match.end() :])
