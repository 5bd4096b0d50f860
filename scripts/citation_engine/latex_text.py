"""Turn the LaTeX found in BibTeX fields into plain Unicode text.

The only module that imports pylatexenc. Decoding every field with it made a large
bibliography load many times slower (the trap in bibtexparser's own LaTeX middleware), so
fields are sorted by what they hold: no LaTeX at all is returned as is; only braces and
dashes are handled by three replacements; anything with a backslash or math goes to
pylatexenc, with repeated values (author names, journal names) decoded once.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import Final

from pylatexenc.latex2text import LatexNodes2Text

_LATEX_SIGNS_RE: Final = re.compile(r"[\\{}~$%]|--")
_NEEDS_DECODER_RE: Final = re.compile(r"[\\$%]")
_DASHES: Final = (("---", "\u2014"), ("--", "\u2013"), ("~", " "))


@cache
def _decoder() -> LatexNodes2Text:
    return LatexNodes2Text()


def latex_to_text(value: str) -> str:
    """Decode accents, dashes, escapes and case-protecting braces into Unicode.

    Case-protecting braces are dropped: the citation style does not change the case of
    titles, so the protected words already keep the case the author wrote.
    """
    if not _LATEX_SIGNS_RE.search(value):
        return " ".join(value.split())
    if not _NEEDS_DECODER_RE.search(value):
        text = value.replace("{", "").replace("}", "")
        for latex, unicode in _DASHES:
            text = text.replace(latex, unicode)
        return " ".join(text.split())
    return _decode(value)


@lru_cache(maxsize=65536)
def _decode(value: str) -> str:
    decoded: str = _decoder().latex_to_text(value)
    return " ".join(decoded.replace("\xa0", " ").split())
